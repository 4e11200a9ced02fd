"""Which hub council a row's buyer is (DESIGN §6, issue 8 item 3): by identifier or by name,
never by a guess."""

import pytest

from procurehub.ingest.buyers import (
    Buyer,
    BuyerColumns,
    CouncilMatcher,
    normalise_council_name,
    route_row,
)
from procurehub.ingest.ocds import iter_ocds_rows
from procurehub.ingest.synonyms import ColumnMapping, map_headings

HUB = CouncilMatcher(
    [
        ("S12000050", "North Lanarkshire Council"),
        ("S12000006", "Dumfries and Galloway Council"),
        ("S12000036", "City of Edinburgh Council"),
        ("S12000047", "Fife Council"),
        ("NLCX", "Test Borough"),
    ]
)


@pytest.mark.parametrize(
    "written",
    [
        "Dumfries and Galloway Council",
        "Dumfries & Galloway Council",
        "DUMFRIES AND GALLOWAY",
        "dumfries-and-galloway council.",
        "The Dumfries and Galloway Council",
    ],
)
def test_names_match_whatever_the_case_punctuation_council_the_and_ampersand(written):
    assert HUB.by_name(written) == "S12000006"


@pytest.mark.parametrize(
    "written", ["Fife College", "Fife Housing Group", "NHS Fife", "Dumfries", "Council", ""]
)
def test_other_bodies_and_parts_of_names_match_no_council(written):
    assert HUB.by_name(written) is None


def test_the_city_of_edinburgh_council_is_the_hubs_city_of_edinburgh_council():
    assert normalise_council_name("The City of Edinburgh Council") == "city of edinburgh"
    assert HUB.by_name("The City of Edinburgh Council") == "S12000036"


@pytest.mark.parametrize(
    "identifier,code",
    [
        ("S12000050", "S12000050"),
        ("GB-GSS-S12000050", "S12000050"),
        ("gb-gss-s12000050", "S12000050"),
        ("https://statistics.gov.scot/id/statistical-geography/S12000006", "S12000006"),
        ("nlcx", "NLCX"),  # a council's own short code, as a whole identifier
        ("ocds-abc123-council-NLCX", "NLCX"),  # ProcureHub's export without a GSS code
        ("S120000501", None),  # nine digits: not a GSS code
        ("GB-CFS-18525", None),
        ("org-6", None),
        ("XNLCX", None),
    ],
)
def test_identifiers_match_by_gss_code_or_the_councils_code(identifier, code):
    assert HUB.by_identifier(identifier) == code


def test_an_identifier_outranks_the_name():
    buyer = Buyer("Fife Council", ("GB-GSS-S12000050",))
    assert HUB.council_of(buyer) == "S12000050"


def test_a_name_two_hub_councils_share_identifies_neither():
    hub = CouncilMatcher([("A1", "Anytown Council"), ("A2", "Anytown")])
    assert hub.by_name("Anytown Council") is None
    assert hub.by_identifier("A2") == "A2"


def test_uploaders_own_rows_and_rows_without_buyer_are_its_own():
    assert route_row(None, HUB, uploader="S12000050", all_buyers=False).council_code == "S12000050"
    own = Buyer("North Lanarkshire", ())
    assert route_row(own, HUB, uploader="S12000050", all_buyers=False).council_code == "S12000050"
    joint = Buyer("Scotland Excel", (), ("Fife Council", "North Lanarkshire Council"))
    assert route_row(joint, HUB, uploader="S12000050", all_buyers=False).council_code == (
        "S12000050"
    )


def test_another_councils_row_is_refused_naming_the_buyer():
    route = route_row(
        Buyer("Dumfries and Galloway Council"), HUB, uploader="S12000050", all_buyers=False
    )
    assert route.council_code is None and route.refused
    assert route.message == (
        "Buyer is Dumfries and Galloway Council, not North Lanarkshire Council: import it as "
        "that council, or ask a coordinator to import the public file"
    )


def test_a_buyer_that_is_no_council_is_refused_too():
    route = route_row(Buyer("NHS Lothian"), HUB, uploader="S12000050", all_buyers=False)
    assert route.refused and route.message.startswith(
        "Buyer is NHS Lothian, not North Lanarkshire Council"
    )
    by_id_only = route_row(Buyer(None, ("GB-CFS-1",)), HUB, uploader="S12000050", all_buyers=False)
    assert by_id_only.refused and "Buyer is GB-CFS-1" in by_id_only.message


def test_all_buyers_files_each_row_under_its_council_and_reports_the_rest():
    dg = route_row(Buyer("Dumfries & Galloway"), HUB, uploader=None, all_buyers=True)
    assert dg.council_code == "S12000006" and dg.message is None
    nhs = route_row(Buyer("NHS Lothian"), HUB, uploader=None, all_buyers=True)
    assert nhs.council_code is None and not nhs.refused and "NHS Lothian" in nhs.message
    joint = Buyer("Scotland Excel", (), ("Fife Council",))
    assert route_row(joint, HUB, uploader=None, all_buyers=True).council_code == "S12000047"
    nameless = route_row(None, HUB, uploader=None, all_buyers=True)
    assert nameless.council_code is None and nameless.refused
    assert route_row(None, HUB, uploader="S12000047", all_buyers=True).council_code == "S12000047"


def test_buyer_columns_come_from_the_mapping_and_empty_cells_name_no_buyer():
    mapping = map_headings(["Ref", "Title", "Buyer Name", "Buyer ID"])
    columns = BuyerColumns.from_mapping(mapping)
    assert columns is not None
    assert columns.read(["R1", "Bins", "Fife Council", "GB-GSS-S12000047"]) == Buyer(
        "Fife Council", ("GB-GSS-S12000047",)
    )
    assert columns.read(["R1", "Bins", None, "  "]) is None
    assert BuyerColumns.from_mapping(map_headings(["Ref", "Title", "End date"])) is None
    kept_as_extra = [ColumnMapping("Buyer Name", None, "saved")]
    assert BuyerColumns.from_mapping(kept_as_extra) is None


def test_ocds_rows_name_the_lead_buyer_its_identifiers_and_joint_buyers():
    release = {
        "ocid": "ocds-x-1",
        "tender": {"title": "Residual waste"},
        "buyer": {"id": "GB-GSS-S12000006", "name": "Dumfries and Galloway Council"},
        "parties": [
            {
                "id": "GB-GSS-S12000006",
                "name": "Dumfries and Galloway Council",
                "identifier": {"scheme": "GB-GSS", "id": "S12000006"},
                "roles": ["buyer"],
            },
            {"id": "org-2", "name": "East Ayrshire Council", "roles": ["buyer"]},
            {"id": "org-3", "name": "Green Ltd", "roles": ["supplier"]},
        ],
    }
    [row] = iter_ocds_rows({"releases": [release]})
    assert row["council_name"] == "Dumfries and Galloway Council"
    assert row["buyer_id"] == "GB-GSS-S12000006"  # party id and scheme-id, once
    assert row["joint_buyers"] == "East Ayrshire Council"
    no_buyer_field = {**release, "buyer": None, "parties": release["parties"][1:]}
    [row] = iter_ocds_rows({"releases": [no_buyer_field]})
    assert (row["council_name"], row["buyer_id"], row["joint_buyers"]) == (
        "East Ayrshire Council",
        "org-2",
        None,
    )
