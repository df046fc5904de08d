"""Running the test tables of a workbook (``dtable test``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.api import Model
from engine.errors import EngineError
from engine.feel import values as V
from engine.feel.literals import parse_literal
from engine.feel.parser import FeelSyntaxError
from engine.model import Location, TestCase, TestTable


@dataclass(frozen=True)
class Mismatch:
    output: str
    expected: Any
    actual: Any
    location: Location


@dataclass(frozen=True)
class CaseOutcome:
    decision: str
    case: TestCase
    passed: bool
    mismatches: tuple[Mismatch, ...] = ()
    error: str | None = None  # the case could not run (bad cell, unknown decision …)
    matched: tuple[str, ...] = ()


def run_tests(model: Model) -> list[CaseOutcome]:
    """Every case of every test table, in workbook order."""
    outcomes = []
    for table in model.tests:
        for case in table.cases:
            outcomes.append(_run_case(model, table, case))
    return outcomes


def _run_case(model: Model, table: TestTable, case: TestCase) -> CaseOutcome:
    def failed(message: str) -> CaseOutcome:
        return CaseOutcome(table.decision, case, False, error=message)

    try:
        inputs = {name: parse_literal(cell.text) for name, cell in case.inputs.items()}
        expected = {name: (parse_literal(cell.text), cell) for name, cell in case.expected.items()}
    except FeelSyntaxError as error:
        bad = next(
            c for c in (*case.inputs.values(), *case.expected.values()) if _broken(c.text)
        )
        return failed(f"{bad.location}: {error.message}" + (f" ({error.hint})" if error.hint else ""))
    try:
        result = model.decide(table.decision, inputs)
    except EngineError as error:
        return failed(str(error))
    if case.expects_no_rule:
        if result.applies:
            return CaseOutcome(
                table.decision, case, False,
                error=f"expected no rule to apply, but rule {', '.join(result.matched)} applies",
                matched=result.matched,
            )  # fmt: skip
        return CaseOutcome(table.decision, case, True, matched=())
    if not result.applies and result.output is None:
        return CaseOutcome(table.decision, case, False, error=result.message)
    output = result.output if isinstance(result.output, dict) else {}
    mismatches = []
    for name, (want, cell) in expected.items():
        if name not in output:
            return failed(f"{cell.location}: decision `{table.decision}` has no output `{name}`")
        if V.equals(output[name], want) is not True:
            mismatches.append(Mismatch(name, want, output[name], cell.location))
    return CaseOutcome(table.decision, case, not mismatches, tuple(mismatches), matched=result.matched)


def _broken(text: str) -> bool:
    try:
        parse_literal(text)
    except FeelSyntaxError:
        return True
    return False
