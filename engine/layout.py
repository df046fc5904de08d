"""Grids of cell values -> decision tables and test tables (the sheet layout).

The layout is documented in the README ("Sheet layout"). Everything here
works on plain grids, so it is tested without Excel. Problems are collected
as diagnostics, never raised, so an analyst sees all of them at once.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from engine.diagnostics import Diagnostic, Severity
from engine.feel.literals import parse_literal_list
from engine.feel.parser import FeelSyntaxError
from engine.feel.values import TYPES, format_number, parse_number
from engine.model import (
    Aggregator,
    Cell,
    DecisionTable,
    HitPolicy,
    InputColumn,
    Location,
    OutputColumn,
    Rule,
    TestCase,
    TestTable,
)
from engine.workbook import Sheet

_TITLE = re.compile(r"^\s*(decision|beslut|test)\s*:\s*(.*?)\s*$", re.IGNORECASE)

HIT_POLICIES: dict[str, tuple[HitPolicy, Aggregator | None]] = {}
for _policy in HitPolicy:
    HIT_POLICIES[_policy.value] = (_policy, None)
    HIT_POLICIES[_policy.label] = (_policy, None)
for _agg in Aggregator:
    HIT_POLICIES["C" + _agg.value] = (HitPolicy.COLLECT, _agg)
    HIT_POLICIES["COLLECT " + _agg.name] = (HitPolicy.COLLECT, _agg)
    HIT_POLICIES["C " + _agg.name] = (HitPolicy.COLLECT, _agg)
# Analysts here write Swedish; each synonym means exactly its English letter.
SWEDISH_POLICIES = {
    "UNIK": HitPolicy.UNIQUE,
    "NÅGON": HitPolicy.ANY,
    "PRIORITET": HitPolicy.PRIORITY,
    "FÖRSTA": HitPolicy.FIRST,
    "REGELORDNING": HitPolicy.RULE_ORDER,
    "UTDATAORDNING": HitPolicy.OUTPUT_ORDER,
    "SAMLA": HitPolicy.COLLECT,
}
SWEDISH_AGGREGATORS = {"SUMMA": Aggregator.SUM, "MIN": Aggregator.MIN, "MAX": Aggregator.MAX, "ANTAL": Aggregator.COUNT}
for _word, _policy in SWEDISH_POLICIES.items():
    HIT_POLICIES[_word] = (_policy, None)
for _word, _agg in SWEDISH_AGGREGATORS.items():
    HIT_POLICIES["SAMLA " + _word] = (HitPolicy.COLLECT, _agg)
# The Swedish half of the hint is read off the tables above, so a new synonym is offered as soon as it is accepted.
VALID_POLICIES = (
    "U, A, P, F, R, O, C, C+, C<, C>, C# (or UNIQUE, ANY, PRIORITY, FIRST, RULE ORDER, OUTPUT ORDER, COLLECT,"
    f" COLLECT SUM/MIN/MAX/COUNT; in Swedish {', '.join(SWEDISH_POLICIES)}, SAMLA {'/'.join(SWEDISH_AGGREGATORS)})"
)

_KINDS = {
    "input": "input", "indata": "input",
    "output": "output", "utdata": "output",
    "annotation": "annotation", "anteckning": "annotation", "kommentar": "annotation",
    "expected": "expected", "förväntat": "expected",
    "description": "description", "beskrivning": "description",
}  # fmt: skip
_TYPE_NAMES = {
    "string": "string", "text": "string", "sträng": "string",
    "number": "number", "tal": "number", "nummer": "number",
    "boolean": "boolean", "boolesk": "boolean", "bool": "boolean",
    "date": "date", "datum": "date",
}  # fmt: skip
_OPTIONAL_ROWS = {
    "type": "type", "typ": "type",
    "allowed values": "allowed", "tillåtna värden": "allowed",
    "default": "default", "standardvärde": "default",
}  # fmt: skip
NO_RULE = "no rule applies"

_CURLY = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "‘": "'", "’": "'", "‚": "'"})
_ODD_SPACES = str.maketrans({"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200b": ""})


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Found:
    """What one workbook holds."""

    tables: list[DecisionTable] = field(default_factory=list)
    tests: list[TestTable] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


class _Grid:
    def __init__(self, sheet: Sheet, workbook: str, found: Found) -> None:
        self.sheet = sheet
        self.workbook = workbook
        self.found = found

    def raw(self, row: int, col: int) -> Any:
        rows = self.sheet.rows
        if row >= len(rows) or col >= len(rows[row]):
            return ""
        return rows[row][col]

    def at(self, row: int, col: int) -> Location:
        return Location(self.sheet.name, f"{column_letter(col)}{row + 1}", self.workbook)

    def report(self, code: str, severity: Severity, message: str, row: int, col: int, hint: str | None = None, detail: str | None = None) -> None:  # fmt: skip
        self.found.diagnostics.append(Diagnostic(code, severity, message, self.at(row, col), hint, detail=detail))

    def text(self, row: int, col: int, expect: str | None = None) -> str:
        """The cell as FEEL-lite text, repairing what spreadsheets do to text."""
        value = self.raw(row, col)
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return _number_text(value)
        if isinstance(value, _dt.datetime) and value.time() == _dt.time(0):
            value = value.date()
        if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
            if expect not in (None, "date"):
                self.report(
                    "DT505",
                    Severity.WARNING,
                    f"this cell holds the date {value.isoformat()}, but the column is of type {expect}",
                    row,
                    col,
                    "Excel turns entries like `1-2` or `3/4` into dates: format the cell as Text and type it again",
                )
            return f'date("{value.isoformat()}")'
        if not isinstance(value, str):
            self.report("DT506", Severity.ERROR, f"unsupported cell content ({type(value).__name__})", row, col)
            return ""
        return self._clean(value, row, col, expect)

    def _clean(self, value: str, row: int, col: int, expect: str | None) -> str:
        text = value.strip()
        fixed = text.translate(_ODD_SPACES).strip()
        if fixed != text:
            self.report(
                "DT502", Severity.WARNING, "the cell contains non-breaking or invisible spaces; read as plain spaces",
                row, col, "retype the spaces, or paste as plain text",
            )  # fmt: skip
            text = fixed
        fixed = text.translate(_CURLY)
        if fixed != text:
            self.report(
                "DT501", Severity.WARNING, "curly quotes (“ ”) read as straight quotes (\")", row, col,
                "turn off AutoCorrect's smart quotes, or type the quotes again",
            )  # fmt: skip
            text = fixed
        if not unicodedata.is_normalized("NFC", text):
            self.report(
                "DT507", Severity.INFO, "the text is in decomposed Unicode form (e.g. o + ¨ for ö); read as composed",
                row, col, "nothing to do: inputs are compared in composed form too",
            )  # fmt: skip
            text = unicodedata.normalize("NFC", text)
        if "…" in text:
            self.report(
                "DT503", Severity.WARNING, "the ellipsis character … read as `..`", row, col,
                "AutoCorrect turned `...` into `…`; write intervals with two dots: [1..5]",
            )  # fmt: skip
            text = text.replace("…", "..")
        if expect == "number" and parse_number(text) is not None and not text.startswith(("+", "-")):
            self.report(
                "DT504", Severity.INFO, "a number stored as text", row, col,
                "it works, but Excel may sort or validate it as text; format the cell as Number",
            )  # fmt: skip
        return text

    def plain(self, row: int, col: int) -> str:
        """Free text (labels, annotations, descriptions): no FEEL repairs."""
        value = self.raw(row, col)
        if value is None or value == "":
            return ""
        if isinstance(value, (bool, int, float, _dt.date)):
            return self.text(row, col)
        return unicodedata.normalize("NFC", str(value).strip())

    def blank_row(self, row: int, first: int, last: int) -> bool:
        return all(self.raw(row, c) in ("", None) for c in range(first, last + 1))


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        number = parse_number(repr(value))
        return format_number(number) if number is not None else repr(value)
    return str(value)


def read_sheets(sheets: tuple[Sheet, ...], workbook: str) -> Found:
    """Find every decision table and test table in a workbook's sheets."""
    found = Found()
    for sheet in sheets:
        grid = _Grid(sheet, workbook, found)
        row = 0
        while row < len(sheet.rows):
            title = grid.raw(row, 0)
            match = _TITLE.match(title) if isinstance(title, str) else None
            if not match:
                row += 1
                continue
            kind, name = match.group(1).lower(), match.group(2)
            if not name:
                grid.report(
                    "DT004", Severity.ERROR, f"the title `{title.strip()}` names no decision", row, 0,
                    "write e.g. `Decision: registrering`",
                )  # fmt: skip
                row += 1
                continue
            if kind == "test":
                row = _read_test(grid, row, name)
            else:
                row = _read_table(grid, row, name)
    return found


def _kinds(grid: _Grid, row: int, allowed: set[str]) -> list[tuple[int, str]]:
    """The kinds row: [(column, kind)] from column B to the first empty cell."""
    columns: list[tuple[int, str]] = []
    col = 1
    while True:
        value = grid.raw(row, col)
        if value in ("", None):
            break
        word = str(value).strip().lower()
        kind = _KINDS.get(word)
        if kind is None or kind not in allowed:
            valid = ", ".join(sorted(k for k in _KINDS if _KINDS[k] in allowed and k.isascii()))
            grid.report(
                "DT003", Severity.ERROR, f"`{value}` is not a column kind", row, col,
                f"write one of: {valid}",
            )  # fmt: skip
            kind = "annotation"
        columns.append((col, kind))
        col += 1
    return columns


def _read_table(grid: _Grid, title_row: int, name: str) -> int:
    kinds_row, names_row = title_row + 1, title_row + 2
    corner = grid.text(kinds_row, 0)
    policy_key = re.sub(r"\s+", " ", corner.replace("_", " ")).strip().upper()
    policy = HIT_POLICIES.get(policy_key)
    errors_before = len(grid.found.diagnostics)
    if policy is None:
        grid.report(
            "DT002", Severity.ERROR,
            f"`{corner}` is not a hit policy" if corner else "the table's corner cell has no hit policy",
            kinds_row, 0, f"write one of {VALID_POLICIES}",
        )  # fmt: skip
        policy = (HitPolicy.UNIQUE, None)
    columns = _kinds(grid, kinds_row, {"input", "output", "annotation"})
    if not any(k == "input" for _, k in columns) and not any(k == "output" for _, k in columns):
        grid.report(
            "DT004", Severity.ERROR, f"decision `{name}` has no input or output columns", kinds_row, 1,
            "the row under the title marks each column `input`, `output` or `annotation`",
        )  # fmt: skip
        return names_row
    last_col = columns[-1][0] if columns else 1
    outputs_count = sum(1 for _, k in columns if k == "output")
    if outputs_count == 0:
        grid.report("DT004", Severity.ERROR, f"decision `{name}` has no output column", kinds_row, 1)
    if policy[1] is not None and outputs_count > 1:
        grid.report(
            "DT016", Severity.ERROR, f"{corner} aggregates one output, but the table has {outputs_count}",
            kinds_row, 0, "use plain C (COLLECT), or split the outputs into separate tables",
        )  # fmt: skip

    headers = {
        col: grid.plain(names_row, col) if kind == "annotation" else grid.text(names_row, col)
        for col, kind in columns
    }
    for col, kind in columns:
        if kind != "annotation" and not headers[col]:
            grid.report("DT004", Severity.ERROR, f"the {kind} column has no name", names_row, col)

    # Optional rows (Type, Allowed values, Default), then rules.
    optional: dict[str, int] = {}
    row = names_row + 1
    while True:
        marker = grid.raw(row, 0)
        key = _OPTIONAL_ROWS.get(str(marker).strip().lower()) if isinstance(marker, str) else None
        if key is None or grid.blank_row(row, 0, last_col):
            break
        optional[key] = row
        row += 1

    types: dict[int, str | None] = {}
    for col, kind in columns:
        types[col] = None
        if "type" in optional and kind != "annotation":
            word = grid.text(optional["type"], col)
            if word:
                types[col] = _TYPE_NAMES.get(word.lower())
                if types[col] is None:
                    grid.report(
                        "DT005", Severity.ERROR, f"`{word}` is not a type", optional["type"], col,
                        f"write one of {', '.join(TYPES)}, or leave the cell empty",
                    )  # fmt: skip
    allowed: dict[int, tuple[Any, ...] | None] = {}
    for col, kind in columns:
        allowed[col] = None
        if "allowed" in optional and kind != "annotation":
            text = grid.text(optional["allowed"], col)
            if text:
                try:
                    allowed[col] = parse_literal_list(text)
                except FeelSyntaxError as error:
                    grid.report(
                        "DT006", Severity.ERROR, f"allowed values: {error.message}", optional["allowed"], col,
                        error.hint or 'write e.g. "a", "b", null', error.caret,
                    )  # fmt: skip

    inputs: list[InputColumn] = []
    outputs: list[OutputColumn] = []
    annotations: list[str] = []
    for col, kind in columns:
        loc = grid.at(names_row, col)
        if kind == "input":
            inputs.append(InputColumn(Cell(headers[col], loc), types[col], allowed[col]))
        elif kind == "output":
            default = None
            if "default" in optional:
                text = grid.text(optional["default"], col, types[col])
                if text:
                    default = Cell(text, grid.at(optional["default"], col))
            outputs.append(OutputColumn(headers[col], loc, types[col], allowed[col], default))
        else:
            annotations.append(headers[col])
    seen: dict[str, int] = {}
    for col, kind in columns:
        if kind == "output":
            if headers[col] in seen:
                grid.report(
                    "DT014", Severity.ERROR, f"two output columns are named `{headers[col]}`", names_row, col,
                    f"the other is {column_letter(seen[headers[col]])}{names_row + 1}",
                )  # fmt: skip
            seen[headers[col]] = col
    if policy[0] in (HitPolicy.PRIORITY, HitPolicy.OUTPUT_ORDER):
        for col, kind in columns:
            if kind == "output" and not allowed[col]:
                grid.report(
                    "DT007", Severity.ERROR,
                    f"{policy[0].label} ranks rules by the outputs' allowed values, but `{headers[col]}` has none",
                    names_row, col, "add an `Allowed values` row, listing the values from highest to lowest priority",
                )  # fmt: skip

    rules: list[Rule] = []
    while row < len(grid.sheet.rows) and not grid.blank_row(row, 0, last_col):
        label_raw = grid.raw(row, 0)
        if isinstance(label_raw, str) and _TITLE.match(label_raw):
            break
        number = len(rules) + 1
        label = grid.plain(row, 0) or str(number)
        cells_in, cells_out, notes = [], [], []
        for col, kind in columns:
            if kind == "annotation":
                notes.append(grid.plain(row, col))
                continue
            text = grid.text(row, col, types[col])
            cell = Cell(text, grid.at(row, col))
            if kind == "input":
                cells_in.append(cell)
            else:
                if not text:
                    grid.report(
                        "DT017", Severity.ERROR, f"rule {label} has no entry for output `{headers[col]}`",
                        row, col, "write the value, or `null` for none",
                    )  # fmt: skip
                cells_out.append(cell)
        rules.append(Rule(label, number, tuple(cells_in), tuple(cells_out), tuple(notes), grid.at(row, 0)))
        row += 1
    labels: dict[str, Rule] = {}
    for rule in rules:
        if rule.label in labels:
            grid.found.diagnostics.append(
                Diagnostic(
                    "DT018", Severity.WARNING, f"two rules are labelled `{rule.label}`", rule.location,
                    f"messages name rules by label; the other is at {labels[rule.label].location}",
                    decision=name,
                )
            )  # fmt: skip
        labels[rule.label] = rule
    for d in grid.found.diagnostics[errors_before:]:
        object.__setattr__(d, "decision", d.decision or name)
    grid.found.tables.append(
        DecisionTable(
            name, policy[0], policy[1], tuple(inputs), tuple(outputs), tuple(annotations), tuple(rules),
            grid.at(title_row, 0),
        )
    )  # fmt: skip
    return row


def _read_test(grid: _Grid, title_row: int, decision: str) -> int:
    kinds_row, names_row = title_row + 1, title_row + 2
    columns = _kinds(grid, kinds_row, {"input", "expected", "description"})
    last_col = columns[-1][0] if columns else 1
    headers = {col: grid.text(names_row, col) for col, _ in columns}
    cases: list[TestCase] = []
    row = names_row + 1
    while row < len(grid.sheet.rows) and not grid.blank_row(row, 0, last_col):
        label_raw = grid.raw(row, 0)
        if isinstance(label_raw, str) and _TITLE.match(label_raw):
            break
        label = grid.plain(row, 0) or str(len(cases) + 1)
        inputs: dict[str, Cell] = {}
        expected: dict[str, Cell] = {}
        description = []
        no_rule = False
        first_expected = True
        for col, kind in columns:
            text = grid.plain(row, col) if kind == "description" else grid.text(row, col)
            if kind == "description":
                if text:
                    description.append(text)
                continue
            if kind == "expected" and first_expected:
                first_expected = False
                if text.strip().lower() == NO_RULE:
                    no_rule = True
                    continue
            if text:
                (inputs if kind == "input" else expected)[headers[col]] = Cell(text, grid.at(row, col))
        cases.append(TestCase(label, inputs, expected, no_rule, " ".join(description), grid.at(row, 0)))
        row += 1
    grid.found.tests.append(TestTable(decision, tuple(cases), grid.at(title_row, 0)))
    return row
