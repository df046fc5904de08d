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
    """Where something is in a workbook: ``registrering!C7``."""

    sheet: str
    cell: str | None = None
    workbook: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        sheet = self.sheet
        if not sheet.replace("_", "").isalnum():
            sheet = "'" + sheet.replace("'", "''") + "'"
        return f"{sheet}!{self.cell}" if self.cell else sheet


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
