"""Pages for one contract: its details and history, the edit form, the collaboration quick action.

DESIGN §1: a procurement officer must be able to "edit single contracts; mark whether each
contract is open to collaboration". Thin views: reading goes straight to the models, every
change goes through `contracts.update_contract` (which derives workstream and latest end date
and writes the audit log), and the form is validated with the API's `ContractUpdateSchema`, so
the page and the API enforce the same rules.

The page shows the register's extra columns, which can hold officers' names and e-mail
addresses: like every page it is for signed-in users only (`auth.require_sign_in`).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import marshmallow as ma
from flask import Blueprint, Flask, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from procurehub.accounts.authz import can_write, require_write
from procurehub.accounts.models import Council
from procurehub.audit.models import AuditEvent
from procurehub.contracts.export import FORMATS, write_export
from procurehub.contracts.fields import (
    COLLABORATION_INTEREST,
    CONTRACT_STATUSES,
    LABELS,
    UNCLASSIFIED,
    choice_label,
    contract_field,
    names_of_kind,
)
from procurehub.contracts.models import Contract
from procurehub.contracts.rules import ContractRuleError
from procurehub.contracts.schemas import ContractUpdateSchema
from procurehub.contracts.service import contract_page, filtered_contracts, update_contract
from procurehub.extensions import db
from procurehub.registers.models import Upload
from procurehub.web.display import is_absent
from procurehub.workstreams.models import Category
from procurehub.workstreams.registry import enabled_plugins

bp = Blueprint("contract_pages", __name__, template_folder="templates")

DATE_FIELDS = frozenset(names_of_kind("date"))
MONEY_FIELDS = frozenset(names_of_kind("money"))
CHOICE_FIELDS = frozenset(names_of_kind("choice"))
INTEREST_LABELS = contract_field("collaboration_interest").choice_labels
INTEREST_HINTS = {c.value: c.hint for c in contract_field("collaboration_interest").choices}
INTEREST_COLOURS = {"yes": "green", "no": "grey", "maybe": "teal", "unknown": "grey"}
UNCLASSIFIED_LABEL = "Unclassified"

# The edit form: (field name, kind). Kinds decide how the submitted text becomes schema input.
FORM_FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "text"),
    ("description", "text"),
    ("reference", "text"),
    ("supplier_name", "text"),
    ("start_date", "date"),
    ("end_date", "date"),
    ("max_end_date", "date"),
    ("extension_terms", "text"),
    ("extension_periods_months", "periods"),
    ("value_total", "money"),
    ("value_annual", "money"),
    ("status", "choice"),
    ("collaboration_interest", "choice"),
    ("category", "choice"),
    ("notes", "text"),
)
FRIENDLY_MESSAGES = {
    "Not a valid date.": "Enter a real date, for example 31/03/2027",
    "Not a valid integer.": "Enter whole numbers of months separated by semicolons, e.g. 12;12",
    "Not a valid number.": "Enter an amount in pounds, for example 1,250,000",
}


# ---------------------------------------------------------------------------- formatting
def long_date(value: Any) -> str:
    """`31 March 2027` (accepts a date or an ISO string from the audit log)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {value:%B %Y}"


def money(value: Any) -> str:
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    sign = "−" if amount < 0 else ""
    amount = abs(amount)
    if amount == amount.to_integral_value():
        return f"{sign}£{amount:,.0f}"
    return f"{sign}£{amount:,.2f}"


def periods_text(periods: Any) -> str:
    """`[12, 12]` → `2 options: 12 months + 12 months`."""
    if not periods:
        return ""
    parts = [f"{p} month{'s' if p != 1 else ''}" for p in periods]
    count = len(parts)
    return f"{count} option{'s' if count != 1 else ''}: " + " + ".join(parts)


def category_labels() -> dict[str, str]:
    labels = {c.key: c.label for c in db.session.scalars(select(Category))}
    labels[UNCLASSIFIED] = UNCLASSIFIED_LABEL
    return labels


def plain(field: str, value: Any, labels: dict[str, str] | None = None) -> str:
    """One field's value in plain words ('' when there is none: the page says "Not given")."""
    if is_absent(value):
        return ""
    if field == "extension_terms":
        return f"“{value}”"  # the register's own words, which may well be "None"
    if field in DATE_FIELDS:
        return long_date(value)
    if field in MONEY_FIELDS:
        return money(value)
    if field == "extension_periods_months":
        return periods_text(value)
    if field in CHOICE_FIELDS:
        return choice_label(field, value)
    if field == "category":
        return (labels or {}).get(value, str(value))
    if field == "workstream":
        plugin = enabled_plugins().get(value)
        return plugin.title if plugin else (UNCLASSIFIED_LABEL if value == UNCLASSIFIED else value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, datetime):
        return f"{long_date(value)} at {value:%H:%M}"
    return str(value)


def extra_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


# ---------------------------------------------------------------------------- helpers
def contract_or_404(contract_id: int) -> Contract:
    contract = db.session.get(Contract, contract_id)
    if contract is None:
        raise NotFound(
            "There is no contract with this number. It may have been deleted, or the address "
            "typed wrongly."
        )
    return contract


ACTIONS = {"create": "Created", "update": "Changed", "delete": "Deleted"}


def upload_files(upload_ids: set[int]) -> dict[int, str]:
    """{upload id: the file's name} for the uploads a contract's history names."""
    if not upload_ids:
        return {}
    rows = db.session.execute(select(Upload.id, Upload.filename).where(Upload.id.in_(upload_ids)))
    return {upload_id: filename for upload_id, filename in rows}


def history(contract: Contract, labels: dict[str, str]) -> list[dict[str, Any]]:
    """The contract's audit events, newest first, as rows a person can read.

    A change an upload made says so, with the file's name: "Created by upload of
    register.xlsx", like a change made by hand says who made it.
    """
    events = list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "contract", AuditEvent.object_id == str(contract.id))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        )
    )
    files = upload_files({e.upload_id for e in events if e.upload_id is not None})
    rows = []
    for event in events:
        changes = []
        for field, pair in (event.changes or {}).items():
            before, after = (
                (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            )
            if event.action == "create" and is_absent(after):
                continue  # a new contract: list what it was created with
            changes.append(
                {
                    "field": field,
                    "label": LABELS.get(field, field.replace("_", " ").capitalize()),
                    "before": plain(field, before, labels),
                    "after": plain(field, after, labels),
                }
            )
        order = list(LABELS)
        changes.sort(key=lambda c: order.index(c["field"]) if c["field"] in order else len(order))
        action = ACTIONS.get(event.action, event.action.replace("_", " ").capitalize())
        if event.upload_id is not None:
            action += f" by upload of {files.get(event.upload_id, f'upload {event.upload_id}')}"
        rows.append(
            {
                "at": event.at,
                "when": f"{long_date(event.at)} at {event.at:%H:%M}" if event.at else "",
                "who": event.actor if event.actor and event.actor != "system" else "ProcureHub",
                "action": action,
                "created": event.action == "create",
                "upload_id": event.upload_id,
                "changes": changes,
            }
        )
    return rows


def edit_categories() -> list[Category]:
    """The categories a contract can be put in: those of the enabled plugins."""
    return list(
        db.session.scalars(
            select(Category)
            .where(Category.workstream.in_(list(enabled_plugins())))
            .order_by(Category.workstream, Category.label)
        )
    )


def form_values_of(contract: Contract) -> dict[str, str]:
    """The edit form filled in from the stored contract."""
    values: dict[str, str] = {}
    for name, kind in FORM_FIELDS:
        value = getattr(contract, name)
        if value is None:
            values[name] = ""
        elif kind == "date":
            values[name] = value.isoformat()
        elif kind == "periods":
            values[name] = ";".join(str(p) for p in value)
        elif kind == "money":
            values[name] = f"{Decimal(value):.2f}".removesuffix(".00")
        else:
            values[name] = str(value)
    return values


def _to_schema_input(raw: dict[str, str]) -> dict[str, Any]:
    """Submitted text → what the API would be sent: blanks are None, lists are lists."""
    data: dict[str, Any] = {}
    for name, kind in FORM_FIELDS:
        text = raw.get(name, "").strip()
        if kind == "periods":
            data[name] = [p.strip() for p in text.replace(",", ";").split(";") if p.strip()]
        elif kind == "money":
            cleaned = text.replace("£", "").replace(",", "").replace(" ", "")
            data[name] = cleaned or None
        elif kind == "choice" or name == "title":
            data[name] = text
        else:
            data[name] = text or None
    return data


FORM_ERROR = "edit-form"  # where an error that belongs to no single field points


def _friendly(message: str) -> str:
    """A validator's message as advice a person can act on."""
    if message in FRIENDLY_MESSAGES:
        return FRIENDLY_MESSAGES[message]
    longest = re.fullmatch(r"Longer than maximum length (\d+)\.", message)
    if longest:
        return f"Use {int(longest.group(1)):,} characters or fewer"
    between = re.fullmatch(
        r"Must be greater than or equal to (\d+) and less than or equal to (\d+)\.", message
    )
    if between:
        return f"Enter numbers from {between.group(1)} to {between.group(2)}"
    return message


def _flatten(messages: Any, field: str) -> list[tuple[str, str]]:
    if isinstance(messages, dict):
        out: list[tuple[str, str]] = []
        for key, value in messages.items():
            inner = field if isinstance(key, int) or key == "_schema" else str(key)
            out.extend(_flatten(value, inner))
        return out
    if isinstance(messages, list | tuple):
        out = []
        for message in messages:
            out.extend(_flatten(message, field))
        return out
    return [(field, _friendly(str(messages)))]


def validate_form(
    raw: dict[str, str], categories: set[str]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Validated values and every problem with the form, as [(field, message)] in form order.

    An officer fixing a form should see all its problems in one go, not one per attempt. The
    API's schema checks each field, but skips its rules across fields (the end date after the
    start date) as soon as any field is wrong; so the fields that were valid are checked
    again on their own, and a mistake in the total value no longer hides a wrong end date.
    """
    data = _to_schema_input(raw)
    errors: list[tuple[str, str]] = []
    if not data["title"]:
        errors.append(("title", "Enter the contract's title"))
        data.pop("title")
    if data["category"] not in categories | {UNCLASSIFIED}:
        errors.append(("category", "Choose a category from the list"))
        data.pop("category")
    if data["status"] not in CONTRACT_STATUSES:
        errors.append(("status", "Choose a status from the list"))
        data.pop("status")
    if data["collaboration_interest"] not in COLLABORATION_INTEREST:
        errors.append(("collaboration_interest", "Choose yes, no, maybe or not known"))
        data.pop("collaboration_interest")
    schema = ContractUpdateSchema(partial=True)
    try:
        loaded = schema.load(data)
    except ma.ValidationError as exc:
        errors.extend(_flatten(exc.messages, FORM_ERROR))
        valid = {k: v for k, v in data.items() if k not in exc.messages}
        try:
            schema.load(valid)
        except ma.ValidationError as across:
            errors.extend(_flatten(across.messages, FORM_ERROR))
        loaded = {}
    order = [name for name, _ in FORM_FIELDS]
    unique: list[tuple[str, str]] = []
    for field, message in errors:
        entry = (field, f"{LABELS.get(field, 'The form')}: {message}")
        if entry not in unique:
            unique.append(entry)
    unique.sort(key=lambda e: order.index(e[0]) if e[0] in order else -1)
    return loaded, unique


def errors_by_field(errors: list[tuple[str, str]]) -> dict[str, list[str]]:
    """{field: [messages]}: what the form shows beside each field (the label is right there)."""
    by_field: dict[str, list[str]] = {}
    for field, message in errors:
        label = f"{LABELS.get(field, 'The form')}: "
        by_field.setdefault(field, []).append(message.removeprefix(label))
    return by_field


def _same(a: Any, b: Any) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except InvalidOperation:
            return False
    return a == b


def changed_only(contract: Contract, loaded: dict[str, Any]) -> dict[str, Any]:
    """The fields the officer actually changed.

    Sending only these lets `update_contract` recompute the latest end date when the end date
    or the extension periods change and the latest end date was left as it was.
    """
    return {k: v for k, v in loaded.items() if not _same(getattr(contract, k), v)}


# ---------------------------------------------------------------------------- pages
@bp.route("/contracts/<id:contract_id>")
def detail(contract_id: int) -> Any:
    contract = contract_or_404(contract_id)
    labels = category_labels()
    shown = [
        "reference",
        "title",
        "description",
        "council_code",
        "supplier_name",
        "supplier_company_number",
        "supplier_address",
        "supplier_is_sme",
        "cpv_codes",
        "award_date",
        "start_date",
        "end_date",
        "extension_terms",
        "extension_periods_months",
        "max_end_date",
        "value_total",
        "value_annual",
        "value_is_estimate",
        "procurement_route",
        "status",
        "collaboration_interest",
        "record_type",
        "notes",
    ]
    fields = []
    for name in shown:
        value = contract.council.name if name == "council_code" else getattr(contract, name)
        fields.append(
            {"name": name, "label": LABELS[name], "text": plain(name, value, labels)}
        )
    return render_template(
        "contracts/detail.html",
        contract=contract,
        fields=fields,
        category_label=labels.get(contract.category, contract.category),
        workstream=plain("workstream", contract.workstream),
        how_classified=contract_field("classified_by").choice_labels.get(
            contract.classified_by or ""
        ),
        extra=[(str(k), extra_value(v)) for k, v in (contract.extra or {}).items()],
        history=history(contract, labels),
        may_edit=can_write(current_user, contract.council_id),
        interest_labels=INTEREST_LABELS,
        interest_colours=INTEREST_COLOURS,
        long_date=long_date,
    )


def _edit_page(
    contract: Contract, values: dict[str, str], errors: list[tuple[str, str]], status: int = 200
) -> Any:
    return (
        render_template(
            "contracts/edit.html",
            contract=contract,
            values=values,
            errors=errors,
            error_messages=errors_by_field(errors),
            categories=edit_categories(),
            statuses=CONTRACT_STATUSES,
            status_labels=contract_field("status").choice_labels,
            interests=COLLABORATION_INTEREST,
            interest_hints=INTEREST_HINTS,
            labels=LABELS,
        ),
        status,
    )


@bp.route("/contracts/<id:contract_id>/edit", methods=["GET", "POST"])
def edit(contract_id: int) -> Any:
    contract = contract_or_404(contract_id)
    require_write(current_user, contract.council_id, what="contracts")
    if request.method == "GET":
        return _edit_page(contract, form_values_of(contract), [])
    raw = {name: request.form.get(name, "") for name, _ in FORM_FIELDS}
    categories = {c.key for c in edit_categories()}
    loaded, errors = validate_form(raw, categories)
    if errors:
        return _edit_page(contract, raw, errors, 422)
    changes = changed_only(contract, loaded)
    if not changes:
        flash("Nothing was changed, so nothing was saved.", "info")
        return redirect(url_for("contract_pages.detail", contract_id=contract.id), 303)
    try:
        update_contract(contract, changes, user=current_user)
        db.session.commit()
    except ContractRuleError as exc:  # a rule of update_contract (e.g. an unknown category)
        db.session.rollback()
        return _edit_page(contract, raw, [(FORM_ERROR, f"The form: {exc}")], 422)
    flash("Saved", "info")
    return redirect(url_for("contract_pages.detail", contract_id=contract.id), 303)


@bp.route("/contracts/<id:contract_id>/collaboration", methods=["POST"])
def collaboration(contract_id: int) -> Any:
    contract = contract_or_404(contract_id)
    require_write(current_user, contract.council_id, what="contracts")
    try:
        loaded = ContractUpdateSchema(partial=True, only=("collaboration_interest",)).load(
            {"collaboration_interest": request.form.get("collaboration_interest", "")}
        )
    except ma.ValidationError:
        flash("Choose yes, no or maybe.", "error")
        return redirect(url_for("contract_pages.detail", contract_id=contract.id), 303)
    update_contract(contract, loaded, user=current_user)
    db.session.commit()
    flash(
        f"Saved: open to a joint tender – {INTEREST_LABELS[loaded['collaboration_interest']]}",
        "info",
    )
    return redirect(url_for("contract_pages.detail", contract_id=contract.id), 303)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def _date_arg(name: str) -> date | None:
    value = request.args.get(name, "").strip()
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _list_args() -> dict[str, Any]:
    """The contract list's filters from the query string (the page and its exports share them)."""
    return {
        "council": request.args.get("council", "").strip() or None,
        "workstream": request.args.get("workstream", "").strip() or None,
        "category": request.args.get("category", "").strip() or None,
        "ends_after": _date_arg("ends_after"),
        "ends_before": _date_arg("ends_before"),
        "q": request.args.get("q", "").strip()[:200] or None,
    }


@bp.route("/contracts/export.<fmt>")
def export(fmt: str) -> Any:
    """Every contract the list's filters select (not only one page), as CSV, XLSX or OCDS."""
    if fmt not in FORMATS:
        raise NotFound("The contract list can be downloaded as .csv, .xlsx or OCDS (.json).")
    args = _list_args()
    extension, mimetype = FORMATS[fmt]
    council = f"-{args['council']}" if args["council"] else ""
    name = f"contracts{council}-{date.today().isoformat()}{'-ocds' if fmt == 'ocds' else ''}"
    return send_file(
        write_export(fmt, filtered_contracts(args)),
        mimetype=mimetype,
        as_attachment=True,
        download_name=f"{name}.{extension}",
    )


@bp.route("/contracts")
def contracts() -> Any:
    args = _list_args()
    page = contract_page(args, request.args.get("cursor"), 50)
    kept = {k: v for k, v in request.args.items() if k != "cursor"}
    categories = list(
        db.session.scalars(
            select(Category)
            .where(Category.workstream.in_(list(enabled_plugins())))
            .order_by(Category.key)
        )
    )
    return render_template(
        "contracts/list.html",
        page=page,
        next_url=url_for("contract_pages.contracts", **kept, cursor=page["next"]) if page["next"] else None,
        args=args,
        export_urls={fmt: url_for("contract_pages.export", fmt=fmt, **kept) for fmt in FORMATS},
        councils=list(db.session.scalars(select(Council).order_by(Council.name))),
        category_labels={c.key: c.label for c in categories},
        categories=categories,
        workstreams=enabled_plugins(),
        interest_labels=INTEREST_LABELS,
    )
