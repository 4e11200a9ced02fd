"""Odd requests schemathesis found to be 500s get a 4xx in the one error format (issue 8.1).

- Field names in `errors` come from the request. A multipart part without a name reaches the
  form as the key None; beside a named one, JSON (which sorts keys) could not write the error
  and the bad upload became a 500.
- PostgreSQL cannot store the NUL character in text or JSON; one in a path, query, form field
  or JSON body of any API route reached the database. It is refused before any view runs.
"""

from __future__ import annotations

from typing import Any

import pytest

from factories import bearer, council, token, user

BOUNDARY = "procurehub-test-boundary"


def multipart(*parts: tuple[bytes, bytes]) -> bytes:
    body = b""
    for disposition, content in parts:
        body += (
            f"--{BOUNDARY}\r\n".encode()
            + b"Content-Disposition: "
            + disposition
            + b"\r\n\r\n"
            + content
            + b"\r\n"
        )
    return body + f"--{BOUNDARY}--\r\n".encode()


@pytest.fixture
def officer_headers(app: Any) -> dict[str, str]:
    with app.app_context():
        nlc = council()
        user("officer@nlc.example", nlc.code, "officer")
        return bearer(token("officer@nlc.example"))


@pytest.mark.parametrize(
    "nameless",
    [b"form-data", b'form-data; name="\n"'],
    ids=["no name", "unreadable name"],
)
def test_an_upload_with_a_nameless_form_part_is_a_422(
    client: Any, officer_headers: dict[str, str], nameless: bytes
) -> None:
    body = multipart(
        (nameless, b"2116"),
        (b'form-data; name="bogus"', b"x"),
        (b'form-data; name="file"; filename="register.csv"', b"title\nBins\n"),
    )
    response = client.post(
        "/api/v1/uploads",
        data=body,
        headers=officer_headers,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    errors = response.get_json()["errors"]
    assert errors == {"": ["Unknown field."], "bogus": ["Unknown field."]}


# NUL characters: the same answer on both databases, for every place a request carries text.


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        (
            "POST",
            "/api/v1/contracts",
            {"title": "Bins", "extra": {"Note\x00": "x"}},
            "extra.Note\x00",
        ),
        (
            "POST",
            "/api/v1/contracts",
            {"title": "Bins", "extra": {"Note": ["a\x00"]}},
            "extra.Note.0",
        ),
        ("POST", "/api/v1/contracts", {"title": "Bi\x00ns"}, "title"),
        (
            "POST",
            "/api/v1/subscriptions",
            {"workstream": "waste\x00", "channel": "inbox"},
            "workstream",
        ),
        ("GET", "/api/v1/opportunities?category=a%00b", None, "category"),
        ("GET", "/api/v1/opportunities?council=S1%0012", None, "council"),
        ("GET", "/api/v1/contracts?q=%00x", None, "q"),
    ],
)
def test_a_nul_character_in_a_request_is_a_422(
    client: Any, officer_headers: dict[str, str], method: str, url: str, body: Any, field: str
) -> None:
    response = client.open(url, method=method, headers=officer_headers, json=body)
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    payload = response.get_json()
    assert list(payload["errors"]) == [field]
    assert "NUL" in payload["errors"][field][0]


def test_a_nul_character_in_a_form_field_is_a_422(
    client: Any, officer_headers: dict[str, str]
) -> None:
    body = multipart(
        (b'form-data; name="sheet"', b"Sheet\x001"),
        (b'form-data; name="file"; filename="register.csv"', b"title\nBins\n"),
    )
    response = client.post(
        "/api/v1/uploads",
        data=body,
        headers=officer_headers,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["sheet"]


@pytest.mark.parametrize("url", ["/api/v1/categories/waste%00", "/api/v1/councils/S1%0012"])
def test_a_nul_character_in_a_path_names_nothing(
    client: Any, officer_headers: dict[str, str], url: str
) -> None:
    response = client.get(url, headers=officer_headers)
    assert response.status_code == 404
    assert response.get_json()["code"] == 404


def test_a_nul_character_still_needs_a_signed_in_user(client: Any) -> None:
    response = client.get("/api/v1/opportunities?category=a%00b")
    assert response.status_code == 401
