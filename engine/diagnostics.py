"""Diagnostics: findings about a workbook, as values.

Every problem the engine finds in a workbook (a syntax error in a cell, a gap
in a table) is a :class:`Diagnostic` with a stable code, a severity, a
location and a hint, collected so an analyst sees all of them at once.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.model import Location


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
        """One finding as an analyst reads it (may span lines)."""
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.severity.word} {self.code}: {self.message}"
        if self.detail:
            text += "\n" + "\n".join("    " + line for line in self.detail.splitlines())
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


def worst(diagnostics: Iterable[Diagnostic]) -> Severity | None:
    return max((d.severity for d in diagnostics), default=None)


def errors(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity is Severity.ERROR]
