"""``dtable new``: a starter workbook in the documented sheet layout.

The workbook holds the decision table (title, kinds, names, Type and
Allowed values rows, starter rules), a test table with one case per rule,
and a short read-me sheet; headers are styled, panes frozen below the
headers, and every column with allowed values has a dropdown
(:mod:`engine.dropdowns`). The starter rules lint clean: a decision list
that uses every input once (``"a"``; ``not("a")`` and ``"x"``; …), so the
table is complete, overlap-free, and shows the entry syntax an analyst
edits from. Without columns given, a small worked example is written.

>>> write_starter(Path("rules.xlsx"), Starter("grade", (Column("age", "number"),), (Column("grade", "string", ("child", "adult")),)))  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.feel import ast
from engine.feel.literals import parse_literal_list
from engine.feel.parser import FeelSyntaxError, parse_expression
from engine.feel.values import TYPES, describe, parse_number


class StarterError(ValueError):
    """A column or name given to ``dtable new`` that cannot be written (one line)."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "string"
    allowed: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class Starter:
    decision: str
    inputs: tuple[Column, ...]
    outputs: tuple[Column, ...]
    hit_policy: str = "U"
    #: rules as (label, input entries, output entries, note); None: derived from the columns
    rules: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str], ...] | None = None
    #: test cases as (label, input values, expected values, description); None: one per rule
    cases: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str], ...] | None = field(default=None)


EXAMPLE = Starter(
    "discount",
    (Column("customer", "string", ("business", "private")), Column("order_total", "number")),
    (Column("discount", "number"),),
    rules=(
        ("R1", ('"business"', ">= 100"), ("0.10",), "large business orders"),
        ("R2", ('"business"', "< 100"), ("0.05",), "small business orders"),
        ("R3", ('"private"', "-"), ("0",), "no discount for private customers"),
    ),
    cases=(
        ("large", ('"business"', "250"), ("0.10",), "a business order of 250"),
        ("small", ('"business"', "99.50"), ("0.05",), "just below the limit"),
        ("private", ('"private"', "1000"), ("0",), "private customers pay full price"),
    ),
)

_TYPE_WORDS = {"string": "string", "text": "string", "number": "number", "boolean": "boolean", "bool": "boolean", "date": "date"}  # fmt: skip


def _check_name(name: str, what: str) -> str:
    name = name.strip()
    try:
        node = parse_expression(name) if name else None
    except FeelSyntaxError:
        node = None
    if not isinstance(node, (ast.Name, ast.Path)):
        better = re.sub(r"\W+", "_", name).strip("_") or "name"
        raise StarterError(f"{what} `{name}` is not a name: use letters, digits and _ (e.g. {better})")
    return name


def _value(text: str, type_: str) -> Any:
    text = text.strip()
    if text == "null":
        return None
    if type_ == "number":
        number = parse_number(text)
        if number is None:
            raise StarterError(f"`{text}` is not a number")
        return number
    if type_ == "boolean":
        if text.lower() not in ("true", "false"):
            raise StarterError(f"`{text}` is not true or false")
        return text.lower() == "true"
    if type_ == "date":
        try:
            return _dt.date.fromisoformat(text)
        except ValueError:
            raise StarterError(f"`{text}` is not a date like 2026-01-31") from None
    return text


def parse_column(spec: str, what: str = "input") -> Column:
    """``name``, ``name:type`` or ``name:type=a,b,c`` (FEEL literals also: ``="a, b", "c"``)."""
    head, _, values = spec.partition("=")
    name, _, word = head.partition(":")
    name = _check_name(name, what)
    type_ = _TYPE_WORDS.get(word.strip().lower() or "string")
    if type_ is None:
        raise StarterError(f"{what} {name}: `{word}` is not a type; use one of {', '.join(TYPES)}")
    allowed: tuple[Any, ...] | None = None
    if values.strip():
        if values.lstrip().startswith('"') or "date(" in values:
            try:
                allowed = parse_literal_list(values)
            except FeelSyntaxError as error:
                raise StarterError(f"{what} {name}: allowed values: {error.message}") from None
        else:
            try:
                allowed = tuple(_value(v, type_) for v in values.split(","))
            except StarterError as error:
                raise StarterError(f"{what} {name}: {error}") from None
    elif type_ == "boolean":
        allowed = (True, False)
    return Column(name, type_, allowed)


def _split(column: Column, index: int) -> tuple[str, str, str, str]:
    """(entry, the complement's entry, a value for the entry, a value for the complement)."""
    values = [v for v in column.allowed or () if v is not None]
    if column.type == "boolean":
        return "true", "false", "true", "false"
    if column.allowed is not None and len(values) >= 2:
        first = describe(values[0])
        return first, f"not({first})", first, describe(values[1])
    if column.type == "number":
        return "< 10", ">= 10", "5", "10"
    if column.type == "date":
        return '< date("2026-01-01")', '>= date("2026-01-01")', 'date("2025-06-30")', 'date("2026-01-01")'
    return f'"{column.name} {index + 1}"', f'not("{column.name} {index + 1}")', f'"{column.name} {index + 1}"', '"something else"'


def _output(column: Column, rule: int) -> str:
    values = [v for v in column.allowed or () if v is not None] or list(column.allowed or ())
    if values:
        return describe(values[rule % len(values)])
    return {"number": str(rule), "boolean": "true" if rule % 2 == 0 else "false", "date": 'date("2026-01-01")'}.get(
        column.type, f'"answer {rule + 1}"'
    )


def derived(starter: Starter) -> tuple[list[tuple[str, tuple[str, ...], tuple[str, ...], str]], list[tuple[str, tuple[str, ...], tuple[str, ...], str]]]:  # fmt: skip
    """Starter rules (a decision list over the inputs) and one test case per rule."""
    if starter.rules is not None:
        cases = list(starter.cases or ())
        return list(starter.rules), cases
    splits = [_split(c, i) for i, c in enumerate(starter.inputs)]
    count = len(splits) + 1
    rules = []
    cases = []
    for r in range(count):
        entries = []
        values = []
        for i, (entry, rest, value, other) in enumerate(splits):
            entries.append(rest if i < r else (entry if i == r else "-"))
            values.append(other if i < r else value)
        outputs = tuple(_output(c, r) for c in starter.outputs)
        note = "starter rule: replace it with a real one"
        rules.append((f"R{r + 1}", tuple(entries), outputs, note))
        cases.append((f"case {r + 1}", tuple(values), outputs, f"checks R{r + 1}"))
    return rules, cases


def _typed(text: str) -> Any:
    """A number as a number cell (Excel flags numbers stored as text), anything else as text."""
    number = parse_number(text)
    if number is None:
        return text
    return int(number) if number == number.to_integral_value() else float(number)


def _sheet_name(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\']", "_", name)[:31] or "decision"


def build(starter: Starter) -> Any:
    """The starter workbook as an openpyxl Workbook (styled, without dropdowns)."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from engine.xlsx_cells import put_row

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _sheet_name(starter.decision)
    rules, cases = derived(starter)
    ins, outs = starter.inputs, starter.outputs
    width = 1 + len(ins) + len(outs) + 1
    bold = Font(bold=True)
    fills = {
        "input": PatternFill("solid", fgColor="DDEBF7"),
        "output": PatternFill("solid", fgColor="E2EFDA"),
        "annotation": PatternFill("solid", fgColor="EDEDED"),
        "expected": PatternFill("solid", fgColor="E2EFDA"),
        "description": PatternFill("solid", fgColor="EDEDED"),
    }
    kinds = ["input"] * len(ins) + ["output"] * len(outs) + ["annotation"]

    def header(sheet: Any, row: int, kinds_row: int, cells: list[Any], kinds: list[str]) -> None:
        for offset, cell in enumerate(put_row(sheet, row, cells)):
            cell.font = bold
            if offset:
                cell.fill = fills[kinds[offset - 1]]
        for cell in put_row(sheet, kinds_row, [None, *kinds])[1:]:
            cell.font = Font(italic=True, color="595959")

    put_row(sheet, 1, [f"Decision: {starter.decision}"])[0].font = Font(bold=True, size=14)
    put_row(sheet, 2, [starter.hit_policy])[0].font = Font(bold=True)
    header(sheet, 3, 2, ["Rule", *(c.name for c in ins), *(c.name for c in outs), "Note"], kinds)
    put_row(sheet, 4, ["Type", *(c.type for c in (*ins, *outs))])
    put_row(sheet, 5, ["Allowed values", *("" if c.allowed is None else ", ".join(describe(v) for v in c.allowed) for c in (*ins, *outs))])  # fmt: skip
    for row in (4, 5):
        for cell in sheet[row]:
            cell.font = Font(italic=True, color="595959")
    for number, (label, entries, outputs, note) in enumerate(rules):
        put_row(sheet, 6 + number, [label, *map(_typed, entries), *map(_typed, outputs), note])
    sheet.freeze_panes = "B6"
    for col in range(1, width + 1):
        texts = [str(sheet.cell(r, col).value or "") for r in range(3, 6 + len(rules)) if r != 5]
        sheet.column_dimensions[get_column_letter(col)].width = min(40, max(12, *(len(t) + 2 for t in texts)))
    for row in sheet.iter_rows(min_row=5, max_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    tests = book.create_sheet("tests")
    test_kinds = ["input"] * len(ins) + ["expected"] * len(outs) + ["description"]
    put_row(tests, 1, [f"Test: {starter.decision}"])[0].font = Font(bold=True, size=14)
    header(tests, 3, 2, ["Case", *(c.name for c in ins), *(c.name for c in outs), "Description"], test_kinds)
    for number, (label, values, expected, description) in enumerate(cases):
        put_row(tests, 4 + number, [label, *map(_typed, values), *map(_typed, expected), description])
    tests.freeze_panes = "B4"
    for col in range(1, width + 1):
        texts = [str(tests.cell(r, col).value or "") for r in range(3, 4 + len(cases))]
        tests.column_dimensions[get_column_letter(col)].width = min(40, max(12, *(len(t) + 2 for t in texts)))

    readme = book.create_sheet("read me")
    lines = [
        f"Workbook for decision {starter.decision}, made by dtable new.",
        "",
        f"Sheet {sheet.title}: the decision table. Row 1 names it; row 2 holds the hit policy (A2) and each column's kind;",
        "row 3 the names; Type and Allowed values rows follow; every row after that is a rule. A blank row ends the table.",
        'Input cells are tests: "a" · "a", "b" · not("a") · < 10 · [1..5] · - (anything). Output cells are values or expressions.',
        "Sheet tests: one test case per row; the expected cells are checked, `no rule applies` says no rule may match.",
        "",
        "Check the workbook:     dtable lint THIS.xlsx      (gaps, overlaps, typos, with the cell of each)",
        "Run the tests:          dtable test THIS.xlsx",
        "Refresh the dropdowns:  dtable format THIS.xlsx    (after changing an Allowed values row)",
        "See what a change does: dtable diff OLD.xlsx NEW.xlsx",
        "",
        "The layout in full: docs/sheet-layout.md of dtable.",
    ]
    for row, text in enumerate(lines, start=1):
        put_row(readme, row, [None, text])
    readme.column_dimensions["A"].width = 2
    readme.column_dimensions["B"].width = 120
    readme["B1"].font = Font(bold=True, size=14)
    book.active = 0
    return book


def write_starter(path: Path, starter: Starter) -> Path:
    """Write the starter workbook to ``path``, which must not exist; with dropdowns."""
    from engine.api import read
    from engine.dropdowns import apply, plan
    from engine.safe_write import umask

    if path.suffix.lower() != ".xlsx":
        raise StarterError(f"{path}: a new workbook must be an .xlsx file")
    refusal = f"{path} already exists; refusing to overwrite it (choose another name)"
    if path.exists() or path.is_symlink():
        raise StarterError(refusal)
    if not path.parent.is_dir():
        raise StarterError(f"cannot write {path}: the folder {path.parent} does not exist")
    book = build(starter)
    handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".xlsx", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        book.save(temporary)
        # The dropdowns go where the engine's reader finds the tables: read what was just written.
        apply(book, plan(read(temporary), temporary)[0])
        book.save(temporary)
        os.chmod(temporary, 0o666 & ~umask())
        try:
            os.link(temporary, path)  # refuses a file created meanwhile: never overwrites
        except FileExistsError:
            raise StarterError(refusal) from None
    finally:
        temporary.unlink(missing_ok=True)
    return path
