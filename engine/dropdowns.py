"""Dropdowns from the Allowed values (``dtable format``).

Every input entry, output entry and test-table cell of a column with
``Allowed values`` (or of type boolean) gets an Excel data validation
listing those values, so analysts pick instead of type. The tables are found
by the engine's own reader (:func:`engine.read`), so the dropdowns land on
exactly the cells that ``lint`` and ``test`` read.

- Decision-table entries accept anything after an information note: an
  input entry may be any unary test (``"a", "b"``, ``not("a")``), an output
  entry any expression. Test-table cells warn first, since they must be
  literals.
- Lists go through a hidden sheet (:data:`LISTS_SHEET`), rewritten on every
  run, one column per distinct list: Excel splits inline lists at commas,
  cannot hold the quotes of FEEL strings, and stops at 255 characters.
  Short lists without quotes or commas (``true,false``) stay inline.
- The dropdowns also cover the blank rows under a table (up to
  :data:`EXTRA_ROWS`, leaving one blank row before whatever comes next), so
  a rule added at the bottom has them too.
- Validations written by an earlier run are replaced; others are kept,
  except on the cells that now get a dropdown.

>>> report = format_workbook(Path("tables/1177-direkt.xlsx"))      # doctest: +SKIP
>>> report.line()                                                  # doctest: +SKIP
'tables/1177-direkt.xlsx: 26 dropdowns on 4 tables (backup: 1177-direkt.xlsx.20260131-120501.bak)'
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.api import Loaded, read
from engine.feel.values import describe
from engine.layout import NO_RULE
from engine.model import Cell, DecisionTable, TestTable
from engine.report import cell_position
from engine.safe_write import Saved, Snapshot, UnsafeWrite, save_copy, save_in_place
from engine.xlsx_copy import open_for_rewrite

LISTS_SHEET = "dtable lists"
EXTRA_ROWS = 100
INLINE_LIMIT = 255
ANY_ENTRY = "-"

#: (first column, first row, last column, last row), 1-based, inclusive.
Rect = tuple[int, int, int, int]


@dataclass(frozen=True)
class Dropdown:
    """One column stretch of a table and the values offered there."""

    sheet: str
    column: int
    first_row: int
    last_row: int
    values: tuple[str, ...]  # FEEL texts, as typed in a cell
    title: str  # what the cells are, for the input message
    in_test: bool  # test-table cells must be literals: warn on other text


@dataclass
class FormatReport:
    path: Path
    dropdowns: int = 0
    tables: int = 0
    saved: Saved | None = None
    skipped: list[str] = field(default_factory=list)  # tables without rule rows, and why
    lacks: tuple[str, ...] = ()  # what a copy (--out) does not carry over

    def line(self) -> str:
        where = self.saved.path if self.saved else self.path
        text = f"{where}: {self.dropdowns} dropdown{'s' if self.dropdowns != 1 else ''} on {self.tables} table{'s' if self.tables != 1 else ''}"
        if self.saved and self.saved.backup:
            text += f" (backup: {self.saved.backup.name})"
        return text


# ------------------------------------------------------------------ planning (from the model)


def _texts(allowed: tuple[Any, ...] | None, type_: str | None) -> tuple[str, ...] | None:
    if allowed is not None:
        return tuple(describe(v) for v in allowed)
    if type_ == "boolean":
        return ("true", "false")
    return None


def _stretch(cells: Sequence[Cell]) -> tuple[str, int, int, int] | None:
    positions = [cell_position(c.location.cell) for c in cells]
    if not cells or any(p is None for p in positions):
        return None
    rows = [p[0] for p in positions if p is not None]
    return cells[0].location.sheet, positions[0][1] if positions[0] else 0, min(rows), max(rows)


def _table_dropdowns(table: DecisionTable) -> list[Dropdown]:
    found = []
    columns = [(c.name, c.type, c.allowed, True) for c in table.inputs]
    columns += [(o.name, o.type, o.allowed, False) for o in table.outputs]
    for position, (name, type_, allowed, is_input) in enumerate(columns):
        values = _texts(allowed, type_)
        if values is None:
            continue
        cells = [(rule.inputs + rule.outputs)[position] for rule in table.rules]
        stretch = _stretch(cells)
        if stretch is None:
            continue
        sheet, column, first, last = stretch
        if is_input:
            values = (ANY_ENTRY, *values)
        kind = "input" if is_input else "output"
        found.append(Dropdown(sheet, column, first, last, values, f"{table.name}: {kind} {name}", False))
    return found


def _test_dropdowns(test: TestTable, loaded: Loaded) -> list[Dropdown]:
    table = next((t.table for t in loaded.tables if t.name == test.decision), None)
    outputs = {o.name: o for o in table.outputs} if table else {}
    by_column: dict[tuple[str, int], list[Cell]] = {}
    names: dict[tuple[str, int], tuple[str, str]] = {}
    for case in test.cases:
        for kind, cells in (("input", case.inputs), ("expected", case.expected)):
            for name, cell in cells.items():
                pos = cell_position(cell.location.cell)
                if pos is None:
                    continue
                key = (cell.location.sheet, pos[1])
                by_column.setdefault(key, []).append(cell)
                names[key] = (kind, name)
    rows = [p[0] for p in (cell_position(c.location.cell) for c in test.cases) if p is not None]
    if not rows:
        return []
    first, last = min(rows), max(rows)
    found = []
    first_expected = min((col for (_, col), (kind, _) in names.items() if kind == "expected"), default=None)
    for key in sorted(by_column):
        kind, name = names[key]
        if kind == "input":
            spec = loaded.specs.get(name)
            values = _texts(spec.allowed, spec.type) if spec else None
        else:
            output = outputs.get(name)
            values = _texts(output.allowed, output.type) if output else None
        if values is None:
            continue
        if kind == "expected" and key[1] == first_expected:
            values = (*values, NO_RULE)
        found.append(Dropdown(key[0], key[1], first, last, values, f"test {test.decision}: {kind} {name}", True))
    return found


def plan(loaded: Loaded, source: Path) -> tuple[list[Dropdown], int, list[str]]:
    """The dropdowns of one workbook's tables; also how many tables got some, and tables skipped."""
    path = str(source)
    dropdowns: list[Dropdown] = []
    tables = 0
    skipped = []
    for compiled in loaded.tables:
        table = compiled.table
        if table.location.workbook != path:
            continue
        if not table.rules:
            skipped.append(f"{table.location}: decision {table.name} has no rule rows yet")
            continue
        found = _table_dropdowns(table)
        tables += bool(found)
        dropdowns += found
    for test in loaded.tests:
        if test.location.workbook != path:
            continue
        if not test.cases:
            skipped.append(f"{test.location}: test {test.decision} has no case rows yet")
            continue
        found = _test_dropdowns(test, loaded)
        tables += bool(found)
        dropdowns += found
    return dropdowns, tables, skipped


# ------------------------------------------------------------------ writing (openpyxl)


def _subtract(rect: Rect, cut: Rect) -> list[Rect]:
    """``rect`` less ``cut``: at most four rectangles."""
    c1, r1, c2, r2 = rect
    k1, s1, k2, s2 = cut
    if k1 > c2 or k2 < c1 or s1 > r2 or s2 < r1:
        return [rect]
    pieces = []
    if r1 < s1:
        pieces.append((c1, r1, c2, s1 - 1))
    if s2 < r2:
        pieces.append((c1, s2 + 1, c2, r2))
    top, bottom = max(r1, s1), min(r2, s2)
    if c1 < k1:
        pieces.append((c1, top, k1 - 1, bottom))
    if k2 < c2:
        pieces.append((k2 + 1, top, c2, bottom))
    return pieces


def _ref(rect: Rect) -> str:
    from openpyxl.utils import get_column_letter

    c1, r1, c2, r2 = rect
    first = f"{get_column_letter(c1)}{r1}"
    return first if (c1, r1) == (c2, r2) else f"{first}:{get_column_letter(c2)}{r2}"


def _used_rows(sheet: Any) -> list[int]:
    return sorted({row for (row, _), cell in sheet._cells.items() if cell.value not in (None, "")})


def _extended(dropdown: Dropdown, used: list[int]) -> int:
    """The last row the dropdown covers: the table's last row, plus the blank rows under it."""
    from bisect import bisect_right

    at = bisect_right(used, dropdown.last_row)
    limit = dropdown.last_row + EXTRA_ROWS
    if at < len(used):
        limit = min(limit, used[at] - 2)  # one blank row stays between this table and the next thing
    return max(limit, dropdown.last_row)


def _inline(values: Sequence[str]) -> str | None:
    text = ",".join(values)
    if any('"' in v or "," in v for v in values) or len(text) > INLINE_LIMIT:
        return None
    return f'"{text}"'


class _Lists:
    """The hidden sheet holding the lists too long or too quoted for inline validation."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.sheet: Any = None
        self.columns: dict[tuple[str, ...], tuple[int, list[str]]] = {}

    def formula(self, dropdown: Dropdown) -> str:
        inline = _inline(dropdown.values)
        if inline is not None:
            return inline
        from openpyxl.utils import get_column_letter

        known = self.columns.get(dropdown.values)
        if known is None:
            known = self.columns[dropdown.values] = (len(self.columns) + 2, [])  # column A stays empty
        known[1].append(dropdown.title)
        letter = get_column_letter(known[0])
        quoted = "'" + LISTS_SHEET.replace("'", "''") + "'"
        return f"{quoted}!${letter}$2:${letter}${len(dropdown.values) + 1}"

    def write(self) -> None:
        from engine.feel.values import parse_number
        from engine.xlsx_cells import set_text

        if not self.columns:
            return
        sheet = self.book.create_sheet(LISTS_SHEET)
        sheet.sheet_state = "hidden"
        for values, (column, titles) in self.columns.items():
            set_text(sheet.cell(1, column), "; ".join(dict.fromkeys(titles)))
            for row, text in enumerate(values, start=2):
                number = parse_number(text)
                if number is not None and text == describe(number):  # a number cell, or Excel flags "stored as text"
                    sheet.cell(row, column).value = int(number) if number == number.to_integral_value() else float(number)
                else:
                    set_text(sheet.cell(row, column), text)
            sheet.column_dimensions[sheet.cell(1, column).column_letter].width = min(60, max(12, *(len(v) + 2 for v in values)))


def _validation(dropdown: Dropdown, formula: str, rect: Rect) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    name = dropdown.title.rsplit(" ", 1)[-1]
    if dropdown.in_test:
        style, title = "warning", "Not an allowed value"
        message = f"A test cell holds one of the allowed values of {name} (blank: absent). Yes keeps this anyway."
    else:
        style, title = "information", "Not in the list"
        message = (
            f"Not one of the allowed values of {name}. That is fine for a test such as "
            '"a", "b" or not("a"), or an expression; OK keeps it.'
        )
    return DataValidation(
        type="list", formula1=formula, allow_blank=True, showErrorMessage=True, errorStyle=style,
        errorTitle=title[:32], error=message[:225], sqref=_ref(rect),
    )  # fmt: skip


def apply(book: Any, dropdowns: Sequence[Dropdown]) -> int:
    """Replace the dropdowns of earlier runs with ``dropdowns``; returns how many were written."""
    from openpyxl.worksheet.cell_range import MultiCellRange

    if LISTS_SHEET in book.sheetnames:
        book.remove(book[LISTS_SHEET])
    lists = _Lists(book)
    targets: dict[str, list[tuple[Dropdown, Rect]]] = {}
    for dropdown in dropdowns:
        if dropdown.sheet not in book.sheetnames:
            continue
        targets.setdefault(dropdown.sheet, [])
    used = {name: _used_rows(book[name]) for name in targets}
    for dropdown in dropdowns:
        if dropdown.sheet in targets:
            rect = (dropdown.column, dropdown.first_row, dropdown.column, _extended(dropdown, used[dropdown.sheet]))
            targets[dropdown.sheet].append((dropdown, rect))
    for sheet in book.worksheets:
        cuts = [rect for _, rect in targets.get(sheet.title, [])]
        kept = []
        for validation in sheet.data_validations.dataValidation:
            if LISTS_SHEET in (validation.formula1 or ""):
                continue  # ours, from an earlier run
            rects = [(r.min_col, r.min_row, r.max_col, r.max_row) for r in validation.sqref.ranges]
            for cut in cuts:
                rects = [piece for rect in rects for piece in _subtract(rect, cut)]
            if rects:
                validation.sqref = MultiCellRange(" ".join(_ref(r) for r in rects))
                kept.append(validation)
        sheet.data_validations.dataValidation = kept
    count = 0
    for name, placed in targets.items():
        sheet = book[name]
        for dropdown, rect in placed:
            sheet.add_data_validation(_validation(dropdown, lists.formula(dropdown), rect))
            count += 1
    lists.write()
    return count


def format_workbook(path: Path, out: Path | None = None, *, now: _dt.datetime | None = None) -> FormatReport:
    """Add or refresh the dropdowns of one workbook, in place (with a backup) or into ``out``.

    Raises :class:`~engine.safe_write.UnsafeWrite` when writing would risk
    the analyst's work, :class:`~engine.errors.LoadError` when the workbook
    cannot be read.
    """
    from engine.workbook import check_container

    check_container(path)
    snapshot = Snapshot.of(path)
    loaded = read(path)
    dropdowns, tables, skipped = plan(loaded, path)
    try:
        book, lacks = open_for_rewrite(path, "format")
    except ValueError as error:
        raise UnsafeWrite(str(error)) from None
    if out is None and lacks:
        raise UnsafeWrite(
            f"{path}: rewriting it would lose {'; '.join(lacks)}; write the dropdowns into a copy with --out COPY.xlsx"
        )
    report = FormatReport(path, apply(book, dropdowns), tables, skipped=skipped, lacks=lacks)
    report.saved = save_in_place(book, snapshot, now=now) if out is None else save_copy(book, path, out)
    return report
