"""Compiled decision tables: every cell turned into callables, once.

Built by :mod:`engine.compiler` from the table model; read by the evaluator
(:mod:`engine.evaluate`, :mod:`engine.index`), the reference evaluator and
the analyser. Frozen: a compiled table is shared by every call and thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.feel import ast
from engine.feel.sets import Condition
from engine.model import Cell, DecisionTable, Rule

Context = Mapping[str, Any]


@dataclass(frozen=True)
class InputTest:
    """One input entry (unary test) of one rule."""

    cell: Cell
    #: (column value, context) -> True / False / None (null: no match)
    predicate: Callable[[Any, Context], bool | None]
    #: exactly the values the test accepts; None when it reads other inputs
    condition: Condition | None
    is_any: bool  # ``-`` or an empty cell
    #: the parse the predicate was compiled from (None: the cell did not compile)
    node: ast.UnaryTests | None = None


@dataclass(frozen=True)
class OutputEntry:
    """One output entry (expression) of one rule, or a default output."""

    cell: Cell
    evaluate: Callable[[Context], Any]
    is_constant: bool
    value: Any = None  # the value, when constant
    #: the parse ``evaluate`` was compiled from (None: an empty or broken cell)
    node: ast.Expr | None = None


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    tests: tuple[InputTest, ...]
    outputs: tuple[OutputEntry, ...]

    @property
    def label(self) -> str:
        return self.rule.label


@dataclass(frozen=True)
class CompiledTable:
    table: DecisionTable
    #: per input column, context -> the column's value
    getters: tuple[Callable[[Context], Any], ...]
    #: per input column, the plain input name when the header is just a name
    input_names: tuple[str | None, ...]
    rules: tuple[CompiledRule, ...]
    #: per output column, the default output entry (None: no default)
    defaults: tuple[OutputEntry | None, ...]
    #: every name the table reads: inputs of the caller or other decisions
    reads: frozenset[str]
    #: the names the input column headers read: the inputs the table declares
    header_reads: frozenset[str] = frozenset()
    #: the names the rules' entries and the defaults read (``< limit``)
    entry_reads: frozenset[str] = frozenset()
    #: per input column, the parse of its header expression (None: it did not compile)
    headers: tuple[ast.Expr | None, ...] = ()

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def output_names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.table.outputs)


@dataclass(frozen=True)
class CompiledExpression:
    """A decision (or BKM) whose logic is a boxed expression, compiled to one closure."""

    decision: Any  # engine.boxed.ExpressionDecision
    evaluate: Callable[[Context], Any]
    #: the DRG names it reads: required decisions, inputs and knowledge models
    reads: frozenset[str]

    @property
    def name(self) -> str:
        return self.decision.name

    @property
    def output_names(self) -> tuple[str, ...]:
        return (self.decision.name,)

    @property
    def location(self) -> Any:
        return self.decision.location

    @property
    def is_knowledge(self) -> bool:
        return self.decision.kind == "knowledge"
