"""FEEL-lite built-in functions.

Each takes FEEL values and returns a FEEL value; a wrong argument type gives
null (FEEL's rule), never an exception. The table is immutable and shared.
"""

from __future__ import annotations

import datetime as _dt
import decimal
from collections.abc import Callable
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from engine.feel import values as V


def _is_number(x: Any) -> bool:
    return V.category(x) == V.NUMBER


def _items(args: tuple) -> list | None:
    """min/max/sum/count take a list, or their arguments as one."""
    if len(args) == 1 and isinstance(args[0], list):
        return args[0]
    return list(args)


def string_length(s: Any) -> Any:
    return len(s) if isinstance(s, str) else None


def substring(s: Any, start: Any, length: Any = None) -> Any:
    # FEEL positions are 1-based; a negative start counts from the end.
    if not isinstance(s, str) or not _is_number(start) or (length is not None and not _is_number(length)):
        return None
    begin = int(start)
    if begin == 0:
        return None
    index = begin - 1 if begin > 0 else len(s) + begin
    if length is None:
        return s[max(index, 0) :]
    return s[max(index, 0) : max(index, 0) + int(length)]


def upper_case(s: Any) -> Any:
    return s.upper() if isinstance(s, str) else None


def lower_case(s: Any) -> Any:
    return s.lower() if isinstance(s, str) else None


def _string_pair(fn: Callable[[str, str], Any]) -> Callable[[Any, Any], Any]:
    def apply(s: Any, t: Any) -> Any:
        if not isinstance(s, str) or not isinstance(t, str):
            return None
        return fn(s, t)

    return apply


def _substring_before(s: str, t: str) -> str:
    index = s.find(t)
    return "" if index < 0 else s[:index]


def _substring_after(s: str, t: str) -> str:
    index = s.find(t)
    return "" if index < 0 else s[index + len(t) :]


def _abs(n: Any) -> Any:
    if not _is_number(n):
        return None
    return abs(n) if n.__class__ is int else V.DECIMAL128.abs(n)


def _rounding(mode: str) -> Callable[[Any], Any]:
    """floor / ceiling inside decimal128: never builds the integer of a huge decimal."""

    def apply(n: Any) -> Any:
        if not _is_number(n):
            return None
        if n.__class__ is int:
            return n
        return V.whole(Decimal(n).to_integral_value(mode, V.DECIMAL128))

    return apply


_floor = _rounding(decimal.ROUND_FLOOR)
_ceiling = _rounding(decimal.ROUND_CEILING)


def _extreme(pick: Callable[[list], Any]) -> Callable[..., Any]:
    """min or max over values of one ordered category; null otherwise."""

    def apply(*args: Any) -> Any:
        items = _items(args)
        if not items or len({V.category(x) for x in items}) != 1 or V.category(items[0]) not in V.ORDERED:
            return None
        return pick(items)

    return apply


_min = _extreme(min)
_max = _extreme(max)


def _sum(*args: Any) -> Any:
    items = _items(args)
    if items is None or not all(_is_number(x) for x in items):
        return None
    if all(x.__class__ is int for x in items):
        return V.feel_number(sum(items))
    total: Any = 0
    try:
        for x in items:
            total = V.DECIMAL128.add(total, x)
    except decimal.Overflow:
        return None  # past decimal128, as every number operation
    return total


def _count(*args: Any) -> Any:
    items = _items(args)
    return len(items) if items is not None else None


def date(text: Any, month: Any = None, day: Any = None) -> Any:
    """``date("2026-01-31")`` or ``date(2026, 1, 31)``; null if invalid."""
    try:
        if month is None and isinstance(text, str):
            return _dt.date.fromisoformat(text.strip())
        if all(_is_number(x) for x in (text, month, day)):
            return _dt.date(int(text), int(month), int(day))
    except (ValueError, OverflowError):
        return None
    return None


def _string(x: Any) -> Any:
    if x is None or isinstance(x, str):
        return x
    if isinstance(x, _dt.date):
        return x.isoformat()
    return V.describe(x)


def _number(text: Any) -> Any:
    if not isinstance(text, str):
        return None
    return V.parse_number(text.strip().replace(",", "."))


BUILTINS: "MappingProxyType[str, Callable[..., Any]]" = MappingProxyType(
    {
        "string length": string_length,
        "substring": substring,
        "upper case": upper_case,
        "lower case": lower_case,
        "contains": _string_pair(lambda s, t: t in s),
        "starts with": _string_pair(str.startswith),
        "ends with": _string_pair(str.endswith),
        "substring before": _string_pair(_substring_before),
        "substring after": _string_pair(_substring_after),
        "abs": _abs,
        "floor": _floor,
        "ceiling": _ceiling,
        "min": _min,
        "max": _max,
        "sum": _sum,
        "count": _count,
        "date": date,
        "string": _string,
        "number": _number,
    }
)

#: How many arguments each built-in takes (min, max); None = any number.
ARITY: "MappingProxyType[str, tuple[int, int | None]]" = MappingProxyType(
    {
        "string length": (1, 1),
        "substring": (2, 3),
        "upper case": (1, 1),
        "lower case": (1, 1),
        "contains": (2, 2),
        "starts with": (2, 2),
        "ends with": (2, 2),
        "substring before": (2, 2),
        "substring after": (2, 2),
        "abs": (1, 1),
        "floor": (1, 1),
        "ceiling": (1, 1),
        "min": (1, None),
        "max": (1, None),
        "sum": (1, None),
        "count": (1, None),
        "date": (1, 3),
        "string": (1, 1),
        "number": (1, 1),
    }
)

__all__ = ["BUILTINS", "ARITY", "Decimal"]
