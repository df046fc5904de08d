"""FEEL expressions -> SQL expressions with FEEL's null and type semantics.

Each SQL expression carries the FEEL category of its values, known when the
query is built (an input column has one type; see :mod:`engine.sql.query`).
That is what makes FEEL's rules expressible: a comparison across categories
is null, ``=`` with null is true only for null, ``and``/``or`` are
three-valued. Subtrees without names are evaluated once by the FEEL compiler
itself and become literals, so constants mean exactly what they mean in
Python. Constructs SQL cannot say faithfully raise :class:`SqlCompileError`
naming the cell and the construct.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlglot import exp

from engine.feel import ast
from engine.feel import values as V
from engine.feel.compiler import FeelCompileError, compile_expression
from engine.model import Cell
from engine.sql import values as S


class SqlCompileError(ValueError):
    """A decision uses something the SQL compiler cannot express faithfully."""

    def __init__(self, message: str, cell: Cell | None = None) -> None:
        where = f"{cell.location}: " if cell is not None else ""
        super().__init__(where + message)
        self.cell = cell


@dataclass(frozen=True)
class Typed:
    """An SQL expression and the FEEL category of its values (None: only ever null).

    ``constant`` holds the FEEL value when the expression is a constant,
    so tests against lists and contexts (which have no SQL form) still work.
    """

    sql: exp.Expression
    category: str | None
    is_constant: bool = False
    constant: Any = None

    @property
    def never_null(self) -> bool:
        return self.is_constant and self.constant is not None


NULL = Typed(exp.Null(), None, True, None)


def constant(value: Any, cell: Cell | None = None, what: str = "") -> Typed:
    cat = V.category(value)
    if value is None:
        return NULL
    if cat in (V.LIST, V.CONTEXT):
        return Typed(exp.Null(), cat, True, value)  # only usable inside tests; see _materialise
    if cat not in S.SQL_TYPES:
        raise SqlCompileError(f"{what}the value {V.describe(value)} has no SQL form", cell)
    if not S.fits(value):
        raise SqlCompileError(
            f"{what}the number {V.describe(value)} does not fit SQL's DECIMAL(38, {S.SCALE}) exactly", cell
        )
    return Typed(S.literal(value), cat, True, value)


def boolean(sql: exp.Expression) -> Typed:
    return Typed(sql, V.BOOLEAN)


NULL_BOOLEAN = Typed(exp.Null(), V.BOOLEAN)


class Scope:
    """The names an expression may read: inputs and the decisions computed before."""

    def __init__(self, names: Mapping[str, Typed], paths: Mapping[tuple[str, str], Typed] | None = None,
                 refuse: Mapping[str, str] | None = None) -> None:  # fmt: skip
        self.names = dict(names)
        self.paths = dict(paths or {})
        #: names SQL cannot read, with why (a multi-hit decision's list, a context)
        self.refuse = dict(refuse or {})


class ExpressionCompiler:
    """Compiles the expressions of one cell; errors name that cell."""

    def __init__(self, scope: Scope, cell: Cell, what: str) -> None:
        self.scope = scope
        self.cell = cell
        self.what = what  # "rule R3, output `x`"

    def fail(self, message: str) -> SqlCompileError:
        return SqlCompileError(f"{self.what}: {message}", self.cell)

    def compile(self, node: Any) -> Typed:
        if not ast.names(node) and not isinstance(node, ast.Literal):
            try:
                value = compile_expression(node).value
            except FeelCompileError as error:  # the workbook compiled it, so this is unreachable
                raise self.fail(error.message) from None
            return constant(value, self.cell, f"{self.what}: ")
        method: Callable[[Any], Typed] | None = getattr(self, "_" + type(node).__name__.lower(), None)
        if method is None:
            raise self.fail(f"`{type(node).__name__}` expressions are not compiled to SQL; use --engine python")
        return method(node)

    def materialised(self, node: Any) -> Typed:
        """Like :meth:`compile`, for a value SQL must hold (not a list or context)."""
        typed = self.compile(node)
        if typed.category in (V.LIST, V.CONTEXT):
            raise self.fail(f"a {typed.category} value cannot be an SQL column; use --engine python")
        return typed

    # ------------------------------------------------------------ leaves

    def _literal(self, node: ast.Literal) -> Typed:
        return constant(node.value, self.cell, f"{self.what}: ")

    def _name(self, node: ast.Name) -> Typed:
        if node.name in self.scope.refuse:
            raise self.fail(self.scope.refuse[node.name])
        found = self.scope.names.get(node.name)
        if found is None:
            raise self.fail(f"`{node.name}` is not an input or decision of this query")
        return found

    def _path(self, node: ast.Path) -> Typed:
        if isinstance(node.base, ast.Name):
            found = self.scope.paths.get((node.base.name, node.attribute))
            if found is not None:
                return found
        raise self.fail(
            f"the path `{_path_text(node)}` reads inside a nested input; SQL reads flat columns only "
            "(use --engine python)"
        )

    # ------------------------------------------------------------ arithmetic

    def _negative(self, node: ast.Negative) -> Typed:
        operand = self.materialised(node.operand)
        if operand.category != V.NUMBER:
            return Typed(exp.Null(), None)
        return Typed(exp.Neg(this=exp.Paren(this=operand.sql)), V.NUMBER)

    def _arithmetic(self, node: ast.Arithmetic) -> Typed:
        left, right = self.materialised(node.left), self.materialised(node.right)
        if node.op == "+" and left.category == V.STRING and right.category == V.STRING:
            return Typed(S.concat(S.wrap(left.sql), S.wrap(right.sql)), V.STRING)
        if left.category != V.NUMBER or right.category != V.NUMBER:
            return NULL  # FEEL: arithmetic on null or across kinds is null
        if node.op in ("+", "-"):
            cls = exp.Add if node.op == "+" else exp.Sub
            return Typed(cls(this=S.wrap(left.sql), expression=S.wrap(right.sql)), V.NUMBER)
        if node.op == "*":
            product = exp.Mul(this=S.wrap(left.sql), expression=S.wrap(right.sql))
            return Typed(exp.Cast(this=product, to=S.sql_type(V.NUMBER)), V.NUMBER)
        if node.op == "/" and right.is_constant and _exact_reciprocal(right.constant) is not None:
            factor = constant(_exact_reciprocal(right.constant))
            product = exp.Mul(this=S.wrap(left.sql), expression=factor.sql)
            return Typed(exp.Cast(this=product, to=S.sql_type(V.NUMBER)), V.NUMBER)
        if node.op == "/":
            raise self.fail(
                "division is compiled to SQL only by a constant whose reciprocal is exact (`/ 4`, `/ 100`): "
                "SQL engines round other quotients differently from FEEL's 34 digits; use --engine python"
            )
        raise self.fail("`**` is not compiled to SQL (SQL engines round powers differently); use --engine python")

    # ------------------------------------------------------------ logic

    def _comparison(self, node: ast.Comparison) -> Typed:
        return compare(node.op, self.compile(node.left), self.compile(node.right))

    def _connective(self, node: ast.And | ast.Or) -> Typed:
        operands = [self.as_boolean(self.compile(o)) for o in node.operands]
        cls = exp.And if isinstance(node, ast.And) else exp.Or
        result = operands[0].sql
        for operand in operands[1:]:
            result = cls(this=exp.Paren(this=result), expression=exp.Paren(this=operand.sql))
        return boolean(result)

    _and = _connective
    _or = _connective

    def _not(self, node: ast.Not) -> Typed:
        operand = self.as_boolean(self.compile(node.operand))
        return boolean(exp.Not(this=exp.Paren(this=operand.sql)))

    def _if(self, node: ast.If) -> Typed:
        condition = self.as_boolean(self.compile(node.condition))
        then, otherwise = self.materialised(node.then), self.materialised(node.otherwise)
        category = self.common_category([then, otherwise], "`if` branches")
        return Typed(S.case([(condition.sql, self.typed_sql(then, category))], self.typed_sql(otherwise, category)), category)

    def _in(self, node: ast.In) -> Typed:
        from engine.sql.entries import positive_test  # entries build on expressions

        return positive_test(node.test, self.compile(node.value), self)

    def _listexpr(self, node: ast.ListExpr) -> Typed:
        raise self.fail("a list value cannot be an SQL column; use --engine python")

    # ------------------------------------------------------------ built-ins

    def _call(self, node: ast.Call) -> Typed:
        translate = _BUILTINS.get(node.function)
        if translate is None:
            reason = _UNFAITHFUL.get(node.function, "it has no SQL equivalent that behaves the same")
            raise self.fail(f"the function `{node.function}` is not compiled to SQL: {reason}; use --engine python")
        return translate(self, [self.materialised(a) for a in node.arguments])

    # ------------------------------------------------------------ helpers

    @staticmethod
    def as_boolean(typed: Typed) -> Typed:
        """FEEL logic reads only booleans: anything else is null."""
        if typed.category == V.BOOLEAN:
            return typed
        if typed.category is None:
            return Typed(exp.Cast(this=typed.sql, to=S.sql_type(V.BOOLEAN)), V.BOOLEAN)
        return NULL_BOOLEAN

    def common_category(self, parts: list[Typed], what: str) -> str | None:
        kinds = {p.category for p in parts if p.category is not None}
        if len(kinds) > 1:
            raise self.fail(f"{what} give values of different kinds ({' and '.join(sorted(kinds))}); an SQL column has one type")
        return kinds.pop() if kinds else None

    @staticmethod
    def typed_sql(typed: Typed, category: str | None) -> exp.Expression:
        if typed.category is None:
            return exp.Cast(this=exp.Null(), to=S.sql_type(category))
        return typed.sql


def _path_text(node: Any) -> str:
    if isinstance(node, ast.Path):
        return f"{_path_text(node.base)}.{node.attribute}"
    if isinstance(node, ast.Name):
        return node.name
    return "…"


def _exact_reciprocal(value: Any) -> Decimal | None:
    """1 / value when it has a finite decimal expansion that fits (so ``x / 4`` is ``x * 0.25``)."""
    if not isinstance(value, (int, Decimal)) or isinstance(value, bool) or value == 0:
        return None
    reciprocal = Decimal(1) / Decimal(value)
    if not S.fits(reciprocal) or reciprocal * Decimal(value) != 1:
        return None
    return reciprocal


# ---------------------------------------------------------------- comparisons


def equals(left: Typed, right: Typed) -> Typed:
    """FEEL ``=``: null equals only null; values of different kinds give null."""
    if left.category is None and right.category is None:
        return boolean(exp.true())
    if left.category is None or right.category is None:
        other = right if left.category is None else left
        if other.never_null:
            return boolean(exp.false())
        return boolean(S.is_null(other.sql))
    if left.category == right.category and left.category not in (V.LIST, V.CONTEXT):
        return boolean(exp.NullSafeEQ(this=S.wrap(left.sql), expression=S.wrap(right.sql)))
    # Different kinds: false when exactly one side is null, true when both are, null otherwise.
    return _across_kinds(left, right, exp.false())


def not_equals(left: Typed, right: Typed) -> Typed:
    same = equals(left, right)
    if isinstance(same.sql, exp.NullSafeEQ):
        return boolean(exp.NullSafeNEQ(this=same.sql.this, expression=same.sql.expression))
    return boolean(exp.Not(this=exp.Paren(this=same.sql)))


def _across_kinds(left: Typed, right: Typed, one_null: exp.Expression) -> Typed:
    nulls = [S.is_null(t.sql) for t in (left, right) if not t.never_null]
    if not nulls:
        return NULL_BOOLEAN
    if len(nulls) == 1:
        return boolean(S.case([(nulls[0], one_null)], exp.Cast(this=exp.Null(), to=S.sql_type(V.BOOLEAN))))
    both = S.all_of(nulls[0], nulls[1])
    either = S.any_of(nulls[0], nulls[1])
    return boolean(S.case([(either, both)], exp.Cast(this=exp.Null(), to=S.sql_type(V.BOOLEAN))))


_ORDER: dict[str, type[exp.Expression]] = {"<": exp.LT, "<=": exp.LTE, ">": exp.GT, ">=": exp.GTE}


def compare(op: str, left: Typed, right: Typed) -> Typed:
    """``engine.feel.compiler.compare_values`` in SQL."""
    if op == "=":
        return equals(left, right)
    if op == "!=":
        return not_equals(left, right)
    if left.category != right.category or left.category not in V.ORDERED:
        return NULL_BOOLEAN  # ordering null, booleans or different kinds is null
    return boolean(_ORDER[op](this=S.wrap(left.sql), expression=S.wrap(right.sql)))


# ---------------------------------------------------------------- built-ins

Translate = Callable[[ExpressionCompiler, list[Typed]], Typed]


def _strings(fn: Callable[..., exp.Expression], result: str) -> Translate:
    """A function of texts: null unless every argument is a text (FEEL's rule for a wrong argument)."""

    def translate(compiler: ExpressionCompiler, args: list[Typed]) -> Typed:
        if any(a.category != V.STRING for a in args):
            return NULL
        return Typed(fn(*(a.sql for a in args)), result)

    return translate


def _numbers(fn: Callable[..., exp.Expression]) -> Translate:
    def translate(compiler: ExpressionCompiler, args: list[Typed]) -> Typed:
        if any(a.category != V.NUMBER for a in args):
            return NULL
        return Typed(exp.Cast(this=fn(*(a.sql for a in args)), to=S.sql_type(V.NUMBER)), V.NUMBER)

    return translate


def _position(s: exp.Expression, t: exp.Expression) -> exp.Expression:
    return exp.StrPosition(this=s, substr=t)


def _before(s: exp.Expression, t: exp.Expression) -> exp.Expression:
    at = _position(s, t)
    prefix = exp.Substring(this=s, start=exp.Literal.number(1), length=exp.Sub(this=at, expression=exp.Literal.number(1)))
    return S.case([(exp.EQ(this=at, expression=exp.Literal.number(0)), S.text(""))], prefix)


def _after(s: exp.Expression, t: exp.Expression) -> exp.Expression:
    at = _position(s, t)
    rest = exp.Substring(this=s, start=exp.Add(this=at, expression=exp.Length(this=t)))
    return S.case([(exp.EQ(this=at, expression=exp.Literal.number(0)), S.text(""))], rest)


def _ends_with(s: exp.Expression, t: exp.Expression) -> exp.Expression:
    # RIGHT(s, 0) is '' everywhere, so an empty suffix ends every text, as in Python.
    tail = exp.Right(this=s, expression=exp.Length(this=t))
    return S.all_of(exp.GTE(this=exp.Length(this=s), expression=exp.Length(this=t)), exp.EQ(this=tail, expression=t))


def _extreme(cls: type[exp.Least] | type[exp.Greatest]) -> Translate:
    """min/max of several values: one ordered kind and no null, else null (SQL's LEAST skips nulls)."""

    def translate(compiler: ExpressionCompiler, args: list[Typed]) -> Typed:
        kinds = {a.category for a in args}
        if len(kinds) != 1 or next(iter(kinds)) not in V.ORDERED:
            return NULL
        category = next(iter(kinds))
        if len(args) == 1:
            return args[0]
        picked = S.extreme(cls, [a.sql for a in args])
        nulls = [S.is_null(a.sql) for a in args if not a.never_null]
        if not nulls:
            return Typed(picked, category)
        return Typed(S.case([(S.any_of(*nulls), S.literal(None, category))], picked), category)

    return translate


def _sum(compiler: ExpressionCompiler, args: list[Typed]) -> Typed:
    if any(a.category != V.NUMBER for a in args):
        return NULL
    total = args[0].sql
    for a in args[1:]:
        total = exp.Add(this=S.wrap(total), expression=S.wrap(a.sql))
    return Typed(total, V.NUMBER)


def _count(compiler: ExpressionCompiler, args: list[Typed]) -> Typed:
    return constant(len(args))  # scalars only reach here: count(a, b) counts its arguments


def _string(compiler: ExpressionCompiler, args: list[Typed]) -> Typed:
    (value,) = args
    if value.category in (V.STRING, None):
        return Typed(value.sql, V.STRING if value.category else None)
    if value.category == V.DATE:
        return Typed(exp.Cast(this=value.sql, to=exp.DataType.build("VARCHAR")), V.STRING)
    if value.category == V.NUMBER:
        return Typed(S.number_text(value.sql), V.STRING)
    return Typed(S.case([(value.sql, S.text("true")), (exp.Not(this=value.sql), S.text("false"))]), V.STRING)


_BUILTINS: dict[str, Translate] = {
    "string length": _strings(lambda s: exp.Cast(this=exp.Length(this=s), to=S.sql_type(V.NUMBER)), V.NUMBER),
    "contains": _strings(lambda s, t: exp.GT(this=_position(s, t), expression=exp.Literal.number(0)), V.BOOLEAN),
    "starts with": _strings(lambda s, t: exp.EQ(this=exp.Left(this=s, expression=exp.Length(this=t)), expression=t), V.BOOLEAN),
    "ends with": _strings(_ends_with, V.BOOLEAN),
    "substring before": _strings(_before, V.STRING),
    "substring after": _strings(_after, V.STRING),
    "abs": _numbers(lambda n: exp.Abs(this=n)),
    "floor": _numbers(lambda n: exp.Floor(this=n)),
    "ceiling": _numbers(lambda n: exp.Ceil(this=n)),
    "min": _extreme(exp.Least),
    "max": _extreme(exp.Greatest),
    "sum": _sum,
    "count": _count,
    "string": _string,
}

_UNFAITHFUL = {
    "upper case": "SQL engines change letters such as ß differently from FEEL",
    "lower case": "SQL engines change letters such as İ differently from FEEL",
    "substring": "negative and fractional positions differ between SQL engines and FEEL",
    "date": "SQL engines read dates more leniently than FEEL (a constant date works)",
    "number": "SQL engines read numbers differently from FEEL",
}
