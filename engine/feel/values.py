"""FEEL values: categories, three-valued equality and ordering.

Numbers are exact: ``int`` and ``decimal.Decimal`` (floats are converted with
``to_feel`` at the boundary). ``None`` is FEEL's null. A comparison with null,
or across categories, is null: the caller decides what null means (for a
rule, "does not match").

Temporal values are Python's own: ``datetime.date``, ``datetime.time`` and
``datetime.datetime`` (with a ``datetime.timezone`` offset or a
``zoneinfo.ZoneInfo`` zone, or local), ``datetime.timedelta`` for days and
time durations; years and months durations are :class:`YearsMonths`. A
local date and time and one with a UTC form are different categories: they
compare as null, as XML Schema leaves their order undetermined, which also
keeps every category totally ordered for the index.
"""


from __future__ import annotations

import datetime as _dt
import decimal
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.errors import InputError

NULL = "null"
BOOLEAN = "boolean"
NUMBER = "number"
STRING = "string"
DATE = "date"
TIME = "time"
TIME_UTC = "time with offset"
DATE_TIME = "date and time"
DATE_TIME_UTC = "date and time with offset"
DT_DURATION = "days and time duration"
YM_DURATION = "years and months duration"
LIST = "list"
CONTEXT = "context"
RANGE = "range"
FUNCTION = "function"
OTHER = "other"

#: Categories whose values are totally ordered, so ``<`` and intervals apply.
ORDERED = frozenset({NUMBER, STRING, DATE, TIME, TIME_UTC, DATE_TIME, DATE_TIME_UTC, DT_DURATION, YM_DURATION})
TEMPORAL = frozenset({DATE, TIME, TIME_UTC, DATE_TIME, DATE_TIME_UTC, DT_DURATION, YM_DURATION})


@dataclass(frozen=True, order=True)
class YearsMonths:
    """A years and months duration, as its total number of months."""

    months: int

    def __str__(self) -> str:
        from engine.feel.temporal import format_years_months

        return format_years_months(self)


@dataclass(frozen=True)
class Range:
    """A range value: ``[1..10]``, ``< 5`` (start None = unbounded below)."""

    start: Any
    start_included: bool
    end: Any
    end_included: bool


@dataclass(frozen=True, eq=False)
class Function:
    """A FEEL function value: a function literal, a BKM, a decision service, a built-in.

    ``invoke`` takes the arguments by parameter name. ``types`` optionally
    holds each parameter's type name (None: any), checked before the call.
    """

    parameters: tuple[str, ...]
    invoke: Callable[[Mapping[str, Any]], Any]
    name: str = ""
    types: tuple[Any, ...] = ()

    def __repr__(self) -> str:
        return f"Function({self.name or 'anonymous'}({', '.join(self.parameters)}))"
#: The declared column types an analyst may write in a ``Type`` row.
TYPES = (STRING, NUMBER, BOOLEAN, DATE)

_CATEGORY_OF_CLASS: dict[type, str] = {
    type(None): NULL,
    bool: BOOLEAN,
    int: NUMBER,
    Decimal: NUMBER,
    float: NUMBER,
    str: STRING,
    _dt.date: DATE,
    _dt.timedelta: DT_DURATION,
    YearsMonths: YM_DURATION,
    list: LIST,
    tuple: LIST,
    dict: CONTEXT,
    Range: RANGE,
    Function: FUNCTION,
}


def category(value: Any) -> str:
    """The FEEL category of a Python value (``OTHER`` for anything foreign)."""
    found = _CATEGORY_OF_CLASS.get(value.__class__)
    if found is not None:
        return found
    if isinstance(value, _dt.datetime):
        return DATE_TIME if value.utcoffset() is None else DATE_TIME_UTC
    if isinstance(value, _dt.time):
        return TIME if value.utcoffset() is None else TIME_UTC
    for cls, cat in _CATEGORY_OF_CLASS.items():
        if cls is not type(None) and isinstance(value, cls):
            return cat
    return OTHER


# ---------------------------------------------------------------- numbers

#: FEEL numbers are IEEE 754 decimal128: 34 significant digits, exponents up
#: to 6144, so magnitudes below 1E+6145. Every operation on numbers runs in
#: this context; a result past the range is null (the Overflow trap).
DECIMAL128 = decimal.Context(
    prec=34, Emax=6144, Emin=-6143, rounding=decimal.ROUND_HALF_EVEN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)  # fmt: skip
#: The range, as messages state it.
NUMBER_RANGE = "FEEL numbers are decimal128: 34 digits, magnitude below 1E+6145"
#: Whole numbers below this stay Python ints: exact, as decimal128 holds them.
EXACT_INT_LIMIT = 10**34
# An int of more bits than this is past 1E+6145; converting it to a Decimal
# would cost minutes (quadratic in its digits), so it is refused by its size.
_MAX_INT_BITS = 20_420
# Past the range, numbers are still written in messages, rounded to 34 digits.
_DISPLAY = decimal.Context(prec=34, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN, traps=[])


def feel_number(value: int | Decimal) -> int | Decimal | None:
    """``value`` as a FEEL number: rounded to 34 digits, None past decimal128's range.

    >>> feel_number(10**40)
    Decimal('1.000000000000000000000000000000000E+40')
    >>> feel_number(Decimal("1E+999999999")) is None
    True
    """
    try:
        if isinstance(value, Decimal):
            return DECIMAL128.plus(value) if value.is_finite() else None
        if -EXACT_INT_LIMIT < value < EXACT_INT_LIMIT:
            return value
        if value.bit_length() > _MAX_INT_BITS:
            return None
        return DECIMAL128.create_decimal(value)
    except decimal.Overflow:
        return None


def negate(value: int | Decimal) -> int | Decimal:
    """``-value`` in decimal128 (Python's ``-`` on a Decimal rounds to the default 28 digits)."""
    return -value if value.__class__ is int else DECIMAL128.minus(value)


def whole(value: Decimal) -> int | Decimal:
    """An integral Decimal as an int where decimal128 holds it exactly (below 10**34)."""
    return int(value) if value.adjusted() < 34 else value


def out_of_range(value: Any) -> bool:
    """Whether ``value`` is a number FEEL cannot hold (past decimal128, NaN, an infinity)."""
    cls = value.__class__
    if cls is int or cls is Decimal:
        return feel_number(value) is None
    return cls is float and (value != value or value in (float("inf"), float("-inf")))


#: Deepest nesting of lists and contexts accepted in an input value.
MAX_VALUE_DEPTH = 64


#: FEEL's type name of each category, for `instance of` and messages.
TYPE_NAMES = {
    NULL: "Null",
    BOOLEAN: "boolean",
    NUMBER: "number",
    STRING: "string",
    DATE: "date",
    TIME: "time",
    TIME_UTC: "time",
    DATE_TIME: "date and time",
    DATE_TIME_UTC: "date and time",
    DT_DURATION: "days and time duration",
    YM_DURATION: "years and months duration",
    LIST: "list",
    CONTEXT: "context",
    RANGE: "range",
    FUNCTION: "function",
    OTHER: "Any",
}


def type_name(value: Any) -> str:
    """FEEL's name for the type of a value: ``number``, ``date and time`` …"""
    return TYPE_NAMES[category(value)]


def to_feel(value: Any) -> Any:
    """Normalise a Python value to FEEL-lite's representation.

    Text is put in composed Unicode form (NFC), floats become exact
    decimals (``0.1`` stays ``Decimal("0.1")``), numbers are kept inside
    decimal128 (:func:`feel_number`: past its range, NaN and infinities
    become null), tuples become lists, and nested lists and dicts are
    normalised recursively; nesting deeper than :data:`MAX_VALUE_DEPTH` is an
    :class:`~engine.errors.InputError`.
    """
    cls = value.__class__
    if cls is str:
        # "ö" typed on macOS may arrive decomposed (o + ¨); cells are read composed.
        return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)
    if cls is float:
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value))
    if cls is int:
        return value if -EXACT_INT_LIMIT < value < EXACT_INT_LIMIT else feel_number(value)
    if cls is Decimal:
        return feel_number(value)
    if cls is list or cls is tuple or cls is dict:
        return _nested(value, 1)
    return value


def _nested(value: Any, depth: int) -> Any:
    if depth > MAX_VALUE_DEPTH:
        raise InputError(f"an input value is nested more than {MAX_VALUE_DEPTH} deep (lists in lists or contexts)")
    cls = value.__class__
    if cls is list or cls is tuple:
        return [_nested(v, depth + 1) if v.__class__ in _CONTAINERS else to_feel(v) for v in value]
    if cls is dict:
        return {k: _nested(v, depth + 1) if v.__class__ in _CONTAINERS else to_feel(v) for k, v in value.items()}
    return to_feel(value)


_CONTAINERS = (list, tuple, dict)


def equals(a: Any, b: Any) -> bool | None:
    """FEEL ``=``: null equals only null; across categories it is null."""
    if a is None or b is None:
        return a is None and b is None
    ca, cb = category(a), category(b)
    if ca != cb:
        return None
    if ca == LIST:
        if len(a) != len(b):
            return False
        return _all_equal(zip(a, b))
    if ca == CONTEXT:
        if a.keys() != b.keys():
            return False
        return _all_equal((a[k], b[k]) for k in a)
    if ca == RANGE:
        if a.start_included != b.start_included or a.end_included != b.end_included:
            return False
        return _all_equal(((a.start, b.start), (a.end, b.end)))
    if ca == FUNCTION:
        return a is b
    if ca == TIME_UTC:
        return _utc_seconds(a) == _utc_seconds(b)
    return a == b


def _all_equal(pairs: Any) -> bool | None:
    result: bool | None = True
    for x, y in pairs:
        same = equals(x, y)
        if same is False:
            return False
        if same is None:
            result = None
    return result


def compare(a: Any, b: Any) -> int | None:
    """Three-valued ordering: -1, 0, 1, or None for null or incomparable."""
    if a is None or b is None:
        return None
    ca = category(a)
    if ca not in ORDERED or ca != category(b):
        return None
    if ca == TIME_UTC:
        a, b = _utc_seconds(a), _utc_seconds(b)
    return -1 if a < b else (1 if a > b else 0)


def _utc_seconds(t: _dt.time) -> float:
    offset = t.utcoffset() or _dt.timedelta()
    return (t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6 - offset.total_seconds()) % 86400


def describe(value: Any) -> str:
    """A value written as an analyst would type it in a cell."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        text = value.replace("\\", "\\\\").replace('"', '\\"')
        # Control characters as FEEL escapes: the text stays one line, pasteable back into a cell.
        return '"' + (_CONTROL.sub(_escape_control, text) if _CONTROL.search(text) else text) + '"'
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return f'date("{value.isoformat()}")'
    if isinstance(value, (Decimal, int)):  # bools are handled above
        return format_number(value)
    if isinstance(value, list):
        return "[" + ", ".join(describe(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {describe(v)}" for k, v in value.items()) + "}"
    cat = category(value)
    if cat in TEMPORAL:
        from engine.feel.temporal import format_temporal

        return f'@"{format_temporal(value)}"'
    if cat == RANGE:
        return describe_range(value)
    return str(value)


#: Longest a value is written in a message before it is cut.
BRIEF_LIMIT = 100


def brief(value: Any, limit: int = BRIEF_LIMIT) -> str:
    """:func:`describe`, cut to about ``limit`` characters for a message.

    Reads no more of a huge value than it shows: a 200 MB text costs what
    its first hundred characters cost.

    >>> brief("a" * 1000, 10)
    '"aaaaaaaaaa…" (1,000 characters)'
    """
    if isinstance(value, str) and len(value) > limit:
        return describe(value[:limit])[:-1] + f'…" ({len(value):,} characters)'
    if isinstance(value, (list, tuple, dict)):
        items = list(value.items()) if isinstance(value, dict) else value
        parts: list[str] = []
        size = 0
        for item in items:
            if size > limit:
                parts.append(f"… ({len(items):,} items)")
                break
            part = f"{item[0]}: {brief(item[1], limit)}" if isinstance(value, dict) else brief(item, limit)
            parts.append(part)
            size += len(part) + 2
        opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
        return opening + ", ".join(parts) + closing
    return describe(value)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_NAMED_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape_control(found: re.Match[str]) -> str:
    char = found.group()
    return _NAMED_ESCAPES.get(char) or f"\\u{ord(char):04x}"


def describe_range(value: Range) -> str:
    if value.start is None and value.end is not None:
        return ("<= " if value.end_included else "< ") + describe(value.end)
    if value.end is None and value.start is not None:
        return (">= " if value.start_included else "> ") + describe(value.start)
    return (
        ("[" if value.start_included else "(")
        + describe(value.start)
        + ".."
        + describe(value.end)
        + ("]" if value.end_included else ")")
    )


def _key(key: str) -> str:
    """A context key as FEEL text: bare when it is a plain name, else quoted."""
    if key and (key[0].isalpha() or key[0] == "_") and all(c.isalnum() or c == "_" for c in key):
        return key
    return describe(key)


def format_number(value: Decimal | int) -> str:
    """A number as an analyst writes it: ``12``, ``0.3``; past 34 digits as ``1.5E+40``.

    Any int or Decimal is written in bounded time and length, inside
    decimal128's range or not.
    """
    if value.__class__ is int and -EXACT_INT_LIMIT < value < EXACT_INT_LIMIT:
        return str(value)
    if isinstance(value, int):  # a huge int from a caller: write it rounded, never all its digits
        if value.bit_length() > _MAX_INT_BITS:
            return ("-" if value < 0 else "") + f"a number of about {int(value.bit_length() * 0.30103):,} digits"
        value = _DISPLAY.create_decimal(value)
    if not value.is_finite():
        return str(value)
    shown = _DISPLAY.plus(value).normalize(_DISPLAY)
    if -34 <= shown.adjusted() < 34:
        return format(shown, "f")
    return str(shown)


def parse_number(text: str) -> Decimal | None:
    """A number written as text (``12.5``, ``1e3``), inside decimal128, or None."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    try:
        return DECIMAL128.plus(number) if number.is_finite() else None
    except decimal.Overflow:
        return None


def to_json(value: Any) -> Any:
    """A FEEL value as plain JSON data (decimals as int or float, dates as ISO).

    Whole numbers below 10**34 are exact ints; a number past a double's
    range (1.8E+308) would be ``Infinity``, which is not JSON: it is written
    as text (``"1E+400"``). Past decimal128 a number is null.
    """
    if isinstance(value, Decimal) or (value.__class__ is int and not -EXACT_INT_LIMIT < value < EXACT_INT_LIMIT):
        number = feel_number(value)
        if not isinstance(number, Decimal):
            return number
        if number.adjusted() < 34 and number == number.to_integral_value(context=DECIMAL128):
            return int(number)
        as_float = float(number)
        return as_float if as_float not in (float("inf"), float("-inf")) else format_number(number)
    if category(value) in TEMPORAL:
        from engine.feel.temporal import format_temporal

        return format_temporal(value)
    if isinstance(value, Range):
        return describe_range(value)
    if isinstance(value, Function):
        return repr(value)
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value
