"""Writing cell values with openpyxl so that they stay what we meant.

openpyxl turns any string that starts with ``=`` into a formula; a label,
a name or a message copied from a workbook must never become one (a cell
``=HYPERLINK(…)`` or ``=cmd|…`` would run when the copy is opened).
Control characters are shown as symbols (:func:`engine.diagnostics.printable`);
what XML cannot hold otherwise is dropped rather than failing the save.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from engine.diagnostics import printable


def set_text(cell: Any, text: str) -> Any:
    """Store ``text`` in an openpyxl cell as a text cell, never as a formula."""
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", printable(text))
    cell.data_type = "s"
    return cell


def put_row(sheet: Any, row: int, values: list[Any], first_column: int = 1) -> list[Any]:
    """Write one row of values from ``first_column``; strings as text (:func:`set_text`)."""
    cells = []
    for offset, value in enumerate(values):
        cell = sheet.cell(row=row, column=first_column + offset)
        if isinstance(value, str):
            set_text(cell, value)
        elif value is not None:
            cell.value = value
        cells.append(cell)
    return cells
