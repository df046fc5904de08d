"""FEEL dates, times, dates and times and durations: parsing, text, arithmetic.

Values are Python's ``datetime`` classes (see :mod:`engine.feel.values`),
so arithmetic agrees with ``datetime``/``zoneinfo`` wherever both define
it. What FEEL adds is here: the lexical forms of DMN 1.5 §10.3.4.1
(``10:30:00@Europe/Paris``, ``24:00:00``, ``-P1DT2H``), years and months
arithmetic with the day clamped to the month's end, and the rules of
§10.3.2.3 for mixing dates, local and zoned values (a date counts as UTC
midnight; a local value never meets a zoned one: null).
"""

from __future__ import annotations

import datetime as _dt
import re
import zoneinfo
from decimal import Decimal
from typing import Any

from engine.feel.values import (
    DATE,
    DATE_TIME,
    DATE_TIME_UTC,
    DT_DURATION,
    TIME,
    TIME_UTC,
    YM_DURATION,
    YearsMonths,
    category,
)

_DATE = re.compile(r"(-?)(\d{4,9})-(\d\d)-(\d\d)")
_TIME = re.compile(r"(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d|@[A-Za-z][A-Za-z0-9_/+-]*)?")
_DURATION = re.compile(
    r"(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d*)?)S)?)?"
)
_DATE_TIME_START = re.compile(r"-?\d{4,9}-\d\d-\d\dT")
_UTC = _dt.UTC


# ---------------------------------------------------------------- parsing


def parse_date(text: str) -> _dt.date | None:
    match = _DATE.fullmatch(text)
    if match is None or match.group(1) or (len(match.group(2)) > 4 and match.group(2)[0] == "0"):
        return None
    try:
        return _dt.date(int(match.group(2)), int(match.group(3)), int(match.group(4)))
    except ValueError:
        return None


def _zone(text: str | None) -> tuple[bool, _dt.tzinfo | None]:
    """Whether a suffix names a zone that exists, and its tzinfo (None: local)."""
    if not text:
        return True, None
    if text == "Z":
        return True, _UTC
    if text[0] == "@":
        try:
            return True, zoneinfo.ZoneInfo(text[1:])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return False, None
    hours, minutes = int(text[1:3]), int(text[4:6])
    if minutes > 59 or hours > 14 or (hours == 14 and minutes):
        return False, None
    offset = _dt.timedelta(hours=hours, minutes=minutes)
    return True, _dt.timezone(-offset if text[0] == "-" else offset)


def _time_parts(text: str) -> tuple[int, int, int, int, _dt.tzinfo | None, bool] | None:
    """hour, minute, second, microsecond, tzinfo and whether it was 24:00:00."""
    match = _TIME.fullmatch(text)
    if match is None:
        return None
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3))
    fraction = match.group(4)
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    exists, zone = _zone(match.group(5))
    if not exists or minute > 59 or second > 59:
        return None
    if hour == 24:
        if minute or second or micro:
            return None
        return 0, 0, 0, 0, zone, True
    if hour > 23:
        return None
    return hour, minute, second, micro, zone, False


def parse_time(text: str) -> _dt.time | None:
    parts = _time_parts(text)
    if parts is None:
        return None
    hour, minute, second, micro, zone, _ = parts
    return _dt.time(hour, minute, second, micro, tzinfo=zone)


def parse_date_time(text: str) -> _dt.datetime | None:
    if "T" not in text:
        day = parse_date(text)
        return None if day is None else _dt.datetime(day.year, day.month, day.day)
    date_text, time_text = text.split("T", 1)
    day = parse_date(date_text)
    parts = _time_parts(time_text)
    if day is None or parts is None:
        return None
    hour, minute, second, micro, zone, next_day = parts
    try:
        value = _dt.datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=zone)
        return value + _dt.timedelta(days=1) if next_day else value
    except OverflowError:
        return None


def parse_duration(text: str) -> _dt.timedelta | YearsMonths | None:
    match = _DURATION.fullmatch(text)
    if match is None or text.endswith("T") or text in ("P", "-P"):
        return None
    sign = -1 if match.group(1) else 1
    years, months, days, hours, minutes, seconds = match.groups()[1:]
    if years is not None or months is not None:
        if days is not None or hours is not None or minutes is not None or seconds is not None:
            return None
        return YearsMonths(sign * (int(years or 0) * 12 + int(months or 0)))
    try:
        value = _dt.timedelta(
            days=int(days or 0),
            hours=int(hours or 0),
            minutes=int(minutes or 0),
            seconds=float(Decimal(seconds.rstrip("."))) if seconds and "." in seconds else int(seconds or 0),
        )
    except OverflowError:
        return None
    return -value if sign < 0 else value


def parse_temporal(text: str) -> Any:
    """The value of an ``@"…"`` literal, or None when the text is none of the forms."""
    if text.startswith(("P", "-P")):
        return parse_duration(text)
    if _DATE_TIME_START.match(text):
        return parse_date_time(text)
    if _DATE.fullmatch(text):
        return parse_date(text)
    return parse_time(text)


# ---------------------------------------------------------------- text


def _fraction(micro: int) -> str:
    return ("." + f"{micro:06d}".rstrip("0")) if micro else ""


def _zone_text(value: _dt.time | _dt.datetime) -> str:
    zone = value.tzinfo
    if zone is None:
        return ""
    if isinstance(zone, zoneinfo.ZoneInfo):
        return "@" + zone.key
    offset = value.utcoffset()
    if offset is None:
        return ""
    if not offset:
        return "Z"
    sign = "-" if offset < _dt.timedelta() else "+"
    total = abs(int(offset.total_seconds()))
    text = f"{sign}{total // 3600:02d}:{total % 3600 // 60:02d}"
    return text + (f":{total % 60:02d}" if total % 60 else "")


def format_time(value: _dt.time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}{_fraction(value.microsecond)}{_zone_text(value)}"


def format_date(value: _dt.date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def format_date_time(value: _dt.datetime) -> str:
    clock = f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}{_fraction(value.microsecond)}"
    return f"{format_date(value)}T{clock}{_zone_text(value)}"


def format_days_time(value: _dt.timedelta) -> str:
    negative = value < _dt.timedelta()
    total = -value if negative else value
    days, rest = total.days, total.seconds
    hours, minutes, seconds = rest // 3600, rest % 3600 // 60, rest % 60
    text = "-P" if negative else "P"
    if days:
        text += f"{days}D"
    clock = ""
    if hours:
        clock += f"{hours}H"
    if minutes:
        clock += f"{minutes}M"
    if seconds or total.microseconds:
        clock += f"{seconds}{_fraction(total.microseconds)}S"
    if clock:
        text += "T" + clock
    if not days and not clock:
        return "PT0S"
    return text


def format_years_months(value: YearsMonths) -> str:
    months = abs(value.months)
    years, rest = divmod(months, 12)
    text = "-P" if value.months < 0 else "P"
    if years:
        text += f"{years}Y"
    if rest or not years:
        text += f"{rest}M"
    return text


def format_temporal(value: Any) -> str:
    """FEEL's ``string()`` of a temporal value, which parses back to it."""
    cat = category(value)
    if cat == DATE:
        return format_date(value)
    if cat in (DATE_TIME, DATE_TIME_UTC):
        return format_date_time(value)
    if cat in (TIME, TIME_UTC):
        return format_time(value)
    if cat == DT_DURATION:
        return format_days_time(value)
    if cat == YM_DURATION:
        return format_years_months(value)
    raise TypeError(f"not a temporal value: {value!r}")


# ---------------------------------------------------------------- arithmetic


def add_months(value: _dt.date, months: int) -> _dt.date | None:
    """``value`` moved by whole months, the day clamped to the last of the month."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        return None
    day = min(value.day, _days_in_month(year, month + 1))
    return value.replace(year=year, month=month + 1, day=day)


def _days_in_month(year: int, month: int) -> int:
    following = _dt.date(year + (month == 12), month % 12 + 1, 1)
    return (following - _dt.timedelta(days=1)).day


def _as_instant(value: Any) -> Any:
    """A date as UTC midnight, so it meets dates and times with a UTC form."""
    if category(value) == DATE:
        return _dt.datetime(value.year, value.month, value.day, tzinfo=_UTC)
    return value


def _local_midnight(value: _dt.date) -> _dt.datetime:
    return _dt.datetime(value.year, value.month, value.day)


_DATE_TIMES = (DATE_TIME, DATE_TIME_UTC)


def add(a: Any, b: Any) -> Any:
    """``a + b`` for temporal operands; NotImplemented when FEEL defines no sum."""
    ca, cb = category(a), category(b)
    if ca in (DT_DURATION, YM_DURATION) and cb not in (DT_DURATION, YM_DURATION):
        a, b, ca, cb = b, a, cb, ca
    try:
        if cb == DT_DURATION:
            if ca == DT_DURATION:
                return a + b
            if ca in _DATE_TIMES:
                return _shift(a, b)
            if ca == DATE:
                return (_local_midnight(a) + b).date()
            if ca in (TIME, TIME_UTC):
                moved = _dt.datetime.combine(_dt.date(2000, 1, 1), a.replace(tzinfo=None)) + b
                return moved.time().replace(tzinfo=a.tzinfo)
        if cb == YM_DURATION:
            if ca == YM_DURATION:
                return YearsMonths(a.months + b.months)
            if ca in _DATE_TIMES or ca == DATE:
                return add_months(a, b.months)
    except OverflowError:
        return None
    return NotImplemented


def _shift(value: _dt.datetime, by: _dt.timedelta) -> _dt.datetime:
    """A date and time moved by a duration; a zoned one by elapsed time (its offset may change)."""
    if isinstance(value.tzinfo, zoneinfo.ZoneInfo):
        return (value.astimezone(_UTC) + by).astimezone(value.tzinfo)
    return value + by


def subtract(a: Any, b: Any) -> Any:
    """``a - b`` for temporal operands; NotImplemented when FEEL defines no difference."""
    ca, cb = category(a), category(b)
    try:
        if cb == DT_DURATION or cb == YM_DURATION:
            if ca not in (TIME, TIME_UTC, DATE, DATE_TIME, DATE_TIME_UTC, cb):
                return NotImplemented
            if ca == cb == YM_DURATION:
                return YearsMonths(a.months - b.months)
            if ca in (TIME, TIME_UTC) and cb == YM_DURATION:
                return NotImplemented
            return add(a, -b if cb == DT_DURATION else YearsMonths(-b.months))
        if {ca, cb} <= {DATE, DATE_TIME, DATE_TIME_UTC}:
            if ca == cb == DATE:
                return a - b
            x, y = _as_instant(a), _as_instant(b)
            if category(x) != category(y):
                return None  # a local value and one with a UTC form: undetermined
            return x - y
        if ca in (TIME, TIME_UTC) and cb in (TIME, TIME_UTC):
            if ca != cb:
                return None
            return _seconds_of_day(a) - _seconds_of_day(b)
    except OverflowError:
        return None
    return NotImplemented


def _seconds_of_day(value: _dt.time) -> _dt.timedelta:
    of_day = _dt.timedelta(hours=value.hour, minutes=value.minute, seconds=value.second, microseconds=value.microsecond)
    offset = value.utcoffset()
    return of_day - offset if offset is not None else of_day


def multiply(a: Any, b: Any) -> Any:
    """A duration times a number (either order); NotImplemented otherwise."""
    from engine.feel.values import NUMBER

    ca, cb = category(a), category(b)
    if ca == NUMBER:
        a, b, ca, cb = b, a, cb, ca
    if cb != NUMBER:
        return NotImplemented
    try:
        if ca == DT_DURATION:
            return _dt.timedelta(microseconds=int(_micros(a) * Decimal(b)))
        if ca == YM_DURATION:
            return YearsMonths(int(Decimal(a.months) * Decimal(b)))
    except (OverflowError, ArithmeticError):
        return None
    return NotImplemented


def divide(a: Any, b: Any) -> Any:
    """A duration divided by a number or by a duration of its kind; NotImplemented otherwise."""
    from engine.feel.values import NUMBER

    ca, cb = category(a), category(b)
    try:
        if ca == DT_DURATION and cb == NUMBER:
            return None if not b else _dt.timedelta(microseconds=int(_micros(a) / Decimal(b)))
        if ca == YM_DURATION and cb == NUMBER:
            return None if not b else YearsMonths(int(Decimal(a.months) / Decimal(b)))
        if ca == cb == DT_DURATION:
            return None if not b else _micros(a) / _micros(b)
        if ca == cb == YM_DURATION:
            return None if not b.months else Decimal(a.months) / Decimal(b.months)
    except (OverflowError, ArithmeticError):
        return None
    if ca in (DT_DURATION, YM_DURATION) or cb in (DT_DURATION, YM_DURATION):
        return None
    return NotImplemented


def _micros(value: _dt.timedelta) -> Decimal:
    return Decimal((value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds)


# ---------------------------------------------------------------- properties


def _number(value: Decimal) -> Any:
    return int(value) if value == value.to_integral_value() else value


def properties(value: Any, name: str) -> Any:
    """``value.name`` for temporal values (DMN 1.5 Table 66); NotImplemented if none."""
    cat = category(value)
    if cat in (DATE, DATE_TIME, DATE_TIME_UTC):
        if name == "year":
            return value.year
        if name == "month":
            return value.month
        if name == "day":
            return value.day
        if name == "weekday":
            return value.isoweekday()
    if cat in (DATE_TIME, DATE_TIME_UTC, TIME, TIME_UTC):
        if name == "hour":
            return value.hour
        if name == "minute":
            return value.minute
        if name == "second":
            return _number(Decimal(value.second) + Decimal(value.microsecond) / 1_000_000)
        if name == "time offset":
            if isinstance(value.tzinfo, zoneinfo.ZoneInfo) and cat in (TIME, TIME_UTC):
                return None
            return value.utcoffset()
        if name == "timezone":
            return value.tzinfo.key if isinstance(value.tzinfo, zoneinfo.ZoneInfo) else None
    if cat == DT_DURATION:
        sign = -1 if value < _dt.timedelta() else 1
        total = abs(value)
        if name == "days":
            return sign * total.days
        if name == "hours":
            return sign * (total.seconds // 3600)
        if name == "minutes":
            return sign * (total.seconds % 3600 // 60)
        if name == "seconds":
            return sign * _number(Decimal(total.seconds % 60) + Decimal(total.microseconds) / 1_000_000)
    if cat == YM_DURATION:
        sign = -1 if value.months < 0 else 1
        if name == "years":
            return sign * (abs(value.months) // 12)
        if name == "months":
            return sign * (abs(value.months) % 12)
    if cat in (DATE, DATE_TIME, DATE_TIME_UTC, TIME, TIME_UTC, DT_DURATION, YM_DURATION):
        return None
    return NotImplemented
