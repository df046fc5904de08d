"""The FEEL syntax tree: plain frozen classes, one per construct.

``col`` is the 1-based column inside the cell where the node starts, so
later stages can point at the exact spot. The first classes are FEEL-lite's
(decision-table cells); the rest (contexts, iteration, functions, types)
complete DMN 1.5 FEEL and are also what boxed expressions of a DMN model
are translated into.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    """``f(a, b)`` or ``f(x: a, y: b)`` where ``f`` is a name (built-in or in scope)."""

    function: str
    arguments: tuple["Expr", ...]
    col: int = 1
    named: tuple[tuple[str, "Expr"], ...] = ()


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


# ---------- full FEEL ----------


@dataclass(frozen=True)
class Invoke:
    """Calling the value of an expression: ``(function(x) x + 1)(2)``, ``ctx.f(1)``."""

    function: "Expr"
    arguments: tuple["Expr", ...]
    named: tuple[tuple[str, "Expr"], ...] = ()
    col: int = 1


@dataclass(frozen=True)
class Filter:
    """``items[condition]``: a filter, or an index when the condition is a number."""

    items: "Expr"
    condition: "Expr"
    col: int = 1


@dataclass(frozen=True)
class Context:
    """``{a: 1, "b c": a + 1}``: later entries see earlier ones.

    ``result`` is a boxed context's unnamed final entry: when present, the
    context evaluates to it instead of to the map of entries.
    """

    entries: tuple[tuple[str, "Expr"], ...]
    result: "Expr | None" = None
    col: int = 1


@dataclass(frozen=True)
class IterationRange:
    """``for i in 1..3``: the integers from ``low`` to ``high``, up or down."""

    low: "Expr"
    high: "Expr"
    col: int = 1


@dataclass(frozen=True)
class For:
    """``for x in xs, y in ys return body``; ``partial`` is bound to the results so far."""

    iterators: tuple[tuple[str, "Expr"], ...]
    body: "Expr"
    col: int = 1


@dataclass(frozen=True)
class Quantified:
    """``some``/``every x in xs satisfies condition``."""

    every: bool
    iterators: tuple[tuple[str, "Expr"], ...]
    condition: "Expr"
    col: int = 1


@dataclass(frozen=True)
class FunctionDefinition:
    """``function(a, b: number) body``; ``types`` holds each parameter's declared type or None."""

    parameters: tuple[str, ...]
    body: "Expr"
    col: int = 1
    types: tuple["TypeRef | None", ...] = ()
    external: bool = False


@dataclass(frozen=True)
class Between:
    value: "Expr"
    low: "Expr"
    high: "Expr"
    col: int = 1


@dataclass(frozen=True)
class InTests:
    """``x in (t1, t2, …)``: true if any test is."""

    value: "Expr"
    tests: tuple["PositiveTest", ...]
    col: int = 1


@dataclass(frozen=True)
class InstanceOf:
    value: "Expr"
    type: "TypeRef"
    col: int = 1


@dataclass(frozen=True)
class Embedded:
    """Logic compiled elsewhere (a decision table inside a boxed context, a BKM).

    ``evaluate`` takes the scope; ``reads`` are the free names it reads.
    """

    evaluate: Callable[[Mapping[str, Any]], Any]
    reads: frozenset[str] = frozenset()
    col: int = 1


# ---------- types (instance of, typed parameters) ----------


@dataclass(frozen=True)
class NamedType:
    """``number``, ``date and time``, ``Any``, or a (qualified) item definition name."""

    name: str


@dataclass(frozen=True)
class ListType:
    element: "TypeRef"


@dataclass(frozen=True)
class RangeType:
    element: "TypeRef"


@dataclass(frozen=True)
class ContextType:
    fields: tuple[tuple[str, "TypeRef"], ...]


@dataclass(frozen=True)
class FunctionType:
    parameters: tuple["TypeRef", ...]
    result: "TypeRef"


TypeRef = NamedType | ListType | RangeType | ContextType | FunctionType



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


Expr = (
    Literal | Name | Path | Call | Negative | Arithmetic | Comparison | And | Or | Not | If | ListExpr | In
    | Invoke | Filter | Context | IterationRange | For | Quantified | FunctionDefinition | Between | InTests
    | InstanceOf | Embedded | CompareTest | IntervalTest
)  # fmt: skip

PositiveTest = CompareTest | IntervalTest | EqualTest
# As expressions, CompareTest (``< 10``) and IntervalTest (``[1..10]``) are range values.


@dataclass(frozen=True)
class Tests:
    """``t1, t2, …``; ``negated`` for ``not(t1, t2, …)``."""

    tests: tuple[PositiveTest, ...]
    negated: bool = False
    col: int = 1


UnaryTests = AnyTest | Tests


#: The name an input entry's expressions use for the value under test.
INPUT = "?"


def names(node: Any) -> set[str]:
    """Every free name a node reads (the base of each path).

    Names bound inside the node (``for``/``some``/``every`` variables,
    function parameters, context entries, ``item`` and the entries of the
    items in a filter, ``?`` in an input entry) are not free; nor are calls
    of built-in functions.
    """
    from engine.feel.builtins import is_builtin

    found: set[str] = set()

    def walk(n: Any, bound: frozenset[str]) -> None:
        if isinstance(n, Name):
            if n.name not in bound and n.name != INPUT:
                found.add(n.name)
        elif isinstance(n, Call):
            if n.function in bound:
                pass
            elif not is_builtin(n.function):
                found.add(n.function)
            for a in n.arguments:
                walk(a, bound)
            for _, a in n.named:
                walk(a, bound)
        elif isinstance(n, Embedded):
            found.update(r for r in n.reads if r not in bound)
        elif isinstance(n, (For, Quantified)):
            inner = bound
            for variable, domain in n.iterators:
                walk(domain, inner)
                inner = inner | {variable}
            if isinstance(n, For):
                walk(n.body, inner | {"partial"})
            else:
                walk(n.condition, inner)
        elif isinstance(n, FunctionDefinition):
            walk(n.body, bound | set(n.parameters))
        elif isinstance(n, Context):
            inner = bound
            for key, value in n.entries:
                walk(value, inner)
                inner = inner | {key}
            if n.result is not None:
                walk(n.result, inner)
        elif isinstance(n, Filter):
            walk(n.items, bound)
            # The items' own entries are in scope too; which ones is only known at run time.
            walk(n.condition, bound | {"item"})
        elif isinstance(n, Path):
            walk(n.base, bound)
        elif isinstance(n, tuple):
            for item in n:
                walk(item, bound)
        elif hasattr(n, "__dataclass_fields__") and not isinstance(n, _TYPE_CLASSES):
            for field_name in n.__dataclass_fields__:
                if field_name != "col":
                    walk(getattr(n, field_name), bound)

    walk(node, frozenset())
    return found


_TYPE_CLASSES = (NamedType, ListType, RangeType, ContextType, FunctionType)
