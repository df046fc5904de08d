"""Sets of values a unary test accepts, as exact unions of intervals.

A constant unary test such as ``"a", [1..5)`` or ``not(< 10)`` is turned at
compile time into a :class:`Condition`: for every value category, the set of
values for which the test is *true*. The evaluator's index and the table
analyser both work from conditions, so they never have to run a cell to
know what it accepts.

Sets are unions of :class:`Span` over the category's total order (numbers,
strings, dates, times, dates and times, durations; booleans with ``false <
true``). Categories without an order (null, lists, contexts, ranges,
functions, foreign values) are either full or empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.feel import values as V

#: Every category a value can fall into; a condition maps each to a set.
CATEGORIES = (
    V.NULL, V.BOOLEAN, V.NUMBER, V.STRING, V.DATE, V.TIME, V.TIME_UTC, V.DATE_TIME, V.DATE_TIME_UTC,
    V.DT_DURATION, V.YM_DURATION, V.LIST, V.CONTEXT, V.RANGE, V.FUNCTION, V.OTHER,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Span:
    """An interval; ``lo``/``hi`` of None mean unbounded on that side."""

    lo: Any = None
    lo_closed: bool = False
    hi: Any = None
    hi_closed: bool = False

    @staticmethod
    def point(value: Any) -> "Span":
        return Span(value, True, value, True)

    def is_point(self) -> bool:
        return self.lo is not None and self.lo_closed and self.hi_closed and self.lo == self.hi

    def is_empty(self) -> bool:
        if self.lo is None or self.hi is None:
            return False
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_closed and self.hi_closed))

    def contains(self, value: Any) -> bool:
        if self.lo is not None and (value < self.lo or (value == self.lo and not self.lo_closed)):
            return False
        if self.hi is not None and (value > self.hi or (value == self.hi and not self.hi_closed)):
            return False
        return True

    def describe(self) -> str:
        """FEEL text for the span: ``"a"``, ``< 5``, ``[1..5)``, ``-``."""
        if self.is_point():
            return V.describe(self.lo)
        if self.lo is None and self.hi is None:
            return "-"
        if self.lo is None:
            return ("<= " if self.hi_closed else "< ") + V.describe(self.hi)
        if self.hi is None:
            return (">= " if self.lo_closed else "> ") + V.describe(self.lo)
        return (
            ("[" if self.lo_closed else "(")
            + V.describe(self.lo)
            + ".."
            + V.describe(self.hi)
            + ("]" if self.hi_closed else ")")
        )


def _lo_key(span: Span) -> tuple:
    return (0,) if span.lo is None else (1, span.lo, 0 if span.lo_closed else 1)


def _touches(left: Span, right: Span) -> bool:
    """Whether ``right`` (starting no earlier) overlaps or abuts ``left``."""
    if left.hi is None or right.lo is None:
        return True
    if right.lo < left.hi:
        return True
    return right.lo == left.hi and (left.hi_closed or right.lo_closed)


def _hi_after(a: Span, b: Span) -> Span:
    """The span whose upper end reaches further."""
    if a.hi is None:
        return a
    if b.hi is None:
        return b
    if a.hi != b.hi:
        return a if a.hi > b.hi else b
    return a if a.hi_closed else b


class ValueSet:
    """A normalised union of disjoint, non-touching spans (immutable)."""

    __slots__ = ("spans",)

    def __init__(self, spans: Iterable[Span] = ()) -> None:
        ordered = sorted((s for s in spans if not s.is_empty()), key=_lo_key)
        merged: list[Span] = []
        for span in ordered:
            if merged and _touches(merged[-1], span):
                last = merged[-1]
                top = _hi_after(last, span)
                merged[-1] = Span(last.lo, last.lo_closed, top.hi, top.hi_closed)
            else:
                merged.append(span)
        self.spans: tuple[Span, ...] = tuple(merged)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ValueSet) and self.spans == other.spans

    def __hash__(self) -> int:
        return hash(self.spans)

    def __repr__(self) -> str:
        return f"ValueSet({', '.join(s.describe() for s in self.spans) or 'empty'})"

    @property
    def is_empty(self) -> bool:
        return not self.spans

    @property
    def is_full(self) -> bool:
        return len(self.spans) == 1 and self.spans[0].lo is None and self.spans[0].hi is None

    def contains(self, value: Any) -> bool:
        return any(span.contains(value) for span in self.spans)

    def union(self, other: "ValueSet") -> "ValueSet":
        return ValueSet(self.spans + other.spans)

    def complement(self) -> "ValueSet":
        gaps: list[Span] = []
        lo, lo_closed = None, False
        for span in self.spans:
            if span.lo is not None:
                gaps.append(Span(lo, lo_closed, span.lo, not span.lo_closed))
            elif span.hi is None:
                return EMPTY
            lo, lo_closed = span.hi, not span.hi_closed
            if span.hi is None:
                return ValueSet(gaps)
        gaps.append(Span(lo, lo_closed, None, False))
        return ValueSet(gaps)

    def intersect(self, other: "ValueSet") -> "ValueSet":
        return self.complement().union(other.complement()).complement()

    def bounds(self) -> Iterable[Any]:
        """Every finite end point, for partitioning a column."""
        for span in self.spans:
            if span.lo is not None:
                yield span.lo
            if span.hi is not None:
                yield span.hi


EMPTY = ValueSet()
FULL = ValueSet([Span()])


@dataclass(frozen=True)
class Condition:
    """For each category, the values on which a unary test is true.

    Categories absent from ``sets`` accept nothing.
    """

    sets: Mapping[str, ValueSet]

    @staticmethod
    def anything() -> "Condition":
        return Condition({cat: FULL for cat in CATEGORIES})

    def accepts(self, value: Any) -> bool:
        found = self.sets.get(V.category(value))
        return found is not None and found.contains(value)

    def on(self, cat: str) -> ValueSet:
        return self.sets.get(cat, EMPTY)

    @property
    def is_anything(self) -> bool:
        return all(self.on(cat).is_full for cat in CATEGORIES)


@dataclass(frozen=True)
class Truth:
    """Three-valued meaning of a constant test: where it is true, where false.

    Values in neither set make the test null (e.g. ``< 5`` on a string).
    Negation swaps the two sets, which is why both are kept.
    """

    true: Mapping[str, ValueSet]
    false: Mapping[str, ValueSet]

    def negate(self) -> "Truth":
        return Truth(self.false, self.true)

    def condition(self) -> Condition:
        return Condition({c: s for c, s in self.true.items() if not s.is_empty})


def disjunction(parts: Iterable[Truth]) -> Truth:
    """``t1, t2, …``: true where any is true, false only where all are false."""
    parts = list(parts)
    true: dict[str, ValueSet] = {}
    for part in parts:
        for cat, s in part.true.items():
            true[cat] = true[cat].union(s) if cat in true else s
    false: dict[str, ValueSet] = {}
    for cat in CATEGORIES:
        acc = FULL
        for part in parts:
            acc = acc.intersect(part.false.get(cat, EMPTY))
            if acc.is_empty:
                break
        if not acc.is_empty:
            false[cat] = acc
    return Truth(true, false)


def _unordered_rest(cat: str) -> dict[str, ValueSet]:
    return {c: FULL for c in CATEGORIES if c != cat}


def equality(value: Any) -> Truth:
    """The test ``value`` (FEEL equality with a constant)."""
    cat = V.category(value)
    if cat == V.NULL:
        return Truth({V.NULL: FULL}, _unordered_rest(V.NULL))
    point = ValueSet([Span.point(value)])
    if cat in V.ORDERED or cat == V.BOOLEAN:
        return Truth({cat: point}, {cat: point.complement(), V.NULL: FULL})
    # Lists and contexts: no order, so no exact set; callers treat the test as opaque.
    raise ValueError(f"no value set for a {cat} constant")


def comparison(op: str, value: Any) -> Truth:
    """The tests ``< v``, ``<= v``, ``> v``, ``>= v``, ``= v``, ``!= v``."""
    if op == "=":
        return equality(value)
    if op == "!=":
        return equality(value).negate()
    cat = V.category(value)
    if cat not in V.ORDERED:
        return Truth({}, {})  # ordering a boolean or null is always null
    span = {
        "<": Span(None, False, value, False),
        "<=": Span(None, False, value, True),
        ">": Span(value, False, None, False),
        ">=": Span(value, True, None, False),
    }[op]
    true = ValueSet([span])
    return Truth({cat: true}, {cat: true.complement()})


def interval(lo: Any, lo_closed: bool, hi: Any, hi_closed: bool) -> Truth:
    """The test ``[lo..hi]`` with the given ends; null ends are unbounded."""
    cats = {V.category(v) for v in (lo, hi) if v is not None}
    if len(cats) != 1 or not cats <= V.ORDERED:
        return Truth({}, {})
    (cat,) = cats
    true = ValueSet([Span(lo, lo_closed, hi, hi_closed)])
    return Truth({cat: true}, {cat: true.complement()})
