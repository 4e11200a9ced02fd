"""Heading -> canonical field mapping (procurehub.ingest.synonyms)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from procurehub.ingest.synonyms import (
    FIELDS,
    SYNONYMS,
    ColumnMapping,
    map_headings,
    normalise_heading,
)

DATA = Path(__file__).parent / "data"


def _headings(name: str) -> list[str]:
    with open(DATA / name, encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh))


def _mapped(mappings: list[ColumnMapping]) -> dict[str, str]:
    return {m.heading: m.field for m in mappings if m.field}


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Contract Reference number / ID", "contract reference number id"),
        ("  Total   Value (£) ", "total value"),
        ("Total Value (GBP)", "total value"),
        ("Annual Value (inc VAT)", "annual value"),
        ("Contract Value £ (ex. VAT)", "contract value"),
        ("Estimated Annual Spend GBP", "estimated annual spend"),
        ("Value (£, inc VAT)", "value"),
        ("SME (Y/N)", "sme"),
        ("Health & Social Care", "health and social care"),
        ("Max_End-Date: (inc extensions)?", "max end date inc extensions"),
        ("Contract #", "contract"),
        ("*Start Date*", "start date"),
        ("\ufeffNotice ID", "notice id"),
        ("releases/0/awards/0/suppliers/0/name", "releases 0 awards 0 suppliers 0 name"),
        ("VAT not recoverable", "vat not recoverable"),
        ("Contractor’s Name", "contractors name"),
        ("", ""),
    ],
)
def test_normalise_heading(raw: str, expected: str) -> None:
    assert normalise_heading(raw) == expected


def test_normalise_is_idempotent_on_synonym_table() -> None:
    for headings in SYNONYMS.values():
        for heading in headings:
            once = normalise_heading(heading)
            assert normalise_heading(once) == once


def test_synonym_table_targets_known_fields() -> None:
    assert set(SYNONYMS) <= set(FIELDS)
    assert "contact" in FIELDS and "reference" in FIELDS


# --------------------------------------------------------------------------- real CSV headings

CF_AWARDS_EXPECTED = {
    "releases/0/ocid": "reference",
    "releases/0/tender/title": "title",
    "releases/0/tender/description": "description",
    "releases/0/tender/items/0/classification/id": "cpv_codes",
    "releases/0/buyer/name": "council_name",
    "releases/0/awards/0/status": "status",
    "releases/0/awards/0/date": "award_date",
    "releases/0/awards/0/value/amount": "value_total",
    "releases/0/awards/0/suppliers/0/identifier/id": "supplier_company_number",
    "releases/0/awards/0/suppliers/0/name": "supplier_name",
    "releases/0/awards/0/suppliers/0/address/streetAddress": "supplier_address",
    "releases/0/buyer/contactPoint/name": "contact",
    "releases/0/buyer/contactPoint/email": "contact",
    "releases/0/buyer/contactPoint/telephone": "contact",
    "releases/0/awards/0/suppliers/0/contactPoint/name": "contact",
    "releases/0/awards/0/suppliers/0/contactPoint/email": "contact",
}
CF_AWARDS_EXTRA = [
    "uri",
    "publishedDate",
    "publisher/name",
    "releases/0/id",
    "releases/0/title",
    "releases/0/description",
    "releases/0/tender/value/amount",
    "releases/0/tender/value/currency",
    "releases/0/tender/status",
    "releases/0/tender/tenderPeriod/endDate",
    "releases/0/tender/items/0/classification/description",
    "releases/0/buyer/address/streetAddress",
    "releases/0/awards/0/id",
    "releases/0/awards/0/title",
    "releases/0/awards/0/description",
    "releases/0/awards/0/value/currency",
    "releases/0/awards/0/suppliers/0/address/locality",
]


def test_contracts_finder_awards_csv_headings() -> None:
    headings = _headings("contracts_finder_daily_csv_export_2020-07-01_awards.csv")
    assert len(headings) == 69
    mappings = map_headings(headings)
    assert [m.heading for m in mappings] == headings
    by_heading = {m.heading: m for m in mappings}
    for heading, field in CF_AWARDS_EXPECTED.items():
        assert by_heading[heading].field == field, heading
    for heading in CF_AWARDS_EXTRA:
        assert by_heading[heading] == ColumnMapping(heading, None, "extra"), heading
    # no personal data left for extra
    for m in mappings:
        if "contactPoint/" in m.heading:
            assert m.field == "contact", m.heading
    fields = [m.field for m in mappings if m.field and m.field != "contact"]
    assert len(fields) == len(set(fields))


def test_contracts_finder_flattened_ocds_csv_headings() -> None:
    headings = _headings("contracts_finder_daily_csv_export_2020-08-05_flattened_ocds.csv")
    assert len(headings) == 333
    got = _mapped(map_headings(headings))
    expected = {
        "releases/0/ocid": "reference",
        "releases/0/tender/title": "title",
        "releases/0/tender/description": "description",
        "releases/0/tender/items/0/classification/id": "cpv_codes",
        "releases/0/tender/procurementMethodDetails": "procurement_route",
        "releases/0/buyer/name": "council_name",
        "releases/0/buyer/identifier/id": "buyer_id",
        "releases/0/awards/0/status": "status",
        "releases/0/awards/0/date": "award_date",
        "releases/0/awards/0/value/amount": "value_total",
        "releases/0/awards/0/suppliers/0/identifier/id": "supplier_company_number",
        "releases/0/awards/0/suppliers/0/sme": "supplier_is_sme",
        "releases/0/awards/0/suppliers/0/name": "supplier_name",
        "releases/0/awards/0/suppliers/0/address/streetAddress": "supplier_address",
        "releases/0/awards/0/contractPeriod/startDate": "start_date",
        "releases/0/awards/0/contractPeriod/endDate": "end_date",
    }
    non_contact = {h: f for h, f in got.items() if f != "contact"}
    assert non_contact == expected
    # every contactPoint column of every supplier is personal data -> contact
    contact_cols = [h for h in headings if "/contactPoint/" in h]
    assert len(contact_cols) == 5 + 11 * 4
    assert all(got.get(h) == "contact" for h in contact_cols)
    # later items/suppliers, milestones, tender fallbacks stay in extra
    for heading in (
        "releases/0/tender/items/1/classification/id",
        "releases/0/awards/0/suppliers/1/name",
        "releases/0/tender/procurementMethod",
        "releases/0/tender/value/amount",
        "releases/0/tender/minValue/amount",
        "releases/0/tender/milestones/1/dueDate",
        "releases/0/awards/0/suppliers/0/x_awardValue/amount",
        "releases/0/tender/xClassifications/isSuitableForSme",
    ):
        assert heading not in got, heading


def test_nottingham_simple_award_headings() -> None:
    headings = _headings("silvereye_simple_award_csv_nottingham_2020-07.csv")
    mappings = map_headings(headings)
    assert _mapped(mappings) == {
        "Notice ID": "reference",
        "Buyer Name": "council_name",
        "Buyer ID": "buyer_id",
        "Supplier Name": "supplier_name",
        "Supplier ID": "supplier_company_number",
        "Supplier Address - street address": "supplier_address",
        "Date Contract Awarded": "award_date",
        "Contract Start Date": "start_date",
        "Contract End Date": "end_date",
        "Award Title": "title",
        "Award Description": "description",
        "Classification Code": "cpv_codes",
        "Award Value": "value_total",
    }
    extras = [m.heading for m in mappings if m.how == "extra"]
    assert extras == [
        "Published Date",
        "Buyer ID-scheme",
        "Buyer Locality",
        "Supplier ID-scheme",
        "Supplier Address - locality",
        "Supplier Address - postcode",
        "Supplier Address - country",
        "Award Documents URL",
        "Classification Scheme",
        "Classification Description",
        "Award Value - currency",
    ]


# --------------------------------------------------------------------------- council schemas

LGA_AND_SCOTTISH = {
    # LGA / Local Government Transparency Code
    "Reference Number": "reference",
    "Title of Agreement": "title",
    "Department": "category_label",
    "Local authority department responsible": "category_label",
    "Description of the goods and/or services": "description",
    "Supplier Name": "supplier_name",
    "Supplier Registration Number": "supplier_company_number",
    "Company Registration Number": "supplier_company_number",
    "Start Date": "start_date",
    "End Date": "end_date",
    "Extension Period": "extension_terms",
    "Total Value": "value_total",
    "Annual Value": "value_annual",
    "Value of Agreement": "value_total",
    "SME/VCSE": "supplier_is_sme",
    "Procurement Process": "procurement_route",
    "Procurement Route": "procurement_route",
    "Nominated contact point: email": "contact",
    # Procurement Reform (Scotland) Act 2014 s.35
    "Date of award": "award_date",
    "Name of contracting authority": "council_name",
    "Name and address of contractor": "supplier_name",
    "Subject matter": "title",
    "Estimated value of the contract": "value_total",
    "End date of the contract disregarding any option to extend": "end_date",
    "Duration of any period for which it can be extended": "extension_terms",
    # PCS / Scottish council registers
    "Contract Reference number / ID": "reference",
    "Contract Id": "reference",
    "Ref": "reference",
    "Contract Ref": "reference",
    "Contract Title": "title",
    "Contractor": "supplier_name",
    "Contractor Name": "supplier_name",
    "Supplier": "supplier_name",
    "Contract Start Date": "start_date",
    "Commencement Date": "start_date",
    "Contract End Date": "end_date",
    "Expiry Date": "end_date",
    "End Date (excluding extensions)": "end_date",
    "Extension Options": "extension_terms",
    "Extension Available": "extension_terms",
    "Options to Extend": "extension_terms",
    "Max End Date (inc extensions)": "max_end_date",
    "Final End Date": "max_end_date",
    "Contract Value": "value_total",
    "Total Contract Value": "value_total",
    "Estimated Value": "value_total",
    "Framework": "procurement_route",
    "Procurement Route/Method": "procurement_route",
    "Category": "category_label",
    "Service Area": "category_label",
    "Contract Owner": "contact",
    "Contract Manager": "contact",
    "Lead Officer": "contact",
    "Email": "contact",
    "CPV Code(s)": "cpv_codes",
    "Company Number": "supplier_company_number",
    "Companies House Number": "supplier_company_number",
    "Supplier Address": "supplier_address",
    "SME (Y/N)": "supplier_is_sme",
    "Status": "status",
    "Collaborative opportunity": "collaboration_interest",
    "Open to collaboration": "collaboration_interest",
    "Comments": "notes",
    "Notes": "notes",
    "Duration": "contract_duration",
    "Contract/PO": "record_type",
    "Workstream": "workstream",
}


@pytest.mark.parametrize(("heading", "field"), sorted(LGA_AND_SCOTTISH.items()))
def test_known_heading_is_a_synonym(heading: str, field: str) -> None:
    assert map_headings([heading]) == [ColumnMapping(heading, field, "synonym")]


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Anticipated End Date", "end_date"),
        ("Date of Expiry", "end_date"),
        ("Expiry date (excluding extension)", "end_date"),
        ("Extension End Date", "max_end_date"),
        ("Contract End Date (Including Extensions)", "max_end_date"),
        ("Latest Possible Expiry Date", "max_end_date"),
        ("Original Contract Start Date", "start_date"),
        ("Date Contract Let", None),
        ("Award Notice Date", "award_date"),
        ("Supplier Company Reg. No.", "supplier_company_number"),
        ("Contract Type (Contract/PO)", "record_type"),
        ("Service Manager", "contact"),
        ("Officer E-mail", "contact"),
        ("Buyer Telephone", "contact"),
        ("Value p.a.", "value_annual"),
        ("Estimated Yearly Cost £", "value_annual"),
        ("Whole life cost", "value_total"),
        ("Contract Sum (£)", "value_total"),
        ("Contract Length (years)", "contract_duration"),
        ("Number of Extensions Remaining", "extension_terms"),
        ("Main CPV", "cpv_codes"),
        ("Name of Successful Supplier", "supplier_name"),
        ("Our Contract No.", "reference"),
        ("Contract Name/Title", "title"),
        ("Brief Summary of Services", "description"),
        ("Buyer Organisation", "council_name"),
        ("Joint working?", "collaboration_interest"),
        ("Route to market used", "procurement_route"),
        ("Service Directorate", "category_label"),
        ("Live/Expired Status", "status"),
        ("Officer Comments", "notes"),  # comments about the contract, not a person
        ("Additional Remarks", "notes"),
        ("SME Supplier?", "supplier_is_sme"),
        ("Supplier Postcode", "supplier_address"),
        ("Value Currency", None),
        ("Lot", None),
    ],
)
def test_token_patterns(heading: str, field: str | None) -> None:
    [m] = map_headings([heading])
    assert m.field == field
    assert m.how == ("pattern" if field else "extra")


@pytest.mark.parametrize(
    "heading", ["Review Date", "VAT not recoverable", "Irrecoverable VAT", "Published Date"]
)
def test_known_non_fields_stay_extra(heading: str) -> None:
    assert map_headings([heading]) == [ColumnMapping(heading, None, "extra")]


def test_unmapped_headings_come_back_as_extra() -> None:
    headings = ["Ref", "Wibble", "", "Unnamed: 3", "Colour of folder"]
    assert map_headings(headings) == [
        ColumnMapping("Ref", "reference", "synonym"),
        ColumnMapping("Wibble", None, "extra"),
        ColumnMapping("", None, "extra"),
        ColumnMapping("Unnamed: 3", None, "extra"),
        ColumnMapping("Colour of folder", None, "extra"),
    ]


# --------------------------------------------------------------------------- precedence


def test_one_field_one_column_leftmost_synonym_wins() -> None:
    got = map_headings(["Contract Value", "Total Contract Value", "Title"])
    assert got == [
        ColumnMapping("Contract Value", "value_total", "synonym"),
        ColumnMapping("Total Contract Value", None, "extra"),
        ColumnMapping("Title", "title", "synonym"),
    ]


def test_synonym_beats_pattern_even_to_its_right() -> None:
    got = map_headings(["Anticipated End Date", "Expiry Date"])
    assert got == [
        ColumnMapping("Anticipated End Date", None, "extra"),
        ColumnMapping("Expiry Date", "end_date", "synonym"),
    ]


def test_leftmost_pattern_wins_among_patterns() -> None:
    got = map_headings(["Whole life cost", "Contract Sum"])
    assert got == [
        ColumnMapping("Whole life cost", "value_total", "pattern"),
        ColumnMapping("Contract Sum", None, "extra"),
    ]


def test_primary_ocds_synonym_beats_fallback_to_its_left() -> None:
    headings = [
        "releases/0/title",
        "releases/0/tender/value/amount",
        "releases/0/tender/title",
        "releases/0/awards/0/value/amount",
    ]
    assert [m.field for m in map_headings(headings)] == [None, None, "title", "value_total"]
    # without the primary column the fallback is used
    assert map_headings(["releases/0/tender/value/amount"]) == [
        ColumnMapping("releases/0/tender/value/amount", "value_total", "synonym")
    ]


def test_contact_may_take_several_columns() -> None:
    got = map_headings(["Contract Manager", "Email", "Telephone", "Lead Officer"])
    assert [m.field for m in got] == ["contact"] * 4


def test_saved_mapping_overrides_everything() -> None:
    headings = ["Contract Value", "Our Estimate", "Expiry Date", "Dept Code", "Comments"]
    saved = {
        "Our Estimate": "value_total",  # as written
        "expiry date": "max_end_date",  # normalised key
        "COMMENTS": "extra",  # normalised -> keep unmapped
    }
    got = map_headings(headings, saved)
    assert got == [
        ColumnMapping("Contract Value", None, "extra"),  # lost value_total to the saved column
        ColumnMapping("Our Estimate", "value_total", "saved"),
        ColumnMapping("Expiry Date", "max_end_date", "saved"),
        ColumnMapping("Dept Code", None, "extra"),
        ColumnMapping("Comments", None, "saved"),
    ]


def test_saved_empty_string_keeps_column_unmapped() -> None:
    assert map_headings(["Ref"], {"Ref": ""}) == [ColumnMapping("Ref", None, "saved")]


def test_two_saved_columns_for_one_field_leftmost_wins() -> None:
    got = map_headings(["A", "B"], {"A": "title", "B": "title"})
    assert got == [ColumnMapping("A", "title", "saved"), ColumnMapping("B", None, "extra")]


def test_saved_mapping_to_unknown_field_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown field"):
        map_headings(["A"], {"A": "colour"})


def test_duplicate_headings_leftmost_wins() -> None:
    got = map_headings(["Supplier", "Supplier"])
    assert got == [
        ColumnMapping("Supplier", "supplier_name", "synonym"),
        ColumnMapping("Supplier", None, "extra"),
    ]


def test_deterministic() -> None:
    headings = _headings("contracts_finder_daily_csv_export_2020-08-05_flattened_ocds.csv")
    assert map_headings(headings) == map_headings(list(headings))
    assert map_headings(headings, {}) == map_headings(headings, None)
