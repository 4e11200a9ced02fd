"""Object ids are bounded once (issue 8.1): a mistaken id is a 404, a malformed one a 422.

The route tests are generated from the URL map, so a route added later is covered without
touching this file: every rule with an `<id:…>` parameter gets, for each of its methods, ids
out of range (beyond 32 and 64 bits), zero, negative and non-numeric ones, as an officer (a
bearer token for API routes, a signed-in session with its CSRF token for pages): each is a 404,
never a 5xx.

The bound is that of the primary keys: `Integer`, so INTEGER (32-bit) on PostgreSQL.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import BigInteger, Integer
from werkzeug.routing import IntegerConverter

from factories import PASSWORD, bearer, contract, council, token, user
from procurehub.alignment.queries import encode_cursor as opportunity_cursor
from procurehub.api.ids import MAX_ID, IdConverter
from procurehub.extensions import db
from procurehub.pagination import encode_cursor

OFFICER = "officer@nlc.example"

# (label, text put in the URL where the id goes); none of them can be an object's id.
BAD_PATH_IDS = [
    ("2**64", str(2**64)),
    ("2**63", str(2**63)),
    ("2**63-1", str(2**63 - 1)),  # fits SQLite, not PostgreSQL's INTEGER keys
    ("2**31", str(2**31)),
    ("10**30", str(10**30)),
    ("5000 digits", "1" * 5000),  # beyond Python's int() digit limit: a ValueError, not a 404
    ("zero", "0"),
    ("negative", "-1"),
    ("non-numeric", "abc"),
    ("fraction", "1.5"),
    ("non-ASCII digit", "\u0661"),  # ARABIC-INDIC DIGIT ONE: int() reads it as 1
]

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@pytest.fixture
def officer(app: Any) -> dict[str, Any]:
    """An officer of North Lanarkshire with one contract, an API token and a signed-in page client."""
    with app.app_context():
        nlc = council("S12000050", "North Lanarkshire Council")
        user(OFFICER, nlc.code, "officer")
        tok = token(OFFICER)
        contract(nlc, end_date=date(2028, 3, 31))
    pages = app.test_client()
    page = pages.get("/sign-in").get_data(as_text=True)
    response = pages.post(
        "/sign-in", data={"email": OFFICER, "password": PASSWORD, "csrf_token": _csrf(page)}
    )
    assert response.status_code == 302, "the officer could not sign in"
    csrf = _csrf(pages.get("/contracts").get_data(as_text=True))
    return {"headers": bearer(tok), "api": app.test_client(), "pages": pages, "csrf": csrf}


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def id_rules(app: Any) -> list[Any]:
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(c, IdConverter) for c in rule._converters.values())
    ]
    assert rules, "no route uses the id converter: the URL map test would test nothing"
    return rules


def path_with(rule: Any, value: str) -> str:
    """The rule's path with `value` where each id goes (and a harmless word in other slots)."""
    path = re.sub(r"<id:[^>]+>", value, rule.rule)
    return re.sub(r"<[^>]+>", "x", path)


def send(officer: dict[str, Any], method: str, path: str) -> Any:
    """One request as the officer: token for the API, the session (and CSRF) for pages."""
    if path.startswith("/api/"):
        kwargs: dict[str, Any] = {"headers": officer["headers"]}
        if method in WRITE_METHODS:
            kwargs["json"] = {}
        return officer["api"].open(path, method=method, **kwargs)
    kwargs = {}
    if method in WRITE_METHODS:
        kwargs["data"] = {"csrf_token": officer["csrf"]}
    return officer["pages"].open(path, method=method, **kwargs)


def methods_of(rule: Any) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def test_the_bound_fits_every_primary_key(app: Any) -> None:
    """MAX_ID is what the narrowest primary-key column holds on both databases."""
    capacity = {BigInteger: 2**63 - 1, Integer: 2**31 - 1}
    keys = [c for t in db.metadata.sorted_tables for c in t.primary_key.columns]
    integer_keys = [c for c in keys if isinstance(c.type, Integer)]
    assert integer_keys, "no integer primary keys?"
    narrowest = min(
        next(cap for kind, cap in capacity.items() if isinstance(c.type, kind))
        for c in integer_keys
    )
    assert narrowest == MAX_ID, f"MAX_ID is {MAX_ID}, the narrowest id column holds {narrowest}"


def test_no_route_takes_an_unbounded_int(app: Any) -> None:
    """A route written with `<int:…>` lets 2**64 reach the database: use `<id:…>`."""
    raw = [
        f"{rule.rule} ({name})"
        for rule in app.url_map.iter_rules()
        for name, converter in rule._converters.items()
        if type(converter) is IntegerConverter
    ]
    assert raw == [], f"use <id:…> (procurehub.api.ids), not <int:…>, in: {raw}"


def test_every_id_in_a_path_uses_the_id_converter(app: Any) -> None:
    """An argument named `id` or `…_id` is an object id, whatever converter it was given."""
    wrong = [
        f"{rule.rule} ({name})"
        for rule in app.url_map.iter_rules()
        for name, converter in rule._converters.items()
        if (name == "id" or name.endswith("_id")) and not isinstance(converter, IdConverter)
    ]
    assert wrong == [], f"ids without the id converter: {wrong}"


def test_the_converter_accepts_exactly_1_to_max_id(app: Any) -> None:
    adapter = app.url_map.bind("localhost")
    rule = next(r for r in id_rules(app) if r.rule == "/api/v1/contracts/<id:contract_id>")
    for value, expected in [("1", 1), ("007", 7), (str(MAX_ID), MAX_ID)]:
        endpoint, args = adapter.match(path_with(rule, value), method="GET")
        assert args == {"contract_id": expected}, value


@pytest.mark.parametrize(("label", "value"), BAD_PATH_IDS, ids=[b[0] for b in BAD_PATH_IDS])
def test_a_bad_id_in_any_route_is_a_404(
    app: Any, officer: dict[str, Any], label: str, value: str
) -> None:
    """Every method of every route with an id: a 404 (no such object), never a 5xx."""
    wrong = []
    for rule in id_rules(app):
        for method in methods_of(rule):
            path = path_with(rule, value)
            response = send(officer, method, path)
            if response.status_code != 404:
                wrong.append(f"{method} {rule.rule}: {response.status_code}")
            elif path.startswith("/api/"):
                assert response.get_json()["code"] == 404, (method, rule.rule)
    assert wrong == [], f"id {label} was not a 404: {wrong}"


def test_the_largest_id_reaches_the_database_and_is_not_found(
    app: Any, officer: dict[str, Any]
) -> None:
    """MAX_ID is a valid id that no object has: the database is asked, and answers nothing.

    Administration pages refuse an officer before any lookup (403, whatever the id), so they
    say nothing about which ids exist."""
    wrong = []
    for rule in id_rules(app):
        admin_only = rule.rule.startswith("/admin/")
        for method in methods_of(rule):
            response = send(officer, method, path_with(rule, str(MAX_ID)))
            expected = 403 if admin_only else 404
            if response.status_code >= 500 or (
                method == "GET" and response.status_code != expected
            ):
                wrong.append(f"{method} {rule.rule}: {response.status_code}")
    assert wrong == [], f"id 2**63-1: {wrong}"


def test_a_method_a_route_does_not_have_is_a_405(app: Any, officer: dict[str, Any]) -> None:
    allowed: dict[str, set[str]] = {}
    for rule in id_rules(app):
        allowed.setdefault(rule.rule, set()).update(rule.methods or ())
    wrong = []
    for template, methods in allowed.items():
        rule = next(r for r in id_rules(app) if r.rule == template)
        for method in ALL_METHODS:
            if method in methods:
                continue
            response = send(officer, method, path_with(rule, "1"))
            if response.status_code != 405:
                wrong.append(f"{method} {template}: {response.status_code}")
            # An out-of-range id matches no route at all, whatever the method.
            response = send(officer, method, path_with(rule, str(2**64)))
            if response.status_code != 404:
                wrong.append(f"{method} {template} with 2**64: {response.status_code}")
    assert wrong == [], wrong


def test_the_openapi_document_says_ids_are_bounded_integers(
    app: Any, officer: dict[str, Any]
) -> None:
    spec = officer["api"].get("/api/v1/openapi.json", headers=officer["headers"]).get_json()
    bounded = {"type": "integer", "format": "int32", "minimum": 1, "maximum": MAX_ID}
    path_ids = [
        (path, p["name"], p["schema"])
        for path, item in spec["paths"].items()
        for operation in [item, *(v for v in item.values() if isinstance(v, dict))]
        for p in operation.get("parameters", [])
        if isinstance(p, dict) and p.get("in") == "path" and p["name"].endswith("id")
    ]
    assert path_ids, "no id path parameter documented"
    for path, name, schema in path_ids:
        assert schema == bounded, (path, name)

    def id_properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        found = []
        for prop, body in (schema.get("properties") or {}).items():
            if body.get("type") == "array":
                body = body.get("items") or {}
            if body.get("type") == "integer" and re.fullmatch(r"(.+_)?ids?", prop):
                found.append((prop, body))
        return found

    unbounded = [
        f"{name}.{prop}"
        for name, schema in spec["components"]["schemas"].items()
        for prop, body in id_properties(schema)
        if body.get("minimum") != 1 or body.get("maximum") != MAX_ID
    ]
    assert unbounded == [], f"integer ids without procurehub.api.schemas.Id: {unbounded}"


# Ids in JSON bodies: the same bound, as a 422 that names the field.

BAD_BODY_IDS = [2**64, 2**63, 2**31, 0, -1, "abc", "12", 1.5, True, None]


@pytest.mark.parametrize("bad", BAD_BODY_IDS, ids=repr)
def test_a_bad_id_in_the_alerts_read_body_is_a_422(
    app: Any, officer: dict[str, Any], bad: Any
) -> None:
    response = officer["api"].post(
        "/api/v1/alerts/read", headers=officer["headers"], json={"ids": [1, bad]}
    )
    assert response.status_code == 422, response.get_data(as_text=True)
    errors = response.get_json()["errors"]
    assert list(errors) == ["ids"] and list(errors["ids"]) == ["1"], errors


@pytest.mark.parametrize("bad", BAD_BODY_IDS, ids=repr)
def test_a_bad_id_in_the_classification_body_is_a_422(
    app: Any, officer: dict[str, Any], bad: Any
) -> None:
    response = officer["api"].post(
        "/api/v1/classification/assign",
        headers=officer["headers"],
        json={"contract_ids": [bad], "category": "unclassified"},
    )
    assert response.status_code == 422, response.get_data(as_text=True)
    assert list(response.get_json()["errors"]) == ["contract_ids"]


def test_the_largest_id_in_a_body_is_simply_not_found(app: Any, officer: dict[str, Any]) -> None:
    api, headers = officer["api"], officer["headers"]
    read = api.post("/api/v1/alerts/read", headers=headers, json={"ids": [MAX_ID]})
    assert read.status_code == 200
    assign = api.post(
        "/api/v1/classification/assign",
        headers=headers,
        json={"contract_ids": [MAX_ID], "category": "unclassified"},
    )
    assert assign.status_code == 404
    assert str(MAX_ID) in assign.get_json()["message"]


# Cursors carry ids too: one out of range is a cursor this hub never gave out (400).


@pytest.mark.parametrize(
    "after", [2**31, 2**63, 2**64, -(2**64)], ids=["2**31", "2**63", "2**64", "-2**64"]
)
def test_a_cursor_with_an_out_of_range_id_is_a_400(
    app: Any, officer: dict[str, Any], after: int
) -> None:
    api, headers = officer["api"], officer["headers"]
    lists = [
        f"/api/v1/contracts?cursor={encode_cursor(after)}",
        f"/api/v1/uploads?cursor={encode_cursor(after)}",
        f"/api/v1/opportunities?cursor={opportunity_cursor(date(2028, 1, 1), after)}",
        f"/api/v1/alerts?cursor={abs(after)}",
    ]
    for url in lists:
        response = api.get(url, headers=headers)
        assert response.status_code == 400, url
        assert "cursor" in response.get_json()["message"], url
    page = officer["pages"].get(f"/contracts?cursor={encode_cursor(after)}")
    assert page.status_code == 400
