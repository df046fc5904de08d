"""Cells that must hold plain values: allowed values, test inputs, expectations."""

from __future__ import annotations

from typing import Any

from engine.feel import ast
from engine.feel.compiler import FeelCompileError, compile_expression
from engine.feel.parser import FeelSyntaxError, parse_expression, parse_unary_tests


def parse_literal(text: str) -> Any:
    """One constant: ``"läkare"``, ``12``, ``true``, ``null``, ``date("…")``, ``[1, 2]``.

    Raises :class:`FeelSyntaxError` when the cell is not a constant.
    """
    node = parse_expression(text)
    try:
        compiled = compile_expression(node)
    except FeelCompileError as error:
        raise FeelSyntaxError(error.message, text, error.column, error.hint) from None
    if not compiled.is_constant:
        name = sorted(ast.names(node))[0]
        raise FeelSyntaxError(
            f"a value is expected here, not the name `{name}`",
            text,
            getattr(node, "col", 1),
            f'text values need double quotes: "{name}"',
        )
    return compiled.value


def parse_literal_list(text: str) -> tuple[Any, ...]:
    """A comma-separated list of constants, as in an ``Allowed values`` row."""
    node = parse_unary_tests(text)
    if isinstance(node, ast.AnyTest) or node.negated:
        raise FeelSyntaxError("a list of values is expected, e.g. `\"a\", \"b\", null`", text, 1)
    found: list[Any] = []
    for test in node.tests:
        if not isinstance(test, ast.EqualTest):
            raise FeelSyntaxError(
                "allowed values are listed one by one, not as ranges or comparisons", text, test.col
            )
        try:
            compiled = compile_expression(test.value)
        except FeelCompileError as error:
            raise FeelSyntaxError(error.message, text, error.column, error.hint) from None
        if not compiled.is_constant:
            name = sorted(ast.names(test.value))[0]
            raise FeelSyntaxError(
                f"a value is expected, not the name `{name}`", text, test.col, f'text values need double quotes: "{name}"'
            )
        found.append(compiled.value)
    return tuple(found)
