"""The Python API: load, decide, Result, and input checking with messages that say what is valid."""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers_core import SHIPPED, decision, load_sheets, one_decision, write_xlsx

import engine

ROLES = '"sjuksköterska", "läkare", "annan vårdpersonal"'


@pytest.fixture
def model(tmp_path) -> engine.Model:
    rules = [
        ["R1", '"läkare"', "< 18", '"barn hos läkare"'],
        ["R2", '"läkare"', ">= 18", '"vuxen hos läkare"'],
        ["R3", '"sjuksköterska", "annan vårdpersonal"', "-", '"övrigt"'],
    ]
    return one_decision(
        tmp_path, "U", ["yrkesroll", "ålder"], ["o"], rules,
        types={"yrkesroll": "string", "ålder": "number"}, allowed={"yrkesroll": ROLES},
    )  # fmt: skip


def input_error(model: engine.Model, inputs: dict) -> engine.InputError:
    with pytest.raises(engine.InputError) as caught:
        model.decide("d", inputs)
    return caught.value


def test_decide_returns_a_result(model):
    result = model.decide("d", {"yrkesroll": "läkare", "ålder": 17})
    assert result.decision == "d"
    assert result.output == {"o": "barn hos läkare"}
    assert result.matched == ("R1",)
    assert result.selected == ("R1",)
    assert result.applies
    assert result.message == "decision `d`: rule R1 applies"
    assert result.as_dict() == {
        "decision": "d", "output": {"o": "barn hos läkare"}, "matched": ["R1"], "message": "decision `d`: rule R1 applies"
    }  # fmt: skip
    assert result.trace == ()
    assert result.warnings == ()


def test_decimal_inputs_from_json_and_floats(model):
    assert model.decide("d", {"yrkesroll": "läkare", "ålder": Decimal("17.9")}).matched == ("R1",)
    assert model.decide("d", {"yrkesroll": "läkare", "ålder": 18.0}).matched == ("R2",)


def test_unknown_input_with_did_you_mean(model):
    error = input_error(model, {"yrkesrolle": "läkare", "ålder": 30})
    assert str(error) == "decision `d` has no input `yrkesrolle` (did you mean `yrkesroll`?); its inputs: yrkesroll, ålder"
    assert error.name == "yrkesrolle"


def test_every_unknown_input_is_named(model):
    error = input_error(model, {"yrkesrolle": "läkare", "alder": 30})
    assert "`yrkesrolle`" in str(error) and "`alder`" in str(error)


def test_wrong_type(model):
    error = input_error(model, {"yrkesroll": "läkare", "ålder": "17"})
    assert str(error) == 'input `ålder` expects a number, got the text "17"'
    assert (error.name, error.value) == ("ålder", "17")
    boolean = input_error(model, {"yrkesroll": "läkare", "ålder": True})
    assert str(boolean) == "input `ålder` expects a number, got the boolean true"


def test_value_not_allowed_suggests_the_closest(model):
    error = input_error(model, {"yrkesroll": "sjukskoterska", "ålder": 30})
    assert str(error) == (
        'input `yrkesroll`: "sjukskoterska" is not an allowed value (did you mean "sjuksköterska"?); '
        f"allowed: {ROLES}"
    )


def test_every_bad_value_is_named_at_once(model):
    error = input_error(model, {"yrkesroll": "sjukskoterska", "ålder": "17"})
    assert str(error).startswith("2 problems with the inputs: ")
    assert 'input `yrkesroll`: "sjukskoterska" is not an allowed value' in str(error)
    assert 'input `ålder` expects a number, got the text "17"' in str(error)


def test_missing_required_input(model):
    error = input_error(model, {"ålder": 30})
    assert str(error) == f"input `yrkesroll` is missing; it must be one of {ROLES}"
    assert error.name == "yrkesroll"


def test_inputs_must_be_a_mapping(model):
    with pytest.raises(engine.InputError, match="inputs must be a mapping of input names to values, not list"):
        model.decide("d", [("yrkesroll", "läkare")])


def test_unknown_decision_with_did_you_mean(model):
    with pytest.raises(engine.UnknownDecisionError) as caught:
        model.decide("e", {})
    assert str(caught.value) == "no decision named `e`; decisions: `d`"
    assert isinstance(caught.value, engine.InputError)
    with pytest.raises(engine.UnknownDecisionError, match=r"did you mean `d`\?"):
        model.decide("dd", {})


def test_decide_many_is_lazy_and_in_order(model):
    cases = iter([{"yrkesroll": "läkare", "ålder": 5}, {"yrkesroll": "läkare", "ålder": 50}, {"bad": 1}])
    results = model.decide_many("d", cases)
    assert next(results).matched == ("R1",)
    assert next(results).matched == ("R2",)
    with pytest.raises(engine.InputError):
        next(results)


def test_decimal_nan_is_not_a_crash(tmp_path):
    model = one_decision(tmp_path, "U", ["x"], ["o"], [["R1", "< 5", '"small"'], ["R2", ">= 5", '"big"']])
    try:
        result = model.decide("d", {"x": Decimal("NaN")})
    except engine.InputError as error:
        assert "`x`" in str(error)
    else:
        assert not result.applies


def test_nan_and_infinite_floats_are_null(tmp_path):
    model = one_decision(tmp_path, "U", ["x"], ["o"], [["R1", "< 5", '"small"'], ["R2", "null", '"none"']])
    assert model.decide("d", {"x": float("nan")}).output == {"o": "none"}
    assert model.decide("d", {"x": float("inf")}).output == {"o": "none"}


def test_warnings_stay_in_model_diagnostics(tmp_path):
    model = one_decision(tmp_path, "U", ["x"], ["o"], [["R1", "“a”", "1"]])
    assert [(d.code, str(d.location)) for d in model.diagnostics] == [("DT501", "d!B4")]


def test_load_error_lists_every_diagnostic(tmp_path):
    path = write_xlsx(tmp_path / "bad.xlsx", {"d": decision("d", "X", ["x"], ["o"], [["R1", "<", "1"]])})
    with pytest.raises(engine.LoadError) as caught:
        engine.load(path)
    assert [(d.code, str(d.location)) for d in caught.value.diagnostics] == [("DT002", "d!A2"), ("DT001", "d!B4")]
    assert str(caught.value) == "d!A2: `X` is not a hit policy (and 1 more error)"


def test_two_models_do_not_share_state(tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first = load_sheets(tmp_path / "one", {"d": decision("d", "U", ["x"], ["o"], [["R1", "-", '"first"']])})
    second = load_sheets(tmp_path / "two", {"d": decision("d", "U", ["x"], ["o"], [["R1", "-", '"second"']])})
    assert first.decide("d", {"x": 1}).output == {"o": "first"}
    assert second.decide("d", {"x": 1}).output == {"o": "second"}


# ------------------------------------------------------------------ the shipped rulebook, as in the README


def test_readme_eval_example():
    model = engine.load(SHIPPED)
    result = model.decide(
        "registrering",
        {"yrkesroll": "läkare", "kontakt": "1177 direkt", "ärendetyp": "receptförnyelse", "vidare": "nej", "ersätter_besök": False},
    )  # fmt: skip
    assert result.matched == ("R18",)
    assert result.output == {
        "registreras": True,
        "vårdkontakt": "Text som inte ersätter besök",
        "attribut_1177_direkt": True,
        "dokumentera_i_journalen": True,
        "diagnos_och_kva": False,
        "anteckningsmall": "1177 direkt",
        "avslutar_ärendet": "jag",
    }
    assert [step.decision for step in result.trace] == ["kontakttyp", "attribut"]


def test_readme_python_api_example():
    model = engine.load(SHIPPED.parent)
    result = model.decide(
        "registrering",
        {"yrkesroll": "sjuksköterska", "kontakt": "1177 direkt", "ärendetyp": None, "vidare": "digitalt samma enhet annan dag", "ersätter_besök": False},
    )  # fmt: skip
    assert result.output["avslutar_ärendet"] == "mottagaren"
    assert result.matched == ("R7",)
    assert result.selected == ("R7",)
    assert model.decisions == ("registrering", "kontakttyp", "attribut")
