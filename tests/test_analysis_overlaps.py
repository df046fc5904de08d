"""Overlaps judged by hit policy (DT2xx)."""

from __future__ import annotations

from analysis_tables import make_table

from engine.analysis import analyse_table
from engine.diagnostics import Severity
from engine.model import Location

LEVEL = ("hög", "låg")  # PRIORITY: first listed wins


def found(ct, code):
    return [d for d in analyse_table(ct) if d.code == code]


def test_unique_overlap_is_an_error_with_the_shared_region_and_both_rules():
    ct = make_table(
        "avgift",
        "U",
        [("ålder", "number", None), ("kanal", "string", ("chatt", "video"))],
        [("avgift", "number", None)],
        [(["< 18", "-"], ["0"]), (["[16..20]", '"video"'], ["100"]), ([">= 18", "-"], ["200"])],
    )
    overlaps = found(ct, "DT201")
    assert [(d.message, d.location, d.rules, d.severity) for d in overlaps] == [
        (
            'rules 1 and 2 both match ålder in [16..18), kanal = "video"',
            Location("avgift", "A8"),
            ("1", "2"),
            Severity.ERROR,
        ),
        (
            'rules 2 and 3 both match ålder in [18..20], kanal = "video"',
            Location("avgift", "A9"),
            ("2", "3"),
            Severity.ERROR,
        ),
    ]
    assert overlaps[0].data["region"] == {"ålder": "[16..18)", "kanal": '"video"'}


def test_any_reports_only_overlaps_whose_outputs_differ():
    ct = make_table(
        "t",
        "A",
        [("n", "number", None)],
        [("v", "string", None)],
        [(["< 10"], ['"x"']), (["> 5"], ['"x"']), (["[7..8]"], ['"y"'])],
    )
    assert [(d.message, d.rules, d.location) for d in found(ct, "DT202")] == [
        (
            'rules 1 and 3 both match n in [7..8] but give different outputs (v: "x" vs "y")',
            ("1", "3"),
            Location("t", "A9"),
        ),
        (
            'rules 2 and 3 both match n in [7..8] but give different outputs (v: "x" vs "y")',
            ("2", "3"),
            Location("t", "A9"),
        ),
    ]
    assert all(d.severity is Severity.ERROR for d in found(ct, "DT202"))
    assert found(ct, "DT201") == []


def test_first_masked_rule_is_a_warning():
    ct = make_table(
        "t",
        "F",
        [("n", "number", None), ("b", "boolean", None)],
        [("v", "string", None)],
        [(["< 10", "-"], ['"a"']), (["< 5", "true"], ['"b"']), (["-", "-"], ['"c"'])],
    )
    (masked,) = found(ct, "DT204")
    assert masked.severity is Severity.WARNING
    assert masked.location == Location("t", "A8")
    assert masked.message == "rule 2 can never be selected: rule 1, above it, already matches every input it matches"
    assert masked.rules == ("2", "1")


def test_a_rule_hidden_by_several_earlier_rules_is_masked_too():
    ct = make_table(
        "t",
        "F",
        [("n", "number", None)],
        [("v", "string", None)],
        [(["< 5"], ['"a"']), ([">= 5"], ['"b"']), (["[1..9]"], ['"c"'])],
    )
    (masked,) = found(ct, "DT204")
    assert (
        masked.message == "rule 3 can never be selected: rules 1 and 2, above it, already match every input it matches"
    )


def test_priority_masked_rule_is_an_error():
    ct = make_table(
        "t",
        "P",
        [("n", "number", None), ("b", "boolean", None)],
        [("nivå", "string", LEVEL)],
        [(["< 5", "true"], ['"låg"']), (["< 10", "-"], ['"hög"']), ([">= 10", "-"], ['"låg"'])],
    )
    (masked,) = found(ct, "DT203")
    assert masked.severity is Severity.ERROR
    assert masked.location == Location("t", "A7")
    assert masked.message == (
        "rule 1 can never be selected: rule 2, with a higher-priority output, matches every input it matches"
    )


def test_misleading_rule_under_priority():
    ct = make_table(
        "t",
        "P",
        [("n", "number", None), ("b", "boolean", None)],
        [("nivå", "string", LEVEL)],
        [(["< 10", "-"], ['"hög"']), (["-", "true"], ['"låg"']), (["-", "false"], ['"låg"'])],
    )
    misleading = found(ct, "DT205")
    assert [(d.message, d.location, d.rules) for d in misleading] == [
        (
            'rule 2 is overridden by rule 1 where n < 10, b = true: rule 1 does not test b and gives nivå = "hög" there',
            Location("t", "A8"),
            ("2", "1"),
        ),
        (
            'rule 3 is overridden by rule 1 where n < 10, b = false: rule 1 does not test b and gives nivå = "hög" there',
            Location("t", "A9"),
            ("3", "1"),
        ),
    ]
    assert all(d.severity is Severity.WARNING for d in misleading)


def test_priority_without_known_priorities_says_so():
    ct = make_table(
        "t",
        "P",
        [("n", "number", None)],
        [("v", "string", None)],
        [(["< 10"], ['"x"']), (["< 5"], ['"y"'])],
    )
    (unknown,) = found(ct, "DT207")
    assert unknown.severity is Severity.INFO
    assert unknown.message == "output priorities unknown: masked and misleading rules are not checked"
    assert unknown.location == Location("t", "A1")


def test_multiple_hit_overlaps_are_one_info():
    ct = make_table(
        "poäng",
        "C",
        [("n", "number", None)],
        [("p", "number", None)],
        [(["> 1"], ["1"]), (["> 2"], ["1"]), (["< 0"], ["5"])],
    )
    (info,) = found(ct, "DT206")
    assert info.severity is Severity.INFO
    assert info.location == Location("poäng", "A1")
    assert info.message == "1 pair of rules overlap: rules 1 and 2; under COLLECT every matching rule contributes"
    assert info.data["pairs"] == [["1", "2"]]
    assert found(ct, "DT201") == [] and found(ct, "DT101") == []


def test_findings_of_one_code_are_capped_with_a_count_of_the_rest():
    rules = [([f"> {i}"], [str(i)]) for i in range(6)]  # nested: every pair overlaps
    ct = make_table("t", "U", [("n", "number", None)], [("v", "number", None)], rules)
    found = analyse_table(ct, max_per_check=4)
    assert [d.code for d in found].count("DT201") == 4
    (rest,) = [d for d in found if d.code == "DT103"]
    assert rest.message == "11 more DT201 findings are not listed for t"
    assert rest.data == {"code": "DT201", "omitted": 11}
