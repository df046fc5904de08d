"""Column domains: each input column's possible values, cut into pieces.

A column's domain comes from its declaration: the allowed values if any
(exactly those values), else its type (strings: every string constant the
column mentions plus "any other string"; numbers and dates: the line cut at
every bound the column mentions; booleans: true and false), else the value
categories its entries use. Null belongs to the domain only when the allowed
values list it, or when no allowed values are declared and an entry names
``null``.

The domain is cut into :class:`Piece` s, ordered, fine enough that every
entry of the column accepts each piece wholly or not at all. An entry then
becomes :data:`Runs`: sorted, disjoint half-open ranges of piece indices.

>>> from engine.feel import sets as S
>>> from engine.model import Cell, InputColumn, Location
>>> col = InputColumn(Cell("ålder", Location("t", "B3")), type="number")
>>> dom = column_domain(col, [S.comparison("<", 18).condition()], [])
>>> [p.describe() for p in dom.pieces]
['< 18', '18', '> 18']
>>> dom.runs(S.comparison("<", 18).condition())
((0, 1),)
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from engine.feel import sets as S
from engine.feel import values as V
from engine.feel.sets import CATEGORIES, Condition, Span, ValueSet
from engine.model import InputColumn

#: Sorted, disjoint, non-touching half-open ranges ``(start, end)`` of piece indices.
Runs = tuple[tuple[int, int], ...]

#: The category of the single piece of a column nothing is known about: any non-null value.
UNKNOWN = "unknown"

_TYPE_CATEGORY = {"string": V.STRING, "number": V.NUMBER, "boolean": V.BOOLEAN, "date": V.DATE}
#: Order of categories inside a column's piece list.
_ORDER = (V.NULL, V.BOOLEAN, V.NUMBER, V.STRING, V.DATE, UNKNOWN)
_STRING_LITERAL = re.compile(r'"(?:\\.|[^"\\])*"')
_NULL_WORD = re.compile(r"\bnull\b")


@dataclass(frozen=True, slots=True)
class Piece:
    """One elementary region of a column: a value, or an open stretch."""

    category: str
    span: Span | None  # None for null and for the unknown piece

    def describe(self) -> str:
        if self.category == V.NULL:
            return "null"
        if self.category == UNKNOWN:
            return "-"
        assert self.span is not None  # only the null and unknown pieces lack a span
        return self.span.describe()


def mentions_null(text: str) -> bool:
    """Whether a cell's text names ``null`` outside string literals."""
    return bool(_NULL_WORD.search(_STRING_LITERAL.sub('""', text)))


def category_of_type(type_name: str | None) -> str | None:
    return _TYPE_CATEGORY.get(type_name or "")


def tested_categories(cond: Condition) -> set[str]:
    """Categories an entry really constrains (neither all nor none of the values)."""
    found = set()
    for cat in (V.BOOLEAN, V.NUMBER, V.STRING, V.DATE):
        s = cond.on(cat)
        if not s.is_empty and not s.is_full:
            found.add(cat)
    return found


class _Line:
    """One ordered category of a column, cut at sorted bounds.

    Uniform layout over k bounds: index 2i is the open stretch before bound
    i, 2i+1 the bound itself, 2k the stretch after the last bound. Pieces
    that are empty (or excluded: the stretches of a discrete domain) are
    dropped; ``kept`` holds the uniform indices of the pieces that remain.
    """

    def __init__(self, category: str, bounds: Sequence[Any], discrete: bool) -> None:
        self.category = category
        self.discrete = discrete
        self.bounds = list(bounds)
        self.kept: list[int] = []
        self.pieces: list[Piece] = []
        k = len(self.bounds)
        for u in range(2 * k + 1):
            if u % 2:
                value = self.bounds[u // 2]
                span = Span.point(value)
            else:
                if discrete:
                    continue
                lo = self.bounds[u // 2 - 1] if u else None
                hi = self.bounds[u // 2] if u < 2 * k else None
                span = Span(lo, False, hi, False)
                if _empty_stretch(category, span):
                    continue
            self.kept.append(u)
            self.pieces.append(Piece(category, span))

    def _start(self, span: Span) -> int:
        if span.lo is None:
            return 0
        i = bisect_left(self.bounds, span.lo)
        if i < len(self.bounds) and self.bounds[i] == span.lo:
            return 2 * i + 1 if span.lo_closed else 2 * i + 2
        return 2 * i  # inside a stretch (only in discrete domains, where it is dropped)

    def _end(self, span: Span) -> int:
        if span.hi is None:
            return 2 * len(self.bounds)
        j = bisect_left(self.bounds, span.hi)
        if j < len(self.bounds) and self.bounds[j] == span.hi:
            return 2 * j + 1 if span.hi_closed else 2 * j
        return 2 * j

    def ranges(self, values: ValueSet) -> Iterable[tuple[int, int]]:
        """Local piece ranges ``[a, b)`` the set covers."""
        for span in values.spans:
            a = bisect_left(self.kept, self._start(span))
            b = bisect_right(self.kept, self._end(span))
            if a < b:
                yield a, b


def _empty_stretch(category: str, span: Span) -> bool:
    lo, hi = span.lo, span.hi
    if category == V.DATE and lo is not None and hi is not None:
        return (hi - lo).days <= 1
    if category == V.STRING and lo is None and hi == "":
        return True
    return False


class ColumnDomain:
    """The pieces of one input column, and conditions mapped onto them."""

    def __init__(
        self,
        name: str,
        *,
        has_null: bool,
        lines: Sequence[_Line],
        unknown: bool = False,
        allowed: Sequence[Any] | None = None,
    ) -> None:
        self.name = name
        self.declared = allowed is not None  # the domain is the allowed values
        #: position of each allowed value, to list values in the order the analyst wrote them
        self._rank = {_value_key(v): i for i, v in reversed(list(enumerate(allowed or ())))}
        self.has_null = has_null
        self._lines = {line.category: line for line in lines}
        self._offsets: dict[str, int] = {}
        pieces: list[Piece] = []
        for cat in _ORDER:
            if cat == V.NULL and has_null:
                self._offsets[cat] = len(pieces)
                pieces.append(Piece(V.NULL, None))
            elif cat in self._lines:
                self._offsets[cat] = len(pieces)
                pieces.extend(self._lines[cat].pieces)
            elif cat == UNKNOWN and unknown:
                self._offsets[cat] = len(pieces)
                pieces.append(Piece(UNKNOWN, None))
        self.pieces: tuple[Piece, ...] = tuple(pieces)
        self.size = len(pieces)
        offsets = sorted(self._offsets.items(), key=lambda kv: kv[1])
        self._category_end = {
            cat: (offsets[i + 1][1] if i + 1 < len(offsets) else self.size) for i, (cat, _) in enumerate(offsets)
        }
        self._described: dict[Runs, str] = {}
        self.full: Runs = ((0, self.size),) if self.size else ()

    def runs(self, cond: Condition | None, *, is_any: bool = False) -> Runs:
        """The pieces a condition accepts, as runs (``is_any``: the test ``-``)."""
        if is_any or cond is None:
            return self.full
        ranges: list[tuple[int, int]] = []
        for cat, offset in self._offsets.items():
            if cat == V.NULL:
                if cond.on(V.NULL).is_full:
                    ranges.append((offset, offset + 1))
            elif cat == UNKNOWN:
                if all(cond.on(c).is_full for c in CATEGORIES if c != V.NULL):
                    ranges.append((offset, offset + 1))
            else:
                line = self._lines[cat]
                ranges.extend((offset + a, offset + b) for a, b in line.ranges(cond.on(cat)))
        return normalise(ranges)

    def contains(self, runs: Runs, value: Any) -> bool:
        """Whether ``value`` lies in the pieces ``runs`` (values outside the domain: False)."""
        cat = V.category(value)
        for a, b in runs:
            for piece in self.pieces[a:b]:
                if piece.category == UNKNOWN and cat != V.NULL:
                    return True
                if piece.category != cat:
                    continue
                if cat == V.NULL:
                    return True
                assert piece.span is not None  # only the null and unknown pieces lack a span
                if piece.span.contains(value):
                    return True
        return False

    def describe(self, runs: Runs) -> str:
        """FEEL unary-test text accepting exactly ``runs`` within the domain.

        The shorter (in tests listed; the positive on a tie) of the positive
        list (``"a", [1..5)``) and the negated complement (``not("a", "b")``);
        ``-`` for the whole domain. The
        negated form is used only when its meaning, worked out with the
        FEEL set algebra and mapped back onto the pieces, is exactly ``runs``
        (``not(...)`` also accepts null, and other types never).
        """
        found = self._described.get(runs)
        if found is None:
            found = self._describe(runs)
            self._described[runs] = found
        return found

    def _describe(self, runs: Runs) -> str:
        if runs == self.full:
            return "-"
        if not runs:
            return "(nothing)"
        positive = self._listing(runs)
        negative = self._listing(complement(runs, self.size))
        if negative is not None:
            text = f"not({negative[0]})"
            if (positive is None or negative[2] < positive[2]) and self.runs(
                S.disjunction(negative[1]).negate().condition()
            ) == runs:
                return text
        return positive[0] if positive is not None else "(inexpressible)"

    def _listing(self, runs: Runs) -> tuple[str, list[S.Truth], int] | None:
        """A positive list of tests for the pieces, the meaning of each, and a cost.

        The cost counts the tests, plus one for a makeshift test of a whole
        category (``>= ""`` for every string), which reads worse.
        """
        texts: list[str] = []
        truths: list[S.Truth] = []
        cost = 0
        for cat, span in self._spans(runs):
            if cat == UNKNOWN:
                return None
            if cat == V.NULL:
                texts.append("null")
                truths.append(S.equality(None))
                cost += 1
                continue
            assert span is not None  # only the null and unknown pieces lack a span
            test = _span_test(cat, span)
            if test is None:
                return None
            texts.append(test[0])
            truths.append(test[1])
            cost += 2 if span.lo is None and span.hi is None else 1
        return ", ".join(texts), truths, cost

    def _spans(self, runs: Runs) -> list[tuple[str, Span | None]]:
        """Maximal spans covered by runs, per category, in domain order."""
        out: list[tuple[str, Span | None]] = []
        for a, b in runs:
            i = a
            while i < b:
                piece = self.pieces[i]
                cat = piece.category
                end = min(b, self._category_end[cat])
                if cat in (V.NULL, UNKNOWN) or self._lines[cat].discrete:
                    out.extend((cat, p.span) for p in self.pieces[i:end])
                else:
                    first, last = self.pieces[i].span, self.pieces[end - 1].span
                    assert first is not None and last is not None  # pieces on a line have spans
                    if first.lo is None and last.hi is None and end - i > 1 and cat != V.STRING:
                        # the whole line has no FEEL test of its own: `<= b, > b`
                        second = self.pieces[i + 1].span
                        assert second is not None  # same line as first
                        cut = second.lo
                        out.append((cat, Span(None, False, cut, True)))
                        out.append((cat, Span(cut, False, None, False)))
                    else:
                        out.append((cat, Span(first.lo, first.lo_closed, last.hi, last.hi_closed)))
                i = end
        if self.declared:
            out.sort(key=lambda cs: self._rank.get(_value_key(cs[1].lo if cs[1] else None), 0))
        return out


def _span_test(cat: str, span: Span) -> tuple[str, S.Truth] | None:
    """FEEL text and meaning of a test accepting exactly ``span`` of ``cat``."""
    if span.is_point():
        return span.describe(), S.equality(span.lo)
    if span.lo is None and span.hi is None:
        if cat == V.STRING:
            return '>= ""', S.comparison(">=", "")
        if cat == V.BOOLEAN:
            return "true, false", S.disjunction([S.equality(True), S.equality(False)])
        return None
    if span.lo is None:
        return span.describe(), S.comparison("<=" if span.hi_closed else "<", span.hi)
    if span.hi is None:
        return span.describe(), S.comparison(">=" if span.lo_closed else ">", span.lo)
    return span.describe(), S.interval(span.lo, span.lo_closed, span.hi, span.hi_closed)


def normalise(ranges: Iterable[tuple[int, int]]) -> Runs:
    """Sort and merge overlapping or touching ranges."""
    merged: list[list[int]] = []
    for a, b in sorted(r for r in ranges if r[0] < r[1]):
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1][1] = b
        else:
            merged.append([a, b])
    return tuple((a, b) for a, b in merged)


def complement(runs: Runs, size: int) -> Runs:
    out: list[tuple[int, int]] = []
    pos = 0
    for a, b in runs:
        if a > pos:
            out.append((pos, a))
        pos = b
    if pos < size:
        out.append((pos, size))
    return tuple(out)


def intersect(x: Runs, y: Runs) -> Runs:
    out: list[tuple[int, int]] = []
    i = j = 0
    while i < len(x) and j < len(y):
        a = max(x[i][0], y[j][0])
        b = min(x[i][1], y[j][1])
        if a < b:
            out.append((a, b))
        if x[i][1] < y[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def union(x: Runs, y: Runs) -> Runs:
    return normalise(x + y)


def contains(outer: Runs, inner: Runs) -> bool:
    return intersect(outer, inner) == inner


def column_domain(
    column: InputColumn,
    conditions: Sequence[Condition],
    cell_texts: Sequence[str],
) -> ColumnDomain:
    """The domain of one column, given the conditions and texts of its entries.

    ``conditions`` are the analysable, non-``-`` entries of the column;
    ``cell_texts`` all its entry texts (to see whether any names ``null``).
    """
    name = column.name
    if column.allowed is not None:
        by_cat: dict[str, list[Any]] = {}
        for value in column.allowed:
            by_cat.setdefault(V.category(value), []).append(value)
        lines = [
            _Line(cat, _distinct_sorted(vals), discrete=True)
            for cat, vals in by_cat.items()
            if cat in (V.BOOLEAN, *V.ORDERED)
        ]
        return ColumnDomain(name, has_null=V.NULL in by_cat, lines=lines, allowed=column.allowed)

    has_null = any(mentions_null(t) for t in cell_texts)
    declared = category_of_type(column.type)
    cats = {declared} if declared else set().union(*(tested_categories(c) for c in conditions))
    lines = []
    for cat in cats:
        if cat == V.BOOLEAN:
            lines.append(_Line(V.BOOLEAN, [False, True], discrete=True))
        elif cat in V.ORDERED:
            bounds: set[Any] = set()
            for cond in conditions:
                bounds.update(v for v in cond.on(cat).bounds() if V.category(v) == cat)
            lines.append(_Line(cat, _distinct_sorted(bounds), discrete=False))
    return ColumnDomain(name, has_null=has_null, lines=lines, unknown=not cats)


def _value_key(value: Any) -> tuple[str, Any]:
    return (V.category(value), value)


def _distinct_sorted(values: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for v in sorted(values):
        if not out or out[-1] != v:
            out.append(v)
    return out
