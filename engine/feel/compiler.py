"""FEEL syntax tree -> Python closures, built once per cell or literal expression.

Each node becomes a closure over its children's closures (cf. feelin), so
evaluation never walks the tree or touches the parser. Subtrees without
names are folded to constants at compile time. Unary tests also get their
exact :class:`~engine.feel.sets.Truth` when constant, for the index and the
analyser.

Errors follow DMN: a wrong type, a division by zero, a call that fits no
signature evaluate to null, and a warning with the node's column goes to
the scope's warnings list (:mod:`engine.feel.scope`). ``strict=True`` (the
default, for workbooks) keeps the load errors an analyst should see where a
typo is certain: an unknown function, a wrong number of arguments, an
impossible constant date or interval.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from engine.feel import ast, sets
from engine.feel import values as V
from engine.feel.builtins import Builtin, Overload, Problem, invoke, lookup
from engine.feel.operators import (
    any_true,
    arithmetic,
    arithmetic_outcome,
    compare_values,
    negate,
    satisfies,
)
from engine.feel.parser import FeelSyntaxError
from engine.feel.scope import Frame, warn
from engine.feel.temporal import properties
from engine.feel.types import conforms

Context = Mapping[str, Any]
Evaluator = Callable[[Context], Any]
Predicate = Callable[[Any, Context], "bool | None"]
#: A model's own type (an item definition): does a value conform? None: cannot tell.
TypeCheck = Callable[[Any], "bool | None"]

__all__ = [
    "Compiled",
    "CompiledTest",
    "FeelCompileError",
    "arithmetic",
    "compare_values",
    "compile_expression",
    "compile_unary_tests",
]


class FeelCompileError(ValueError):
    """A cell that parses but cannot mean anything (unknown function, bad date)."""

    def __init__(self, message: str, column: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.hint = hint


class NotCallableError(FeelSyntaxError, FeelCompileError):
    """A workbook cell calls something that is not a function's name.

    Found while compiling (a DMN model may call such values), but for an
    analyst a slip of syntax: a FeelSyntaxError (DT001) that callers
    catching compile errors also catch.
    """

    def __init__(self, column: int) -> None:
        ValueError.__init__(self, "only a function can be called with `(…)`")
        self.message = "only a function can be called with `(…)`"
        self.text = ""
        self.column = column
        self.hint = "built-in functions are listed in the README"


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


def _null_with(message: str, column: int) -> Compiled:
    """A constant null that explains itself each time it is evaluated."""

    def null(ctx: Context) -> Any:
        warn(ctx, message, column)
        return None

    return Compiled(null, True, None)


def _outcome(value: Any, column: int) -> Compiled:
    return _null_with(value.message, column) if value.__class__ is Problem else _constant(value)


def _checked(fn: Callable[[Context], Any], column: int) -> Evaluator:
    """An evaluator whose Problem results become null plus a warning."""

    def evaluate(ctx: Context) -> Any:
        out = fn(ctx)
        if out.__class__ is Problem:
            warn(ctx, out.message, column)
            return None
        return out

    return evaluate


_MISSING = object()


# ---------------------------------------------------------------- entry points


def compile_expression(
    node: ast.Expr, *, strict: bool = True, names: Collection[str] = (), types: Mapping[str, TypeCheck] | None = None
) -> Compiled:
    """Compile an expression; raises :class:`FeelCompileError` (in strict mode).

    ``names`` are the names in scope (as given to the parser): they may be
    called as functions and shadow built-ins of the same name. ``types``
    maps a model's type names (item definitions) to a check of a value, for
    ``instance of`` and typed parameters.
    """
    return _Compiler(strict, frozenset(names), types).expression(node, frozenset())


def compile_unary_tests(
    node: ast.UnaryTests, *, strict: bool = True, names: Collection[str] = (), types: Mapping[str, TypeCheck] | None = None
) -> CompiledTest:
    """Compile an input entry into a predicate over (value, context)."""
    return _Compiler(strict, frozenset(names), types).unary_tests(node)


def range_from_text(text: str) -> Any:
    """FEEL's ``range("[1..10]")``: a range literal's text as a range value."""
    from engine.feel.parser import FeelSyntaxError, parse_expression

    try:
        node = parse_expression(text)
        if not isinstance(node, ast.IntervalTest) or not all(_literal_end(end) for end in (node.low, node.high)):
            return Problem(f"`range` expects an interval of literals such as \"[1..10]\", not {V.describe(text)}")
        compiled = compile_expression(node, strict=False)
    except (FeelSyntaxError, FeelCompileError):
        return Problem(f"`range` cannot read {V.describe(text)}")
    if not compiled.is_constant or compiled.value is None:
        return Problem(f"`range` cannot read {V.describe(text)}")
    return compiled.value


def _literal_end(node: Any) -> bool:
    """A range literal's end: a literal, or a temporal constructor of a string literal."""
    if isinstance(node, ast.Literal):
        return node.value is not None
    return (
        isinstance(node, ast.Call)
        and node.function in ("date", "time", "date and time", "duration")
        and len(node.arguments) == 1
        and not node.named
        and isinstance(node.arguments[0], ast.Literal)
        and isinstance(node.arguments[0].value, str)
    )


class _Compiler:
    def __init__(self, strict: bool, names: frozenset[str], types: Mapping[str, TypeCheck] | None = None) -> None:
        self.strict = strict
        self.names = names
        self.types = types or {}

    # ------------------------------------------------------------ expressions

    def expression(self, node: Any, bound: frozenset[str]) -> Compiled:
        method = _DISPATCH.get(type(node))
        if method is None:
            raise FeelCompileError(f"not an expression: {type(node).__name__}", getattr(node, "col", 1))
        return method(self, node, bound)

    def literal(self, node: ast.Literal, bound: frozenset[str]) -> Compiled:
        return _constant(node.value)

    def name(self, node: ast.Name, bound: frozenset[str]) -> Compiled:
        key = node.name
        if key in bound:
            return Compiled(lambda ctx: ctx.get(key), False)
        to_feel = V.to_feel
        function = lookup(key)
        if function is not None and key not in self.names:
            value = _builtin_value(function)

            def get_or_builtin(ctx: Context) -> Any:
                found = ctx.get(key, _MISSING)
                return value if found is _MISSING else to_feel(found)

            return Compiled(get_or_builtin, False)

        def get(ctx: Context) -> Any:
            # Callers pass plain Python values (floats, tuples); expressions see FEEL ones.
            return to_feel(ctx.get(key))

        return Compiled(get, False)

    def path(self, node: ast.Path, bound: frozenset[str]) -> Compiled:
        base = self.expression(node.base, bound)
        attribute = node.attribute

        def select(value: Any) -> Any:
            if value.__class__ is dict:
                return value.get(attribute)
            return _member(value, attribute)

        return self._unary(base, select, node.col)

    def _unary(self, operand: Compiled, fn: Callable[[Any], Any], column: int) -> Compiled:
        if operand.is_constant:
            return _outcome(fn(operand.value), column)
        inner = operand.evaluate
        return Compiled(_checked(lambda ctx: fn(inner(ctx)), column), False)

    def _binary(self, left: Compiled, right: Compiled, fn: Callable[[Any, Any], Any], column: int) -> Compiled:
        if left.is_constant and right.is_constant:
            return _outcome(fn(left.value, right.value), column)
        a, b = left.evaluate, right.evaluate
        return Compiled(_checked(lambda ctx: fn(a(ctx), b(ctx)), column), False)

    def _many(self, parts: list[Compiled], fn: Callable[[list[Any]], Any], column: int = 1) -> Compiled:
        if all(p.is_constant for p in parts):
            return _outcome(fn([p.value for p in parts]), column)
        evaluators = [p.evaluate for p in parts]
        return Compiled(_checked(lambda ctx: fn([e(ctx) for e in evaluators]), column), False)

    def negative(self, node: ast.Negative, bound: frozenset[str]) -> Compiled:
        return self._unary(self.expression(node.operand, bound), negate, node.col)

    def arithmetic(self, node: ast.Arithmetic, bound: frozenset[str]) -> Compiled:
        op = node.op
        left, right = self.expression(node.left, bound), self.expression(node.right, bound)
        return self._binary(left, right, lambda a, b: arithmetic_outcome(op, a, b), node.col)

    def comparison(self, node: ast.Comparison, bound: frozenset[str]) -> Compiled:
        op = node.op
        left, right = self.expression(node.left, bound), self.expression(node.right, bound)
        return self._binary(left, right, lambda a, b: _compared(op, a, b), node.col)

    def connective(self, node: ast.And | ast.Or, bound: frozenset[str]) -> Compiled:
        """``and`` (decided by a false operand) or ``or`` (by a true one), three-valued."""
        decisive = isinstance(node, ast.Or)

        def combine(values: list[Any]) -> bool | None:
            if any(v is decisive for v in values):
                return decisive
            if all(v is (not decisive) for v in values):
                return not decisive
            return None

        return self._many([self.expression(o, bound) for o in node.operands], combine)

    def not_(self, node: ast.Not, bound: frozenset[str]) -> Compiled:
        return self._unary(
            self.expression(node.operand, bound), lambda v: (not v) if isinstance(v, bool) else None, node.col
        )

    def if_(self, node: ast.If, bound: frozenset[str]) -> Compiled:
        condition = self.expression(node.condition, bound)
        then = self.expression(node.then, bound)
        otherwise = self.expression(node.otherwise, bound)
        if condition.is_constant:
            return then if condition.value is True else otherwise
        c, t, o = condition.evaluate, then.evaluate, otherwise.evaluate
        return Compiled(lambda ctx: t(ctx) if c(ctx) is True else o(ctx), False)

    def list_(self, node: ast.ListExpr, bound: frozenset[str]) -> Compiled:
        return self._many([self.expression(i, bound) for i in node.items], list)

    def in_(self, node: ast.In, bound: frozenset[str]) -> Compiled:
        value = self.expression(node.value, bound)
        test = self.positive_test(node.test, bound)
        if value.is_constant and test.truth is not None:
            return _constant(test.predicate(value.value, {}))
        get, predicate = value.evaluate, test.predicate
        return Compiled(lambda ctx: predicate(get(ctx), ctx), False)

    def in_tests(self, node: ast.InTests, bound: frozenset[str]) -> Compiled:
        value = self.expression(node.value, bound)
        predicates = [self.positive_test(t, bound).predicate for t in node.tests]
        get = value.evaluate

        def within(ctx: Context) -> Any:
            candidate = get(ctx)
            return any_true(p(candidate, ctx) for p in predicates)

        return Compiled(within, False)

    def between(self, node: ast.Between, bound: frozenset[str]) -> Compiled:
        parts = [self.expression(n, bound) for n in (node.value, node.low, node.high)]

        def inside(values: list[Any]) -> Any:
            value, low, high = values
            above, below = compare_values(">=", value, low), compare_values("<=", value, high)
            if above is False or below is False:
                return False
            if above is None or below is None:
                return Problem(f"cannot compare {V.type_name(value)} with {V.type_name(low)} and {V.type_name(high)}")
            return True

        return self._many(parts, inside, node.col)

    def instance_of(self, node: ast.InstanceOf, bound: frozenset[str]) -> Compiled:
        type_ref = node.type
        types = self.types
        return self._unary(
            self.expression(node.value, bound),
            lambda v: _or_problem(conforms(v, type_ref, types), f"unknown type `{_type_text(type_ref)}` in `instance of`"),
            node.col,
        )

    def embedded(self, node: ast.Embedded, bound: frozenset[str]) -> Compiled:
        return Compiled(node.evaluate, False)

    def range_literal(self, node: ast.CompareTest | ast.IntervalTest, bound: frozenset[str]) -> Compiled:
        """``< 10`` or ``[1..10]`` as a value."""
        if isinstance(node, ast.CompareTest):
            if node.op == "!=":
                raise FeelCompileError("`!= …` is a test, not a value", node.col, "use it in an input entry or after `in`")
            endpoint = self.expression(node.endpoint, bound)
            op = node.op
            return self._unary(endpoint, lambda v: _open_range(op, v), node.col)
        low, high = self.expression(node.low, bound), self.expression(node.high, bound)
        low_closed, high_closed = node.low_closed, node.high_closed
        return self._binary(low, high, lambda a, b: _interval(a, low_closed, b, high_closed), node.col)

    def iteration_range(self, node: ast.IterationRange, bound: frozenset[str]) -> Compiled:
        return self._binary(
            self.expression(node.low, bound), self.expression(node.high, bound), _integers, node.col
        )

    # ------------------------------------------------------------ contexts, lists

    def context(self, node: ast.Context, bound: frozenset[str]) -> Compiled:
        entries: list[tuple[str, Evaluator]] = []
        inner = bound
        folded: dict[str, Any] | None = {}
        for key, value in node.entries:
            compiled = self.expression(value, inner)
            if folded is not None and compiled.is_constant:
                folded[key] = compiled.value
            else:
                folded = None
            entries.append((key, compiled.evaluate))
            inner = inner | {key}
        result = self.expression(node.result, inner) if node.result is not None else None
        if folded is not None and result is None:
            return Compiled(lambda ctx: dict(folded), True, folded)
        result_eval = result.evaluate if result is not None else None

        def build(ctx: Context) -> Any:
            own: dict[str, Any] = {}
            frame = Frame(own, ctx)
            for key, evaluate in entries:
                own[key] = evaluate(frame)
            if result_eval is not None:
                return result_eval(frame)
            return dict(own)

        return Compiled(build, False)

    def filter(self, node: ast.Filter, bound: frozenset[str]) -> Compiled:
        items = self.expression(node.items, bound)
        condition = self.expression(node.condition, bound | {"item"})
        get_items, test = items.evaluate, condition.evaluate
        column = node.col
        if condition.is_constant and V.category(condition.value) == V.NUMBER:
            position = condition.value
            return self._unary(items, lambda value: _index(value, position), column)

        def filtered(ctx: Context) -> Any:
            found = get_items(ctx)
            if found is None:
                return None
            elements = found if found.__class__ is list else [found]
            if not elements:
                probe = test(Frame({}, ctx))
                return None if V.category(probe) == V.NUMBER else []
            kept = []
            for position, element in enumerate(elements):
                own = dict(element) if element.__class__ is dict else {}
                if "item" not in own:
                    own["item"] = element
                outcome = test(Frame(own, ctx))
                if position == 0 and V.category(outcome) == V.NUMBER:
                    return _index(elements, outcome)
                if outcome is True:
                    kept.append(element)
            return kept

        return Compiled(_checked(filtered, column), False)

    def for_(self, node: ast.For, bound: frozenset[str]) -> Compiled:
        iterators, inner = self._iterators(node.iterators, bound)
        body = self.expression(node.body, inner | {"partial"}).evaluate
        column = node.col

        def loop(ctx: Context) -> Any:
            results: list[Any] = []
            own: dict[str, Any] = {"partial": results}
            frame = Frame(own, ctx)

            def level(depth: int) -> bool:
                if depth == len(iterators):
                    results.append(body(frame))
                    return True
                name, domain = iterators[depth]
                values = _domain(domain(frame))
                if values is None:
                    warn(ctx, f"`for` needs a list to iterate over as `{name}`", column)
                    return False
                for value in values:
                    own[name] = value
                    if not level(depth + 1):
                        return False
                return True

            if not level(0):
                return None
            return list(results)

        return Compiled(loop, False)

    def quantified(self, node: ast.Quantified, bound: frozenset[str]) -> Compiled:
        iterators, inner = self._iterators(node.iterators, bound)
        condition = self.expression(node.condition, inner).evaluate
        every = node.every
        column = node.col

        def decide(ctx: Context) -> Any:
            own: dict[str, Any] = {}
            frame = Frame(own, ctx)

            def level(depth: int) -> Any:
                if depth == len(iterators):
                    return condition(frame) is True
                name, domain = iterators[depth]
                values = _domain(domain(frame))
                if values is None:
                    warn(ctx, f"`{'every' if every else 'some'}` needs a list as `{name}`", column)
                    return None
                for value in values:
                    own[name] = value
                    outcome = level(depth + 1)
                    if outcome is None or outcome is not every:
                        return outcome
                return every

            return level(0)

        return Compiled(decide, False)

    def _iterators(self, iterators: tuple[tuple[str, ast.Expr], ...], bound: frozenset[str]) -> tuple[list[tuple[str, Evaluator]], frozenset[str]]:  # fmt: skip
        compiled: list[tuple[str, Evaluator]] = []
        inner = bound
        for name, domain in iterators:
            compiled.append((name, self.expression(domain, inner).evaluate))
            inner = inner | {name}
        return compiled, inner

    # ------------------------------------------------------------ functions

    def function_definition(self, node: ast.FunctionDefinition, bound: frozenset[str]) -> Compiled:
        parameters = node.parameters
        if node.external:
            from engine.feel.external import external_function

            return self._unary(self.expression(node.body, bound), lambda spec: external_function(parameters, spec), node.col)
        body = self.expression(node.body, bound | set(parameters)).evaluate
        types = node.types

        def define(ctx: Context) -> V.Function:
            def run(arguments: Mapping[str, Any]) -> Any:
                return body(Frame(dict(arguments), ctx))

            return V.Function(parameters, run, "", types)

        return Compiled(define, False)

    def call(self, node: ast.Call, bound: frozenset[str]) -> Compiled:
        name = node.function
        if name in bound or name in self.names:
            callee = Compiled(lambda ctx: ctx.get(name), False)
            return self._invoke(callee, node.arguments, node.named, node.col, name, bound)
        function = lookup(name)
        if function is None:
            if self.strict:
                from engine.feel.builtins import registry

                known = ", ".join(sorted(registry()))
                raise FeelCompileError(f"unknown function `{name}`", node.col, f"known functions: {known}")
            callee = Compiled(lambda ctx: ctx.get(name), False)
            return self._invoke(callee, node.arguments, node.named, node.col, name, bound)
        return self._builtin(function, node, bound)

    def invoke(self, node: ast.Invoke, bound: frozenset[str]) -> Compiled:
        if self.strict:
            raise NotCallableError(node.col)
        if isinstance(node.function, ast.Literal):
            return _null_with("only a function can be called with `(…)`", node.col)
        return self._invoke(self.expression(node.function, bound), node.arguments, node.named, node.col, "", bound)

    def _builtin(self, function: Builtin, node: ast.Call, bound: frozenset[str]) -> Compiled:
        arguments = [self.expression(a, bound) for a in node.arguments]
        named = [(k, self.expression(v, bound)) for k, v in node.named]
        column = node.col
        if named:
            keys = [k for k, _ in named]
            fits = [(o, o.order(keys)) for o in function.overloads]
            choices = [(o, order) for o, order in fits if order is not None]
            if not choices:
                return self._bad_call(f"`{function.name}` has no parameters named {', '.join(keys)}: {function.usage()}", column)
            parts = [c for _, c in named]

            def shape(values: list[Any]) -> Any:
                for overload, order in choices:
                    args = _named_arguments(overload, order, values)
                    outcome = invoke(function, [overload], args)
                    if not (outcome.__class__ is Problem and len(choices) > 1):
                        return outcome
                return outcome

            return self._call_parts(function, parts, shape, column)
        count = len(arguments)
        candidates = [o for o in function.overloads if o.takes(count)]
        if not candidates:
            low, high = function.arity()
            wanted = str(low) if low == high else (f"{low} to {high}" if high is not None else f"at least {low}")
            message = f"`{function.name}` takes {wanted} argument{'' if wanted.endswith(' 1') or wanted == '1' else 's'}, not {count}"
            return self._bad_call(message, column)
        compiled = self._call_parts(function, arguments, lambda values: invoke(function, candidates, values), column)
        if self.strict and compiled.is_constant and compiled.value is None and function.group == "conversion":
            if function.name == "date":
                raise FeelCompileError("not a valid date", column, 'write e.g. date("2026-01-31")')
        return compiled

    def _call_parts(self, function: Builtin, parts: list[Compiled], call: Callable[[list[Any]], Any], column: int) -> Compiled:  # fmt: skip
        if function.deterministic:
            return self._many(parts, call, column)
        evaluators = [p.evaluate for p in parts]
        return Compiled(_checked(lambda ctx: call([e(ctx) for e in evaluators]), column), False)

    def _bad_call(self, message: str, column: int) -> Compiled:
        if self.strict:
            raise FeelCompileError(message, column)
        return _null_with(message, column)

    def _invoke(self, callee: Compiled, arguments: tuple[ast.Expr, ...], named: tuple[tuple[str, ast.Expr], ...], column: int, label: str, bound: frozenset[str]) -> Compiled:  # fmt: skip
        get = callee.evaluate
        positional = [self.expression(a, bound).evaluate for a in arguments]
        keyed = [(k, self.expression(v, bound).evaluate) for k, v in named]
        shown = f"`{label}`" if label else "the called value"
        types = self.types

        def call(ctx: Context) -> Any:
            function = get(ctx)
            if function.__class__ is not V.Function:
                return Problem(f"{shown} is not a function" if function is not None else f"{shown} is not defined")
            parameters = function.parameters
            if keyed:
                supplied = {k: e(ctx) for k, e in keyed}
                unknown = [k for k in supplied if k not in parameters]
                if unknown:
                    return Problem(f"{shown} has no parameter named {', '.join(unknown)}")
                values = {p: supplied.get(p) for p in parameters}
            else:
                if len(positional) != len(parameters):
                    return Problem(f"{shown} takes {len(parameters)} arguments, not {len(positional)}")
                values = {p: e(ctx) for p, e in zip(parameters, positional)}
            if function.types:
                for parameter, declared in zip(parameters, function.types):
                    value = values[parameter]
                    if declared is not None and value is not None and conforms(value, declared, types) is False:
                        return Problem(f"{shown} expects a {_type_text(declared)} as `{parameter}`, not {V.type_name(value)}")
            return function.invoke(values)

        return Compiled(_checked(call, column), False)

    # ------------------------------------------------------------ unary tests

    def unary_tests(self, node: ast.UnaryTests) -> CompiledTest:
        if isinstance(node, ast.AnyTest):
            return CompiledTest(lambda value, ctx: True, sets.Truth({c: sets.FULL for c in sets.CATEGORIES}, {}), True)
        parts = [self.positive_test(t, frozenset()) for t in node.tests]
        predicates = [p.predicate for p in parts]

        if len(predicates) == 1:
            single = predicates[0]
            any_true_of = single
        else:

            def any_true_of(value: Any, ctx: Context) -> bool | None:
                return any_true(predicate(value, ctx) for predicate in predicates)

        truths = [p.truth for p in parts if p.truth is not None]
        truth = sets.disjunction(truths) if len(truths) == len(parts) else None
        if not node.negated:
            return CompiledTest(any_true_of, truth, False)

        def negated(value: Any, ctx: Context) -> bool | None:
            outcome = any_true_of(value, ctx)
            return None if outcome is None else not outcome

        return CompiledTest(negated, truth.negate() if truth is not None else None, False)

    def positive_test(self, node: ast.PositiveTest, bound: frozenset[str]) -> CompiledTest:
        if isinstance(node, ast.CompareTest):
            return self._compare_test(node, bound)
        if isinstance(node, ast.IntervalTest):
            return self._interval_test(node, bound)
        return self._equal_test(node, bound)

    def _compare_test(self, node: ast.CompareTest, bound: frozenset[str]) -> CompiledTest:
        op = node.op
        endpoint = self.expression(node.endpoint, bound)
        if endpoint.is_constant:
            limit = endpoint.value
            truth = _safe_truth(lambda: sets.comparison(op, limit))
            return CompiledTest(lambda value, ctx: compare_values(op, value, limit), truth, False)
        get = endpoint.evaluate
        return CompiledTest(lambda value, ctx: compare_values(op, value, get(ctx)), None, False)

    def _interval_test(self, node: ast.IntervalTest, bound: frozenset[str]) -> CompiledTest:
        low = self.expression(node.low, bound)
        high = self.expression(node.high, bound)
        low_op = ">=" if node.low_closed else ">"
        high_op = "<=" if node.high_closed else "<"
        if low.is_constant and high.is_constant:
            lo, hi = low.value, high.value
            problem = _interval_problem(lo, hi)
            if problem is not None:
                if self.strict:
                    raise FeelCompileError(problem[0], node.col, problem[1])
                message = problem[0]

                def never(value: Any, ctx: Context) -> bool | None:
                    warn(ctx, message, node.col)
                    return None

                return CompiledTest(never, None, False)

            def within(value: Any, ctx: Context) -> bool | None:
                above = compare_values(low_op, value, lo)
                if above is None:
                    return None
                below = compare_values(high_op, value, hi)
                if below is None:
                    return None
                return above and below

            truth = _safe_truth(lambda: sets.interval(lo, node.low_closed, hi, node.high_closed))
            return CompiledTest(within, truth, False)
        get_low, get_high = low.evaluate, high.evaluate

        def dynamic_within(value: Any, ctx: Context) -> bool | None:
            above = compare_values(low_op, value, get_low(ctx))
            below = compare_values(high_op, value, get_high(ctx))
            if above is None or below is None:
                return None
            return above and below

        return CompiledTest(dynamic_within, None, False)

    def _equal_test(self, node: ast.EqualTest, bound: frozenset[str]) -> CompiledTest:
        reads_input = ast.INPUT in _all_names(node.value)
        expected = self.expression(node.value, bound | {ast.INPUT} if reads_input else bound)
        if reads_input:
            get_with_input = expected.evaluate

            def with_input(value: Any, ctx: Context) -> bool | None:
                outcome = get_with_input(Frame({ast.INPUT: value}, ctx))
                if outcome is True or outcome is False:
                    return outcome
                return None if outcome is None else satisfies(value, outcome)

            return CompiledTest(with_input, None, False)
        if expected.is_constant:
            constant = expected.value
            truth = _equality_truth(constant)
            if constant.__class__ is list or constant.__class__ is V.Range:
                return CompiledTest(lambda value, ctx: satisfies(value, constant), truth, False)
            return CompiledTest(lambda value, ctx: V.equals(value, constant), truth, False)
        get = expected.evaluate
        return CompiledTest(lambda value, ctx: satisfies(value, get(ctx)), None, False)


# ---------------------------------------------------------------- helpers


def _builtin_value(function: Builtin) -> V.Function:
    """A built-in named without a call (``sort(xs, <)`` is not FEEL, but passing ``max`` is)."""
    overload = function.overloads[0]
    parameters = tuple(p.name for p in overload.params)

    def run(arguments: Mapping[str, Any]) -> Any:
        outcome = invoke(function, [overload], [arguments.get(p) for p in parameters])
        return None if outcome.__class__ is Problem else outcome

    return V.Function(parameters, run, function.name)


def _named_arguments(overload: Overload, order: tuple[int, ...], values: list[Any]) -> list[Any]:
    args: list[Any] = []
    for param, index in zip(overload.params, order):
        if index >= 0:
            args.append(values[index])
        elif param.optional or param.variadic:
            args.append(_OMITTED)
        else:
            args.append(None)
    while args and args[-1] is _OMITTED:
        args.pop()
    return [None if a is _OMITTED else a for a in args]


_OMITTED = object()


def _compared(op: str, a: Any, b: Any) -> Any:
    outcome = compare_values(op, a, b)
    if outcome is None and a is not None and b is not None and op not in ("=", "!="):
        return Problem(f"cannot compare {V.type_name(a)} with {V.type_name(b)}")
    return outcome


def _member(value: Any, attribute: str) -> Any:
    """``value.attribute`` for what is not a context: lists of contexts, temporal values, ranges."""
    if value is None:
        return None
    if value.__class__ is list:
        return [item.get(attribute) if item.__class__ is dict else _member(item, attribute) for item in value]
    if value.__class__ is V.Range:
        return {
            "start": value.start,
            "end": value.end,
            "start included": value.start_included,
            "end included": value.end_included,
        }.get(attribute)
    found = properties(value, attribute)
    if found is NotImplemented:
        return Problem(f"{V.type_name(value)} has no `{attribute}`")
    return found


def _index(items: Any, position: Any) -> Any:
    if items is None:
        return None
    elements = items if items.__class__ is list else [items]
    if position != int(position):
        return None
    p = int(position)
    if p == 0 or abs(p) > len(elements):
        return None
    return elements[p - 1] if p > 0 else elements[p]


def _domain(value: Any) -> list[Any] | None:
    if value is None:
        return None
    if value.__class__ is list:
        return value
    if value.__class__ is V.Range:
        return _range_integers(value)
    return [value]


def _integers(low: Any, high: Any) -> Any:
    if V.category(low) == V.DATE and V.category(high) == V.DATE:
        step = _dt.timedelta(days=1 if low <= high else -1)
        count = abs((high - low).days)
        if count > 10_000_000:
            return Problem("`for … in a..b` iterates over at most 10,000,000 days")
        return [low + step * i for i in range(count + 1)]
    if V.category(low) != V.NUMBER or V.category(high) != V.NUMBER or low != int(low) or high != int(high):
        return Problem("`for … in a..b` needs two whole numbers")
    a, b = int(low), int(high)
    if abs(b - a) > 10_000_000:
        return Problem("`for … in a..b` iterates over at most 10,000,000 numbers")
    return list(range(a, b + 1)) if a <= b else list(range(a, b - 1, -1))


def _range_integers(r: V.Range) -> list[Any] | None:
    if r.start is None or r.end is None:
        return None
    found = _integers(r.start, r.end)
    if found.__class__ is Problem:
        return None
    if not r.start_included:
        found = found[1:]
    if not r.end_included:
        found = found[:-1]
    return found


def _open_range(op: str, value: Any) -> Any:
    if value is None:
        return None
    if V.category(value) not in V.ORDERED:
        return Problem(f"a range end must be a number, string, date, time or duration, not {V.type_name(value)}")
    if op == "=":
        return V.Range(value, True, value, True)
    if op in ("<", "<="):
        return V.Range(None, False, value, op == "<=")
    return V.Range(value, op == ">=", None, False)


def _interval(low: Any, low_closed: bool, high: Any, high_closed: bool) -> Any:
    problem = _interval_problem(low, high)
    if problem is not None:
        return Problem(problem[0])
    if V.compare(low, high) == 1:
        return Problem(f"a range's start must not be after its end: {V.describe(low)} > {V.describe(high)}")
    return V.Range(low, low_closed, high, high_closed)


def _interval_problem(lo: Any, hi: Any) -> tuple[str, str | None] | None:
    if lo is None or hi is None:
        return "an interval end cannot be null", "use `< 5` or `>= 5` for one-sided ranges"
    if V.category(lo) != V.category(hi) or V.category(lo) not in V.ORDERED:
        return (
            f"the interval's ends must be two numbers, two dates or two texts, not {V.describe(lo)} and {V.describe(hi)}",
            None,
        )
    return None


def _safe_truth(build: Callable[[], sets.Truth]) -> sets.Truth | None:
    try:
        return build()
    except (ValueError, TypeError):
        return None


def _equality_truth(constant: Any) -> sets.Truth | None:
    if constant.__class__ is list:
        truths: list[sets.Truth] = []
        for item in constant:
            truth = _equality_truth(item) if item.__class__ is not list else None
            if truth is None:
                return None
            truths.append(truth)
        # Membership is two-valued (list contains): false wherever no item is true.
        true = sets.disjunction(truths).true
        false = {c: true.get(c, sets.EMPTY).complement() for c in sets.CATEGORIES}
        return sets.Truth(true, {c: f for c, f in false.items() if not f.is_empty})
    if constant.__class__ is V.Range:
        if constant.start is None:
            op = "<=" if constant.end_included else "<"
            return _safe_truth(lambda: sets.comparison(op, constant.end))
        if constant.end is None:
            op = ">=" if constant.start_included else ">"
            return _safe_truth(lambda: sets.comparison(op, constant.start))
        return _safe_truth(lambda: sets.interval(constant.start, constant.start_included, constant.end, constant.end_included))
    cat = V.category(constant)
    if cat in V.ORDERED or cat in (V.BOOLEAN, V.NULL):
        return sets.equality(constant)
    return None


def _or_problem(outcome: Any, message: str) -> Any:
    return Problem(message) if outcome is None else outcome


def _type_text(type_ref: Any) -> str:
    from engine.feel.types import describe

    return describe(type_ref)


def _all_names(node: Any) -> set[str]:
    """Every Name in a node, bound or not (to see whether a test mentions ``?``)."""
    found: set[str] = set()

    def walk(n: Any) -> None:
        if isinstance(n, ast.Name):
            found.add(n.name)
        elif isinstance(n, tuple):
            for item in n:
                walk(item)
        elif hasattr(n, "__dataclass_fields__"):
            for field_name in n.__dataclass_fields__:
                walk(getattr(n, field_name))

    walk(node)
    return found


_DISPATCH: dict[type, Callable[[_Compiler, Any, frozenset[str]], Compiled]] = {
    ast.Literal: _Compiler.literal,
    ast.Name: _Compiler.name,
    ast.Path: _Compiler.path,
    ast.Call: _Compiler.call,
    ast.Negative: _Compiler.negative,
    ast.Arithmetic: _Compiler.arithmetic,
    ast.Comparison: _Compiler.comparison,
    ast.And: _Compiler.connective,
    ast.Or: _Compiler.connective,
    ast.Not: _Compiler.not_,
    ast.If: _Compiler.if_,
    ast.ListExpr: _Compiler.list_,
    ast.In: _Compiler.in_,
    ast.InTests: _Compiler.in_tests,
    ast.Between: _Compiler.between,
    ast.InstanceOf: _Compiler.instance_of,
    ast.Embedded: _Compiler.embedded,
    ast.CompareTest: _Compiler.range_literal,
    ast.IntervalTest: _Compiler.range_literal,
    ast.IterationRange: _Compiler.iteration_range,
    ast.Context: _Compiler.context,
    ast.Filter: _Compiler.filter,
    ast.For: _Compiler.for_,
    ast.Quantified: _Compiler.quantified,
    ast.FunctionDefinition: _Compiler.function_definition,
    ast.Invoke: _Compiler.invoke,
}
