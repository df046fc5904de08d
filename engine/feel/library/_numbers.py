"""Numbers as the library returns them: int when whole and exact, else a decimal128 Decimal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.feel import values as V

#: The one decimal128 context of the engine (values.DECIMAL128): 34 digits, ties to even, overflow trapped.
DECIMAL128 = V.DECIMAL128


def exact(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


def feel_number(value: Decimal | int) -> int | Decimal | None:
    """A computed number in FEEL form: inside decimal128 (else None), whole numbers below 10**34 as int."""
    number = V.feel_number(value)
    if isinstance(number, Decimal) and number.adjusted() < 34 and number == number.to_integral_value(context=DECIMAL128):
        return int(number)
    return number
