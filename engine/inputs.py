"""Declared inputs: what a caller may pass, and checking what they did pass.

An input's declaration comes from the ``Type`` and ``Allowed values`` rows
of the columns that read it. Checking happens only on the evaluator's slow
path (a value the index has not seen), so valid calls pay nothing for it.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from engine.errors import MISSING, NOT_ALLOWED, WRONG_TYPE, InputError, InputProblem
from engine.feel import values as V
from engine.messages import close_match
from engine.model import Location
from engine.types import ItemType, problem


@dataclass(frozen=True)
class InputSpec:
    name: str
    type: str | None  # declared type, or None
    allowed: tuple[Any, ...] | None  # declared allowed values (None may be among them)
    location: Location | None = None  # where it was declared
    item: ItemType | None = None  # a DMN typeRef, resolved

    def check(self, value: Any) -> Any:
        """The value in FEEL form, or :class:`InputError` saying what is valid."""
        given = value
        value = V.to_feel(value)  # past decimal128, NaN and infinities become null, as everywhere
        if self.item is not None:
            found = problem(value, self.item)
            if found:
                message = f"input `{self.name}` {found}" if found.startswith("expects") else f"input `{self.name}`: {found}"
                raise self._error(WRONG_TYPE, message, value)
        if value is None:
            if self.allowed is not None and None not in self.allowed:
                what = f": {V.brief(given)} is not a FEEL number ({V.NUMBER_RANGE})" if V.out_of_range(given) else " is missing"
                message = f"input `{self.name}`{what}; it must be one of {_listing(self.allowed)}"
                raise self._error(MISSING, message, given)
            return None
        if self.type is not None:
            value = self._check_type(value)
        if self.allowed is not None and not any(V.equals(value, a) is True for a in self.allowed):
            close = close_match(str(value), [a for a in self.allowed if isinstance(a, str)]) if isinstance(value, str) else None
            suggestion = f" (did you mean {V.describe(close)}?)" if close else ""
            message = (
                f"input `{self.name}`: {V.brief(value)} is not an allowed value{suggestion}; "
                f"allowed: {_listing(self.allowed)}"
            )
            raise self._error(NOT_ALLOWED, message, value, close)
        return value

    def coerce(self, value: Any) -> tuple[Any, str | None]:
        """DMN's type semantics: a value that does not conform becomes null, with a warning."""
        if value is None:
            return None, None  # nothing to make null
        try:
            return self.check(value), None
        except InputError as error:
            return None, f"{error}; the value is null"

    def _error(self, code: str, message: str, value: Any, did_you_mean: Any = None) -> InputError:
        found = InputProblem(self.name, code, message, value, self.allowed, did_you_mean, self.type)
        return InputError(message, self.name, value, (found,))

    def _check_type(self, value: Any) -> Any:
        cat = V.category(value)
        if cat == self.type:
            return value
        if self.type == V.DATE and isinstance(value, str):
            try:
                return _dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise self._error(WRONG_TYPE, f"input `{self.name}` expects a {self.type}, got {_kind(value)} {V.brief(value)}", value)


def did_you_mean(value: Any, allowed: tuple[Any, ...]) -> str:
    """`` (did you mean "läkare"?)`` for a text close to an allowed text, else ``""`` (as ``check`` words it)."""
    close = close_match(str(value), [a for a in allowed if isinstance(a, str)]) if isinstance(value, str) else None
    return f" (did you mean {V.describe(close)}?)" if close else ""


def _kind(value: Any) -> str:
    cat = V.category(value)
    return {V.STRING: "the text", V.NUMBER: "the number", V.BOOLEAN: "the boolean", V.DATE: "the date"}.get(
        cat, f"a {cat}"
    )


def _listing(allowed: tuple[Any, ...]) -> str:
    return ", ".join(V.describe(a) for a in allowed)
