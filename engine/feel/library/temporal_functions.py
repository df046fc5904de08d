"""Temporal functions (DMN 1.5 §10.3.4.7) and now()/today(), which read the clock."""

from __future__ import annotations

import calendar
import datetime as _dt
from typing import Any

from engine.feel.builtins import builtin, signature

_DAY = "date: date or date and time"


def _week_of_year(value: _dt.date) -> int:
    return value.isocalendar()[1]


def _last_day(value: _dt.date) -> _dt.date:
    return _dt.date(value.year, value.month, calendar.monthrange(value.year, value.month)[1])


def _now() -> Any:
    return _dt.datetime.now(_dt.UTC).astimezone()


def _today() -> Any:
    return _dt.date.today()


FUNCTIONS = (
    builtin("day of year", signature(_DAY, lambda d: d.timetuple().tm_yday), group="temporal"),
    builtin("day of week", signature(_DAY, lambda d: calendar.day_name[d.weekday()]), group="temporal"),
    builtin("month of year", signature(_DAY, lambda d: calendar.month_name[d.month]), group="temporal"),
    builtin("week of year", signature(_DAY, _week_of_year), group="temporal"),
    builtin("last day of month", signature(_DAY, _last_day), group="temporal"),
    builtin("now", signature("", _now), group="temporal", deterministic=False),
    builtin("today", signature("", _today), group="temporal", deterministic=False),
)
