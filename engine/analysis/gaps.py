"""Completeness: the input regions no rule covers (DT101).

Gaps come out of the sweep as disjoint boxes; boxes that differ in one column
only are merged so an analyst reads few, large regions. Each gap carries a
ready-to-paste rule row (input entries as FEEL text, outputs blank).
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.analysis import codes
from engine.analysis.boxes import Region, TableSpace, entry_texts, region_text
from engine.analysis.domains import union
from engine.analysis.sweep import Sweep
from engine.diagnostics import Diagnostic
from engine.feel import values as V


def merge_gaps(gaps: Sequence[Region]) -> list[Region]:
    """Merge boxes that agree on every column but one, until none do.

    The union stays exact and the boxes stay disjoint.
    """
    current = list(dict.fromkeys(gaps))
    if not current:
        return []
    n = len(current[0])
    changed = True
    while changed and len(current) > 1:
        changed = False
        for j in range(n):
            merged: dict[Region, list] = {}
            for region in current:
                key = region[:j] + region[j + 1 :]
                slot = merged.get(key)
                if slot is None:
                    merged[key] = [region[j]]
                else:
                    slot.append(region[j])
                    changed = True
            current = []
            for key, sides in merged.items():
                side = sides[0]
                for other in sides[1:]:
                    side = union(side, other)
                current.append(key[:j] + (side,) + key[j:])
    return sorted(current, key=lambda r: tuple(side[0] for side in r))


def gap_diagnostics(space: TableSpace, result: Sweep) -> list[Diagnostic]:
    """One DT101 warning per merged gap."""
    ct = space.table
    table = ct.table
    defaults = [(out.name, d) for out, d in zip(table.outputs, ct.defaults) if d is not None]
    default_note = ""
    if defaults:
        default_note = (
            "; only the default output applies here ("
            + ", ".join(f"{name} = {_output_text(d)}" for name, d in defaults)
            + ")"
        )
    skipped_note = ""
    if space.skipped:
        labels = ", ".join(r.label for r in space.skipped)
        skipped_note = f" Rules not analysed ({labels}) may cover part of it."
    found = []
    for region in merge_gaps(result.gaps):
        inputs = entry_texts(space, region)
        outputs = ["" for _ in table.outputs]
        text = region_text(space, region)
        found.append(
            codes.GAP.diagnostic(
                f"no rule covers {text}{default_note}",
                location=table.location,
                decision=table.name,
                hint=(
                    "add a rule for these inputs (the suggested rule above), or narrow the "
                    "columns' allowed values if such inputs cannot occur; a default output "
                    "does not close a gap." + skipped_note
                ),
                detail="suggested rule: " + " | ".join(inputs) + " | " + " | ".join("?" for _ in outputs),
                data={
                    "region": dict(zip(space.names, inputs)),
                    "suggested_rule": {
                        "inputs": inputs,
                        "outputs": outputs,
                        "tsv": "\t".join(inputs + outputs),
                    },
                    "default_applies": bool(defaults),
                },
            )
        )
    return found


def _output_text(entry) -> str:
    return V.describe(entry.value) if entry.is_constant else entry.cell.text
