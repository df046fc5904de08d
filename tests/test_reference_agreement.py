"""The indexed evaluator agrees with the reference evaluator, for every hit policy.

``engine.reference.evaluate`` is DMN written for clarity: every rule, every
cell, then the hit policy as the specification words it. The indexed
evaluator (``engine.evaluate.TableEvaluator``) must give the same output,
the same matched and selected rules, and raise the same errors, on any
table and any input, including values no entry names and values of the
wrong type.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from helpers_core import (
    BOOLEANS,
    DOMAINS,
    NUMBERS,
    OFF_DOMAIN,
    POLICY_CODES,
    STRINGS,
    compiled,
    input_entry,
    literal,
    memory_table,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import reference
from engine.errors import DecisionError, InputError
from engine.evaluate import TableEvaluator, bits
from engine.inputs import InputSpec

# ------------------------------------------------------------------ tables

OUTPUT_VALUES = (1, 2, Decimal("0.5"), -3, "x", "y", None, True)


@st.composite
def table_and_inputs(draw: st.DrawFn, policy: str) -> dict[str, Any]:
    """A random table, as plain data (readable when Hypothesis prints it), and cases."""
    count = draw(st.integers(1, 4))
    names = [f"in{i}" for i in range(count)]
    kinds = [draw(st.sampled_from(sorted(DOMAINS))) for _ in names]
    declared = [draw(st.sampled_from(["none", "type", "allowed"])) for _ in names]
    inputs = []
    for name, kind, how in zip(names, kinds, declared):
        type_ = None if kind == "mixed" or how == "none" else kind
        allowed = tuple(DOMAINS[kind]) + ((None,) if draw(st.booleans()) else ()) if how == "allowed" else None
        inputs.append((name, type_, allowed))
    output_count = 1 if POLICY_CODES[policy][1] is not None else draw(st.integers(1, 2))
    output_domain = [literal(v) for v in OUTPUT_VALUES]
    outputs = []
    for number in range(output_count):
        allowed = None
        if policy in ("P", "O") or draw(st.booleans()):
            ranked = draw(st.permutations(OUTPUT_VALUES))
            keep = draw(st.integers(1, len(ranked)))
            allowed = tuple(ranked[:keep])
        outputs.append((f"out{number}", allowed))
    output_entry = st.sampled_from(output_domain + names)  # a name: a computed output
    rules = []
    for _ in range(draw(st.integers(1, 6))):
        entries = [draw(input_entry(kind, tuple(n for n in names if n != name))) for name, kind in zip(names, kinds)]
        rules.append((entries, [draw(output_entry) for _ in outputs]))
    defaults = [draw(st.one_of(st.none(), output_entry)) for _ in outputs]
    value = st.one_of(
        st.sampled_from(STRINGS + NUMBERS + BOOLEANS),
        st.sampled_from(OFF_DOMAIN),
    )
    cases = []
    for _ in range(draw(st.integers(1, 5))):
        case = {}
        for name, kind in zip(names, kinds):
            if draw(st.integers(0, 9)) == 0:
                continue  # an absent input
            case[name] = draw(st.one_of(st.sampled_from(DOMAINS[kind]), value))
        cases.append(case)
    return {"inputs": inputs, "outputs": outputs, "rules": rules, "defaults": defaults, "cases": cases}


def typed(value: Any) -> Any:
    """``value`` with every leaf tagged by its kind, so True and 1 never compare equal.

    FEEL has one number type: ``1`` and ``1.0`` are the same number, whichever
    Python class carries it (the built-in ``sum`` normalises, Python's does not).
    """
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [typed(v) for v in value]
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return ("number", value)
    return (type(value).__name__, value)


def reference_outcome(table: Any, case: dict[str, Any], validators: dict[str, Any]) -> tuple:
    try:
        output, matched, selected = reference.evaluate(table, case, validators)
    except DecisionError as error:
        return ("DecisionError", tuple(error.rules))
    except InputError:
        return ("InputError",)
    labels = [r.label for r in table.rules]
    return ("ok", typed(output), tuple(labels[i] for i in matched), tuple(labels[i] for i in selected))


def indexed_outcome(evaluator: TableEvaluator, case: dict[str, Any]) -> tuple:
    try:
        output, mask, selected = evaluator.evaluate(case)
    except DecisionError as error:
        return ("DecisionError", tuple(error.rules))
    except InputError:
        return ("InputError",)
    labels = evaluator.labels
    return ("ok", typed(output), tuple(labels[i] for i in bits(mask)), tuple(labels[i] for i in selected))


@pytest.mark.parametrize("policy", sorted(POLICY_CODES))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_indexed_evaluator_agrees_with_reference(policy, data):
    drawn = data.draw(table_and_inputs(policy), label="table")
    table = compiled(memory_table(policy, drawn["inputs"], drawn["outputs"], drawn["rules"], defaults=drawn["defaults"]))
    checked = data.draw(st.booleans(), label="inputs checked against Type / Allowed values")
    validators = {name: InputSpec(name, type_, allowed).check for name, type_, allowed in drawn["inputs"]} if checked else {}
    evaluator = TableEvaluator(table, validators)
    for case in drawn["cases"]:
        expected = reference_outcome(table, case, validators)
        assert indexed_outcome(evaluator, case) == expected, case
