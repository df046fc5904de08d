"""The table model: what the workbook says, before any cell is compiled.

Plain frozen dataclasses, built by :mod:`engine.workbook` and consumed by the
compiler and the analyser. Nothing here knows about Excel or FEEL.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, order=True)
class Location:
    """Where something is: ``registrering!C7`` in a workbook, an element of a DMN file.

    For DMN, ``element`` is the XML element's id (or its tag when it has none),
    ``line`` its line in the file, and ``rule``/``column`` (1-based) place an
    entry inside a decision table; ``sheet`` then holds the decision's name.
    """

    sheet: str
    cell: str | None = None
    workbook: str | None = field(default=None, compare=False)
    element: str | None = None
    line: int | None = field(default=None, compare=False)
    rule: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.element is not None or self.line is not None:
            return self._dmn()
        sheet = self.sheet
        if not sheet.replace("_", "").isalnum():
            sheet = "'" + sheet.replace("'", "''") + "'"
        return f"{sheet}!{self.cell}" if self.cell else sheet

    def _dmn(self) -> str:
        file = self.workbook.replace("\\", "/").rsplit("/", 1)[-1] if self.workbook else "(dmn)"
        where = f"{file}:{self.line}" if self.line else file
        parts = [f"#{self.element}"] if self.element else []
        if self.rule is not None:
            parts.append(f"rule {self.rule}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return f"{where} [{', '.join(parts)}]" if parts else where


class HitPolicy(enum.Enum):
    UNIQUE = "U"
    ANY = "A"
    PRIORITY = "P"
    FIRST = "F"
    RULE_ORDER = "R"
    OUTPUT_ORDER = "O"
    COLLECT = "C"

    @property
    def single_hit(self) -> bool:
        return self in (HitPolicy.UNIQUE, HitPolicy.ANY, HitPolicy.PRIORITY, HitPolicy.FIRST)

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")


class Aggregator(enum.Enum):
    SUM = "+"
    MIN = "<"
    MAX = ">"
    COUNT = "#"


@dataclass(frozen=True)
class Cell:
    """A cell's text as the analyst wrote it (after spreadsheet clean-up)."""

    text: str
    location: Location


@dataclass(frozen=True)
class InputColumn:
    expression: Cell  # the input expression, usually a name: ``yrkesroll``
    type: str | None = None  # one of engine.feel.values.TYPES
    allowed: tuple[Any, ...] | None = None  # FEEL values, in the order written
    allowed_text: str | None = None  # the allowed values as written (DMN: any unary tests)
    label: str | None = None  # DMN's label of the column, when it differs from the expression

    @property
    def name(self) -> str:
        return self.expression.text


@dataclass(frozen=True)
class OutputColumn:
    name: str
    location: Location
    type: str | None = None
    allowed: tuple[Any, ...] | None = None
    default: Cell | None = None
    allowed_text: str | None = None  # the allowed values as written (DMN: any unary tests)
    label: str | None = None


@dataclass(frozen=True)
class Rule:
    label: str  # what messages call the rule: "R7" or "7"
    number: int  # 1-based position in the table
    inputs: tuple[Cell, ...]
    outputs: tuple[Cell, ...]
    annotations: tuple[str, ...]
    location: Location  # the label cell


@dataclass(frozen=True)
class DecisionTable:
    name: str
    hit_policy: HitPolicy
    aggregator: Aggregator | None
    inputs: tuple[InputColumn, ...]
    outputs: tuple[OutputColumn, ...]
    annotations: tuple[str, ...]
    rules: tuple[Rule, ...]
    location: Location  # the title cell

    @property
    def policy_label(self) -> str:
        text = self.hit_policy.label
        return f"{text} {self.aggregator.name}" if self.aggregator else text


@dataclass(frozen=True)
class TestCase:
    label: str
    inputs: dict[str, Cell]  # blank cells are left out (absent input)
    expected: dict[str, Cell]  # blank cells are left out (not checked)
    expects_no_rule: bool
    description: str
    location: Location


@dataclass(frozen=True)
class TestTable:
    decision: str
    cases: tuple[TestCase, ...]
    location: Location
