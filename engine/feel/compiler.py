"""FEEL-lite syntax tree -> Python closures, built once per cell.

Each node becomes a closure over its children's closures (cf. feelin), so
evaluation never walks the tree or touches the parser. Subtrees without
names are folded to constants at compile time. Unary tests also get their
exact :class:`~engine.feel.sets.Truth` when constant, for the index and the
analyser.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.feel import ast, sets
from engine.feel import values as V
from engine.feel.builtins import ARITY, BUILTINS

Context = Mapping[str, Any]
Evaluator = Callable[[Context], Any]
Predicate = Callable[[Any, Context], "bool | None"]

# FEEL numbers are decimal128 (values.DECIMAL128): 34 significant digits, |x| < 1E+6145.
_DECIMAL = V.DECIMAL128


class FeelCompileError(ValueError):
    """A cell that parses but cannot mean anything (unknown function, bad date)."""

    def __init__(self, message: str, column: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.hint = hint


@dataclass(frozen=True)
class Compiled:
    evaluate: Evaluator
    is_constant: bool
    value: Any = None


@dataclass(frozen=True)
class CompiledTest:
    predicate: Predicate
    truth: sets.Truth | None  # None when the test reads names at run time
    is_any: bool


def _constant(value: Any) -> Compiled:
    return Compiled(lambda ctx: value, True, value)


# ---------------------------------------------------------------- expressions


def compile_expression(node: ast.Expr) -> Compiled:
    """Compile an expression; raises :class:`FeelCompileError`."""
    compiled = _COMPILERS[type(node)](node)
    return compiled


def _literal(node: ast.Literal) -> Compiled:
    return _constant(node.value)


def _name(node: ast.Name) -> Compiled:
    key = node.name
    to_feel = V.to_feel

    def get(ctx: Context) -> Any:
        # Callers pass plain Python values (floats, tuples); expressions see FEEL ones.
        return to_feel(ctx.get(key))

    return Compiled(get, False)


def _path(node: ast.Path) -> Compiled:
    base = compile_expression(node.base)
    attribute = node.attribute

    def fn(value: Any) -> Any:
        return value.get(attribute) if isinstance(value, dict) else None

    return _lift1(base, fn)


def _lift1(operand: Compiled, fn: Callable[[Any], Any]) -> Compiled:
    if operand.is_constant:
        return _constant(fn(operand.value))
    inner = operand.evaluate
    return Compiled(lambda ctx: fn(inner(ctx)), False)


def _lift2(left: Compiled, right: Compiled, fn: Callable[[Any, Any], Any]) -> Compiled:
    if left.is_constant and right.is_constant:
        return _constant(fn(left.value, right.value))
    a, b = left.evaluate, right.evaluate
    return Compiled(lambda ctx: fn(a(ctx), b(ctx)), False)


def _negative(node: ast.Negative) -> Compiled:
    return _lift1(compile_expression(node.operand), lambda v: V.negate(v) if V.category(v) == V.NUMBER else None)


def arithmetic(op: str, a: Any, b: Any) -> Any:
    """FEEL ``+ - * / **`` in decimal128; null on bad types, /0 or past the number range."""
    ca, cb = V.category(a), V.category(b)
    if ca == V.STRING and cb == V.STRING and op == "+":
        return a + b
    if ca != V.NUMBER or cb != V.NUMBER:
        return None
    try:
        x = a if isinstance(a, (int, Decimal)) else Decimal(repr(a))
        y = b if isinstance(b, (int, Decimal)) else Decimal(repr(b))
        exact = x.__class__ is int and y.__class__ is int
        if op == "+":
            return V.feel_number(x + y) if exact else _DECIMAL.add(x, y)
        if op == "-":
            return V.feel_number(x - y) if exact else _DECIMAL.subtract(x, y)
        if op == "*":
            return V.feel_number(x * y) if exact else _DECIMAL.multiply(x, y)
        if op == "/":
            result = _DECIMAL.divide(Decimal(x), Decimal(y))
            return int(result) if result == result.to_integral_value() and abs(result) < 2**63 else result
        if op == "**":
            # Through decimal128, so a cell like (10 ** 1000) ** 1000 overflows
            # to null instead of building a billion-digit integer.
            if y.__class__ is Decimal and y != y.to_integral_value():
                return None
            result = _DECIMAL.power(Decimal(x), y)
            return int(result) if result == result.to_integral_value() and abs(result) < 2**63 else result
    except (decimal.DecimalException, ZeroDivisionError, OverflowError):
        return None
    return None


def _arithmetic(node: ast.Arithmetic) -> Compiled:
    op = node.op
    return _lift2(compile_expression(node.left), compile_expression(node.right), lambda a, b: arithmetic(op, a, b))


def compare_values(op: str, a: Any, b: Any) -> bool | None:
    if op == "=":
        return V.equals(a, b)
    if op == "!=":
        same = V.equals(a, b)
        return None if same is None else not same
    order = V.compare(a, b)
    if order is None:
        return None
    return {"<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[op]


def _comparison(node: ast.Comparison) -> Compiled:
    op = node.op
    return _lift2(compile_expression(node.left), compile_expression(node.right), lambda a, b: compare_values(op, a, b))


def _connective(decisive: bool) -> Callable[[Any], Compiled]:
    """``and`` (decided by a false operand) or ``or`` (by a true one), three-valued."""

    def compile_node(node: ast.And | ast.Or) -> Compiled:
        def combine(values: list[Any]) -> bool | None:
            if any(v is decisive for v in values):
                return decisive
            if all(v is (not decisive) for v in values):
                return not decisive
            return None

        return _lift_n([compile_expression(o) for o in node.operands], combine)

    return compile_node


_and = _connective(False)
_or = _connective(True)


def _lift_n(parts: list[Compiled], fn: Callable[[list[Any]], Any]) -> Compiled:
    if all(p.is_constant for p in parts):
        return _constant(fn([p.value for p in parts]))
    evaluators = [p.evaluate for p in parts]
    return Compiled(lambda ctx: fn([e(ctx) for e in evaluators]), False)


def _not(node: ast.Not) -> Compiled:
    return _lift1(compile_expression(node.operand), lambda v: (not v) if isinstance(v, bool) else None)


def _if(node: ast.If) -> Compiled:
    condition = compile_expression(node.condition)
    then = compile_expression(node.then)
    otherwise = compile_expression(node.otherwise)
    if condition.is_constant:
        return then if condition.value is True else otherwise
    c, t, o = condition.evaluate, then.evaluate, otherwise.evaluate
    return Compiled(lambda ctx: t(ctx) if c(ctx) is True else o(ctx), False)


def _list(node: ast.ListExpr) -> Compiled:
    return _lift_n([compile_expression(i) for i in node.items], list)


def _in(node: ast.In) -> Compiled:
    value = compile_expression(node.value)
    test = _positive_test(node.test)
    if value.is_constant and test.truth is not None:
        return _constant(test.predicate(value.value, {}))
    get, predicate = value.evaluate, test.predicate
    return Compiled(lambda ctx: predicate(get(ctx), ctx), False)


def _call(node: ast.Call) -> Compiled:
    function = BUILTINS.get(node.function)
    if function is None:
        known = ", ".join(sorted(BUILTINS))
        raise FeelCompileError(f"unknown function `{node.function}`", node.col, f"known functions: {known}")
    low, high = ARITY[node.function]
    count = len(node.arguments)
    if count < low or (high is not None and count > high):
        wanted = str(low) if low == high else (f"{low} to {high}" if high else f"at least {low}")
        raise FeelCompileError(
            f"`{node.function}` takes {wanted} argument{'s' if wanted != '1' else ''}, not {count}", node.col
        )
    arguments = [compile_expression(a) for a in node.arguments]
    compiled = _lift_n(arguments, lambda values: function(*values))
    if node.function == "date" and compiled.is_constant and compiled.value is None:
        raise FeelCompileError("not a valid date", node.col, 'write e.g. date("2026-01-31")')
    return compiled


_COMPILERS: dict[type, Callable[[Any], Compiled]] = {
    ast.Literal: _literal,
    ast.Name: _name,
    ast.Path: _path,
    ast.Call: _call,
    ast.Negative: _negative,
    ast.Arithmetic: _arithmetic,
    ast.Comparison: _comparison,
    ast.And: _and,
    ast.Or: _or,
    ast.Not: _not,
    ast.If: _if,
    ast.ListExpr: _list,
    ast.In: _in,
}


# ---------------------------------------------------------------- unary tests


def compile_unary_tests(node: ast.UnaryTests) -> CompiledTest:
    """Compile an input entry into a predicate over (value, context)."""
    if isinstance(node, ast.AnyTest):
        return CompiledTest(lambda value, ctx: True, sets.Truth({c: sets.FULL for c in sets.CATEGORIES}, {}), True)
    parts = [_positive_test(t) for t in node.tests]
    predicates = [p.predicate for p in parts]

    if len(predicates) == 1:
        single = predicates[0]
        any_true = single
    else:

        def any_true(value: Any, ctx: Context) -> bool | None:
            return _any_true(predicate(value, ctx) for predicate in predicates)

    truths = [p.truth for p in parts if p.truth is not None]
    truth = sets.disjunction(truths) if len(truths) == len(parts) else None
    if not node.negated:
        return CompiledTest(any_true, truth, False)

    def negated(value: Any, ctx: Context) -> bool | None:
        outcome = any_true(value, ctx)
        return None if outcome is None else not outcome

    return CompiledTest(negated, truth.negate() if truth is not None else None, False)


def _positive_test(node: ast.PositiveTest) -> CompiledTest:
    if isinstance(node, ast.CompareTest):
        return _compare_test(node)
    if isinstance(node, ast.IntervalTest):
        return _interval_test(node)
    return _equal_test(node)


def _compare_test(node: ast.CompareTest) -> CompiledTest:
    op = node.op
    endpoint = compile_expression(node.endpoint)
    if endpoint.is_constant:
        bound = endpoint.value
        truth = None if isinstance(bound, (list, dict)) else sets.comparison(op, bound)
        return CompiledTest(lambda value, ctx: compare_values(op, value, bound), truth, False)
    get = endpoint.evaluate
    return CompiledTest(lambda value, ctx: compare_values(op, value, get(ctx)), None, False)


def _interval_test(node: ast.IntervalTest) -> CompiledTest:
    low = compile_expression(node.low)
    high = compile_expression(node.high)
    low_op = ">=" if node.low_closed else ">"
    high_op = "<=" if node.high_closed else "<"
    if low.is_constant and high.is_constant:
        lo, hi = low.value, high.value
        if lo is None or hi is None:
            raise FeelCompileError("an interval end cannot be null", node.col, "use `< 5` or `>= 5` for one-sided ranges")
        if V.category(lo) != V.category(hi) or V.category(lo) not in V.ORDERED:
            raise FeelCompileError(
                f"the interval's ends must be two numbers, two dates or two texts, not {V.describe(lo)} and {V.describe(hi)}",
                node.col,
            )

        def within(value: Any, ctx: Context) -> bool | None:
            above = compare_values(low_op, value, lo)
            if above is None:
                return None
            below = compare_values(high_op, value, hi)
            if below is None:
                return None
            return above and below

        return CompiledTest(within, sets.interval(lo, node.low_closed, hi, node.high_closed), False)
    get_low, get_high = low.evaluate, high.evaluate

    def dynamic_within(value: Any, ctx: Context) -> bool | None:
        above = compare_values(low_op, value, get_low(ctx))
        below = compare_values(high_op, value, get_high(ctx))
        if above is None or below is None:
            return None
        return above and below

    return CompiledTest(dynamic_within, None, False)


def _equal_test(node: ast.EqualTest) -> CompiledTest:
    expected = compile_expression(node.value)
    if expected.is_constant:
        constant = expected.value
        if isinstance(constant, list):
            items = list(constant)
            truths: list[sets.Truth] = []
            truth: sets.Truth | None
            for item in items:
                if isinstance(item, (list, dict)):
                    truth = None
                    break
                truths.append(sets.equality(item))
            else:
                truth = sets.disjunction(truths)

            def member(value: Any, ctx: Context) -> bool | None:
                return _member(value, items)

            return CompiledTest(member, truth, False)
        if isinstance(constant, dict):
            return CompiledTest(lambda value, ctx: V.equals(value, constant), None, False)
        return CompiledTest(lambda value, ctx: V.equals(value, constant), sets.equality(constant), False)
    get = expected.evaluate

    def dynamic(value: Any, ctx: Context) -> bool | None:
        target = get(ctx)
        if isinstance(target, list):
            return _member(value, target)
        return V.equals(value, target)

    return CompiledTest(dynamic, None, False)


def _any_true(outcomes: Iterable[bool | None]) -> bool | None:
    """Three-valued "or" that stops at the first true outcome."""
    result: bool | None = False
    for outcome in outcomes:
        if outcome is True:
            return True
        if outcome is None:
            result = None
    return result


def _member(value: Any, items: list[Any]) -> bool | None:
    return _any_true(V.equals(value, item) for item in items)
