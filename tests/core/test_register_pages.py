"""The register upload pages through the Flask test client: sign-in, CSRF, council choice,
friendly messages for a missing or oversized file, the report of a refused upload."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from sqlalchemy import func, select

from factories import PASSWORD, collaboration, contract
from procurehub.accounts.service import get_council
from procurehub.contracts.models import Contract
from procurehub.extensions import db
from procurehub.registers.models import CouncilColumnMapping, Upload

CSV_GOOD = (
    "Contract Ref,Contract Title,Supplier,End Date,Total Value\nNLC-1,Bins,Acme,31/03/2027,£1.2m\n"
)
CSV_BAD = (
    "Contract Ref,Contract Title,Supplier,End Date,Total Value\n"
    "NLC-1,Bins,Acme,31/03/2027,£1.2m\n"
    "NLC-2,Food waste,Acme,someday,£300k\n"
)


@pytest.fixture
def hub(app: Any) -> Any:
    with app.app_context():
        collaboration()
    return app


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: Any, email: str = "officer@nlc.example") -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    response = client.post(
        "/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": csrf_of(page)}
    )
    assert response.status_code == 302


def upload_form(client: Any) -> tuple[str, str]:
    html = client.get("/registers/upload").get_data(as_text=True)
    return html, csrf_of(html)


def post_upload(client: Any, token: str | None, text: str = CSV_GOOD, **fields: Any) -> Any:
    data: dict[str, Any] = {"file": (io.BytesIO(text.encode()), "register.csv"), **fields}
    if token is not None:
        data["csrf_token"] = token
    return client.post("/registers/upload", data=data, content_type="multipart/form-data")


def uploads_count(app: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Upload.id)))


@pytest.mark.parametrize(
    "path",
    ["/registers/upload", "/registers/uploads", "/registers/uploads/1", "/contracts/unclassified"],
)
def test_anonymous_visitors_are_sent_to_sign_in(hub: Any, client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_upload_needs_the_csrf_token(hub: Any, client: Any) -> None:
    sign_in(client)
    response = post_upload(client, None)
    assert response.status_code == 400
    assert "The page had expired, so nothing was uploaded" in response.get_data(as_text=True)
    assert uploads_count(hub) == 0


def test_officer_sees_only_their_council_and_cannot_forge_another(hub: Any, client: Any) -> None:
    sign_in(client)
    html, token = upload_form(client)
    assert 'value="S12000050"' in html and 'value="S12000049"' not in html
    response = post_upload(client, token, council="S12000049")
    assert response.status_code == 403
    assert "You can only upload registers for your own council" in response.get_data(as_text=True)
    assert uploads_count(hub) == 0


def test_admin_may_choose_any_council(hub: Any, client: Any) -> None:
    sign_in(client, "admin@hub.example")
    html, token = upload_form(client)
    assert 'value="S12000050"' in html and 'value="S12000049"' in html
    response = post_upload(client, token, council="S12000049")
    assert response.status_code == 303
    with hub.app_context():
        stored = db.session.scalar(select(Contract).where(Contract.reference == "NLC-1"))
        assert stored.council.code == "S12000049"


def test_missing_file_gives_a_clear_message(hub: Any, client: Any) -> None:
    sign_in(client)
    _, token = upload_form(client)
    response = client.post(
        "/registers/upload", data={"csrf_token": token}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and "Choose the register file to upload" in body

    response = client.post(
        "/registers/upload",
        data={"csrf_token": token, "file": (io.BytesIO(b""), "")},
        content_type="multipart/form-data",
    )
    assert "Choose the register file to upload" in response.get_data(as_text=True)


def test_oversized_upload_is_explained(hub: Any, client: Any) -> None:
    hub.config["MAX_CONTENT_LENGTH"] = 2048
    sign_in(client)
    _, token = upload_form(client)
    response = post_upload(client, token, text=CSV_GOOD + "x" * 5000)
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "The file is too big" in body and "There is a problem" in body


def test_stored_upload_redirects_to_its_report(hub: Any, client: Any) -> None:
    sign_in(client)
    _, token = upload_form(client)
    response = post_upload(client, token)
    assert response.status_code == 303
    report = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Register stored" in report and "Contract Ref" in report
    assert "recognised heading" in report.lower()
    # re-uploading the same file changes nothing
    response = post_upload(client, token)
    report = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "0 new, 0 updated, 1 unchanged" in report


def test_refused_upload_shows_its_message_and_the_bad_value(hub: Any, client: Any) -> None:
    sign_in(client)
    _, token = upload_form(client)
    response = post_upload(client, token, text=CSV_BAD)
    assert response.status_code == 303
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was stored" in body
    assert "Nothing was stored: 1 row(s) have errors" in body
    assert "someday" in body and "errors.xlsx" in body
    with hub.app_context():
        assert db.session.scalar(select(func.count(Contract.id))) == 0


def test_unreadable_file_is_refused_with_a_message(hub: Any, client: Any) -> None:
    sign_in(client)
    _, token = upload_form(client)
    data = {"csrf_token": token, "file": (io.BytesIO(b"\x00\x01garbage" * 10), "register.xlsx")}
    response = client.post("/registers/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was stored" in body and "Whole file" in body


def test_dry_run_renders_the_report_and_stores_nothing(hub: Any, client: Any) -> None:
    sign_in(client)
    _, token = upload_form(client)
    response = post_upload(client, token, dry_run="1")
    assert response.status_code == 200
    assert "Check only: nothing was stored" in response.get_data(as_text=True)
    assert uploads_count(hub) == 0


def test_mapping_can_be_saved_only_for_own_council(hub: Any, client: Any) -> None:
    sign_in(client)
    _, token = upload_form(client)
    location = post_upload(client, token).headers["Location"]
    upload_id = int(location.rsplit("/", 1)[1])
    report = client.get(location).get_data(as_text=True)
    assert 'name="field_1"' in report
    response = client.post(
        f"/registers/uploads/{upload_id}/mapping",
        data={"csrf_token": token, "field_1": "description"},
    )
    assert response.status_code == 303
    assert "Saved 1 column choice" in client.get(location).get_data(as_text=True)
    with hub.app_context():
        saved = db.session.scalar(select(CouncilColumnMapping))
        assert saved.field == "description"
    # without a token: refused, nothing changed
    response = client.post(f"/registers/uploads/{upload_id}/mapping", data={"field_1": "notes"})
    assert response.status_code == 400


def test_officer_cannot_change_another_councils_mapping(hub: Any, client: Any) -> None:
    sign_in(client)
    _, token = upload_form(client)
    location = post_upload(client, token).headers["Location"]
    upload_id = int(location.rsplit("/", 1)[1])
    client.post("/sign-out", data={"csrf_token": token})
    sign_in(client, "officer@glasgow.example")
    html = client.get(location).get_data(as_text=True)
    assert 'name="field_1"' not in html  # read-only for other councils
    token = csrf_of(html)
    response = client.post(
        f"/registers/uploads/{upload_id}/mapping", data={"csrf_token": token, "field_1": "notes"}
    )
    assert response.status_code == 403


def test_assigning_a_category_is_limited_to_own_council(hub: Any, client: Any) -> None:
    with hub.app_context():
        gcc = get_council("S12000049")
        other = contract(gcc, reference="GCC-9", category="unclassified", category_label="Misc")
        other_id = other.id
    sign_in(client)
    html = client.get("/contracts/unclassified").get_data(as_text=True)
    assert "GCC-9" in html and f'name="contract_id" value="{other_id}"' not in html
    response = client.post(
        "/contracts/unclassified",
        data={"csrf_token": csrf_of(html), "contract_id": other_id, "category": "waste.bulky"},
    )
    assert response.status_code == 403
    with hub.app_context():
        assert db.session.get(Contract, other_id).category == "unclassified"
