"""The authorisation matrix: every route of the app, tried as every kind of person.

The routes come from `app.url_map` (every rule, every method but HEAD and OPTIONS), so a new
route that is not in `EXPECTED` below fails `test_every_route_has_an_expected_outcome` with
its name. Each (endpoint, method) is tried as seven people: anonymous, an officer of the
council that owns the object in the URL (North Lanarkshire), an officer of another council
(Glasgow), a network manager (Fife), a coordinator (Glasgow), a digital lead (Edinburgh) and an
administrator (of North Lanarkshire). The hub is `procurehub.demo.load()` (the councils and
people of the demo, with data for every workstream) plus an upload, an alignment run, a
subscription and a calendar link, so every URL is built with real ids of objects owned by
North Lanarkshire (or by its officer, for personal things such as subscriptions).

Outcomes:
  ok      the request got past authorisation: 2xx, a redirect that is not to sign-in, or a
          400/409/422 about the request body (the person may do this; the body was refused)
  403     refused: Forbidden, exactly
  404     not shown: someone else's personal object (a subscription) answers as if absent
  signin  anonymous: 401 from the API, a redirect to the sign-in page from the pages

Page writes (POST forms) carry the form's CSRF token from a signed-in page; API calls use each
person's API token (cookie-authenticated API writes are checked in test_auth.py). Writes send a
valid body where a route validates before it authorises, so a 403 is never hidden by a 422.
Every request runs inside a transaction that is rolled back afterwards (the app's session joins
it with savepoints), so every person sees the same hub and a delete by one does not turn the
next person's try into a 404.

Both databases: the whole matrix (about 1,250 requests) takes a minute or so on each.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import openpyxl
import pytest
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from procurehub.extensions import db

pytestmark = pytest.mark.usefixtures("quick_password_hashing")

ROLES = ("anonymous", "owner", "other", "network_manager", "coordinator", "digital_lead", "admin")
PEOPLE = {
    "owner": "officer.nlc@procurehub.example",
    "other": "officer.glasgow@procurehub.example",
    "network_manager": "fleet.manager@procurehub.example",
    "coordinator": "coordinator@procurehub.example",
    "digital_lead": "digital.lead@procurehub.example",
    "admin": "admin@procurehub.example",
}
OWNER_COUNCIL = "S12000050"  # North Lanarkshire
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
DISCOVER = os.environ.get("AUTHZ_MATRIX_DISCOVER") == "1"


# ------------------------------------------------------------------ outcome profiles
def profile(anonymous: str = "signin", default: str = "ok", **by_role: str) -> dict[str, str]:
    outcomes = {role: default for role in ROLES}
    outcomes["anonymous"] = anonymous
    outcomes.update(by_role)
    return outcomes


PUBLIC = profile(anonymous="ok")
READ = profile()  # everything signed-in people see is shared across councils (DESIGN §3)
OWN = profile(
    default="403", owner="ok", admin="ok"
)  # the owning council's data: its officers and admins
COORDINATION = profile(default="403", coordinator="ok", admin="ok")
ADMIN = profile(default="403", admin="ok")
PERSONAL = READ  # acts on one's own things (inbox, subscriptions, calendar link, password)
PERSONAL_ITEM = profile(default="404", owner="ok")  # another person's subscription is not there
# The fleet standard and whole-life-cost parameters: network managers maintain them (DESIGN §1)
FLEET_STANDARDS = profile(default="403", network_manager="ok", coordinator="ok", admin="ok")
# The national business cases: digital leads build them (DESIGN §3)
BUSINESS_CASES = profile(default="403", coordinator="ok", digital_lead="ok", admin="ok")
# A council's own data that coordinators may also act on (classifying, joint models)
OWN_OR_COORDINATION = profile(default="403", owner="ok", coordinator="ok", admin="ok")
SIGN_OUT = profile(default="signin")  # signs the person out and sends them to sign in

EXPECTED: dict[tuple[str, str], dict[str, str]] = {
    ("core.index", "GET"): READ,
    ("auth.change_password", "GET"): PERSONAL,
    ("auth.change_password", "POST"): PERSONAL,
    ("admin_pages.index", "GET"): ADMIN,
    ("admin_pages.audit", "GET"): ADMIN,
    ("admin_pages.jobs", "GET"): ADMIN,
    ("admin_pages.users", "GET"): ADMIN,
    ("alert_pages.inbox", "GET"): PERSONAL,
    ("alert_pages.calendar_link", "POST"): PERSONAL,
    ("alert_pages.mark_all_read", "POST"): PERSONAL,
    ("alert_pages.subscriptions", "GET"): PERSONAL,
    ("alert_pages.subscriptions", "POST"): PERSONAL,
    ("alert_pages.delete", "POST"): PERSONAL_ITEM,
    ("api-docs.openapi_swagger_ui", "GET"): READ,
    ("alerts.Inbox", "GET"): PERSONAL,
    ("alerts.InboxRead", "POST"): PERSONAL,
    ("audit_events.AuditEvents", "GET"): ADMIN,
    ("alerts.Calendar", "GET"): PERSONAL,
    ("alerts.CalendarLink", "POST"): PERSONAL,
    ("categories.CategoryList", "GET"): READ,
    ("categories.CategoryItem", "GET"): READ,
    ("categories.CategoryItem", "PATCH"): COORDINATION,
    (
        "classification.Assign",
        "POST",
    ): OWN_OR_COORDINATION,  # coordinators classify any council's contracts
    ("contracts.ContractList", "GET"): READ,
    ("contracts.ContractList", "POST"): OWN,
    ("contracts.ContractItem", "DELETE"): OWN,
    ("contracts.ContractItem", "GET"): READ,
    ("contracts.ContractItem", "PATCH"): OWN,
    ("contracts.ContractItem", "PUT"): OWN,
    ("councils.CouncilList", "GET"): READ,
    ("councils.CouncilItem", "GET"): READ,
    ("column_mappings.CouncilMapping", "GET"): READ,
    ("column_mappings.CouncilMapping", "PUT"): OWN,
    ("digital_api.BusinessCases", "GET"): READ,
    ("digital_api.BusinessCases", "POST"): BUSINESS_CASES,
    ("digital_api.BusinessCaseItem", "DELETE"): BUSINESS_CASES,
    ("digital_api.BusinessCaseItem", "GET"): READ,
    ("digital_api.BusinessCaseItem", "PATCH"): BUSINESS_CASES,
    ("digital_api.BusinessCaseItem", "PUT"): BUSINESS_CASES,
    ("digital_api.CaseAppraisal", "GET"): READ,
    ("digital_api.CaseWorkbook", "GET"): READ,
    ("digital_overview_api.Overview", "GET"): READ,
    ("digital_api.Systems", "GET"): READ,
    ("digital_api.Systems", "POST"): OWN,
    ("digital_api.SystemItem", "DELETE"): OWN,
    ("digital_api.SystemItem", "GET"): READ,
    ("digital_api.SystemItem", "PATCH"): OWN,
    ("digital_api.SystemItem", "PUT"): OWN,
    ("digital_api.SystemUploads", "POST"): OWN,
    ("fleet_api.Catalogue", "GET"): READ,
    ("fleet_api.CatalogueItem", "GET"): READ,
    ("fleet_api.Compare", "GET"): READ,
    ("fleet_api.CompareWorkbook", "GET"): READ,
    ("fleet_overview_api.Overview", "GET"): READ,
    ("fleet_api.Parameters", "GET"): READ,
    ("fleet_api.Parameters", "POST"): FLEET_STANDARDS,
    ("fleet_api.Specs", "GET"): READ,
    ("fleet_api.Specs", "POST"): OWN,
    ("fleet_api.SpecItem", "DELETE"): OWN,
    ("fleet_api.SpecItem", "GET"): READ,
    ("fleet_api.SpecItem", "PATCH"): OWN,
    ("fleet_api.SpecTemplate", "GET"): READ,
    ("fleet_api.SpecUpload", "POST"): OWN,
    ("fleet_api.Standards", "GET"): READ,
    ("fleet_api.StandardItem", "DELETE"): FLEET_STANDARDS,
    ("fleet_api.StandardItem", "GET"): READ,
    ("fleet_api.StandardItem", "PATCH"): FLEET_STANDARDS,
    ("fleet_api.Adopt", "POST"): FLEET_STANDARDS,
    ("fleet_api.RequirementItem", "DELETE"): FLEET_STANDARDS,
    ("fleet_api.RequirementItem", "PUT"): FLEET_STANDARDS,
    ("fleet_api.Drafts", "POST"): FLEET_STANDARDS,
    ("fleet_api.Variations", "GET"): READ,
    ("job_runs.JobRuns", "GET"): ADMIN,
    ("api-docs.openapi_json", "GET"): READ,
    ("opportunities.OpportunityList", "GET"): READ,
    ("opportunities.OpportunityItem", "GET"): READ,
    ("opportunities.OpportunityItem", "PATCH"): COORDINATION,
    ("subscriptions.SubscriptionList", "GET"): PERSONAL,
    ("subscriptions.SubscriptionList", "POST"): PERSONAL,
    ("subscriptions.SubscriptionItem", "DELETE"): PERSONAL_ITEM,
    ("subscriptions.SubscriptionItem", "GET"): PERSONAL_ITEM,
    ("templates.ContractTemplate", "GET"): READ,
    ("tender_plan.TenderPlan", "GET"): READ,
    ("tender_plan.TenderPlanWave", "GET"): READ,
    ("tender_plan.TenderPlanWave", "PATCH"): COORDINATION,
    ("uploads.UploadCollection", "GET"): READ,
    ("uploads.UploadCollection", "POST"): OWN,
    ("uploads.UploadItem", "GET"): READ,
    ("uploads.UploadErrors", "GET"): READ,
    ("waste_bulky_api.BulkyBenchmark", "GET"): READ,
    ("waste_bulky_api.Profiles", "GET"): READ,
    ("waste_bulky_api.Profiles", "POST"): OWN,
    ("waste_bulky_api.Profile", "DELETE"): OWN,
    ("waste_bulky_api.Profile", "GET"): READ,
    ("waste_bulky_api.Profile", "PATCH"): OWN,
    ("waste_bulky_api.Profile", "PUT"): OWN,
    ("waste_bulky_api.ProfileUploads", "POST"): OWN,
    ("waste_bulky_api.JointModels", "GET"): READ,
    (
        "waste_bulky_api.JointModels",
        "POST",
    ): OWN_OR_COORDINATION,  # a council may model a group it is in
    ("waste_bulky_api.JointModelItem", "DELETE"): COORDINATION,
    ("waste_bulky_api.JointModelItem", "GET"): READ,
    ("waste_bulky_api.JointModelItem", "PATCH"): COORDINATION,
    ("waste_bulky_api.JointModelItem", "PUT"): COORDINATION,
    ("waste_bulky_api.JointModelPreview", "POST"): READ,
    ("waste_overview_api.Overview", "GET"): READ,
    (
        "calendar_feed",
        "GET",
    ): PUBLIC,  # the secret URL is the credential (calendar apps cannot sign in)
    ("contract_pages.contracts", "GET"): READ,
    ("contract_pages.detail", "GET"): READ,
    ("contract_pages.collaboration", "POST"): OWN,
    ("contract_pages.edit", "GET"): OWN,
    ("contract_pages.edit", "POST"): OWN,
    ("registers.unclassified", "GET"): READ,
    (
        "registers.unclassified",
        "POST",
    ): OWN_OR_COORDINATION,  # coordinators classify any council's contracts
    ("digital.overview", "GET"): READ,
    ("digital_pages.business_cases", "GET"): READ,
    ("digital_pages.business_case", "GET"): READ,
    ("digital_pages.edit_business_case", "GET"): BUSINESS_CASES,
    ("digital_pages.edit_business_case", "POST"): BUSINESS_CASES,
    ("digital_pages.workbook", "GET"): READ,
    ("digital_pages.systems", "GET"): READ,
    ("digital_pages.delete_system", "POST"): OWN,
    ("digital_pages.edit_system", "GET"): OWN,
    ("digital_pages.edit_system", "POST"): OWN,
    ("digital_pages.new_system", "GET"): READ,
    ("digital_pages.new_system", "POST"): OWN,
    ("digital_pages.systems_template", "GET"): READ,
    ("digital_pages.upload_systems", "GET"): READ,
    ("digital_pages.upload_systems", "POST"): OWN,
    ("core.favicon", "GET"): PUBLIC,
    ("fleet.overview", "GET"): READ,
    ("fleet_pages.compare", "GET"): READ,
    ("fleet_pages.compare_xlsx", "GET"): READ,
    ("fleet_pages.dashboard", "GET"): READ,
    ("fleet_pages.static", "GET"): READ,
    ("fleet_pages.parameters", "GET"): READ,
    ("fleet_pages.parameters", "POST"): FLEET_STANDARDS,
    ("fleet_pages.specs", "GET"): READ,
    ("fleet_pages.spec", "GET"): READ,
    ("fleet_pages.delete_spec", "POST"): OWN,
    ("fleet_pages.edit_spec", "GET"): OWN,
    ("fleet_pages.edit_spec", "POST"): OWN,
    ("fleet_pages.new_spec", "GET"): READ,
    ("fleet_pages.new_spec", "POST"): READ,  # always the person's own council
    ("fleet_pages.spec_template", "GET"): READ,
    ("fleet_pages.upload_spec", "POST"): READ,  # always the person's own council
    ("fleet_pages.standards", "GET"): READ,
    ("fleet_pages.standard", "GET"): READ,
    ("fleet_pages.draft", "GET"): READ,
    ("fleet_pages.draft", "POST"): FLEET_STANDARDS,
    ("fleet_pages.history", "GET"): READ,
    ("fleet_pages.standard_version", "GET"): READ,
    ("auth.health", "GET"): PUBLIC,
    ("alignment_pages.opportunities", "GET"): READ,
    ("alignment_pages.opportunity", "GET"): READ,
    ("alignment_pages.opportunity", "POST"): COORDINATION,
    ("registers.upload", "GET"): READ,
    ("registers.upload", "POST"): OWN,
    ("registers.uploads", "GET"): READ,
    ("registers.upload_report", "GET"): READ,
    ("registers.save_mapping", "POST"): OWN,
    ("auth.login", "GET"): PUBLIC,
    ("auth.login", "POST"): PUBLIC,
    ("auth.logout", "POST"): SIGN_OUT,
    ("static", "GET"): PUBLIC,
    ("alignment_pages.tender_plan", "GET"): READ,
    ("alignment_pages.tender_plan_wave", "POST"): COORDINATION,
    ("waste.overview", "GET"): READ,
    ("waste_bulky.index", "GET"): READ,
    ("waste_bulky.benchmark", "GET"): READ,
    ("waste_bulky.benchmark_export", "GET"): READ,
    ("waste_bulky.joint_models", "GET"): READ,
    (
        "waste_bulky.save_joint_model",
        "POST",
    ): OWN_OR_COORDINATION,  # a council may model a group it is in
    ("waste_bulky.joint_model", "GET"): READ,
    ("waste_bulky.delete_joint_model", "POST"): COORDINATION,
    ("waste_bulky.edit_joint_model", "GET"): COORDINATION,
    ("waste_bulky.edit_joint_model", "POST"): COORDINATION,
    ("waste_bulky.new_joint_model", "GET"): READ,
    ("waste_bulky.profile", "GET"): READ,
    ("waste_bulky.delete_profile", "POST"): OWN,
    ("waste_bulky.edit_profile", "GET"): OWN,
    ("waste_bulky.edit_profile", "POST"): OWN,
    ("waste_bulky.new_profile", "GET"): READ,
    ("waste_bulky.new_profile", "POST"): READ,  # the person's own council
    ("waste_bulky.template", "GET"): READ,
    ("waste_bulky.upload", "GET"): READ,
    ("waste_bulky.upload", "POST"): READ,  # the person's own council
    # role dashboards (issue 13): everyone signed in has one
    ("dashboard.index", "GET"): READ,
    ("dashboard.static", "GET"): READ,
    # administration in the browser (issue 13)
    ("admin_pages.audit_export", "GET"): ADMIN,
    ("admin_pages.edit_council", "GET"): ADMIN,
    ("admin_pages.edit_council", "POST"): ADMIN,
    ("admin_pages.new_council", "GET"): ADMIN,
    ("admin_pages.new_council", "POST"): ADMIN,
    ("admin_pages.tokens", "GET"): ADMIN,
    ("admin_pages.tokens", "POST"): ADMIN,
    ("admin_pages.revoke_token", "POST"): ADMIN,
    ("admin_pages.edit_user", "GET"): ADMIN,
    ("admin_pages.edit_user", "POST"): ADMIN,
    ("admin_pages.user_active", "POST"): ADMIN,
    ("admin_pages.new_user", "GET"): ADMIN,
    ("admin_pages.new_user", "POST"): ADMIN,
    ("contract_pages.export", "GET"): READ,
    # fleet lists and replacement demand (issue 9): a council's list is its own to change
    ("fleet_api.Demand", "GET"): READ,
    ("fleet_api.ReplacementAges", "GET"): READ,
    ("fleet_api.ReplacementAges", "PUT"): OWN,
    ("fleet_api.VehicleUploads", "POST"): OWN,
    ("fleet_api.VehicleList", "GET"): READ,
    ("fleet_api.VehicleItem", "GET"): READ,
    ("fleet_pages.replacement_ages", "GET"): READ,
    ("fleet_pages.replacement_ages", "POST"): OWN,
    ("fleet_pages.vehicles_list", "GET"): READ,
    ("fleet_pages.vehicles_export", "GET"): READ,
    ("fleet_pages.vehicles_upload", "GET"): READ,
    ("fleet_pages.vehicles_upload", "POST"): OWN,
}


# ------------------------------------------------------------------ the hub
REGISTER_CSV = (
    "Contract reference,Contract title,Category,End date,Annual value\n"
    "NLC-AUTHZ-1,Food waste collection,waste.food,2029-03-31,120000\n"
)


def build_hub(app: Any) -> dict[str, Any]:
    """The demo hub and the ids every URL needs, all owned by North Lanarkshire."""
    from procurehub import demo
    from procurehub.accounts import service as accounts
    from procurehub.accounts.models import Council
    from procurehub.alignment.store import run_alignment
    from procurehub.contracts.models import Contract

    with app.app_context():
        demo.load()
        tokens = {
            role: accounts.create_token(accounts.get_user(email)) for role, email in PEOPLE.items()
        }
        db.session.commit()
        run_alignment(date.today())
        db.session.commit()
    client = app.test_client()
    owner = {"Authorization": f"Bearer {tokens['owner']}"}
    upload = client.post(
        "/api/v1/uploads",
        data={"council": OWNER_COUNCIL, "file": (io.BytesIO(REGISTER_CSV.encode()), "r.csv")},
        headers=owner,
    )
    assert upload.status_code in (200, 201), upload.get_data(as_text=True)
    subscription = client.post(
        "/api/v1/subscriptions", json={"workstream": "waste", "channel": "inbox"}, headers=owner
    )
    assert subscription.status_code == 201, subscription.get_data(as_text=True)
    link = client.post("/api/v1/calendar/link", headers=owner)
    assert link.status_code in (200, 201), link.get_data(as_text=True)
    template = client.get("/api/v1/fleet/specs/template.xlsx", headers=owner)
    assert template.status_code == 200
    plan = client.get("/api/v1/tender-plan", headers=owner).get_json()
    opportunities = client.get("/api/v1/opportunities", headers=owner).get_json()["items"]
    with app.app_context():
        nlc = db.session.scalar(select(Council).where(Council.code == OWNER_COUNCIL))
        contract_id = db.session.scalar(
            select(Contract.id).where(Contract.council_id == nlc.id).order_by(Contract.id)
        )
        ids = _plugin_ids(nlc.id)
    nlc_opportunity = next(
        (o for o in opportunities if OWNER_COUNCIL in o.get("councils", [])), opportunities[0]
    )
    nlc_wave = next((w for w in plan["waves"] if OWNER_COUNCIL in w["councils"]), plan["waves"][0])
    with app.app_context():
        owner_user = accounts_user(PEOPLE["owner"])
    return {
        "tokens": tokens,
        "args": {
            "user_id": owner_user[0],
            "token_id": owner_user[1],
            "contract_id": contract_id,
            "upload_id": upload.get_json()["upload_id"]
            if "upload_id" in upload.get_json()
            else upload.get_json()["id"],
            "subscription_id": subscription.get_json()["id"],
            "token": link.get_json()["url"].rsplit("/", 1)[-1].removesuffix(".ics"),
            "opportunity_id": nlc_opportunity["id"],
            "wave_key": nlc_wave["id"],
            "code": OWNER_COUNCIL,
            "key": "waste.food",
            "filename": "procurehub.css",
            "spec_xlsx": filled_spec_template(template.data),
            **ids,
        },
    }


def accounts_user(email: str) -> tuple[int, int]:
    """The id of a person and of their first API token (the admin pages act on them)."""
    from procurehub.accounts.models import ApiToken, User

    user_id = db.session.scalar(select(User.id).where(User.email == email))
    token_id = db.session.scalar(
        select(ApiToken.id).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
    )
    return user_id, token_id


def _plugin_ids(nlc_id: int) -> dict[str, Any]:
    from plugins.digital.models import DigitalBusinessCase, DigitalSystem
    from plugins.fleet.models import (
        CatalogueVehicle,
        CouncilSpec,
        StandardRequirement,
        StandardSpecVersion,
        Vehicle,
    )
    from plugins.waste.models import BulkyProfile, JointModel

    def first(stmt: Any) -> Any:
        return db.session.scalar(stmt.limit(1))

    case = first(select(DigitalBusinessCase).order_by(DigitalBusinessCase.id))
    standard = first(select(StandardSpecVersion).order_by(StandardSpecVersion.id))
    return {
        "case_id": case.id,
        "slug": case.category.split(".", 1)[1].replace("_", "-"),
        "system_id": first(
            select(DigitalSystem.id)
            .where(DigitalSystem.council_id == nlc_id)
            .order_by(DigitalSystem.id)
        ),
        "vehicle_id": first(select(CatalogueVehicle.id).order_by(CatalogueVehicle.id)),
        "council_spec_id": first(
            select(CouncilSpec.id).where(CouncilSpec.council_id == nlc_id).order_by(CouncilSpec.id)
        ),
        "standard_spec_id": standard.id,
        "vehicle_class": standard.vehicle_class,
        "version": standard.version,
        "attribute": first(
            select(StandardRequirement.attribute)
            .where(StandardRequirement.spec_id == standard.id)
            .order_by(StandardRequirement.position)
        ),
        "profile_id": first(
            select(BulkyProfile.id)
            .where(BulkyProfile.council_id == nlc_id)
            .order_by(BulkyProfile.id)
        ),
        "model_id": first(select(JointModel.id).order_by(JointModel.id)),
        "fleet_vehicle_id": first(
            select(Vehicle.id).where(Vehicle.council_id == nlc_id).order_by(Vehicle.id)
        )
        or first(select(Vehicle.id).order_by(Vehicle.id)),
    }


# ------------------------------------------------------------------ isolation per request
@contextmanager
def rolled_back_requests(app: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Yield `attempt()`: run one request in a transaction that is rolled back afterwards."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    engine = create_engine(url, poolclass=NullPool)
    if engine.dialect.name == "sqlite":
        # pysqlite starts transactions lazily and would let SAVEPOINT commit on RELEASE;
        # the SQLAlchemy recipe: autocommit driver, explicit BEGIN.
        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN")

    connection = engine.connect()
    registry = db.session.registry  # the one scoped session; toolkit users hold it too
    original = registry.createfunc
    joining = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")

    def attempt(client: Any, method: str, url: str, **kwargs: Any) -> Any:
        transaction = connection.begin()
        registry.createfunc = joining  # each request's app context ends with session.remove()
        try:
            return client.open(url, method=method, **kwargs)
        finally:
            registry.createfunc = original
            transaction.rollback()

    try:
        yield attempt
    finally:
        connection.close()
        engine.dispose()


# ------------------------------------------------------------------ requests
def rule_args(rule: Any, endpoint: str, args: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for name in rule.arguments:
        if name == "filename" and endpoint != "static":
            # the blueprints with static files of their own
            values[name] = "dashboard.css" if endpoint == "dashboard.static" else "fleet.css"
        elif name == "spec_id":
            values[name] = args[
                "standard_spec_id" if "standard" in rule.rule else "council_spec_id"
            ]
        elif name == "version":
            values[name] = args["version"]
        elif name == "vehicle_id" and "/fleet/vehicles/" in rule.rule:
            values[name] = args["fleet_vehicle_id"]  # a council's vehicle, not a catalogue one
        elif name == "council_code":
            values[name] = OWNER_COUNCIL
        elif name == "fmt":
            values[name] = "csv"
        else:
            values[name] = args[name]
    return values


def classify(response: Any) -> str:
    status = response.status_code
    location = response.headers.get("Location", "")
    if status == 401 or (status in (301, 302, 303, 307) and "/sign-in" in location):
        return "signin"
    if status in (403, 404):
        return str(status)
    if status == 400 and "CSRF" in response.get_data(as_text=True):
        return "csrf refused"  # the matrix sends valid tokens: this is a mistake in the test
    if status < 400 or status in (400, 409, 422):
        return "ok"
    return f"unexpected {status}"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def signed_in_clients(app: Any, hub: dict[str, Any]) -> dict[str, tuple[Any, str | None]]:
    from procurehub.accounts.models import User

    clients: dict[str, tuple[Any, str | None]] = {"anonymous": (app.test_client(), None)}
    with app.app_context():
        ids = {
            role: db.session.scalar(select(User).where(User.email == email)).get_id()
            for role, email in PEOPLE.items()
        }
    for role, session_id in ids.items():
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = session_id
            session["_fresh"] = True
        page = client.get("/account/password").get_data(as_text=True)
        clients[role] = (client, CSRF.search(page).group(1))
    anonymous_page = clients["anonymous"][0].get("/sign-in").get_data(as_text=True)
    clients["anonymous"] = (clients["anonymous"][0], CSRF.search(anonymous_page).group(1))
    return clients


def request_kwargs(
    endpoint: str, method: str, role: str, hub: dict[str, Any], csrf: str | None, path: str
) -> dict[str, Any]:
    body = BODIES.get((endpoint, method), {})
    kwargs: dict[str, Any] = {}
    is_api = path.startswith("/api/")
    if is_api and role != "anonymous":
        kwargs["headers"] = {"Authorization": f"Bearer {hub['tokens'][role]}"}
    if method in ("GET", "DELETE"):
        return kwargs

    def value(item: Any) -> Any:
        return item(hub["args"]) if callable(item) else item

    if is_api:
        if "data" in body:
            kwargs["data"] = value(body["data"])
        else:
            kwargs["json"] = value(body.get("json", {}))
    else:
        data = dict(value(body.get("form", {})))
        if "files" in body:
            data.update(value(body["files"]))
        data["csrf_token"] = csrf
        kwargs["data"] = data
    return kwargs


SIGNS_OUT = {("auth.logout", "POST"), ("auth.login", "POST")}
DG = "S12000006"  # Dumfries and Galloway: in no tried person's council
NEW_CONTRACT = {"title": "Food waste AD", "category": "waste.food", "end_date": "2029-03-31"}
JOINT_MODEL = {
    "name": "NLC and Dumfries and Galloway",
    "financial_year": "2024-25",
    "councils": [OWNER_COUNCIL, DG],
    "assumptions": {"pricing_basis": "per_tonne", "joint_price": "400"},
}


def _register() -> Any:
    return (io.BytesIO(REGISTER_CSV.encode()), "register.csv")


INVENTORY_CSV = "System category,Product,Supplier\nHousing management system,Orchard,Orchard\n"
PROFILES_CSV = "Financial year,Delivery model,Collections\n2018-19,in_house,100\n"


def _inventory() -> Any:
    return (io.BytesIO(INVENTORY_CSV.encode()), "systems.csv")


FLEET_LIST_CSV = (
    "Registration,Vehicle type,Make,Date registered\nSN21 AAA,Panel van 3.5t,Ford,01/04/2021\n"
)


def _fleet_list() -> Any:
    return (io.BytesIO(FLEET_LIST_CSV.encode()), "fleet.csv")


def _profiles() -> Any:
    return (io.BytesIO(PROFILES_CSV.encode()), "profiles.csv")


def _spec(args: dict[str, Any]) -> Any:
    return (io.BytesIO(args["spec_xlsx"]), "van.xlsx")


def filled_spec_template(data: bytes) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["Specification"]
    for row in sheet.iter_rows():
        if row[0].value == "spec_name":
            sheet.cell(row=row[0].row, column=6, value="Matrix van")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


#: A valid body for each write that names a council or validates before it authorises: the
#: body names North Lanarkshire's objects, so only those allowed to change them get past.
#: Values may be callables (fresh file objects; ids of the hub).
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("contracts.ContractList", "POST"): {"json": {**NEW_CONTRACT, "council_code": OWNER_COUNCIL}},
    ("contracts.ContractItem", "PATCH"): {"json": {"title": "Renamed"}},
    ("contracts.ContractItem", "PUT"): {"json": {"title": "Renamed"}},
    ("classification.Assign", "POST"): {
        "json": lambda args: {"contract_ids": [args["contract_id"]], "category": "waste.food"}
    },
    ("column_mappings.CouncilMapping", "PUT"): {"json": {"mapping": {"Contract title": "title"}}},
    ("uploads.UploadCollection", "POST"): {
        "data": lambda args: {"council": OWNER_COUNCIL, "file": _register()}
    },
    ("digital_api.Systems", "POST"): {
        "json": {
            "council_code": OWNER_COUNCIL,
            "category": "digital.housing_management_system",
            "product": "Housing system",
        }
    },
    ("digital_api.SystemItem", "PATCH"): {"json": {"product": "Renamed"}},
    ("digital_api.BusinessCases", "POST"): {
        "json": {"category": "digital.housing_management_system"}
    },
    ("fleet_api.Specs", "POST"): {"json": {"council_code": OWNER_COUNCIL, "name": "New van spec"}},
    ("fleet_api.SpecItem", "PATCH"): {"json": {"name": "Renamed spec"}},
    ("fleet_api.Parameters", "POST"): {
        "json": {
            "name": "diesel_price_per_litre",
            "value": 1.5,
            "valid_from": "2026-01-01",
            "source": "Test",
        }
    },
    ("fleet_api.RequirementItem", "PUT"): {"json": {"operator": "min", "value": 1}},
    ("fleet_api.Drafts", "POST"): {"json": lambda args: {"vehicle_class": args["vehicle_class"]}},
    ("subscriptions.SubscriptionList", "POST"): {
        "json": {"workstream": "waste", "channel": "inbox"}
    },
    ("waste_bulky_api.Profiles", "POST"): {
        "json": {
            "council_code": OWNER_COUNCIL,
            "financial_year": "2019-20",
            "delivery_model": "in_house",
        }
    },
    ("waste_bulky_api.Profile", "PATCH"): {"json": {"collections": 10}},
    ("waste_bulky_api.JointModels", "POST"): {"json": JOINT_MODEL},
    ("waste_bulky_api.JointModelPreview", "POST"): {
        "json": {k: v for k, v in JOINT_MODEL.items() if k != "name"}
    },
    ("digital_api.SystemUploads", "POST"): {
        "data": lambda args: {"council": OWNER_COUNCIL, "file": _inventory()}
    },
    ("waste_bulky_api.ProfileUploads", "POST"): {
        "data": lambda args: {"council": OWNER_COUNCIL, "file": _profiles()}
    },
    ("digital_pages.upload_systems", "POST"): {
        "form": {"council": OWNER_COUNCIL},
        "files": lambda args: {"file": _inventory()},
    },
    ("fleet_api.SpecUpload", "POST"): {
        "data": lambda args: {"council": OWNER_COUNCIL, "file": _spec(args)}
    },
    ("waste_bulky_api.JointModelItem", "PATCH"): {"json": {"name": "Renamed"}},
    ("fleet_api.ReplacementAges", "PUT"): {"json": {"ages": {"fleet.vans_lt_3_5t": 6}}},
    ("fleet_api.VehicleUploads", "POST"): {
        "data": lambda args: {"council": OWNER_COUNCIL, "file": _fleet_list()}
    },
    ("fleet_pages.vehicles_upload", "POST"): {
        "form": {"council": OWNER_COUNCIL},
        "files": lambda args: {"file": _fleet_list()},
    },
    ("fleet_pages.replacement_ages", "POST"): {
        "form": {"council": OWNER_COUNCIL, "fleet.vans_lt_3_5t": "6"}
    },
    ("opportunities.OpportunityItem", "PATCH"): {"json": {"notes": "Looked at"}},
    ("tender_plan.TenderPlanWave", "PATCH"): {"json": {"notes": "Looked at"}},
    # pages
    ("digital_pages.new_system", "POST"): {
        "form": {
            "council_code": OWNER_COUNCIL,
            "category": "digital.housing_management_system",
            "product": "Housing system",
        }
    },
    ("registers.upload", "POST"): {
        "form": {"council": OWNER_COUNCIL},
        "files": lambda args: {"file": _register()},
    },
    ("fleet_pages.upload_spec", "POST"): {"files": lambda args: {"file": _spec(args)}},
    ("registers.unclassified", "POST"): {
        "form": lambda args: {
            "council": OWNER_COUNCIL,
            "contract_id": args["contract_id"],
            "category": "waste.food",
        }
    },
    ("waste_bulky.save_joint_model", "POST"): {
        "form": {
            "name": "NLC and Dumfries and Galloway",
            "year": "2024-25",
            "councils": [OWNER_COUNCIL, DG],
            "pricing_basis": "per_tonne",
            "joint_price": "400",
        }
    },
}


def table_counts(app: Any) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def routes(app: Any) -> list[tuple[Any, str]]:
    return sorted(
        (
            (rule, method)
            for rule in app.url_map.iter_rules()
            for method in sorted(rule.methods - SKIPPED_METHODS)
        ),
        key=lambda pair: (pair[0].rule, pair[1]),
    )


# ------------------------------------------------------------------ tests
@pytest.mark.plugins("waste", "fleet", "digital")
def test_every_route_has_an_expected_outcome(app):
    missing = [
        f"{method} {rule.rule} ({rule.endpoint})"
        for rule, method in routes(app)
        if (rule.endpoint, method) not in EXPECTED
    ]
    if DISCOVER:
        pytest.skip("discovery run")
    assert not missing, (
        "These routes have no entry in EXPECTED in tests/core/test_authz_matrix.py; say who "
        "may use them (see docs/security.md):\n  " + "\n  ".join(missing)
    )
    stale = sorted(set(EXPECTED) - {(rule.endpoint, method) for rule, method in routes(app)})
    assert not stale, f"EXPECTED names routes that no longer exist: {stale}"


def test_authorisation_matrix(app, monkeypatch):
    hub = build_hub(app)
    clients = signed_in_clients(app, hub)
    before = table_counts(app)
    wrong: list[str] = []
    observed: dict[tuple[str, str], dict[str, str]] = {}
    with rolled_back_requests(app, monkeypatch) as attempt:
        for rule, method in routes(app):
            key = (rule.endpoint, method)
            with app.test_request_context():
                from flask import url_for

                path = url_for(rule.endpoint, **rule_args(rule, rule.endpoint, hub["args"]))
            for role in ROLES:
                client, csrf = clients[role]
                if path.startswith("/api/"):
                    client = app.test_client()  # no session cookie: the API token alone
                response = attempt(
                    client,
                    method,
                    path,
                    **request_kwargs(rule.endpoint, method, role, hub, csrf, path),
                )
                outcome = classify(response)
                if response.mimetype == "text/html" and INLINE_SCRIPT.search(
                    response.get_data(as_text=True)
                ):
                    wrong.append(f"{method} {path} as {role}: inline script (the CSP blocks it)")
                observed.setdefault(key, {})[role] = (
                    f"{outcome}:{response.status_code}" if DISCOVER else outcome
                )
                if key in SIGNS_OUT:  # the next person needs their session back
                    clients = signed_in_clients(app, hub)
                if DISCOVER and response.status_code in (400, 422) and role == "other":
                    print(key, response.get_data(as_text=True)[:300])
                expected = EXPECTED.get(key, {}).get(role)
                if expected is not None and outcome != expected:
                    wrong.append(
                        f"{method} {path} ({rule.endpoint}) as {role}: expected {expected}, "
                        f"got {outcome} ({response.status_code})"
                    )
    assert table_counts(app) == before, "a request's changes outlived its rolled-back transaction"
    if DISCOVER:
        for (endpoint, method), outcomes in observed.items():
            print(f"{endpoint!r:50} {method:6} " + " ".join(f"{r}={outcomes[r]}" for r in ROLES))
    assert not wrong, "\n".join(wrong)
