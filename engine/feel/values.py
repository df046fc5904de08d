"""FEEL-lite values: categories, three-valued equality and ordering.

Numbers are exact: ``int`` and ``decimal.Decimal`` (floats are converted with
``to_feel`` at the boundary). ``None`` is FEEL's null. A comparison with null,
or across categories, is null: the caller decides what null means (for a
rule, "does not match").
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

NULL = "null"
BOOLEAN = "boolean"
NUMBER = "number"
STRING = "string"
DATE = "date"
LIST = "list"
CONTEXT = "context"
OTHER = "other"

#: Categories whose values are totally ordered, so ``<`` and intervals apply.
ORDERED = frozenset({NUMBER, STRING, DATE})
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
    list: LIST,
    tuple: LIST,
    dict: CONTEXT,
}


def category(value: Any) -> str:
    """The FEEL category of a Python value (``OTHER`` for anything foreign)."""
    found = _CATEGORY_OF_CLASS.get(value.__class__)
    if found is not None:
        return found
    # datetime is a date subclass, but FEEL-lite has no date-and-time.
    if isinstance(value, _dt.datetime):
        return OTHER
    for cls, cat in _CATEGORY_OF_CLASS.items():
        if cls is not type(None) and isinstance(value, cls):
            return cat
    return OTHER


def to_feel(value: Any) -> Any:
    """Normalise a Python value to FEEL-lite's representation.

    Text is put in composed Unicode form (NFC), floats become exact
    decimals (``0.1`` stays ``Decimal("0.1")``), NaN and
    infinities become null (FEEL has neither), tuples become lists, and
    nested lists and dicts are normalised recursively.
    """
    cls = value.__class__
    if cls is str:
        # "ö" typed on macOS may arrive decomposed (o + ¨); cells are read composed.
        return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)
    if cls is float:
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value))
    if cls is Decimal and not value.is_finite():
        return None
    if cls is list or cls is tuple:
        return [to_feel(v) for v in value]
    if cls is dict:
        return {k: to_feel(v) for k, v in value.items()}
    return value


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
        result: bool | None = True
        for x, y in zip(a, b):
            same = equals(x, y)
            if same is False:
                return False
            if same is None:
                result = None
        return result
    return a == b


def compare(a: Any, b: Any) -> int | None:
    """Three-valued ordering: -1, 0, 1, or None for null or incomparable."""
    if a is None or b is None:
        return None
    ca = category(a)
    if ca not in ORDERED or ca != category(b):
        return None
    return -1 if a < b else (1 if a > b else 0)


def describe(value: Any) -> str:
    """A value written as an analyst would type it in a cell."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return f'date("{value.isoformat()}")'
    if isinstance(value, Decimal):
        return format_number(value)
    if isinstance(value, list):
        return "[" + ", ".join(describe(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {describe(v)}" for k, v in value.items()) + "}"
    return str(value)


def format_number(value: Decimal | int) -> str:
    if isinstance(value, int):
        return str(value)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def parse_number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def to_json(value: Any) -> Any:
    """A FEEL value as plain JSON data (decimals as int or float, dates as ISO)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value
