"""Plugins are found through entry points; ENABLED_PLUGINS decides which are on."""

import pytest

from procurehub.plugins import PluginError, discover_plugins, select_plugins


def test_all_three_first_party_plugins_are_discovered():
    found = discover_plugins()
    assert {"waste", "fleet", "digital"} <= set(found)
    assert found["waste"].title == "Waste"


def test_each_plugin_owns_its_categories_with_lead_times():
    found = discover_plugins()
    waste = {c.key: c for c in found["waste"].categories}
    for key in (
        "residual_treatment",
        "recycling_dmr",
        "food",
        "garden",
        "bulky",
        "collection",
        "clinical",
        "hazardous",
        "haulage",
        "landfill",
        "street_cleansing",
        "containers",
    ):
        assert key in waste
    assert waste["residual_treatment"].lead_time_months == 36
    assert "90513300" in waste["residual_treatment"].cpv_codes  # incineration / energy from waste
    assert waste["collection"].lead_time_months == 24
    fleet = {c.key: c for c in found["fleet"].categories}
    for key in (
        "vans_lt_3_5t",
        "cars",
        "heavy",
        "rcv",
        "maintenance",
        "leasing",
        "fleet_management_system",
    ):
        assert key in fleet
    assert fleet["vans_lt_3_5t"].lead_time_months == 18
    digital = {c.key: c for c in found["digital"].categories}
    assert digital["housing_management_system"].lead_time_months == 36
    assert "fleet.fleet_management_system" in digital["fleet_management_system"].compatible
    assert "digital.fleet_management_system" in fleet["fleet_management_system"].compatible


def test_unknown_enabled_plugin_is_a_clear_error():
    with pytest.raises(PluginError, match="not installed"):
        select_plugins(discover_plugins(), ["waste", "parking"])


@pytest.mark.plugins("waste")
def test_app_with_only_waste_has_only_waste_routes_and_categories(app, client):
    from factories import bearer, council, token, user

    with app.app_context():
        council()
        user("officer@nlc.example", "S12000050")
        tok = token("officer@nlc.example")
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert "/api/v1/waste/overview" in rules
    assert not any(
        r.startswith(("/api/v1/fleet", "/api/v1/digital", "/fleet", "/digital")) for r in rules
    )
    body = client.get("/api/v1/categories", headers=bearer(tok)).get_json()
    workstreams = {item["workstream"] for item in body["items"]}
    assert workstreams == {"waste"}
    assert client.get("/api/v1/fleet/overview", headers=bearer(tok)).status_code == 404


def test_app_with_all_plugins_lists_them(app, runner):
    result = runner.invoke(args=["plugins"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("waste\tWaste\tenabled") for line in lines)
    assert any(line.startswith("fleet\tFleet\tenabled") for line in lines)
    assert any(line.startswith("digital\tDigital\tenabled") for line in lines)


def test_the_current_page_is_the_longest_matching_link():
    from procurehub.web.navigation import current_href

    links = ["/contracts", "/fleet/", "/fleet/dashboard", "/opportunities"]
    assert current_href(links, "/fleet/dashboard") == "/fleet/dashboard"
    assert current_href(links, "/fleet/") == "/fleet/"
    assert current_href(links, "/fleet/compare") == "/fleet/"
    assert current_href(links, "/contracts/12") == "/contracts"
    assert current_href(links, "/contractsx") is None
