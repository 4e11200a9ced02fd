"""Map a register's column headings to canonical contract fields.

Every heading is first normalised (:func:`normalise_heading`): lower case, ``&`` -> ``and``,
punctuation -> spaces, currency/VAT/yes-no qualifiers such as ``(£)``, ``(GBP)``, ``(inc VAT)``,
``(Y/N)`` dropped, whitespace collapsed.  Each column then gets *at most one* candidate field,
found by the first of these that applies:

1. ``saved``   -- the council's saved mapping, looked up by the heading as written, then by its
   normalised form.  A saved value of ``""`` or ``"extra"`` keeps the column unmapped.
2. ``synonym`` -- the normalised heading is a known heading of that field (:data:`SYNONYMS`).
   A few machine headings of flattened OCDS exports that are only fallbacks (``releases/0/title``
   when ``releases/0/tender/title`` is there, tender value when award value is there, ...) are
   *secondary* synonyms: reported as ``synonym`` but ranked below every primary synonym.
3. ``pattern`` -- token rules (a heading with "end"/"expiry" and "date" is ``end_date`` unless it
   speaks of a maximum or of extensions included, and so on; see ``_PATTERNS``).  Flattened OCDS
   paths (``releases/0/...``) never go through the token rules: only their synonyms, plus
   ``.../contactPoint/...`` -> ``contact``, apply.

Each canonical field is then given to one column only: saved beats synonym beats secondary
synonym beats pattern, and between equals the leftmost column wins.  Columns that lose, and
columns with no candidate, come back with ``field=None, how="extra"`` (the caller keeps them in
the contract's JSON ``extra``).  The one exception is ``contact`` (officer names, e-mails,
telephones: personal data): every such column maps to ``contact``, may take several columns, and
is kept in ``extra`` under its heading (shown to signed-in people only; docs/decisions.md), never in
an OCDS row and never in logs.  ``field is None`` always means "keep in extra", whatever ``how`` says.
The result is deterministic: it depends only on the headings, their order and the saved mapping.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from procurehub.contracts.fields import CANONICAL_FIELDS

__all__ = [
    "FIELDS",
    "IMPORTER_FIELDS",
    "MAPPED_FIELDS",
    "MULTI_COLUMN_FIELDS",
    "SYNONYMS",
    "ColumnMapping",
    "map_headings",
    "normalise_heading",
]

#: Canonical fields a column can map to, from the field registry (the council comes from the
#: upload; `extra` is where unmapped columns go).
MAPPED_FIELDS: tuple[str, ...] = tuple(
    f for f in CANONICAL_FIELDS if f not in ("council_code", "extra")
)
#: Targets that help read a row; the pipeline keeps their columns in `extra` too. The first two
#: are also contract fields (stored beside the canonical ones); the rest exist only here.
IMPORTER_FIELDS: tuple[str, ...] = (
    "category_label",
    "record_type",
    "contract_duration",
    "council_name",
    "buyer_id",
    "joint_buyers",
    "contact",
)
FIELDS: tuple[str, ...] = MAPPED_FIELDS + IMPORTER_FIELDS
#: Fields that may be taken by several columns (all personal-data columns go to ``contact``).
MULTI_COLUMN_FIELDS: frozenset[str] = frozenset({"contact"})

_EXTRA_VALUES = frozenset({"", "extra", "none", "ignore", "unmapped"})


class ColumnMapping(NamedTuple):
    heading: str
    field: str | None
    how: str  # "saved" | "synonym" | "pattern" | "extra"


# --------------------------------------------------------------------------- normalisation

_PAREN = re.compile(r"\(([^()]*)\)")
_QUALIFIER_WORDS = r"(?:gbp|£|pounds?|sterling|stg)"
_VAT = r"(?:(?:inc|incl|including|inclusive of|ex|exc|excl|excluding|exclusive of|net of|plus|\+)\s*\.?\s*vat|vat\s+(?:inc|incl|included|exc|excl|excluded))"
_YN = r"(?:y\s*/\s*n|yes\s*/\s*no|y\s+n|yes\s+no)"
_QUALIFIER_PAREN = re.compile(
    rf"^\s*(?:{_QUALIFIER_WORDS}|{_VAT}|{_YN}|{_QUALIFIER_WORDS}\s*,?\s*{_VAT}|{_VAT}\s*,?\s*{_QUALIFIER_WORDS}|in\s+{_QUALIFIER_WORDS})\s*\.?\s*$"
)
_TRAILING = re.compile(rf"(?:\s+|^)(?:{_QUALIFIER_WORDS}|{_VAT}|{_YN}|in\s+{_QUALIFIER_WORDS})\s*$")
_NON_WORD = re.compile(r"[^0-9a-z£+ ]+")
_SPACES = re.compile(r"\s+")


def normalise_heading(text: str) -> str:
    """Return the comparison form of a column heading.

    ``"Total Contract Value (£) (inc VAT)"`` -> ``"total contract value"``,
    ``"Contract Reference number / ID"`` -> ``"contract reference number id"``,
    ``"releases/0/awards/0/suppliers/0/name"`` -> ``"releases 0 awards 0 suppliers 0 name"``.
    Currency (``£``, ``GBP``), VAT (``inc VAT``, ``ex. VAT``) and yes/no (``Y/N``) qualifiers are
    always dropped, whether in brackets or trailing, so two spellings compare equal.
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "").lower()
    s = s.replace("&", " and ").replace("’", "").replace("'", "").replace("`", "")
    # bracketed qualifiers anywhere: "(£)", "(GBP)", "(inc VAT)", "(Y/N)", "(£, ex VAT)"
    s = _PAREN.sub(lambda m: " " if _QUALIFIER_PAREN.match(m.group(1)) else f" {m.group(1)} ", s)
    s = s.replace("£", " £ ")
    s = _NON_WORD.sub(" ", s.replace("+", " + "))
    s = _SPACES.sub(" ", s).strip()
    # trailing qualifiers without brackets: "value £", "value gbp inc vat", "sme y n"
    while True:
        t = _TRAILING.sub("", s).strip()
        if t == s:
            break
        s = t
    s = s.replace("£", " ").replace("+", " ")
    return _SPACES.sub(" ", s).strip()


# --------------------------------------------------------------------------- synonym table

#: canonical field -> headings as registers write them (normalised at import time).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "reference": (
        # LGA / Transparency Code
        "Reference Number",
        "Reference",
        "Contract Reference Number",
        "Contract Reference",
        # Scottish registers / PCS
        "Contract Reference number / ID",
        "Contract Id",
        "Contract ID",
        "Contract No",
        "Contract Number",
        "Contract Ref",
        "Contract Ref No",
        "Ref",
        "Ref No",
        "Our Ref",
        "Unique ID",
        "Agreement Reference",
        "Agreement Number",
        "Register Reference",
        "OCID",
        "Open Contracting ID",
        # Contracts Finder
        "Notice ID",
        "Notice Identifier",
        # flattened OCDS
        "releases/0/ocid",
        "ocid",
    ),
    "title": (
        "Title of Agreement",
        "Title",
        "Contract Title",
        "Contract Name",
        "Agreement Title",
        "Project Title",
        "Subject Matter",
        "Subject matter of the contract",
        "Contract Subject",
        "Award Title",
        "Notice Title",
        "releases/0/tender/title",
    ),
    "description": (
        "Description of the goods and/or services",
        "Description of the goods and/or services being provided",
        "Description of goods and services",
        "Description",
        "Contract Description",
        "Short Description",
        "Description of Contract",
        "Scope",
        "Award Description",
        "Notice Description",
        "releases/0/tender/description",
    ),
    "cpv_codes": (
        "CPV Code",
        "CPV Codes",
        "CPV Code(s)",
        "CPV",
        "Main CPV Code",
        "CPV URI",
        "Classification Code",
        "releases/0/tender/items/0/classification/id",
        "releases/0/tender/classification/id",
    ),
    "supplier_name": (
        "Supplier Name",
        "Supplier",
        "Suppliers",
        "Contractor",
        "Contractor Name",
        "Name of Contractor",
        "Name and address of contractor",
        "Name of the contractor",
        "Provider",
        "Provider Name",
        "Supplier Name and Details",
        "Awarded Supplier",
        "Successful Supplier",
        "Vendor",
        "Vendor Name",
        "releases/0/awards/0/suppliers/0/name",
    ),
    "supplier_company_number": (
        "Supplier Registration Number",
        "Company Registration Number",
        "Company Number",
        "Company Reg No",
        "Company Registration No",
        "Companies House Number",
        "Companies House Reference",
        "Companies House No",
        "Registered Company Number",
        "Supplier Registered Company Number",
        "Supplier Company Number",
        "Contractor Company Number",
        "CRN",
        "Supplier ID",
        "releases/0/awards/0/suppliers/0/identifier/id",
    ),
    "supplier_address": (
        "Supplier Address",
        "Contractor Address",
        "Address of Contractor",
        "Supplier Address - street address",
        "Supplier Postal Address",
        "releases/0/awards/0/suppliers/0/address/streetAddress",
    ),
    "supplier_is_sme": (
        "SME/VCSE",
        "SME / VCSE",
        "SME",
        "SME (Y/N)",
        "SME?",
        "Is SME",
        "Supplier is SME",
        "SME Status",
        "SME or VCSE",
        "Small or Medium Enterprise",
        "releases/0/awards/0/suppliers/0/sme",
    ),
    "award_date": (
        "Date of Award",
        "Award Date",
        "Date Awarded",
        "Date Contract Awarded",
        "Contract Award Date",
        "Date of award of contract",
        "releases/0/awards/0/date",
    ),
    "start_date": (
        "Start Date",
        "Contract Start Date",
        "Commencement Date",
        "Contract Commencement Date",
        "Start",
        "Date of Commencement",
        "Contract Start",
        "Start date of the contract",
        "releases/0/awards/0/contractPeriod/startDate",
    ),
    "end_date": (
        "End Date",
        "Contract End Date",
        "Expiry Date",
        "Contract Expiry Date",
        "Contract Expiry",
        "End Date (excluding extensions)",
        "End Date excluding extensions",
        "End Date (exc extensions)",
        "Current End Date",
        "Contract Current End Date",
        "Initial End Date",
        "End date of the contract",
        "End date of the contract disregarding any option to extend",
        "End date of the contract, disregarding any option to extend the contract",
        "releases/0/awards/0/contractPeriod/endDate",
    ),
    "extension_terms": (
        "Extension Period",
        "Extension Periods",
        "Extension Options",
        "Extension Option",
        "Extension Available",
        "Extensions Available",
        "Extension",
        "Extensions",
        "Options to Extend",
        "Option to Extend",
        "Extension Terms",
        "Possible Extension",
        "Renewal Options",
        "Duration of any period for which it can be extended",
        "Duration of any period for which the contract can be extended",
        "releases/0/tender/lots/0/renewal/description",
    ),
    "max_end_date": (
        "Max End Date (inc extensions)",
        "Max End Date",
        "Maximum End Date",
        "Contract Maximum End Date",
        "Final End Date",
        "Final Expiry Date",
        "End Date (including extensions)",
        "End Date inc extensions",
        "Expiry Date (including extensions)",
        "Latest End Date",
        "Extended End Date",
        "releases/0/awards/0/contractPeriod/maxExtentDate",
    ),
    "value_total": (
        "Total Value",
        "Value of Agreement",
        "Contract Value",
        "Total Contract Value",
        "Estimated Value",
        "Estimated Value of the Contract",
        "Estimated Total Value",
        "Estimated Contract Value",
        "Value",
        "Contract Award Value",
        "Award Value",
        "Sum to be paid over the length of the contract",
        "Whole Life Value",
        "Lifetime Value",
        "releases/0/awards/0/value/amount",
    ),
    "value_annual": (
        "Annual Value",
        "Annual Contract Value",
        "Estimated Annual Value",
        "Estimated Annual Spend",
        "Annual Spend",
        "Value per Annum",
        "Annual Cost",
        "Estimated annual spending or budget for the contract",
    ),
    "value_is_estimate": (
        "Value is Estimate",
        "Estimated (Y/N)",
        "Estimate?",
        "Is Estimate",
        "Value Estimated",
    ),
    "procurement_route": (
        "Procurement Process",
        "Procurement Route",
        "Procurement Route/Method",
        "Procurement Method",
        "Procurement Procedure",
        "Route to Market",
        "Procedure",
        "Procedure Type",
        "Framework",
        "Framework Name",
        "Invitation to quote or tender",
        "releases/0/tender/procurementMethodDetails",
    ),
    "status": (
        "Status",
        "Contract Status",
        "Current Status",
        "releases/0/awards/0/status",
    ),
    "collaboration_interest": (
        "Collaborative opportunity",
        "Collaborative Opportunity (Y/N)",
        "Open to collaboration",
        "Collaboration Interest",
        "Interest in Collaboration",
        "Joint Procurement",
        "Consider Joint Tender",
    ),
    "notes": (
        "Comments",
        "Comment",
        "Notes",
        "Note",
        "Remarks",
        "Additional Information",
    ),
    "category": (
        "Category Key",
        "ProcureHub Category",
    ),
    "extension_periods_months": (
        "extension_periods_months",
        "Extension periods (months)",
        "Extension Periods Months",
    ),
    "workstream": ("Workstream",),
    "category_label": (
        "Category",
        "Service Area",
        "Department",
        "Local authority department responsible",
        "Department Responsible",
        "Directorate",
        "Service",
        "Service Category",
        "Service Category Label",
        "Procurement Category",
        "Primary Procurement Category",
        "Portfolio",
        "Sub Category",
    ),
    "record_type": (
        "Record Type",
        "Contract Type",
        "Contract/PO",
        "Contract or PO",
        "PO or Contract",
        "Contract or Purchase Order",
        "Agreement Type",
        "Type",
    ),
    "contract_duration": (
        "Duration",
        "Contract Duration",
        "Term",
        "Contract Term",
        "Contract Length",
        "Length of Contract",
        "Initial Term",
        "Contract Period",
        "Duration (months)",
        "Duration of the contract",
    ),
    "council_name": (
        "Name of contracting authority",
        "Contracting Authority",
        "Council",
        "Council Name",
        "Authority",
        "Organisation",
        "Organisation Name",
        "Organisation Label",
        "Buyer Name",
        "Buyer",
        "Entity",
        "releases/0/buyer/name",
    ),
    # Who bought it, by identifier (a GSS code, an OCDS organisation identifier): see ingest.buyers
    "buyer_id": (
        "Buyer ID",
        "Buyer Identifier",
        "releases/0/buyer/id",
        "releases/0/buyer/identifier/id",
        "council_code",
        "GSS code",
        "Council GSS code",
        "Authority code",
    ),
    "contact": (
        "Contract Owner",
        "Contract Manager",
        "Lead Officer",
        "Responsible Officer",
        "Contact",
        "Contact Name",
        "Contact Details",
        "Email",
        "E-mail",
        "Email Address",
        "Telephone",
        "Phone",
        "Officer",
        "Buyer Contact",
        "Nominated contact point",
        "Nominated contact point: name",
        "Nominated contact point: email",
        "Nominated contact point: URL",
        "releases/0/buyer/contactPoint/name",
        "releases/0/buyer/contactPoint/email",
        "releases/0/buyer/contactPoint/telephone",
    ),
}

#: Fallback headings (flattened OCDS): reported as ``synonym`` but outranked by any primary one.
SECONDARY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "reference": ("releases/0/id", "releases/0/awards/0/id"),
    "title": ("releases/0/title", "releases/0/awards/0/title"),
    "description": ("releases/0/description", "releases/0/awards/0/description"),
    "start_date": ("releases/0/tender/contractPeriod/startDate",),
    "end_date": ("releases/0/tender/contractPeriod/endDate",),
    "max_end_date": ("releases/0/tender/contractPeriod/maxExtentDate",),
    "value_total": ("releases/0/tender/value/amount",),
    "procurement_route": ("releases/0/tender/procurementMethod",),
    "supplier_company_number": ("releases/0/awards/0/suppliers/0/id",),
}

# Headings that must stay in ``extra`` even though a token rule would catch them.
_KNOWN_EXTRA: tuple[str, ...] = (
    "Review Date",
    "VAT not recoverable",
    "Irrecoverable VAT",
    "Value Added Tax that cannot be recovered",
    "Published Date",
    "Award Value - currency",
    "Classification Description",
    "Classification Scheme",
    "Supplier ID-scheme",
    "Buyer ID-scheme",
    "CPV Label",
    "CPV Description",
    "Supplier Charity Number",
    "Charity Number",
)


def _build_index(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for field, headings in table.items():
        if field not in FIELDS:  # pragma: no cover - table sanity
            raise ValueError(f"synonym table names unknown field {field!r}")
        for heading in headings:
            key = normalise_heading(heading)
            other = index.setdefault(key, field)
            if other != field:  # pragma: no cover - table sanity
                raise ValueError(f"heading {heading!r} listed for {other!r} and {field!r}")
    return index


_PRIMARY = _build_index(SYNONYMS)
_SECONDARY = _build_index(SECONDARY_SYNONYMS)
_EXTRA_KEYS = frozenset(normalise_heading(h) for h in _KNOWN_EXTRA)


# --------------------------------------------------------------------------- token rules

_SUPPLIER = {
    "supplier",
    "suppliers",
    "contractor",
    "contractors",
    "provider",
    "providers",
    "vendor",
}
_MAXW = {"max", "maximum", "final", "latest", "ultimate", "longstop", "longest", "absolute"}
_EXTW = {"extension", "extensions", "extended", "extend", "renewal", "renewals"}
_EXCW = {"exc", "excl", "excluding", "exclusive", "without", "disregarding", "before", "initial",
         "original", "current", "not"}  # fmt: skip
_ENDW = {"end", "expiry", "expire", "expires", "expiration", "finish", "ends", "termination"}
_MONEY = {"value", "values", "cost", "costs", "spend", "amount", "price", "worth", "budget", "sum"}
_ANNUAL = {"annual", "annually", "yearly", "pa", "annum", "year", "yr"}
_ORG = {"council", "authority", "buyer", "organisation", "organization", "purchaser", "entity"}
_REF_OK = {"contract", "agreement", "notice", "tender", "unique", "our", "council", "internal",
           "register", "record", "the", "of", "no", "number", "id", "identifier", "ref",
           "reference", "code", "project", "system", "po", "order", "purchase"}  # fmt: skip
_SUPPLIER_NAME_OK = _SUPPLIER | {"name", "names", "awarded", "successful", "the", "of", "legal",
                                 "trading", "main", "lead", "organisation", "company", "prime"}  # fmt: skip


def _pattern_field(tokens: list[str]) -> str | None:
    t = set(tokens)
    joined = " " + " ".join(tokens) + " "
    has_date = bool(t & {"date", "dates", "dt"})
    # notes about a contract ("Officer Notes", "Manager's comments") are notes, not people
    if t & {"notes", "note", "comments", "comment", "remarks"} and not t & {
        "email",
        "telephone",
        "phone",
    }:
        return "notes"
    # personal data first: these must never fall into extra
    if (
        t & {"email", "telephone", "phone", "tel", "mobile", "officer", "contact", "owner"}
        or " e mail " in joined
        or ("manager" in t and not t & _MONEY)
    ):
        return "contact"
    company_words = {"number", "no", "reg", "registration", "house", "registered", "id"}
    if (t & {"company", "companies", "crn"} and t & company_words) or (
        t & _SUPPLIER and t & {"registration", "registered"}
    ):
        return "supplier_company_number"
    if t & {"sme", "smes", "vcse"}:
        return "supplier_is_sme"
    if t & _SUPPLIER and t & {"address", "postcode", "location"}:
        return "supplier_address"
    ends = bool(t & _ENDW)
    if (ends or (has_date and t & _EXTW)) and (t & _MAXW or (t & _EXTW and not t & _EXCW)):
        return "max_end_date"
    if ends and (has_date or t & {"expiry", "expiration"} or tokens[-1] in _ENDW):
        return "end_date"
    starts = t & {"start", "commencement", "commence", "commences", "commencing", "begin"}
    if (starts and (has_date or t & {"commencement", "start"})) or ("effective" in t and has_date):
        return "start_date"
    if t & {"award", "awarded"} and has_date:
        return "award_date"
    if t & _EXTW or t & {"extendable", "renew"} or " options to extend " in joined:
        return None if has_date else "extension_terms"
    if t & {"duration", "term", "length", "months", "years"} and not has_date and not t & _MONEY:
        return "contract_duration"
    if t & _MONEY and not t & {"currency", "band", "bands", "banding"}:
        if t & _ANNUAL or any(p in joined for p in (" per annum ", " per year ", " p a ")):
            return "value_annual"
        return "value_total"
    if t & {"estimate", "estimated", "estimation"}:
        return "value_is_estimate"
    if "cpv" in t:
        return "cpv_codes"
    if t & _SUPPLIER and t <= _SUPPLIER_NAME_OK:
        return "supplier_name"
    if t & {"ref", "reference", "refno"} or (
        t & {"id", "no", "number", "identifier"} and t <= _REF_OK
    ):
        return "reference"
    if "title" in t or " subject matter " in joined:
        return "title"
    if t & {"description", "summary", "scope", "details"} and not t & {
        "classification",
        "item",
        "cpv",
    }:
        return "description"
    if t & _ORG and t <= _ORG | {"name", "the", "of", "contracting", "label", "purchasing"}:
        return "council_name"
    if t & {"collaboration", "collaborative", "collaborate", "joint", "shared"}:
        return "collaboration_interest"
    if "type" in t and t & {"record", "po", "order", "contract", "agreement"}:
        return "record_type"
    if t & {"route", "procedure", "method", "process", "framework", "frameworks"}:
        return "procurement_route"
    if t & {"category", "department", "directorate", "portfolio", "division", "service", "area",
            "function", "team"}:  # fmt: skip
        return "category_label"
    if "status" in t:
        return "status"
    if t & {"comments", "comment", "notes", "note", "remarks"}:
        return "notes"
    if "workstream" in t:
        return "workstream"
    return None


_OCDS_PATH = re.compile(r"(?:^|/)(?:releases|records|awards|contracts|tender|buyer|parties)/")


def _candidate(heading: str, key: str) -> tuple[str | None, int]:
    """(field, rank) for one heading without saved mapping; rank 1 synonym, 2 secondary, 3 pattern."""
    if key in _PRIMARY:
        return _PRIMARY[key], 1
    if key in _SECONDARY:
        return _SECONDARY[key], 2
    if not key or key in _EXTRA_KEYS:
        return None, 0
    raw = str(heading)
    if _OCDS_PATH.search(raw) or raw.startswith(("publisher/", "extensions/")):
        if "contactpoint/" in raw.lower():
            return "contact", 3
        return None, 0
    field = _pattern_field(key.split())
    return field, (3 if field else 0)


def map_headings(headings: list[str], saved: dict[str, str] | None = None) -> list[ColumnMapping]:
    """Map each heading (in order) to a canonical field; see the module docstring for the rules.

    ``saved`` maps a heading (as written, or normalised) to a field name, or to ``""``/``"extra"``
    to keep that column unmapped.  Unknown field names in ``saved`` raise ``ValueError``.
    Returns one :class:`ColumnMapping` per heading, same order, same length.
    """
    saved_exact: dict[str, str] = {}
    saved_norm: dict[str, str] = {}
    for k, v in (saved or {}).items():
        target = "" if v is None else str(v).strip()
        if target.lower() in _EXTRA_VALUES:
            target = ""
        elif target not in FIELDS:
            raise ValueError(f"saved mapping for heading {k!r} names unknown field {v!r}")
        saved_exact[str(k)] = target
        saved_norm.setdefault(normalise_heading(k), target)

    # (field, rank, how) per column; rank 0 = saved
    cands: list[tuple[str | None, int, str]] = []
    for heading in headings:
        text = "" if heading is None else str(heading)
        key = normalise_heading(text)
        if text in saved_exact or text.strip() in saved_exact:
            target = saved_exact.get(text, saved_exact.get(text.strip(), ""))
            cands.append((target or None, 0, "saved"))
            continue
        if key in saved_norm:
            cands.append((saved_norm[key] or None, 0, "saved"))
            continue
        field, rank = _candidate(text, key)
        how = "synonym" if rank in (1, 2) else ("pattern" if rank == 3 else "extra")
        cands.append((field, rank, how))

    winner: dict[str, int] = {}
    for idx, (field, _rank, _how) in sorted(
        enumerate(cands), key=lambda item: (item[1][1], item[0])
    ):
        if field is None or field in MULTI_COLUMN_FIELDS:
            continue
        winner.setdefault(field, idx)

    out: list[ColumnMapping] = []
    for idx, (heading, (field, _rank, how)) in enumerate(zip(headings, cands, strict=True)):
        text = "" if heading is None else str(heading)
        if field is None:
            out.append(ColumnMapping(text, None, "saved" if how == "saved" else "extra"))
        elif field in MULTI_COLUMN_FIELDS or winner.get(field) == idx:
            out.append(ColumnMapping(text, field, how))
        else:
            out.append(ColumnMapping(text, None, "extra"))
    return out
