"""The registry's law as pure functions: register state on a date, grounds, who places where.

RULES §2 (registers, ¶52), §3 (grounds, ¶50-51). No database access here.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz, process

from core.models import Role

from .models import DeregistrationReason, GroundCode, Level, Parent, RegisterEntry

LEVELS = [Level.PRIMARY, Level.REGIONAL, Level.CENTRAL]

# Who places a child on each level (ROLES.md): the district, the region, the ministry.
LEVEL_ROLE = {Level.PRIMARY: Role.GUARDIANSHIP, Level.REGIONAL: Role.REGIONAL, Level.CENTRAL: Role.MINISTRY}

# A child deregistered for one of these never returns to the registers (RULES §2): adopted (the
# child has parents; only a court annulling the adoption, not modelled, would undo it) or dead.
# From any other (a family placement that ended, a return to the parents) it may be placed again.
FINAL_DEREGISTRATIONS = frozenset({DeregistrationReason.ADOPTED, DeregistrationReason.DIED})


def left_for_good(child) -> bool:
    return child.register_level is None and child.deregistration_reason in FINAL_DEREGISTRATIONS


@dataclass(frozen=True)
class Entry:
    level: str  # a Level or RegisterEntry.DEREGISTERED
    on: date
    reason: str = ""


@dataclass(frozen=True)
class RegisterState:
    level: str | None  # None: not on any register (never placed, or deregistered)
    since: date | None  # when placed on `level`
    deregistered_on: date | None = None
    reason: str = ""
    central_on: date | None = None  # placement on the central register in the current period

    @property
    def on_register(self) -> bool:
        return self.level is not None


def register_state_on(entries: Iterable[Entry], on: date | None = None) -> RegisterState:
    """The state after every entry dated on or before `on` (all entries if None).

    `entries` must be in history order (by date, then by recording order).
    """
    state = RegisterState(level=None, since=None)
    for entry in entries:
        if on is not None and entry.on > on:
            break
        if entry.level == RegisterEntry.DEREGISTERED:
            state = RegisterState(level=None, since=None, deregistered_on=entry.on, reason=entry.reason)
        else:
            central_on = entry.on if entry.level == Level.CENTRAL else state.central_on
            state = RegisterState(level=entry.level, since=entry.on, central_on=central_on)
    return state


def entry_ends(dates: list[date]) -> list[date | None]:
    """When each entry of a history (dates in history order) stops holding: on the next entry's
    date; the latest holds on (None). `RegisterEntry.ended_on` stores it."""
    return [*dates[1:], None] if dates else []


def next_level(current: str | None) -> str:
    """The only level a child may be placed on next: levels are climbed in order, never skipped."""
    if current is None:
        return Level.PRIMARY
    index = LEVELS.index(Level(current))
    return LEVELS[index + 1] if index + 1 < len(LEVELS) else ""


# --- grounds of adoptability (§3) ----------------------------------------------------------


@dataclass(frozen=True)
class GroundFact:
    parent: str
    ground: str
    documents: tuple[tuple[str, date, date | None], ...]  # (kind, date, in_force_on)


@dataclass(frozen=True)
class ConsentFact:
    """A parent's or guardian's consent record (RULES v2 §3)."""

    parent: str  # mother | father | guardian
    given_on: date
    names_applicants: tuple[int, ...] | None = None  # None: adoption by anyone
    withdrawn_on: date | None = None

    def covers(self, on: date, applicants: frozenset[int]) -> bool:
        """Given by `on`, not withdrawn on or before it, and naming exactly these applicants (if any)."""
        return (
            self.given_on <= on
            and not (self.withdrawn_on and self.withdrawn_on <= on)
            and (self.names_applicants is None or frozenset(self.names_applicants) == applicants)
        )


# ¶51: abandonment in an institution needs both of these documents.
ABANDONMENT_DOCUMENTS = frozenset({"birth_registration", "institution_statement"})
# RULES v2 §3: grounds a court declares; only a court decision in force covers them.
COURT_DECLARED = frozenset(
    {
        GroundCode.DECLARED_DEAD,
        GroundCode.WHEREABOUTS_UNKNOWN,
        GroundCode.LEGALLY_INCAPABLE,
        GroundCode.DEPRIVED_OF_PARENTAL_RIGHTS,
        GroundCode.EVADED_UPBRINGING,
    }
)
COURT_DECISION = "court_decision"


def missing_documents(ground: str, kinds: Iterable[str]) -> set[str]:
    """Document kinds a ground still lacks (every ground needs at least one document)."""
    kinds = set(kinds)
    if ground == GroundCode.ABANDONED_IN_INSTITUTION:
        return set(ABANDONMENT_DOCUMENTS - kinds)
    if ground in COURT_DECLARED:
        return set() if COURT_DECISION in kinds else {COURT_DECISION}
    return set() if kinds else {"any"}


def ground_holds_on(fact: GroundFact, on: date) -> bool:
    """A ground counts once its documents exist on `on` (documents dated later do not); a
    court-declared one once its court decision is in force. A v1 ground `parental_consent`
    with a bare document covers nothing: a consent record does (RULES §11.2)."""
    if fact.ground == GroundCode.PARENTAL_CONSENT:
        return False
    if fact.ground in COURT_DECLARED:
        return any(kind == COURT_DECISION and in_force and in_force <= on for kind, _dated, in_force in fact.documents)
    kinds = [kind for kind, dated, _in_force in fact.documents if dated <= on]
    return not missing_documents(fact.ground, kinds)


def uncovered_parents(
    grounds: Iterable[GroundFact],
    on: date,
    consents: Iterable[ConsentFact] = (),
    applicants: frozenset[int] = frozenset(),
) -> list[str]:
    """Parents covered neither by a ground nor by a consent for these applicants on `on`
    ([] means the child is adoptable as to parents)."""
    covered: set[str] = set()
    for fact in grounds:
        if ground_holds_on(fact, on):
            covered |= {Parent.MOTHER, Parent.FATHER} if fact.parent == Parent.BOTH else {fact.parent}
    covered |= {c.parent for c in consents if c.parent in (Parent.MOTHER, Parent.FATHER) and c.covers(on, applicants)}
    return [p for p in (Parent.MOTHER, Parent.FATHER) if p not in covered]


# --- names: transliteration for search and duplicate detection ----------------------------

# Russian and Kazakh Cyrillic to a simple Latin key (close to the passport transliteration).
_CYRILLIC = {
    "а": "a",
    "ә": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "і": "i",
    "к": "k",
    "қ": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "n",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "u",
    "ү": "u",
    "ф": "f",
    "х": "kh",
    "һ": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}
# Latin spellings that vary for the same sound: fold them to one key.
_FOLDS = [
    ("shch", "sh"),
    ("kh", "h"),
    ("ts", "c"),
    ("yu", "u"),
    ("ya", "a"),
    ("iu", "u"),
    ("ia", "a"),
    ("j", "zh"),
    ("q", "k"),
    ("w", "v"),
    ("x", "ks"),
    ("y", "i"),
    ("ee", "e"),
    ("ii", "i"),
]


_CYRILLIC_TABLE = str.maketrans(_CYRILLIC)


def name_key(*parts: str) -> str:
    """Lower-case Latin key of a name, the same for its Cyrillic and Latin spellings."""
    text = " ".join(p for p in parts if p).lower()
    text = text.translate(_CYRILLIC_TABLE)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z ]+", "", text)
    for old, new in _FOLDS:
        text = text.replace(old, new)
    return re.sub(r"\s+", " ", text).strip()


NAME_THRESHOLD = 0.85


def names_similar(a: str, b: str, threshold: float = NAME_THRESHOLD) -> bool:
    """Two name keys likely name the same person (spelling and transliteration variants):
    difflib's ratio() of at least `threshold`, compared either way (ratio() depends on the order
    of its two strings: the answer must not depend on which child was recorded first)."""
    if a == b:
        return True
    # Two cheap upper bounds of ratio() first (difflib's real_quick_ratio and quick_ratio, by
    # lengths and by common letters): most pairs stop here, with the same answer.
    total = len(a) + len(b)
    if 2.0 * min(len(a), len(b)) / total < threshold:
        return False
    if 2.0 * sum((_letters(a) & _letters(b)).values()) / total < threshold:
        return False
    return (
        difflib.SequenceMatcher(None, a, b).ratio() >= threshold
        or difflib.SequenceMatcher(None, b, a).ratio() >= threshold
    )


def names_maybe_similar(name: str, names: list[str]) -> list[int]:
    """The indexes of `names` that may be similar to `name` by `names_similar`, for the many
    comparisons of an import: a bound computed in C for the whole list, so the rule judges only
    these. ratio() is 2M/T where M counts the characters of difflib's matching blocks, which are
    one common subsequence of the two names (either way); so ratio() <= 2L/T with L the longest
    common subsequence, which is rapidfuzz's `fuzz.ratio` (/100). A name similar by the rule is never
    left out (tests/registry/test_duplicates.py); the margin absorbs floating-point rounding."""
    return [
        index
        for _name, _score, index in process.extract(
            name, names, scorer=fuzz.ratio, score_cutoff=NAME_THRESHOLD * 100 - 0.01, limit=None
        )
    ]


@functools.lru_cache(maxsize=65_536)
def _letters(name: str) -> Counter:
    """The letters of a name key, counted once for all its comparisons (an import compares each new
    child with about 50 stored ones; never changed by a caller: `&` makes a new Counter)."""
    return Counter(name)


def number_key(number: str) -> str:
    """A birth registration number as compared: `br-500` is `BR-500`, as the search finds it (the
    database's `UPPER` narrows the candidates, on its expression index)."""
    return number.strip().upper()


@dataclass
class DuplicateCandidate:
    child_id: int
    reason: str  # "birth_registration_number" | "name_and_birth_date"
    district: str = field(default="")
