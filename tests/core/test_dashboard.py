"""The dashboard people land on after signing in: one section per role, panels from the core
and from plugins through the one seam (`Plugin.dashboard_panels`), council names not codes."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from factories import ADMIN, COORDINATOR, OFFICER, PASSWORD, collaboration, contract, make_app, user
from procurehub.alignment.models import Opportunity
from procurehub.audit import service as audit
from procurehub.extensions import db
from procurehub.plugins import Panel, PanelItem, Plugin, discover_plugins
from procurehub.registers.models import Upload
from procurehub.renewal_dates import add_months
from procurehub.scheduler.models import JobRun
from procurehub.workstreams.categories import sync_categories

TODAY = date.today()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def sign_in(client: Any, email: str) -> Any:
    token = csrf_of(client.get("/sign-in").get_data(as_text=True))
    return client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token})


def dashboard(client: Any) -> str:
    response = client.get("/dashboard")
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    return response.get_data(as_text=True)


def section(html: str, role: str) -> str:
    start = html.index(f'id="section-{role}"')
    end = html.find("</section>", start)
    return html[start:end]


def panel_titles(html: str) -> list[str]:
    return re.findall(r'data-panel="([^"]+)"', html)


def opportunity(key: str, category: str, councils: list[str], deadline: date) -> Opportunity:
    opp = Opportunity(
        key=key,
        category=category,
        categories=[category],
        councils=councils,
        joint_start=add_months(deadline, 12),
        decision_deadline=deadline,
        window_end=add_months(deadline, 18),
        lead_time_months=12,
        tolerance_months=6,
        status="new",
    )
    db.session.add(opp)
    return opp


@pytest.fixture
def hub(app: Any) -> Any:
    with app.app_context():
        councils = collaboration()
        nlc = councils["S12000050"]
        soon = contract(
            nlc,
            reference="NLC-SOON",
            title="Food waste treatment",
            category="waste.food",
            end_date=TODAY + timedelta(days=60),
            supplier_name="Acme Ltd",
        )
        contract(
            nlc,
            reference="NLC-LATER",
            title="Street cleansing",
            end_date=TODAY.replace(year=TODAY.year + 4),
        )
        contract(
            nlc,
            reference="NLC-NOEND",
            title="Clinical waste",
            category="waste.clinical",
            end_date=None,
        )
        contract(nlc, reference="NLC-UNC", title="Something", category="unclassified")
        contract(
            councils["S12000049"],
            reference="GCC-SOON",
            title="Glasgow food waste",
            category="waste.food",
            end_date=TODAY + timedelta(days=30),
        )
        opportunity(
            "opp-late", "waste.food", ["S12000050", "S12000049"], TODAY - timedelta(days=10)
        )
        opportunity(
            "opp-later",
            "waste.garden",
            ["S12000049", "S12000050"],
            TODAY.replace(year=TODAY.year + 3),
        )
        db.session.add(
            Upload(
                council_id=nlc.id,
                filename="nlc register.xlsx",
                status="stored",
                report={
                    "created": 4,
                    "updated": 1,
                    "rejected": 2,
                    "errors": [
                        {"row": 7, "column": "End date", "message": "“31/02/2027” is not a date"}
                    ],
                },
                created_at=datetime.now() - timedelta(days=3),
            )
        )
        db.session.add(JobRun(job_id="core.alerts", status="failed", message="RuntimeError: boom"))
        db.session.add(JobRun(job_id="core.alignment", status="ok", message="24 opportunities"))
        audit.record("update", "widget", "w-1", council_code="S12000049")
        db.session.commit()
        app.config["soon_id"] = soon.id
    return app


def test_signing_in_lands_on_the_dashboard_and_the_front_page_is_it(hub: Any, client: Any) -> None:
    response = sign_in(client, OFFICER)
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert client.get("/").headers["Location"] == "/dashboard"
    assert client.get("/contracts").status_code == 200  # the contract list keeps its address
    html = dashboard(client)
    assert "<title>Your dashboard – ProcureHub</title>" in html
    assert 'href="/dashboard">Home</a>' in html


def test_anonymous_visitors_are_sent_to_sign_in(hub: Any, client: Any) -> None:
    response = client.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_officer_sees_their_councils_endings_upload_gaps_and_actions(hub: Any, client: Any) -> None:
    sign_in(client, OFFICER)
    html = dashboard(client)
    assert 'id="section-officer"' in html and 'id="section-coordinator"' not in html
    officer = section(html, "officer")
    assert panel_titles(officer) == [
        "North Lanarkshire Council: contracts ending in the next 12 months",
        "Your last register upload",
        "Data to complete",
        "To act on",
        "Bulky waste service",  # the waste plugin's panel, through the same seam
    ]
    # Ending soon: its own council's only, linked, named by council.
    assert f'href="/contracts/{hub.config["soon_id"]}">Food waste treatment</a>' in officer
    assert "Glasgow food waste" not in officer and "Street cleansing" not in officer
    assert "council=S12000050" in officer and "ends_before=" in officer
    # The last upload: its problems, the report and the error workbook.
    assert "“nlc register.xlsx”" in officer and "2 rows had problems" in officer
    assert "Row 7, column “End date”: “31/02/2027” is not a date" in officer
    assert re.search(r'href="/registers/uploads/\d+">Read the report', officer)
    assert re.search(r'href="/api/v1/uploads/\d+/errors[^"]*">Download the rejected rows', officer)
    # Gaps, with links to fix them.
    assert re.search(r'href="/contracts/\d+/edit">Clinical waste</a>', officer)
    assert 'href="/contracts/unclassified?council=S12000050"' in officer
    # Open items: the opportunity its council is part of, overdue, with the other council named.
    assert (
        "Food waste treatment with Glasgow City Council" in officer
        or "with Glasgow City Council" in officer
    )
    assert "Overdue" in officer
    assert ">S12000049<" not in officer  # names, never bare codes
    assert "North Lanarkshire Council has not recorded its bulky waste service yet" in officer
    assert 'href="/waste/bulky/profiles/new">Record a profile' in officer


def test_coordinator_sees_opportunities_overdue_first_alerts_and_stale_registers(
    hub: Any, client: Any
) -> None:
    sign_in(client, COORDINATOR)
    coordinator = section(dashboard(client), "coordinator")
    assert panel_titles(coordinator) == [
        "Opportunities by urgency",
        "Tender plan waves by urgency",
        "Unread alerts",
        "Registers not refreshed for 6 months",
    ]
    opportunities = coordinator.split('data-panel="Opportunities by urgency"')[1].split(
        "data-panel="
    )[0]
    late, later = opportunities.index("Food waste treatment"), opportunities.index("Garden waste")
    assert late < later and "Overdue" in opportunities[late:later]
    assert "Glasgow City Council and North Lanarkshire Council" in opportunities
    stale = coordinator.split('data-panel="Registers not refreshed for 6 months"')[1]
    # North Lanarkshire uploaded 3 days ago; Glasgow never did.
    assert "Glasgow City Council" in stale and "No register uploaded yet" in stale
    assert "North Lanarkshire Council" not in stale
    assert "You have no unread alerts." in coordinator


def test_admin_sees_people_jobs_failures_first_and_recent_changes(hub: Any, client: Any) -> None:
    sign_in(client, ADMIN)
    admin = section(dashboard(client), "admin")
    assert panel_titles(admin) == ["Users and councils", "Scheduled jobs", "Recent changes"]
    assert (
        'href="/admin/users/new">Add a user' in admin and 'href="/admin/tokens">API tokens' in admin
    )
    jobs = admin.split('data-panel="Scheduled jobs"')[1].split("data-panel=")[0]
    assert jobs.index("core.alerts") < jobs.index("core.alignment")  # the failure first
    assert "RuntimeError: boom" in jobs and "ds_tag--red" in jobs
    changes = admin.split('data-panel="Recent changes"')[1]
    assert "update widget" in changes and "Glasgow City Council" in changes


def test_a_user_with_several_roles_sees_each_roles_panels_once(hub: Any, client: Any) -> None:
    with hub.app_context():
        user("both@nlc.example", "S12000050", "officer", "coordinator", "admin")
    sign_in(client, "both@nlc.example")
    html = dashboard(client)
    order = [html.index(f'id="section-{r}"') for r in ("officer", "coordinator", "admin")]
    assert order == sorted(order)
    titles = panel_titles(html)
    assert len(titles) == len(set(titles)) == 12


def test_other_roles_panels_are_not_shown(hub: Any, client: Any) -> None:
    sign_in(client, COORDINATOR)
    html = dashboard(client)
    assert "Your last register upload" not in html and "Scheduled jobs" not in html


# ---------------------------------------------------------------------------- the plugin seam
@pytest.fixture
def extra_app(database_url: str, tmp_path: Any) -> Any:
    """The hub's plugins and one more, which adds a panel for coordinators and tries one for
    admins that the user does not have."""
    seen: list[Any] = []

    def panels(who: Any) -> list[Panel]:
        seen.append(who.email)
        return [
            Panel(
                "Parking meters to replace",
                roles=("coordinator",),
                order=1,
                items=(PanelItem("Meter 7 <b>", "/parking/7", "Due in May", "Soon", "orange"),),
            ),
            Panel("Not for coordinators", roles=("admin",)),
            Panel("For everyone", text="A note for all"),
        ]

    extra = Plugin(key="parking", title="Parking", dashboard_panels=panels)
    app = make_app(database_url, tmp_path, plugins=[*discover_plugins().values(), extra])
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            if table.name != "alembic_version":
                db.session.execute(table.delete())
        db.session.commit()
        sync_categories()
        collaboration()
    app.config["seen"] = seen
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_plugin_adds_panels_for_its_roles_through_the_seam(extra_app: Any) -> None:
    client = extra_app.test_client()
    sign_in(client, COORDINATOR)
    html = dashboard(client)
    coordinator = section(html, "coordinator")
    assert panel_titles(coordinator)[0] == "Parking meters to replace"  # order=1 before the core's
    assert 'href="/parking/7">Meter 7 &lt;b&gt;</a>' in coordinator  # escaped
    assert "Not for coordinators" not in html
    assert "A note for all" in section(html, "everyone")
    assert extra_app.config["seen"] == [COORDINATOR]


# ---------------------------------------------------------------------------- plugins' own panels
def test_network_manager_sees_the_variation_count_first(app: Any, client: Any) -> None:
    from plugins.fleet import seed

    with app.app_context():
        collaboration()
        user("manager@nlc.example", "S12000050", "network_manager")
        seed.ensure_seeded()
        db.session.commit()
    sign_in(client, "manager@nlc.example")
    html = section(dashboard(client), "network_manager")
    titles = panel_titles(html)
    assert titles[0] == "Vehicle variations"
    assert "North Lanarkshire Council's vehicle specifications" in html.replace("&#39;", "'")
    assert 'href="/fleet/dashboard"' in html


def test_digital_lead_sees_the_business_cases(app: Any, client: Any) -> None:
    with app.app_context():
        collaboration()
        user("lead@nlc.example", "S12000050", "digital_lead")
    sign_in(client, "lead@nlc.example")
    html = section(dashboard(client), "digital_lead")
    assert panel_titles(html) == ["Business cases for national systems"]
    assert "Housing management system" in html and "Fleet management system" in html
    assert "Not built yet" in html and 'href="/digital/business-cases"' in html


# ---------------------------------------------------------------------------- signing out
def test_signing_out_says_so_on_the_sign_in_page(hub: Any, client: Any) -> None:
    sign_in(client, OFFICER)
    token = csrf_of(dashboard(client))
    response = client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    page = client.get("/sign-in").get_data(as_text=True)
    assert "You have signed out." in page and 'role="status"' in page
    assert "You have signed out." not in client.get("/sign-in").get_data(as_text=True)  # once
    assert client.get("/dashboard").status_code == 302
    assert client.post("/sign-out").status_code in (302, 400)  # no token, not signed in: nothing
