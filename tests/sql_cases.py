"""Random decision tables with typed columns, and running them through SQL and Python.

SQL columns hold one type each, so every input and output column here has
one kind (string, number, boolean or date); entries still compare across
kinds (`< 5` on a text column, `< other_input`), which FEEL makes null.
The outcome of a case is what ``dtable batch`` writes: the outputs, the
matched labels and the error message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from helpers_core import BOOLEANS, NUMBERS, POLICY_CODES, STRINGS, compiled, input_entry, literal, memory_table
from hypothesis import strategies as st

from engine.api import Model
from engine.errors import DecisionError, InputError
from engine.graph import build_graph
from engine.inputs import InputSpec

DATES = (dt.date(2026, 1, 1), dt.date(2026, 1, 31), dt.date(2026, 6, 30))
KINDS: dict[str, tuple[Any, ...]] = {"string": STRINGS, "number": NUMBERS, "boolean": BOOLEANS, "date": DATES}
#: Values of each kind that no entry names (the hostile text included).
OFF_DOMAIN: dict[str, tuple[Any, ...]] = {
    "string": ("zz", "", "A", "x'); DROP TABLE cases; --", 'say "hi" \\ ö'),
    "number": (7, -100, Decimal("1.5"), Decimal("0.1")),
    "boolean": (),
    "date": (dt.date(2025, 12, 31), dt.date(2027, 1, 1)),
}


@st.composite
def output_entry(draw: st.DrawFn, kind: str, inputs: Sequence[tuple[str, str]]) -> str:
    same = [name for name, k in inputs if k == kind]
    shape = draw(st.sampled_from(["literal", "literal", "null", "name", "computed"]))
    if shape == "null":
        return "null"
    if shape in ("name", "computed") and same:
        name = draw(st.sampled_from(same))
        if shape == "name":
            return name
        if kind == "number":
            return draw(st.sampled_from([f"{name} + 1", f"{name} * 2", f"-{name}", f"{name} / 4", f"abs({name})"]))
        if kind == "string":
            return draw(st.sampled_from([f'{name} + "!"', f'substring before({name}, "b")', f'if {name} = "a" then "A" else {name}']))
        if kind == "boolean":
            return draw(st.sampled_from([f"not({name})", f"{name} and true", f"{name} or false"]))
        return f'if {name} > date("2026-01-15") then {name} else date("2026-01-15")'
    return literal(draw(st.sampled_from(KINDS[kind])))


@st.composite
def sql_table(draw: st.DrawFn, policy: str, max_cases: int = 5) -> dict[str, Any]:
    """A random table of typed columns as plain data, and cases of values of those types."""
    count = draw(st.integers(1, 3))
    names = [f"in{i}" for i in range(count)]
    kinds = [draw(st.sampled_from(sorted(KINDS))) for _ in names]
    inputs = []
    for name, kind in zip(names, kinds):
        how = draw(st.sampled_from(["none", "type", "allowed"]))
        type_ = kind if how != "none" else None
        allowed = tuple(KINDS[kind]) + ((None,) if draw(st.booleans()) else ()) if how == "allowed" else None
        inputs.append((name, type_, allowed))
    typed_inputs = list(zip(names, kinds))
    output_count = 1 if POLICY_CODES[policy][1] is not None else draw(st.integers(1, 2))
    outputs, output_kinds = [], []
    for number in range(output_count):
        kind = "number" if policy in ("C+", "C#") else draw(st.sampled_from(sorted(KINDS)))
        allowed = None
        if policy in ("P", "O") or draw(st.booleans()):
            ranked = draw(st.permutations(list(KINDS[kind]) + [None]))
            allowed = tuple(ranked[: draw(st.integers(1, len(ranked)))])
        outputs.append((f"out{number}", allowed))
        output_kinds.append(kind)
    constant_outputs = policy == "O"  # OUTPUT ORDER over computed outputs is refused by the SQL compiler
    rules = []
    for _ in range(draw(st.integers(1, 6))):
        entries = [draw(input_entry(kind, tuple(n for n in names if n != name), KINDS)) for name, kind in typed_inputs]
        outs = [draw(output_entry(kind, [] if constant_outputs else typed_inputs)) for kind in output_kinds]
        rules.append((entries, outs))
    defaults = [draw(st.one_of(st.none(), output_entry(kind, typed_inputs))) for kind in output_kinds]
    cases = []
    for _ in range(draw(st.integers(1, max_cases))):
        case = {}
        for name, kind in typed_inputs:
            if draw(st.integers(0, 7)) == 0:
                continue  # absent: null
            case[name] = draw(st.sampled_from(KINDS[kind] + OFF_DOMAIN[kind] + (None,)))
        cases.append(case)
    return {"policy": policy, "inputs": inputs, "kinds": kinds, "outputs": outputs, "rules": rules,
            "defaults": defaults, "cases": cases}  # fmt: skip


def model_of(drawn: Mapping[str, Any]) -> Model:
    """A one-table model straight from the table model (no workbook: hypothesis makes hundreds)."""
    table = compiled(memory_table(drawn["policy"], drawn["inputs"], drawn["outputs"], drawn["rules"], name="d", defaults=drawn["defaults"]))  # fmt: skip
    graph, problems = build_graph([table])
    assert not problems, [p.render() for p in problems]
    specs = {name: InputSpec(name, type_, allowed) for name, type_, allowed in drawn["inputs"]}
    return Model(graph, (), (), specs, ())


def normal(value: Any) -> Any:
    """Numbers compared by value (SQL hands back DECIMAL(38, 10)); lists item by item."""
    if isinstance(value, (list, tuple)):
        return tuple(normal(v) for v in value)
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return ("number", Decimal(value).normalize())
    return (type(value).__name__, value)


def python_outcome(model: Model, decision: str, case: Mapping[str, Any]) -> tuple:
    """What ``dtable batch`` writes for a case: (outputs, matched labels, error)."""
    names = model.tables[decision].output_names
    blank = tuple(normal(None) for _ in names)
    try:
        result = model.decide(decision, case)
    except DecisionError as error:
        return blank, error.rules if error.decision == decision else (), str(error)
    except InputError as error:
        return blank, (), str(error)
    output = result.output
    if output is None:
        return blank, (), result.message
    if isinstance(output, dict):
        return tuple(normal(output[n]) for n in names), result.matched, None
    return tuple(normal([o[n] for o in output]) for n in names), result.matched, None


def sql_outcome(row: Sequence[Any], inputs: int, outputs: int) -> tuple:
    values = row[inputs : inputs + outputs]
    matched, error = row[inputs + outputs], row[inputs + outputs + 1]
    return tuple(normal(v) for v in values), tuple(matched.split(", ")) if matched else (), error


def rulebook_cases(model: Model) -> list[tuple[str, dict[str, Any], Any]]:
    """Every case of the shipped rulebook's test sheet: (decision, inputs, the test case)."""
    from engine.feel.literals import parse_literal

    found = []
    for table in model.tests:
        for case in table.cases:
            found.append((table.decision, {n: parse_literal(c.text) for n, c in case.inputs.items()}, case))
    return found


def expected_cells_hold(outcome: tuple, model: Model, decision: str, case: Any) -> bool:
    """The test case's expected cells, checked against an SQL outcome (as ``dtable test`` does)."""
    from engine.feel import values as V
    from engine.feel.literals import parse_literal

    outputs, _matched, error = outcome
    if case.expects_no_rule:
        return error is not None and error.startswith("no rule of decision")
    names = model.tables[decision].output_names
    values = dict(zip(names, outputs))
    return error is None and all(
        normal(parse_literal(cell.text)) == values[name] or V.equals(parse_literal(cell.text), values[name][1]) is True
        for name, cell in case.expected.items()
    )
