"""Tests for procurehub.ingest.extension_terms: ``2+1+1``, ``2 x 12 months`` and sentences."""

from __future__ import annotations

import math
from datetime import date

import pytest
from cells import any_cell, check_result, quoted, third_party_imports
from hypothesis import given, settings
from hypothesis import strategies as st

from procurehub.ingest import extension_terms as E
from procurehub.ingest.extension_terms import initial_term_months, parse_extension_terms
from procurehub.ingest.text import Parsed, quote


def test_module_imports_only_the_standard_library():
    assert third_party_imports(E.__file__) == set()


# --------------------------------------------------------------------------------------------
# parse_extension_terms / initial_term_months
# --------------------------------------------------------------------------------------------

EXTENSION_CASES = [
    ("2+1+1", [12, 12]),
    ("3+2", [24]),
    ("2 + 1 + 1 years", [12, 12]),
    ("2+1+1 yrs", [12, 12]),
    ("3 years + 1 year + 1 year", [12, 12]),
    ("24+12 months", [12]),
    ("+1+1", [12, 12]),
    ("Up to 24 months", [24]),
    ("Option to extend for up to 2 years", [24]),
    ("2 x 12 months", [12, 12]),
    ("2 x 1 year", [12, 12]),
    ("2x12 mths", [12, 12]),
    ("1 x 12 months", [12]),
    ("2 separate one year extension options", [12, 12]),
    ("two (2) periods of twelve (12) months", [12, 12]),
    ("Two further periods of 12 months each", [12, 12]),
    ("24 months Extensions", [24]),
    ("12 months", [12]),
    ("1 year", [12]),
    ("18 mths", [18]),
    ("1.5 years", [18]),
    ("a further year", [12]),
    ("twenty-four months", [24]),
    ("6 months + 6 months", [6, 6]),
    ("6 months and 6 months", [6, 6]),
    ("12 months x 2", [12, 12]),
    ("three x 1 yr", [12, 12, 12]),
    ("0 months", []),
    ("None", []),
    ("none", []),
    ("No", []),
    ("N/A", []),
    ("n/a", []),
    ("nil", []),
    ("0", []),
    (0, []),
    (0.0, []),
    ("no extension", []),
    ("No extensions available", []),
    ("", []),
    ("   ", []),
    (None, []),
    (math.nan, []),
]


@pytest.mark.parametrize("raw, expected", EXTENSION_CASES)
def test_parse_extension_terms(raw, expected):
    assert parse_extension_terms(raw) == Parsed(expected, None)


@pytest.mark.parametrize(
    "raw",
    [
        "Yes",
        "extension subject to performance",
        "2",
        "12 or 24 months",
        "annual extensions",
        "2++1",
        "11 x 12 months",
        "9999 years",
        "TBC",
        "see notes",
        "No - 2 years used",
    ],
)
def test_parse_extension_terms_not_understood(raw):
    result = parse_extension_terms(raw)
    assert result.value == []
    assert result.problem == (
        f"could not understand extension terms {quoted(raw)}; "
        "kept as written, treated as no extension"
    )


@pytest.mark.parametrize("raw", [2, 12.0, True, date(2020, 1, 1)])
def test_parse_extension_terms_non_text_without_unit_is_a_problem(raw):
    result = parse_extension_terms(raw)
    assert result.value == [] and "could not understand extension terms" in result.problem


def test_parse_extension_terms_returns_fresh_lists():
    a = parse_extension_terms("2+1+1").value
    a.append(99)
    assert parse_extension_terms("2+1+1").value == [12, 12]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2+1+1", 24),
        ("3+2", 36),
        ("2 + 1 + 1 years", 24),
        ("24+12 months", 24),
        ("3 years + 1 year + 1 year", 36),
        ("+1+1", None),
        ("6 months + 6 months", None),
        ("Up to 24 months", None),
        ("2 x 12 months", None),
        ("None", None),
        ("rubbish", None),
        (None, None),
        (3, None),
    ],
)
def test_initial_term_months(raw, expected):
    assert initial_term_months(raw) == expected


@given(
    st.integers(min_value=1, max_value=10),
    st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=4),
)
def test_plus_form_round_trips(initial, extensions):
    text = "+".join(str(n) for n in [initial, *extensions])
    assert parse_extension_terms(text) == Parsed([12 * n for n in extensions], None)
    assert initial_term_months(text) == 12 * initial


# The 76 distinct renewal texts in the Public Contracts Scotland OCDS sample, with the
# periods a procurement officer reads from them (None: not understood, reported as a problem).
REAL_EXTENSION_TEXTS = [
    ("Expected renewal at end of contract period", None),
    ("None", []),
    ("Lot may be extended on an annual basis for up to a further 2 years.", [12, 12]),
    ("Lot may be extended on an annual basis for up to a further 2 years", [12, 12]),
    (
        "The DPS will remain live for a minimum of 4 years but may be extended further. Note: Scotland Excel reserves the right to extend further if deemed appropriate to do so subject to the Public Contract (Scotland) Regulation 2015.",
        None,
    ),
    (
        "The Framework will be for a maximum period of 48 months. The initial period of the Framework will be for 24 months from the starting date with an option to extend for up to a further 24 months subject to satisfactory operation and performance. Any periods of extension will be at the sole discretion of the Council.",
        [24],
    ),
    ("August 2023", None),
    ("Subject to annual renewals in 2024 and 2025.", [12, 12]),
    (
        "The contract may be extended for a further six months at the discretion of Dumfries and Galloway Council.",
        [6],
    ),
    (
        "The Contract may be extended for up to 1 year until August 2023 at the option of Argyll and Bute Council, subject to satisfactory performance of the contract and product discussions with the successful Tenderer(s).",
        [12],
    ),
    ("2 x 12 month extensions", [12, 12]),
    ("Option to extend for one (1) year.", [12]),
    ("2 separate one year extension options", [12, 12]),
    ("2 one-year extension options", [12, 12]),
    (
        "12 month plus 12 month extension possible at the discretion of the client based on performance",
        [12, 12],
    ),
    (
        "Optional 7 x 12 month extensions for recurring annual costs associated with licensing, support and maintenance. Maximum total contract length of 10 years.",
        [12, 12, 12, 12, 12, 12, 12],
    ),
    (
        "The framework will run for an initial 36 month period, with the option to extend for up to an additional 12 month period.",
        [12],
    ),
    ("Two 48 month extensions at the sole discretion of the Council.", [48, 48]),
    ("Option to extend by one (1) year.", [12]),
    (
        "SLC option to extend by a further 12 months subject to satisfactory performance, financial standing and availability of funding",
        [12],
    ),
    ("An optional 12 month extension will be included as part of this contract.", [12]),
    ("24 months Extensions", [24]),
    ("24 months", [24]),
    ("Option to extend the contract for up to 24 months in 2 x 12 month intervals", [12, 12]),
    ("Option to extend for up to 24 months in 2 x 12 month intervals", [12, 12]),
    ("A further 1 + 1 years", [12, 12]),
    ("further 12 month extension option", [12]),
    (
        "The Framework Agreement will run for an initial period of 36 months and may be extended for a further 12\nmonth period, after which it will be re-tendered.",
        [12],
    ),
    ("2 x Extensions of up to 12 months each", [12, 12]),
    ("Two one year extensions", [12, 12]),
    ("An extension of one year plus one year (a total of two years) is available", [12, 12]),
    ("12 month option.", [12]),
    (
        "The initial period will be for 36 months, with an option to extend for up to a further 12 months until 30 June 2023. Any extension will be at the sole discretion of Renfrewshire Council.",
        [12],
    ),
    ("1 x 12 month extension, subject to available funding", [12]),
    (
        "This contract will be renewed upon expiry subject to Dumfries and Galloway Councils business needs.",
        None,
    ),
    ("The Council will renew this framework on expiry subject to business needs.", None),
    ("The Council will renew subject to business needs.", None),
    ("Contract on 3+1+1 basis", [12, 12]),
    ("Contract on 3+1+1 basis.", [12, 12]),
    (
        "(24 + 12 + 12 months periods) 24 months initial duration with two additional 12 months period extension options at the discretion of the Authority.",
        [12, 12],
    ),
    ("Option to extend the contract by a variable period not exceeding 24 months.", [24]),
    ("3 years with the option to extend for further 2 years (1 year plus 1 year)", [12, 12]),
    ("2 x 1 year extensions.", [12, 12]),
    ("Opportunity to extend contract for a further 12 months", [12]),
    ("Option for 12 months extension.", [12]),
    (
        "Aberdeen Harbour Board will include the option to extend this contract from 36 to 48 months",
        [12],
    ),
    ("Option to extend for up to a further 2 years", [24]),
    ("Please see details in tender document", None),
    ("Contract will be renewed at end of contract period", None),
    ("Angus", None),
    ("Subject to annual renewals in 2025 and 2026.", [12, 12]),
    ("2 year extension option. (1 year plus 1 year)", [12, 12]),
    ("2 year extension (1 year plus 1 year)", [12, 12]),
    ("2 YEARS (1 YEAR PLUS 1 YEAR)", [12, 12]),
    (
        "The Authority is entitled at its sole discretion to extend the duration of the Framework Agreement by up to two (2) periods of twelve (12) months.",
        [12, 12],
    ),
    (
        "The contract shall be for four [4] year with an option to extend for four [4] individual one [1] year periods, subject to satisfactory performance and mutual agreement.",
        [12, 12, 12, 12],
    ),
    (
        "The contract has a duration of 12 months with the option of two 6 months extensions at the council sole discretion.",
        [6, 6],
    ),
    (
        "The contract will be awarded for a period of 2 years with the option to extend a further 2 periods of one year (a potential total contract length of 4 years).",
        [12, 12],
    ),
    (
        "The contract will be awarded for a period of two years with the option to extend a further two one year periods (a potential total contract length of 4 years).",
        [12, 12],
    ),
    (
        "The University reserves the right to extend the Agreement for a further two years subject to satisfactory performance and continuation of the University’s requirements",
        [24],
    ),
    ("With The Option To Extend For 2 Periods Of 12 Months Each", [12, 12]),
    (
        "Option to extend the contract for up to 4 further 1-year periods thereafter, at the sole discretion of Fife College, unless the Contract isrn terminated in accordance with the provisions of Fife College Terms and Conditions of Contract.",
        [12, 12, 12, 12],
    ),
    (
        "Two (2) x Twelve (12) month extension options to be exercised at the sole discretion of NHS Lanarkshire.",
        [12, 12],
    ),
    ("Expected renewal at end of the contract period.", None),
    (
        "There is the option of two (2) one (1) year extensions is proposed. The maximum length of the contract with extension is three (3) years.",
        [12, 12],
    ),
    ("36 month contract with the option to extend for 1 period of 12 months.", [12]),
    (
        "The Contract commencement date shall be 1 July 2019 and will continue for a period of twelve months (1) year until 30 June 2020.\nThe Contract may be extended for up to two (2) periods of twelve (12) months. Any such extension shall not take the continuance of the Contract to a date later than 30 June 2022.",
        [12, 12],
    ),
    ("Possible 2 year extension of contract based on Contractor performance.", [24]),
    (
        "The Framework is for twenty four (24) months initially, with two (2) optional extensions of twelve (12) months.",
        [12, 12],
    ),
    ("July 2022 or July 2024 if 2 options to extend for 12 month periods taken up", [12, 12]),
    ("One 12 month extension at the Colleges discretion", [12]),
    ("Optional 3 years extension.", [36]),
    ("Contract term is for initial 3 years with possibility of +1,+1 extension.", [12, 12]),
    ("Potential 12 month extension", [12]),
    (
        "We anticipate the contract to be for a period of 3 years with the option to extend for 2 further periods, each of 12 months, subject to satisfactory performance and mutual agreement.",
        [12, 12],
    ),
    (
        "The contract will last for three years to 31 May 2022; with the possibility of a further two single year extensions through to 31 May 2024. The extension of the contract will be at the discretion of Key HA Senior Team.",
        [12, 12],
    ),
]


@pytest.mark.parametrize("raw, expected", REAL_EXTENSION_TEXTS)
def test_parse_extension_terms_real_texts(raw, expected):
    result = parse_extension_terms(raw)
    if expected is None:
        assert result.value == []
        assert result.problem == (
            f"could not understand extension terms {quote(raw)}; "
            "kept as written, treated as no extension"
        )
    else:
        assert result == Parsed(expected, None)


def test_real_texts_coverage():
    understood = [raw for raw, expected in REAL_EXTENSION_TEXTS if expected is not None]
    assert len(REAL_EXTENSION_TEXTS) == 76 and len(understood) == 66


# Sentences (the examples a procurement officer answered), and variants of the rules.
EXTENSION_SENTENCE_CASES = [
    ("An optional 12 month extension will be included as part of this contract.", [12]),
    (
        "12 month plus 12 month extension possible at the discretion of the client",
        [12, 12],
    ),
    ("Option to extend the contract for up to 24 months in 2 x 12 month intervals", [12, 12]),
    ("Optional 7 x 12 month extensions. Maximum total contract length of 10 years.", [12] * 7),
    (
        "The contract may be extended for a further six months at the discretion of the Council.",
        [6],
    ),
    ("may be extended for a further 12\nmonth period, after which it will be re-tendered", [12]),
    ("An extension of one year plus one year (a total of two years) is available", [12, 12]),
    (
        "The initial period will be for 36 months, with an option to extend for up to a further"
        " 12 months until 30 June 2023.",
        [12],
    ),
    ("1 x 12 month extension, subject to available funding", [12]),
    ("Contract on 3+1+1 basis", [12, 12]),
    ("Contract term is for initial 3 years with possibility of +1,+1 extension.", [12, 12]),
    ("Option to extend the contract by a variable period not exceeding 24 months.", [24]),
    ("3 years with the option to extend for further 2 years (1 year plus 1 year)", [12, 12]),
    ("2 YEARS (1 YEAR PLUS 1 YEAR)", [12, 12]),
    ("Two 48 month extensions at the sole discretion of the Council.", [48, 48]),
    ("The Board will include the option to extend this contract from 36 to 48 months", [12]),
    ("Lot may be extended on an annual basis for up to a further 2 years.", [12, 12]),
    ("Lot may be extended annually for up to 3 years", [12, 12, 12]),
    ("Subject to annual renewals in 2024 and 2025.", [12, 12]),
    ("Subject to annual renewals in 2024, 2025 and 2026.", [12, 12, 12]),
    (
        "extend the duration of the Framework Agreement by up to two (2) periods of twelve (12)"
        " months.",
        [12, 12],
    ),
    (
        "four [4] year with an option to extend for four [4] individual one [1] year periods",
        [12] * 4,
    ),
    ("a duration of 12 months with the option of two 6 months extensions", [6, 6]),
    ("a period of 2 years with the option to extend a further 2 periods of one year", [12, 12]),
    ("Opportunity to extend contract for a further 12 months", [12]),
    ("One 12 month extension at the Colleges discretion", [12]),
    ("36 month contract with the option to extend for 1 period of 12 months.", [12]),
    ("There is the option of two (2) one (1) year extensions is proposed.", [12, 12]),
    ("Possible 2 year extension of contract based on Contractor performance.", [24]),
    (
        "The Framework is for twenty four (24) months initially, with two (2) optional extensions"
        " of twelve (12) months.",
        [12, 12],
    ),
    ("July 2022 or July 2024 if 2 options to extend for 12 month periods taken up", [12, 12]),
    (
        "with the possibility of a further two single year extensions through to 31 May 2024.",
        [12, 12],
    ),
    ("the option to extend for 2 further periods, each of 12 months", [12, 12]),
    (
        "The Framework will be for a maximum period of 48 months. The initial period of the"
        " Framework will be for 24 months.",
        [24],
    ),
    ("The contract may be extended by a further year.", [12]),
    ("The contract may be extended for an additional 18-month period.", [18]),
    ("A possible 1.5 year extension", [18]),
    ("An extension of up to 6 months may be agreed", [6]),
    ("The contract may be extended for twenty-four months.", [24]),
    ("Option to extend for up to 2 years (1+1)", [12, 12]),
    ("Option to extend for a further 2 years (1 + 1)", [12, 12]),
    ("2 year extension (1+1)", [12, 12]),
    ("Contract of 3 years (2+1)", [12]),
    ("a further 1 + 1 years", [12, 12]),
    ("A further 1 + 1 years", [12, 12]),
]


@pytest.mark.parametrize("raw, expected", EXTENSION_SENTENCE_CASES)
def test_parse_extension_terms_sentences(raw, expected):
    assert parse_extension_terms(raw) == Parsed(expected, None)


@pytest.mark.parametrize(
    "raw",
    [
        "Expected renewal at end of contract period",
        "Contract will be renewed at end of contract period",
        "The Council will renew subject to business needs.",
        "Please see details in tender document",
        "Angus",
        "August 2023",
        "The DPS will remain live for a minimum of 4 years but may be extended further.",
        "The Contract may be extended until August 2023 at the option of the Council.",
        # negations
        "There is no option to extend for a further 12 months",
        "The contract will not be extended beyond 12 months",
        "No further 12 month extension is available",
        # alternatives and disagreeing totals
        "Option to extend for 12 or 24 months",
        "may be extended for 12 months and 2 x 12 months",
        "The Framework will be for a maximum period of 48 months. The initial period of the"
        " Framework will be for 24 months with an option to extend for up to a further 12 months.",
        # an initial term then an extension is not a list of extensions
        "a period of 2 years with option to extend 1 year",
        # implausible counts and lengths
        "Optional 11 x 12 month extensions",
        "Option to extend for 2.5 months",
        "may be extended on an annual basis for up to 18 months",
        "Subject to annual renewals in 2024 and 2027.",
        "option to extend this contract from 48 to 36 months",
    ],
)
def test_parse_extension_terms_unclear_sentences_are_problems(raw):
    result = parse_extension_terms(raw)
    assert result.value == []
    assert result.problem and "could not understand extension terms" in result.problem


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Contract on 3+1+1 basis", None),  # the compact parser alone reads initial terms
        ("a further 1 + 1 years", None),
        ("A further 1 + 1 years", None),
        ("An optional 12 month extension", None),
    ],
)
def test_initial_term_months_only_from_compact_terms(raw, expected):
    assert initial_term_months(raw) == expected


sentence_words = st.sampled_from(
    [
        "option",
        "to",
        "extend",
        "extended",
        "for",
        "by",
        "a",
        "further",
        "up",
        "to",
        "two",
        "(2)",
        "twelve",
        "[12]",
        "twenty",
        "four",
        "1",
        "2",
        "12",
        "24",
        "36",
        "x",
        "+",
        "plus",
        "year",
        "years",
        "month",
        "months",
        "period",
        "periods",
        "of",
        "each",
        "extension",
        "extensions",
        "annual",
        "basis",
        "renewals",
        "in",
        "2024",
        "and",
        "from",
        "maximum",
        "initial",
        "is",
        "no",
        "not",
        "or",
        "single",
        "1-year",
        ",",
        ".",
        "(",
        ")",
    ]
)


@given(st.lists(sentence_words, max_size=25))
def test_parse_extension_terms_sentences_never_raise(words):
    result = parse_extension_terms(" ".join(words))
    check_result(result)
    assert isinstance(result.value, list)
    assert all(isinstance(p, int) and 0 < p <= 1200 for p in result.value)
    assert len(result.value) <= 10
    if result.problem is not None:
        assert result.value == []


@settings(max_examples=400)
@given(any_cell)
def test_parse_extension_terms_never_raises(cell):
    result = parse_extension_terms(cell)
    check_result(result)
    assert isinstance(result.value, list)
    initial = initial_term_months(cell)
    assert initial is None or isinstance(initial, int)


def test_parse_extension_terms_accepts_none():
    assert parse_extension_terms(None) == Parsed([], None)
