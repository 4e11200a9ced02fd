"""How a page shows a value that is not there: "Not given", never "None" or a bare dash.

Registers leave many cells blank, so most pages show absent values somewhere. Deciding what
counts as absent and how it reads in one place keeps every page saying the same thing, and the
template filter `not_given` is how templates use it: `{{ contract.supplier_name|not_given }}`.

As a safety net every `{{ … }}` that evaluates to None prints nothing (Jinja's `finalize`):
a value forgotten in a template, or one inside an HTML attribute such as a form field's
`value=""`, is blank rather than the word "None".
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from markupsafe import Markup

NOT_GIVEN = "Not given"


def is_absent(value: Any) -> bool:
    """True for None, blank text and empty lists or mappings: nothing a person could read."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict | set):
        return not value
    return False


def not_given(value: Any, text: str = NOT_GIVEN) -> Any:
    """The value itself, or a muted "Not given" when there is none (a Jinja filter)."""
    if is_absent(value):
        return Markup('<span class="ph_not-given">{}</span>').format(text)
    return value


def nothing_for_none(value: Any) -> Any:
    """Jinja `finalize`: None prints as nothing, never as "None"."""
    return "" if value is None else value


def init_app(app: Flask) -> None:
    app.jinja_env.filters["not_given"] = not_given
    app.jinja_env.finalize = nothing_for_none
