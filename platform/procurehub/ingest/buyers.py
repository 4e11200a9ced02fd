"""Files that name their buyers: whose contract each row is, and which hub council that is.

Public notice files (OCDS releases and records, Contracts Finder CSV, flattened OCDS) list the
contracts of many buyers. Filing every row under the council that uploaded the file put 341
contracts of Dumfries and Galloway and other buyers under North Lanarkshire (issue 8), so a row
that names its buyer is only ever filed under the hub council that buyer *is* (DESIGN §6):

- an ordinary upload keeps the uploader's own rows and refuses every other buyer's row with a
  message naming that buyer;
- a coordinator's deliberate import of a public file ("all buyers") files each row under the hub
  council its buyer matches, and reports buyers that match no council by name: never guessed.

A buyer matches a council by identifier (a GSS code anywhere in one of its identifiers, e.g.
``GB-GSS-S12000006``, or the council's own code) or else by name, compared after
:func:`normalise_council_name`. Nothing fuzzier: two spellings that differ in more than case,
punctuation, "The", "Council" and "&"/"and" are different buyers, and a name two hub councils
share matches neither. A file with no buyer information is unaffected.

Pure Python: the councils come in as plain ``(code, name)`` pairs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from procurehub.ingest.synonyms import ColumnMapping
from procurehub.ingest.text import clean_text

__all__ = [
    "BUYER_FIELDS",
    "Buyer",
    "BuyerColumns",
    "CouncilMatcher",
    "Route",
    "normalise_council_name",
    "route_row",
]

#: Mapped fields that say who bought a row's contract: the lead buyer's name and identifiers,
#: and the other buyers of a joint procurement (OCDS parties with the role "buyer").
BUYER_FIELDS = ("council_name", "buyer_id", "joint_buyers")
#: Separator of several identifiers or joint buyers in one cell.
LIST_SEPARATOR = "; "

_GSS_RE = re.compile(r"(?<![A-Za-z0-9])([ENSWensw]\d{8})(?![0-9])")
_PUNCTUATION_RE = re.compile(r"[^\w\s]")
_DROPPED_WORDS = frozenset({"council", "the"})


def normalise_council_name(name: str) -> str:
    """A council's name as compared: case, accents, punctuation, "The", "Council", "&" ignored.

    "The City of Edinburgh Council" and "City of Edinburgh" compare equal, as do "Dumfries &
    Galloway Council" and "DUMFRIES AND GALLOWAY"; "Fife Council" and "Fife College" do not.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _PUNCTUATION_RE.sub(" ", text.replace("&", " and "))
    return " ".join(word for word in text.split() if word not in _DROPPED_WORDS)


@dataclass(frozen=True)
class Buyer:
    """Who a row says bought the contract, as the file wrote it."""

    name: str | None
    identifiers: tuple[str, ...] = ()
    joint: tuple[str, ...] = ()  # names of the other buyers of a joint procurement

    @property
    def label(self) -> str:
        """How the buyer is named to people: its name, else its first identifier."""
        return self.name or (self.identifiers[0] if self.identifiers else "an unnamed buyer")


class CouncilMatcher:
    """Finds the hub council a buyer is, by identifier or by name, never by a guess."""

    def __init__(self, councils: Iterable[tuple[str, str]]) -> None:
        self.names: dict[str, str] = {}  # code -> name as the hub writes it
        by_name: dict[str, set[str]] = {}
        for code, name in councils:
            self.names[code] = name
            key = normalise_council_name(name or "")
            if key:
                by_name.setdefault(key, set()).add(code)
        # A name two councils share identifies neither.
        self._by_name = {
            key: next(iter(codes)) for key, codes in by_name.items() if len(codes) == 1
        }
        self._by_code = {code.casefold(): code for code in self.names}

    def by_identifier(self, identifier: str) -> str | None:
        text = identifier.strip()
        for gss in _GSS_RE.findall(text):
            code = self._by_code.get(gss.casefold())
            if code:
                return code
        folded = text.casefold()
        if folded in self._by_code:
            return self._by_code[folded]
        # ProcureHub's own OCDS export names a council without a GSS code "<prefix>-council-CODE".
        _, marker, tail = folded.rpartition("-council-")
        return self._by_code.get(tail) if marker else None

    def by_name(self, name: str | None) -> str | None:
        return self._by_name.get(normalise_council_name(name)) if name else None

    def council_of(self, buyer: Buyer) -> str | None:
        """The council the lead buyer is: an identifier says so first, else the name."""
        for identifier in buyer.identifiers:
            code = self.by_identifier(identifier)
            if code:
                return code
        return self.by_name(buyer.name)

    def councils_of(self, buyer: Buyer) -> list[str]:
        """Every hub council among the buyers, the lead buyer first."""
        found = [self.council_of(buyer), *(self.by_name(name) for name in buyer.joint)]
        return list(dict.fromkeys(code for code in found if code))


class BuyerColumns:
    """Where a table's rows name their buyer; ``from_mapping`` is None when they do not."""

    def __init__(self, name: int | None, identifiers: int | None, joint: int | None) -> None:
        self.name, self.identifiers, self.joint = name, identifiers, joint

    @classmethod
    def from_mapping(cls, mapping: Sequence[ColumnMapping]) -> BuyerColumns | None:
        where: dict[str, int] = {}
        for index, column in enumerate(mapping):
            if column.field in BUYER_FIELDS:
                where.setdefault(column.field, index)
        if "council_name" not in where and "buyer_id" not in where:
            return None
        return cls(where.get("council_name"), where.get("buyer_id"), where.get("joint_buyers"))

    @property
    def heading_index(self) -> int:
        """The column a refusal points at: the buyer's name, else its identifier."""
        return self.name if self.name is not None else self.identifiers  # type: ignore[return-value]

    def read(self, raw: Sequence[Any]) -> Buyer | None:
        """The row's buyer, or None when its buyer cells are empty (the row is then unaffected)."""
        name = clean_text(raw[self.name]) if self.name is not None else None
        identifiers = _split(raw[self.identifiers]) if self.identifiers is not None else ()
        if not name and not identifiers:
            return None
        joint = _split(raw[self.joint]) if self.joint is not None else ()
        return Buyer(name or None, identifiers, joint)


def _split(value: Any) -> tuple[str, ...]:
    text = clean_text(value) if value is not None else None
    if not text:
        return ()
    return tuple(part.strip() for part in text.split(LIST_SEPARATOR.strip()) if part.strip())


@dataclass(frozen=True)
class Route:
    """Where one row goes. ``council_code`` is None when it is not imported; then ``message``
    says why, naming the buyer, and ``refused`` tells an error (the row counts as rejected)
    from a note (a buyer outside the hub in an all-buyers import, reported and skipped)."""

    council_code: str | None
    message: str | None = None
    refused: bool = False


def route_row(
    buyer: Buyer | None,
    matcher: CouncilMatcher,
    *,
    uploader: str | None,
    all_buyers: bool,
) -> Route:
    """Decide which hub council a row is filed under (DESIGN §6).

    ``uploader`` is the code of the council the upload is for (None only in an all-buyers
    import without one). A row that names no buyer belongs to the uploader; one that names a
    buyer belongs to the council that buyer is, and only an all-buyers import files rows under
    a council other than the uploader's.
    """
    if buyer is None:
        if uploader is None:
            return Route(
                None,
                "This row names no buyer, so it belongs to no council: import the file for one "
                "council to file such rows under it",
                refused=True,
            )
        return Route(uploader)
    councils = matcher.councils_of(buyer)
    if all_buyers:
        if councils:
            return Route(councils[0])
        return Route(
            None,
            f"Buyer is {buyer.label}, which is not a council in the hub: row not imported "
            "(add the council to the hub first if it should be)",
        )
    if uploader in councils:
        return Route(uploader)
    ours = matcher.names.get(uploader or "", uploader or "your council")
    if councils:
        return Route(
            None,
            f"Buyer is {buyer.label}, not {ours}: import it as that council, or ask a "
            "coordinator to import the public file",
            refused=True,
        )
    return Route(
        None,
        f"Buyer is {buyer.label}, not {ours}: another buyer's contract cannot be filed under "
        f"{ours}; a coordinator can import the public file for the councils in the hub",
        refused=True,
    )
