"""Input entries (unary tests) -> SQL predicates.

A rule matches when every entry is *true*; false and null both mean "no
match". Two routes, both from the compile stage's work:

* a constant entry has an exact :class:`~engine.feel.sets.Condition` (the
  values on which it is true, per category): the predicate tests the
  column's one category against those spans, e.g. ``x IN ('a', 'b')`` or
  ``x IS NULL OR x NOT IN ('telefon')`` for ``not("telefon")``;
* an entry reading other inputs (``< limit``) is compiled from its AST with
  FEEL's three-valued semantics, so ``not(…)`` around it stays exact.
"""

from __future__ import annotations

from sqlglot import exp

from engine.decision import InputTest
from engine.feel import ast, sets
from engine.feel import values as V
from engine.sql import values as S
from engine.sql.expressions import NULL_BOOLEAN, ExpressionCompiler, Typed, boolean, compare, constant, equals


def entry_predicate(test: InputTest, value: Typed, compiler: ExpressionCompiler) -> exp.Expression | None:
    """The SQL for one entry; None when it accepts every value (``-``)."""
    if test.is_any:
        return None
    if test.condition is not None:
        return condition_predicate(test.condition, value)
    if test.node is None:
        raise compiler.fail("the cell did not compile")
    return unary_tests(test.node, value, compiler).sql


def condition_predicate(condition: sets.Condition, value: Typed) -> exp.Expression | None:
    """True exactly where the condition holds, for a value of one known category."""
    null_ok = condition.on(V.NULL).is_full
    category = value.category
    if category is None:
        return None if null_ok else exp.false()
    values = condition.on(category)
    present = _within(values, value.sql, category)
    if null_ok:
        if present is None:
            return None
        return S.any_of(S.is_null(value.sql), present) if not value.never_null else present
    if present is None:
        return S.not_null(value.sql)
    return present


def _within(values: sets.ValueSet, sql: exp.Expression, category: str) -> exp.Expression | None:
    """``sql`` (never null here) lies in ``values``; None: every value does."""
    if values.is_full:
        return None
    if values.is_empty:
        return exp.false()
    if category == V.BOOLEAN:
        true, false = values.contains(True), values.contains(False)
        if true and false:
            return None
        if not (true or false):  # e.g. the open span (false..true): no boolean lies inside
            return exp.false()
        return sql if true else exp.Not(this=sql)
    points = [s.lo for s in values.spans if s.is_point()]
    ranges = [s for s in values.spans if not s.is_point()]
    excluded = values.complement()
    if ranges and all(s.is_point() for s in excluded.spans):
        # "anything but these": not(…) of values, or != v
        return S.none_of(sql, [S.literal(s.lo) for s in excluded.spans])
    parts: list[exp.Expression] = []
    if points:
        if len(points) == 1:
            parts.append(exp.EQ(this=sql, expression=S.literal(points[0])))
        else:
            parts.append(S.one_of(sql, [S.literal(p) for p in points]))
    for span in ranges:
        bounds: list[exp.Expression] = []
        if span.lo is not None:
            bounds.append((exp.GTE if span.lo_closed else exp.GT)(this=sql, expression=S.literal(span.lo)))
        if span.hi is not None:
            bounds.append((exp.LTE if span.hi_closed else exp.LT)(this=sql, expression=S.literal(span.hi)))
        parts.append(S.all_of(*bounds) if len(bounds) > 1 else bounds[0])
    return S.any_of(*parts) if len(parts) > 1 else parts[0]


# ---------------------------------------------------------------- from the AST


def unary_tests(node: ast.UnaryTests, value: Typed, compiler: ExpressionCompiler) -> Typed:
    """The three-valued result of a whole entry, as ``compile_unary_tests`` computes it."""
    if isinstance(node, ast.AnyTest):
        return boolean(exp.true())
    if not isinstance(node, ast.Tests):
        raise compiler.fail(f"`{type(node).__name__}` entries are not compiled to SQL; use --engine python")
    parts = [positive_test(t, value, compiler).sql for t in node.tests]
    result = parts[0] if len(parts) == 1 else S.any_of(*(exp.Paren(this=p) for p in parts))
    if node.negated:
        result = exp.Not(this=exp.Paren(this=result))
    return boolean(result)


def positive_test(node: ast.PositiveTest, value: Typed, compiler: ExpressionCompiler) -> Typed:
    if isinstance(node, ast.CompareTest):
        return compare(node.op, value, compiler.compile(node.endpoint))
    if isinstance(node, ast.IntervalTest):
        return _interval(node, value, compiler)
    if isinstance(node, ast.EqualTest):
        if isinstance(node.value, ast.ListExpr):
            return _member(value, [compiler.compile(item) for item in node.value.items])
        expected = compiler.compile(node.value)
        if expected.is_constant and isinstance(expected.constant, list):
            return _member(value, [constant(item) for item in expected.constant])
        return equals(value, expected)
    raise compiler.fail(f"`{type(node).__name__}` tests are not compiled to SQL; use --engine python")


def _member(value: Typed, items: list[Typed]) -> Typed:
    """``x`` equals one of the items, three-valued like FEEL's list membership."""
    if not items:
        return boolean(exp.false())
    tests = [equals(value, item).sql for item in items]
    return boolean(S.any_of(*(exp.Paren(this=t) for t in tests)) if len(tests) > 1 else tests[0])


def _interval(node: ast.IntervalTest, value: Typed, compiler: ExpressionCompiler) -> Typed:
    low, high = compiler.compile(node.low), compiler.compile(node.high)
    above = compare(">=" if node.low_closed else ">", value, low)
    below = compare("<=" if node.high_closed else "<", value, high)
    if above is NULL_BOOLEAN or below is NULL_BOOLEAN:
        return NULL_BOOLEAN
    # Null if either end comparison is null, even when the other is false (compile_unary_tests' rule).
    unknown = S.any_of(S.is_null(above.sql), S.is_null(below.sql))
    both = S.all_of(above.sql, below.sql)
    return boolean(S.case([(unknown, exp.Cast(this=exp.Null(), to=S.sql_type(V.BOOLEAN)))], both))
