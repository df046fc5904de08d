"""The JSON output layer: results, explanations, errors and decisions as plain data."""

from __future__ import annotations

import json

import pytest
from helpers_core import SHIPPED, decision, load_error, load_sheets

import engine
from engine import errors
from engine.output import decision_json, error_json, failed_case_json, result_json

NURSE = {"yrkesroll": "sjuksköterska", "kontakt": "1177 direkt", "vidare": "digitalt samma enhet annan dag", "ersätter_besök": False}  # fmt: skip


@pytest.fixture(scope="module")
def rulebook() -> engine.Model:
    return engine.load(SHIPPED)


def input_error(model: engine.Model, decision_name: str, inputs) -> engine.InputError:
    with pytest.raises(engine.InputError) as caught:
        model.decide(decision_name, inputs)
    return caught.value


def test_result_is_plain_json_with_a_message(rulebook):
    data = result_json(rulebook.decide("registrering", NURSE))
    assert data["decision"] == "registrering"
    assert data["matched"] == ["R7"]
    assert data["output"]["avslutar_ärendet"] == "mottagaren"
    assert data["message"] == "decision `registrering`: rule R7 applies"
    assert json.loads(json.dumps(data)) == data


def test_no_rule_is_a_result_whose_message_names_the_inputs(rulebook):
    case = dict(NURSE, ärendetyp="receptförnyelse", vidare="nej")
    data = result_json(rulebook.decide("registrering", case))
    assert data["output"] is None and data["matched"] == []
    assert data["message"].startswith("no rule of decision `registrering` applies to ")
    assert 'ärendetyp = "receptförnyelse"' in data["message"]


def test_explanation_names_required_decisions_their_answers_and_the_stopping_cell(rulebook):
    data = result_json(rulebook.decide("registrering", NURSE), rulebook, explain=True)
    tables = data["explanation"]
    assert [(t["decision"], t["output"]) for t in tables[:2]] == [
        ("kontakttyp", {"kontakttyp": "Text som inte ersätter besök"}),
        ("attribut", {"attribut_1177_direkt": True}),
    ]
    rules = {r["rule"]: r for r in tables[-1]["rules"]}
    assert rules["R7"]["selected"] and "stopped_by" not in rules["R7"]
    assert rules["R7"]["annotations"]["Källa"] == "3.1.2"
    assert rules["R8"]["stopped_by"] == {
        "input": "ersätter_besök", "value": False, "entry": "true", "location": "registrering!F13",
    }  # fmt: skip
    with pytest.raises(ValueError, match="needs the model"):
        result_json(rulebook.decide("registrering", NURSE), explain=True)


def test_a_misspelt_value_is_a_structured_problem_with_did_you_mean(rulebook):
    error = input_error(rulebook, "registrering", dict(NURSE, yrkesroll="sjukskoterska"))
    data = error_json(error)
    assert data["code"] == "invalid-input" == engine.InputError.code
    assert data["message"] == str(error)
    (problem,) = data["problems"]
    assert problem == {
        "input": "yrkesroll",
        "code": "not-allowed",
        "message": str(error),
        "value": "sjukskoterska",
        "allowed": ["sjuksköterska", "läkare", "annan vårdpersonal"],
        "did_you_mean": "sjuksköterska",
        "type": "string",
    }


def test_every_problem_of_a_call_is_listed_in_column_order(rulebook):
    case = dict(NURSE, yrkesroll="doktor", kontakt=None, ersätter_besök="ja")
    data = error_json(input_error(rulebook, "registrering", case))
    assert [(p["input"], p["code"]) for p in data["problems"]] == [
        ("yrkesroll", errors.NOT_ALLOWED),
        ("kontakt", errors.MISSING),
        ("ersätter_besök", errors.WRONG_TYPE),
    ]
    assert data["problems"][0]["did_you_mean"] is None
    assert data["problems"][2]["message"] == 'input `ersätter_besök` expects a boolean, got the text "ja"'
    assert data["problems"][2]["value"] == "ja" and data["problems"][2]["type"] == "boolean"


def test_unknown_names_are_problems_naming_the_real_inputs(rulebook):
    data = error_json(input_error(rulebook, "registrering", dict(NURSE, yrkesrolle="läkare", kontakttyp="x")))
    unknown, computed = data["problems"]
    assert unknown["code"] == errors.UNKNOWN_INPUT and unknown["input"] == "yrkesrolle"
    assert unknown["did_you_mean"] == "yrkesroll"
    assert "yrkesroll" in unknown["allowed"] and "kontakt" in unknown["allowed"]
    assert computed["code"] == errors.DECISION_AS_INPUT and computed["input"] == "kontakttyp"
    assert "cannot be passed as an input" in computed["message"]


def test_inputs_that_are_not_a_mapping(rulebook):
    (problem,) = error_json(input_error(rulebook, "registrering", ["läkare"]))["problems"]
    assert problem["code"] == errors.NOT_A_CONTEXT and problem["input"] is None
    assert problem["message"] == "inputs must be a mapping of input names to values, not list"


def test_unknown_decision_says_which_exist(rulebook):
    with pytest.raises(engine.UnknownDecisionError) as caught:
        rulebook.decide("registrerig", NURSE)
    data = error_json(caught.value)
    assert data["code"] == "unknown-decision"
    assert data["decision"] == "registrerig" and data["did_you_mean"] == "registrering"
    assert set(data["decisions"]) == {"registrering", "kontakttyp", "attribut"}


def test_rule_conflict_names_the_rules(tmp_path):
    model = load_sheets(tmp_path, decision("d", "U", ["x"], ["o"], [["R1", "> 5", '"big"'], ["R2", "> 8", '"huge"']]))
    with pytest.raises(engine.DecisionError) as caught:
        model.decide("d", {"x": 9})
    assert failed_case_json("d", caught.value) == {
        "decision": "d",
        "output": None,
        "matched": ["R1", "R2"],
        "message": "decision `d` is UNIQUE, but rules R1, R2 all match: only one rule may match",
        "error": {
            "code": "rule-conflict",
            "message": "decision `d` is UNIQUE, but rules R1, R2 all match: only one rule may match",
            "decision": "d",
            "rules": ["R1", "R2"],
        },
    }


def test_load_error_carries_every_diagnostic(tmp_path):
    error = load_error(tmp_path, decision("d", "U", ["x"], ["o"], [["R1", "[1..", '"a"'], ["R2", "< ", '"b"']]))
    data = error_json(error)
    assert data["code"] == "load-error"
    assert [(d["code"], d["location"]) for d in data["diagnostics"] if d["severity"] == "error"] == [
        ("DT001", "Sheet1!B4"),
        ("DT001", "Sheet1!B5"),
    ]


def test_decision_description_lists_inputs_in_column_order_with_allowed_values(rulebook):
    data = decision_json(rulebook, "registrering")
    assert data["hit_policy"] == "UNIQUE" and data["single_hit"] and data["rules"] == 21
    assert [i["name"] for i in data["inputs"]] == ["yrkesroll", "kontakt", "ärendetyp", "vidare", "ersätter_besök"]
    by_name = {i["name"]: i for i in data["inputs"]}
    assert by_name["ärendetyp"]["allowed"][-1] is None and by_name["ärendetyp"]["nullable"]
    assert by_name["yrkesroll"]["nullable"] is False
    assert by_name["ersätter_besök"]["type"] == "boolean"
    assert by_name["yrkesroll"]["location"] == "registrering!B3"
    assert [o["name"] for o in data["outputs"]][-1] == "avslutar_ärendet"
    assert data["annotations"] == ["Källa", "Scenario"]
    assert data["required_decisions"] == ["kontakttyp", "attribut"]
