"""Test tables in workbooks (``dtable test``): every case, with the cell of every mismatch."""

from __future__ import annotations

from helpers_core import SHIPPED, decision, load_sheets

import engine
from engine.testing import Mismatch, run_tests

GRADE = decision("grade", "U", ["ålder"], ["grupp", "rabatt"], [["R1", "< 18", '"barn"', "50"], ["R2", "[18..65)", '"vuxen"', "0"]])  # fmt: skip


def outcomes(tmp_path, cases):
    test_table = [
        ["Test: grade"],
        ["", "input", "expected", "expected", "description"],
        ["Case", "ålder", "grupp", "rabatt", "Beskrivning"],
        *cases,
    ]
    return run_tests(load_sheets(tmp_path, {"grade": GRADE, "test": test_table}))


def test_passing_cases(tmp_path):
    found = outcomes(tmp_path, [["c1", "10", '"barn"', "50", "a child"], ["c2", "30", '"vuxen"', "", "rabatt not checked"]])
    assert [(o.case.label, o.passed, o.matched) for o in found] == [("c1", True, ("R1",)), ("c2", True, ("R2",))]
    assert found[0].case.description == "a child"


def test_mismatch_names_the_expected_cell_and_both_values(tmp_path):
    (outcome,) = outcomes(tmp_path, [["c1", "10", '"vuxen"', "50", ""]])
    assert not outcome.passed
    assert outcome.mismatches == (Mismatch("grupp", "vuxen", "barn", outcome.mismatches[0].location),)
    assert str(outcome.mismatches[0].location) == "test!C4"


def test_expected_null(tmp_path):
    (outcome,) = outcomes(tmp_path, [["c1", "10", "null", "", ""]])
    assert outcome.mismatches[0].expected is None and outcome.mismatches[0].actual == "barn"


def test_no_rule_applies(tmp_path):
    passing, failing = outcomes(tmp_path, [["c1", "70", "no rule applies", "", ""], ["c2", "10", "no rule applies", "", ""]])
    assert passing.passed and passing.matched == ()
    assert not failing.passed
    assert failing.error == "expected no rule to apply, but rule R1 applies"


def test_a_case_where_no_rule_applies_unexpectedly_fails(tmp_path):
    (outcome,) = outcomes(tmp_path, [["c1", "70", '"vuxen"', "", ""]])
    assert not outcome.passed
    assert outcome.error == "no rule of decision `grade` applies to ålder = 70"


def test_broken_test_cell_names_its_cell(tmp_path):
    (outcome,) = outcomes(tmp_path, [["c1", "10", "barn", "", ""]])
    assert not outcome.passed
    assert outcome.error.startswith("test!C4: a value is expected here, not the name `barn`")


def test_test_table_for_an_unknown_decision(tmp_path):
    test_table = [["Test: grad"], ["", "input", "expected"], ["Case", "ålder", "grupp"], ["c1", "10", '"barn"']]
    (outcome,) = run_tests(load_sheets(tmp_path, {"grade": GRADE, "test": test_table}))
    assert not outcome.passed
    assert outcome.error == "no decision named `grad` (did you mean `grade`?); decisions: `grade`"


def test_shipped_rulebook_passes_all_61_cases():
    found = run_tests(engine.load(SHIPPED))
    assert len(found) == 61
    assert [o.case.label for o in found if not o.passed] == []
