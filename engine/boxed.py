"""Boxed expressions: the decision logic that is not a decision table.

DMN writes a decision's logic as a literal expression, a context, an
invocation, a list, a relation, a function definition, a conditional, a
filter or an iterator, nested to any depth, with decision tables as leaves.
These plain frozen classes hold what the file says; :mod:`engine.compile_boxed`
turns them into FEEL syntax trees, so one FEEL compiler evaluates them all.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.model import Cell, DecisionTable, Location


@dataclass(frozen=True)
class LiteralExpression:
    text: Cell
    type: str | None = None  # the typeRef as written


@dataclass(frozen=True)
class ContextEntry:
    name: str | None  # None: the context's result (its unnamed last entry)
    value: "Boxed"
    type: str | None = None


@dataclass(frozen=True)
class BoxedContext:
    entries: tuple[ContextEntry, ...]
    location: Location


@dataclass(frozen=True)
class BoxedList:
    items: tuple["Boxed", ...]
    location: Location


@dataclass(frozen=True)
class Relation:
    columns: tuple[str, ...]
    rows: tuple[tuple["Boxed", ...], ...]
    location: Location


@dataclass(frozen=True)
class Binding:
    parameter: str
    value: "Boxed | None"  # None: the parameter is bound to null


@dataclass(frozen=True)
class Invocation:
    function: "Boxed"  # usually a literal expression naming a BKM
    bindings: tuple[Binding, ...]
    location: Location


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str | None = None


@dataclass(frozen=True)
class FunctionDefinition:
    parameters: tuple[Parameter, ...]
    body: "Boxed | None"
    location: Location
    kind: str = "FEEL"  # FEEL, Java or PMML; only FEEL is evaluated


@dataclass(frozen=True)
class Conditional:
    condition: "Boxed"
    then: "Boxed"
    otherwise: "Boxed"
    location: Location


@dataclass(frozen=True)
class BoxedFilter:
    items: "Boxed"
    condition: "Boxed"
    location: Location


@dataclass(frozen=True)
class Iteration:
    kind: str  # "for", "some" or "every"
    variable: str
    source: "Boxed"
    body: "Boxed"  # `return` of a for, `satisfies` of some/every
    location: Location


Boxed = (
    LiteralExpression | BoxedContext | BoxedList | Relation | Invocation | FunctionDefinition | Conditional
    | BoxedFilter | Iteration | DecisionTable
)


@dataclass(frozen=True)
class ExpressionDecision:
    """A decision (or a business knowledge model) whose logic is a boxed expression."""

    name: str
    logic: Boxed
    location: Location
    #: names of the DRG elements it requires (DMN information/knowledge requirements)
    requires: tuple[str, ...] = ()
    type_ref: str | None = None
    kind: str = "decision"  # "decision", or "knowledge" for a BKM (its value is a function)
