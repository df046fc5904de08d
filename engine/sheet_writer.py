"""Decisions -> a workbook in this project's sheet layout (the README's "sheet layout").

Used to convert a DMN model (Camunda, Drools, Trisotech …) into a workbook
that analysts maintain in Excel: one sheet per decision, the table with its
hit policy, Type, Allowed values and Default rows. A decision whose logic is
a literal expression becomes a table with one output and one rule, which
gives the same value. Every cell is written as text, so `= 5` stays a unary
test rather than becoming a formula.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from engine.boxed import LiteralExpression
from engine.decision import CompiledExpression, CompiledTable
from engine.dmn.writer import allowed_text
from engine.feel.literals import parse_literal_list
from engine.feel.parser import FeelSyntaxError
from engine.inputs import InputSpec
from engine.model import DecisionTable
from engine.types import ItemType

_TABLE_TYPES = ("string", "number", "boolean", "date")


class ConversionError(ValueError):
    """What cannot be written in the sheet layout (one line, says what would be valid)."""


def table_rows(table: DecisionTable, specs: Mapping[str, InputSpec] | None = None) -> list[list[str]]:
    """The rows of one decision table, as the workbook reader expects them."""
    specs = specs or {}
    policy = table.hit_policy.value + (table.aggregator.value if table.aggregator else "")
    kinds = [policy, *["input"] * len(table.inputs), *["output"] * len(table.outputs), *["annotation"] * len(table.annotations)]  # fmt: skip
    names = ["Rule", *(c.expression.text for c in table.inputs), *(c.name for c in table.outputs), *table.annotations]
    types: list[str] = ["Type"]
    allowed: list[str] = ["Allowed values"]
    for column in table.inputs:
        declared = _declared(specs.get(column.expression.text))
        types.append(column.type or declared[0] or "")
        allowed.append(_literal_text(column.allowed, column.allowed_text) or declared[1] or "")
    for output in table.outputs:
        types.append(output.type or "")
        allowed.append(_literal_text(output.allowed, output.allowed_text) or "")
    defaults = ["Default", *[""] * len(table.inputs), *(o.default.text if o.default else "" for o in table.outputs)]
    rows: list[list[str]] = [[f"Decision: {table.name}"], kinds, names]
    padding = [""] * len(table.annotations)
    if any(types[1:]):
        rows.append(types + padding)
    if any(allowed[1:]):
        rows.append(allowed + padding)
    if any(defaults[1:]):
        rows.append(defaults + padding)
    for rule in table.rules:
        notes = [*rule.annotations, *padding][: len(table.annotations)]
        rows.append([rule.label, *(c.text or "-" for c in rule.inputs), *(c.text for c in rule.outputs), *notes])
    return rows


def _declared(spec: InputSpec | None) -> tuple[str | None, str | None]:
    """Type and allowed values of a DMN input data, where the sheet layout can say them."""
    item: ItemType | None = spec.item if spec else None
    if item is None:
        return None, None
    kind = item.base if item.base in _TABLE_TYPES else None
    literals = None
    if item.allowed_text:
        try:
            parse_literal_list(item.allowed_text)
            literals = item.allowed_text
        except FeelSyntaxError:
            literals = None
    return kind, literals


def _literal_text(values: tuple[Any, ...] | None, text: str | None) -> str | None:
    """Allowed values the sheet layout accepts: a list of literals (ranges cannot be written)."""
    if values is None:
        return None
    return allowed_text(values, text)


def expression_rows(decision: CompiledExpression) -> list[list[str]]:
    logic = decision.decision.logic
    if not isinstance(logic, LiteralExpression):
        kind = type(logic).__name__
        raise ConversionError(
            f"decision `{decision.name}` is a {kind}: only decision tables and literal expressions have a sheet layout"
        )
    return [[f"Decision: {decision.name}"], ["U", "output"], ["Rule", decision.name], ["1", logic.text.text]]


def write_workbook(path: Path, tables: Sequence[CompiledTable], expressions: Sequence[CompiledExpression] = (), specs: Mapping[str, InputSpec] | None = None) -> None:  # fmt: skip
    """Write one sheet per decision; raises :class:`ConversionError` for what has no sheet layout."""
    import openpyxl  # late: only this command needs it

    knowledge = [e.name for e in expressions if e.is_knowledge]
    if knowledge:
        raise ConversionError(
            f"business knowledge model `{knowledge[0]}`: functions have no sheet layout; "
            "only decision tables and literal expressions convert to a workbook"
        )
    sheets = [(t.name, table_rows(t.table, specs)) for t in tables]
    sheets += [(e.name, expression_rows(e)) for e in expressions]
    book = openpyxl.Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for name, rows in sheets:
        sheet = book.create_sheet(_sheet_name(name, used))
        for r, row in enumerate(rows, start=1):
            for c, text in enumerate(row, start=1):
                if text:
                    cell = sheet.cell(row=r, column=c, value=text)
                    cell.data_type = "s"
        for c in range(1, max(len(row) for row in rows) + 1):
            sheet.column_dimensions[openpyxl.utils.get_column_letter(c)].width = 24
    book.save(path)


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'")[:31] or "decision"
    candidate, n = base, 1
    while candidate.lower() in used:
        n += 1
        candidate = f"{base[: 31 - len(str(n)) - 1]}_{n}"
    used.add(candidate.lower())
    return candidate
