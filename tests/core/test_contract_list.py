"""The contract list as an integrator walks it: every match once, in a stable order, and search.

Issue 8 item 9 changed the order of end-date lists to (end_date, id) and moved `q` to
full-text search; these are the promises that change must keep.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from factories import bearer, contract, council, token, user
from procurehub.pagination import encode_cursor

API = "/api/v1/contracts"


@pytest.fixture
def hub(app: Any) -> dict[str, Any]:
    """Two councils, 30 contracts, end dates on only five days (many ties), one without."""
    with app.app_context():
        nlc = council()
        gcc = council("S12000049", "Glasgow City Council")
        user("officer@nlc.example", "S12000050")
        made: list[dict[str, Any]] = []
        categories = ["waste.bulky", "fleet.vans_lt_3_5t", "unclassified"]
        for i in range(30):
            owner = nlc if i % 2 else gcc
            end = None if i == 7 else date(2027, 1 + i % 5, 1)
            c = contract(
                owner,
                reference=f"{'NLC' if i % 2 else 'GCC'}-2021-{i:03d}",
                title=f"Contract number {i}",
                category=categories[i % 3],
                end_date=end,
            )
            made.append(
                {
                    "id": c.id,
                    "council": owner.code,
                    "workstream": c.workstream,
                    "category": c.category,
                    "end_date": end,
                    "title": c.title,
                }
            )
        kerbside = contract(
            nlc,
            reference="NLC-2021-045",
            title="Kerbside recycling collection",
            description="Dry mixed recyclables, weekly",
            supplier_name="Biffa Waste Services Ltd",
            category="waste.bulky",
            end_date=date(2028, 3, 31),
        )
        made.append(
            {
                "id": kerbside.id,
                "council": "S12000050",
                "workstream": "waste",
                "category": "waste.bulky",
                "end_date": date(2028, 3, 31),
                "title": kerbside.title,
            }
        )
        return {"h": bearer(token("officer@nlc.example")), "contracts": made}


def _walk(client: Any, h: dict[str, str], query: str, limit: int = 4) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    url = f"{API}?{query}&limit={limit}"
    for _ in range(100):
        response = client.get(url, headers=h)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        items += body["items"]
        if not body["next"]:
            return items
        url = f"{API}?{query}&limit={limit}&cursor={body['next']}"
    raise AssertionError("the cursor never ran out")


FILTERS: list[tuple[str, Any]] = [
    ("", lambda c: True),
    ("council=S12000050", lambda c: c["council"] == "S12000050"),
    ("workstream=waste", lambda c: c["workstream"] == "waste"),
    ("category=fleet.vans_lt_3_5t", lambda c: c["category"] == "fleet.vans_lt_3_5t"),
    ("workstream=waste&category=waste.bulky", lambda c: c["category"] == "waste.bulky"),
    ("workstream=fleet&category=waste.bulky", lambda c: False),
    ("ends_after=2027-02-01", lambda c: c["end_date"] and c["end_date"] >= date(2027, 2, 1)),
    ("ends_before=2027-03-01", lambda c: c["end_date"] and c["end_date"] <= date(2027, 3, 1)),
    (
        "ends_after=2027-02-01&ends_before=2027-04-01",
        lambda c: c["end_date"] and date(2027, 2, 1) <= c["end_date"] <= date(2027, 4, 1),
    ),
    (
        "council=S12000049&ends_after=2027-01-01&ends_before=2027-03-01",
        lambda c: (
            c["council"] == "S12000049" and c["end_date"] and c["end_date"] <= date(2027, 3, 1)
        ),
    ),
    (
        "workstream=unclassified&ends_after=2027-02-01",
        lambda c: (
            c["workstream"] == "unclassified"
            and c["end_date"]
            and c["end_date"] >= date(2027, 2, 1)
        ),
    ),
    (
        "category=waste.bulky&ends_before=2027-02-01",
        lambda c: (
            c["category"] == "waste.bulky" and c["end_date"] and c["end_date"] <= date(2027, 2, 1)
        ),
    ),
    ("q=contract", lambda c: "Contract" in c["title"]),
    (
        "q=contract&council=S12000050",
        lambda c: "Contract" in c["title"] and c["council"] == "S12000050",
    ),
    (
        "q=number&ends_after=2027-03-01",
        lambda c: "number" in c["title"] and c["end_date"] and c["end_date"] >= date(2027, 3, 1),
    ),
]


@pytest.mark.parametrize("query,wanted", FILTERS, ids=[q or "unfiltered" for q, _ in FILTERS])
def test_pages_give_every_matching_contract_exactly_once(
    client: Any, hub: dict[str, Any], query: str, wanted: Any
) -> None:
    expected = {c["id"] for c in hub["contracts"] if wanted(c)}
    items = _walk(client, hub["h"], query, limit=2)  # pages end inside runs of equal dates
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)), f"{query}: a contract came twice"
    assert set(ids) == expected


@pytest.mark.parametrize(
    "query",
    [
        "ends_after=2027-01-01",
        "ends_before=2027-12-31",
        "council=S12000050&ends_after=2027-02-01&ends_before=2027-04-01",
    ],
)
def test_an_end_date_list_is_in_end_date_order_with_ties_by_id(
    client: Any, hub: dict[str, Any], query: str
) -> None:
    items = _walk(client, hub["h"], query, limit=3)
    keys = [(item["end_date"], item["id"]) for item in items]
    assert keys == sorted(keys) and len(keys) > 6
    assert len({item["end_date"] for item in items}) < len(items)  # there were ties to break


def test_other_lists_are_in_id_order(client: Any, hub: dict[str, Any]) -> None:
    for query in ["", "council=S12000050", "q=contract", "q=contract&ends_after=2027-01-01"]:
        ids = [item["id"] for item in _walk(client, hub["h"], query, limit=5)]
        assert ids == sorted(ids), query


def test_a_cursor_from_a_list_in_another_order_is_refused(client: Any, hub: dict[str, Any]) -> None:
    h = hub["h"]
    by_date = client.get(f"{API}?ends_after=2027-01-01&limit=2", headers=h).get_json()["next"]
    by_id = client.get(f"{API}?limit=2", headers=h).get_json()["next"]
    for url in [
        f"{API}?cursor={by_date}",
        f"{API}?council=S12000050&cursor={by_date}",
        f"{API}?q=contract&ends_after=2027-01-01&cursor={by_date}",
        f"{API}?ends_after=2027-01-01&cursor={by_id}",
        f"{API}?ends_before=2027-06-01&cursor={encode_cursor(5)}",
    ]:
        response = client.get(url, headers=h)
        assert response.status_code == 400, url
        body = response.get_json()
        assert "cursor" in body["message"] and "start again" in body["message"], body


@pytest.mark.parametrize(
    "position",
    [{"end_date": "31/03/2027"}, {"end_date": 20270331}, {"end_date": None}, {"other": "x"}],
)
def test_a_doctored_date_cursor_is_a_400(client: Any, hub: dict[str, Any], position: Any) -> None:
    cursor = encode_cursor(3, position)
    response = client.get(f"{API}?ends_after=2027-01-01&cursor={cursor}", headers=hub["h"])
    assert response.status_code == 400
    assert "cursor" in response.get_json()["message"]


def _found(client: Any, hub: dict[str, Any], q: str) -> set[str]:
    from urllib.parse import quote

    return {item["reference"] for item in _walk(client, hub["h"], f"q={quote(q)}", limit=50)}


@pytest.mark.parametrize(
    "q",
    [
        "recycling",  # a word of the title
        "RECYCLING",  # any case
        "recyclables",  # a word of the description
        "biffa",  # the supplier
        "kerbside collection",  # every word, in any order
        "NLC-2021-045",  # the whole reference
        "nlc 2021 045",  # its parts as words
        "2021-045",  # an inner run of its parts
    ],
)
def test_search_finds_a_contract_by_word_and_by_reference(
    client: Any, hub: dict[str, Any], q: str
) -> None:
    assert _found(client, hub, q) == {"NLC-2021-045"}


def test_a_partial_reference_finds_every_contract_it_starts(
    client: Any, hub: dict[str, Any]
) -> None:
    found = _found(client, hub, "NLC-2021")
    assert "NLC-2021-045" in found and len(found) == 16  # 15 numbered NLC contracts + it
    assert all(ref.startswith("NLC-2021-") for ref in found)


@pytest.mark.parametrize(
    "q",
    ["recycl", "kerbside garden", "045-2021", "NLC-2022"],
    ids=["part-of-a-word", "a-word-it-lacks", "parts-out-of-order", "another-year"],
)
def test_search_does_not_find_what_is_not_there(client: Any, hub: dict[str, Any], q: str) -> None:
    assert "NLC-2021-045" not in _found(client, hub, q)


def test_search_without_letters_or_digits_filters_nothing(client: Any, hub: dict[str, Any]) -> None:
    assert len(_found(client, hub, "--- /")) == 31


def test_search_follows_edits_and_deletions(client: Any, hub: dict[str, Any]) -> None:
    h = hub["h"]
    target = client.get(f"{API}?q=kerbside", headers=h).get_json()["items"][0]
    r = client.patch(f"{API}/{target['id']}", headers=h, json={"title": "Garden waste composting"})
    assert r.status_code == 200, r.get_json()
    assert _found(client, hub, "kerbside") == set()
    assert _found(client, hub, "composting") == {"NLC-2021-045"}
    assert _found(client, hub, "biffa") == {"NLC-2021-045"}  # untouched columns still found
    assert client.delete(f"{API}/{target['id']}", headers=h).status_code == 204
    assert _found(client, hub, "composting") == set()
    r = client.post(
        API, headers=h, json={"title": "Composting of green waste", "reference": "NEW-1"}
    )
    assert r.status_code == 201, r.get_json()
    assert _found(client, hub, "composting") == {"NEW-1"}


def _upload(app: Any, path: Any, rows: list[str]) -> dict[str, Any]:
    from procurehub.accounts.models import Council
    from procurehub.extensions import db
    from procurehub.registers.service import import_contracts

    path.write_text("Contract Ref,Contract Title,Supplier,End Date\n" + "\n".join(rows) + "\n")
    with app.app_context():
        nlc = db.session.query(Council).filter_by(code="S12000050").one()
        report = import_contracts(path, display_name=path.name, council=nlc, user=None)
        db.session.remove()
    assert report["status"] == "stored", report
    return report


def _full_text_table_is_exact(app: Any) -> None:
    """SQLite only: the full-text table holds exactly the contracts' current words."""
    from procurehub.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            with db.engine.begin() as conn:  # raises "database disk image is malformed" if not
                conn.exec_driver_sql(
                    "INSERT INTO contract_fts(contract_fts, rank) VALUES ('integrity-check', 1)"
                )


def test_search_finds_uploaded_contracts_and_follows_reuploads_edits_and_deletions(
    app: Any, client: Any, hub: dict[str, Any], tmp_path: Any
) -> None:
    """An upload indexes its own new contracts for search (not the insert trigger): what it
    stores is found, a re-upload's changed title replaces the old words, and an edit or a
    deletion of an uploaded contract is followed like any other."""
    h = hub["h"]
    register = tmp_path / "register.csv"
    rows = [f"UP-{n},Bulky item collection zone {n},Veolia ES Ltd,31/03/2029" for n in range(40)]
    _upload(app, register, rows)
    assert _found(client, hub, "veolia") == {f"UP-{n}" for n in range(40)}
    assert _found(client, hub, "zone 7") == {"UP-7"}
    _full_text_table_is_exact(app)

    rows[7] = "UP-7,Mattress recycling,Veolia ES Ltd,31/03/2029"
    rows.append("UP-99,Furniture reuse partnership,Reuse Scotland CIC,31/03/2030")
    report = _upload(app, register, rows)
    assert (report["created"], report["updated"]) == (1, 1)
    assert _found(client, hub, "mattress") == {"UP-7"}
    assert _found(client, hub, "zone 7") == set()
    assert _found(client, hub, "furniture reuse") == {"UP-99"}
    _full_text_table_is_exact(app)

    target = client.get(f"{API}?q=furniture", headers=h).get_json()["items"][0]
    r = client.patch(f"{API}/{target['id']}", headers=h, json={"title": "Sofa collection"})
    assert r.status_code == 200, r.get_json()
    assert _found(client, hub, "furniture") == set() and _found(client, hub, "sofa") == {"UP-99"}
    assert client.delete(f"{API}/{target['id']}", headers=h).status_code == 204
    assert _found(client, hub, "sofa") == set()
    _full_text_table_is_exact(app)
