"""Declared types of inputs and decisions, and whether a value conforms.

A workbook declares a column's ``Type`` (string, number, boolean, date) and
``Allowed values``; a DMN model declares ``typeRef``s, resolved through its
item definitions to an :class:`ItemType`: a FEEL base type, allowed values
(any unary tests), components for a structure, or a collection of another
type. :func:`problem` says why a value does not conform, or None.

What a non-conforming value does depends on the type-check mode chosen at
load time: ``"strict"`` (workbooks' default) makes it an input error naming
what is valid; ``"dmn"`` (DMN models' default, as DMN 1.5 §7.3.2 says) makes
the value null for the decisions reading it, with a warning.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.feel import values as V

STRICT = "strict"
DMN = "dmn"
TYPECHECKS = (STRICT, DMN)

#: DMN base type names (FEEL's and the XML Schema aliases DMN 1.1 allowed) -> the FEEL kind.
BASE_TYPES = {
    "string": "string",
    "number": "number",
    "boolean": "boolean",
    "date": "date",
    "time": "time",
    "date and time": "date and time",
    "dateTime": "date and time",
    "days and time duration": "days and time duration",
    "dayTimeDuration": "days and time duration",
    "years and months duration": "years and months duration",
    "yearMonthDuration": "years and months duration",
    "context": "context",
    "list": "list",
    "function": "function",
    "range": "range",
    "Any": None,
    "any": None,
}


@dataclass(frozen=True)
class ItemType:
    """A resolved type: what a declared typeRef accepts."""

    name: str  # as declared: "tEmploymentStatus", "number"
    base: str | None = None  # the FEEL kind, None for Any
    #: allowed values as a predicate (a compiled unary test) and as written
    allowed: Callable[[Any], bool | None] | None = None
    allowed_text: str | None = None
    components: tuple[tuple[str, "ItemType"], ...] | None = None
    element: "ItemType | None" = None  # for a collection: the type of its items

    def describe(self) -> str:
        if self.element is not None:
            return f"a list of {self.element.name}"
        if self.components is not None:
            return f"a {self.name} (a context of {', '.join(n for n, _ in self.components)})"
        if self.base is None:
            return "any value"
        return f"a {self.base}" if self.name == self.base else f"a {self.name} ({self.base})"


ANY = ItemType("Any")


def kind_of(value: Any) -> str:
    """The FEEL kind of a value, in the words of DMN's base types."""
    if isinstance(value, _dt.datetime):
        return "date and time"
    category = V.category(value)
    if category == V.OTHER:
        return getattr(value, "feel_kind", None) or type(value).__name__
    return category


def problem(value: Any, item: ItemType | None) -> str | None:
    """Why ``value`` does not conform to ``item``; None when it does.

    Null conforms to every type, and to allowed values only when they accept it
    (``"a", "b", null``): a workbook's strict check wants a value there.
    """
    if item is None:
        return None
    if value is None:
        if item.allowed is not None and item.element is None and item.allowed(None) is not True:
            return f"null is not an allowed value of {item.name} ({item.allowed_text})"
        return None
    if item.element is not None:
        if not isinstance(value, list):
            return f"expects {item.describe()}, got {_shown(value)}"
        for number, element in enumerate(value, 1):
            found = problem(element, item.element)
            if found:
                return f"item {number}: {found}"
        return None
    if item.components is not None:
        if not isinstance(value, dict):
            return f"expects {item.describe()}, got {_shown(value)}"
        for name, component in item.components:
            found = problem(value.get(name), component)
            if found:
                return f"component `{name}`: {found}"
        return None
    if item.base is not None and not _is_kind(value, item.base):
        return f"expects {item.describe()}, got {_shown(value)}"
    if item.allowed is not None and item.allowed(value) is not True:
        return f"{_shown(value)} is not an allowed value of {item.name} ({item.allowed_text})"
    return None


def _is_kind(value: Any, base: str) -> bool:
    kind = kind_of(value)
    if kind == base:
        return True
    # A date-and-time value may be a date subclass; a list of one is not a value.
    return base == "list" and isinstance(value, list)


def _shown(value: Any) -> str:
    return f"the {kind_of(value)} {V.describe(value)}"
