"""What the loader could not read, so the analysis leaves it out (DT104).

One mistake should give one message. Gaps, overlaps and merge advice
computed from a table whose structure failed, or from rules whose cells
failed, are noise that buries the real error. So a table with a layout
error is not analysed, a rule with a broken cell is left out, and gaps are
not looked for while a rule is left out; one DT104 info says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engine.analysis import codes
from engine.decision import CompiledTable
from engine.diagnostics import Diagnostic, Severity
from engine.model import Location

#: Errors that break the table's shape even where they sit in a rule's cell (a merge over entries).
SHAPE_ERRORS = frozenset({"DT019", "DT510"})


@dataclass(frozen=True)
class Broken:
    """The parts of one table that errors make unreadable."""

    structure: tuple[Diagnostic, ...]  # errors outside the rules' cells: the table is not analysed
    cells: frozenset[Location]  # rule cells with an error
    rules: frozenset[int]  # 0-based positions of the rules with such a cell (gaps cannot be trusted then)
    errors: tuple[Diagnostic, ...]  # every error in the rules' cells, in order


def broken_parts(tables: Iterable[CompiledTable], errors: Iterable[Diagnostic]) -> dict[str, Broken]:
    """Per decision name, what its errors break (tables without errors are left out)."""
    by_decision: dict[str, list[Diagnostic]] = {}
    for d in errors:
        if d.severity is Severity.ERROR and d.decision is not None:
            by_decision.setdefault(d.decision, []).append(d)
    found: dict[str, Broken] = {}
    for ct in tables:
        mine = by_decision.get(ct.name)
        if not mine:
            continue
        table = ct.table
        inputs = {c.location: i for i, r in enumerate(table.rules) for c in r.inputs}
        outputs = {c.location: i for i, r in enumerate(table.rules) for c in r.outputs}
        defaults = {o.default.location for o in table.outputs if o.default is not None}
        structure, cell_errors, rules, cells = [], [], set(), set()
        for d in mine:
            loc = d.location
            if d.code not in SHAPE_ERRORS and (loc in inputs or loc in outputs):
                assert loc is not None
                cells.add(loc)
                rules.add(inputs.get(loc, outputs.get(loc)))
                cell_errors.append(d)
            elif loc not in defaults:  # a broken default changes no rule
                structure.append(d)
        found[ct.name] = Broken(
            tuple(structure), frozenset(cells), frozenset(r for r in rules if r is not None), tuple(cell_errors),
        )  # fmt: skip
    return found


def not_analysed(ct: CompiledTable, broken: Broken) -> Diagnostic:
    """The one DT104 info for a table the analysis leaves (partly) out."""
    table = ct.table
    if broken.structure:
        places = _places(broken.structure)
        many = len(broken.structure) > 1
        return codes.NOT_ANALYSED.diagnostic(
            f"decision {table.name} is not analysed: its layout has {_errors(broken.structure)} ({places})",
            location=table.location,
            decision=table.name,
            hint=f"fix {'them' if many else 'it'} first; gaps, overlaps and redundant rules are looked for "
            "once the table reads as it looks",
        )
    labels = [table.rules[i].label for i in sorted(broken.rules)]
    which = f"rule {labels[0]} is" if len(labels) == 1 else f"rules {', '.join(labels)} are"
    many = len(broken.errors) > 1
    return codes.NOT_ANALYSED.diagnostic(
        f"{which} left out of the analysis, and gaps are not looked for, because of {_errors(broken.errors)} at {_places(broken.errors)}",
        location=table.location,
        decision=table.name,
        rules=labels,
        hint=f"fix the cell{'s' if many else ''} first; the analysis then covers the whole table",
    )


def _errors(found: tuple[Diagnostic, ...]) -> str:
    return "an error" if len(found) == 1 else f"{len(found)} errors"


def _places(found: tuple[Diagnostic, ...]) -> str:
    places = list(dict.fromkeys(str(d.location) for d in found if d.location is not None))
    shown = ", ".join(places[:5])
    return shown + (f" and {len(places) - 5} more" if len(places) > 5 else "")

