"""Redundancy (DT3xx): duplicates, subsumed rules, rules that can be merged."""

from __future__ import annotations

import pytest
from analysis_tables import make_table

from engine.analysis import analyse_table
from engine.diagnostics import Severity
from engine.model import Location


def found(ct, code):
    return [d for d in analyse_table(ct) if d.code == code]


def test_duplicates_compare_values_not_text():
    ct = make_table(
        "t",
        "U",
        [("n", "number", None), ("k", "string", ("a", "b"))],
        [("v", "number", None)],
        [(["1.1", '"a"'], ["2"]), (["1.10", '"a"'], ["2.0"]), (["2", '"b"'], ["2"])],
    )
    (dup,) = found(ct, "DT301")
    assert dup.severity is Severity.ERROR
    assert dup.location == Location("t", "A8")
    assert dup.rules == ("1", "2")
    assert dup.message == "rules 1 and 2 are duplicates: the same input entries (by value) and the same outputs"
    assert found(ct, "DT201") == []  # not reported twice


def test_entries_equal_within_the_domain_are_duplicates():
    ct = make_table(
        "t",
        "F",
        [("k", "string", ("a", "b"))],
        [("v", "number", None)],
        [(['"a", "b"'], ["1"]), (["-"], ["1"])],
    )
    assert [d.rules for d in found(ct, "DT301")] == [("1", "2")]
    assert found(ct, "DT204") == []  # the copy is not also reported as masked


def test_subsumed_rule_with_the_same_outputs():
    ct = make_table(
        "t",
        "U",
        [("n", "number", None), ("b", "boolean", None)],
        [("v", "string", None)],
        [(["[1..5]", "true"], ['"x"']), (["< 10", "-"], ['"x"'])],
    )
    (sub,) = found(ct, "DT302")
    assert sub.severity is Severity.WARNING
    assert sub.location == Location("t", "A7")
    assert sub.message == (
        "rule 1 is subsumed by rule 2: rule 2 matches every input rule 1 matches and gives the same outputs"
    )
    assert sub.hint == "delete rule 1"


def test_no_subsumption_under_first_when_a_rule_in_between_would_take_over():
    ct = make_table(
        "t",
        "F",
        [("n", "number", None), ("b", "boolean", None)],
        [("v", "string", None)],
        [(["< 5", "-"], ['"hög"']), (["-", "true"], ['"låg"']), (["-", "-"], ['"hög"'])],
    )
    assert found(ct, "DT302") == []


def test_contraction_of_adjacent_ranges():
    ct = make_table(
        "t",
        "U",
        [("n", "number", None), ("k", "string", ("a", "b"))],
        [("v", "string", None)],
        [(["[0..10)", '"a"'], ['"x"']), (["[10..20]", '"a"'], ['"x"']), (["-", '"b"'], ['"y"'])],
    )
    (merge,) = found(ct, "DT303")
    assert merge.severity is Severity.WARNING
    assert merge.location == Location("t", "A7")
    assert merge.rules == ("1", "2")
    assert merge.message == (
        "rules 1 and 2 differ only in n and give the same outputs: they can be one rule with n = [0..20]"
    )
    assert merge.data == {"column": "n", "merged_entry": "[0..20]"}


def test_contraction_of_listed_values():
    ct = make_table(
        "t",
        "U",
        [("roll", "string", None), ("b", "boolean", None)],
        [("v", "string", None)],
        [(['"läkare"', "true"], ['"x"']), (['"sjuksköterska"', "true"], ['"x"']), (["-", "false"], ['"y"'])],
    )
    (merge,) = found(ct, "DT303")
    assert merge.data["merged_entry"] == '"läkare", "sjuksköterska"'


def test_ranges_with_a_hole_between_are_not_merged():
    ct = make_table(
        "t",
        "U",
        [("n", "number", None)],
        [("v", "string", None)],
        [(["< 5"], ['"x"']), (["> 6"], ['"x"'])],
    )
    assert found(ct, "DT303") == []


def test_no_contraction_under_first_across_a_rule_with_another_output():
    rules = [(['"a"'], ['"x"']), (["-"], ['"y"']), (['"b"'], ['"x"'])]
    first = make_table("t", "F", [("k", "string", None)], [("v", "string", None)], rules)
    assert found(first, "DT303") == []


def test_no_contraction_of_overlapping_rules_under_collect():
    rules = [(["[0..10]"], ["1"]), (["[5..20]"], ["1"])]
    collect = make_table("t", "C", [("n", "number", None)], [("v", "number", None)], rules)
    assert found(collect, "DT303") == []
    unique = make_table("t", "U", [("n", "number", None)], [("v", "number", None)], rules)
    assert [d.data["merged_entry"] for d in found(unique, "DT303")] == ["[0..20]"]


@pytest.mark.parametrize(
    ("sources", "code", "severity"),
    [
        (("3.1.1", "3.1.4", "3.1.4"), "DT304", "info"),  # merging would lose a citation
        (("3.1.4", "3.1.4", "3.1.4"), "DT303", "warning"),
    ],
)
def test_merges_across_different_annotations_are_information(tmp_path, sources, code, severity):
    from engine.analysis import analyse
    from tests.helpers_core import read_sheets

    rows = [
        ["Decision: t"],
        ["U", "input", "output", "annotation"],
        ["Rule", "roll", "ok", "Källa"],
        ["Allowed values", '"a", "b", "c"', "true, false", ""],
    ]
    for label, entry, ok, source in zip(("R1", "R2", "R3"), ('"a"', '"b"', '"c"'), ("true", "true", "false"), sources):
        rows.append([label, entry, ok, source])
    merges = [d for d in analyse(read_sheets(tmp_path, {"t": rows}).tables) if d.code in ("DT303", "DT304")]
    assert [(d.code, d.severity.word, d.rules, str(d.location)) for d in merges] == [
        (code, severity, ("R1", "R2"), "t!A5")
    ]
    assert 'one rule with roll = not("c")' in merges[0].message
