"""Conversion functions (DMN 1.5 §10.3.4.1): date, time, date and time, duration, number, string."""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from typing import Any

from engine.feel import temporal as T
from engine.feel import values as V
from engine.feel.builtins import Problem, builtin, signature
from engine.feel.library._numbers import feel_number

_UTC = _dt.UTC


def _date_from_text(text: str) -> Any:
    return T.parse_date(text) or Problem(f"`date` cannot read {V.describe(text)}: write e.g. \"2026-01-31\"")


def _date_from_value(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        return value.date()
    return value


def _date_from_parts(year: Any, month: Any, day: Any) -> Any:
    if any(int(x) != x for x in (year, month, day)):
        return Problem("`date` needs whole numbers for year, month and day")
    try:
        return _dt.date(int(year), int(month), int(day))
    except (ValueError, OverflowError):
        return Problem(f"`date` has no day {year}-{month}-{day}")


def _date_time_from_text(text: str) -> Any:
    found = T.parse_date_time(text)
    return found if found is not None else Problem(f"`date and time` cannot read {V.describe(text)}")


def _date_time_from_value(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        return value
    return _dt.datetime(value.year, value.month, value.day)


def _date_time_from_parts(date: Any, time: _dt.time) -> Any:
    return _dt.datetime(date.year, date.month, date.day, time.hour, time.minute, time.second, time.microsecond, time.tzinfo)


def _time_from_text(text: str) -> Any:
    found = T.parse_time(text)
    return found if found is not None else Problem(f"`time` cannot read {V.describe(text)}")


def _time_from_value(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        return value.timetz()
    if isinstance(value, _dt.time):
        return value
    return _dt.time(0, 0, 0, tzinfo=_UTC)


def _time_from_parts(hour: Any, minute: Any, second: Any, offset: Any = None) -> Any:
    if int(hour) != hour or int(minute) != minute:
        return Problem("`time` needs whole numbers for hour and minute")
    whole = int(second)
    micro = int((Decimal(second) - whole) * 1_000_000)
    zone = None
    if offset is not None:
        if not isinstance(offset, _dt.timedelta) or abs(offset) > _dt.timedelta(hours=14):
            return Problem("`time`'s offset must be a days and time duration within ±14 hours")
        zone = _dt.timezone(offset)
    try:
        return _dt.time(int(hour), int(minute), whole, micro, tzinfo=zone)
    except ValueError as error:
        return Problem(f"`time`: {error}")


def _duration(text: str) -> Any:
    found = T.parse_duration(text)
    return found if found is not None else Problem(f"`duration` cannot read {V.describe(text)}: write e.g. \"P1DT2H\" or \"P1Y2M\"")


def _years_and_months(start: Any, end: Any) -> Any:
    a, b = start, end
    if isinstance(a, _dt.datetime) != isinstance(b, _dt.datetime):
        a, b = (_date_time_from_value(a), _date_time_from_value(b))
    months = (b.year - a.year) * 12 + (b.month - a.month)
    # Only whole months count, by the calendar day: back one when the end's day is before the start's.
    if months > 0 and b.day < a.day:
        months -= 1
    elif months < 0 and b.day > a.day:
        months += 1
    return V.YearsMonths(months)


_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")


def _number(text: str, grouping: Any = None, decimal: Any = None) -> Any:
    if grouping is not None and grouping not in (" ", ",", "."):
        return Problem("`number`'s grouping separator must be a space, a comma, a period or null")
    if decimal is not None and decimal not in (",", "."):
        return Problem("`number`'s decimal separator must be a comma, a period or null")
    if grouping is not None and grouping == decimal:
        return Problem("`number`'s grouping and decimal separators must differ")
    body = text.strip()
    if grouping is not None:
        body = body.replace(grouping, "")
    if decimal is not None:
        body = body.replace(decimal, ".")
    elif grouping is None:
        # One argument: a decimal comma as analysts type it ("12,5").
        body = body.replace(",", ".")
    if not _NUMBER.fullmatch(body):
        return Problem(f"`number` cannot read {V.describe(text)}")
    number = V.parse_number(body)
    if number is None:
        return Problem(f"`number` cannot read {V.describe(text)} as a FEEL number ({V.NUMBER_RANGE})")
    return feel_number(number)


def to_string(value: Any) -> Any:
    """FEEL's ``string(from)``: text that reads back as the value where FEEL has a literal for it."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    cat = V.category(value)
    if cat in V.TEMPORAL:
        return T.format_temporal(value)
    return V.describe(value)


def _range_from_text(text: str) -> Any:
    from engine.feel.compiler import range_from_text

    return range_from_text(text)


FUNCTIONS = (
    builtin(
        "date",
        signature("from: string", _date_from_text),
        signature("from: date or date and time", _date_from_value),
        signature("year: number, month: number, day: number", _date_from_parts),
        group="conversion",
    ),
    builtin(
        "date and time",
        signature("from: string", _date_time_from_text),
        signature("from: date or date and time", _date_time_from_value),
        signature("date: date or date and time, time: time", _date_time_from_parts),
        group="conversion",
    ),
    builtin(
        "time",
        signature("from: string", _time_from_text),
        signature("from: time or date and time or date", _time_from_value),
        signature("hour: number, minute: number, second: number, offset?: Any", _time_from_parts),
        group="conversion",
    ),
    builtin("duration", signature("from: string", _duration), group="conversion"),
    builtin(
        "years and months duration",
        signature("from: date or date and time, to: date or date and time", _years_and_months),
        group="conversion",
    ),
    builtin(
        "number",
        signature("from: string, grouping separator?: Any, decimal separator?: Any", _number),
        group="conversion",
    ),
    builtin("string", signature("from: Any", to_string), group="conversion"),
    builtin("range", signature("from: string", _range_from_text), group="conversion"),
)
