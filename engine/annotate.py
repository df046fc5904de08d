"""``--annotate OUT.xlsx``: a copy of a workbook with the lint findings in it.

The copy gets a first sheet "Lint" listing every finding (each location a
hyperlink to its cell) and a comment on every cell a finding points at. The
source workbook is only read, never written; asking to write over it is an
error. The copy is written by openpyxl, which does not carry everything
over (text boxes, cached formula results …): :func:`annotate_copy` says
what the copy lacks, and the Lint sheet ends with that note. Every text
written is a text cell (never a formula) with control characters shown as
symbols.

>>> write_annotated("tables/1177-direkt.xlsx", "/tmp/linted.xlsx", found)   # doctest: +SKIP
12
"""

from __future__ import annotations

import os
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from engine.diagnostics import Diagnostic, Severity, printable
from engine.files import check_output, replacing, same_file
from engine.report import cell_position
from engine.xlsx_cells import put_row

LINT_SHEET = "Lint"
AUTHOR = "dtable lint"
_FILL = {
    Severity.ERROR: PatternFill("solid", fgColor="F8D7DA"),
    Severity.WARNING: PatternFill("solid", fgColor="FFF3CD"),
    Severity.INFO: PatternFill("solid", fgColor="D9EAF7"),
}
_HEADERS = ("Severity", "Code", "Location", "Decision", "Rules", "Message", "Hint", "Suggested rule")
_WIDTHS = (10, 8, 22, 18, 12, 80, 60, 50)

# What openpyxl may fail with on a file calamine read (its own XML parser is
# stricter): each becomes one line saying the copy cannot be made.
# SyntaxError covers the XML parsers' errors (ElementTree's ParseError, lxml's XMLSyntaxError).
_OPENPYXL_FAILURES = (KeyError, ValueError, TypeError, AttributeError, IndexError, SyntaxError, zipfile.BadZipFile, OSError)  # fmt: skip

__all__ = ["AnnotatedCopy", "annotate_copy", "same_file", "write_annotated"]


@dataclass(frozen=True)
class AnnotatedCopy:
    """What :func:`annotate_copy` wrote: how many findings, and what of the source the copy lacks."""

    findings: int
    lacks: tuple[str, ...]

    def lacks_line(self) -> str:
        return "the copy lacks " + "; ".join(self.lacks) if self.lacks else ""


def write_annotated(
    source_path: str | os.PathLike, out_path: str | os.PathLike, diagnostics: Iterable[Diagnostic]
) -> int:
    """Write a copy of ``source_path`` to ``out_path`` with a Lint sheet and cell comments.

    Findings of other workbooks are left out. Returns how many findings were
    written. Raises ValueError when ``out_path`` is the source itself.
    """
    return annotate_copy(source_path, out_path, diagnostics).findings


def annotate_copy(
    source_path: str | os.PathLike, out_path: str | os.PathLike, diagnostics: Iterable[Diagnostic],
    folders: Iterable[Path] = (),
) -> AnnotatedCopy:  # fmt: skip
    """:func:`write_annotated`, also saying what the copy lacks (shapes, cached formula results …).

    ``folders`` are rulebook folders the copy must not be written into.
    Raises ValueError (one line) when the copy cannot be made.
    """
    source, out = Path(source_path), Path(out_path)
    if same_file(source, out):
        raise ValueError(f"refusing to overwrite the workbook being linted: {out}")
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise ValueError(f"the annotated copy must be an .xlsx file: {out}")
    check_output(out, (source,), folders, role="the annotated copy")
    found = [d for d in diagnostics if _belongs(d, source)]
    with warnings.catch_warnings(record=True) as dropped:
        warnings.simplefilter("always")
        try:
            book = openpyxl.load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm")
        except _OPENPYXL_FAILURES as error:
            reason = printable(" ".join(str(error).split())) or type(error).__name__
            raise ValueError(f"cannot annotate {source}: openpyxl, which writes the copy, cannot read it ({reason[:200]})") from None  # fmt: skip
    lacks = _lacks(source, book, [str(w.message) for w in dropped])
    _lint_sheet(book, found, lacks)
    _comments(book, found)
    with replacing(out) as temporary:
        book.save(temporary)
    return AnnotatedCopy(len(found), lacks)


# --------------------------------------------------------------- what the copy lacks

_DRAWING_FEATURES = {
    "pictures": re.compile(rb"<(?:\w+:)?pic[\s>]"),
    "text boxes and shapes": re.compile(rb"<(?:\w+:)?(?:sp|cxnSp)[\s>]"),
}
# A formula cell with a cached result: <f …>…</f><v>2</v> or <f …/><v>2</v> (not an empty <v/>).
_CACHED_RESULT = re.compile(rb"<(?:\w+:)?f(?:\s[^>]*)?(?:/>|>[^<]*</(?:\w+:)?f>)\s*<(?:\w+:)?v(?:\s[^>/]*)?>[^<]")
_PART_FEATURES = (
    ("xl/threadedcomments/", "threaded comments (Excel 365 conversations; plain comments are kept)"),
    ("xl/ctrlprops/", "form controls"),
    ("xl/activex/", "ActiveX controls"),
    ("xl/slicers/", "slicers"),
    ("xl/timelines/", "timelines"),
)


_ORDER = ("pictures", "charts", *_DRAWING_FEATURES, "cached formula results", *(feature for _, feature in _PART_FEATURES))


def source_features(path: Path) -> Counter[str]:
    """Counts of the things in a workbook that openpyxl may not carry into a copy."""
    counts: Counter[str] = Counter()
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name = info.filename.lower()
            if name.startswith("xl/drawings/") and name.endswith(".xml"):
                xml = archive.read(info)
                for feature, pattern in _DRAWING_FEATURES.items():
                    counts[feature] += len(pattern.findall(xml))
            elif name.startswith("xl/charts/chart") and name.endswith(".xml"):
                counts["charts"] += 1
            elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
                counts["cached formula results"] += len(_CACHED_RESULT.findall(archive.read(info)))
            for prefix, feature in _PART_FEATURES:
                if name.startswith(prefix) and not name.endswith(".rels"):
                    counts[feature] += 1
    return counts


def _lacks(source: Path, book, openpyxl_warnings: list[str]) -> tuple[str, ...]:
    """What the copy will not have, from the source's parts and what openpyxl loaded."""
    counts = source_features(source)
    kept = {
        "pictures": sum(len(ws._images) for ws in book.worksheets),
        "charts": sum(len(ws._charts) for ws in book.worksheets) + sum(len(cs._charts) for cs in book.chartsheets),
    }
    lacks = []
    for feature, count in sorted(counts.items(), key=lambda item: _ORDER.index(item[0])):
        lost = count - kept.get(feature, 0)
        if lost <= 0:
            continue
        if feature == "cached formula results":
            lacks.append(f"the cached results of {lost} formula{'s' if lost > 1 else ''} (Excel and LibreOffice recompute them on opening; other readers see empty cells)")  # fmt: skip
        else:
            lacks.append(f"{lost} of {count} {feature}")
    for message in dict.fromkeys(openpyxl_warnings):
        if "will be removed" in message or "will be lost" in message or "cannot be read" in message:
            lacks.append(printable(" ".join(message.split())))
    return tuple(lacks)


def _belongs(d: Diagnostic, source: Path) -> bool:
    workbook = d.location.workbook if d.location else None
    return workbook is None or same_file(workbook, source)


def _text(value: str) -> str:
    return printable(value)


def _lint_sheet(book, found: list[Diagnostic], lacks: tuple[str, ...] = ()) -> None:
    title = LINT_SHEET
    n = 2
    while title in book.sheetnames:
        title = f"{LINT_SHEET} ({n})"
        n += 1
    sheet = book.create_sheet(title, 0)
    put_row(sheet, 1, list(_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    row = 1
    for d in sorted(found, key=lambda d: (-d.severity, d.code)):
        loc = d.location
        suggested = d.data.get("suggested_rule", {}).get("tsv", "") if isinstance(d.data, dict) else ""
        row += 1
        put_row(  # every string a text cell: a label like =HYPERLINK(…) must not become a formula
            sheet, row,
            [
                d.severity.word,
                d.code,
                _text(str(loc)) if loc else "",
                _text(d.decision or ""),
                _text(", ".join(d.rules)),
                _text(d.message),
                _text(d.hint or ""),
                _text(suggested.replace("\t", " | ").rstrip(" |")) if suggested else "",
            ],
        )  # fmt: skip
        sheet.cell(row, 1).fill = _FILL[d.severity]
        if loc is not None and loc.sheet in book.sheetnames:
            link = sheet.cell(row, 3)
            target = loc.cell or "A1"
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{_quote(loc.sheet)}!{target}")
            link.style = "Hyperlink"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(_HEADERS))}{max(sheet.max_row, 1)}"
    if lacks:
        put_row(sheet, row + 2, ["note", None, None, None, None, _text(AnnotatedCopy(0, lacks).lacks_line())])
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
        text = _text(
            "\n\n".join(f"{d.severity.word} {d.code}: {d.message}" + (f"\nhint: {d.hint}" if d.hint else "") for d in ds)
        )
        if cell.comment is not None:
            text = cell.comment.text + "\n\n" + text
        comment = Comment(text, AUTHOR)
        comment.width = 400
        comment.height = min(600, 60 + 18 * text.count("\n") + len(text) // 3)
        cell.comment = comment


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"
