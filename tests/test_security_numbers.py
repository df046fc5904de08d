"""Numbers stay inside decimal128 everywhere: past its range a number is null with a warning,
never an hour of integer arithmetic, a 4,300-digit crash or a traceback."""

from __future__ import annotations

import csv
import json
import time
from decimal import Decimal

import pytest
from helpers_core import decision, write_xlsx
from helpers_hostile import dtable, dtable_here, error_line

import engine
from engine.feel import values as V
from engine.feel.compiler import compile_expression
from engine.feel.parser import parse_expression

OUTPUTS = {
    "floor": "floor(x)", "ceiling": "ceiling(x)", "sum": "sum(x, x)", "square": "x * x",
    "abs": "abs(x)", "negated": "-x", "plus": "x + 1", "power": "x ** 3",
}  # fmt: skip
WARNING = "`x` = {} is not a FEEL number (FEEL numbers are decimal128: 34 digits, magnitude below 1E+6145): it is null"


@pytest.fixture
def arithmetic(tmp_path):
    rows = decision("d", "U", ["x"], list(OUTPUTS), [["R1", "-", *OUTPUTS.values()]], types={"x": "number"})
    return write_xlsx(tmp_path / "numbers.xlsx", {"d": rows})


def evaluate(book, x_json: str, *, capped: bool = False):
    args = ("eval", str(book), "-d", "d", "-i", '{"x": ' + x_json + "}")
    run = dtable(*args, timeout=20) if capped else dtable_here(*args)
    assert run.returncode == 0 and run.stderr == "", run.stderr[-2000:]
    return json.loads(run.stdout)


def test_past_the_range_an_input_is_null_with_a_warning(arithmetic):
    result = evaluate(arithmetic, "1e999999999", capped=True)  # 10**999999999 took minutes
    assert result["output"] == dict.fromkeys(OUTPUTS)
    assert result["warnings"] == [WARNING.format("1E+999999999")]


def test_at_the_edge_of_the_range_results_overflow_to_null(arithmetic):
    output = evaluate(arithmetic, "9e6144")["output"]
    assert output == {
        "floor": "9E+6144", "ceiling": "9E+6144", "sum": None, "square": None,
        "abs": "9E+6144", "negated": "-9E+6144", "plus": "9E+6144", "power": None,
    }  # fmt: skip  (past a double's range, JSON gets the number as text)


def test_whole_numbers_past_34_digits_are_rounded_not_crashes(arithmetic):
    output = evaluate(arithmetic, "1" * 40)["output"]
    assert output["floor"] == output["abs"] == pytest.approx(1.111111111111111e39)
    assert output["negated"] == pytest.approx(-1.111111111111111e39)
    assert output["square"] == pytest.approx(1.234567901234568e78)


def test_a_31_digit_number_in_messages_explanations_and_batch_echo(tmp_path):
    big = "1234567890123456789012345678901"
    rows = decision("d", "U", ["x"], ["o"], [["R1", "< 5", "x"]], types={"x": "number"})
    book = write_xlsx(tmp_path / "rules.xlsx", {"d": rows})
    run = dtable_here("eval", str(book), "-d", "d", "-i", '{"x": ' + big + "}", "--explain", "--format", "table")
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert f"no rule of decision `d` applies to x = {big}" in run.stdout
    assert f"R1: x = {big} does not match `< 5`" in run.stdout
    cases = tmp_path / "cases.csv"
    cases.write_text(f"x\n{big}\n{big}.5\n", "utf-8")
    run = dtable_here("batch", str(book), "-d", "d", "--in", str(cases), "--out", str(tmp_path / "r.csv"), "--no-progress")
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    with open(tmp_path / "r.csv", newline="", encoding="utf-8") as file:
        assert [row[0] for row in csv.reader(file)] == ["x", big, f"{big}.5"]


def test_huge_python_ints_never_reach_int_to_text(tmp_path):
    rows = decision("d", "U", ["x"], ["o"], [["R1", "-", "x * x"]], types={"x": "number"}, allowed={"x": "1, 2"})
    model = engine.load(write_xlsx(tmp_path / "rules.xlsx", {"d": rows}))
    start = time.perf_counter()
    with pytest.raises(engine.InputError) as caught:
        model.decide("d", {"x": 10**100_000})
    assert str(caught.value) == (
        "input `x`: a number of about 100,000 digits is not a FEEL number "
        "(FEEL numbers are decimal128: 34 digits, magnitude below 1E+6145); it must be one of 1, 2"
    )
    assert time.perf_counter() - start < 5  # converting it to a Decimal takes about a minute


def test_integer_arithmetic_stays_in_decimal128(tmp_path):
    rows = decision("d", "U", ["x"], ["o"], [["R1", "-", "x * x * x * x"]], types={"x": "number"})
    model = engine.load(write_xlsx(tmp_path / "rules.xlsx", {"d": rows}))
    assert model.decide("d", {"x": 10**33}).output == {"o": Decimal("1.000000000000000000000000000000000E+132")}
    assert model.decide("d", {"x": 10**2000}).output == {"o": None}  # 1E+8000: past the range
    assert V.to_json(model.decide("d", {"x": 10**20}).output["o"]) == pytest.approx(1e80)


@pytest.mark.parametrize(
    "cell, value",
    [
        ("9 ** (9 ** 9)", None),  # 9 ** 387,420,489 (`**` is left-associative: 9 ** 9 ** 9 is (9 ** 9) ** 9)
        ("floor(" + "9" * 3990 + ".5)", Decimal("1.000000000000000000000000000000000E+3990")),
        ("ceiling(-" + "9" * 3980 + ".5)", Decimal("-1.000000000000000000000000000000000E+3980")),
        ("sum(" + ", ".join(["9" * 1000] * 3) + ")", Decimal("3.000000000000000000000000000000000E+1000")),
        ("-1.234567890123456789012345678901", Decimal("-1.234567890123456789012345678901")),
        ("0.1 + 0.2", Decimal("0.3")),
    ],
)
def test_constant_folding_at_load_time_is_bounded(cell, value):
    start = time.perf_counter()
    assert compile_expression(parse_expression(cell)).value == value
    assert time.perf_counter() - start < 5


def test_number_text_past_the_range_is_null():
    assert compile_expression(parse_expression('number("1e999999999")')).value is None
    assert compile_expression(parse_expression('number("1e6144")')).value == Decimal("1E+6144")


def test_json_output_is_always_valid_json():
    for value in (Decimal("1E+6144"), Decimal("-1E+400"), Decimal("1E-7000"), 10**40, Decimal("NaN")):
        json.loads(json.dumps(V.to_json(value), allow_nan=False))


def test_numbers_in_messages_are_short(tmp_path):
    assert V.format_number(Decimal("1E+6144")) == "1E+6144"
    assert V.format_number(Decimal("1E-6143")) == "1E-6143"
    assert V.format_number(10**40) == "1E+40"
    assert V.format_number(Decimal("123.4500")) == "123.45"
    assert V.format_number(Decimal("-0")) == "0"


def test_decimal_inputs_past_the_range_in_a_table_with_allowed_values(tmp_path):
    rows = decision("d", "U", ["x"], ["o"], [["R1", "-", "1"]], allowed={"x": "1, 2"})
    book = write_xlsx(tmp_path / "rules.xlsx", {"d": rows})
    assert error_line(dtable_here("eval", str(book), "-d", "d", "-i", '{"x": -1e7000}')) == (
        "input `x`: -1E+7000 is not a FEEL number (FEEL numbers are decimal128: 34 digits, magnitude below 1E+6145); "
        "it must be one of 1, 2"
    )


def test_batch_echo_of_numbers_past_the_range(arithmetic, tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"x": 1e999999999}\n{"x": 1e400}\n', "utf-8")
    target = tmp_path / "r.jsonl"
    run = dtable("batch", str(arithmetic), "-d", "d", "--in", str(cases), "--out", str(target), "--no-progress", timeout=20)
    assert run.returncode == 0, run.stderr
    past, edge = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert past["x"] is None and past["floor"] is None and past["error"] is None
    assert edge["x"] == "1E+400" and edge["square"] == "1E+800"
