"""Decision tables -> compiled tables: every cell parsed and compiled once.

Errors are collected per cell (with the cell's location, the column inside
it and a caret), so one pass over a workbook reports every broken cell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.decision import CompiledRule, CompiledTable, InputTest, OutputEntry
from engine.diagnostics import Diagnostic, Severity
from engine.feel import ast
from engine.feel.compiler import (
    Compiled,
    CompiledTest,
    FeelCompileError,
    compile_expression,
    compile_unary_tests,
)
from engine.feel.parser import FeelSyntaxError, parse_expression, parse_unary_tests
from engine.model import Cell, DecisionTable


class CellCache:
    """Identical cell texts are parsed once per load (tables repeat a lot)."""

    def __init__(self) -> None:
        self.tests: dict[str, tuple[CompiledTest, frozenset[str], ast.UnaryTests]] = {}
        self.expressions: dict[str, tuple[Compiled, frozenset[str], ast.Expr]] = {}


def compile_table(table: DecisionTable, cache: "CellCache | None" = None) -> tuple[CompiledTable, list[Diagnostic]]:
    """Compile a table; the diagnostics list every cell that failed.

    A failed cell compiles to a test that never matches (or a null output),
    so the rest of the table can still be analysed.
    """
    cache = cache or CellCache()
    problems: list[Diagnostic] = []
    reads: set[str] = set()

    def report(cell: Cell, error: FeelSyntaxError | FeelCompileError, what: str) -> None:
        caret = f"{cell.text}\n{' ' * (error.column - 1)}^"
        problems.append(
            Diagnostic(
                "DT001" if isinstance(error, FeelSyntaxError) else "DT009",
                Severity.ERROR,
                f"{what}: {error.message}",
                cell.location,
                error.hint,
                decision=table.name,
                detail=caret,
            )
        )

    getters: list[Callable[[Any], Any]] = []
    input_names: list[str | None] = []
    headers: list[ast.Expr | None] = []
    header_reads: set[str] = set()
    for column in table.inputs:
        header = column.expression
        compiled = _expression(header, cache, report, "input expression")
        if compiled is None:
            getters.append(lambda ctx: None)
            input_names.append(None)
            headers.append(None)
            continue
        evaluator, names, node = compiled
        reads |= names
        header_reads |= names
        getters.append(evaluator.evaluate)
        input_names.append(node.name if isinstance(node, ast.Name) else None)
        headers.append(node)

    reads = set()  # from here on, the names the entries read (the headers' are in header_reads)
    rules: list[CompiledRule] = []
    for rule in table.rules:
        tests = []
        for column, cell in zip(table.inputs, rule.inputs):
            test = _test(cell, cache, report, f"rule {rule.label}, input `{column.name}`")
            if test is None:
                tests.append(InputTest(cell, lambda v, ctx: None, None, False))
                continue
            compiled_test, names, entry = test
            reads |= names
            condition = compiled_test.truth.condition() if compiled_test.truth is not None else None
            tests.append(InputTest(cell, compiled_test.predicate, condition, compiled_test.is_any, entry))
        outputs = []
        for output_column, cell in zip(table.outputs, rule.outputs):
            outputs.append(_output(cell, cache, report, f"rule {rule.label}, output `{output_column.name}`", reads))
        rules.append(CompiledRule(rule, tuple(tests), tuple(outputs)))

    defaults: list[OutputEntry | None] = []
    for output_column in table.outputs:
        if output_column.default is None:
            defaults.append(None)
        else:
            defaults.append(_output(output_column.default, cache, report, f"default of `{output_column.name}`", reads))

    compiled_table = CompiledTable(
        table, tuple(getters), tuple(input_names), tuple(rules), tuple(defaults), frozenset(reads | header_reads),
        frozenset(header_reads), frozenset(reads), tuple(headers)
    )
    return compiled_table, problems


def _test(cell: Cell, cache: CellCache, report: Callable, what: str) -> tuple[CompiledTest, frozenset[str], ast.UnaryTests] | None:  # fmt: skip
    hit = cache.tests.get(cell.text)
    if hit is not None:
        return hit
    try:
        node = parse_unary_tests(cell.text)
        result = (compile_unary_tests(node), frozenset(ast.names(node)), node)
    except (FeelSyntaxError, FeelCompileError) as error:
        report(cell, error, what)
        return None
    cache.tests[cell.text] = result
    return result


def _expression(cell: Cell, cache: CellCache, report: Callable, what: str) -> tuple[Compiled, frozenset[str], ast.Expr] | None:  # fmt: skip
    hit = cache.expressions.get(cell.text)
    if hit is not None:
        return hit
    try:
        node = parse_expression(cell.text)
        result = (compile_expression(node), frozenset(ast.names(node)), node)
    except (FeelSyntaxError, FeelCompileError) as error:
        report(cell, error, what)
        return None
    cache.expressions[cell.text] = result
    return result


def _output(cell: Cell, cache: CellCache, report: Callable, what: str, reads: set[str]) -> OutputEntry:
    if not cell.text:
        return OutputEntry(cell, lambda ctx: None, True, None)
    compiled = _expression(cell, cache, report, what)
    if compiled is None:
        return OutputEntry(cell, lambda ctx: None, True, None)
    evaluator, names, node = compiled
    reads |= names
    return OutputEntry(cell, evaluator.evaluate, evaluator.is_constant, evaluator.value, node)
