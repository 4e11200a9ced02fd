"""The plugin seam, proven by a fourth plugin that has no entry point (docs/plugins.md)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from factories import bearer, council, make_app, token, user
from procurehub.extensions import db
from procurehub.plugins import discover_plugins
from procurehub.workstreams.categories import sync_categories


@pytest.fixture
def example_parking():
    """The plugin's table joins the shared metadata only for these tests.

    Imported here, not at collection time, so every other test sees the hub's real tables.
    """
    import example_parking as module

    table = module.ParkingMeter.__table__
    if table.name not in db.metadata.tables:
        db.metadata._add_table(table.name, table.schema, table)
    yield module
    db.metadata.remove(table)


@pytest.fixture
def parking_app(database_url, tmp_path, example_parking):
    plugins = [*discover_plugins().values(), example_parking.plugin]
    app = make_app(database_url, tmp_path, plugins=plugins)
    with app.app_context():
        example_parking.ParkingMeter.__table__.drop(db.engine, checkfirst=True)
        example_parking.ParkingMeter.__table__.create(db.engine)
        for table in reversed(db.metadata.sorted_tables):
            if table.name != "alembic_version":
                db.session.execute(table.delete())
        db.session.commit()
        sync_categories()
    yield app
    with app.app_context():
        example_parking.ParkingMeter.__table__.drop(db.engine, checkfirst=True)
        db.session.remove()
        db.engine.dispose()


def test_fourth_plugin_adds_table_page_api_cli_and_renewals(parking_app, example_parking):
    app = parking_app
    with app.app_context():
        council("S12000047", "Fife Council")
        council("S12000049", "Glasgow City Council")
        user("officer@fife.example", "S12000047")
        tok = token("officer@fife.example")
    runner = app.test_cli_runner()
    help_text = runner.invoke(args=["parking", "--help"])
    assert help_text.exit_code == 0 and "add-meter" in help_text.output
    for code, name in (("S12000047", "Kirkcaldy 1"), ("S12000049", "George Sq 4")):
        r = runner.invoke(args=["parking", "add-meter", code, name, "2028-03-31"])
        assert r.exit_code == 0, r.output
    r = runner.invoke(args=["parking", "add-meter", "NOPE", "X", "2028-03-31"])
    assert r.exit_code == 2 and "no council with the code NOPE" in r.output

    client = app.test_client()
    api = client.get("/api/v1/parking/meters", headers=bearer(tok))
    assert api.status_code == 200
    assert [m["name"] for m in api.get_json()] == ["Kirkcaldy 1", "George Sq 4"]
    assert "/api/v1/parking/meters" in client.get(
        "/api/v1/openapi.json", headers=bearer(tok)
    ).get_json()["paths"]
    page = client.get("/parking/meters", headers=bearer(tok))
    assert page.status_code == 200 and "Glasgow City Council" in page.get_data(as_text=True)
    # The core gives it an overview page too, and the navigation shows its link.
    overview = client.get("/parking/", headers=bearer(tok))
    assert overview.status_code == 200 and "Parking meters" in overview.get_data(as_text=True)

    # Its renewal source feeds the tender plan: two councils' meters in one joint purchase.
    plan = json.loads(runner.invoke(args=["alignment", "plan", "--json", "--as-of", "2026-11-27"]).output)
    (wave,) = [w for w in plan["waves"] if w["category"] == "parking.meters"]
    assert wave["councils"] == ["S12000047", "S12000049"]
    assert {i["source"] for i in wave["items"]} == {"meter"}
    assert date.fromisoformat(wave["decision_deadline"]) >= date(2026, 11, 27)
