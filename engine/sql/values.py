"""FEEL values as SQL: one SQL type per category, literals, and values written as text.

Every value that reaches the query is a sqlglot literal (or a cast of
one), never text pasted into SQL, so a cell holding ``x'); DROP TABLE …``
stays a string. Numbers are ``DECIMAL(38, 10)``: exact like FEEL's decimals
for values with up to 28 digits before the point and 10 after.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any

from sqlglot import exp

from engine.feel import values as V

#: Digits after the point that numbers keep in SQL.
SCALE = 10
NUMBER_TYPE = f"DECIMAL(38, {SCALE})"

SQL_TYPES = {
    V.STRING: "VARCHAR",
    V.NUMBER: NUMBER_TYPE,
    V.BOOLEAN: "BOOLEAN",
    V.DATE: "DATE",
}
#: What FEEL calls each category in messages (as engine.inputs does).
KIND_WORDS = {V.STRING: "the text", V.NUMBER: "the number", V.BOOLEAN: "the boolean", V.DATE: "the date"}


def sql_type(category: str | None) -> exp.DataType:
    """The SQL type of a category; VARCHAR for a column that only ever holds null."""
    return exp.DataType.build(SQL_TYPES.get(category or V.STRING, "VARCHAR"))


def list_type(category: str | None) -> exp.DataType:
    return exp.DataType(this=exp.DataType.Type.ARRAY, expressions=[sql_type(category)], nested=True)


def identifier(name: str) -> exp.Identifier:
    """A quoted identifier: any text, quotes included, is a name and never SQL."""
    return exp.to_identifier(name, quoted=True)


def column(name: str) -> exp.Column:
    return exp.Column(this=identifier(name))


def text(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def literal(value: Any, category: str | None = None) -> exp.Expression:
    """A FEEL constant as a typed SQL literal (null typed as ``category``)."""
    if value is None:
        return exp.Cast(this=exp.Null(), to=sql_type(category))
    if value is True:
        return exp.true()
    if value is False:
        return exp.false()
    if isinstance(value, str):
        return text(value)
    if isinstance(value, (int, Decimal)):
        return exp.Cast(this=text(V.format_number(value)), to=sql_type(V.NUMBER))
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return exp.Cast(this=text(value.isoformat()), to=sql_type(V.DATE))
    raise ValueError(f"no SQL literal for {V.describe(value)}")


def fits(value: Any) -> bool:
    """Whether a number survives DECIMAL(38, 10) unchanged."""
    if not isinstance(value, (int, Decimal)) or isinstance(value, bool):
        return True
    number = Decimal(value)
    if not number.is_finite():
        return False
    return number == number.quantize(Decimal(1).scaleb(-SCALE)) and abs(number) < Decimal(10) ** (38 - SCALE)


def concat(*parts: exp.Expression) -> exp.Expression:
    """Text joined with ``||``: null if any part is null."""
    result = parts[0]
    for part in parts[1:]:
        result = exp.DPipe(this=result, expression=part, safe=False)
    return result


def case(whens: list[tuple[exp.Expression, exp.Expression]], default: exp.Expression | None = None) -> exp.Expression:
    if not whens:
        return default if default is not None else exp.Null()
    node = exp.Case(ifs=[exp.If(this=c, true=v) for c, v in whens])
    if default is not None:
        node.set("default", default)
    return node


def is_null(value: exp.Expression) -> exp.Expression:
    return exp.Is(this=value, expression=exp.Null())


def not_null(value: exp.Expression) -> exp.Expression:
    return exp.Not(this=is_null(value))


def number_text(value: exp.Expression) -> exp.Expression:
    """A DECIMAL written as FEEL writes numbers: ``2.5``, ``12``, never ``2.5000000000``."""
    as_text = exp.Cast(this=value, to=exp.DataType.build("VARCHAR"))
    digits = exp.Trim(this=as_text, expression=text("0"), position="TRAILING")
    return exp.Trim(this=digits, expression=text("."), position="TRAILING")


def described(value: exp.Expression, category: str | None) -> exp.Expression:
    """``engine.feel.values.describe`` in SQL: how messages write a value (null as ``null``)."""
    if category == V.STRING:
        backslashes = exp.Anonymous(this="REPLACE", expressions=[value, text("\\"), text("\\\\")])
        escaped = exp.Anonymous(this="REPLACE", expressions=[backslashes, text('"'), text('\\"')])
        shown = concat(text('"'), escaped, text('"'))
    elif category == V.NUMBER:
        shown = number_text(value)
    elif category == V.BOOLEAN:
        shown = case([(value, text("true")), (exp.Not(this=value), text("false"))])
    elif category == V.DATE:
        shown = concat(text('date("'), exp.Cast(this=value, to=exp.DataType.build("VARCHAR")), text('")'))
    else:
        return text("null")
    return exp.Coalesce(this=shown, expressions=[text("null")])


def as_text(value: exp.Expression, category: str | None) -> exp.Expression:
    """A value as a results file writes it: FEEL numbers, ``true``/``false``, ISO dates."""
    if category == V.NUMBER:
        return number_text(value)
    if category == V.BOOLEAN:
        return case([(value, text("true")), (exp.Not(this=value), text("false"))])
    if category == V.DATE or category is None:
        return exp.Cast(this=value, to=exp.DataType.build("VARCHAR"))
    return value


def extreme(cls: type[exp.Least] | type[exp.Greatest], items: list[exp.Expression]) -> exp.Expression:
    """LEAST / GREATEST that skip nulls (as DuckDB, Spark and PostgreSQL do natively)."""
    if len(items) == 1:
        return items[0]
    return cls(this=items[0], expressions=items[1:], ignore_nulls=True)


def all_of(*parts: exp.Expression) -> exp.Expression:
    """``a AND b AND …`` (each part parenthesised where needed)."""
    return _chain(exp.And, parts)


def any_of(*parts: exp.Expression) -> exp.Expression:
    """``a OR b OR …``: three-valued, as FEEL's ``or`` and a list of tests."""
    return _chain(exp.Or, parts)


def _chain(cls: type[exp.And] | type[exp.Or], parts: tuple[exp.Expression, ...]) -> exp.Expression:
    wrapped = [p if isinstance(p, (exp.Column, exp.Boolean, exp.Paren)) else exp.Paren(this=p) for p in parts]
    result: exp.Expression = wrapped[0]
    for part in wrapped[1:]:
        result = cls(this=result, expression=part)
    return result


def one_of(value: exp.Expression, items: list[exp.Expression]) -> exp.Expression:
    """``value IN (…)``, written as ``=`` … ``OR`` past a few items.

    DuckDB rewrites a longer IN list into a join, which made the whole
    1177 query ten times slower; equalities keep it a projection.
    """
    if len(items) <= 4:
        return exp.In(this=value, expressions=items)
    return any_of(*(exp.EQ(this=value, expression=item) for item in items))


def none_of(value: exp.Expression, items: list[exp.Expression]) -> exp.Expression:
    """``NOT value IN (…)`` (null when ``value`` is null, as SQL's NOT IN)."""
    return exp.Not(this=exp.Paren(this=one_of(value, items)))


def wrap(value: exp.Expression) -> exp.Expression:
    """``value`` in parentheses unless it is atomic: built trees carry no precedence of their own."""
    operators = (exp.Binary, exp.Unary, exp.Not, exp.Neg, exp.In, exp.Is, exp.Between)
    return exp.Paren(this=value) if isinstance(value, operators) and not isinstance(value, exp.Paren) else value
