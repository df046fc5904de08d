"""``--annotate OUT.xlsx``: a copy of a workbook with the lint findings in it.

The copy gets a first sheet "Lint" listing every finding (each location a
hyperlink to its cell) and a comment on every cell a finding points at. The
source workbook is only read, never written; asking to write over it is an
error.

>>> write_annotated("tables/1177-direkt.xlsx", "/tmp/linted.xlsx", found)   # doctest: +SKIP
12
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from engine.diagnostics import Diagnostic, Severity
from engine.report import cell_position

LINT_SHEET = "Lint"
AUTHOR = "dtable lint"
_FILL = {
    Severity.ERROR: PatternFill("solid", fgColor="F8D7DA"),
    Severity.WARNING: PatternFill("solid", fgColor="FFF3CD"),
    Severity.INFO: PatternFill("solid", fgColor="D9EAF7"),
}
_HEADERS = ("Severity", "Code", "Location", "Decision", "Rules", "Message", "Hint", "Suggested rule")
_WIDTHS = (10, 8, 22, 18, 12, 80, 60, 50)


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether two paths name the same file (also through links and ``..``)."""
    pa, pb = Path(a), Path(b)
    if pa.exists() and pb.exists():
        return os.path.samefile(pa, pb)
    return pa.resolve() == pb.resolve()


def write_annotated(
    source_path: str | os.PathLike, out_path: str | os.PathLike, diagnostics: Iterable[Diagnostic]
) -> int:
    """Write a copy of ``source_path`` to ``out_path`` with a Lint sheet and cell comments.

    Findings of other workbooks are left out. Returns how many findings were
    written. Raises ValueError when ``out_path`` is the source itself.
    """
    source, out = Path(source_path), Path(out_path)
    if same_file(source, out):
        raise ValueError(f"refusing to overwrite the workbook being linted: {out}")
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise ValueError(f"the annotated copy must be an .xlsx file: {out}")
    found = [d for d in diagnostics if _belongs(d, source)]
    book = openpyxl.load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm")
    _lint_sheet(book, found)
    _comments(book, found)
    book.save(out)
    return len(found)


def _belongs(d: Diagnostic, source: Path) -> bool:
    workbook = d.location.workbook if d.location else None
    return workbook is None or same_file(workbook, source)


def _lint_sheet(book, found: list[Diagnostic]) -> None:
    title = LINT_SHEET
    n = 2
    while title in book.sheetnames:
        title = f"{LINT_SHEET} ({n})"
        n += 1
    sheet = book.create_sheet(title, 0)
    sheet.append(_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    for d in sorted(found, key=lambda d: (-d.severity, d.code)):
        loc = d.location
        suggested = d.data.get("suggested_rule", {}).get("tsv", "") if isinstance(d.data, dict) else ""
        sheet.append(
            [
                d.severity.word,
                d.code,
                str(loc) if loc else "",
                d.decision or "",
                ", ".join(d.rules),
                d.message,
                d.hint or "",
                suggested.replace("\t", " | ").rstrip(" |") if suggested else "",
            ]
        )
        row = sheet.max_row
        sheet.cell(row, 1).fill = _FILL[d.severity]
        if loc is not None and loc.sheet in book.sheetnames:
            link = sheet.cell(row, 3)
            target = loc.cell or "A1"
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{_quote(loc.sheet)}!{target}")
            link.style = "Hyperlink"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(_HEADERS))}{max(sheet.max_row, 1)}"
    book.active = 0


def _comments(book, found: list[Diagnostic]) -> None:
    by_cell: dict[tuple[str, str], list[Diagnostic]] = {}
    for d in found:
        loc = d.location
        if loc is None or loc.cell is None or loc.sheet not in book.sheetnames or cell_position(loc.cell) is None:
            continue
        by_cell.setdefault((loc.sheet, loc.cell), []).append(d)
    for (sheet_name, ref), ds in by_cell.items():
        cell = book[sheet_name][ref]
        text = "\n\n".join(
            f"{d.severity.word} {d.code}: {d.message}" + (f"\nhint: {d.hint}" if d.hint else "") for d in ds
        )
        if cell.comment is not None:
            text = cell.comment.text + "\n\n" + text
        comment = Comment(text, AUTHOR)
        comment.width = 400
        comment.height = min(600, 60 + 18 * text.count("\n") + len(text) // 3)
        cell.comment = comment


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"
