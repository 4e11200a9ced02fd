"""Export contracts as an OCDS 1.1 release package (the inverse of :mod:`procurehub.ingest.ocds`).

One release per contract (``tag: ["contract"]``), each with one tender, one award and one
contract, so :func:`procurehub.ingest.ocds.iter_ocds_rows` reads exactly one row back per
contract.  Where each canonical field goes (and where the reader finds it again):

============================  ===============================================================
canonical field               OCDS
============================  ===============================================================
``reference``                 ``contracts[0].id`` (falls back to ``<ocid>-contract`` if blank)
``title``, ``description``    ``contracts[0]`` (also ``tender`` and ``awards[0].title``)
``cpv_codes``                 ``tender.items[0].classification`` (first code) and
                              ``additionalClassifications`` (the others), scheme ``CPV``
``supplier_*``                ``parties[]`` (role ``supplier``; ``identifier`` scheme ``GB-COH``;
                              ``address.streetAddress``; ``details.scale`` sme/large) and
                              ``awards[0].suppliers``
``award_date``                ``awards[0].date``
``start/end/max_end_date``    ``awards[0].contractPeriod`` and ``contracts[0].period``
                              (``startDate``, ``endDate``, ``maxExtentDate``; the contract's
                              period also has ``durationInDays``)
``extension_terms``           ``contracts[0].renewal.description`` with ``hasRenewal`` and
                              ``renewal.maximumRenewals`` when options remain (Renewal extension)
``value_total``               ``contracts[0].value`` and ``awards[0].value`` in GBP; when
                              ``value_is_estimate`` it is ``tender.value`` instead (OCDS: the
                              estimated value of the procurement), so the reader flags it again
``procurement_route``         ``tender.procurementMethodDetails`` (+ ``procurementMethod`` code
                              when the route clearly is one)
``status``                    ``contracts[0].status`` (see :data:`CONTRACT_STATUS`) and
                              ``statusDetails`` (``Expired``/``Planned``) where the code folds
council                       ``buyer`` and a ``parties[]`` entry (role ``buyer``; identifier
                              scheme ``GB-GSS`` when the council code is a GSS code)
============================  ===============================================================

Not exported: ``notes`` and ``extra`` (free text and unmapped register columns may carry
officers' names and e-mail addresses), ``collaboration_interest``, ``workstream``/``category``
and ``value_annual`` (no OCDS field the reader maps).  No ``contactPoint`` is ever written.

Empty values (``None``, ``""``, ``[]``, ``{}``) are left out.  Money is a JSON number rounded to
pence; dates are ``YYYY-MM-DDT00:00:00Z``.  :func:`write_release_package` streams: the package
opening, then one ``json.dumps`` per release, then the closing, so memory does not grow with the
number of contracts.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TextIO

__all__ = [
    "CONTRACT_STATUS",
    "LICENSE",
    "NOT_EXPORTED",
    "RENEWAL_EXTENSION",
    "contract_release",
    "write_release_package",
]

#: Canonical fields the export leaves out (see the table above): the rest of the field registry's
#: canonical fields all have a place in the release, which a test checks.
NOT_EXPORTED: frozenset[str] = frozenset(
    {"notes", "extra", "collaboration_interest", "workstream", "category", "value_annual"}
)

#: Open Government Licence v3.0.
LICENSE = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

#: The OCDS Renewal extension (``hasRenewal``/``renewal`` on contracts).
RENEWAL_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_renewal_extension/master/extension.json"
)

#: Our status -> OCDS 1.1 ``contractStatus`` (a closed codelist: pending, active, cancelled,
#: terminated).  OCDS has no "expired": a contract that has come to a close, by completion or
#: early, is ``terminated``.  A planned contract is not yet in force: ``pending``.  Where the code
#: loses our distinction the original status is kept in ``statusDetails``.
CONTRACT_STATUS: dict[str, str] = {
    "active": "active",
    "expired": "terminated",
    "terminated": "terminated",
    "planned": "pending",
}
#: Our status -> OCDS ``awardStatus`` (pending, active, cancelled, unsuccessful).
_AWARD_STATUS: dict[str, str] = {
    "active": "active",
    "expired": "active",
    "terminated": "active",
    "planned": "pending",
}
#: Our status -> OCDS ``tenderStatus``: the tender behind an awarded contract is complete.
_TENDER_STATUS: dict[str, str] = {
    "active": "complete",
    "expired": "complete",
    "terminated": "complete",
    "planned": "planned",
}
_STATUS_DETAILS: dict[str, str] = {"expired": "Expired", "planned": "Planned"}

# one encoder for every release; the structures are built here, so no cycle check is needed
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, check_circular=False)

_GSS_RE = re.compile(r"^[EKNSW]\d{8}$")
_PENCE = Decimal("0.01")

# procurement route text -> OCDS procurementMethod code (only when unambiguous)
_METHOD_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bnegotiated\b.*\bwithout\b", re.I), "limited"),
    (
        re.compile(r"\b(direct award|single source|single tender|waiver|exemption)\b", re.I),
        "direct",
    ),
    (re.compile(r"\bopen\b", re.I), "open"),
    (
        re.compile(
            r"\b(restricted|competitive (dialogue|procedure)|innovation partnership)\b", re.I
        ),
        "selective",
    ),
)


# --------------------------------------------------------------------------- value helpers


def _str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _iso_datetime(moment: _dt.datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(_dt.UTC)
    return moment.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def _as_date(value: Any) -> _dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _iso_date(value: Any) -> str | None:
    day = _as_date(value)
    return f"{day.isoformat()}T00:00:00Z" if day else None


def _amount(value: Any) -> float | None:
    """Decimal (or number/numeric text) -> float rounded to pence; None when not a number."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        dec = value if isinstance(value, Decimal) else Decimal(str(value).strip())
        if not dec.is_finite():
            return None
        return float(dec.quantize(_PENCE, rounding=ROUND_HALF_UP))
    except (InvalidOperation, ValueError):
        return None


def _money(value: Any) -> dict | None:
    amount = _amount(value)
    return {"amount": amount, "currency": "GBP"} if amount is not None else None


def _empty(value: Any) -> bool:
    """True for None and "", and for a dict/list that is empty once pruned (pruned in place)."""
    cls = type(value)
    if cls is dict or cls is list:
        return not _prune(value)
    return value is None or value == ""


def _prune(obj: Any) -> Any:
    """Drop keys/items whose value is None, "", [] or {}, recursively and in place (only used on
    structures built here); returns ``obj``."""
    if type(obj) is dict:
        drop = [key for key, value in obj.items() if _empty(value)]
        for key in drop:
            del obj[key]
    elif type(obj) is list:
        obj[:] = [value for value in obj if not _empty(value)]
    return obj


def _cpv_list(value: Any) -> list[str]:
    if value is None:
        return []
    raw = re.split(r"[;,\s]+", value) if isinstance(value, str) else list(value)
    codes: list[str] = []
    for code in raw:
        text = _str(code)
        if text and text not in codes:
            codes.append(text)
    return codes


def _periods(value: Any) -> list[int]:
    if not value:
        return []
    out: list[int] = []
    for months in value:
        try:
            n = int(months)
        except (TypeError, ValueError):
            continue
        if n > 0:
            out.append(n)
    return out


def _periods_text(periods: list[int]) -> str:
    """``[12, 12, 6]`` -> ``Extension options: 2 x 12 months and 1 x 6 months`` (which
    :func:`procurehub.ingest.extension_terms.parse_extension_terms` reads back as the same list)."""
    groups: list[list[int]] = []
    for months in periods:
        if groups and groups[-1][0] == months:
            groups[-1][1] += 1
        else:
            groups.append([months, 1])
    parts = [f"{count} x {months} months" for months, count in groups]
    return "Extension options: " + " and ".join(parts)


def _procurement_method(route: str | None) -> str | None:
    if not route:
        return None
    for pattern, code in _METHOD_RULES:
        if pattern.search(route):
            return code
    return None


# --------------------------------------------------------------------------- releases


def contract_release(
    contract: Mapping[str, Any],
    *,
    ocid_prefix: str,
    council_name: str | None = None,
    published: _dt.datetime,
) -> dict:
    """One OCDS 1.1 release (``tag: ["contract"]``) for one contract given by canonical fields.

    ``ocid`` is ``<ocid_prefix>-<council_code>-<id>`` and the release ``id`` is
    ``<ocid>-contract``.  ``council_name`` is the buyer's name (default: the contract's
    ``council_name`` if present, else the council code).
    """
    code = _str(contract.get("council_code")) or "unknown"
    ocid = f"{ocid_prefix}-{code}-{contract.get('id')}"
    council = _str(council_name) or _str(contract.get("council_name")) or code
    status = (_str(contract.get("status")) or "").lower()

    # parties: buyer and supplier (never a contactPoint)
    if _GSS_RE.match(code):
        buyer_id = f"GB-GSS-{code}"
        buyer_identifier: dict | None = {"scheme": "GB-GSS", "id": code, "legalName": council}
    else:
        buyer_id = f"{ocid_prefix}-council-{code}"
        buyer_identifier = None
    parties: list[dict] = [
        {"id": buyer_id, "name": council, "identifier": buyer_identifier, "roles": ["buyer"]}
    ]

    supplier_name = _str(contract.get("supplier_name"))
    company = _str(contract.get("supplier_company_number"))
    address = _str(contract.get("supplier_address"))
    sme = contract.get("supplier_is_sme")
    suppliers: list[dict] = []
    if supplier_name or company or address:
        supplier_id = f"GB-COH-{company}" if company else f"{ocid}-supplier"
        parties.append(
            {
                "id": supplier_id,
                "name": supplier_name,
                "identifier": (
                    {"scheme": "GB-COH", "id": company, "legalName": supplier_name}
                    if company
                    else None
                ),
                "address": {"streetAddress": address} if address else None,
                "roles": ["supplier"],
                "details": {"scale": "sme" if sme else "large"} if sme is not None else None,
            }
        )
        suppliers.append({"id": supplier_id, "name": supplier_name})

    # tender
    title = _str(contract.get("title"))
    description = _str(contract.get("description"))
    route = _str(contract.get("procurement_route"))
    cpv = _cpv_list(contract.get("cpv_codes"))
    items = (
        [
            {
                "id": "1",
                "classification": {"scheme": "CPV", "id": cpv[0]},
                "additionalClassifications": [{"scheme": "CPV", "id": c} for c in cpv[1:]],
            }
        ]
        if cpv
        else []
    )
    estimate = bool(contract.get("value_is_estimate"))
    value = _money(contract.get("value_total"))
    tender = {
        "id": f"{ocid}-tender",
        "title": title,
        "description": description,
        "status": _TENDER_STATUS.get(status),
        "procurementMethod": _procurement_method(route),
        "procurementMethodDetails": route,
        "items": items,
        "value": value if estimate else None,
    }

    # periods
    start = _as_date(contract.get("start_date"))
    end = _as_date(contract.get("end_date"))
    period = {
        "startDate": _iso_date(start),
        "endDate": _iso_date(end),
        "maxExtentDate": _iso_date(contract.get("max_end_date")),
    }
    duration = (end - start).days if start and end and end >= start else None

    # award and contract
    award_id = f"{ocid}-award"
    award = {
        "id": award_id,
        "title": title,
        "date": _iso_date(contract.get("award_date")),
        "status": _AWARD_STATUS.get(status),
        "value": None if estimate else value,
        "suppliers": suppliers,
        "contractPeriod": dict(period),
    }

    terms = _str(contract.get("extension_terms"))
    periods = _periods(contract.get("extension_periods_months"))
    if not terms and periods:
        terms = _periods_text(periods)
    renewal = (
        {"description": terms, "maximumRenewals": len(periods) if periods else None}
        if terms
        else None
    )
    ocds_contract = {
        "id": _str(contract.get("reference")) or f"{ocid}-contract",
        "awardID": award_id,
        "title": title,
        "description": description,
        "status": CONTRACT_STATUS.get(status),
        "statusDetails": _STATUS_DETAILS.get(status),
        "value": None if estimate else value,
        "period": {**period, "durationInDays": duration},
        "hasRenewal": True if periods else None,
        "renewal": renewal,
    }

    release = {
        "ocid": ocid,
        "id": f"{ocid}-contract",
        "date": _iso_datetime(published),
        "tag": ["contract"],
        "initiationType": "tender",
        "language": "en",
        "parties": parties,
        "buyer": {"id": buyer_id, "name": council},
        "tender": tender,
        "awards": [award],
        "contracts": [ocds_contract],
    }
    return _prune(release)


def write_release_package(
    stream: TextIO,
    contracts: Iterable[Mapping[str, Any]],
    *,
    ocid_prefix: str = "ocds-phub00",
    publisher_name: str = "ProcureHub",
    uri: str | None = None,
    published: _dt.datetime | None = None,
    council_names: Mapping[str, str] | None = None,
    publication_policy: str | None = None,
) -> int:
    """Stream an OCDS 1.1 release package of ``contracts`` to ``stream``; return the count.

    The package keys are written first, then each release as it is produced from the iterable
    (nothing is accumulated), then the closing brackets.  ``council_names`` maps council codes to
    names for the buyer; ``uri`` defaults to a ``urn:`` naming the prefix and publication time.
    """
    moment = published or _dt.datetime.now(_dt.UTC)
    stamp = _iso_datetime(moment)
    names = council_names or {}
    header = _prune(
        {
            "uri": uri or f"urn:procurehub:ocds:{ocid_prefix}:{stamp}",
            "version": "1.1",
            "extensions": [RENEWAL_EXTENSION],
            "publishedDate": stamp,
            "publisher": {"name": publisher_name},
            "license": LICENSE,
            "publicationPolicy": publication_policy,
        }
    )
    opening = json.dumps(header, ensure_ascii=False)
    stream.write(opening[:-1] + ', "releases": [')
    count = 0
    for contract in contracts:
        code = _str(contract.get("council_code")) or ""
        release = contract_release(
            contract, ocid_prefix=ocid_prefix, council_name=names.get(code), published=moment
        )
        if count:
            stream.write(",\n")
        else:
            stream.write("\n")
        stream.write(_ENCODER.encode(release))
        count += 1
    stream.write("\n]}\n")
    return count
