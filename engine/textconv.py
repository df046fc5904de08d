"""Workbooks as stable text for ``git diff`` (``dtable show --format textconv``).

One line per column declaration, rule and test case, with no padding: a
value that grows changes its own line only, never the widths of the others.
Cell locations are left out of rule lines (inserting a row would change
every line below it); rules and cases are named by their labels instead.

>>> print(render_textconv(engine.read("tables")))               # doctest: +SKIP
decision kontakttyp (sheet kontakttyp), hit policy UNIQUE
  input kontakt: string; allowed "1177 direkt", "telefon", "fysiskt besök"
  …
  rule R1: kontakt "1177 direkt" | ersätter_besök false => kontakttyp "Text som inte ersätter besök" # Källa: 3.1.1–3.1.4
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.api import Loaded
from engine.feel.values import describe
from engine.model import DecisionTable, TestTable


def _flat(text: str) -> str:
    """Cell text on one line: line breaks inside a cell are written as ``\\n``."""
    return text.replace("\\", "\\\\").replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _declaration(kind: str, name: str, type_: str | None, allowed: tuple[Any, ...] | None) -> str:
    parts = []
    if type_:
        parts.append(type_)
    if allowed is not None:
        parts.append("allowed " + ", ".join(describe(v) for v in allowed))
    return f"  {kind} {_flat(name)}" + (": " + "; ".join(parts) if parts else "")


def decision_lines(table: DecisionTable) -> list[str]:
    """A decision table: its header, one line per column, one line per rule."""
    lines = [f"decision {table.name} (sheet {table.location.sheet}), hit policy {table.policy_label}"]
    for column in table.inputs:
        lines.append(_declaration("input", column.name, column.type, column.allowed))
    for output in table.outputs:
        line = _declaration("output", output.name, output.type, output.allowed)
        if output.default is not None:
            line += f"; default {_flat(output.default.text)}"
        lines.append(line)
    if table.annotations:
        lines.append("  annotations " + " | ".join(_flat(a) for a in table.annotations))
    for rule in table.rules:
        inputs = " | ".join(f"{c.name} {_flat(cell.text) or '-'}" for c, cell in zip(table.inputs, rule.inputs))
        outputs = " | ".join(f"{o.name} {_flat(cell.text)}" for o, cell in zip(table.outputs, rule.outputs))
        notes = " | ".join(f"{title}: {_flat(text)}" for title, text in zip(table.annotations, rule.annotations) if text)
        lines.append(f"  rule {_flat(rule.label)}: {inputs} => {outputs}" + (f" # {notes}" if notes else ""))
    return lines


def test_lines(table: TestTable) -> list[str]:
    """A test table: its header, one line per case."""
    lines = [f"test {table.decision} (sheet {table.location.sheet})"]
    for case in table.cases:
        inputs = " | ".join(f"{name} {_flat(cell.text)}" for name, cell in case.inputs.items())
        if case.expects_no_rule:
            expected = "no rule applies"
        else:
            expected = " | ".join(f"{name} {_flat(cell.text)}" for name, cell in case.expected.items())
        note = f" # {_flat(case.description)}" if case.description else ""
        lines.append(f"  case {_flat(case.label)}: {inputs or '(no inputs)'} => {expected or '(nothing checked)'}{note}")
    return lines


def render_textconv(loaded: Loaded, decision: str | None = None) -> str:
    """Every decision and test table, workbook by workbook.

    ``decision`` keeps only that decision and its test tables. The workbook
    is named (by file name only) when more than one is read.
    """
    sections: list[str] = []
    several = len(loaded.sources) > 1
    for source in loaded.sources:
        lines = _workbook_lines(loaded, source, decision)
        if several and lines:
            lines.insert(0, f"workbook {Path(source).name}")
        if lines:
            sections.append("\n".join(lines))
    return "\n\n".join(sections) + ("\n" if sections else "")


def _workbook_lines(loaded: Loaded, source: Path, decision: str | None) -> list[str]:
    """Decision tables first, then test tables, each in the order they were read."""
    path = str(source)
    blocks = [
        decision_lines(c.table)
        for c in loaded.tables
        if c.table.location.workbook == path and decision in (None, c.table.name)
    ]
    blocks += [test_lines(t) for t in loaded.tests if t.location.workbook == path and decision in (None, t.decision)]
    out: list[str] = []
    for block in blocks:
        if out:
            out.append("")
        out.extend(block)
    return out
