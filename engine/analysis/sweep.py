"""The sweep: cut the input space into cells where the set of matching rules is constant.

Column by column, the bounds of the rules still in play are sorted and swept
(the geometric approach of Calvanese et al., BPM 2016, and of Drools'
``DMNDTAnalyser``): between two consecutive bounds the set of covering rules
does not change. Stretches with the same set are grouped and the next column
is swept for that set only; identical (column, set) sub-problems are solved
once. The cross product of the domains is never enumerated: the work grows
with the number of bounds and of distinct rule sets, not with the size of
the input space.

Rule sets are frozensets of positions in ``boxes``.

>>> result = sweep([(((0, 1),),), (((1, 2),),)], [3])
>>> result.gaps, sorted(sorted(c) for c in result.cells)
([(((2, 3),),)], [[0], [1]])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from engine.analysis.boxes import Region
from engine.analysis.domains import Runs, complement, normalise

#: Work limit (swept bounds and stretches) before the analysis gives up on a table.
DEFAULT_BUDGET = 3_000_000

RuleSet = frozenset[int]


@dataclass
class Sweep:
    #: regions no rule covers, disjoint, each a box
    gaps: list[Region] = field(default_factory=list)
    #: the distinct sets of rules (positions) that match together somewhere
    cells: set[RuleSet] = field(default_factory=set)
    #: the work limit was reached: gaps and cells are incomplete
    truncated: bool = False


def settled_sets(boxes: Sequence[Region], full: Sequence[Runs]) -> list[set[int]]:
    """``settled[d]``: the rules that accept everything in columns d, d+1, …"""
    n = len(full)
    settled: list[set[int]] = [set() for _ in range(n + 1)]
    for i, box in enumerate(boxes):
        d = n
        while d > 0 and box[d - 1] == full[d - 1]:
            d -= 1
        for e in range(d, n + 1):
            settled[e].add(i)
    return settled


def stretches(boxes: Sequence[Region], rules: RuleSet, d: int, size: int) -> tuple[dict[RuleSet, list[tuple[int, int]]], int]:  # fmt: skip
    """Column ``d`` cut where the set of ``rules`` covering it changes.

    Returns each set with the piece ranges where exactly it covers, and the
    number of bounds swept (the work done).
    """
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for r in rules:
        for start, end in boxes[r][d]:
            starts.setdefault(start, []).append(r)
            ends.setdefault(end, []).append(r)
    groups: dict[RuleSet, list[tuple[int, int]]] = {}
    active: set[int] = set()
    current: RuleSet = frozenset()
    prev = 0
    swept = 0
    for pos in sorted(starts.keys() | ends.keys()):
        if pos > prev:
            groups.setdefault(current, []).append((prev, pos))
        active.difference_update(ends.get(pos, ()))
        active.update(starts.get(pos, ()))
        current = frozenset(active)
        prev = pos
        swept += 1
    if prev < size:
        groups.setdefault(current, []).append((prev, size))
    return groups, swept


def sweep(
    boxes: Sequence[Region],
    sizes: Sequence[int],
    *,
    find_gaps: bool = True,
    budget: int = DEFAULT_BUDGET,
) -> Sweep:
    """Sweep non-empty rule boxes over columns of ``sizes`` pieces each."""
    n = len(sizes)
    full: tuple[Runs, ...] = tuple(((0, s),) if s else () for s in sizes)
    result = Sweep()
    everyone = frozenset(range(len(boxes)))
    if n == 0 or any(s == 0 for s in sizes):  # no inputs, or a column with no possible value
        if boxes:
            result.cells.add(everyone)
        elif n == 0:
            result.gaps = [()]
        return result
    settled = settled_sets(boxes, full)
    memo: dict[tuple[int, RuleSet], list[tuple[Runs, ...]]] = {}
    work = 0

    def single(box: Region, d: int) -> list[tuple[Runs, ...]]:
        """The gaps below column ``d`` when one rule is left: its complement, as boxes."""
        tails = []
        for e in range(d, n):
            rest = complement(box[e], sizes[e])
            if rest:
                tails.append(tuple(box[d:e]) + (rest,) + full[e + 1 :])
        return tails

    def solve(d: int, rules: RuleSet) -> list[tuple[Runs, ...]]:
        """Gaps in columns d.. among ``rules``; records the cells found."""
        nonlocal work
        key = (d, rules)
        found = memo.get(key)
        if found is not None:
            return found
        tails: list[tuple[Runs, ...]]
        if not rules:
            tails = [full[d:]] if find_gaps else []
        elif rules <= settled[d]:  # every rule left accepts all the rest: one cell
            result.cells.add(rules)
            tails = []
        elif len(rules) == 1:
            result.cells.add(rules)
            (only,) = rules
            tails = single(boxes[only], d) if find_gaps else []
        else:
            groups, swept = stretches(boxes, rules, d, sizes[d])
            work += swept + len(groups)
            tails = []
            for sub, ranges in groups.items():
                if result.truncated:
                    break
                side = normalise(ranges)
                below = solve(d + 1, sub)
                if find_gaps:
                    tails.extend((side,) + t for t in below)
                if work > budget:
                    result.truncated = True
        memo[key] = tails
        return tails

    result.gaps = solve(0, everyone)
    return result
