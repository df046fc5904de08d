"""The decision graph: required decisions first, and cycles / unknown names / duplicates as errors."""

from __future__ import annotations

import pytest
from helpers_core import decision, load_error, load_sheets, only, read_sheets

import engine

# kontakttyp reads two inputs; registrering reads kontakttyp by name, as a column and in an output.
KONTAKTTYP = decision(
    "kontakttyp", "U", ["kontakt", "ersätter_besök"], ["typ"],
    [["R1", '"telefon"', "false", '"Telefonsamtal"'], ["R2", '"telefon"', "true", '"Telefonsamtal som ersätter besök"']],
)  # fmt: skip
REGISTRERING = decision(
    "registrering", "U", ["yrkesroll", "kontakttyp"], ["vårdkontakt", "vem"],
    [["R1", '"läkare"', '"Telefonsamtal"', "kontakttyp", '"jag"'], ["R2", "-", '"Telefonsamtal som ersätter besök"', "kontakttyp + \"!\"", '"mottagaren"']],
)  # fmt: skip


def test_required_decision_is_evaluated_first_and_visible_by_name(tmp_path):
    model = load_sheets(tmp_path, {"registrering": REGISTRERING, "kontakttyp": KONTAKTTYP})
    result = model.decide("registrering", {"yrkesroll": "läkare", "kontakt": "telefon", "ersätter_besök": False})
    assert result.output == {"vårdkontakt": "Telefonsamtal", "vem": "jag"}
    assert [(step.decision, step.output, step.matched) for step in result.trace] == [
        ("kontakttyp", {"typ": "Telefonsamtal"}, ("R1",))
    ]
    other = model.decide("registrering", {"yrkesroll": "läkare", "kontakt": "telefon", "ersätter_besök": True})
    assert other.output == {"vårdkontakt": "Telefonsamtal som ersätter besök!", "vem": "mottagaren"}


def test_inputs_of_a_decision_include_those_of_required_decisions(tmp_path):
    model = load_sheets(tmp_path, {"registrering": REGISTRERING, "kontakttyp": KONTAKTTYP})
    assert model.inputs_of("registrering") == {"yrkesroll", "kontakt", "ersätter_besök"}
    assert model.inputs_of("kontakttyp") == {"kontakt", "ersätter_besök"}


def test_a_decision_cannot_be_passed_as_an_input(tmp_path):
    model = load_sheets(tmp_path, {"registrering": REGISTRERING, "kontakttyp": KONTAKTTYP})
    with pytest.raises(engine.InputError) as caught:
        model.decide("registrering", {"yrkesroll": "läkare", "kontakttyp": "Telefonsamtal"})
    assert str(caught.value) == (
        "decision `registrering`: `kontakttyp` is a decision computed from other inputs; "
        "it cannot be passed as an input; its inputs: ersätter_besök, kontakt, yrkesroll"
    )


def test_multi_output_decision_is_read_as_name_dot_output(tmp_path):
    person = decision("person", "U", ["ålder"], ["grupp", "rabatt"], [["R1", "< 18", '"barn"', "50"], ["R2", ">= 18", '"vuxen"', "0"]])  # fmt: skip
    price = decision("pris", "U", ["person.grupp"], ["belopp"], [["R1", '"barn"', "100 - person.rabatt"], ["R2", '"vuxen"', "100"]])  # fmt: skip
    model = load_sheets(tmp_path, {"s": person + [[]] + price})
    assert model.decide("pris", {"ålder": 10}).output == {"belopp": 50}
    assert model.decide("pris", {"ålder": 40}).output == {"belopp": 100}


def test_collect_decision_is_seen_as_a_list(tmp_path):
    flags = decision("flaggor", "C", ["x"], ["flagga"], [["R1", "> 1", '"a"'], ["R2", "> 2", '"b"']])
    summary = decision("antal", "U", ["count(flaggor)"], ["n"], [["R1", "-", "count(flaggor)"]])
    model = load_sheets(tmp_path, {"s": flags + [[]] + summary})
    assert model.decide("antal", {"x": 3}).output == {"n": 2}
    assert model.decide("antal", {"x": 0}).output == {"n": 0}


def test_chain_of_three_is_evaluated_in_dependency_order(tmp_path):
    a = decision("a", "U", ["x"], ["v"], [["R1", "-", "x + 1"]])
    b = decision("b", "U", ["a"], ["v"], [["R1", "-", "a * 10"]])
    c = decision("c", "U", ["b", "a"], ["v"], [["R1", "-", "-", "b + a"]])
    model = load_sheets(tmp_path, {"s": c + [[]] + b + [[]] + a})
    result = model.decide("c", {"x": 1})
    assert result.output == {"v": 22}
    assert [step.decision for step in result.trace] == ["a", "b"]


def test_cycle_is_dt601_with_its_path(tmp_path):
    a = decision("a", "U", ["b"], ["v"], [["R1", "-", "1"]])
    b = decision("b", "U", ["a"], ["v"], [["R1", "-", "2"]])
    error = load_error(tmp_path, {"s": a + [[]] + b})
    dt601 = only(error.diagnostics, "DT601")  # reported once, not once per decision on it
    assert dt601.message == "decisions require each other in a cycle: a → b → a"
    assert str(dt601.location) == "s!A1"


def test_self_reference_is_a_cycle(tmp_path):
    rows = decision("a", "U", ["x"], ["v"], [["R1", "-", "a + 1"]])
    dt601 = only(load_error(tmp_path, {"s": rows}).diagnostics, "DT601")
    assert dt601.message == "decisions require each other in a cycle: a → a"


def test_unknown_name_is_dt602_at_the_first_cell_reading_it(tmp_path):
    rows = decision("d", "U", ["yrkesroll"], ["o"], [["R1", '"läkare"', '"ok"'], ["R2", "-", "yrkesrolle"]])
    dt602 = only(load_error(tmp_path, {"d": rows}).diagnostics, "DT602")
    assert dt602.message == "`yrkesrolle` is neither an input column nor a decision"
    assert str(dt602.location) == "d!C5"
    assert dt602.hint.startswith("did you mean `yrkesroll`? ")
    assert '"yrkesrolle"' in dt602.hint


def test_unquoted_text_in_an_entry_is_dt602(tmp_path):
    rows = decision("d", "U", ["yrkesroll"], ["o"], [["R1", "läkare", '"ok"']])
    dt602 = only(load_error(tmp_path, {"d": rows}).diagnostics, "DT602")
    assert str(dt602.location) == "d!B4"
    assert 'put it in double quotes: "läkare"' in dt602.hint


def test_duplicate_decision_is_dt603_naming_both_places(tmp_path):
    first = decision("d", "U", ["x"], ["o"], [["R1", "-", "1"]])
    second = decision("d", "U", ["x"], ["o"], [["R1", "-", "2"]])
    loaded = read_sheets(tmp_path, {"one": first, "two": second})
    dt603 = only(loaded.diagnostics, "DT603")
    assert dt603.message == "two decisions are named `d`"
    assert str(dt603.location) == "two!A1"
    assert "one!A1" in dt603.hint
