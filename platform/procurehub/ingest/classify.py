"""Classify a council contract into one workstream category (or ``unclassified``).

Every contract in an uploaded register must land in exactly one category owned by a
workstream plugin (``waste.bulky``, ``fleet.rcv``, ``digital.housing_management_system``) so
that renewals can be aligned across councils; anything that belongs to no workstream is
``unclassified``. Registers rarely say which category a contract is in, so the classifier uses
the evidence in order of how much a person stands behind it:

1. ``explicit``    - the row names a category (full key, short key or label);
2. ``saved_label`` - the coordinator already decided where this council's own category label
   goes (including "nowhere": ``unclassified``);
3. ``cpv``         - CPV codes, most specific first, since they are chosen by a procurement
   officer from a controlled vocabulary;
4. ``label``       - words in the council's own category label;
5. ``keywords``    - words in the title, then in the description;
6. ``label``       - the council's label names a workstream ("Waste - Skip hire", "ICT /
   Digital", "Fleet: fuel cards") but no category of it: the category of that workstream a
   word of the label points to, else the workstream's general category;
7. ``none``        - nothing matched.

Broad "catch-all" categories (``waste.other``, ``fleet.other``, ``fleet.other_vehicles``,
``digital.other_software``) are only used when nothing more specific matches, because an
opportunity in "other waste services" is much less useful to the workstream than one in
"food waste".

A label that names one workstream (its key, its title or one of the names its plugin gives,
e.g. "ICT" for digital) is the council saying where the contract belongs, so:

* among the matches in one text (label, title or description), that workstream's category
  wins ("Digital - Fleet management system" is ``digital.fleet_management_system``);
* a specific category of another workstream still wins (a "Waste" label on "Refuse collection
  vehicles" is ``fleet.rcv``: the specific words are stronger evidence than a department);
* otherwise the row is never ``unclassified``: a word of the label that only one category of
  the workstream uses ("Fleet - tyre supply" → maintenance) picks it; else a catch-all of the
  workstream that the label, title, description or CPV codes match ("Fleet", "Purchase of
  motor vehicles" → ``fleet.other_vehicles``); else the workstream's general category (its
  catch-all keyed ``other``, else its first catch-all). Catch-alls of other workstreams (a
  generic software CPV code on a "Waste" row) give way to the label.

A label naming two workstreams ("Waste - collection vehicles") names neither.

Why it is built this way:

* It runs once per row on 100,000-row registers in which the same titles repeat (lots,
  call-offs, purchase orders), so results are memoised on the argument tuple and the text
  matching on the text itself, and all keyword phrases are compiled into one alternation.
* It is pure Python (no Flask, no SQLAlchemy) so the importer, the CLI and tests can use it
  without an application context. Rules are built from the plugins' ``CategorySpec`` objects
  by :func:`rules_from_specs`.
* It never raises on cell values: ``None``, pandas ``NaN`` and numbers are accepted wherever
  text or CPV codes are expected.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from procurehub.contracts.fields import UNCLASSIFIED
from procurehub.plugins import CategorySpec

__all__ = [
    "UNCLASSIFIED",
    "CategoryRule",
    "Classification",
    "Classifier",
    "normalise_label",
    "rules_from_specs",
]

_CACHE_SIZE = 65_536

# Apostrophes are dropped ("Children's" -> "childrens") rather than turned into a space, so a
# possessive does not leave a stray "s" word behind; all other punctuation separates words.
_APOSTROPHES_RE = re.compile(r"['\u2018\u2019`]")
_SEPARATORS_RE = re.compile(r"[\W_]+")
# A CPV code is 8 digits, optionally followed by a check digit ("90513100-7"). Seven digits is
# a code that lost its leading zero in Excel. Longer digit runs are not CPV codes.
_CPV_RE = re.compile(r"(?<!\d)\d{7,8}(?!\d)")
_PLURAL_ES_ENDINGS = ("s", "x", "z", "ch", "sh")
_VOWELS = frozenset("aeiou")


@dataclass(frozen=True)
class CategoryRule:
    """What the classifier needs to know about one category.

    ``catch_all`` marks a broad parent category ("waste.other", "fleet.other_vehicles",
    "digital.other_software"): it is used only when nothing more specific matches, so a
    generic CPV code or a phrase like "waste services" never hides a specific category.
    """

    key: str
    label: str
    cpv_codes: tuple[str, ...]
    keywords: tuple[str, ...]
    catch_all: bool = False


@dataclass(frozen=True)
class Classification:
    """The category chosen for a contract and which evidence chose it.

    ``category`` is a full key (``waste.bulky``) or ``"unclassified"``. ``how`` is one of
    ``"explicit"``, ``"saved_label"``, ``"cpv"``, ``"label"``, ``"keywords"``, ``"none"``; the
    import summary shows it so a coordinator can tell a guess from a decision.
    """

    category: str
    how: str


def normalise_label(text: str) -> str:
    """Lowercase, ``&`` -> ``and``, punctuation stripped, spaces collapsed.

    This is the key of a council's saved label mapping, so "Waste & Recycling",
    "waste and recycling" and "WASTE  AND RECYCLING " are the same label. Underscores count as
    punctuation, so the short key ``fleet_management_system`` normalises like its label.
    """
    text = _APOSTROPHES_RE.sub("", text.casefold().replace("&", " and "))
    return _SEPARATORS_RE.sub(" ", text).strip()


def rules_from_specs(specs: Iterable[tuple[str, CategorySpec]]) -> list[CategoryRule]:
    """Build rules from ``(plugin_key, spec)`` pairs, keeping their order.

    The order matters: it breaks ties between equally good matches. A spec whose short key
    starts with ``other`` is a catch-all (the plugins' convention for their broad parent
    category).
    """
    return [
        CategoryRule(
            key=f"{plugin_key}.{spec.key}",
            label=spec.label,
            cpv_codes=tuple(spec.cpv_codes),
            keywords=tuple(spec.keywords),
            catch_all=spec.key.startswith("other"),
        )
        for plugin_key, spec in specs
    ]


def _as_text(value: object) -> str:
    """A cell as stripped text; ``None`` and ``NaN`` (pandas' blank cell) are empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return (value if isinstance(value, str) else str(value)).strip()


def _cpv8(raw: object) -> list[str]:
    """Every CPV code in one cell, as 8 digits without the check digit."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    elif isinstance(raw, float):
        if raw != raw or not raw.is_integer():
            return []
        raw = str(int(raw))
    return [code.zfill(8) for code in _CPV_RE.findall(_as_text(raw))]


def _cpv_prefix(code: str) -> str:
    """The hierarchical prefix a rule code stands for: trailing zeros mean "any digit".

    At least two digits (the CPV division) are kept, so ``00000000`` cannot match everything.
    """
    stripped = code.rstrip("0")
    return stripped if len(stripped) >= 2 else code[:2]


def _plural_forms(phrase: str) -> list[str]:
    """Simple English plurals of a phrase's last word: van -> vans, bus -> buses, lorry -> lorries."""
    forms = [phrase + "s"]
    if phrase.endswith(_PLURAL_ES_ENDINGS):
        forms.append(phrase + "es")
    if len(phrase) > 1 and phrase.endswith("y") and phrase[-2] not in _VOWELS:
        forms.append(phrase[:-1] + "ies")
    return forms


# Words that say nothing about which category a label means ("Fleet - Supply and Services").
_LABEL_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "contract",
        "contracts",
        "for",
        "general",
        "goods",
        "in",
        "management",
        "misc",
        "miscellaneous",
        "of",
        "or",
        "other",
        "provision",
        "service",
        "services",
        "supplies",
        "supply",
        "the",
        "to",
        "various",
        "works",
    }
)


def _word_forms(word: str) -> tuple[str, ...]:
    """A word and its simple singular ("tyres" -> "tyre"), so plurals meet singulars."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return (word, word[:-1])
    return (word,)


class _PhraseMatcher:
    """Finds which rules' phrases occur in a text, on word boundaries.

    All phrases (and their plurals) go into one alternation, longest first, scanned left to
    right without overlaps: at each position the longest phrase wins, and a word consumed by
    one phrase is not reused by a later one. So "refuse collection vehicles" is one match for
    ``fleet.rcv`` (not also "refuse collection" for ``waste.collection``), and in "food waste
    treatment" the word "waste" belongs to "food waste", which is what the title is about.
    """

    def __init__(self, owners: Mapping[str, Sequence[int]], catch_all: Sequence[bool]):
        self._owners = {phrase: tuple(indexes) for phrase, indexes in owners.items() if phrase}
        self._catch_all = catch_all
        # A phrase that is itself listed keeps its identity ("vans" is listed as well as "van").
        self._canonical: dict[str, str] = {phrase: phrase for phrase in self._owners}
        for phrase in self._owners:
            for plural in _plural_forms(phrase):
                self._canonical.setdefault(plural, phrase)
        alternatives = sorted(self._canonical, key=lambda p: (-len(p), p))
        self.pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)")
            if alternatives
            else None
        )
        self._scores = functools.lru_cache(maxsize=_CACHE_SIZE)(self._score)

    def _score(self, text: str) -> tuple[tuple[int, int], ...]:
        """(rule index, score) of every rule with a phrase in the text.

        A rule's score is the length of its longest matching phrase (a more specific phrase
        wins).
        """
        if self.pattern is None or not text:
            return ()
        scores: dict[int, int] = {}
        for match in self.pattern.finditer(normalise_label(text)):
            phrase = self._canonical[match.group()]
            length = len(phrase)
            for index in self._owners[phrase]:
                if scores.get(index, 0) < length:
                    scores[index] = length
        return tuple(scores.items())

    def best(
        self, text: str, among: frozenset[int] | None = None
    ) -> tuple[int | None, int | None]:
        """(best specific rule index, best catch-all rule index) for a raw text, or None.

        Only rules in ``among`` count when it is given; ties go to the earlier rule.
        """
        specific: tuple[int, int] | None = None
        catch_all: tuple[int, int] | None = None
        for index, score in self._scores(text):
            if among is not None and index not in among:
                continue
            candidate = (score, -index)
            if self._catch_all[index]:
                if catch_all is None or candidate > catch_all:
                    catch_all = candidate
            elif specific is None or candidate > specific:
                specific = candidate
        return (
            None if specific is None else -specific[1],
            None if catch_all is None else -catch_all[1],
        )


class Classifier:
    """Classifies contracts against a fixed set of category rules.

    Build one per import (rules and the council's saved label mapping do not change during an
    upload) and call :meth:`classify` for every row; repeated rows are answered from a cache.
    ``label_mapping`` maps a council's own category label (normalised with
    :func:`normalise_label`; raw labels are normalised here too) to a full key or
    ``"unclassified"``. A mapping to a key that is no longer known (a plugin was disabled) is
    ignored rather than trusted, so the row is still classified from its other evidence.
    """

    def __init__(
        self,
        rules: Iterable[CategoryRule],
        label_mapping: Mapping[str, str] | None = None,
        workstream_names: Mapping[str, Iterable[str]] | None = None,
    ):
        self._rules: tuple[CategoryRule, ...] = tuple(rules)
        self._index: dict[str, int] = {}
        for index, rule in enumerate(self._rules):
            if rule.key in self._index or rule.key == UNCLASSIFIED:
                raise ValueError(f"duplicate or reserved category key {rule.key!r}")
            self._index[rule.key] = index
        catch_all = [rule.catch_all for rule in self._rules]

        # Explicit names: a normalised label or short key -> the full keys it could mean. Short
        # keys of catch-all rules are left out: a register whose category column says "Other"
        # means "none of your headings", not "waste.other".
        names: dict[str, set[str]] = {}
        for rule in self._rules:
            names.setdefault(normalise_label(rule.label), set()).add(rule.key)
            if not rule.catch_all:
                short = rule.key.partition(".")[2] or rule.key
                names.setdefault(normalise_label(short), set()).add(rule.key)
        self._explicit_names = {
            name: next(iter(keys)) for name, keys in names.items() if name and len(keys) == 1
        }

        self._label_mapping: dict[str, str] = {}
        for label, key in (label_mapping or {}).items():
            name, value = normalise_label(_as_text(label)), _as_text(key).lower()
            if name and (value == UNCLASSIFIED or value in self._index):
                self._label_mapping[name] = value

        # CPV: rule prefix -> earliest rule with that prefix (rule order breaks ties).
        self._cpv_prefixes: dict[str, int] = {}
        for index, rule in enumerate(self._rules):
            for raw in rule.cpv_codes:
                for code in _cpv8(raw):
                    self._cpv_prefixes.setdefault(_cpv_prefix(code), index)

        keyword_owners: dict[str, list[int]] = {}
        for index, rule in enumerate(self._rules):
            for keyword in rule.keywords:
                _add_owner(keyword_owners, normalise_label(keyword), index)
        label_owners = {phrase: list(indexes) for phrase, indexes in keyword_owners.items()}
        for index, rule in enumerate(self._rules):
            _add_owner(label_owners, normalise_label(rule.label), index)
        self._keywords = _PhraseMatcher(keyword_owners, catch_all)
        self._labels = _PhraseMatcher(label_owners, catch_all)
        self._init_workstreams(workstream_names or {})

        self._cached = functools.lru_cache(maxsize=_CACHE_SIZE)(self._classify)

    def _init_workstreams(self, extra_names: Mapping[str, Iterable[str]]) -> None:
        """Names of each workstream, its rules, its general category and its telling words."""
        workstreams: dict[str, list[int]] = {}
        for index, rule in enumerate(self._rules):
            workstreams.setdefault(rule.key.partition(".")[0], []).append(index)
        self._workstream_rules = {w: frozenset(ix) for w, ix in workstreams.items()}

        owners: dict[str, set[str]] = {}
        for workstream in workstreams:
            names = [workstream, *extra_names.get(workstream, ())]
            for name in names:
                normalised = normalise_label(_as_text(name))
                if normalised:
                    owners.setdefault(normalised, set()).add(workstream)
        # A name two workstreams claim names neither.
        self._workstream_of_name = {n: next(iter(w)) for n, w in owners.items() if len(w) == 1}
        alternatives = sorted(self._workstream_of_name, key=lambda n: (-len(n), n))
        self._workstream_names_re = (
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)")
            if alternatives
            else None
        )

        # The general category: the catch-all keyed "<workstream>.other", else the first one.
        self._general: dict[str, int] = {}
        for workstream, indexes in workstreams.items():
            catch_alls = [i for i in indexes if self._rules[i].catch_all]
            named_other = [i for i in catch_alls if self._rules[i].key.endswith(".other")]
            if named_other or catch_alls:
                self._general[workstream] = (named_other or catch_alls)[0]

        # Telling words: a word of a category's label or keywords that no other category of
        # the same workstream uses ("tyre" is maintenance's, "vehicle" is nobody's).
        # Labels repeat on every row of a register: answer each once.
        self._named_workstream = functools.lru_cache(maxsize=_CACHE_SIZE)(
            self._find_named_workstream
        )
        self._telling: dict[str, dict[str, int]] = {}
        for workstream, indexes in workstreams.items():
            users: dict[str, set[int]] = {}
            for index in indexes:
                rule = self._rules[index]
                for phrase in (rule.label, *rule.keywords):
                    for word in normalise_label(phrase).split():
                        if word in _LABEL_STOPWORDS or len(word) < 3:
                            continue
                        for form in _word_forms(word):
                            users.setdefault(form, set()).add(index)
            self._telling[workstream] = {
                w: next(iter(ix)) for w, ix in users.items() if len(ix) == 1
            }

    def _find_named_workstream(self, label: str) -> str | None:
        """The one workstream a council's label names, if it names exactly one.

        Names inside a category's own phrase do not count when others remain: in "Digital -
        Fleet management system" the word "fleet" belongs to the phrase, and the label names
        digital.
        """
        if not label or self._workstream_names_re is None:
            return None
        text = normalise_label(label)
        pattern = self._labels.pattern
        outside = pattern.sub(" ", text) if pattern is not None else text
        for candidate in (outside, text):
            named = {
                self._workstream_of_name[m.group()]
                for m in self._workstream_names_re.finditer(candidate)
            }
            if named:
                return next(iter(named)) if len(named) == 1 else None
        return None

    def _told_by(self, workstream: str, label: str) -> int | None:
        """The category of the workstream the label's telling words all point to, if one."""
        telling = self._telling.get(workstream, {})
        pointed = set()
        for word in normalise_label(label).split():
            for form in _word_forms(word):
                if form in telling:
                    pointed.add(telling[form])
                    break
        return pointed.pop() if len(pointed) == 1 else None

    @property
    def rules(self) -> tuple[CategoryRule, ...]:
        """The rules in tie-breaking order."""
        return self._rules

    def classify(
        self,
        *,
        category: str | None = None,
        category_label: str | None = None,
        cpv_codes: Sequence[str] = (),
        title: str | None = None,
        description: str | None = None,
    ) -> Classification:
        """Choose the category for one contract (see the module docstring for the order).

        ``category`` that is not a known key or label is treated as the council's category
        label when ``category_label`` is not given (registers put their own headings in a
        "Category" column). ``cpv_codes`` may be a list, a tuple or one string; codes may
        carry check digits.
        """
        if cpv_codes is None:
            codes: tuple = ()
        elif isinstance(cpv_codes, tuple):
            codes = cpv_codes
        elif isinstance(cpv_codes, str | int | float):
            codes = (cpv_codes,)
        else:
            codes = tuple(cpv_codes)
        try:
            return self._cached(category, category_label, codes, title, description)
        except TypeError:  # an unhashable cell value: answer without the cache
            return self._classify(category, category_label, codes, title, description)

    def _classify(
        self,
        category: object,
        category_label: object,
        cpv_codes: tuple,
        title: object,
        description: object,
    ) -> Classification:
        category_text = _as_text(category)
        label = _as_text(category_label)
        if category_text:
            key = self._explicit(category_text)
            if key is not None:
                return Classification(key, "explicit")
            if not label:
                label = category_text

        if label and self._label_mapping:
            saved = self._label_mapping.get(normalise_label(label))
            if saved is not None:
                return Classification(saved, "saved_label")

        cpv_index = self._cpv_best(cpv_codes)
        if cpv_index is not None and not self._rules[cpv_index].catch_all:
            return Classification(self._rules[cpv_index].key, "cpv")

        # Label, title, description in that order; a specific category from any of them beats
        # a catch-all from any of them. Texts are only matched until a specific one is found.
        # Within one text, a category of the workstream the label names beats one of another
        # workstream.
        workstream = self._named_workstream(label)
        among = self._workstream_rules.get(workstream) if workstream else None
        sources = (
            (self._labels, label, "label"),
            (self._keywords, _as_text(title), "keywords"),
            (self._keywords, _as_text(description), "keywords"),
        )
        catch_alls: list[tuple[int, str]] = []
        for matcher, text, how in sources:
            if not text:
                continue
            specific, catch_all = matcher.best(text)
            if among is not None and specific is not None:
                preferred = matcher.best(text, among)[0]
                specific = specific if preferred is None else preferred
            if specific is not None:
                return Classification(
                    self._rules[specific].key, "cpv" if cpv_index is not None else how
                )
            if among is not None and catch_all is not None:
                preferred = matcher.best(text, among)[1]
                catch_all = catch_all if preferred is None else preferred
            if catch_all is not None:
                catch_alls.append((catch_all, how))

        if workstream is not None:
            # The label names a workstream but no category of it: never unclassified.
            found = self._told_by(workstream, label)
            if found is not None:
                return Classification(self._rules[found].key, "label")
            for index, how in catch_alls:
                if index in among:
                    return Classification(self._rules[index].key, how)
            if cpv_index is not None and cpv_index in among:
                return Classification(self._rules[cpv_index].key, "cpv")
            general = self._general.get(workstream)
            if general is not None:
                return Classification(self._rules[general].key, "label")

        first_catch_all = catch_alls[0] if catch_alls else None
        if cpv_index is not None:
            return Classification(self._rules[cpv_index].key, "cpv")
        if first_catch_all is not None:
            return Classification(self._rules[first_catch_all[0]].key, first_catch_all[1])
        return Classification(UNCLASSIFIED, "none")

    def _explicit(self, text: str) -> str | None:
        """The full key a category cell names, if it names exactly one."""
        lowered = text.lower()
        if lowered in self._index:
            return lowered
        return self._explicit_names.get(normalise_label(text))

    def _cpv_best(self, cpv_codes: tuple) -> int | None:
        """The rule whose code is the most specific prefix of any of the contract's codes."""
        best: tuple[int, int] | None = None
        for raw in cpv_codes:
            for code in _cpv8(raw):
                for length in range(8, 1, -1):
                    index = self._cpv_prefixes.get(code[:length])
                    if index is not None:
                        if best is None or (length, -index) > best:
                            best = (length, -index)
                        break
        return None if best is None else -best[1]


def _add_owner(owners: dict[str, list[int]], phrase: str, index: int) -> None:
    if phrase and index not in owners.setdefault(phrase, []):
        owners[phrase].append(index)
