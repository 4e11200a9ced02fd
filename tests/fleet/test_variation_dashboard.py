"""The variation count across councils (the number the collaboration exists to shrink), its
daily snapshots, the dashboard that shows it first, and the demo that fills it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from plugins.fleet import catalogue_store, council_specs, variation
from plugins.fleet.comparison import variation_count
from plugins.fleet.models import CouncilSpec, VariationSnapshot
from plugins.fleet.standards import adopted_standards
from procurehub.extensions import db

API = "/api/v1/fleet/variations"


def test_the_variation_count_across_councils(fleet, client, three_specs, app):
    # North Lanarkshire buys the same van as Fife, written differently: the same specification
    nlc = {**fleet.fife_spec(), "name": "Trades van", "figures": {
        **fleet.fife_spec()["figures"], "gvw_kg": "3200"}}
    assert client.post("/api/v1/fleet/specs", json=nlc, headers=fleet.nlc).status_code == 201
    body = client.get(API, headers=fleet.glasgow).get_json()["variations"]
    assert len(body) == 1
    count = body[0]
    assert count["vehicle_class"] == "electric_van_lt_3_5t" and count["standard_version"] == 1
    # Fife = NLC (one model), Glasgow's Kangoo, Edinburgh's performance spec: 3 distinct,
    # of which only the E-Transit Custom complies
    assert (count["distinct"], count["compliant"], count["councils"]) == (3, 1, 4)
    with app.app_context():
        standards = adopted_standards()
        pure = variation_count(variation.specs_in_use(), standards)["electric_van_lt_3_5t"]
        assert (pure.distinct, pure.compliant, pure.councils) == (3, 1, 4)
    # one snapshot for today, holding the day's latest count
    assert count["trend"] == [{"date": date.today().isoformat(), "distinct": 3,
                               "compliant": 1, "councils": 4}]


def test_a_fix_and_a_removal_move_the_count(fleet, client, three_specs, app):
    glasgow = fleet.glasgow_spec()
    fixed = {**glasgow["figures"], "telematics": "yes"}
    client.patch(f"/api/v1/fleet/specs/{three_specs['glasgow']}", json={"figures": fixed},
                 headers=fleet.glasgow)
    count = client.get(API, headers=fleet.glasgow).get_json()["variations"][0]
    assert (count["distinct"], count["compliant"]) == (3, 2)
    client.delete(f"/api/v1/fleet/specs/{three_specs['edinburgh']}", headers=fleet.edinburgh)
    count = client.get(API, headers=fleet.glasgow).get_json()["variations"][0]
    assert (count["distinct"], count["compliant"], count["councils"]) == (2, 2, 2)
    with app.app_context():
        rows = db.session.scalars(select(VariationSnapshot)).all()
        assert [(r.taken_on, r.distinct_specs, r.compliant_specs) for r in rows] == [
            (date.today(), 2, 2)]


def test_snapshots_keep_one_point_per_day(fleet, app):
    with app.app_context():
        variation.record_variation_snapshot(date(2026, 1, 5))
        variation.record_variation_snapshot(date(2026, 1, 5))
        variation.record_variation_snapshot(date(2026, 2, 5))
        db.session.commit()
        trend = variation.variation_trend("electric_van_lt_3_5t")
        assert [s.taken_on for s in trend] == [date(2026, 1, 5), date(2026, 2, 5)]
        assert all(s.distinct_specs == 0 for s in trend)


def test_the_trend_chart_is_drawn_to_scale():
    chart = variation.trend_chart([(date(2026, 1, 1), 6, 0), (date(2026, 1, 11), 3, 3)],
                                  width=140, height=100)
    first, last = chart["points"]
    assert (first["x"], last["x"]) == (40, 128)  # left margin 40, right 12
    assert first["distinct_y"] == 12 and first["compliant_y"] == 72  # top 12, bottom 28
    assert last["distinct_y"] == last["compliant_y"] == 42
    assert chart["distinct_line"] == "40.0,12.0 128.0,42.0"
    assert variation.trend_chart([])["points"] == []


def test_the_dashboard_shows_the_variation_count_first(fleet, client, three_specs, pages):
    pages.sign_in("manager@fife.example")
    nav = client.get("/fleet/standards").get_data(as_text=True)
    assert 'href="/fleet/dashboard">Fleet dashboard</a>' in nav
    html = client.get("/fleet/dashboard").get_data(as_text=True)
    content = html[html.index('<div class="ph_content">'):]
    first_heading = content.index("<h2")
    assert content[first_heading:].startswith('<h2 id="variation-heading-electric_van_lt_3_5t"')
    assert '<span class="fl_big" data-variation="distinct">3</span>' in html
    assert '<span class="fl_big" data-variation="compliant">1</span>' in html
    assert '<svg class="fl_chart"' in html and 'role="img"' in html
    assert 'id="trend-table-electric_van_lt_3_5t"' in html  # the table alternative
    assert "City of Edinburgh Council" in html and "Not compliant" in html


def test_the_demo_loads_the_catalogue_specs_and_trend(app):
    from procurehub import demo

    with app.app_context():
        demo.load(today=date(2026, 6, 1))
        assert len(catalogue_store.catalogue_vehicles()) == 18
        specs = db.session.scalars(select(CouncilSpec).order_by(CouncilSpec.id)).all()
        assert [s.council_code for s in specs] == ["S12000047", "S12000050", "S12000049",
                                                   "S12000036"]
        verdicts = [council_specs.spec_compliance(s).compliant for s in specs]
        assert verdicts == [True, True, False, False]
        counts = variation.variation_counts()["electric_van_lt_3_5t"]
        assert (counts["distinct"], counts["compliant"], counts["councils"]) == (3, 1, 4)
        assert db.session.scalar(select(func.count(VariationSnapshot.id))) == 4
