"""The front page, the site icon and the words of the error pages every other page shares."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, redirect, send_from_directory, url_for
from werkzeug.exceptions import HTTPException

bp = Blueprint("core", __name__)

# Error pages in plain words: (heading, what happened and what to do).
ERROR_WORDS: dict[int, tuple[str, str]] = {
    400: (
        "Something was wrong with that request",
        "The page could not use what was sent. Go back, check what you entered and try again.",
    ),
    403: (
        "You cannot do that here",
        "Your account does not allow this. If you think it should, ask your council's "
        "ProcureHub administrator.",
    ),
    404: (
        "Page not found",
        "We could not find that page. If you typed the address, check it is right. If you "
        "followed a link or a bookmark, the page may have moved or been removed.",
    ),
    405: (
        "That cannot be done on this page",
        "Go back to the page you were on and use its buttons and links.",
    ),
    413: ("The file is too large", "Upload a smaller file."),
    503: (
        "ProcureHub is unavailable just now",
        "ProcureHub cannot reach its database just now, so nothing was read or changed. Try "
        "again in a minute; if it keeps happening, tell your ProcureHub administrator.",
    ),
    500: (
        "Sorry, something went wrong",
        "ProcureHub could not finish this, and nothing you did caused it. Try again in a few "
        "minutes; if it keeps happening, tell your ProcureHub administrator.",
    ),
}


def error_words(error: HTTPException) -> tuple[str, str]:
    """The heading and text of an error page.

    werkzeug's stock texts ("The requested URL was not found on the server…") are written for
    developers, so they are replaced; a text a page chose on purpose (a missing contract, an
    expired form) is kept, under the plain heading.
    """
    heading, text = ERROR_WORDS.get(error.code or 500, (error.name, error.description or ""))
    stock = type(error).description
    if error.description and error.description != stock:
        text = error.description
    return heading, text


@bp.route("/")
def index() -> Any:
    """The front page is the signed-in user's dashboard (the contract list is at /contracts)."""
    return redirect(url_for("dashboard.index"))


@bp.route("/favicon.ico")
def favicon() -> Any:
    """Browsers ask for /favicon.ico on every site; the icon lives with the static files."""
    return send_from_directory(
        current_app.static_folder or "",
        "favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=7 * 24 * 3600,
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(error_words)
