"""Diagnostics: findings about a workbook, as values.

Every problem the engine finds in a workbook (a syntax error in a cell, a gap
in a table) is a :class:`Diagnostic` with a stable code, a severity, a
location and a hint, collected so an analyst sees all of them at once.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.model import Location

# C0 controls but newline, DEL and the C1 controls: a terminal may act on
# them (ESC starts an escape sequence), a spreadsheet refuses them.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _picture(found: re.Match[str]) -> str:
    code = ord(found.group())
    return chr(0x2400 + code) if code < 0x20 else ("\u2421" if code == 0x7F else "\ufffd")


def printable(text: str) -> str:
    """``text`` with control characters shown as symbols (␛ for ESC), one for one.

    Cell text and input values reach terminals and spreadsheets in
    messages; one symbol per character keeps carets under their column.

    >>> printable("a\x1b[31mb")
    'a␛[31mb'
    """
    return _CONTROL.sub(_picture, text) if _CONTROL.search(text) else text


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def word(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Diagnostic:
    code: str  # stable, e.g. "DT012"; documented in the README
    severity: Severity
    message: str
    location: Location | None = None
    hint: str | None = None
    decision: str | None = None
    rules: tuple[str, ...] = ()  # labels of the rules involved
    detail: str | None = None  # e.g. a caret line under the cell text
    data: dict = field(default_factory=dict, compare=False)  # machine-readable extras

    def render(self) -> str:
        """One finding as an analyst reads it (may span lines; control characters shown as symbols)."""
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.severity.word} {self.code}: {self.message}"
        if self.detail:
            text += "\n" + "\n".join("    " + line for line in self.detail.splitlines())
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return printable(text)


def worst(diagnostics: Iterable[Diagnostic]) -> Severity | None:
    return max((d.severity for d in diagnostics), default=None)


def errors(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity is Severity.ERROR]


def first_error_per_cell(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """One error per cell: a later error at a cell that already has one stems from the same mistake.

    Readers report the most specific error first (a decimal comma before the
    syntax error it causes), so the first is the one kept.
    """
    seen: set[tuple[str | None, str | None, Location]] = set()
    kept = []
    for d in diagnostics:
        if d.severity is Severity.ERROR and d.location is not None and d.location.cell is not None:
            key = (d.decision, d.location.workbook, d.location)
            if key in seen:
                continue
            seen.add(key)
        kept.append(d)
    return kept
