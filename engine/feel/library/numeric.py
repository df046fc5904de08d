"""Numeric functions (DMN 1.5 §10.3.4.5), in decimal128."""

from __future__ import annotations

import datetime as _dt
import decimal
from decimal import Decimal
from typing import Any

from engine.feel import values as V
from engine.feel.builtins import Problem, builtin, signature
from engine.feel.library._numbers import DECIMAL128, exact, feel_number

_SCALE = range(-6111, 6177)


def _rounding(mode: str) -> Any:
    def apply(n: Any, scale: Any = 0) -> Any:
        if int(scale) not in _SCALE:
            return Problem(f"the scale must be from -6111 to 6176, not {V.describe(scale)}")
        number = exact(n)
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= -int(scale):
            return feel_number(number)  # already no more decimals than the scale
        try:
            return feel_number(number.quantize(Decimal(1).scaleb(-int(scale)), rounding=mode, context=DECIMAL128))
        except decimal.InvalidOperation:
            return Problem("the rounded number needs more than 34 digits")

    return apply


def _abs(n: Any) -> Any:
    if isinstance(n, _dt.timedelta):
        return abs(n)
    if isinstance(n, V.YearsMonths):
        return V.YearsMonths(abs(n.months))
    return abs(n) if n.__class__ is int else DECIMAL128.abs(n)


def _modulo(dividend: Any, divisor: Any) -> Any:
    if not divisor:
        return Problem("`modulo` by zero")
    a, b = exact(dividend), exact(divisor)
    quotient = DECIMAL128.divide(a, b).to_integral_value(rounding=decimal.ROUND_FLOOR)
    return feel_number(a - b * quotient)


def _sqrt(n: Any) -> Any:
    if n < 0:
        return Problem("`sqrt` of a negative number")
    return feel_number(DECIMAL128.sqrt(exact(n)))


def _log(n: Any) -> Any:
    if n <= 0:
        return Problem("`log` of a number that is not positive")
    return feel_number(DECIMAL128.ln(exact(n)))


def _exp(n: Any) -> Any:
    try:
        return feel_number(DECIMAL128.exp(exact(n)))
    except decimal.Overflow:
        return Problem("`exp` is too large for a FEEL number")


def _parity(remainder: int) -> Any:
    def apply(n: Any) -> Any:
        if n != int(n):
            return Problem("only whole numbers are odd or even")
        return int(n) % 2 == remainder

    return apply


FUNCTIONS = (
    builtin("decimal", signature("n: number, scale: number", _rounding(decimal.ROUND_HALF_EVEN)), group="numeric"),
    builtin(
        "floor",
        signature("n: number, scale?: number", _rounding(decimal.ROUND_FLOOR)),
        group="numeric",
    ),
    builtin("ceiling", signature("n: number, scale?: number", _rounding(decimal.ROUND_CEILING)), group="numeric"),
    builtin("round up", signature("n: number, scale: number", _rounding(decimal.ROUND_UP)), group="numeric"),
    builtin("round down", signature("n: number, scale: number", _rounding(decimal.ROUND_DOWN)), group="numeric"),
    builtin("round half up", signature("n: number, scale: number", _rounding(decimal.ROUND_HALF_UP)), group="numeric"),
    builtin(
        "round half down", signature("n: number, scale: number", _rounding(decimal.ROUND_HALF_DOWN)), group="numeric"
    ),
    builtin("abs", signature("n: number or duration", _abs), group="numeric"),
    builtin("modulo", signature("dividend: number, divisor: number", _modulo), group="numeric"),
    builtin("sqrt", signature("number: number", _sqrt), group="numeric"),
    builtin("log", signature("number: number", _log), group="numeric"),
    builtin("exp", signature("number: number", _exp), group="numeric"),
    builtin("odd", signature("number: number", _parity(1)), group="numeric"),
    builtin("even", signature("number: number", _parity(0)), group="numeric"),
)
