"""Contracts -> OCDS 1.1 release package (procurehub.ingest.ocds_export), round trip through
the OCDS reader (procurehub.ingest.ocds)."""

from __future__ import annotations

import datetime as dt
import io
import json
import tracemalloc
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from procurehub.ingest.codes import parse_status
from procurehub.ingest.dates import parse_date
from procurehub.ingest.extension_terms import parse_extension_terms
from procurehub.ingest.ocds import iter_ocds_rows
from procurehub.ingest.ocds_export import (
    CONTRACT_STATUS,
    LICENSE,
    contract_release,
    write_release_package,
)

PUBLISHED = dt.datetime(2025, 6, 1, 9, 30, tzinfo=dt.UTC)
NAMES = {"S12000050": "North Lanarkshire Council", "S12000006": "Dumfries and Galloway Council"}


def _contract(**fields: object) -> dict:
    base: dict = {
        "id": 1,
        "council_code": "S12000050",
        "reference": None,
        "title": None,
        "description": None,
        "workstream": "unclassified",
        "category": "unclassified",
        "cpv_codes": [],
        "supplier_name": None,
        "supplier_company_number": None,
        "supplier_address": None,
        "supplier_is_sme": None,
        "award_date": None,
        "start_date": None,
        "end_date": None,
        "max_end_date": None,
        "extension_terms": None,
        "extension_periods_months": [],
        "value_total": None,
        "value_annual": None,
        "value_is_estimate": False,
        "procurement_route": None,
        "status": None,
        "collaboration_interest": "unknown",
        "notes": None,
        "extra": {},
    }
    base.update(fields)
    return base


FULL = _contract(
    id=101,
    reference="NLC-WASTE-2019-004",
    title="Residual waste treatment (energy from waste)",
    description="Treatment of residual municipal waste at an EfW facility.",
    workstream="waste",
    category="waste.residual_treatment",
    cpv_codes=["90513000", "90510000", "90513000"],
    supplier_name="Viridor Waste Management Ltd",
    supplier_company_number="02165763",
    supplier_address="Viridor House, Youngman Place, Priory Bridge Road, Taunton, TA1 1AP",
    supplier_is_sme=False,
    award_date=dt.date(2019, 2, 14),
    start_date=dt.date(2019, 4, 1),
    end_date=dt.date(2027, 3, 31),
    max_end_date=dt.date(2029, 3, 31),
    extension_terms="8+1+1",
    extension_periods_months=[12, 12],
    value_total=Decimal("48250000.456"),
    value_annual=Decimal("6031250.00"),
    procurement_route="Restricted procedure",
    status="active",
    collaboration_interest="yes",
    notes="Officer: Jane Example, jane.example@council.invalid",
    extra={"Contract manager": "Jane Example", "Email": "jane.example@council.invalid"},
)
MINIMAL = _contract(id=102, council_code="ZZ1")
FORMULA = _contract(
    id=103,
    council_code="S12000006",
    reference="DG/FLEET/22",
    title='=HYPERLINK("http://evil.invalid","Vans")',
    description="+SUM(A1:A9) -1 @cmd",
    cpv_codes=["34144900"],
    supplier_name="@Fleet Co",
    start_date=dt.date(2022, 5, 1),
    end_date=dt.date(2026, 4, 30),
    value_total=Decimal("1234.5"),
    value_is_estimate=True,
    procurement_route="Direct award from framework (Scotland Excel 0820)",
    status="expired",
)
NO_DATES = _contract(
    id=104,
    reference="NLC-ICT-0099",
    title="Housing management system support",
    supplier_name="Civica UK Ltd",
    supplier_company_number="01628868",
    supplier_is_sme=True,
    extension_terms="Up to 24 months",
    extension_periods_months=[24],
    value_total=Decimal("0"),
    procurement_route="Open procedure -",
    status="planned",
)
TERMINATED = _contract(
    id=105,
    reference="NLC-FM-2020-12",
    title="Bulky uplift",
    start_date=dt.date(2020, 1, 1),
    max_end_date=dt.date(2024, 12, 31),
    extension_periods_months=[12, 12, 6],
    status="terminated",
)
CONTRACTS = [FULL, MINIMAL, FORMULA, NO_DATES, TERMINATED]


def _package(contracts: list[dict] | None = None, **kwargs: object) -> dict:
    buf = io.StringIO()
    n = write_release_package(
        buf,
        CONTRACTS if contracts is None else contracts,
        published=PUBLISHED,
        council_names=NAMES,
        **kwargs,
    )
    data = json.loads(buf.getvalue())
    assert n == len(data["releases"])
    return data


def _rows_by_ocid(data: dict) -> dict[str, dict]:
    rows = list(iter_ocds_rows(data))
    assert len(rows) == len(data["releases"])  # exactly one row per contract
    by_ocid = {r["_source_ref"]: r for r in rows}
    assert len(by_ocid) == len(rows)
    return by_ocid


def _ocid(contract: dict, prefix: str = "ocds-phub00") -> str:
    return f"{prefix}-{contract['council_code']}-{contract['id']}"


def _walk_keys(obj: object) -> Iterator[tuple[str, object]]:
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield key, value
            yield from _walk_keys(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from _walk_keys(value)


# --------------------------------------------------------------------------- package shape


def test_package_keys_and_releases() -> None:
    data = _package(
        uri="https://hub.example/ocds/2025-06-01.json",
        publication_policy="https://hub.example/policy",
    )
    assert data["uri"] == "https://hub.example/ocds/2025-06-01.json"
    assert data["version"] == "1.1"
    assert data["publishedDate"] == "2025-06-01T09:30:00Z"
    assert data["publisher"] == {"name": "ProcureHub"}
    assert data["license"] == LICENSE
    assert data["publicationPolicy"] == "https://hub.example/policy"
    assert all(isinstance(url, str) and url.endswith(".json") for url in data["extensions"])
    releases = data["releases"]
    assert len(releases) == len(CONTRACTS)
    ocids = [r["ocid"] for r in releases]
    assert len(set(ocids)) == len(ocids)
    assert ocids == [_ocid(c) for c in CONTRACTS]
    for rel in releases:
        assert rel["ocid"].startswith("ocds-phub00-")
        assert rel["id"] == rel["ocid"] + "-contract"
        assert rel["date"] == "2025-06-01T09:30:00Z"
        assert rel["tag"] == ["contract"]
        assert rel["initiationType"] == "tender"
        assert rel["language"] == "en"
        assert rel["buyer"]["id"] in {p["id"] for p in rel["parties"] if "buyer" in p["roles"]}
        assert len(rel["awards"]) == len(rel["contracts"]) == 1
        assert rel["contracts"][0]["awardID"] == rel["awards"][0]["id"]


def test_default_uri_prefix_and_count() -> None:
    buf = io.StringIO()
    n = write_release_package(buf, iter([FULL, MINIMAL]), ocid_prefix="ocds-abc123")
    data = json.loads(buf.getvalue())
    assert n == 2
    assert data["uri"].startswith("urn:")
    assert data["publishedDate"].endswith("Z")
    assert [r["ocid"] for r in data["releases"]] == [
        "ocds-abc123-S12000050-101",
        "ocds-abc123-ZZ1-102",
    ]


def test_empty_package_is_valid_json() -> None:
    data = _package([])
    assert data["releases"] == []


def test_full_release_fields() -> None:
    rel = contract_release(
        FULL,
        ocid_prefix="ocds-phub00",
        council_name="North Lanarkshire Council",
        published=PUBLISHED,
    )
    buyer, supplier = rel["parties"]
    assert rel["buyer"] == {"id": "GB-GSS-S12000050", "name": "North Lanarkshire Council"}
    assert buyer["roles"] == ["buyer"]
    assert buyer["identifier"]["scheme"] == "GB-GSS"
    assert buyer["identifier"]["id"] == "S12000050"
    assert supplier["roles"] == ["supplier"]
    assert supplier["identifier"] == {
        "scheme": "GB-COH",
        "id": "02165763",
        "legalName": "Viridor Waste Management Ltd",
    }
    assert supplier["address"] == {"streetAddress": FULL["supplier_address"]}
    assert supplier["details"] == {"scale": "large"}

    tender = rel["tender"]
    assert tender["procurementMethodDetails"] == "Restricted procedure"
    assert tender["procurementMethod"] == "selective"
    (item,) = tender["items"]
    assert item["classification"] == {"scheme": "CPV", "id": "90513000"}
    assert item["additionalClassifications"] == [{"scheme": "CPV", "id": "90510000"}]
    assert "value" not in tender  # not an estimate

    (award,) = rel["awards"]
    assert award["date"] == "2019-02-14T00:00:00Z"
    assert award["status"] == "active"
    assert award["value"] == {"amount": 48250000.46, "currency": "GBP"}
    assert award["suppliers"] == [{"id": "GB-COH-02165763", "name": "Viridor Waste Management Ltd"}]
    assert award["contractPeriod"] == {
        "startDate": "2019-04-01T00:00:00Z",
        "endDate": "2027-03-31T00:00:00Z",
        "maxExtentDate": "2029-03-31T00:00:00Z",
    }
    (contract,) = rel["contracts"]
    assert contract["id"] == "NLC-WASTE-2019-004"
    assert contract["status"] == "active"
    assert contract["value"] == {"amount": 48250000.46, "currency": "GBP"}
    assert contract["period"]["durationInDays"] == (dt.date(2027, 3, 31) - dt.date(2019, 4, 1)).days
    assert contract["period"]["maxExtentDate"] == "2029-03-31T00:00:00Z"
    assert contract["hasRenewal"] is True
    assert contract["renewal"] == {"description": "8+1+1", "maximumRenewals": 2}


def test_minimal_release_omits_empty_values() -> None:
    rel = contract_release(MINIMAL, ocid_prefix="ocds-phub00", published=PUBLISHED)
    for key, value in _walk_keys(rel):
        assert value not in (None, "", [], {}), key
    assert rel["buyer"] == {"id": "ocds-phub00-council-ZZ1", "name": "ZZ1"}
    assert "identifier" not in rel["parties"][0]  # not a GSS code
    assert len(rel["parties"]) == 1  # no supplier known
    assert "suppliers" not in rel["awards"][0]
    assert "items" not in rel["tender"]
    assert "period" not in rel["contracts"][0]
    assert "contractPeriod" not in rel["awards"][0]
    assert rel["contracts"][0]["id"] == rel["ocid"] + "-contract"
    assert "status" not in rel["tender"] and "status" not in rel["contracts"][0]


def test_max_extent_date_present_where_max_end_date_is() -> None:
    data = _package()
    for contract, rel in zip(CONTRACTS, data["releases"], strict=True):
        period = rel["contracts"][0].get("period", {})
        award_period = rel["awards"][0].get("contractPeriod", {})
        if contract["max_end_date"]:
            expected = f"{contract['max_end_date'].isoformat()}T00:00:00Z"
            assert period["maxExtentDate"] == expected
            assert award_period["maxExtentDate"] == expected
        else:
            assert "maxExtentDate" not in period
            assert "maxExtentDate" not in award_period


def test_no_personal_data_or_contact_points() -> None:
    text = json.dumps(_package())
    assert "contactPoint" not in text
    assert "Jane Example" not in text
    assert "jane.example@council.invalid" not in text
    assert "value_annual" not in text and "6031250" not in text


def test_money_is_json_number_rounded_to_pence() -> None:
    data = _package()
    amounts = [
        rel["contracts"][0].get("value", rel["tender"].get("value", {})).get("amount")
        for rel in data["releases"]
    ]
    assert amounts == [48250000.46, None, 1234.5, 0.0, None]
    assert all(a is None or type(a) is float for a in amounts)


def test_status_mapping_uses_ocds_codes() -> None:
    assert CONTRACT_STATUS == {
        "active": "active",
        "expired": "terminated",
        "terminated": "terminated",
        "planned": "pending",
    }
    data = _package()
    got = [rel["contracts"][0].get("status") for rel in data["releases"]]
    assert got == ["active", None, "terminated", "pending", "terminated"]
    details = [rel["contracts"][0].get("statusDetails") for rel in data["releases"]]
    assert details == [None, None, "Expired", "Planned", None]


@pytest.mark.parametrize(
    ("route", "method"),
    [
        ("Open procedure", "open"),
        ("Restricted procedure", "selective"),
        ("Competitive procedure with negotiation", "selective"),
        ("Negotiated procedure without prior publication", "limited"),
        ("Direct award from framework (Scotland Excel 0820)", "direct"),
        ("Framework - mini competition", None),
    ],
)
def test_procurement_method_code(route: str, method: str | None) -> None:
    rel = contract_release(_contract(procurement_route=route), ocid_prefix="x", published=PUBLISHED)
    assert rel["tender"]["procurementMethodDetails"] == route
    assert rel["tender"].get("procurementMethod") == method


def test_naive_published_is_taken_as_utc() -> None:
    rel = contract_release(MINIMAL, ocid_prefix="x", published=dt.datetime(2025, 1, 2, 3, 4, 5))
    assert rel["date"] == "2025-01-02T03:04:05Z"


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: str(c["id"]))
def test_round_trip_through_reader(contract: dict) -> None:
    data = _package()
    row = _rows_by_ocid(data)[_ocid(contract)]

    # reference: the contract id (the reader keeps ids of 6+ characters that are not all digits)
    if contract["reference"]:
        assert row["reference"] == contract["reference"]
    else:
        assert row["reference"] == _ocid(contract) + "-contract"
    assert row["title"] == contract["title"]
    assert row["description"] == contract["description"]
    assert row["supplier_name"] == contract["supplier_name"]
    assert row["supplier_company_number"] == contract["supplier_company_number"]
    assert row["supplier_address"] == contract["supplier_address"]
    expected_sme = {True: "yes", False: "no", None: None}[contract["supplier_is_sme"]]
    assert row["supplier_is_sme"] == expected_sme
    expected_cpv = ";".join(dict.fromkeys(contract["cpv_codes"])) or None
    assert row["cpv_codes"] == expected_cpv

    for field in ("award_date", "start_date", "end_date", "max_end_date"):
        raw = row[field]
        if contract[field] is None:
            assert raw is None, field
        else:
            assert raw == f"{contract[field].isoformat()}T00:00:00Z", field
            assert parse_date(raw, end=field.endswith("end_date")).value == contract[field]

    if contract["value_total"] is None:
        assert row["value_total"] is None
        assert row["value_is_estimate"] is None
    else:
        assert Decimal(str(row["value_total"])) == contract["value_total"].quantize(Decimal("0.01"))
        assert row["value_is_estimate"] == ("yes" if contract["value_is_estimate"] else "no")

    if contract["extension_terms"]:
        assert row["extension_terms"] == contract["extension_terms"]
    elif contract["extension_periods_months"]:
        # no text given: a generated one that parses back to the same options
        got = parse_extension_terms(row["extension_terms"])
        assert got.problem is None
        assert got.value == contract["extension_periods_months"]
    else:
        assert row["extension_terms"] is None

    route = contract["procurement_route"]
    assert row["procurement_route"] == (route.rstrip(" -:").strip() if route else None)

    # the OCDS code, or statusDetails ("Expired", "Planned") where the reader prefers it
    status = contract["status"]
    if status is None:
        assert row["status"] is None
    else:
        details = {"expired": "Expired", "planned": "Planned"}.get(status)
        assert row["status"] in {CONTRACT_STATUS[status], details}
        parsed = parse_status(row["status"]).value
        if row["status"] == details or status in ("active", "terminated"):
            assert parsed == status  # exact round trip
        else:
            assert parsed == {"expired": "terminated", "planned": None}[status]

    assert row["council_name"] == NAMES.get(contract["council_code"], contract["council_code"])


def test_round_trip_full_contract_exact_values() -> None:
    row = _rows_by_ocid(_package([FULL]))[_ocid(FULL)]
    assert row["reference"] == "NLC-WASTE-2019-004"
    assert row["cpv_codes"] == "90513000;90510000"
    assert row["value_total"] == 48250000.46
    assert row["value_is_estimate"] == "no"
    assert row["extension_terms"] == "8+1+1"
    assert parse_extension_terms(row["extension_terms"]).value == [12, 12]
    assert row["council_name"] == "North Lanarkshire Council"
    assert row["start_date"] == "2019-04-01T00:00:00Z"
    assert row["max_end_date"] == "2029-03-31T00:00:00Z"
    assert row["notes"] is None


def test_round_trip_formula_text_is_kept_verbatim() -> None:
    row = _rows_by_ocid(_package([FORMULA]))[_ocid(FORMULA)]
    assert row["title"] == '=HYPERLINK("http://evil.invalid","Vans")'
    assert row["description"] == "+SUM(A1:A9) -1 @cmd"
    assert row["supplier_name"] == "@Fleet Co"
    assert row["value_is_estimate"] == "yes"
    assert row["council_name"] == "Dumfries and Galloway Council"


def test_round_trip_short_reference_comes_back_as_ocid() -> None:
    """Documented reader limitation: ids shorter than 6 characters or all digits are not
    taken as references; the reader falls back to the ocid."""
    contracts = [_contract(id=7, reference="C12", title="x"), _contract(id=8, reference="123456")]
    rows = _rows_by_ocid(_package(contracts))
    assert rows[_ocid(contracts[0])]["reference"] == _ocid(contracts[0])
    assert rows[_ocid(contracts[1])]["reference"] == _ocid(contracts[1])


# --------------------------------------------------------------------------- streaming


class _CountingSink(io.TextIOBase):
    """A text stream that keeps only counters, the first and the last chunk."""

    def __init__(self) -> None:
        self.chars = 0
        self.writes = 0
        self.head = ""
        self.tail = ""
        self.ocids_seen = 0

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        if not self.head:
            self.head = s
        self.tail = s
        self.chars += len(s)
        self.writes += 1
        self.ocids_seen += s.count('"ocid": ')
        return len(s)


def _generated(n: int, sink: _CountingSink | None = None) -> Iterator[dict]:
    for i in range(n):
        if sink is not None and i == 1000:
            # releases are written as they are produced, not after the iterable is exhausted
            assert sink.ocids_seen == 1000
        yield _contract(
            id=i,
            council_code=("S12000050", "S12000006", "ZZ1")[i % 3],
            reference=f"REF-{i:07d}",
            title=f"Contract number {i} for waste services",
            description="Collection and treatment of municipal waste " * 3,
            cpv_codes=["90500000", "90510000"],
            supplier_name=f"Supplier {i % 97} Ltd",
            supplier_company_number=f"{i % 10_000_000:08d}",
            supplier_address="1 High Street, Motherwell, ML1 1AA",
            supplier_is_sme=bool(i % 2),
            award_date=dt.date(2020, 1, 1) + dt.timedelta(days=i % 365),
            start_date=dt.date(2020, 2, 1),
            end_date=dt.date(2025, 1, 31),
            max_end_date=dt.date(2027, 1, 31),
            extension_terms="5+1+1",
            extension_periods_months=[12, 12],
            value_total=Decimal(i) * Decimal("1000.25"),
            procurement_route="Open procedure",
            status="active",
        )


def test_streaming_many_contracts_keeps_memory_small() -> None:
    n = 10_000
    sink = _CountingSink()
    tracemalloc.start()
    try:
        count = write_release_package(
            sink, _generated(n, sink), published=PUBLISHED, council_names=NAMES
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == n
    assert sink.ocids_seen == n
    assert sink.chars > n * 1000  # the output itself is far larger than the peak below
    assert peak < 5 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    assert sink.head.startswith('{"uri": ') and sink.head.endswith('"releases": [')
    assert sink.tail.strip() == "]}"


def test_streamed_file_parses_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "package.json"
    with path.open("w", encoding="utf-8") as fh:
        count = write_release_package(fh, _generated(2_000), published=PUBLISHED)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert count == len(data["releases"]) == 2_000
    rows = list(iter_ocds_rows(data))
    assert [r["reference"] for r in rows] == [f"REF-{i:07d}" for i in range(2_000)]
    assert rows[1999]["value_total"] == pytest.approx(1999 * 1000.25)
