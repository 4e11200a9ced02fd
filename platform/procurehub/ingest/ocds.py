"""Turn parsed OCDS JSON into contract rows keyed by canonical field names.

Accepted shapes (:func:`iter_ocds_rows`): a release package ``{"releases": [...]}`` (other keys
such as ``_provenance``, ``links`` or the Contracts Finder search-response envelope keys are
ignored), a record package ``{"records": [...]}`` (each record's ``compiledRelease``, else its
latest release by ``date``, the last one on ties), a bare list of releases and a single release.

Row-per-what: one row per ``contracts[]`` entry when the release has contracts, else one per
``awards[]`` entry, else one per ``tender.lots[]`` entry when any lot has its own
``contractPeriod``, else one row for the release.  Nothing is merged: several releases of one
``ocid`` (e.g. an ``award`` and a later ``awardUpdate``) each give their rows, and the importer's
reference matching deals with the repeats.

Values are left raw (strings, numbers, ISO date strings); the only computed value is
``end_date = startDate + durationInDays`` (date part, ``YYYY-MM-DD``) when a period has a start
and a duration but no end.  A duration without a start is kept as ``contract_duration``
(``"360 days"``).  Every row has the same keys (:data:`ROW_FIELDS`, ``None`` when unknown) plus
``_source_row`` (1-based position among the rows produced) and ``_source_ref`` (the ocid, else the
release id).  ``contactPoint`` data (names, e-mails, telephones) is never read.

Text clean-up: some publishers' text lost its backslashes upstream, so a line break appears as a
literal ``rn``.  :func:`clean_rn_artefacts` replaces ``rn`` only where it cannot be part of a
word: ``rnrn``; ``rn`` right after sentence punctuation, a closing bracket, a quote or a digit and
before a space, a capital, an opening bracket, a dash or the end; and ``rn`` between a lower-case
letter and a capital (``sweepersrnLot``).  Ambiguous cases (``servicesrn The``) are left alone.
It is applied to titles, descriptions, notes and extension terms.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator
from typing import Any

from procurehub.ingest.synonyms import FIELDS

__all__ = ["ROW_FIELDS", "clean_rn_artefacts", "iter_ocds_rows"]

#: Keys of every yielded row (besides ``_source_row`` and ``_source_ref``): every field a register
#: column can map to, so the importer reads an OCDS row as it reads a register row; but never
#: ``contact`` (contact points are personal data and are not read).
ROW_FIELDS: tuple[str, ...] = tuple(name for name in FIELDS if name != "contact")

_RN_DOUBLE = re.compile(r"(?:rn){2,}")
_RN_AFTER_PUNCT = re.compile(r"(?<=[.:;!?)\]\"'’0-9])rn(?: (?=\S)|(?=[A-Z(\-•*])|$)")
_RN_CAMEL = re.compile(r"(?<=[a-z])rn(?=[A-Z])")


def clean_rn_artefacts(text: str) -> str:
    """Replace literal ``rn`` line-break artefacts by ``\\n`` where that is unambiguous."""
    if not text or "rn" not in text:
        return text
    text = _RN_DOUBLE.sub(lambda m: "\n" * (len(m.group(0)) // 2), text)
    text = _RN_AFTER_PUNCT.sub("\n", text)
    return _RN_CAMEL.sub("\n", text)


# --------------------------------------------------------------------------- shapes


def _describe(data: object) -> str:
    if isinstance(data, dict):
        keys = ", ".join(sorted(map(str, data))[:8]) or "no keys"
        return f"a JSON object with keys ({keys})"
    if isinstance(data, list):
        return "a JSON list"
    return f"a JSON {type(data).__name__} value"


def _looks_like_release(obj: dict) -> bool:
    if "ocid" in obj:
        return True
    return "id" in obj and any(k in obj for k in ("tender", "awards", "contracts", "buyer"))


def _latest_release(releases: list) -> dict | None:
    best: dict | None = None
    best_key: tuple[str, int] | None = None
    for pos, rel in enumerate(releases):
        if not isinstance(rel, dict):
            continue
        key = (str(rel.get("date") or ""), pos)
        if best_key is None or key >= best_key:
            best, best_key = rel, key
    return best


def _iter_releases(data: object) -> Iterator[dict]:
    not_ocds = (
        "{what} is not an OCDS release package: expected {{'releases': [...]}}, "
        "{{'records': [...]}}, a list of releases or a single release (with 'ocid')"
    )
    if isinstance(data, list):
        for pos, item in enumerate(data, 1):
            if not isinstance(item, dict):
                raise ValueError(
                    not_ocds.format(what=f"item {pos} of the JSON list ({_describe(item)})")
                )
            if "compiledRelease" in item or ("releases" in item and "ocid" in item):
                yield from _iter_records([item])
            elif _looks_like_release(item):
                yield item
            else:
                raise ValueError(
                    not_ocds.format(what=f"item {pos} of the JSON list ({_describe(item)})")
                )
        return
    if not isinstance(data, dict):
        raise ValueError(not_ocds.format(what=_describe(data)))
    if "compiledRelease" in data or ("releases" in data and "ocid" in data):
        yield from _iter_records([data])  # a single record
        return
    if "releases" in data and not _looks_like_release(data):
        releases = data["releases"]
        if not isinstance(releases, list):
            raise ValueError(not_ocds.format(what="'releases' that is not a list"))
        for pos, rel in enumerate(releases, 1):
            if not isinstance(rel, dict):
                raise ValueError(not_ocds.format(what=f"release {pos} ({_describe(rel)})"))
            yield rel
        return
    if "records" in data:
        records = data["records"]
        if not isinstance(records, list):
            raise ValueError(not_ocds.format(what="'records' that is not a list"))
        yield from _iter_records(records)
        return
    if _looks_like_release(data):
        yield data
        return
    raise ValueError(not_ocds.format(what=_describe(data)))


def _iter_records(records: list) -> Iterator[dict]:
    for pos, rec in enumerate(records, 1):
        if not isinstance(rec, dict):
            raise ValueError(f"record {pos} is not an OCDS record ({_describe(rec)})")
        compiled = rec.get("compiledRelease")
        if isinstance(compiled, dict):
            yield compiled
            continue
        releases = rec.get("releases")
        latest = _latest_release(releases) if isinstance(releases, list) else None
        if latest is None:
            raise ValueError(
                f"record {pos} ({rec.get('ocid', 'no ocid')}) has neither a compiledRelease "
                "nor any embedded release"
            )
        yield latest


# --------------------------------------------------------------------------- helpers


def _d(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _s(value: Any) -> str | None:
    """Non-empty stripped string, else None (numbers are turned into text)."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _text(value: Any) -> str | None:
    text = _s(value)
    return clean_rn_artefacts(text) if text else None


def _amount(obj: Any) -> Any:
    amount = _d(obj).get("amount")
    if amount is None or isinstance(amount, (dict, list, bool)):
        return None
    return amount if not isinstance(amount, str) or amount.strip() else None


def _period_nonempty(period: Any) -> bool:
    p = _d(period)
    return any(p.get(k) not in (None, "") for k in ("startDate", "endDate", "durationInDays",
                                                    "maxExtentDate"))  # fmt: skip


def _add_days(start: str, days: Any) -> str | None:
    try:
        n = float(days)
        begin = _dt.date.fromisoformat(str(start).strip()[:10])
    except (TypeError, ValueError):
        return None
    if n != n or n < 0 or n != int(n):  # NaN, negative or fractional: leave it alone
        return None
    return (begin + _dt.timedelta(days=int(n))).isoformat()


def _days_text(days: Any) -> str | None:
    try:
        n = float(days)
    except (TypeError, ValueError):
        return _s(days)
    if n != n:
        return None
    n_text = str(int(n)) if n == int(n) else str(n)
    return f"{n_text} day" if n == 1 else f"{n_text} days"


def _cpv_codes(sources: list[dict]) -> str | None:
    codes: list[str] = []
    for src in sources:
        for cls in [_d(src.get("classification"))] + _l(src.get("additionalClassifications")):
            scheme = (_s(cls.get("scheme")) or "").upper()
            code = _s(cls.get("id"))
            if code and scheme.startswith("CPV") and code not in codes:
                codes.append(code)
    return ";".join(codes) or None


def _address(party: dict) -> str | None:
    addr = _d(party.get("address"))
    parts: list[str] = []
    for key in ("streetAddress", "locality", "region", "postalCode", "countryName"):
        part = _s(addr.get(key))
        if part and part not in parts:
            parts.append(part)
    return ", ".join(parts) or None


def _company_number(party: dict, supplier: dict) -> str | None:
    for ident in [_d(party.get("identifier")), _d(supplier.get("identifier"))] + _l(
        party.get("additionalIdentifiers")
    ):
        scheme = (_s(ident.get("scheme")) or "").upper()
        if scheme.startswith("GB-COH") and _s(ident.get("id")):
            return _s(ident.get("id"))
    for pid in (_s(party.get("id")), _s(supplier.get("id"))):
        if pid and pid.upper().startswith("GB-COH-") and len(pid) > 7:
            return pid[7:]
    return None


def _sme(party: dict) -> str | None:
    scale = (_s(_d(party.get("details")).get("scale")) or "").lower()
    if scale in ("sme", "micro", "small", "medium", "selfemployed"):
        return "yes"
    if scale == "large":
        return "no"
    return None


def _renewal_text(obj: dict) -> str | None:
    """Extension text of a lot/contract/tender, or None when it says nothing about renewal."""
    text = _text(_d(obj.get("renewal")).get("description")) or _text(obj.get("renewalDescription"))
    if text:
        return text
    has = obj.get("hasRenewal")
    if has is False:
        return "None"
    if has is True:
        return "Renewal possible (no details given)"
    return None


def _is_meaningful_id(value: str | None) -> bool:
    return bool(value) and len(value) >= 6 and not value.isdigit()


# --------------------------------------------------------------------------- rows


def _release_rows(release: dict) -> Iterator[dict]:
    ocid = _s(release.get("ocid")) or _s(release.get("id")) or ""
    tender = _d(release.get("tender"))
    parties = {_s(p.get("id")): p for p in _l(release.get("parties")) if _s(p.get("id"))}
    buyer = _d(release.get("buyer"))
    council = _s(buyer.get("name")) or _s(_d(parties.get(_s(buyer.get("id")))).get("name"))
    buyer_parties = [p for p in parties.values() if "buyer" in _l_str(p.get("roles"))]
    if not council:
        council = next((_s(p.get("name")) for p in buyer_parties), None)
    lead = parties.get(_s(buyer.get("id"))) or {}
    if not buyer and buyer_parties:
        lead = buyer_parties[0]
    buyer_ids = _identifiers(buyer, _d(lead)) if (buyer or lead) else None
    joint = [
        name
        for p in buyer_parties
        if p is not lead and (name := _s(p.get("name"))) and name != council
    ]
    joint_buyers = "; ".join(dict.fromkeys(joint)) or None
    lots = _l(tender.get("lots"))
    lots_by_id = {_s(lot.get("id")): lot for lot in lots}
    awards = _l(release.get("awards"))
    awards_by_id = {_s(a.get("id")): a for a in awards}
    contracts = _l(release.get("contracts"))

    units: list[tuple[str, dict]]
    if contracts:
        units = [("contract", c) for c in contracts]
    elif awards:
        units = [("award", a) for a in awards]
    elif any(_period_nonempty(lot.get("contractPeriod")) for lot in lots):
        units = [("lot", lot) for lot in lots]
    else:
        units = [("release", release)]

    ids = [_s(u.get("id")) if kind != "release" else None for kind, u in units]
    unique_ids = len(set(ids)) == len(ids)

    for position, ((kind, unit), unit_id) in enumerate(zip(units, ids, strict=True), 1):
        contract = unit if kind == "contract" else {}
        award = unit if kind == "award" else {}
        if contract:
            award = _d(awards_by_id.get(_s(contract.get("awardID"))))
        lot: dict = unit if kind == "lot" else {}
        if not lot and kind in ("contract", "award"):
            related = [_s(x) for x in (award.get("relatedLots") or []) if _s(x)]
            if len(related) == 1 and related[0] in lots_by_id:
                lot = lots_by_id[related[0]]
            elif len(lots) == 1:
                lot = lots[0]
        if kind == "release" and len(lots) == 1:
            lot = lots[0]

        # reference: unique per row of the release
        if kind == "release":
            reference = ocid
        elif kind == "lot":
            reference = ocid if len(units) == 1 else f"{ocid}/lot-{unit_id or position}"
        elif len(units) == 1:
            reference = unit_id if _is_meaningful_id(unit_id) else ocid
        elif unit_id and unique_ids:
            reference = unit_id if ocid and unit_id.startswith(ocid) else f"{ocid}/{unit_id}"
        else:
            reference = f"{ocid}/{unit_id or kind}-{position}" if unit_id else f"{ocid}/{position}"

        # title / description
        tender_title = _text(tender.get("title"))
        title = _text(contract.get("title")) or _text(award.get("title"))
        if not title:
            lot_title = _text(lot.get("title")) if kind == "lot" else None
            if lot_title and tender_title and lot_title != tender_title:
                title = f"{tender_title} - {lot_title}"
            else:
                title = lot_title or tender_title or _text(release.get("title"))
        description = (
            _text(contract.get("description"))
            or (_text(lot.get("description")) if kind == "lot" else None)
            or _text(tender.get("description"))
            or _text(release.get("description"))
        )
        award_note = _text(award.get("description"))
        notes = award_note if award_note and award_note != description else None

        # CPV: tender-level codes, then items of this lot/award
        items = _l(award.get("items")) or _l(tender.get("items"))
        if kind == "lot":
            lot_id = _s(lot.get("id"))
            items = [i for i in items if _s(i.get("relatedLot")) in (None, lot_id)]
        cpv = _cpv_codes([tender, *items])

        # suppliers (award's; contracts carry none in OCDS 1.1)
        suppliers = _l(award.get("suppliers")) or _l(contract.get("suppliers"))
        names: list[str] = []
        for sup in suppliers:
            party = _d(parties.get(_s(sup.get("id"))))
            name = _s(sup.get("name")) or _s(party.get("name"))
            if name:
                names.append(name)
        supplier_name = "; ".join(names) or None
        company = address = sme = None
        if len(suppliers) == 1:
            party = _d(parties.get(_s(suppliers[0].get("id"))))
            company = _company_number(party, suppliers[0])
            address = _address(party) or _address(suppliers[0])
            sme = _sme(party) or _sme(suppliers[0])

        # period: contract > award > lot > tender
        period: dict = {}
        for cand in (contract, award, lot, tender):
            if _period_nonempty(cand.get("contractPeriod")):
                period = _d(cand.get("contractPeriod"))
                break
        start = _s(period.get("startDate"))
        end = _s(period.get("endDate"))
        max_end = _s(period.get("maxExtentDate"))
        duration = None
        days = period.get("durationInDays")
        if not end and days not in (None, ""):
            end = _add_days(start, days) if start else None
            if not end:
                duration = _days_text(days)

        # extension terms
        extension = None
        for cand in (contract, award, lot, tender):
            extension = _renewal_text(cand) if cand else None
            if extension:
                break

        # value
        value = _amount(contract.get("value")) if contract else None
        estimate = None
        if value is None and award:
            value = _amount(award.get("value"))
        if value is not None:
            estimate = "no"
        else:
            value = _amount(lot.get("value")) if lot else None
            if value is None:
                value = _amount(tender.get("value"))
            estimate = "yes" if value is not None else None

        details = _s(tender.get("procurementMethodDetails"))
        if details:
            details = details.rstrip(" -:").strip() or None
        route = details or _s(tender.get("procurementMethod"))

        # statusDetails carries a publisher's finer status (ours keeps "expired" there, which
        # OCDS's closed codelist folds into "terminated").
        status = (
            _s(contract.get("statusDetails"))
            or _s(contract.get("status"))
            or _s(award.get("status"))
        )
        award_date = _s(award.get("date")) or _s(contract.get("dateSigned"))

        row: dict[str, Any] = dict.fromkeys(ROW_FIELDS)
        row.update(
            reference=reference,
            title=title,
            description=description,
            cpv_codes=cpv,
            supplier_name=supplier_name,
            supplier_company_number=company,
            supplier_address=address,
            supplier_is_sme=sme,
            award_date=award_date,
            start_date=start,
            end_date=end,
            extension_terms=extension,
            max_end_date=max_end,
            value_total=value,
            value_is_estimate=estimate,
            procurement_route=route,
            status=status,
            notes=notes,
            contract_duration=duration,
            council_name=council,
            buyer_id=buyer_ids,
            joint_buyers=joint_buyers,
        )
        row["_source_ref"] = ocid or None
        yield row


def _identifiers(*orgs: dict) -> str | None:
    """A buyer's identifiers, "; "-separated: party ids and ``scheme-id`` identifiers."""
    found: list[str] = []
    for org in orgs:
        found.append(_s(org.get("id")) or "")
        for ident in [_d(org.get("identifier")), *_l(org.get("additionalIdentifiers"))]:
            scheme, ident_id = _s(ident.get("scheme")), _s(ident.get("id"))
            if ident_id:
                found.append(f"{scheme}-{ident_id}" if scheme else ident_id)
    return "; ".join(dict.fromkeys(i for i in found if i)) or None


def _l_str(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def iter_ocds_rows(data: object) -> Iterator[dict]:
    """Yield one contract row per contract/award/lot/release of parsed OCDS JSON ``data``.

    Raises ``ValueError`` (message contains "is not an OCDS release package") for JSON of any
    other shape; the shape is checked when this is called, before any row is produced.
    """
    releases = list(_iter_releases(data))
    return _rows(releases)


def _rows(releases: list[dict]) -> Iterator[dict]:
    n = 0
    for release in releases:
        for row in _release_rows(release):
            n += 1
            row["_source_row"] = n
            yield row
