"""Hit policies (DMN 1.3), defaults and null semantics, on tiny workbooks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from helpers_core import decision, load_error, load_sheets, one_decision, only

import engine
from engine.model import Aggregator, HitPolicy

# Three overlapping rules over one number input `x`:
#   R1: x > 5     R2: x > 3     R3: x < 2
OVERLAPPING = [["R1", "> 5"], ["R2", "> 3"], ["R3", "< 2"]]


def with_outputs(*outputs: str) -> list[list[str]]:
    return [rule + [out] for rule, out in zip(OVERLAPPING, outputs)]


# ------------------------------------------------------------------ UNIQUE


def test_unique_gives_the_one_matching_rule(tmp_path):
    model = one_decision(tmp_path, "U", ["x"], ["o"], with_outputs('"a"', '"b"', '"c"'))
    result = model.decide("d", {"x": 4})
    assert result.output == {"o": "b"}
    assert result.matched == ("R2",)
    assert result.selected == ("R2",)
    assert result.applies


def test_unique_conflict_names_both_rules(tmp_path):
    model = one_decision(tmp_path, "U", ["x"], ["o"], with_outputs('"a"', '"b"', '"c"'))
    with pytest.raises(engine.DecisionError) as caught:
        model.decide("d", {"x": 7})
    assert caught.value.rules == ("R1", "R2")
    assert str(caught.value) == "decision `d` is UNIQUE, but rules R1, R2 all match: only one rule may match"


def test_no_rule_applies_is_a_result_not_an_error(tmp_path):
    model = one_decision(tmp_path, "U", ["x"], ["o"], with_outputs('"a"', '"b"', '"c"'))
    result = model.decide("d", {"x": 3})
    assert result.output is None
    assert result.matched == ()
    assert not result.applies
    assert result.message == "no rule of decision `d` applies to x = 3"
    assert result.as_dict() == {"decision": "d", "output": None, "matched": [], "message": result.message}


# ------------------------------------------------------------------ ANY


def test_any_accepts_several_rules_with_the_same_output(tmp_path):
    model = one_decision(tmp_path, "A", ["x"], ["o"], with_outputs('"same"', '"same"', '"other"'))
    result = model.decide("d", {"x": 7})
    assert result.output == {"o": "same"}
    assert result.matched == ("R1", "R2")
    assert result.selected == ("R1",)


def test_any_conflict_only_when_outputs_differ(tmp_path):
    model = one_decision(tmp_path, "A", ["x"], ["o", "p"], [r + ['"same"', n] for r, n in zip(OVERLAPPING, "123")])
    with pytest.raises(engine.DecisionError) as caught:
        model.decide("d", {"x": 7})
    assert caught.value.rules == ("R1", "R2")
    assert "ANY" in str(caught.value) and "R1, R2" in str(caught.value)


# ------------------------------------------------------------------ PRIORITY


def test_priority_picks_the_output_ranked_highest_in_allowed_values(tmp_path):
    rules = [["R1", "-", '"low"'], ["R2", "> 5", '"high"'], ["R3", "> 3", '"medium"']]
    model = one_decision(tmp_path, "P", ["x"], ["o"], rules, allowed={"o": '"high", "medium", "low"'})
    seven = model.decide("d", {"x": 7})
    assert seven.output == {"o": "high"}
    assert seven.matched == ("R1", "R2", "R3")
    assert seven.selected == ("R2",)
    assert model.decide("d", {"x": 4}).output == {"o": "medium"}
    assert model.decide("d", {"x": 1}).output == {"o": "low"}


def test_priority_without_allowed_values_is_load_error_dt007(tmp_path):
    error = load_error(tmp_path, {"d": decision("d", "P", ["x"], ["o"], [["R1", "-", '"a"']])})
    dt007 = only(error.diagnostics, "DT007")
    assert str(dt007.location) == "d!C3"
    assert dt007.message == "PRIORITY ranks rules by the outputs' allowed values, but `o` has none"
    assert str(error).startswith("d!C3: PRIORITY ranks rules")


def test_output_order_without_allowed_values_is_load_error_dt007(tmp_path):
    error = load_error(tmp_path, {"d": decision("d", "O", ["x"], ["o"], [["R1", "-", '"a"']])})
    assert "OUTPUT ORDER" in only(error.diagnostics, "DT007").message


# ------------------------------------------------------------------ FIRST, RULE ORDER, OUTPUT ORDER, COLLECT


def test_first_takes_the_first_match_in_table_order(tmp_path):
    model = one_decision(tmp_path, "F", ["x"], ["o"], with_outputs('"a"', '"b"', '"c"'))
    result = model.decide("d", {"x": 7})
    assert result.output == {"o": "a"}
    assert result.matched == ("R1", "R2")
    assert result.selected == ("R1",)


def test_rule_order_lists_every_match_in_table_order(tmp_path):
    model = one_decision(tmp_path, "R", ["x"], ["o"], with_outputs('"a"', '"b"', '"c"'))
    result = model.decide("d", {"x": 7})
    assert result.output == [{"o": "a"}, {"o": "b"}]
    assert result.selected == ("R1", "R2")
    empty = model.decide("d", {"x": 3})
    assert empty.output == [] and not empty.applies


def test_output_order_sorts_by_priority(tmp_path):
    model = one_decision(
        tmp_path, "O", ["x"], ["o"], with_outputs('"a"', '"b"', '"c"'), allowed={"o": '"c", "b", "a"'}
    )
    result = model.decide("d", {"x": 7})
    assert result.output == [{"o": "b"}, {"o": "a"}]
    assert result.selected == ("R2", "R1")
    assert result.matched == ("R1", "R2")


def test_collect_lists_every_match(tmp_path):
    model = one_decision(tmp_path, "C", ["x"], ["o"], with_outputs('"a"', '"b"', '"c"'))
    assert model.decide("d", {"x": 7}).output == [{"o": "a"}, {"o": "b"}]
    assert model.decide("d", {"x": 1}).output == [{"o": "c"}]


@pytest.mark.parametrize(
    "policy, seven, four, three",
    [
        ("C+", Decimal("12.5"), Decimal("2.5"), None),
        ("C<", Decimal("2.5"), Decimal("2.5"), None),
        ("C>", 10, Decimal("2.5"), None),
        ("C#", 2, 1, 0),
    ],
)
def test_collect_aggregations(tmp_path, policy, seven, four, three):
    model = one_decision(tmp_path, policy, ["x"], ["o"], with_outputs("10", "2.5", "-1"))
    assert model.decide("d", {"x": 7}).output == {"o": seven}
    assert model.decide("d", {"x": 4}).output == {"o": four}
    empty = model.decide("d", {"x": 3})
    assert empty.output == {"o": three}
    assert not empty.applies


def test_collect_sum_of_a_text_is_null(tmp_path):
    model = one_decision(tmp_path, "C+", ["x"], ["o"], with_outputs("1", '"two"', "3"))
    assert model.decide("d", {"x": 7}).output == {"o": None}


def test_aggregation_of_several_outputs_is_load_error_dt016(tmp_path):
    rows = decision("d", "C+", ["x"], ["o", "p"], [["R1", "-", "1", "2"]])
    dt016 = only(load_error(tmp_path, {"d": rows}).diagnostics, "DT016")
    assert str(dt016.location) == "d!A2"
    assert dt016.message == "C+ aggregates one output, but the table has 2"


@pytest.mark.parametrize(
    "corner, policy, aggregator",
    [
        ("UNIQUE", HitPolicy.UNIQUE, None),
        ("any", HitPolicy.ANY, None),
        ("FIRST", HitPolicy.FIRST, None),
        ("RULE ORDER", HitPolicy.RULE_ORDER, None),
        ("COLLECT", HitPolicy.COLLECT, None),
        ("COLLECT SUM", HitPolicy.COLLECT, Aggregator.SUM),
        ("COLLECT MIN", HitPolicy.COLLECT, Aggregator.MIN),
        ("COLLECT MAX", HitPolicy.COLLECT, Aggregator.MAX),
        ("COLLECT COUNT", HitPolicy.COLLECT, Aggregator.COUNT),
        ("C#", HitPolicy.COLLECT, Aggregator.COUNT),
    ],
)
def test_hit_policies_by_full_name(tmp_path, corner, policy, aggregator):
    model = one_decision(tmp_path, corner, ["x"], ["o"], [["R1", "-", "1"]])
    table = model.tables["d"].table
    assert (table.hit_policy, table.aggregator) == (policy, aggregator)


# ------------------------------------------------------------------ defaults


def test_default_output_when_no_rule_matches(tmp_path):
    model = one_decision(tmp_path, "U", ["x"], ["o", "p"], [["R1", "> 5", '"big"', "1"]], default={"o": '"none"'})
    result = model.decide("d", {"x": 1})
    assert result.output == {"o": "none", "p": None}
    assert not result.applies
    assert result.message.endswith("(the default output is used)")
    assert model.decide("d", {"x": 7}).output == {"o": "big", "p": 1}


def test_default_output_of_a_multi_hit_table_is_a_one_item_list(tmp_path):
    model = one_decision(tmp_path, "R", ["x"], ["o"], [["R1", "> 5", '"big"']], default={"o": '"none"'})
    assert model.decide("d", {"x": 1}).output == [{"o": "none"}]


def test_default_may_compute_from_inputs(tmp_path):
    model = one_decision(tmp_path, "U", ["x"], ["o"], [["R1", "> 5", "0"]], default={"o": "x * 2"})
    assert model.decide("d", {"x": 2}).output == {"o": 4}


# ------------------------------------------------------------------ multiple outputs and expressions


def test_multi_output_rule_gives_every_output(tmp_path):
    model = one_decision(
        tmp_path, "U", ["yrkesroll"], ["registreras", "vem"],
        [["R1", '"läkare"', "true", '"jag"'], ["R2", '"sjuksköterska"', "false", "null"]],
    )  # fmt: skip
    assert model.decide("d", {"yrkesroll": "läkare"}).output == {"registreras": True, "vem": "jag"}
    assert model.decide("d", {"yrkesroll": "sjuksköterska"}).output == {"registreras": False, "vem": None}


def test_outputs_and_input_headers_may_be_expressions(tmp_path):
    rules = [["R1", ">= 65", '"senior: " + string(patient.ålder)'], ["R2", "< 65", "patient.ålder + 0.5"]]
    model = one_decision(tmp_path, "U", ["patient.ålder"], ["o"], rules)
    assert model.decide("d", {"patient": {"ålder": 70}}).output == {"o": "senior: 70"}
    assert model.decide("d", {"patient": {"ålder": 30}}).output == {"o": Decimal("30.5")}


def test_entries_comparing_with_another_input(tmp_path):
    model = one_decision(tmp_path, "U", ["x", "limit"], ["o"], [["R1", "< limit", "-", '"under"'], ["R2", ">= limit", "-", '"over"']])  # fmt: skip
    assert model.decide("d", {"x": 3, "limit": 5}).output == {"o": "under"}
    assert model.decide("d", {"x": 5, "limit": 5}).output == {"o": "over"}


def test_date_column_accepts_iso_text_from_the_caller(tmp_path):
    model = one_decision(
        tmp_path, "U", ["dag"], ["o"], [["R1", '< date("2026-02-01")', '"januari"'], ["R2", '>= date("2026-02-01")', '"senare"']],
        types={"dag": "date"},
    )  # fmt: skip
    assert model.decide("d", {"dag": "2026-01-31"}).output == {"o": "januari"}
    assert model.decide("d", {"dag": dt.date(2026, 2, 1)}).output == {"o": "senare"}


# ------------------------------------------------------------------ null semantics


def test_comparison_across_types_does_not_match_and_says_why(tmp_path):
    model = one_decision(tmp_path, "U", ["ålder"], ["o"], [["R1", "< 18", '"barn"'], ["R2", ">= 18", '"vuxen"']])
    result = model.decide("d", {"ålder": "sjutton"})
    assert not result.applies
    assert result.output is None
    assert result.warnings == (
        "`ålder` is a string, but its column compares with number values: those entries are null (no match)",
    )


def test_null_input_matches_only_dash_and_null_entries(tmp_path):
    rules = [["R1", "< 18", '"barn"'], ["R2", "null", '"okänd"'], ["R3", "-", '"alla"']]
    model = one_decision(tmp_path, "R", ["ålder"], ["o"], rules)
    assert model.decide("d", {"ålder": None}).output == [{"o": "okänd"}, {"o": "alla"}]
    assert model.decide("d", {}).output == [{"o": "okänd"}, {"o": "alla"}]


def test_output_of_null_arithmetic_is_null_not_a_crash(tmp_path):
    model = one_decision(tmp_path, "U", ["x"], ["o"], [["R1", "-", "x + 1"]])
    assert model.decide("d", {"x": None}).output == {"o": None}
    assert model.decide("d", {"x": "a"}).output == {"o": None}


def test_two_decisions_in_one_sheet_and_a_second_sheet(tmp_path):
    first = decision("first", "U", ["x"], ["o"], [["R1", "-", "1"]])
    second = decision("second", "U", ["x"], ["o"], [["R1", "-", "2"]])
    third = decision("third", "U", ["x"], ["o"], [["R1", "-", "3"]])
    model = load_sheets(tmp_path, {"one": first + [[]] + second, "two": third})
    assert model.decisions == ("first", "second", "third")
    assert [model.decide(n, {"x": 0}).output["o"] for n in model.decisions] == [1, 2, 3]


@pytest.mark.parametrize("policy", ["C+", "C<", "C>", "C#"])
def test_default_output_of_an_aggregating_table_when_no_rule_matches(tmp_path, policy):
    # DMN (TCK 0020-vacation-days): the default output entry is the result when no rule matches.
    model = one_decision(tmp_path, policy, ["x"], ["o"], [["R1", "> 5", "3"], ["R2", "> 6", "4"]], default={"o": "10"})
    assert model.decide("d", {"x": 1}).output == {"o": 10}
    assert model.decide("d", {"x": 7}).output != {"o": 10}
