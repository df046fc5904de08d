"""Redundancy: duplicate, subsumed and mergeable rules (DT3xx).

Rules are compared as boxes over the column domains, so entries compare by
the values they accept, not by their text (``1.1`` is ``1.10``; ``-`` is
``"a", "b"`` when those are the only allowed values).
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from engine.analysis import codes
from engine.analysis.boxes import RuleBox, TableSpace, contains
from engine.analysis.domains import Runs
from engine.analysis.domains import contains as side_contains
from engine.analysis.domains import intersect as side_intersect
from engine.analysis.domains import union as side_union
from engine.diagnostics import Diagnostic
from engine.model import HitPolicy


def duplicate_groups(live: Sequence[RuleBox]) -> list[list[int]]:
    """Groups (positions, table order) of rules with equal boxes and equal outputs."""
    groups: dict[tuple, list[int]] = {}
    for i, box in enumerate(live):
        groups.setdefault((box.sides, box.outputs), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def duplicate_diagnostics(space: TableSpace, live: Sequence[RuleBox], groups) -> list[Diagnostic]:
    table = space.table.table
    found = []
    for group in groups:
        labels = [live[i].label for i in group]
        found.append(
            codes.DUPLICATE.diagnostic(
                f"rules {_and(labels)} are duplicates: the same input entries (by value) and the same outputs",
                location=live[group[1]].rule.rule.location,
                decision=table.name,
                rules=labels,
                hint=f"delete {_and(labels[1:])}"
                + (" (under COLLECT each copy is collected again)" if not table.hit_policy.single_hit else ""),
            )
        )
    return found


def subsumption_diagnostics(
    space: TableSpace,
    live: Sequence[RuleBox],
    pairs: set[tuple[int, int]],
    *,
    skip: AbstractSet[int] = frozenset(),
    limit: int | None = None,
    omitted: dict[str, int] | None = None,
) -> tuple[list[Diagnostic], set[int]]:
    """DT302 for rules inside another rule with the same outputs; also returns them.

    At most ``limit`` findings are written; the rest are counted in ``omitted``.
    """
    table = space.table.table
    first = table.hit_policy is HitPolicy.FIRST
    partners = _partners(pairs) if first else {}
    found: list[Diagnostic] = []
    subsumed: set[int] = set()
    for a, b in sorted(pairs):
        x, y = live[a], live[b]
        if x.outputs != y.outputs or x.sides == y.sides:
            continue
        for inner, outer in ((a, b), (b, a)):
            if inner in skip or not contains(live[outer].sides, live[inner].sides):
                continue
            if first and any(inner < k < outer and live[k].outputs != x.outputs for k in partners.get(inner, ())):
                continue  # under FIRST a rule in between would take over its inputs
            subsumed.add(inner)
            if limit is not None and len(found) >= limit:
                if omitted is not None:
                    omitted[codes.SUBSUMED.code] = omitted.get(codes.SUBSUMED.code, 0) + 1
                continue
            i, o = live[inner], live[outer]
            found.append(
                codes.SUBSUMED.diagnostic(
                    f"rule {i.label} is subsumed by rule {o.label}: rule {o.label} matches every "
                    f"input rule {i.label} matches and gives the same outputs",
                    location=i.rule.rule.location,
                    decision=table.name,
                    rules=[i.label, o.label],
                    hint=f"delete rule {i.label}"
                    + (
                        ""
                        if table.hit_policy.single_hit
                        else f" (under {table.policy_label} both rules fire; keep it only if the double hit is intended)"
                    ),
                    data={"subsumed_by": o.label},
                )
            )
    return found, subsumed


def contraction_diagnostics(
    space: TableSpace,
    live: Sequence[RuleBox],
    pairs: set[tuple[int, int]],
    *,
    exclude: AbstractSet[int] = frozenset(),
) -> list[Diagnostic]:
    """DT303: rules equal except in one column, with the same outputs, that can be one rule.

    The merge must not change what the table returns: under FIRST and RULE
    ORDER no rule between them may overlap them with other outputs; under
    multiple-hit policies the merged rules must not overlap (one hit instead
    of two).
    """
    table = space.table.table
    policy = table.hit_policy
    partners = _partners(pairs)
    seen_sides: set[tuple] = set()
    candidates = []
    for i, box in enumerate(live):
        key = (box.sides, box.outputs)
        if i in exclude or key in seen_sides:  # duplicates: only the first takes part
            continue
        seen_sides.add(key)
        candidates.append(i)
    found = []
    for c, dom in enumerate(space.domains):
        groups: dict[tuple, list[int]] = {}
        for i in candidates:
            box = live[i]
            groups.setdefault((box.outputs, box.sides[:c], box.sides[c + 1 :]), []).append(i)
        for members in groups.values():
            if len(members) < 2:
                continue
            for cluster in _clusters(dom, [(i, live[i].sides[c]) for i in members]):
                if not _merge_keeps_meaning(live, cluster, c, partners, policy):
                    continue
                merged: Runs = ()
                for i in cluster:
                    merged = side_union(merged, live[i].sides[c])
                labels = [live[i].label for i in cluster]
                entry = dom.describe(merged)
                # Rules that cite different sources stay apart for traceability:
                # merging them is a choice for the analyst, not a defect.
                notes = {live[i].rule.rule.annotations for i in cluster}
                check = codes.CONTRACTION if len(notes) == 1 else codes.CONTRACTION_CITED
                found.append(
                    check.diagnostic(
                        f"rules {_and(labels)} differ only in {dom.name} and give the same outputs: "
                        f"they can be one rule with {dom.name} = {entry}",
                        location=live[cluster[0]].rule.rule.location,
                        decision=table.name,
                        rules=labels,
                        hint=f"replace them by one rule whose {dom.name} entry is {entry}",
                        data={"column": dom.name, "merged_entry": entry},
                    )
                )
    return found


def _clusters(dom, members: list[tuple[int, Runs]]) -> list[list[int]]:
    """Mergeable sets of rules among those equal in every other column."""
    # A rule inside another one is subsumed, not a merge candidate.
    kept = [(i, s) for i, s in members if not any(j != i and s != t and side_contains(t, s) for j, t in members)]
    if len(kept) < 2:
        return []
    discrete = all(p.span is None or p.span.is_point() for _, side in kept for a, b in side for p in dom.pieces[a:b])
    if discrete:
        return [sorted(i for i, _ in kept)]
    clusters: list[list[int]] = []
    chain: list[int] = []
    reach: Runs = ()
    for i, side in sorted(((i, s) for i, s in kept if len(s) == 1), key=lambda m: m[1][0]):
        joined = side_union(reach, side)
        if chain and len(joined) == 1:
            chain.append(i)
            reach = joined
        else:
            if len(chain) > 1:
                clusters.append(sorted(chain))
            chain, reach = [i], side
    if len(chain) > 1:
        clusters.append(sorted(chain))
    return clusters


def _merge_keeps_meaning(live, cluster, c, partners, policy: HitPolicy) -> bool:
    if not policy.single_hit:
        for x in range(len(cluster)):
            for y in range(x + 1, len(cluster)):
                if side_intersect(live[cluster[x]].sides[c], live[cluster[y]].sides[c]):
                    return False
    if policy in (HitPolicy.FIRST, HitPolicy.RULE_ORDER):
        first = cluster[0]
        members = set(cluster)
        outputs = live[first].outputs
        for m in cluster[1:]:
            for t in partners.get(m, ()):
                if first < t < m and t not in members and live[t].outputs != outputs:
                    return False
    return True


def _partners(pairs: set[tuple[int, int]]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for a, b in pairs:
        found.setdefault(a, set()).add(b)
        found.setdefault(b, set()).add(a)
    return found


def _and(labels: Sequence[str]) -> str:
    labels = list(labels)
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]
