"""The FEEL-lite syntax tree: plain frozen classes, one per construct.

``col`` is the 1-based column inside the cell where the node starts, so
later stages can point at the exact spot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Literal:
    value: Any  # str, int, Decimal, bool or None
    col: int = 1


@dataclass(frozen=True)
class Name:
    name: str
    col: int = 1


@dataclass(frozen=True)
class Path:
    base: "Expr"
    attribute: str
    col: int = 1


@dataclass(frozen=True)
class Call:
    function: str
    arguments: tuple["Expr", ...]
    col: int = 1


@dataclass(frozen=True)
class Negative:
    operand: "Expr"
    col: int = 1


@dataclass(frozen=True)
class Arithmetic:
    op: str  # + - * / **
    left: "Expr"
    right: "Expr"
    col: int = 1


@dataclass(frozen=True)
class Comparison:
    op: str  # = != < <= > >=
    left: "Expr"
    right: "Expr"
    col: int = 1


@dataclass(frozen=True)
class And:
    operands: tuple["Expr", ...]
    col: int = 1


@dataclass(frozen=True)
class Or:
    operands: tuple["Expr", ...]
    col: int = 1


@dataclass(frozen=True)
class Not:
    operand: "Expr"
    col: int = 1


@dataclass(frozen=True)
class If:
    condition: "Expr"
    then: "Expr"
    otherwise: "Expr"
    col: int = 1


@dataclass(frozen=True)
class ListExpr:
    items: tuple["Expr", ...]
    col: int = 1


@dataclass(frozen=True)
class In:
    value: "Expr"
    test: "PositiveTest"
    col: int = 1


Expr = Literal | Name | Path | Call | Negative | Arithmetic | Comparison | And | Or | Not | If | ListExpr | In


# ---------- unary tests ----------


@dataclass(frozen=True)
class AnyTest:
    """``-``: matches every value, null included."""

    col: int = 1


@dataclass(frozen=True)
class CompareTest:
    op: str  # < <= > >= = !=
    endpoint: Expr
    col: int = 1


@dataclass(frozen=True)
class IntervalTest:
    low: Expr
    low_closed: bool
    high: Expr
    high_closed: bool
    col: int = 1


@dataclass(frozen=True)
class EqualTest:
    """A bare value: the input equals it (or is in it, for a list)."""

    value: Expr
    col: int = 1


PositiveTest = CompareTest | IntervalTest | EqualTest


@dataclass(frozen=True)
class Tests:
    """``t1, t2, …``; ``negated`` for ``not(t1, t2, …)``."""

    tests: tuple[PositiveTest, ...]
    negated: bool = False
    col: int = 1


UnaryTests = AnyTest | Tests


def names(node: Any) -> set[str]:
    """Every input or decision name a node reads (the base of each path)."""
    found: set[str] = set()

    def walk(n: Any) -> None:
        if isinstance(n, Name):
            found.add(n.name)
        elif isinstance(n, Call):
            for a in n.arguments:
                walk(a)
        elif isinstance(n, tuple):
            for item in n:
                walk(item)
        elif hasattr(n, "__dataclass_fields__"):
            for field_name in n.__dataclass_fields__:
                if field_name != "col":
                    walk(getattr(n, field_name))

    walk(node)
    return found
