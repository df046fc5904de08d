"""Reading workbooks: .xlsx/.xlsm files -> grids of cell values.

The only module that reads spreadsheets. python-calamine (Rust) reads cell
values several times faster than openpyxl and never expands XML entities;
before it sees a file we check the zip container ourselves, so a zip bomb
or an oversized workbook is refused with a clear message instead of eating
memory. openpyxl (with defusedxml installed) is used only to *write*
annotated copies, in :mod:`engine.annotate`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm")

#: Bounds on what one workbook may cost; past them the file is refused.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ROWS = 200_000
MAX_COLUMNS = 500


class WorkbookError(Exception):
    """A workbook that cannot be read at all (one line, says what to do)."""


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[list[Any]]  # row-major, from A1; '' for an empty cell


@dataclass(frozen=True)
class Workbook:
    path: Path
    sheets: tuple[Sheet, ...]


def find_workbooks(path: Path) -> list[Path]:
    """A workbook, or every workbook in a folder (sorted, Excel lock files skipped)."""
    if not path.exists():
        raise WorkbookError(f"{path}: no such file or folder")
    if path.is_dir():
        found = sorted(
            p for p in path.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith("~$")
        )
        if not found:
            raise WorkbookError(f"{path}: the folder holds no .xlsx or .xlsm workbook")
        return found
    return [path]


def read_workbook(path: Path) -> Workbook:
    """Read every sheet's values; raises :class:`WorkbookError`."""
    check_container(path)
    from python_calamine import CalamineWorkbook  # imported late: keeps `dtable --help` fast

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            if sheet.height > MAX_ROWS or sheet.width > MAX_COLUMNS:
                raise WorkbookError(
                    f"{path}: sheet {name!r} has {sheet.height} rows × {sheet.width} columns; "
                    f"at most {MAX_ROWS} × {MAX_COLUMNS} are read"
                )
            sheets.append(Sheet(name, sheet.to_python(skip_empty_area=False)))
        return Workbook(path, tuple(sheets))
    except WorkbookError:
        raise
    except Exception as error:  # calamine raises its own types for damaged files
        raise WorkbookError(f"{path}: the workbook is damaged or not a real .xlsx file ({error})") from None


def first_sheet_rows(path: Path) -> tuple[int, Iterator[list[Any]]]:
    """The first sheet's rows, built as Python values one at a time.

    Returns the 1-based number of the first row and an iterator. calamine
    holds the sheet's cells on the Rust side while rows are read (about 55
    bytes a cell of short text), so memory grows with the sheet, within the
    bounds :func:`check_container` enforces.
    """
    check_container(path)
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    except Exception as error:  # calamine raises its own types for damaged files
        raise WorkbookError(f"{path}: the workbook is damaged or not a real .xlsx file ({error})") from None
    first = sheet.start[0] + 1 if sheet.start else 1
    return first, iter(sheet.iter_rows())


def check_container(path: Path) -> None:
    """Refuse what is not a workbook, or what would cost too much to open."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        what = {
            ".xls": "old Excel 97-2003 (.xls) workbooks are not supported",
            ".csv": "CSV files are not supported",
            ".ods": "OpenDocument (.ods) spreadsheets are not supported",
        }.get(suffix, f"'{suffix or path.name}' files are not supported")
        raise WorkbookError(f"{path}: {what}; save the workbook as .xlsx (or .xlsm)")
    if not path.is_file():
        raise WorkbookError(f"{path}: no such file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise WorkbookError(f"{path}: the file is {size // 2**20} MiB; at most {MAX_FILE_BYTES // 2**20} MiB are read")
    try:
        with zipfile.ZipFile(path) as archive:
            total = 0
            for entry in archive.infolist():
                total += entry.file_size
                ratio = entry.file_size / max(entry.compress_size, 1)
                if ratio > MAX_COMPRESSION_RATIO and entry.file_size > 10 * 2**20:
                    raise WorkbookError(
                        f"{path}: part {entry.filename} expands {ratio:.0f}-fold; refusing a likely zip bomb"
                    )
            if total > MAX_UNCOMPRESSED_BYTES:
                raise WorkbookError(
                    f"{path}: the workbook unpacks to {total // 2**20} MiB; "
                    f"at most {MAX_UNCOMPRESSED_BYTES // 2**20} MiB are read"
                )
            if "xl/workbook.xml" not in archive.namelist():
                raise WorkbookError(f"{path}: not an Excel workbook (no xl/workbook.xml inside)")
    except zipfile.BadZipFile:
        raise WorkbookError(f"{path}: the file is damaged or not an .xlsx workbook (not a zip container)") from None
