"""Explanations: for each rule, matched, or the first cell that stopped it and why."""

from __future__ import annotations

from helpers_core import decision, load_sheets, one_decision

from engine.explain import RuleExplanation, explain


def test_each_rule_says_why(tmp_path):
    rules = [["R1", '"läkare"', "< 18", '"a"'], ["R2", '"läkare"', ">= 18", '"b"'], ["R3", '"sjuksköterska"', "-", '"c"']]
    model = one_decision(tmp_path, "U", ["yrkesroll", "ålder"], ["o"], rules)
    result = model.decide("d", {"yrkesroll": "läkare", "ålder": 30})
    (table,) = explain(model, result)
    assert (table.decision, table.hit_policy) == ("d", "UNIQUE")
    assert table.rules == (
        RuleExplanation("R1", False, False, "ålder = 30 does not match `< 18` (d!C4)"),
        RuleExplanation("R2", True, True, "all inputs match"),
        RuleExplanation("R3", False, False, 'yrkesroll = "läkare" does not match `"sjuksköterska"` (d!B6)'),
    )


def test_null_outcome_is_explained_as_such(tmp_path):
    model = one_decision(tmp_path, "U", ["ålder"], ["o"], [["R1", "< 18", '"barn"']])
    (table,) = explain(model, model.decide("d", {"ålder": "sjutton"}))
    assert table.rules[0].reason == (
        'ålder = "sjutton" is null (the types differ, or the value is missing) `< 18` (d!B4)'
    )


def test_matched_but_not_selected(tmp_path):
    model = one_decision(tmp_path, "F", ["x"], ["o"], [["R1", "> 5", "1"], ["R2", "> 3", "2"]])
    (table,) = explain(model, model.decide("d", {"x": 7}))
    assert table.rules[1] == RuleExplanation("R2", True, False, "all inputs match (not selected under FIRST)")


def test_required_decisions_are_explained_first(tmp_path):
    inner = decision("inner", "U", ["x"], ["v"], [["R1", "< 5", '"low"'], ["R2", ">= 5", '"high"']])
    outer = decision("outer", "U", ["inner"], ["w"], [["R1", '"low"', "1"], ["R2", '"high"', "2"]])
    model = load_sheets(tmp_path, {"s": inner + [[]] + outer})
    first, second = explain(model, model.decide("outer", {"x": 7}))
    assert first.decision == "inner" and [r.matched for r in first.rules] == [False, True]
    assert second.decision == "outer"
    assert second.rules[0].reason == 'inner = "high" does not match `"low"` (s!B10)'
    assert second.rules[1].selected
