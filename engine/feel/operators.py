"""FEEL's operators on values: arithmetic (DMN 1.5 §10.3.2.3), comparison, membership.

Each ``…_outcome`` function returns the value, or a :class:`Problem` that
explains a null; the compiler turns problems into warnings.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any

from engine.feel import temporal as T
from engine.feel import values as V
from engine.feel.builtins import Problem
from engine.feel.library._numbers import DECIMAL128

_NAMES = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide", "**": "raise"}


def _as_decimal(x: Any) -> Any:
    return x if isinstance(x, (int, Decimal)) else Decimal(repr(x))


def _whole(result: Decimal) -> Any:
    return int(result) if result.adjusted() < 34 and result == result.to_integral_value(context=DECIMAL128) else result


def arithmetic_outcome(op: str, a: Any, b: Any) -> Any:
    """FEEL ``+ - * / **`` with exact decimals and temporal values."""
    ca, cb = V.category(a), V.category(b)
    if ca == V.NUMBER and cb == V.NUMBER:
        return _numbers(op, _as_decimal(a), _as_decimal(b))
    if a is None or b is None:
        return None
    if op == "+" and ca == V.STRING and cb == V.STRING:
        return a + b
    if ca in V.TEMPORAL or cb in V.TEMPORAL:
        outcome = {"+": T.add, "-": T.subtract, "*": T.multiply, "/": T.divide}.get(op, lambda x, y: NotImplemented)(a, b)
        if outcome is not NotImplemented:
            return outcome if outcome is not None else Problem(f"cannot {_NAMES[op]} {_pair(a, b)}")
    return Problem(f"cannot {_NAMES[op]} {_pair(a, b)}")


def _pair(a: Any, b: Any) -> str:
    return f"{V.type_name(a)} and {V.type_name(b)}"


def _numbers(op: str, x: Any, y: Any) -> Any:
    """Numbers in decimal128 (values.DECIMAL128); whole numbers stay exact ints below 10**34."""
    exact = x.__class__ is int and y.__class__ is int
    try:
        if op == "+":
            result = V.feel_number(x + y) if exact else DECIMAL128.add(x, y)
        elif op == "-":
            result = V.feel_number(x - y) if exact else DECIMAL128.subtract(x, y)
        elif op == "*":
            result = V.feel_number(x * y) if exact else DECIMAL128.multiply(x, y)
        elif op == "/":
            if not y:
                return Problem("division by zero")
            result = _whole(DECIMAL128.divide(Decimal(x), Decimal(y)))
        elif op == "**":
            # Through decimal128, so (10 ** 1000) ** 1000 is null rather than a billion digits.
            result = _whole(DECIMAL128.power(Decimal(x), Decimal(y)))
        else:
            return None
    except decimal.DivisionByZero:
        return Problem("division by zero")
    except (decimal.DecimalException, ZeroDivisionError, OverflowError, ValueError):
        return Problem(f"the result of `{op}` is not a FEEL number ({V.NUMBER_RANGE})")
    if result is None:
        return Problem(f"the result of `{op}` is not a FEEL number ({V.NUMBER_RANGE})")
    return result


def arithmetic(op: str, a: Any, b: Any) -> Any:
    """FEEL ``+ - * / **``: the value, or null on bad types or /0."""
    outcome = arithmetic_outcome(op, a, b)
    return None if isinstance(outcome, Problem) else outcome


def negate(value: Any) -> Any:
    cat = V.category(value)
    if cat == V.NUMBER:
        return V.negate(value)
    if cat == V.DT_DURATION:
        return -value
    if cat == V.YM_DURATION:
        return V.YearsMonths(-value.months)
    if value is None:
        return None
    return Problem(f"cannot negate {V.type_name(value)}")


def compare_values(op: str, a: Any, b: Any) -> bool | None:
    if op == "=":
        return V.equals(a, b)
    if op == "!=":
        same = V.equals(a, b)
        return None if same is None else not same
    order = V.compare(a, b)
    if order is None:
        return None
    if op == "<":
        return order < 0
    if op == "<=":
        return order <= 0
    if op == ">":
        return order > 0
    return order >= 0


def range_contains(r: V.Range, value: Any) -> bool | None:
    if r.start is not None:
        above = compare_values(">=" if r.start_included else ">", value, r.start)
        if above is not True:
            return above
    if r.end is not None:
        return compare_values("<=" if r.end_included else "<", value, r.end)
    return True if value is not None and (r.start is not None or r.end is not None) else None


def any_true(outcomes: Any) -> bool | None:
    """Three-valued "or" that stops at the first true outcome."""
    result: bool | None = False
    for outcome in outcomes:
        if outcome is True:
            return True
        if outcome is None:
            result = None
    return result


def satisfies(value: Any, target: Any) -> bool | None:
    """Whether ``value`` passes a unary test whose expression evaluated to ``target``.

    A range contains it, a list has it (an item that is a range contains
    it), anything else equals it (DMN 1.5 §10.3.2.9 ``e in t``).
    """
    cls = target.__class__
    if cls is V.Range:
        return range_contains(target, value)
    if cls is list:
        # Membership (list contains): an item of another type is simply not the value.
        for item in target:
            if (range_contains(item, value) if item.__class__ is V.Range else V.equals(value, item)) is True:
                return True
        return False
    return V.equals(value, target)
