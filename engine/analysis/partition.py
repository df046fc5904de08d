"""The input space cut into regions, each labelled by what the rules covering it do.

The sweep (:mod:`engine.analysis.sweep`) finds the regions no rule covers;
this finds, for any labelling of rule sets, the regions whose set of
covering rules gets a label: the behavioural diff labels a set of old and
new rules with "the answer changes from … to …". The same column-by-column
sweep, with the same memo of identical (column, rule set) sub-problems, so
the cross product of the domains is never enumerated.

>>> labelled, truncated = partition([(((0, 2),),), (((1, 3),),)], [3], lambda rules: len(rules) or None)
>>> sorted(labelled.items()), truncated
([(1, [(((0, 1), (2, 3)),)]), (2, [(((1, 2),),)])], False)
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from engine.analysis.boxes import Region
from engine.analysis.domains import Runs, normalise
from engine.analysis.gaps import merge_gaps
from engine.analysis.sweep import DEFAULT_BUDGET, RuleSet, settled_sets, stretches


def partition(
    boxes: Sequence[Region],
    sizes: Sequence[int],
    label: Callable[[RuleSet], Hashable | None],
    *,
    budget: int = DEFAULT_BUDGET,
) -> tuple[dict[Hashable, list[Region]], bool]:
    """Regions by label, merged (see :func:`~engine.analysis.gaps.merge_gaps`), and whether the work limit was hit.

    ``label`` gets the set of box positions covering a region and returns
    its label, or None to leave the region out.
    """
    full: tuple[Runs, ...] = tuple(((0, s),) if s else () for s in sizes)
    if any(s == 0 for s in sizes):  # a column no value can take: there is no input at all
        return {}, False
    settled = settled_sets(boxes, full)
    memo: dict[tuple[int, RuleSet], list[tuple[tuple[Runs, ...], Hashable]]] = {}
    work = 0
    truncated = False

    def solve(d: int, rules: RuleSet) -> list[tuple[tuple[Runs, ...], Hashable]]:
        nonlocal work, truncated
        key = (d, rules)
        found = memo.get(key)
        if found is not None:
            return found
        if rules <= settled[d]:  # the rules left cover all the rest alike (also: none left, or past the last column)
            name = label(rules)
            found = [] if name is None else [(full[d:], name)]
        else:
            groups, swept = stretches(boxes, rules, d, sizes[d])
            work += swept + len(groups)
            found = []
            for sub, ranges in groups.items():
                if work > budget:
                    truncated = True
                    break
                side = normalise(ranges)
                found.extend(((side,) + tail, name) for tail, name in solve(d + 1, sub))
                work += 1
        memo[key] = found
        return found

    by_label: dict[Hashable, list[Region]] = {}
    for region, name in solve(0, frozenset(range(len(boxes)))):
        by_label.setdefault(name, []).append(region)
    return {name: merge_gaps(regions) for name, regions in by_label.items()}, truncated
