"""No officer's name or e-mail address reaches the logs (issue 14, COMMON rules).

Registers name their contract owners and contacts; people sign in with their e-mail address.
Every logger is turned up to DEBUG (SQLAlchemy's statement log included) while a register
with those columns is imported from the CLI and the upload page, an API request is refused,
an API request fails with a database error (a 500), and a sign-in fails. The captured log
records, and whatever the app wrote to stderr, must not contain any of the names or e-mails.
"""

from __future__ import annotations

import io
import logging
import re

import pytest
from sqlalchemy import text

from factories import OFFICER, PASSWORD, bearer, collaboration, contract, token

pytestmark = pytest.mark.usefixtures("quick_password_hashing")

NAMES = ("Morag McTavish", "Hamish Drummond", "Eilidh Fraser")
EMAILS = (
    "morag.mctavish@northlan.gov.uk",
    "hamish.drummond@northlan.gov.uk",
    "eilidh.fraser@northlan.gov.uk",
)
REGISTER = (
    "Contract Reference,Contract Title,Category,End Date,Annual Value,Contract Owner,Email,Telephone\n"
    f"NLC-1,Food waste collection,waste.food,2029-03-31,120000,{NAMES[0]},{EMAILS[0]},01698 403000\n"
    f"NLC-2,Garden waste,waste.garden,31/13/2029,90000,{NAMES[1]},{EMAILS[1]},01698 403001\n"
    f"NLC-3,Bulky uplifts,waste.bulky,not a date,oops,{NAMES[2]},{EMAILS[2]},01698 403002\n"
)


@pytest.fixture
def every_logger_at_debug(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> pytest.LogCaptureFixture:
    """Every logger on, at DEBUG (Alembic's fileConfig in an earlier migration disables the
    loggers that existed then; a production process has them all)."""
    caplog.set_level(logging.DEBUG)
    names = {*logging.root.manager.loggerDict, "sqlalchemy.engine", "werkzeug", "procurehub"}
    for name in names:
        caplog.set_level(logging.DEBUG, logger=name)
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
    return caplog


def _personal_data_in(text_: str) -> list[str]:
    lowered = text_.lower()
    return [value for value in (*NAMES, *EMAILS, OFFICER) if value.lower() in lowered]


def _csrf(client) -> str:
    html = client.get("/sign-in").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_imports_errors_and_sign_ins_log_no_personal_data(
    app, client, runner, tmp_path, every_logger_at_debug, capfd
):
    with app.app_context():
        nlc = collaboration()["S12000050"]
        officer_token = token(OFFICER)
        contract_id = contract(nlc, reference="NLC-0").id
    path = tmp_path / "register.csv"
    path.write_text(REGISTER, encoding="utf-8")
    caplog = every_logger_at_debug
    caplog.clear()

    # 1. the CLI import (an all-or-nothing run refused for its bad rows, then --accept-valid)
    refused = runner.invoke(["import", "contracts", str(path), "--council", "S12000050", "--json"])
    assert refused.exit_code == 1
    stored = runner.invoke(
        ["import", "contracts", str(path), "--council", "S12000050", "--accept-valid", "--json"]
    )
    assert stored.exit_code == 0, stored.output

    # 2. the upload page
    assert (
        client.post(
            "/sign-in", data={"email": OFFICER, "password": PASSWORD, "csrf_token": _csrf(client)}
        ).status_code
        == 302
    )
    page = client.post(
        "/registers/upload",
        data={
            "council": "S12000050",
            "file": (io.BytesIO(REGISTER.encode()), "register.csv"),
            "csrf_token": _csrf(client),
        },
    )
    assert page.status_code in (200, 303, 422)
    client.post("/sign-out", data={"csrf_token": _csrf(client)})

    # 3. API errors: a refused body quoting an e-mail, and a database failure (a 500)
    refused_api = client.post(
        "/api/v1/contracts",
        json={"title": NAMES[0], "end_date": EMAILS[0], "contact": EMAILS[0]},
        headers=bearer(officer_token),
    )
    assert refused_api.status_code == 422

    from procurehub.contracts import service as contract_service

    def failing_update(*args, **kwargs):
        from procurehub.extensions import db

        db.session.execute(  # a duplicate council code: IntegrityError quoting its parameters
            text("INSERT INTO council (code, name, created_at) VALUES (:code, :name, :at)"),
            {"code": "S12000050", "name": f"{NAMES[1]} <{EMAILS[1]}>", "at": "2026-01-01"},
        )

    app.config["PROPAGATE_EXCEPTIONS"] = False  # log the 500 as production does
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(contract_service, "update_contract", failing_update)
        failed = client.patch(
            f"/api/v1/contracts/{contract_id}", json={"title": "x"}, headers=bearer(officer_token)
        )
    assert failed.status_code == 500
    assert _personal_data_in(failed.get_data(as_text=True)) == []

    # 4. failed sign-ins, with the officer's and an unknown e-mail address
    for email in (OFFICER, EMAILS[2]):
        r = client.post(
            "/sign-in",
            data={"email": email, "password": "wrong password here", "csrf_token": _csrf(client)},
        )
        assert "not right" in r.get_data(as_text=True)

    logged = "\n".join(
        f"{record.name} {record.getMessage()} {record.exc_text or ''}" for record in caplog.records
    )
    # the checks saw something: the statement log and the 500 are there, only without the data
    assert "SELECT" in logged and "Exception on /api/v1/contracts" in logged
    captured = capfd.readouterr()
    assert _personal_data_in(logged) == []
    assert _personal_data_in(captured.err) == []
