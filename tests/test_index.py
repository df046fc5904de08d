"""Rule indexes: a column value -> the bitmask of the rules it may satisfy."""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers_core import compiled, memory_table

from engine.errors import InputError
from engine.evaluate import TableEvaluator, bits
from engine.index import ColumnIndex
from engine.inputs import InputSpec


def column(*entries: str, type_: str | None = None, allowed: tuple | None = None) -> ColumnIndex:
    """The index of one input column ``x`` whose rules R1, R2, … hold ``entries``."""
    table = compiled(memory_table("C", [("x", type_, allowed)], [("o", None)], [([e], ["1"]) for e in entries]))
    validate = InputSpec("x", type_, allowed).check if (type_ or allowed) else None
    return ColumnIndex([rule.tests[0] for rule in table.rules], validate, allowed if validate else None)


def rules_of(index: ColumnIndex, value) -> list[str]:
    return [f"R{p + 1}" for p in bits(index.lookup(value))]


def test_single_values_are_looked_up_by_hash():
    index = column('"a"', '"b"', "-", '"a", "c"')
    assert rules_of(index, "a") == ["R1", "R3", "R4"]
    assert rules_of(index, "b") == ["R2", "R3"]
    assert rules_of(index, "zz") == ["R3"]
    assert rules_of(index, None) == ["R3"]
    assert rules_of(index, 1) == ["R3"]


def test_ranges_are_bisected_with_exact_ends():
    index = column("< 18", "[18..65)", ">= 65", "-")
    assert rules_of(index, 17) == ["R1", "R4"]
    assert rules_of(index, Decimal("17.99")) == ["R1", "R4"]
    assert rules_of(index, 18) == ["R2", "R4"]
    assert rules_of(index, Decimal("64.99")) == ["R2", "R4"]
    assert rules_of(index, 65) == ["R3", "R4"]
    assert rules_of(index, 10**9) == ["R3", "R4"]


def test_values_of_another_type_match_only_dash():
    index = column("< 18", ">= 18", "-")
    assert rules_of(index, "18") == ["R3"]
    assert rules_of(index, True) == ["R3"]
    assert rules_of(index, None) == ["R3"]
    assert rules_of(index, [18]) == ["R3"]


def test_negated_entries_and_null():
    index = column('not("a")', "null", "not(null)")
    assert rules_of(index, "a") == ["R3"]
    assert rules_of(index, "b") == ["R1", "R3"]
    assert rules_of(index, None) == ["R1", "R2"]  # null = "a" is false, so not("a") holds


def test_floats_are_read_as_decimals():
    index = column("0.1", "[0.2..0.3]")
    assert rules_of(index, 0.1) == ["R1"]
    assert rules_of(index, 0.3) == ["R2"]
    assert rules_of(index, 1.0) == []


def test_booleans_are_not_numbers():
    index = column("1", "true", "0", "false")
    assert rules_of(index, 1) == ["R1"]
    assert rules_of(index, True) == ["R2"]
    assert rules_of(index, 0) == ["R3"]
    assert rules_of(index, False) == ["R4"]


def test_booleans_are_not_numbers_in_a_column_with_allowed_values():
    """Allowed values `0, 1, true, false`: True == 1 in Python, not in FEEL."""
    index = column("1", "true", "0", "false", allowed=(0, 1, True, False))
    assert rules_of(index, 1) == ["R1"]
    assert rules_of(index, True) == ["R2"]
    assert rules_of(index, 0) == ["R3"]
    assert rules_of(index, False) == ["R4"]


def test_entries_reading_other_inputs_are_verified_after_the_index():
    table = compiled(
        memory_table("C", [("x", None, None)], [("o", None)], [(["< limit"], ["1"]), (['"a"'], ["2"]), (["-"], ["3"])])
    )
    evaluator = TableEvaluator(table, {})
    assert evaluator.dynamic == 0b001
    assert [p + 1 for p in bits(evaluator.match({"x": 5, "limit": 10}))] == [1, 3]
    assert [p + 1 for p in bits(evaluator.match({"x": 15, "limit": 10}))] == [3]
    assert [p + 1 for p in bits(evaluator.match({"x": "a"}))] == [2, 3]


def test_declared_type_is_checked_even_when_the_index_knows_the_value():
    """A value of the wrong type is an input error, whichever lookup path it takes."""
    dashes = column("-", "-", type_="number")
    with pytest.raises(InputError, match="expects a number"):
        dashes.lookup(True)
    booleans = column("true", '"a"', type_="boolean")  # an entry of the wrong type
    with pytest.raises(InputError, match="expects a boolean"):
        booleans.lookup("a")


def test_allowed_values_are_checked_on_every_path():
    index = column('"a"', '"b"', type_="string", allowed=("a", "b", None))
    assert rules_of(index, "a") == ["R1"]
    assert rules_of(index, None) == []
    with pytest.raises(InputError, match='"c" is not an allowed value'):
        index.lookup("c")
