"""Building small workbooks and tables inside a test.

A sheet is written as a list of rows, each a list of cell values, exactly
as it would look in Excel (row 1 first, column A first)::

    GRADE = [
        ["Decision: grade"],
        ["U", "input", "output"],
        ["Rule", "age", "grade"],
        ["R1", "< 18", '"child"'],      # row 4: grade!B4 is `< 18`
        ["R2", ">= 18", '"adult"'],
    ]
    model = load_sheets(tmp_path, {"grade": GRADE})

Strings are written as text cells (even ones starting with `=`); `None` or
`""` leaves a cell empty; bools, numbers and dates become real typed cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import strategies as st

import engine
from engine.compile import compile_table
from engine.decision import CompiledTable
from engine.diagnostics import Diagnostic, Severity
from engine.model import (
    Aggregator,
    Cell,
    DecisionTable,
    HitPolicy,
    InputColumn,
    Location,
    OutputColumn,
    Rule,
)

REPO = Path(__file__).resolve().parents[1]
CLI = REPO / "cli.py"
SHIPPED = REPO / "tables" / "1177-direkt.xlsx"

Grid = Sequence[Sequence[Any]]


def write_xlsx(path: Path, sheets: Mapping[str, Grid] | Grid, merged: Mapping[str, Sequence[str]] | None = None) -> Path:  # fmt: skip
    """Write ``sheets`` (sheet name -> rows, or just rows for one sheet) to ``path``.

    ``merged``: sheet name -> ranges to merge (``"B2:C2"``), as Excel's Merge
    Cells does: the first cell keeps its value, the others are emptied.
    """
    if not isinstance(sheets, Mapping):
        sheets = {"Sheet1": sheets}
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # `= 5` is a unary test, not a formula
        for cells in (merged or {}).get(name, ()):
            sheet.merge_cells(cells)
    book.save(path)
    return path


def load_sheets(tmp_path: Path, sheets: Mapping[str, Grid] | Grid, name: str = "rules.xlsx") -> engine.Model:
    return engine.load(write_xlsx(tmp_path / name, sheets))


def read_sheets(tmp_path: Path, sheets: Mapping[str, Grid] | Grid, name: str = "rules.xlsx") -> engine.Loaded:
    return engine.read(write_xlsx(tmp_path / name, sheets))


def lint_sheets(tmp_path: Path, sheets: Mapping[str, Grid] | Grid, merged: Mapping[str, Sequence[str]] | None = None) -> list[Diagnostic]:  # fmt: skip
    """Every finding ``dtable lint`` gives for a workbook of ``sheets``."""
    from engine.lint import lint

    return lint(write_xlsx(tmp_path / "rules.xlsx", sheets, merged))[1]


def errors_of(findings: Sequence[Diagnostic]) -> list[Diagnostic]:
    return [d for d in findings if d.severity is Severity.ERROR]


def load_error(tmp_path: Path, sheets: Mapping[str, Grid] | Grid) -> engine.LoadError:
    """The LoadError that loading ``sheets`` must raise."""
    with pytest.raises(engine.LoadError) as caught:
        load_sheets(tmp_path, sheets)
    return caught.value


def only(diagnostics: Sequence[Diagnostic], code: str) -> Diagnostic:
    """The one diagnostic with ``code`` (fails if there is none or several)."""
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, f"expected one {code}, got {[d.render() for d in diagnostics]}"
    return found[0]


def codes(diagnostics: Sequence[Diagnostic]) -> list[str]:
    return [d.code for d in diagnostics]


def decision(
    name: str,
    policy: str,
    inputs: Sequence[str],
    outputs: Sequence[str],
    rules: Sequence[Sequence[Any]],
    *,
    types: Mapping[str, str] | None = None,
    allowed: Mapping[str, str] | None = None,
    default: Mapping[str, str] | None = None,
) -> list[list[Any]]:
    """The rows of one decision table: title, kinds, names, optional rows, rules.

    Each rule is ``[label, input cells…, output cells…]``. Rules start at
    row 4 plus one per optional row given.
    """
    columns = [*inputs, *outputs]
    rows: list[list[Any]] = [
        [f"Decision: {name}"],
        [policy, *(["input"] * len(inputs)), *(["output"] * len(outputs))],
        ["Rule", *columns],
    ]
    if types:
        rows.append(["Type", *(types.get(c, "") for c in columns)])
    if allowed:
        rows.append(["Allowed values", *(allowed.get(c, "") for c in columns)])
    if default:
        rows.append(["Default", *(default.get(c, "") for c in columns)])
    rows.extend(list(rule) for rule in rules)
    return rows


def one_decision(tmp_path: Path, policy: str, inputs: Sequence[str], outputs: Sequence[str], rules: Sequence[Sequence[Any]], **optional: Any) -> engine.Model:  # fmt: skip
    """Load a workbook holding one decision named ``d`` on sheet ``d``."""
    return load_sheets(tmp_path, {"d": decision("d", policy, inputs, outputs, rules, **optional)})


# ---------------------------------------------------------------- in memory

POLICY_CODES: dict[str, tuple[HitPolicy, Aggregator | None]] = {
    "U": (HitPolicy.UNIQUE, None),
    "A": (HitPolicy.ANY, None),
    "P": (HitPolicy.PRIORITY, None),
    "F": (HitPolicy.FIRST, None),
    "R": (HitPolicy.RULE_ORDER, None),
    "O": (HitPolicy.OUTPUT_ORDER, None),
    "C": (HitPolicy.COLLECT, None),
    "C+": (HitPolicy.COLLECT, Aggregator.SUM),
    "C<": (HitPolicy.COLLECT, Aggregator.MIN),
    "C>": (HitPolicy.COLLECT, Aggregator.MAX),
    "C#": (HitPolicy.COLLECT, Aggregator.COUNT),
}


def _cell(text: str, row: int, col: int) -> Cell:
    return Cell(text, Location("mem", f"{chr(65 + col)}{row}"))


def memory_table(
    policy: str,
    inputs: Sequence[tuple[str, str | None, tuple[Any, ...] | None]],
    outputs: Sequence[tuple[str, tuple[Any, ...] | None]],
    rules: Sequence[tuple[Sequence[str], Sequence[str]]],
    name: str = "mem",
    defaults: Sequence[str | None] = (),
) -> DecisionTable:
    """A DecisionTable built from model classes, without a workbook.

    ``inputs`` are ``(name, type, allowed)``, ``outputs`` ``(name, allowed)``,
    each rule ``(input cell texts, output cell texts)``; ``defaults`` holds
    one default output entry (or None) per output column.
    """
    hit_policy, aggregator = POLICY_CODES[policy]
    input_columns = tuple(
        InputColumn(_cell(n, 3, 1 + i), t, a) for i, (n, t, a) in enumerate(inputs)
    )
    defaults = list(defaults) or [None] * len(outputs)
    output_columns = tuple(
        OutputColumn(
            n,
            Location("mem", f"{chr(66 + len(inputs) + i)}3"),
            None,
            a,
            None if defaults[i] is None else _cell(defaults[i], 4, 1 + len(inputs) + i),
        )
        for i, (n, a) in enumerate(outputs)
    )
    built = []
    for number, (ins, outs) in enumerate(rules, start=1):
        row = 3 + number
        built.append(
            Rule(
                f"R{number}",
                number,
                tuple(_cell(t, row, 1 + i) for i, t in enumerate(ins)),
                tuple(_cell(t, row, 1 + len(ins) + i) for i, t in enumerate(outs)),
                (),
                Location("mem", f"A{row}"),
            )
        )
    return DecisionTable(
        name, hit_policy, aggregator, input_columns, output_columns, (), tuple(built), Location("mem", "A1")
    )


def compiled(table: DecisionTable) -> CompiledTable:
    """Compile ``table``; every cell must compile."""
    result, problems = compile_table(table)
    assert not problems, [p.render() for p in problems]
    return result


# ---------------------------------------------------------------- random entries

STRINGS = ("a", "b", "c")
NUMBERS = (-2, Decimal("-0.5"), 0, 1, Decimal("2.5"), 3)
BOOLEANS = (True, False)
DOMAINS: dict[str, tuple[Any, ...]] = {
    "string": STRINGS,
    "number": NUMBERS,
    "boolean": BOOLEANS,
    "mixed": STRINGS[:2] + NUMBERS[1:4] + BOOLEANS,
}
#: Values no entry writes, and values of other types.
OFF_DOMAIN = (
    "zz",
    "",
    "A",
    7,
    -100,
    Decimal("1.5"),
    2.5,  # a float: read as the decimal 2.5
    0.1,
    1.0,
    [1, 2],
    {"k": 1},
    dt.date(2026, 1, 31),
    None,
)


def literal(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dt.date):
        return f'date("{value.isoformat()}")'
    return str(value)


def ordered_values(kind: str, domains: Mapping[str, tuple[Any, ...]] = DOMAINS) -> tuple[Any, ...]:
    if kind in ("string", "number", "date") and kind in domains:
        return domains[kind]
    return STRINGS + NUMBERS


# ------------------------------------------------------------------ entries


@st.composite
def positive_test(draw: st.DrawFn, kind: str, others: tuple[str, ...], domains: Mapping[str, tuple[Any, ...]] = DOMAINS) -> str:  # fmt: skip
    domain = domains[kind]
    choice = draw(st.sampled_from(["literal", "compare", "interval", "null", "list", "foreign", "name"]))
    if choice == "literal":
        return literal(draw(st.sampled_from(domain)))
    if choice == "foreign":  # a literal of another type than the column's
        return literal(draw(st.sampled_from(STRINGS + NUMBERS + BOOLEANS)))
    if choice == "null":
        return "null"
    if choice == "list":
        items = draw(st.lists(st.sampled_from(domain + (None,)), min_size=0, max_size=3))
        return "[" + ", ".join(literal(i) for i in items) + "]"
    if choice == "name" and others:
        op = draw(st.sampled_from(["<", "<=", ">", ">=", "=", "!=", ""]))
        return f"{op} {draw(st.sampled_from(others))}".strip()
    if choice == "compare" or choice == "name":
        op = draw(st.sampled_from(["<", "<=", ">", ">=", "=", "!="]))
        return f"{op} {literal(draw(st.sampled_from(domain + (None,))))}"
    pool = ordered_values(kind, domains)
    low = draw(st.sampled_from(pool))
    same_kind = [v for v in pool if type(v) is type(low) or isinstance(v, (int, Decimal)) and isinstance(low, (int, Decimal))]
    high = draw(st.sampled_from(same_kind))
    opening = draw(st.sampled_from(["[", "(", "]"]))
    closing = draw(st.sampled_from(["]", ")", "["]))
    return f"{opening}{literal(low)}..{literal(high)}{closing}"


@st.composite
def input_entry(draw: st.DrawFn, kind: str, others: tuple[str, ...], domains: Mapping[str, tuple[Any, ...]] = DOMAINS) -> str:  # fmt: skip
    shape = draw(st.sampled_from(["any", "empty", "one", "one", "several", "not"]))
    if shape == "any":
        return "-"
    if shape == "empty":
        return ""
    if shape == "one":
        return draw(positive_test(kind, others, domains))
    tests = draw(st.lists(positive_test(kind, others, domains), min_size=1, max_size=3))
    joined = ", ".join(tests)
    return f"not({joined})" if shape == "not" else joined
