"""Replacement years, demand, renewal windows and the vehicle classifier
(plugins.fleet.replacement)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.fleet.replacement import (
    FleetVehicle,
    RenewalWindow,
    ReplacementError,
    classify_vehicle,
    normalise_fuel,
    renewal_windows,
    replacement_demand,
    replacement_year,
)

VANS, CARS, HEAVY, RCV = "fleet.vans_lt_3_5t", "fleet.cars", "fleet.heavy", "fleet.rcv"
SPECIALIST = "fleet.specialist"


def v(council="S12000050", category=VANS, **kw):
    return FleetVehicle(council_code=council, category=category, **kw)


@pytest.mark.parametrize(
    ("vehicle", "year"),
    [
        (v(planned_replacement=date(2029, 3, 31), in_service=date(2020, 1, 1)), 2029),
        (v(planned_replacement=2031, in_service=2020), 2031),  # a year alone is that year
        (v(planned_replacement="2030"), 2030),
        (v(planned_replacement="31/03/2028"), 2028),
        (v(planned_replacement="26-Nov-2027"), 2027),
        (v(planned_replacement="31/03/29"), 2029),
        (v(planned_replacement="", in_service=date(2019, 6, 1)), 2026),  # van default 7
        (v(category=CARS, in_service="2021-09-01"), 2026),  # cars 5
        (v(category=RCV, in_service=2018), 2025),  # RCVs 7
        (v(category=HEAVY, in_service=2018), 2026),  # heavy 8
        (v(in_service=None), None),  # a data gap, not a guess
    ],
)
def test_replacement_year_rule(vehicle, year):
    assert replacement_year(vehicle) == year


def test_councils_set_their_own_replacement_ages_per_class():
    ages = {"S12000047": {VANS: 5, RCV: 10}}
    fife_van = v("S12000047", in_service=2020)
    fife_rcv = v("S12000047", RCV, in_service=2020)
    fife_car = v("S12000047", CARS, in_service=2020)
    lanarkshire_van = v("S12000050", in_service=2020)
    assert replacement_year(fife_van, ages) == 2025
    assert replacement_year(fife_rcv, ages) == 2030
    assert replacement_year(fife_car, ages) == 2025  # default for classes it did not set
    assert replacement_year(lanarkshire_van, ages) == 2027
    # a planned date still wins over any age
    assert replacement_year(v("S12000047", in_service=2020, planned_replacement=2032), ages) == 2032


def test_unreadable_dates_and_unknown_classes_are_errors_a_person_can_fix():
    with pytest.raises(ReplacementError, match="Vehicle SK19 ABC: planned replacement 'soon' is "
                                               "not a date or a year"):
        replacement_year(v(registration="SK19 ABC", planned_replacement="soon"))
    with pytest.raises(ReplacementError, match="no replacement age for category 'fleet.boats'"):
        replacement_year(v(category="fleet.boats", in_service=2020))
    with pytest.raises(ReplacementError, match="12 is not a year"):
        replacement_year(v(in_service=12))


def test_replacement_demand_by_year_class_council_and_fuel():
    vehicles = [
        v("S12000050", VANS, fuel="Diesel", in_service=2019),
        v("S12000050", VANS, fuel="diesel", in_service=date(2019, 11, 5)),
        v("S12000050", VANS, fuel="BEV", in_service=2019),
        v("S12000047", VANS, fuel="Electric", planned_replacement=2026),
        v("S12000047", RCV, fuel="Diesel", in_service=2019),
        v("S12000047", CARS, fuel=None, in_service=2024),
        v("S12000047", CARS, fuel="Petrol", in_service=None),  # no year: not demand
    ]
    assert replacement_demand(vehicles) == [
        {"year": 2026, "category": RCV, "council_code": "S12000047", "fuel": "diesel",
         "vehicles": 1},
        {"year": 2026, "category": VANS, "council_code": "S12000047", "fuel": "electric",
         "vehicles": 1},
        {"year": 2026, "category": VANS, "council_code": "S12000050", "fuel": "diesel",
         "vehicles": 2},
        {"year": 2026, "category": VANS, "council_code": "S12000050", "fuel": "electric",
         "vehicles": 1},
        {"year": 2029, "category": CARS, "council_code": "S12000047", "fuel": "unknown",
         "vehicles": 1},
    ]
    assert replacement_demand([]) == []


def test_renewal_windows_are_whole_calendar_years_per_council_and_class():
    vehicles = [
        v("S12000050", VANS, in_service=2019),
        v("S12000050", VANS, fuel="diesel", in_service=2019),
        v("S12000047", VANS, planned_replacement="2026-08-01"),
        v("S12000047", RCV, in_service=2020),
    ]
    assert renewal_windows(vehicles, {"S12000047": {RCV: 6}}) == [
        RenewalWindow("S12000047", RCV, 2026, date(2026, 1, 1), date(2026, 12, 31), 1),
        RenewalWindow("S12000047", VANS, 2026, date(2026, 1, 1), date(2026, 12, 31), 1),
        RenewalWindow("S12000050", VANS, 2026, date(2026, 1, 1), date(2026, 12, 31), 2),
    ]
    assert isinstance(renewal_windows(vehicles)[0], tuple)


@pytest.mark.parametrize(
    ("fuel", "word"),
    [("Diesel", "diesel"), ("DERV", "diesel"), ("BEV", "electric"), ("Electric (battery)",
     "electric"), ("Plug-in hybrid", "plug-in hybrid"), ("PHEV", "plug-in hybrid"),
     ("Hybrid petrol", "hybrid"), ("HVO", "hvo"), ("CNG", "gas"), ("Petrol", "petrol"),
     (None, "unknown"), ("", "unknown"), ("Hydrogen fuel cell", "hydrogen")],
)
def test_fuels(fuel, word):
    assert normalise_fuel(fuel) == word


@pytest.mark.parametrize(
    ("text", "gvw", "category"),
    [
        ("Panel van 3.5t", None, VANS), ("Panel Van 3.5 tonne", None, VANS), ("LCV", None, VANS),
        ("Small van", None, VANS), ("Electric van", None, VANS), ("Crew cab tipper 3.5t", None,
                                                                    VANS),
        ("Tipper 3.5t", None, VANS), ("Pick-up 4x4", None, VANS), ("Dropside", 3500, VANS),
        ("Car derived van", None, VANS), ("Luton van", "3,500 kg", VANS),
        ("Ford E-Transit 350", None, VANS), ("Panel van", 3000, VANS),
        ("Panel van 4.25t", None, HEAVY), ("Panel van", Decimal(4250), HEAVY),
        ("Luton van 7.5t", None, HEAVY), ("Tipper 7.5t", None, HEAVY),
        ("7.5 tonne tipper", None, HEAVY), ("Tipper", None, HEAVY), ("HGV", None, HEAVY),
        ("Hook loader 26t", None, HEAVY), ("Skip loader", None, HEAVY), ("Lorry", None, HEAVY),
        ("Tractor unit", None, HEAVY), (None, 18000, HEAVY), ("", "7.5t", HEAVY),
        ("RCV 26t", None, RCV), ("RCV", 26000, RCV), ("Refuse collection vehicle", None, RCV),
        ("Narrow access RCV 12t", None, RCV), ("Food waste vehicle 7.5t", None, RCV),
        ("Bin lorry", None, RCV), ("Small RCV 3.5t", None, RCV),
        ("Pool car", None, CARS), ("Car", None, CARS), ("Electric car", None, CARS),
        ("Hatchback", None, CARS), ("SUV", None, CARS), ("Pool Cars", None, CARS),
        ("Minibus", None, SPECIALIST), ("Mini-bus 17 seat", None, SPECIALIST),
        ("Gritter 18t", None, SPECIALIST), ("Road sweeper", None, SPECIALIST),
        ("Gully tanker", None, SPECIALIST), ("Tractor", None, SPECIALIST),
        ("", None, None), ("Cargo bike", None, None), (None, 3000, None), ("Trailer", None, None),
    ],
)
def test_vehicle_classifier(text, gvw, category):
    assert classify_vehicle(text, gvw) == category


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.text()), st.one_of(st.none(), st.text(),
                                                   st.integers(0, 60000).map(Decimal)))
def test_classifier_never_raises(text, gvw):
    assert classify_vehicle(text, gvw) in {None, VANS, CARS, HEAVY, RCV, SPECIALIST}
