"""Each first-party plugin: its categories in the hub, its overview page and API, its renewal items."""

from datetime import date

import pytest

from factories import bearer, contract, council, token, user

CASES = {
    "waste": ("waste.food", "Food waste treatment"),
    "fleet": ("fleet.vans_lt_3_5t", "Vans under 3.5 tonnes"),
    "digital": ("digital.housing_management_system", "Housing management system"),
}


@pytest.fixture
def hub(app):
    with app.app_context():
        nlc = council()
        user("officer@nlc.example", "S12000050")
        for key, (category, _label) in CASES.items():
            contract(
                nlc,
                reference=f"{key}-1",
                title=f"{key} contract",
                category=category,
                end_date=date(2028, 3, 31),
                value_total=1000,
            )
        contract(
            nlc,
            reference="none-1",
            title="Care at home",
            category="unclassified",
            end_date=date(2028, 3, 31),
        )
        return token("officer@nlc.example")


@pytest.mark.parametrize("key", sorted(CASES))
def test_overview_page_and_api(hub, client, key):
    category, label = CASES[key]
    body = client.get(f"/api/v1/{key}/overview", headers=bearer(hub)).get_json()
    row = next(c for c in body["categories"] if c["category"] == category)
    assert (
        row["label"] == label
        and row["contracts"] == 1
        and row["councils"]["S12000050"]["contracts"] == 1
    )
    assert all(c["category"].startswith(key + ".") for c in body["categories"])
    page = client.get(f"/{key}/", headers=bearer(hub))
    assert page.status_code == 200 and label in page.get_data(as_text=True)


@pytest.mark.parametrize("key", sorted(CASES))
def test_renewal_items_are_the_workstreams_contracts(hub, app, key):
    """The core gives every workstream its contracts as renewal items (plugins add only their own)."""
    from procurehub.workstreams.renewals import renewal_items

    with app.app_context():
        items = [i for i in renewal_items(date(2026, 11, 22)) if i.category.startswith(key + ".")]
    assert [(i.reference, i.category, i.council_code) for i in items] == [
        (f"{key}-1", CASES[key][0], "S12000050")
    ]
