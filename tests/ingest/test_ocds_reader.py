"""OCDS JSON -> contract rows (procurehub.ingest.ocds)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from procurehub.ingest.ocds import ROW_FIELDS, clean_rn_artefacts, iter_ocds_rows

DATA = Path(__file__).parent / "data"
PCS = "public_contracts_scotland_ocds_releases_2019-03to04.json"
CF = "contracts_finder_ocds_releases_2025-01to03.json"
CF_SEARCH = "contracts_finder_ocds_search_response_2025-01-20to23.json"


def _load(name: str) -> object:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _rows(name: str) -> list[dict]:
    return list(iter_ocds_rows(_load(name)))


def _by_ref(rows: list[dict]) -> dict[str, dict]:
    return {r["reference"]: r for r in rows}


# --------------------------------------------------------------------------- counts


@pytest.mark.parametrize(
    ("name", "releases", "rows"),
    [
        # 90 tender notices, all with lots that carry their own contractPeriod: one row per lot
        (PCS, 90, 341),
        # 148 releases with exactly one award + 53 without awards or lots (one row each)
        (CF, 201, 201),
        (CF_SEARCH, 1, 1),
    ],
)
def test_real_files_row_counts(name: str, releases: int, rows: int) -> None:
    data = _load(name)
    assert len(data["releases"]) == releases
    got = list(iter_ocds_rows(data))
    assert len(got) == rows
    assert [r["_source_row"] for r in got] == list(range(1, rows + 1))
    for r in got:
        assert set(r) == set(ROW_FIELDS) | {"_source_row", "_source_ref"}
        assert r["reference"] and r["_source_ref"]


def test_references() -> None:
    pcs_refs = [r["reference"] for r in _rows(PCS)]
    assert len(pcs_refs) == len(set(pcs_refs)) == 341
    # Contracts Finder republishes an award (award, then awardUpdate) under the same ocid and
    # award id: those rows repeat a reference (nothing is merged here; the importer matches them)
    cf_refs = [r["reference"] for r in _rows(CF)]
    assert len(set(cf_refs)) == 201 - 8


def test_no_contact_point_data_in_any_row() -> None:
    for name in (PCS, CF, CF_SEARCH):
        text = json.dumps(_rows(name))
        assert "redacted@example.invalid" not in text
        assert "Contact (redacted)" not in text
        assert "00000 000000" not in text


# --------------------------------------------------------------------------- Scotland


def test_pcs_dumfries_galloway_waste_haulage() -> None:
    rows = [r for r in _rows(PCS) if r["_source_ref"] == "ocds-r6ebe6-0000581999"]
    assert len(rows) == 1
    row = rows[0]
    assert row["reference"] == "ocds-r6ebe6-0000581999"
    assert row["title"] == "Waste Haulage"
    assert row["council_name"] == "Dumfries and Galloway Council"
    assert row["supplier_name"] is None  # a contract notice: no supplier yet
    assert row["start_date"] is None
    assert row["end_date"] is None  # durationInDays without a start: kept as duration
    assert row["contract_duration"] == "360 days"
    assert row["extension_terms"] == (
        "The contract has a duration of 12 months with the option of two 6 months "
        "extensions at the council sole discretion."
    )
    assert row["cpv_codes"] == "90500000;90512000"
    assert row["procurement_route"] == "Open procedure"
    assert row["status"] is None
    assert row["value_total"] is None and row["value_is_estimate"] is None
    # the lot description's "rn" after a full stop was a line break
    assert "to the council.\nThese vehicles" in row["description"]


def test_pcs_dumfries_galloway_residual_waste_lots() -> None:
    rows = [r for r in _rows(PCS) if r["_source_ref"] == "ocds-r6ebe6-0000581400"]
    assert [r["reference"] for r in rows] == [
        "ocds-r6ebe6-0000581400/lot-4",
        "ocds-r6ebe6-0000581400/lot-1",
        "ocds-r6ebe6-0000581400/lot-2",
        "ocds-r6ebe6-0000581400/lot-3",
        "ocds-r6ebe6-0000581400/lot-5",
    ]
    wigtown, annandale = rows[0], rows[1]
    assert wigtown["title"] == "Reception , Treatment and Disposal of Residual Waste - Wigtown"
    assert wigtown["contract_duration"] == "360 days"
    assert wigtown["extension_terms"] == "None"  # hasRenewal: false
    assert annandale["contract_duration"] == "180 days"
    assert annandale["extension_terms"] == (
        "The contract may be extended for a further six months at the discretion of "
        "Dumfries and Galloway Council."
    )
    assert all(r["cpv_codes"] == "90500000;90510000" for r in rows)
    assert all(r["council_name"] == "Dumfries and Galloway Council" for r in rows)


def test_pcs_east_ayrshire_composting() -> None:
    rows = [r for r in _rows(PCS) if r["_source_ref"] == "ocds-r6ebe6-0000581665"]
    assert len(rows) == 2
    assert rows[0]["title"] == (
        "Composting of Organic Green Waste - Lot 2 - South of the Authority"
    )
    assert {r["extension_terms"] for r in rows} == {"2 separate one year extension options"}
    assert {r["contract_duration"] for r in rows} == {"720 days"}


def test_pcs_lot_with_dates_and_tender_value() -> None:
    row = _by_ref(_rows(PCS))["ocds-r6ebe6-0000580968"]  # D&G lining & road markings
    assert row["value_total"] == 886000.0
    assert row["value_is_estimate"] == "yes"  # tender value, not an award
    assert row["contract_duration"] == "1440 days"
    row = _by_ref(_rows(PCS))["ocds-r6ebe6-0000581884"]
    assert (row["start_date"], row["end_date"]) == ("2019-05-31T00:00:00Z", "2019-09-30T00:00:00Z")
    assert row["contract_duration"] is None


def test_pcs_counts_of_filled_fields() -> None:
    rows = _rows(PCS)
    assert sum(r["start_date"] is not None for r in rows) == 98
    assert sum(r["contract_duration"] is not None for r in rows) == 243
    assert all(r["supplier_name"] is None for r in rows)


# --------------------------------------------------------------------------- Contracts Finder


def test_cf_award_row() -> None:
    rows = _rows(CF)
    row = rows[0]
    assert row["_source_ref"] == "ocds-b5fd17-e3b5f385-5989-4cf1-8849-01c247fc9c30"
    assert row["reference"] == "ocds-b5fd17-e3b5f385-5989-4cf1-8849-01c247fc9c30-1"
    assert row["title"] == "Parking Pilot - CEO"
    assert row["supplier_name"] == "Marstons holdings plc"
    assert row["supplier_is_sme"] == "no"
    assert row["council_name"] == "London Borough of Merton"
    assert row["award_date"] == "2024-12-22T00:00:00Z"
    # award contractPeriod beats tender contractPeriod
    assert row["start_date"] == "2025-01-23T00:00:00Z"
    assert row["end_date"] == "2025-04-23T23:59:59+01:00"
    assert row["value_total"] == 93007 and row["value_is_estimate"] == "no"
    assert row["procurement_route"] == "Direct award"
    assert row["status"] == "active"
    assert row["cpv_codes"] == "63712400"


def test_cf_espo_specialist_vehicles_framework() -> None:
    rows = [
        r for r in _rows(CF) if r["_source_ref"].endswith("8d84c691-fc64-4f64-b240-443a0af1ba82")
    ]
    assert len(rows) == 1
    row = rows[0]
    assert row["title"] == "215_24 Specialist Vehicles (outright purchase)"
    assert row["council_name"] == "Espo"
    names = row["supplier_name"].split("; ")
    assert len(names) == 35
    assert names[:2] == ["AEBI SCHMIDT UK LIMITED", "ALEXANDER DENNIS LIMITED"]
    # several suppliers: no single company number/address/SME flag
    assert row["supplier_company_number"] is None and row["supplier_is_sme"] is None
    assert row["cpv_codes"] == "34100000;34223370;34921100"
    assert row["value_total"] == 400000000
    assert row["start_date"] == "2024-12-03T00:00:00Z"
    assert row["end_date"] == "2028-11-30T23:59:59Z"
    assert row["procurement_route"] == "Open procedure (above threshold)"
    assert (
        "Lot 1 - Refuse collection vehicles (RCV's)\nLot 2 - Compact sweepers"
        in (row["description"])
    )


def test_cf_companies_house_number_and_sme() -> None:
    rows = _rows(CF)
    with_number = [r for r in rows if r["supplier_company_number"]]
    assert len(with_number) == 33
    for r in with_number:
        assert " " not in r["supplier_company_number"]
        assert not r["supplier_company_number"].upper().startswith("GB-COH")
    assert (
        sum(r["supplier_is_sme"] == "yes" for r in rows)
        + sum(r["supplier_is_sme"] == "no" for r in rows)
        == 112
    )


def test_cf_tender_only_release_gives_one_estimated_row() -> None:
    rows = _rows(CF)
    tender_rows = [r for r in rows if r["award_date"] is None]
    assert len(tender_rows) == 53
    assert all(r["supplier_name"] is None and r["status"] is None for r in tender_rows)
    with_value = [r for r in tender_rows if r["value_total"] is not None]
    assert with_value and all(r["value_is_estimate"] == "yes" for r in with_value)


def test_cf_procurement_route_trailing_dash_is_trimmed() -> None:
    routes = {r["procurement_route"] for r in _rows(CF)}
    assert "Other - " not in routes
    assert "Call-off from a framework agreement" in routes


def test_search_response_envelope() -> None:
    data = _load(CF_SEARCH)
    assert set(data) >= {"uri", "publisher", "releases", "links"}
    assert "next" in data["links"]
    [row] = iter_ocds_rows(data)
    assert row["reference"] == "ocds-b5fd17-e3b5f385-5989-4cf1-8849-01c247fc9c30-1"
    assert row["supplier_name"] == "Marstons holdings plc"
    assert row["supplier_address"].startswith("Marstons holdings plc")
    assert row["supplier_is_sme"] == "no"
    assert row["_source_row"] == 1


# --------------------------------------------------------------------------- shapes (inline)


def _release(ocid: str = "ocds-x-1", **extra: object) -> dict:
    base: dict = {
        "ocid": ocid,
        "id": f"{ocid}-r1",
        "date": "2024-01-01T00:00:00Z",
        "tag": ["award"],
        "buyer": {"id": "b", "name": "Fife Council"},
        "parties": [
            {
                "id": "b",
                "name": "Fife Council",
                "roles": ["buyer"],
                "contactPoint": {"name": "Jane Officer", "email": "jane@fife.example"},
            },
            {
                "id": "GB-COH-01234567",
                "name": "Bins Ltd",
                "roles": ["supplier"],
                "identifier": {"scheme": "GB-COH", "id": "01234567"},
                "address": {
                    "streetAddress": "1 High St",
                    "locality": "Kirkcaldy",
                    "postalCode": "KY1 1AA",
                },  # fmt: skip
                "details": {"scale": "sme"},
                "contactPoint": {"name": "Bob Seller", "telephone": "01592 000000"},
            },
        ],
        "tender": {
            "id": "T1",
            "title": "Residual waste treatment",
            "description": "Treatment of residual waste",
            "classification": {"scheme": "CPV", "id": "90510000"},
            "items": [{"id": "1", "classification": {"scheme": "cpv", "id": "90513000"}}],
            "procurementMethod": "open",
            "value": {"amount": 1000, "currency": "GBP"},
        },
    }
    base.update(extra)
    return base


def test_single_release_object_with_duration_derived_end() -> None:
    rel = _release(
        awards=[
            {
                "id": "1",
                "date": "2024-02-01",
                "status": "active",
                "suppliers": [{"id": "GB-COH-01234567", "name": "Bins Ltd"}],
                "value": {"amount": 250000.5, "currency": "GBP"},
                "contractPeriod": {"startDate": "2024-04-01T00:00:00Z", "durationInDays": 365},
            }
        ]
    )
    [row] = iter_ocds_rows(rel)
    assert row["reference"] == "ocds-x-1"  # award id "1" is not meaningful
    assert row["start_date"] == "2024-04-01T00:00:00Z"
    assert row["end_date"] == "2025-04-01"  # startDate + 365 days
    assert row["contract_duration"] is None
    assert row["supplier_company_number"] == "01234567"
    assert row["supplier_address"] == "1 High St, Kirkcaldy, KY1 1AA"
    assert row["supplier_is_sme"] == "yes"
    assert row["value_total"] == 250000.5 and row["value_is_estimate"] == "no"
    assert row["cpv_codes"] == "90510000;90513000"
    assert row["procurement_route"] == "open"
    assert row["title"] == "Residual waste treatment"
    text = json.dumps(row)
    assert "Jane Officer" not in text and "jane@fife.example" not in text
    assert "Bob Seller" not in text and "01592" not in text


def test_several_awards_give_unique_references() -> None:
    awards = [
        {"id": "1", "title": "Lot A award", "suppliers": [{"name": "A Ltd"}]},
        {"id": "2", "title": "Lot B award", "suppliers": [{"name": "B Ltd"}]},
    ]
    rows = list(iter_ocds_rows([_release(awards=awards)]))
    assert [r["reference"] for r in rows] == ["ocds-x-1/1", "ocds-x-1/2"]
    assert [r["title"] for r in rows] == ["Lot A award", "Lot B award"]
    assert [r["supplier_name"] for r in rows] == ["A Ltd", "B Ltd"]
    assert [r["_source_row"] for r in rows] == [1, 2]


def test_contracts_take_precedence_over_awards() -> None:
    rel = _release(
        awards=[
            {
                "id": "A1",
                "date": "2024-02-01",
                "suppliers": [{"id": "GB-COH-01234567"}],
                "contractPeriod": {"startDate": "2024-03-01", "endDate": "2025-03-01"},
            }
        ],  # fmt: skip
        contracts=[
            {
                "id": "C-2024-001",
                "awardID": "A1",
                "title": "Residual waste contract",
                "status": "active",
                "value": {"amount": 999},
                "period": {"startDate": "2030-01-01"},
                "contractPeriod": {"startDate": "2024-04-01", "maxExtentDate": "2027-03-31"},
            }
        ],
    )
    [row] = iter_ocds_rows(rel)
    assert row["reference"] == "C-2024-001"
    assert row["title"] == "Residual waste contract"
    assert row["supplier_name"] == "Bins Ltd"  # from the linked award's supplier party
    assert row["award_date"] == "2024-02-01"
    assert row["start_date"] == "2024-04-01"
    assert row["max_end_date"] == "2027-03-31"
    assert row["value_total"] == 999


def test_duration_without_start_is_kept_as_text() -> None:
    rel = _release(tender={"title": "X", "contractPeriod": {"durationInDays": 730}})
    [row] = iter_ocds_rows(rel)
    assert row["end_date"] is None and row["contract_duration"] == "730 days"


def test_lots_with_renewal_and_release_without_lots() -> None:
    tender = {
        "title": "Bulky waste",
        "lots": [
            {
                "id": "1",
                "title": "North",
                "contractPeriod": {"startDate": "2024-01-01", "durationInDays": 10},
                "hasRenewal": True,
                "renewal": {"description": "2+1+1"},
            },  # fmt: skip
            {"id": "2", "title": "South", "hasRenewal": True},
        ],
    }
    rows = list(iter_ocds_rows(_release(tender=tender)))
    assert [r["reference"] for r in rows] == ["ocds-x-1/lot-1", "ocds-x-1/lot-2"]
    assert rows[0]["end_date"] == "2024-01-11"
    assert rows[0]["extension_terms"] == "2+1+1"
    assert rows[1]["extension_terms"] == "Renewal possible (no details given)"
    assert rows[1]["start_date"] is None
    [row] = iter_ocds_rows(_release(tender={"title": "No lots"}))
    assert row["reference"] == "ocds-x-1" and row["title"] == "No lots"


def test_record_package_uses_compiled_release_else_latest() -> None:
    old = _release("ocds-r-1", date="2024-01-01T00:00:00Z", tender={"title": "Old"})
    new = _release("ocds-r-1", date="2024-06-01T00:00:00Z", tender={"title": "New"})
    package = {
        "uri": "x",
        "records": [
            {"ocid": "ocds-r-1", "releases": [new, old]},
            {
                "ocid": "ocds-r-2",
                "compiledRelease": _release("ocds-r-2", tender={"title": "C"}),
                "releases": [{"url": "https://example.invalid/r.json", "date": "2024-01-01"}],
            },  # fmt: skip
        ],
    }
    rows = list(iter_ocds_rows(package))
    assert [(r["reference"], r["title"]) for r in rows] == [("ocds-r-1", "New"), ("ocds-r-2", "C")]


def test_bare_list_of_releases() -> None:
    rows = list(iter_ocds_rows([_release("ocds-a"), _release("ocds-b")]))
    assert [r["_source_ref"] for r in rows] == ["ocds-a", "ocds-b"]
    assert list(iter_ocds_rows([])) == []


def test_release_package_extra_keys_ignored() -> None:
    rows = list(iter_ocds_rows({"_provenance": {"x": 1}, "releases": [_release()]}))
    assert len(rows) == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"foo": "bar"},
        {"releases": "not a list"},
        {"releases": [1, 2]},
        {"records": [{"ocid": "x"}]},
        {"records": {}},
        [1, 2, 3],
        [{"name": "not a release"}],
        "releases",
        42,
        None,
    ],
)
def test_bad_shapes_raise_value_error(bad: object) -> None:
    with pytest.raises(
        ValueError, match="not an OCDS|not an OCDS record|neither a compiledRelease"
    ):
        iter_ocds_rows(bad)


def test_bad_shape_message_is_clear() -> None:
    with pytest.raises(ValueError) as exc:
        iter_ocds_rows({"foo": 1, "bar": 2})
    msg = str(exc.value)
    assert "is not an OCDS release package" in msg and "bar, foo" in msg


# --------------------------------------------------------------------------- rn artefacts


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("the council.rn These vehicles", "the council.\nThese vehicles"),
        ("sweepersrnLot 3", "sweepers\nLot 3"),
        ("(RCV's)rnLot 2", "(RCV's)\nLot 2"),
        ("vehicles.rnrnESPO shall", "vehicles.\n\nESPO shall"),
        ("a further 12rn month period", "a further 12\nmonth period"),
        ("unless the Contract isrn terminated", "unless the Contract isrn terminated"),
        ("turn the corner; Governance; modern", "turn the corner; Governance; modern"),
        ("", ""),
    ],
)
def test_clean_rn_artefacts(raw: str, expected: str) -> None:
    assert clean_rn_artefacts(raw) == expected
