"""Contract classification against the real waste, fleet and digital category files."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procurehub.ingest.classify import (
    UNCLASSIFIED,
    CategoryRule,
    Classification,
    Classifier,
    normalise_label,
    rules_from_specs,
)
from procurehub.plugins import categories_from_csv

REPO = Path(__file__).resolve().parents[2]
PLUGINS = ("waste", "fleet", "digital")


def _rules() -> list[CategoryRule]:
    return rules_from_specs(
        (plugin, spec)
        for plugin in PLUGINS
        for spec in categories_from_csv(REPO / "plugins" / plugin / "categories.csv")
    )


RULES = _rules()
KEYS = {rule.key for rule in RULES}


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(RULES)


# --- rules_from_specs / normalise_label ---------------------------------------------------------


def test_rules_from_specs_prefixes_keys_and_flags_catch_alls() -> None:
    assert "waste.residual_treatment" in KEYS
    assert "fleet.rcv" in KEYS
    assert "digital.housing_management_system" in KEYS
    assert {rule.key for rule in RULES if rule.catch_all} == {
        "waste.other",
        "fleet.other_vehicles",
        "fleet.other",
        "digital.other_software",
    }
    assert [rule.key.split(".")[0] for rule in RULES][0] == "waste"
    residual = next(rule for rule in RULES if rule.key == "waste.residual_treatment")
    assert "90513100" in residual.cpv_codes
    assert "energy from waste" in residual.keywords


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Waste & Recycling", "waste and recycling"),
        ("  WASTE   and Recycling. ", "waste and recycling"),
        ("Fleet - Vans", "fleet vans"),
        ("Children's Services", "childrens services"),
        ("fleet_management_system", "fleet management system"),
        ("Housing IT (ICT)", "housing it ict"),
        ("", ""),
        ("---", ""),
    ],
)
def test_normalise_label(raw: str, expected: str) -> None:
    assert normalise_label(raw) == expected


def test_duplicate_keys_are_rejected() -> None:
    with pytest.raises(ValueError, match="waste.bulky"):
        Classifier([*RULES, CategoryRule("waste.bulky", "Bulky again", (), ())])


# --- keywords in the title ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Residual Waste Treatment – Energy from Waste Facility", "waste.residual_treatment"),
        ("Supply of Refuse Collection Vehicles", "fleet.rcv"),
        ("Kerbside recycling collection", "waste.collection"),
        ("Bulky uplift service", "waste.bulky"),
        ("Electric Vans (Lot 2)", "fleet.vans_lt_3_5t"),
        ("Housing Management System", "digital.housing_management_system"),
        ("Provision of Street Sweeping Services", "waste.street_cleansing"),
        ("Supply & Delivery of Wheeled Bins", "waste.containers"),
        ("Collection and Disposal of Clinical Waste", "waste.clinical"),
        ("Asbestos Removal - Council Buildings", "waste.hazardous"),
        ("Anaerobic Digestion of Food Waste", "waste.food"),
        ("Food waste treatment", "waste.food"),
        ("Garden Waste Composting Contract 2021-2025", "waste.garden"),
        ("Haulage of Waste to Transfer Station", "waste.haulage"),
        ("Dry Mixed Recycling (DMR) Processing", "waste.recycling_dmr"),
        ("Contract Hire of Pool Cars", "fleet.leasing"),
        ("Tyres - Supply and Fitting", "fleet.maintenance"),
        ("Purchase of 26 tonne Tipper", "fleet.heavy"),
        ("Tranman support and maintenance", "fleet.fleet_management_system"),
    ],
)
def test_title_keywords(classifier: Classifier, title: str, expected: str) -> None:
    assert classifier.classify(title=title) == Classification(expected, "keywords")


def test_longer_phrase_beats_its_prefix(classifier: Classifier) -> None:
    # "refuse collection vehicle" (fleet.rcv) is more specific than "refuse collection".
    assert classifier.classify(title="Refuse collection vehicle").category == "fleet.rcv"
    assert classifier.classify(title="Refuse collection").category == "waste.collection"


@pytest.mark.parametrize(
    "title",
    [
        "Advantage card scheme",  # "van" inside "advantage", "car" inside "card"
        "Care at home framework",  # "car" inside "care"
        "Portable cabins hire",  # "bins" inside "cabins"
        "Carpet replacement - sheltered housing",
        "Scaffolding Services",
        "Caravan site management",  # "van" and "car" inside "caravan"
    ],
)
def test_keywords_match_on_word_boundaries_only(classifier: Classifier, title: str) -> None:
    assert classifier.classify(title=title) == Classification(UNCLASSIFIED, "none")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Supply of panel vans", "fleet.vans_lt_3_5t"),  # listed plural
        ("Gritters - Lot 3", "fleet.specialist"),  # gritter + s
        ("Supply of minibuses", "fleet.specialist"),  # minibus + es
        ("Bin lorries (2 No.)", "fleet.rcv"),  # bin lorry -> lorries
        ("Mattresses recycling", "waste.bulky"),  # mattress + es
        ("Wheelie Bins", "waste.containers"),
        ("Light Commercial Vehicles", "fleet.vans_lt_3_5t"),
        ("Electric Cars", "fleet.cars"),
    ],
)
def test_plurals(classifier: Classifier, title: str, expected: str) -> None:
    assert classifier.classify(title=title) == Classification(expected, "keywords")


def test_description_used_when_title_says_nothing(classifier: Classifier) -> None:
    result = classifier.classify(title="Lot 4", description="Supply of electric vans")
    assert result == Classification("fleet.vans_lt_3_5t", "keywords")
    result = classifier.classify(
        title="Framework Agreement", description="Collection and disposal of clinical waste"
    )
    assert result == Classification("waste.clinical", "keywords")


def test_title_match_beats_description_match(classifier: Classifier) -> None:
    result = classifier.classify(
        title="Kerbside collection service",
        description="Includes provision of refuse collection vehicles and crews",
    )
    assert result == Classification("waste.collection", "keywords")


def test_catch_all_only_when_nothing_specific(classifier: Classifier) -> None:
    assert classifier.classify(title="General waste services") == Classification(
        "waste.other", "keywords"
    )
    # A specific category in the description beats a catch-all in the title.
    result = classifier.classify(
        title="Waste management services", description="Uplift of bulky waste from households"
    )
    assert result == Classification("waste.bulky", "keywords")
    assert classifier.classify(title="Software licence renewal").category == (
        "digital.other_software"
    )


def test_ties_go_to_rule_order() -> None:
    # "fleet management system" is a keyword of both fleet's and digital's category.
    forward = Classifier(RULES).classify(title="Fleet management system")
    backward = Classifier(list(reversed(RULES))).classify(title="Fleet management system")
    assert forward.category == "fleet.fleet_management_system"
    assert backward.category == "digital.fleet_management_system"


# --- CPV ----------------------------------------------------------------------------------------


def test_cpv_specific_code(classifier: Classifier) -> None:
    assert classifier.classify(cpv_codes=["90513100"]) == Classification(
        "waste.residual_treatment", "cpv"
    )
    # check digit, a single string, a number that lost nothing
    assert classifier.classify(cpv_codes=["90513100-7"]).category == "waste.residual_treatment"
    assert classifier.classify(cpv_codes="90513100").category == "waste.residual_treatment"
    assert classifier.classify(cpv_codes=(34144511,)).category == "fleet.rcv"


def test_cpv_hierarchy_and_most_specific_code_wins(classifier: Classifier) -> None:
    # 90511300 (litter collection) is under 90511000 (refuse collection).
    assert classifier.classify(cpv_codes=["90511300"]).category == "waste.collection"
    for codes in (["90500000", "90513100"], ["90513100", "90500000"]):
        assert classifier.classify(cpv_codes=codes) == Classification(
            "waste.residual_treatment", "cpv"
        )
    for codes in (["34100000", "34144511"], ["34144511", "34100000"]):
        assert classifier.classify(cpv_codes=codes).category == "fleet.rcv"
    # 34144000 special-purpose vehicles (specialist) beats 34100000 motor vehicles.
    assert classifier.classify(cpv_codes=["34144200"]).category == "fleet.specialist"


def test_specific_cpv_beats_keywords(classifier: Classifier) -> None:
    result = classifier.classify(cpv_codes=["34144511"], title="Supply of vehicles (Lot 1)")
    assert result == Classification("fleet.rcv", "cpv")
    result = classifier.classify(cpv_codes=["90513000"], title="Waste collection and disposal")
    assert result == Classification("waste.residual_treatment", "cpv")


def test_catch_all_cpv_is_overridden_by_specific_words(classifier: Classifier) -> None:
    result = classifier.classify(cpv_codes=["90500000"], title="Food waste treatment")
    assert result == Classification("waste.food", "cpv")
    result = classifier.classify(cpv_codes=["90500000"], title="General waste services")
    assert result == Classification("waste.other", "cpv")
    result = classifier.classify(cpv_codes=["90500000"], title="Contract 2019/44")
    assert result == Classification("waste.other", "cpv")


def test_catch_all_software_cpv_with_fleet_system_title(classifier: Classifier) -> None:
    result = classifier.classify(
        cpv_codes=["48000000"], title="Tranman fleet management system support"
    )
    assert result.category in {"fleet.fleet_management_system", "digital.fleet_management_system"}
    assert result.how == "cpv"


def test_unknown_cpv_falls_through_to_keywords(classifier: Classifier) -> None:
    result = classifier.classify(cpv_codes=["79000000", "not a code"], title="Bulky uplift")
    assert result == Classification("waste.bulky", "keywords")
    assert classifier.classify(cpv_codes=["85000000"], title="Care at home") == Classification(
        UNCLASSIFIED, "none"
    )


# --- saved label mapping, council label, explicit category ---------------------------------------


def test_saved_label_mapping() -> None:
    classifier = Classifier(RULES, {"housing it": "digital.housing_management_system"})
    result = classifier.classify(category_label="Housing IT", title="Annual support")
    assert result == Classification("digital.housing_management_system", "saved_label")
    # Raw (un-normalised) keys in the mapping work too, and the label is normalised.
    classifier = Classifier(RULES, {"Environmental Services - Uplifts": "waste.bulky"})
    result = classifier.classify(category_label="ENVIRONMENTAL SERVICES  UPLIFTS")
    assert result == Classification("waste.bulky", "saved_label")


def test_saved_label_mapping_beats_cpv_and_keywords() -> None:
    classifier = Classifier(RULES, {"waste uplifts": "waste.bulky"})
    result = classifier.classify(
        category_label="Waste Uplifts", cpv_codes=["90513100"], title="Energy from waste"
    )
    assert result == Classification("waste.bulky", "saved_label")


def test_saved_label_mapping_to_unclassified() -> None:
    classifier = Classifier(RULES, {"social care": "unclassified"})
    result = classifier.classify(
        category_label="Social Care", cpv_codes=["34144511"], title="Minibuses for day centres"
    )
    assert result == Classification(UNCLASSIFIED, "saved_label")


def test_saved_mapping_to_unknown_key_is_ignored() -> None:
    classifier = Classifier(RULES, {"parks": "grounds.mowing"})
    result = classifier.classify(category_label="Parks", title="Green waste composting")
    assert result == Classification("waste.garden", "keywords")


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Fleet - Vans", "fleet.vans_lt_3_5t"),
        ("Waste & Recycling Collection", "waste.collection"),  # a category label
        ("Waste Management", "waste.other"),  # catch-all keyword
    ],
)
def test_council_label(classifier: Classifier, label: str, expected: str) -> None:
    assert classifier.classify(category_label=label) == Classification(expected, "label")


def test_council_label_beats_title_but_not_when_only_catch_all(classifier: Classifier) -> None:
    result = classifier.classify(category_label="Fleet - Vans", title="Kerbside collection")
    assert result == Classification("fleet.vans_lt_3_5t", "label")
    result = classifier.classify(
        category_label="Waste Management", title="Kerbside recycling collection"
    )
    assert result == Classification("waste.collection", "keywords")
    assert classifier.classify(category_label="Housing IT").category == UNCLASSIFIED


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("waste.bulky", "waste.bulky"),
        ("Waste.Bulky", "waste.bulky"),
        ("Bulky waste", "waste.bulky"),  # label
        ("BULKY", "waste.bulky"),  # short key
        ("vans_lt_3_5t", "fleet.vans_lt_3_5t"),
        ("Refuse collection vehicles", "fleet.rcv"),
        ("digital.fleet_management_system", "digital.fleet_management_system"),
        ("Other waste services", "waste.other"),
    ],
)
def test_explicit_category(classifier: Classifier, category: str, expected: str) -> None:
    assert classifier.classify(category=category) == Classification(expected, "explicit")


def test_explicit_beats_everything() -> None:
    classifier = Classifier(RULES, {"waste": "waste.other"})
    result = classifier.classify(
        category="waste.bulky",
        category_label="Waste",
        cpv_codes=["90513100"],
        title="Energy from waste",
    )
    assert result == Classification("waste.bulky", "explicit")


def test_ambiguous_or_generic_category_is_not_explicit(classifier: Classifier) -> None:
    # Both fleet and digital have a "Fleet management system": not explicit.
    result = classifier.classify(category="Fleet management system")
    assert result.how != "explicit"
    assert result.category in {"fleet.fleet_management_system", "digital.fleet_management_system"}
    # "Other" in a council's category column does not mean waste.other.
    assert classifier.classify(category="Other") == Classification(UNCLASSIFIED, "none")


def test_unknown_category_is_used_as_council_label() -> None:
    classifier = Classifier(RULES, {"environmental services": "waste.other"})
    assert classifier.classify(category="Environmental Services") == Classification(
        "waste.other", "saved_label"
    )
    assert Classifier(RULES).classify(category="Fleet - Vans") == Classification(
        "fleet.vans_lt_3_5t", "label"
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"category": "", "category_label": "", "cpv_codes": [], "title": "", "description": ""},
        {"category": "  ", "category_label": None, "cpv_codes": None, "title": " \t"},
        {"category": "unclassified", "title": float("nan"), "cpv_codes": [float("nan")]},
    ],
)
def test_blank_everything_is_unclassified(classifier: Classifier, kwargs: dict) -> None:
    assert classifier.classify(**kwargs) == Classification(UNCLASSIFIED, "none")


# --- a council label that names a workstream (issue 8, item 6) --------------------------------


def _workstream_names() -> dict[str, tuple[str, ...]]:
    """The names the shipped plugins give their workstreams, as the importer passes them."""
    from plugins.digital import plugin as digital
    from plugins.fleet import plugin as fleet
    from plugins.waste import plugin as waste

    return {p.key: (p.title, *p.label_names) for p in (waste, fleet, digital)}


@pytest.fixture(scope="module")
def named() -> Classifier:
    return Classifier(RULES, None, _workstream_names())


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        # a category of the workstream in the label's own words
        ("Waste - Bulky Uplift", "waste.bulky"),
        ("Fleet: vehicle hire", "fleet.leasing"),
        ("Refuse collection", "waste.collection"),
        # a word only one category of the workstream uses
        ("Fleet - Tyre Supply", "fleet.maintenance"),
        ("Waste: Cleansing", "waste.street_cleansing"),
        ("Housing IT", "digital.housing_management_system"),
        # the workstream and nothing more specific: its general category
        ("Waste Management", "waste.other"),
        ("Waste - Skip hire", "waste.other"),
        ("WASTE", "waste.other"),
        ("Recycling", "waste.other"),
        ("Fleet: fuel cards", "fleet.other"),
        ("Fleet", "fleet.other"),
        ("Fleet Management", "fleet.other"),
        ("ICT / Digital", "digital.other_software"),
        ("ICT", "digital.other_software"),
        ("Information Technology", "digital.other_software"),
    ],
)
def test_a_label_naming_a_workstream_is_never_unclassified(
    named: Classifier, label: str, expected: str
) -> None:
    assert named.classify(category_label=label) == Classification(expected, "label")
    # the same from a "Category" column holding the council's own heading
    assert named.classify(category=label) == Classification(expected, "label")


def test_the_workstream_key_is_a_name_without_any_configuration(classifier: Classifier) -> None:
    assert classifier.classify(category_label="Waste - Skip hire") == Classification(
        "waste.other", "label"
    )
    assert classifier.classify(category_label="ICT / Digital") == Classification(
        "digital.other_software", "label"
    )
    # "ICT" alone is only a name when the plugin says so
    assert classifier.classify(category_label="ICT").category == UNCLASSIFIED


def test_the_named_workstream_wins_a_tie(named: Classifier) -> None:
    # both fleet and digital own "Fleet management system"; the label says digital
    result = named.classify(category_label="Digital - Fleet management system")
    assert result == Classification("digital.fleet_management_system", "label")
    result = named.classify(category_label="Digital", title="Tranman fleet management system")
    assert result == Classification("digital.fleet_management_system", "keywords")
    result = named.classify(category_label="Fleet", title="Tranman fleet management system")
    assert result == Classification("fleet.fleet_management_system", "keywords")


def test_the_named_workstream_wins_within_one_text(named: Classifier) -> None:
    result = named.classify(category_label="Waste", title="Kerbside collection and electric vans")
    assert result == Classification("waste.collection", "keywords")


def test_specific_words_of_another_workstream_still_win(named: Classifier) -> None:
    # A waste department buying refuse collection vehicles: the title says what they are.
    result = named.classify(category_label="Waste", title="Refuse collection vehicles")
    assert result == Classification("fleet.rcv", "keywords")
    result = named.classify(category_label="Waste", cpv_codes=["34144511"])
    assert result == Classification("fleet.rcv", "cpv")


def test_a_catch_all_of_the_named_workstream_is_used(named: Classifier) -> None:
    result = named.classify(category_label="Fleet", title="Purchase of motor vehicles")
    assert result == Classification("fleet.other_vehicles", "keywords")
    result = named.classify(category_label="Fleet", cpv_codes=["34100000"], title="Lot 3")
    assert result == Classification("fleet.other_vehicles", "cpv")


def test_catch_alls_of_another_workstream_give_way_to_the_label(named: Classifier) -> None:
    result = named.classify(category_label="Waste", title="Software licence renewal")
    assert result == Classification("waste.other", "label")
    result = named.classify(category_label="Waste", cpv_codes=["48000000"], title="Lot 1")
    assert result == Classification("waste.other", "label")


@pytest.mark.parametrize(
    "label",
    [
        "Waste & Fleet",  # two workstreams: neither
        "Environmental Services",
        "Social Care",
        "Wasteland remediation",  # not the word "waste"
        "Digitalisation",
    ],
)
def test_labels_that_name_no_single_workstream_change_nothing(
    named: Classifier, label: str
) -> None:
    assert named.classify(category_label=label) == Classification(UNCLASSIFIED, "none")


def test_a_saved_label_still_wins_over_the_workstream_name() -> None:
    classifier = Classifier(RULES, {"fleet social care": "unclassified"}, _workstream_names())
    assert classifier.classify(category_label="Fleet - Social Care") == Classification(
        UNCLASSIFIED, "saved_label"
    )


def test_a_name_two_workstreams_claim_names_neither() -> None:
    classifier = Classifier(RULES, None, {"waste": ("services",), "fleet": ("services",)})
    assert classifier.classify(category_label="Services") == Classification(UNCLASSIFIED, "none")


# --- memoisation --------------------------------------------------------------------------------


def test_memoised_results_match_fresh_results() -> None:
    """Sanity check of the 100,000-row path (not timed): cached answers equal fresh ones."""
    words = ["Supply of", "Kerbside", "Electric", "Bulky", "Housing", "Care", "Fleet"]
    nouns = ["vans", "collection", "uplift", "management system", "at home", "maintenance"]
    rng = random.Random(20240501)
    titles = [f"{rng.choice(words)} {rng.choice(nouns)} lot {i}" for i in range(2000)]
    cpvs = [(), ("90500000",), ("48000000-8",), ["34144511"]]
    classifier = Classifier(RULES)
    rows = [(rng.choice(titles), rng.choice(cpvs)) for _ in range(100_000)]
    results = [classifier.classify(title=title, cpv_codes=cpv) for title, cpv in rows]
    fresh = Classifier(RULES)
    for (title, cpv), result in zip(rows[:500], results[:500], strict=True):
        assert fresh.classify(title=title, cpv_codes=list(cpv)) == result
    assert {r.category for r in results} <= KEYS | {UNCLASSIFIED}
    assert sum(r.category == "fleet.rcv" for r in results) > 0


def test_unhashable_cell_values_do_not_break_the_cache(classifier: Classifier) -> None:
    result = classifier.classify(cpv_codes=[["90513100"]], title="Bulky uplift")  # type: ignore[list-item]
    assert result.category in KEYS | {UNCLASSIFIED}


# --- property -----------------------------------------------------------------------------------

_cpv_like = st.one_of(
    st.text(max_size=20),
    st.from_regex(r"\A[0-9]{8}(-[0-9])?\Z"),
    st.sampled_from(["90500000", "90513100", "48000000", "34144511", "3414451"]),
)
_maybe_text = st.one_of(st.none(), st.text(max_size=60))
_PROPERTY_CLASSIFIER = Classifier(RULES, {"social care": "unclassified", "uplifts": "waste.bulky"})
_NAMED_PROPERTY_CLASSIFIER = Classifier(RULES, None, _workstream_names())


@settings(max_examples=300, deadline=None)
@given(
    category=_maybe_text,
    category_label=_maybe_text,
    cpv_codes=st.lists(_cpv_like, max_size=4),
    title=_maybe_text,
    description=_maybe_text,
)
def test_classify_never_raises_and_returns_known_key(
    category: str | None,
    category_label: str | None,
    cpv_codes: list[str],
    title: str | None,
    description: str | None,
) -> None:
    classifier = _PROPERTY_CLASSIFIER
    result = classifier.classify(
        category=category,
        category_label=category_label,
        cpv_codes=cpv_codes,
        title=title,
        description=description,
    )
    assert result.category in KEYS | {UNCLASSIFIED}
    assert result.how in {"explicit", "saved_label", "cpv", "label", "keywords", "none"}
    if result.how == "none":
        assert result.category == UNCLASSIFIED
    if result.category == UNCLASSIFIED:
        assert result.how in {"none", "saved_label"}


_LABEL_WORDS = ["skip", "hire", "lot", "2", "supply", "of", "bulky", "tyre", "housing", "misc"]
_LABEL_WORDS += ["uplift", "parts", "&", "-", ":", "cards", "services", "vans", "licence"]


@settings(max_examples=300, deadline=None)
@given(
    workstream=st.sampled_from(["Waste", "Fleet", "Digital", "ICT", "Refuse", "Vehicles", "IT"]),
    words=st.lists(st.sampled_from(_LABEL_WORDS), max_size=5),
    title=st.one_of(st.none(), st.lists(st.sampled_from(_LABEL_WORDS), max_size=5).map(" ".join)),
    cpv_codes=st.lists(st.sampled_from(["90500000", "48000000", "34100000", "79000000"]), max_size=2),
)
def test_a_label_naming_one_workstream_is_never_unclassified(
    workstream: str, words: list[str], title: str | None, cpv_codes: list[str]
) -> None:
    label = " ".join([workstream, *words])
    result = _NAMED_PROPERTY_CLASSIFIER.classify(
        category_label=label, title=title, cpv_codes=cpv_codes
    )
    assert result.category in KEYS
    assert result.how in {"label", "keywords", "cpv"}
