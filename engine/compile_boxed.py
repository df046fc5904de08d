"""Boxed expressions -> FEEL syntax trees -> one compiled closure per decision.

Each boxed expression becomes the FEEL node that means the same (a context
a context literal, an invocation a call with named arguments, a conditional
an ``if``), so the FEEL compiler is the only evaluator. Decision tables
nested in boxed expressions are compiled by :mod:`engine.compile` and enter
the tree as an embedded node.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from engine import boxed as B
from engine.compile import CellCache
from engine.decision import CompiledExpression
from engine.diagnostics import Diagnostic, Severity
from engine.feel import ast
from engine.feel.compiler import FeelCompileError, compile_expression
from engine.feel.parser import FeelSyntaxError, parse_expression
from engine.model import Cell, Location


class _Unsupported(Exception):
    def __init__(self, message: str, location: Location) -> None:
        super().__init__(message)
        self.message = message
        self.location = location


def compile_expression_decision(
    decision: B.ExpressionDecision, names: Iterable[str] = (), cache: CellCache | None = None
) -> tuple[CompiledExpression, list[Diagnostic]]:
    """Compile a decision's boxed expression; a failure compiles to null, with a diagnostic."""
    problems: list[Diagnostic] = []
    scope = tuple(names)

    def report(cell: Cell, error: FeelSyntaxError | FeelCompileError) -> None:
        caret = f"{cell.text}\n{' ' * (error.column - 1)}^"
        code = "DT001" if isinstance(error, FeelSyntaxError) else "DT009"
        problems.append(
            Diagnostic(code, Severity.ERROR, error.message, cell.location, error.hint, decision=decision.name, detail=caret)
        )

    translator = _Translator(scope, report)
    evaluate: Callable[[Any], Any] = _null
    read: set[str] = set()
    try:
        node = translator.node(decision.logic)
        if node is not None:
            evaluate = compile_expression(node).evaluate
            read = ast.names(node)
    except _Unsupported as error:
        problems.append(
            Diagnostic("DT702", Severity.ERROR, error.message, error.location, decision=decision.name)
        )
    except FeelCompileError as error:
        problems.append(Diagnostic("DT009", Severity.ERROR, error.message, decision.location, error.hint, decision=decision.name))  # fmt: skip
    reads = frozenset(decision.requires) | frozenset(read & set(scope))
    return CompiledExpression(decision, evaluate, reads), problems


def _null(ctx: Any) -> Any:
    return None


class _Translator:
    def __init__(self, names: tuple[str, ...], report: Callable[[Cell, Any], None]) -> None:
        self.names = names
        self.report = report
        self.failed = False

    def node(self, logic: B.Boxed) -> Any:
        if isinstance(logic, B.LiteralExpression):
            return self.literal(logic.text)
        if isinstance(logic, B.BoxedList):
            return ast.ListExpr(tuple(self.node(item) for item in logic.items))
        if isinstance(logic, B.Conditional):
            return ast.If(self.node(logic.condition), self.node(logic.then), self.node(logic.otherwise))
        kind = type(logic).__name__
        location = getattr(logic, "location", None)
        raise _Unsupported(
            f"{kind} logic is read but not evaluated yet: it needs FEEL contexts and functions (issue #11)",
            location or Location(""),
        )

    def literal(self, cell: Cell) -> Any:
        if not cell.text.strip():
            return ast.Literal(None)
        try:
            return parse_expression(cell.text)
        except FeelSyntaxError as error:
            self.report(cell, error)
            return ast.Literal(None)
