"""Overlaps, judged by hit policy (DT2xx).

The sweep yields every distinct set of rules that match together somewhere.
From those sets:

- UNIQUE: every overlapping pair is an error (DT201);
- ANY: pairs whose outputs differ are errors (DT202);
- FIRST / PRIORITY: a rule that never wins anywhere is masked (DT204 / DT203);
  a rule that is partly overridden by a broader rule with another output is
  misled (DT205);
- RULE ORDER / OUTPUT ORDER / COLLECT: one info summary (DT206).

The region of an overlap is the intersection of the two boxes: exact.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from collections.abc import Set as AbstractSet

from engine.analysis import codes
from engine.analysis.boxes import RuleBox, TableSpace, intersect, region_text
from engine.analysis.sweep import Sweep
from engine.diagnostics import Diagnostic
from engine.feel import values as V
from engine.model import HitPolicy

#: A rule's output priority: per output with allowed values, the position of its value (lower wins).
Priority = tuple[int, ...]

#: Pairs listed in a DT206 summary.
SUMMARY_PAIRS = 10
#: Overlapping pairs collected before the analysis gives up on a table.
PAIR_LIMIT = 200_000


def overlap_pairs(result: Sweep, limit: int = PAIR_LIMIT) -> set[tuple[int, int]]:
    """Every pair of rules (positions, lower first) that match some input together.

    Past ``limit`` pairs the search stops and marks the sweep truncated.
    """
    pairs: set[tuple[int, int]] = set()
    for cell in result.cells:
        if len(cell) > 1:
            members = sorted(cell)
            for a in range(len(members)):
                pairs.update((members[a], m) for m in members[a + 1 :])
                if len(pairs) > limit:
                    result.truncated = True
                    return pairs
    return pairs


def priority_keys(space: TableSpace, live: Sequence[RuleBox]) -> list[Priority | None] | None:
    """Per rule, its output priority (lower = higher), or None when unknown.

    Priority follows the order of each output's allowed values, outputs
    compared left to right. None for the whole table when no output has
    allowed values.
    """
    outputs = space.table.table.outputs
    ranked = [j for j, out in enumerate(outputs) if out.allowed is not None]
    if not ranked:
        return None
    keys: list[Priority | None] = []
    for box in live:
        key: list[int] = []
        for j in ranked:
            entry = box.rule.outputs[j]
            if not entry.is_constant:
                keys.append(None)
                break
            pos = _index_of(entry.value, outputs[j].allowed)
            if pos is None:
                keys.append(None)
                break
            key.append(pos)
        else:
            keys.append(tuple(key))
    return keys


def _index_of(value, allowed) -> int | None:
    cat = V.category(value)
    for i, candidate in enumerate(allowed):
        if V.category(candidate) == cat and candidate == value:
            return i
    return None


def winners_of(cell: frozenset[int], policy: HitPolicy, keys: Sequence[Priority] | None) -> set[int]:
    """The rules a single-hit policy may select among those matching together."""
    if policy is HitPolicy.FIRST:
        return {min(cell)}
    if policy is HitPolicy.PRIORITY and keys is not None:
        best = min(keys[m] for m in cell)
        return {m for m in cell if keys[m] == best}
    return set(cell)


def find_masked(
    result: Sweep, n_live: int, policy: HitPolicy, keys: Sequence[Priority] | None
) -> dict[int, set[int]]:
    """Rules that win nowhere, each with the rules that win where it matches."""
    won: set[int] = set()
    beaten_by: dict[int, set[int]] = {}
    for cell in result.cells:
        if len(cell) == 1:
            won |= cell
            continue
        winners = winners_of(cell, policy, keys)
        won |= winners
        for m in cell - winners:
            beaten_by.setdefault(m, set()).update(winners)
    return {r: beaten_by.get(r, set()) for r in range(n_live) if r not in won}


def overlap_diagnostics(
    space: TableSpace,
    live: Sequence[RuleBox],
    result: Sweep,
    pairs: set[tuple[int, int]],
    *,
    skip_pairs: AbstractSet[tuple[int, int]] = frozenset(),
    skip_masked: AbstractSet[int] = frozenset(),
    limit: int | None = None,
    omitted: dict[str, int] | None = None,
) -> tuple[list[Diagnostic], dict[int, set[int]]]:
    """Diagnostics for the table's hit policy, and the masked rules found.

    At most ``limit`` overlap findings are written; how many more there were
    is added to ``omitted`` (code -> count).
    """
    table = space.table.table
    policy = table.hit_policy
    found: list[Diagnostic] = []
    masked: dict[int, set[int]] = {}
    ordered = sorted(pairs - skip_pairs)

    def room(check: codes.Check) -> bool:
        if limit is not None and len(found) >= limit:
            if omitted is not None:
                omitted[check.code] = omitted.get(check.code, 0) + 1
            return False
        return True

    if policy is HitPolicy.UNIQUE:
        for a, b in ordered:
            if room(codes.UNIQUE_OVERLAP):
                found.append(_pair(space, live, a, b, codes.UNIQUE_OVERLAP, "both match"))
    elif policy is HitPolicy.ANY:
        for a, b in ordered:
            if live[a].outputs != live[b].outputs and room(codes.ANY_CONFLICT):
                found.append(
                    _pair(
                        space,
                        live,
                        a,
                        b,
                        codes.ANY_CONFLICT,
                        "both match",
                        suffix=" but give different outputs (" + _differences(space, live[a], live[b]) + ")",
                    )
                )
    elif policy in (HitPolicy.FIRST, HitPolicy.PRIORITY):
        keys: list[Priority] | None = None
        if policy is HitPolicy.PRIORITY:
            maybe_keys = priority_keys(space, live)
            unknown = [live[i].label for i, k in enumerate(maybe_keys or []) if k is None]
            if maybe_keys is None or unknown:
                found.append(
                    codes.PRIORITY_UNKNOWN.diagnostic(
                        "output priorities unknown"
                        + (f" for rules {', '.join(unknown)}" if unknown and maybe_keys else "")
                        + ": masked and misleading rules are not checked",
                        location=table.location,
                        decision=table.name,
                        rules=unknown,
                        hint="give the outputs allowed values (highest priority first) and constant output entries",
                    )
                )
                return found, masked
            keys = [k for k in maybe_keys if k is not None]  # all of them: unknown is empty
        masked = find_masked(result, len(live), policy, keys)
        check = codes.MASKED_FIRST if policy is HitPolicy.FIRST else codes.MASKED_PRIORITY
        for r in sorted(masked):
            if r in skip_masked:
                continue
            by_labels = [live[b].label for b in sorted(masked[r])]
            many = len(by_labels) > 1
            rules_text = f"rule{'s' if many else ''} {_and(by_labels)}"
            if policy is HitPolicy.FIRST:
                message = (
                    f"rule {live[r].label} can never be selected: {rules_text}, above it, "
                    f"already match{'' if many else 'es'} every input it matches"
                )
                hint = f"delete rule {live[r].label}, or move it above {rules_text} if it is an exception to them"
            else:
                message = (
                    f"rule {live[r].label} can never be selected: {rules_text}, with "
                    f"{'higher-priority outputs' if many else 'a higher-priority output'}, "
                    f"match{'' if many else 'es'} every input it matches"
                )
                hint = f"delete rule {live[r].label}, or narrow {rules_text}"
            found.append(
                check.diagnostic(
                    message,
                    location=live[r].rule.rule.location,
                    decision=table.name,
                    rules=[live[r].label, *by_labels],
                    hint=hint,
                    data={"masked_by": by_labels},
                )
            )
        found.extend(_misleading(space, live, ordered, masked, policy, keys))
    else:
        if ordered:
            listed = "; ".join(f"{live[a].label} and {live[b].label}" for a, b in ordered[:SUMMARY_PAIRS])
            more = f" and {len(ordered) - SUMMARY_PAIRS} more" if len(ordered) > SUMMARY_PAIRS else ""
            found.append(
                codes.MULTI_HIT_OVERLAP.diagnostic(
                    f"{len(ordered)} pair{'s' if len(ordered) != 1 else ''} of rules overlap: "
                    f"rules {listed}{more}; under {table.policy_label} every matching rule contributes",
                    location=table.location,
                    decision=table.name,
                    hint="nothing to do if the rules are meant to add up; otherwise make them exclusive",
                    data={"pairs": [[live[a].label, live[b].label] for a, b in ordered]},
                )
            )
    return found, masked


def _misleading(space, live, ordered, masked, policy, keys) -> list[Diagnostic]:
    table = space.table.table
    found = []
    for a, b in ordered:
        if live[a].outputs == live[b].outputs:
            continue
        if policy is HitPolicy.FIRST:
            winner, loser = a, b
        else:
            if keys[a] == keys[b]:
                continue
            winner, loser = (a, b) if keys[a] < keys[b] else (b, a)
        if loser in masked:
            continue
        w, lo = live[winner], live[loser]
        broad = [dom.name for dom, ws, ls in zip(space.domains, w.sides, lo.sides) if ws == dom.full and ls != dom.full]
        if not broad:
            continue
        region = intersect(w.sides, lo.sides)
        found.append(
            codes.MISLEADING.diagnostic(
                f"rule {lo.label} is overridden by rule {w.label} where {region_text(space, region)}: "
                f"rule {w.label} does not test {_and(broad)} and gives "
                f"{_differences(space, w, lo, only_first=True)} there",
                location=lo.rule.rule.location,
                decision=table.name,
                rules=[lo.label, w.label],
                hint=f"make rule {w.label} test {_and(broad)} too, or split rule {lo.label} so "
                "that reading it alone tells what happens",
                data={"overridden_by": w.label, "region": _region_data(space, region)},
            )
        )
    return found


def _pair(space, live, a, b, check, verb, suffix="") -> Diagnostic:
    table = space.table.table
    first, second = live[a], live[b]
    region = intersect(first.sides, second.sides)
    return check.diagnostic(
        f"rules {first.label} and {second.label} {verb} {region_text(space, region)}{suffix}",
        location=second.rule.rule.location,
        decision=table.name,
        rules=[first.label, second.label],
        hint=(
            "make their entries exclusive, merge them, or choose a hit policy that allows "
            "overlaps (FIRST, PRIORITY, COLLECT)"
        ),
        data={"region": _region_data(space, region)},
    )


def _region_data(space: TableSpace, region) -> dict[str, str]:
    return {dom.name: dom.describe(side) for dom, side in zip(space.domains, region)}


def _differences(space: TableSpace, x: RuleBox, y: RuleBox, only_first: bool = False) -> str:
    parts = []
    for out, ox, oy, kx, ky in zip(space.table.table.outputs, x.rule.outputs, y.rule.outputs, x.outputs, y.outputs):
        if kx != ky:
            if only_first:
                parts.append(f"{out.name} = {_text(ox)}")
            else:
                parts.append(f"{out.name}: {_text(ox)} vs {_text(oy)}")
    return ", ".join(parts)


def _text(entry) -> str:
    return V.describe(entry.value) if entry.is_constant else entry.cell.text


def _and(labels: Sequence[Hashable]) -> str:
    texts = [str(x) for x in labels]
    if len(texts) <= 1:
        return "".join(texts)
    return ", ".join(texts[:-1]) + " and " + texts[-1]
