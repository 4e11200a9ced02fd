"""When each council's vehicles fall due for replacement, and what that adds up to.

Joint vehicle purchases only happen if councils can see, years ahead, that they will be
buying the same class of vehicle in the same year. A fleet list gives each vehicle's class,
fuel, in-service date and (sometimes) a planned replacement date; the rules here turn that
into replacement years, the demand table (year x class x council x fuel) and the renewal
windows the alignment engine treats like contract ends.

The vehicle classifier is here too, because the class decides the replacement age: it reads
type text as fleet lists write it ("Panel van 3.5t", "LCV", "RCV 26t", "Pool car") and the
GVW when given.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from .measures import FleetError, parse_gvw_kg

__all__ = [
    "DEFAULT_REPLACEMENT_AGES",
    "FleetVehicle",
    "RenewalWindow",
    "ReplacementError",
    "classify_vehicle",
    "normalise_fuel",
    "renewal_windows",
    "replacement_demand",
    "replacement_year",
]

CARS, VANS, HEAVY, RCV = "fleet.cars", "fleet.vans_lt_3_5t", "fleet.heavy", "fleet.rcv"
SPECIALIST, OTHER = "fleet.specialist", "fleet.other_vehicles"

# Years from entering service to replacement (§3 defaults; councils override per class).
# Specialist vehicles (gritters, sweepers, minibuses) are heavy-duty bodies: 8 like heavy.
DEFAULT_REPLACEMENT_AGES: Mapping[str, int] = {
    CARS: 5, VANS: 7, RCV: 7, HEAVY: 8, SPECIALIST: 8, OTHER: 7,
}
CAR_LICENCE_LIMIT_KG = Decimal(3500)


class ReplacementError(FleetError):
    """A vehicle whose replacement year cannot be worked out as given."""


@dataclass(frozen=True)
class FleetVehicle:
    """One line of a council's fleet list, already mapped to a fleet category."""

    council_code: str
    category: str
    registration: str = ""
    fuel: str | None = None
    in_service: date | int | str | None = None
    planned_replacement: date | int | str | None = None
    make: str = ""
    model: str = ""


# --------------------------------------------------------------------------------------------
# replacement year
# --------------------------------------------------------------------------------------------

_YEAR_RE = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")
_SHORT_DATE_RE = re.compile(r"^\s*[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-]([0-9]{2})\s*$")


def _year_of(value: date | int | str | None, what: str, vehicle: FleetVehicle) -> int | None:
    """The year of a date, a year alone (2029, "2029"), or a date written as text."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.year
    if isinstance(value, int) and not isinstance(value, bool):
        if 1900 <= value <= 2200:
            return value
        raise ReplacementError(f"{_who(vehicle)}: {what} {value} is not a year")
    text = str(value).strip()
    if not text or text.lower() in {"-", "n/a", "tbc", "none", "unknown"}:
        return None
    years = set(_YEAR_RE.findall(text))
    if len(years) == 1:
        return int(years.pop())
    short = _SHORT_DATE_RE.match(text)
    if short:
        return 2000 + int(short.group(1))
    raise ReplacementError(
        f"{_who(vehicle)}: {what} {text!r} is not a date or a year (write e.g. 2029 or "
        "31/03/2029)"
    )


def _who(vehicle: FleetVehicle) -> str:
    return f"Vehicle {vehicle.registration}" if vehicle.registration else "A vehicle"


def replacement_year(
    vehicle: FleetVehicle, council_ages: Mapping[str, Mapping[str, int]] | None = None
) -> int | None:
    """The year of the planned replacement date when given, else in-service year + the
    council's replacement age for the class (its own setting, else the default).

    None when neither a planned date nor an in-service date is known: such vehicles are a
    data gap, not demand in some guessed year.
    """
    planned = _year_of(vehicle.planned_replacement, "planned replacement", vehicle)
    if planned is not None:
        return planned
    in_service = _year_of(vehicle.in_service, "in-service date", vehicle)
    if in_service is None:
        return None
    own = (council_ages or {}).get(vehicle.council_code, {})
    age = own.get(vehicle.category, DEFAULT_REPLACEMENT_AGES.get(vehicle.category))
    if age is None:
        raise ReplacementError(
            f"{_who(vehicle)}: no replacement age for category {vehicle.category!r}; set one for "
            f"council {vehicle.council_code}"
        )
    return in_service + age


_FUELS = (
    ("plug-in hybrid", r"plug[\s-]*in|phev"),
    ("hybrid", r"hybrid|hev\b|mhev"),
    ("electric", r"electric|\bbev\b|\bev\b|battery"),
    ("hydrogen", r"hydrogen|fuel cell|fcev"),
    ("hvo", r"\bhvo\b|renewable diesel"),
    ("gas", r"\bcng\b|\blng\b|biomethane|\bgas\b|lpg"),
    ("diesel", r"diesel|\bdsl\b|\bderv\b"),
    ("petrol", r"petrol|gasoline|unleaded"),
)


def normalise_fuel(text: str | None) -> str:
    """Fuel as fleet lists write it ("Diesel", "BEV", "Electric (battery)") -> one word."""
    words = (text or "").strip().lower()
    if not words:
        return "unknown"
    for fuel, pattern in _FUELS:
        if re.search(pattern, words):
            return fuel
    return words


def replacement_demand(
    vehicles: Iterable[FleetVehicle],
    council_ages: Mapping[str, Mapping[str, int]] | None = None,
) -> list[dict[str, object]]:
    """Vehicles due for replacement by year x category x council x fuel (the §4 shape), one
    row per combination that has vehicles, sorted by year, category, council, fuel."""
    counts: Counter[tuple[int, str, str, str]] = Counter()
    for vehicle in vehicles:
        year = replacement_year(vehicle, council_ages)
        if year is None:
            continue
        counts[(year, vehicle.category, vehicle.council_code, normalise_fuel(vehicle.fuel))] += 1
    return [
        {"year": y, "category": c, "council_code": k, "fuel": f, "vehicles": n}
        for (y, c, k, f), n in sorted(counts.items())
    ]


class RenewalWindow(NamedTuple):
    """One council's replacement of a class in a year, as a renewal item for alignment."""

    council_code: str
    category: str
    year: int
    start: date
    end: date
    vehicles: int


def renewal_windows(
    vehicles: Iterable[FleetVehicle],
    council_ages: Mapping[str, Mapping[str, int]] | None = None,
) -> list[RenewalWindow]:
    """Each council's demand for a class in a year is one renewal item whose window is that
    whole calendar year (the alignment engine stretches it by its tolerance)."""
    counts: Counter[tuple[str, str, int]] = Counter()
    for vehicle in vehicles:
        year = replacement_year(vehicle, council_ages)
        if year is not None:
            counts[(vehicle.council_code, vehicle.category, year)] += 1
    return [
        RenewalWindow(k, c, y, date(y, 1, 1), date(y, 12, 31), n)
        for (k, c, y), n in sorted(counts.items())
    ]


# --------------------------------------------------------------------------------------------
# vehicle classifier
# --------------------------------------------------------------------------------------------

# Checked in order; the first that matches wins. RCVs first: an RCV is an RCV at any weight.
_RCV = re.compile(
    r"\brcv\b|refuse|bin\s*lorry|dust\s*cart|kerbsider|food\s*waste\s*(?:vehicle|truck)|"
    r"recycling\s*(?:vehicle|truck|lorry)|\bnarrow\s*access\b|compactor\s*(?:truck|vehicle)"
)
_SPECIALIST = re.compile(
    r"mini\s*-?\s*bus|\bbus\b|coach|gritter|spreader|sweeper|gully|mobile\s*library|"
    r"welfare\s*bus|ambulance|tractor(?!\s*unit)|\bjcb\b|excavator|\bmewp\b|cherry\s*picker|"
    r"specialist|special\s*purpose"
)
_HEAVY = re.compile(
    r"\bhgv\b|\blgv\b|lorry|truck|tractor\s*unit|hook\s*(?:loader|lift)|skip\s*(?:loader|lorry)|"
    r"\bcrane\b|tanker|\bflatbed\s*lorry|goods\s*vehicle|\bheavy\b"
)
_VAN = re.compile(
    r"\bvan\b|\bvans\b|\blcv\b|light\s*commercial|pick\s*-?\s*up|dropside|drop\s*side|"
    r"\bluton\b|tipper|crew\s*cab|double\s*cab|chassis\s*cab|\bcdv\b|car\s*-?\s*derived|"
    r"\bcombi\b|e-?transit|transit|sprinter|vivaro|kangoo|berlingo|partner"
)
_CAR = re.compile(
    r"\bcars?\b|hatch(?:back)?|saloon|estate|\bsuv\b|\bmpv\b|crossover|4\s*x\s*4|\bm1\b"
)
_GVW_IN_TEXT = re.compile(
    r"[0-9][0-9.,\s]*\s*(?:t|tonnes?|tons?|te|kg)(?![a-z])|\b[0-9]{4,5}\s*gvw", re.IGNORECASE
)


def classify_vehicle(
    type_text: str | None, gvw_kg: Decimal | int | str | None = None
) -> str | None:
    """The fleet category key for a vehicle from its type text and GVW, or None if unsure.

    RCVs are RCVs at any weight; buses, gritters and sweepers are specialist; cars are cars.
    Goods vehicles (vans, pick-ups, tippers, "LCV") up to 3,500 kg GVW are vans and heavier
    ones are heavy: the car-licence limit is what separates the two purchasing markets. A
    weight written in the text ("Tipper 7.5t") is used when no GVW is given. Text that names
    no vehicle type gives None so the importer can ask, except a GVW over 3,500 kg alone,
    which can only be a heavy vehicle.
    """
    text = " ".join((type_text or "").lower().split())
    gvw = None
    if gvw_kg is not None:
        gvw = gvw_kg if isinstance(gvw_kg, Decimal) else parse_gvw_kg(gvw_kg)
    if gvw is None and text:
        written = _GVW_IN_TEXT.search(text)
        gvw = parse_gvw_kg(written.group(0)) if written else None
    if _RCV.search(text):
        return RCV
    if _SPECIALIST.search(text):
        return SPECIALIST
    if _HEAVY.search(text):
        return HEAVY
    if _VAN.search(text):
        if gvw is not None and gvw > CAR_LICENCE_LIMIT_KG:
            return HEAVY
        if gvw is None and re.search(r"tipper", text) and not re.search(r"\bvan\b|lcv|cab", text):
            return HEAVY  # a tipper with no weight given: most council tippers are lorries
        return VANS
    if _CAR.search(text) and not re.search(r"\bcargo\b", text):
        return CARS
    if gvw is not None and gvw > CAR_LICENCE_LIMIT_KG:
        return HEAVY
    return None
