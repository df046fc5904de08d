"""The sheets an annotated copy adds, and how it marks the tables' cells.

- **Lint**: one row per finding, worst first; columns narrow enough to read
  without scrolling sideways (message and hint wrap), printed one page wide
  in landscape with the header repeated; each location a link to its cell.
- **Suggested rules**: for every table with gaps, the table's column names in
  the table's own columns and one row per gap, each entry in its own cell,
  so a row can be copied into the table as it is (outputs left blank, marked
  to be filled in). A gap's Lint row links to its suggestion.
- **The tables**: each offending cell gets a comment and a fill in the colour
  of its worst finding. A gap belongs to no cell: it is pinned to the
  table's last rule row (where the missing rule goes), not to its title.

Every text is written as a text cell (:func:`engine.xlsx_cells.set_text`),
never as a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from engine.analysis.codes import GAP
from engine.diagnostics import Diagnostic, Severity, printable
from engine.model import DecisionTable, Location
from engine.report import cell_position
from engine.xlsx_cells import put_row, set_text

LINT_SHEET = "Lint"
SUGGESTIONS_SHEET = "Suggested rules"
AUTHOR = "dtable lint"
FILL = {
    Severity.ERROR: PatternFill("solid", fgColor="F8D7DA"),
    Severity.WARNING: PatternFill("solid", fgColor="FFF3CD"),
    Severity.INFO: PatternFill("solid", fgColor="D9EAF7"),
}
TO_FILL_IN = PatternFill("solid", fgColor="FFF2CC")
HEADERS = ("Severity", "Code", "Location", "Decision", "Rules", "Message", "Hint", "Suggested rule")
#: Character widths: about 170 in all, one screen or one landscape page wide.
WIDTHS = (9, 7, 20, 14, 9, 60, 42, 14)
#: Gaps listed in the comment on a table's last rule row; the rest are counted.
GAPS_IN_COMMENT = 8


def _unique_title(book: Any, title: str) -> str:
    candidate, n = title, 2
    while candidate in book.sheetnames:
        candidate = f"{title} ({n})"
        n += 1
    return candidate


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _link(cell: Any, sheet: str, ref: str) -> None:
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{_quote(sheet)}!{ref}")
    cell.style = "Hyperlink"


@dataclass(frozen=True)
class Placed:
    """Where a finding is shown in the copy."""

    finding: Diagnostic
    location: Location | None  # the cell it is pinned to (a gap: its table's last rule row)
    suggestion: tuple[int, str] | None = None  # its row and label on the Suggested rules sheet


def pin(finding: Diagnostic, tables: dict[str, DecisionTable]) -> Location | None:
    """The cell a finding belongs to; a gap goes to its table's last rule row."""
    table = tables.get(finding.decision or "")
    if finding.code == GAP.code and table is not None and table.rules:
        return table.rules[-1].location
    return finding.location


def suggestions_sheet(book: Any, gaps: Sequence[Diagnostic], tables: dict[str, DecisionTable]) -> dict[int, tuple[int, str]]:
    """Write the Suggested rules sheet (second, after Lint); returns, per gap (by ``id``), its row and label there."""
    usable = [d for d in gaps if d.decision in tables and isinstance(d.data.get("suggested_rule"), dict)]
    if not usable:
        return {}
    sheet = book.create_sheet(_unique_title(book, SUGGESTIONS_SHEET), 0)
    rows: dict[int, tuple[int, str]] = {}
    row = 1
    set_text(sheet.cell(row, 1), "Rules that would close the gaps dtable lint found. Copy a row's cells (from column B) into the table, below its last rule, and fill in the outputs.")  # fmt: skip
    sheet.cell(row, 1).font = Font(bold=True)
    widths: dict[int, int] = {1: 12}
    by_table: dict[str, list[Diagnostic]] = {}
    for d in usable:
        by_table.setdefault(d.decision or "", []).append(d)
    for name, found in by_table.items():
        table = tables[name]
        columns = [cell_position(c.expression.location.cell) for c in table.inputs]
        outputs = [cell_position(o.location.cell) for o in table.outputs]
        if any(p is None for p in (*columns, *outputs)):
            continue
        row += 2
        last = table.rules[-1].location if table.rules else table.location
        title = sheet.cell(row, 1)
        set_text(title, f"Gaps in {name} ({len(found)}): paste below {last}")
        title.font = Font(bold=True)
        _link(title, last.sheet, last.cell or "A1")
        title.font = Font(bold=True, underline="single", color="0563C1")
        row += 1
        put_row(sheet, row, ["gap"])[0].font = Font(bold=True)
        for heading, position in [*zip((c.name for c in table.inputs), columns), *zip((o.name for o in table.outputs), outputs)]:
            assert position is not None
            set_text(sheet.cell(row, position[1]), heading).font = Font(bold=True)
            widths[position[1]] = max(widths.get(position[1], 10), min(40, len(heading) + 2))
        for number, d in enumerate(found, start=1):
            row += 1
            rows[id(d)] = (row, f"{name} gap {number}")
            set_text(sheet.cell(row, 1), f"gap {number}")
            entries = d.data["suggested_rule"].get("inputs", [])
            for position, text in zip(columns, entries):
                assert position is not None
                set_text(sheet.cell(row, position[1]), str(text))
                widths[position[1]] = max(widths.get(position[1], 10), min(40, len(str(text)) + 2))
            for position in outputs:
                assert position is not None
                sheet.cell(row, position[1]).fill = TO_FILL_IN
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return rows


def _height(cells: Sequence[Any], widths: Sequence[int]) -> float:
    """Points for a row whose cells wrap: spreadsheets do not all grow rows to fit on opening."""
    lines = 1
    for cell, width in zip(cells, widths):
        text = str(cell.value or "")
        wrapped = sum(max(1, -(-len(part) // max(1, int(width * 1.1) - 1))) for part in text.split("\n"))
        lines = max(lines, wrapped)
    return 15.0 * lines


def lint_sheet(book: Any, placed: Sequence[Placed], suggestions: str | None, notes: Sequence[str] = ()) -> Any:
    """Write the Lint sheet as the copy's first sheet."""
    sheet = book.create_sheet(_unique_title(book, LINT_SHEET), 0)
    wrap = Alignment(wrap_text=True, vertical="top")
    for cell in put_row(sheet, 1, list(HEADERS)):
        cell.font = Font(bold=True)
        cell.alignment = wrap
    for i, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    row = 1
    for p in sorted(placed, key=lambda p: (-p.finding.severity, p.finding.code)):
        d = p.finding
        row += 1
        loc = p.location
        cells = put_row(sheet, row, [
            d.severity.word, d.code, str(loc) if loc else "", d.decision or "", ", ".join(d.rules),
            d.message, d.hint or "", p.suggestion[1] if p.suggestion else "",
        ])  # fmt: skip
        for cell in cells:
            cell.alignment = wrap
        sheet.row_dimensions[row].height = _height(cells, WIDTHS)
        cells[0].fill = FILL[d.severity]
        if loc is not None and loc.sheet in book.sheetnames and loc.cell:
            _link(cells[2], loc.sheet, loc.cell)
        if p.suggestion and suggestions:
            _link(cells[7], suggestions, f"A{p.suggestion[0]}")
        for cell in (cells[2], cells[7]):
            cell.alignment = wrap  # the Hyperlink style resets it
    for note in notes:
        row += 2
        cell = set_text(sheet.cell(row, 6), note)
        cell.alignment = wrap
        set_text(sheet.cell(row, 1), "note")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{max(row, 1)}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = True
    book.active = 0
    return sheet


def mark_cells(book: Any, placed: Sequence[Placed]) -> None:
    """A comment and a severity fill on every cell a finding is pinned to."""
    by_cell: dict[tuple[str, str], list[Diagnostic]] = {}
    for p in placed:
        loc = p.location
        if loc is None or loc.cell is None or loc.sheet not in book.sheetnames or cell_position(loc.cell) is None:
            continue
        by_cell.setdefault((loc.sheet, loc.cell), []).append(p.finding)
    for (sheet_name, ref), found in by_cell.items():
        cell = book[sheet_name][ref]
        gaps = [d for d in found if d.code == GAP.code]
        others = [d for d in found if d.code != GAP.code]
        parts = [f"{d.severity.word} {d.code}: {d.message}" + (f"\nhint: {d.hint}" if d.hint else "") for d in others]
        if gaps:
            listed = "\n".join(f"- {d.message.removeprefix('no rule covers ')}" for d in gaps[:GAPS_IN_COMMENT])
            more = f"\n… and {len(gaps) - GAPS_IN_COMMENT} more" if len(gaps) > GAPS_IN_COMMENT else ""
            parts.append(
                f"warning {GAP.code}: {len(gaps)} gap{'s' if len(gaps) != 1 else ''} in {gaps[0].decision}: no rule covers\n"
                f"{listed}{more}\nThe Suggested rules sheet has a rule row for each, ready to paste below this row."
            )
        text = "\n\n".join(parts)
        if cell.comment is not None:
            text = cell.comment.text + "\n\n" + text
        comment = Comment(printable(text), AUTHOR)  # control characters as symbols, as in every cell
        comment.width = 420
        comment.height = min(600, 60 + 18 * text.count("\n") + len(text) // 3)
        cell.comment = comment
        cell.fill = FILL[max(d.severity for d in found)]


def annotate_book(book: Any, found: Sequence[Diagnostic], tables: Sequence[DecisionTable], notes: Sequence[str] = ()) -> None:
    """Add the Lint and Suggested rules sheets, and mark the cells, in an openpyxl workbook."""
    by_name = {t.name: t for t in reversed(tables)}
    gaps = [d for d in found if d.code == GAP.code]
    rows = suggestions_sheet(book, gaps, by_name)
    suggestions = book.sheetnames[0] if rows else None
    placed = [Placed(d, pin(d, by_name), rows.get(id(d))) for d in found]
    lint_sheet(book, placed, suggestions, notes)
    mark_cells(book, placed)
