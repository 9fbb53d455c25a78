"""Groups adjacent atoms into phrases: [day] [weekday] [part of day] time [– end]."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ._scan import Atom

# What may sit between two atoms of one phrase: spaces, commas, "at"/"on", 的.
_GAP = re.compile(r"[\s,、]{0,4}(?:(?:at|on)[\s,]{1,3}|的\s?)?", re.IGNORECASE)
_RANGE = re.compile(r"\s{0,3}(?:-{1,2}|–|—|~|〜|到|至|to|until|till|thru|through)\s{0,3}",
                    re.IGNORECASE)
# Words just before a phrase that belong to it (removed with it from the command).
_PREFIX = re.compile(r"(?:(?<![a-z])(?:at|on|from)\s{1,3}"
                     r"|(?:开始时间|时间|日期|开始|time|date|when|start|at)\s?:\s?)$",
                     re.IGNORECASE)


class Atoms:
    """A list filled from the scanner on demand, so a search can stop at the first phrase."""

    def __init__(self, source: Iterable[Atom]):
        self._it: Iterator[Atom] = iter(source)
        self._items: list[Atom] = []

    def has(self, i: int) -> bool:
        """True if there is an atom at index i (scanning as far as needed)."""
        while len(self._items) <= i:
            nxt = next(self._it, None)
            if nxt is None:
                return False
            self._items.append(nxt)
        return True

    def __getitem__(self, i: int) -> Atom:
        self.has(i)
        return self._items[i]


def _joined(s: str, a: int, b: int, rx: re.Pattern[str]) -> bool:
    # Gaps are short by construction; checking the length first keeps this O(1).
    return b - a <= 12 and rx.fullmatch(s, a, b) is not None


@dataclass
class Side:
    """One end of a phrase: which atom fills each slot."""

    slots: dict[str, Atom] = field(default_factory=dict)

    def fits(self, atom: Atom) -> bool:
        """True if the atom fills only empty slots."""
        return "rel" not in atom.facets and not (atom.facets & self.slots.keys())

    def add(self, atom: Atom) -> None:
        """Put the atom in every slot it fills."""
        for facet in atom.facets:
            self.slots[facet] = atom

    def get(self, slot: str) -> Atom | None:
        """The atom in a slot, if any."""
        return self.slots.get(slot)


@dataclass
class Phrase:
    """A run of atoms understood together, with its span in the text."""

    start: int
    end: int
    head: Side
    tail: Side | None = None
    rel: Atom | None = None
    atoms: list[Atom] = field(default_factory=list)

    @property
    def has_time(self) -> bool:
        """True if the phrase names a clock time or an offset from now."""
        return self.rel is not None or "time" in self.head.slots

    @property
    def noon_only(self) -> bool:
        """True for 中午 with no clock time (后天中午): that is 12:00, as "noon" is."""
        p = self.head.slots.get("period")
        return (self.rel is None and "time" not in self.head.slots and p is not None
                and p.vals["period"] == "noon" and self.tail is None)

    @property
    def weak(self) -> bool:
        """True for a lone word that is more likely a name ("Sun")."""
        return (len(self.atoms) == 1 and "weekday" in self.atoms[0].vals
                and self.atoms[0].vals["weekday"][2])


def _bare_hour(start: int, end: int, h: int) -> Atom:
    return Atom(start, end, {"time": {"h": h, "m": 0, "fmt": "bare", "ap": None, "off": None,
                                      "word": None}})


def _hyphen_range(s: str, atom: Atom) -> tuple[Atom, Atom]:
    """Split "10-11" into two bare hours."""
    dash = s.index("-", atom.start, atom.end)
    a, b = atom.vals["hy"]
    return _bare_hour(atom.start, dash, a), _bare_hour(dash + 1, atom.end, b)


def _is_bare(atom: Atom | None) -> bool:
    return atom is not None and "time" in atom.vals and atom.vals["time"]["fmt"] == "bare"


def _may_follow_bare(s: str, first: Atom, atoms: Atoms, k: int) -> bool:
    """Can a phrase opening with a bare number go on ("3 in the afternoon", "3-4pm", "3到下午4点")?

    "2 tomorrow" is not accepted: far more often that number belongs to the words before it.
    """
    if not atoms.has(k):
        return False
    nxt = atoms[k]
    if _joined(s, first.end, nxt.start, _GAP) and nxt.facets == {"period"}:
        return True
    return _joined(s, first.end, nxt.start, _RANGE) and not _is_bare(nxt)


def _prefix(s: str, first: Atom) -> re.Match[str] | None:
    """"at"/"on"/"from"/"时间:" right before an atom."""
    # Prefixes end in a letter or ':' (plus spaces); check that before running the regex.
    before = s[max(0, first.start - 4):first.start].rstrip()
    if before and (before[-1].isalpha() or before[-1] == ":"):
        return _PREFIX.search(s, max(0, first.start - 16), first.start)
    return None


def _grow(s: str, atoms: Atoms, side: Side, j: int, used: list[Atom]) -> tuple[int, Side | None]:
    """Add the atoms after atoms[j] that join the side; return the last index and a range end
    found on the way ("明天 10-11")."""
    while atoms.has(j + 1) and _joined(s, atoms[j].end, atoms[j + 1].start, _GAP):
        nxt = atoms[j + 1]
        if "hy" in nxt.vals and side.slots.keys() & {"day", "weekday"} and "time" not in side.slots:
            # After a day, "10-11" is an hour range, not 10月11日.
            a, b = _hyphen_range(s, nxt)
            side.add(a)
            used.append(nxt)
            return j + 1, Side({"time": b})
        if not side.fits(nxt):
            break
        side.add(nxt)
        used.append(nxt)
        j += 1
    return j, None


def _range_end(s: str, atoms: Atoms, j: int, used: list[Atom]) -> tuple[int, Side | None]:
    """The end of a range after atoms[j] ("-4点", " to 4pm"), if there is one with a time."""
    if not (atoms.has(j + 1) and _joined(s, atoms[j].end, atoms[j + 1].start, _RANGE)):
        return j, None
    first = atoms[j + 1]
    if not (first.facets and Side().fits(first)) or "hy" in first.vals:
        return j, None
    tail, more = Side(), [first]
    tail.add(first)
    k, _ = _grow(s, atoms, tail, j + 1, more)
    if "time" not in tail.slots or any("hy" in a.vals for a in more):
        return j, None
    used.extend(more)
    return k, tail


def _build(s: str, atoms: Atoms, i: int) -> tuple[Phrase | None, int]:
    """The phrase starting at atoms[i] (or None) and the index of its last atom."""
    first = atoms[i]
    prefix = _prefix(s, first)
    start = prefix.start() if prefix else first.start
    at_prefix = prefix is not None and prefix.group().strip().lower().startswith("at")
    if _is_bare(first) and not at_prefix and not _may_follow_bare(s, first, atoms, i + 1):
        return None, i  # the common case of a plain number, decided without building
    if "rel" in first.facets:
        return Phrase(start, first.end, Side(), rel=first, atoms=[first]), i
    head, used = Side(), [first]
    head.add(first)
    j, tail = _grow(s, atoms, head, i, used)
    if tail is None and "time" in head.slots:
        j, tail = _range_end(s, atoms, j, used)
    # A lone number is a time only with a day, a part of day, "at", or a marked range end.
    alone = _is_bare(head.get("time")) and len({id(a) for a in head.slots.values()}) == 1
    if alone and not at_prefix and (tail is None or _is_bare(tail.get("time"))):
        return None, i
    return Phrase(start, atoms[j].end, head, tail, atoms=used), j


def phrases(s: str, source: Iterable[Atom]) -> Iterator[Phrase]:
    """All phrases, left to right, scanning only as far as the caller reads."""
    atoms = Atoms(source)
    i = 0
    while atoms.has(i):
        ph, last = _build(s, atoms, i)
        if ph is not None:
            yield ph
        i = last + 1
