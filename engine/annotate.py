"""``--annotate OUT.xlsx``: a copy of a workbook with the lint findings in it.

The copy gets a first sheet "Lint" listing every finding (each location a
hyperlink to its cell), a "Suggested rules" sheet with a pasteable rule row
per gap, and a comment and a severity fill on every cell a finding points at
(the layout is :mod:`engine.lint_sheet`'s). The
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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from engine.api import read
from engine.diagnostics import Diagnostic
from engine.files import check_output, replacing, same_file
from engine.lint_sheet import LINT_SHEET, annotate_book
from engine.xlsx_copy import open_for_rewrite, source_features

__all__ = ["LINT_SHEET", "AnnotatedCopy", "annotate_copy", "same_file", "source_features", "write_annotated"]


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
    book, lacks = open_for_rewrite(source, "annotate")
    notes = [AnnotatedCopy(0, lacks).lacks_line()] if lacks else []
    annotate_book(book, found, [t.table for t in read(source).tables], notes)
    with replacing(out) as temporary:
        book.save(temporary)
    return AnnotatedCopy(len(found), lacks)


def _belongs(d: Diagnostic, source: Path) -> bool:
    workbook = d.location.workbook if d.location else None
    return workbook is None or same_file(workbook, source)

