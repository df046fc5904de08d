"""The table analyser: gaps, overlaps, redundancy and domain checks.

Every rule is a box in the input space (one set of values per input
column, over the columns' declared domains); the analyser sweeps the boxes'
sorted bounds column by column instead of enumerating input combinations.
Findings are :class:`~engine.diagnostics.Diagnostic` values with codes
``DT1xx`` (completeness), ``DT2xx`` (overlaps), ``DT3xx`` (redundancy) and
``DT4xx`` (domains and types); see ``docs/lint-codes.md``.

>>> for d in analyse_table(compiled):                   # doctest: +SKIP
...     print(d.render())
registrering!A1: warning DT101: no rule covers yrkesroll = "läkare", ersätter_besök = false
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.analysis import codes
from engine.analysis.boxes import RuleBox, TableSpace, table_space
from engine.analysis.broken import Broken, broken_parts, not_analysed
from engine.analysis.domain_checks import domain_diagnostics, unused_inputs
from engine.analysis.gaps import gap_diagnostics, merge_gaps
from engine.analysis.overlaps import overlap_diagnostics, overlap_pairs
from engine.analysis.redundancy import (
    contraction_diagnostics,
    duplicate_diagnostics,
    duplicate_groups,
    subsumption_diagnostics,
)
from engine.analysis.sweep import DEFAULT_BUDGET, Sweep, sweep
from engine.decision import CompiledTable
from engine.diagnostics import Diagnostic

#: Findings of one code listed per table; the rest are counted in a DT103 info.
MAX_PER_CHECK = 1000

__all__ = [
    "analyse",
    "analyse_table",
    "codes",
    "merge_gaps",
    "sweep_table",
    "table_space",
    "unused_inputs",
]


def sweep_table(
    ct: CompiledTable, *, find_gaps: bool = True, budget: int = DEFAULT_BUDGET, leave_out: frozenset[int] = frozenset()
) -> tuple[TableSpace, list[RuleBox], Sweep]:
    """The table's space, its rules that can match (in table order) and the sweep over them.

    Bit ``i`` of the sweep's cells stands for ``live[i]``; ``leave_out``: rules not to place.
    """
    space = table_space(ct, leave_out)
    live = [box for box in space.boxes if not box.is_empty]
    result = sweep(
        [box.sides for box in live],
        [dom.size for dom in space.domains],
        find_gaps=find_gaps,
        budget=budget,
    )
    return space, live, result


def analyse_table(
    ct: CompiledTable,
    *,
    check_gaps: bool | None = None,
    budget: int = DEFAULT_BUDGET,
    max_per_check: int = MAX_PER_CHECK,
    broken: Broken | None = None,
) -> list[Diagnostic]:
    """Every finding about one compiled decision table.

    ``check_gaps``: None checks completeness for single-hit policies only
    (UNIQUE, ANY, PRIORITY, FIRST), where a missing match is an error of the
    table; True or False force it on or off. ``budget`` bounds the sweep's
    work; ``max_per_check`` bounds the findings of one code for the table
    (the rest are counted in one DT103 info). ``broken``: what load errors
    break in the table (see :func:`~engine.analysis.broken.broken_parts`);
    the analysis then leaves it out and says so once (DT104).

    >>> [d.code for d in analyse_table(ct)]                 # doctest: +SKIP
    ['DT101', 'DT201']
    """
    table = ct.table
    if broken is not None and broken.structure:
        return [not_analysed(ct, broken)]
    if check_gaps is None:
        check_gaps = table.hit_policy.single_hit
    leave_out = broken.rules if broken is not None else frozenset()
    if leave_out:
        check_gaps = False  # a rule left out may have covered any gap
    space, live, result = sweep_table(ct, find_gaps=check_gaps, budget=budget, leave_out=leave_out)
    pairs = overlap_pairs(result)
    found: list[Diagnostic] = [not_analysed(ct, broken)] if broken is not None else []
    for rule in space.skipped:
        found.append(
            codes.RULE_NOT_ANALYSED.diagnostic(
                f"rule {rule.label} is not analysed: an input entry is not a constant test "
                "(it reads other inputs, or did not compile)",
                location=rule.rule.location,
                decision=table.name,
                rules=[rule.label],
                hint="gaps and overlaps found for this table ignore this rule",
            )
        )
    if result.truncated:
        found.append(
            codes.ANALYSIS_TRUNCATED.diagnostic(
                "the table cuts the input space into too many regions; gaps and overlaps reported are incomplete",
                location=table.location,
                decision=table.name,
                hint="split the table, or raise the analysis budget",
            )
        )
    found.extend(domain_diagnostics(space, broken.cells if broken is not None else frozenset()))
    if check_gaps:
        found.extend(gap_diagnostics(space, result))

    groups = duplicate_groups(live)
    duplicate_pairs = {(a, b) for g in groups for a in g for b in g if a < b}
    later_copies = {i for g in groups for i in g[1:]}
    omitted: dict[str, int] = {}
    overlaps, masked = overlap_diagnostics(
        space,
        live,
        result,
        pairs,
        skip_pairs=duplicate_pairs,
        skip_masked=later_copies,
        limit=max_per_check,
        omitted=omitted,
    )
    found.extend(overlaps)
    found.extend(duplicate_diagnostics(space, live, groups))
    subsumptions, subsumed = subsumption_diagnostics(
        space, live, pairs, skip=set(masked) | later_copies, limit=max_per_check, omitted=omitted
    )
    found.extend(subsumptions)
    found.extend(contraction_diagnostics(space, live, pairs, exclude=subsumed | set(masked)))
    found = _capped(found, max_per_check, omitted)
    for code, count in sorted(omitted.items()):
        found.append(
            codes.ANALYSIS_TRUNCATED.diagnostic(
                f"{count} more {code} finding{'s are' if count != 1 else ' is'} not listed for {table.name}",
                location=table.location,
                decision=table.name,
                hint="fix the findings listed first; they often explain the rest",
                data={"code": code, "omitted": count},
            )
        )
    return found


def _capped(found: list[Diagnostic], limit: int, omitted: dict[str, int]) -> list[Diagnostic]:
    """At most ``limit`` findings per code, counting the rest in ``omitted``."""
    kept: list[Diagnostic] = []
    seen: dict[str, int] = {}
    for d in found:
        seen[d.code] = seen.get(d.code, 0) + 1
        if seen[d.code] <= limit:
            kept.append(d)
        else:
            omitted[d.code] = omitted.get(d.code, 0) + 1
    return kept


def analyse(
    tables: Iterable[CompiledTable],
    *,
    check_gaps: bool | None = None,
    inputs: Iterable[str] | None = None,
    budget: int = DEFAULT_BUDGET,
    errors: Iterable[Diagnostic] = (),
) -> list[Diagnostic]:
    """Findings for every table, then across tables (inputs no rule uses, DT406).

    ``inputs``: the model's input names, when known (see :func:`unused_inputs`);
    ``errors``: the load errors, so that what they break is left out (DT104).
    """
    tables = list(tables)
    broken = broken_parts(tables, errors)
    found: list[Diagnostic] = []
    for ct in tables:
        found.extend(analyse_table(ct, check_gaps=check_gaps, budget=budget, broken=broken.get(ct.name)))
    found.extend(unused_inputs(tables, inputs, broken))
    return found
