"""FEEL-lite semantics: expressions, unary tests, null, and every built-in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from engine.feel import values as V
from engine.feel.builtins import BUILTINS
from engine.feel.compiler import FeelCompileError, compile_expression, compile_unary_tests
from engine.feel.parser import parse_expression, parse_unary_tests


def value(text: str, **context: Any) -> Any:
    """The value of an expression cell."""
    return compile_expression(parse_expression(text)).evaluate(context)


def entry_says(entry: str, candidate: Any, **context: Any) -> bool | None:
    """What an input entry says about ``candidate``: True, False or None (null)."""
    return compile_unary_tests(parse_unary_tests(entry)).predicate(candidate, context)


def compile_error(text: str) -> FeelCompileError:
    with pytest.raises(FeelCompileError) as caught:
        compile_expression(parse_expression(text))
    return caught.value


# ------------------------------------------------------------------ literals and arithmetic


def test_literals():
    assert value('"läkare"') == "läkare"
    assert value("12") == 12
    assert value("12.5") == Decimal("12.5")
    assert value("true") is True
    assert value("false") is False
    assert value("null") is None
    assert value('date("2026-01-31")') == dt.date(2026, 1, 31)
    assert value('[1, "a", null]') == [1, "a", None]


def test_decimals_are_exact():
    assert value("0.1 + 0.2") == Decimal("0.3")
    assert value("0.1 + 0.2 = 0.3") is True
    assert value("0.1 * 3") == Decimal("0.3")
    assert value("1.10 - 0.10") == 1


def test_division_rounds_to_34_digits_and_by_zero_is_null():
    assert value("1 / 3") == Decimal("0." + "3" * 34)
    assert value("10 / 4") == Decimal("2.5")
    assert value("6 / 3") == 2
    assert value("1 / 0") is None


def test_powers_and_negation():
    assert value("2 ** 10") == 1024
    assert value("2 ** -1") == Decimal("0.5")
    assert value("-x", x=5) == -5
    assert value("-x", x="a") is None
    assert value("-(2 - 5)") == 3


def test_arithmetic_on_wrong_types_or_null_is_null():
    assert value('"a" + 1') is None
    assert value("x + 1", x=None) is None
    assert value("x * 2", x=True) is None
    assert value("missing - 1") is None


def test_string_concatenation():
    assert value('"ersätter" + " " + "besök"') == "ersätter besök"
    assert value('a + "!"', a="hej") == "hej!"


def test_floats_from_the_caller_are_read_as_exact_decimals():
    assert value("x + 0.2", x=0.1) == Decimal("0.3")


# ------------------------------------------------------------------ comparisons and logic


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 < 2", True),
        ("2 <= 2", True),
        ("3 > 4", False),
        ("4 >= 4.0", True),
        ("1 = 1.0", True),
        ("1 != 2", True),
        ('"a" < "b"', True),
        ('"b" = "b"', True),
        ('date("2026-01-31") < date("2026-02-01")', True),
        ("true = true", True),
        ("null = null", True),
        ("null = 1", False),
        ("1 != null", True),
        ('1 < "a"', None),
        ('1 = "1"', None),
        ("null < 1", None),
        ("true < false", None),
    ],
)
def test_comparisons_are_three_valued(text, expected):
    assert value(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("true and true", True),
        ("true and false", False),
        ("true and null", None),
        ("false and null", False),
        ('false and "x"', False),
        ("true or null", True),
        ("false or null", None),
        ("false or false", False),
        ("null or true", True),
        ("not(true)", False),
        ("not(null)", None),
        ("not(1)", None),
    ],
)
def test_and_or_not_are_three_valued(text, expected):
    assert value(text) is expected


def test_if_then_else_takes_else_unless_the_condition_is_true():
    assert value('if x > 5 then "big" else "small"', x=7) == "big"
    assert value('if x > 5 then "big" else "small"', x=3) == "small"
    assert value('if x > 5 then "big" else "small"', x=None) == "small"
    assert value('if x > 5 then "big" else "small"', x="a") == "small"


def test_in():
    assert value("x in [1..5]", x=3) is True
    assert value("x in [1..5)", x=5) is False
    assert value('x in ["a", "b"]', x="b") is True
    assert value('x in ["a", "b"]', x="c") is False
    assert value("x in < 5", x=7) is False
    assert value("x in [1..5]", x=None) is None
    assert value("x in [1..5]", x="a") is None


def test_names_and_paths():
    assert value("ålder", ålder=70) == 70
    assert value("patient.ålder", patient={"ålder": 70}) == 70
    assert value("patient.ålder", patient={}) is None
    assert value("patient.ålder", patient="x") is None
    assert value("patient.ålder") is None
    assert value("a.b.c", a={"b": {"c": 1}}) == 1


def test_constant_subtrees_are_folded():
    folded = compile_expression(parse_expression("(1 + 2) * 3"))
    assert folded.is_constant and folded.value == 9
    dynamic = compile_expression(parse_expression("x + 1"))
    assert not dynamic.is_constant


# ------------------------------------------------------------------ compile errors


def test_unknown_function_names_the_column_and_the_known_ones():
    error = compile_error("1 + frobnicate(2)")
    assert error.message == "unknown function `frobnicate`"
    assert error.column == 5
    assert "string length" in error.hint


def test_wrong_number_of_arguments():
    error = compile_error("1 + abs(1, 2)")
    assert (error.message, error.column) == ("`abs` takes 1 argument, not 2", 5)
    assert compile_error('substring("a")').message == "`substring` takes 2 to 3 arguments, not 1"


def test_invalid_constant_date():
    error = compile_error('x + date("2026-02-30")')
    assert error.message == "not a valid date"
    assert error.column == 5
    assert 'date("2026-01-31")' in error.hint


def test_date_with_an_absurd_year_is_a_compile_error_not_a_crash():
    error = compile_error("date(99999999999999999999, 1, 1)")
    assert error.message == "not a valid date"


def test_interval_ends_must_be_non_null_and_of_one_type():
    with pytest.raises(FeelCompileError) as null_end:
        compile_unary_tests(parse_unary_tests("[null..5]"))
    assert null_end.value.message == "an interval end cannot be null"
    assert null_end.value.column == 1
    with pytest.raises(FeelCompileError) as mixed:
        compile_unary_tests(parse_unary_tests('"a", [1.."z"]'))
    assert mixed.value.column == 6
    assert "two numbers, two dates or two texts" in mixed.value.message


# ------------------------------------------------------------------ unary tests


def test_dash_matches_everything_null_included():
    for candidate in ("a", 1, None, True, [1], {"k": 1}):
        assert entry_says("-", candidate) is True
        assert entry_says("", candidate) is True


def test_equality_tests():
    assert entry_says('"läkare"', "läkare") is True
    assert entry_says('"läkare"', "Läkare") is False
    assert entry_says('"läkare"', None) is False
    assert entry_says('"läkare"', 1) is None  # across types: null, the rule does not match
    assert entry_says("12", 12) is True
    assert entry_says("12", Decimal("12.0")) is True
    assert entry_says("true", True) is True
    assert entry_says("true", 1) is None
    assert entry_says('date("2026-01-31")', dt.date(2026, 1, 31)) is True


def test_null_entry_matches_only_null():
    assert entry_says("null", None) is True
    assert entry_says("null", 0) is False
    assert entry_says("null", "") is False


def test_a_list_of_tests_is_true_if_any_is():
    assert entry_says('"a", "b"', "b") is True
    assert entry_says('"a", "b"', "c") is False
    assert entry_says('"a", < 5', 3) is True
    assert entry_says('"a", < 5', 7) is None  # `"a"` is null against a number, `< 5` false


@pytest.mark.parametrize(
    "entry, candidate, expected",
    [
        ("< 18", 17, True),
        ("< 18", 18, False),
        ("<= 18", 18, True),
        ("> 18", Decimal("18.5"), True),
        (">= 18", 17, False),
        ("= 18", 18, True),
        ("!= 18", 18, False),
        ("!= 18", 19, True),
        ("!= 18", None, True),
        ("< 18", None, None),
        ("< 18", "abc", None),
        ("< 18", True, None),
        ('< "m"', "a", True),
        ('< date("2026-02-01")', dt.date(2026, 1, 31), True),
    ],
)
def test_comparison_entries(entry, candidate, expected):
    assert entry_says(entry, candidate) is expected


@pytest.mark.parametrize(
    "entry, inside, edge_low, edge_high",
    [
        ("[1..5]", 3, True, True),
        ("[1..5)", 3, True, False),
        ("(1..5]", 3, False, True),
        ("(1..5)", 3, False, False),
        ("]1..5[", 3, False, False),
        ("]1..5]", 3, False, True),
        ("[1..5[", 3, True, False),
    ],
)
def test_interval_entries(entry, inside, edge_low, edge_high):
    assert entry_says(entry, inside) is True
    assert entry_says(entry, 1) is edge_low
    assert entry_says(entry, 5) is edge_high
    assert entry_says(entry, 0) is False
    assert entry_says(entry, 6) is False
    assert entry_says(entry, "3") is None
    assert entry_says(entry, None) is None


def test_string_and_date_intervals():
    assert entry_says('["a".."c"]', "b") is True
    assert entry_says('["a".."c"]', "d") is False
    assert entry_says('[date("2026-01-01")..date("2026-12-31")]', dt.date(2026, 6, 1)) is True


def test_not_negates_true_and_false_but_keeps_null():
    assert entry_says('not("telefon", "fysiskt besök")', "1177 direkt") is True
    assert entry_says('not("telefon", "fysiskt besök")', "telefon") is False
    assert entry_says("not(< 5)", 7) is True
    assert entry_says("not(< 5)", "a") is None
    assert entry_says("not(null)", 1) is True
    assert entry_says("not(null)", None) is False


def test_list_literal_entry_is_membership():
    assert entry_says('["a", "b"]', "a") is True
    assert entry_says('["a", "b"]', "c") is False
    assert entry_says("[1, 2]", 2) is True


def test_names_on_the_right_hand_side():
    assert entry_says("< limit", 5, limit=10) is True
    assert entry_says("< limit", 15, limit=10) is False
    assert entry_says("< limit", 5) is None  # limit missing: null
    assert entry_says("[low..high]", 5, low=1, high=9) is True
    assert entry_says("[low..high)", 9, low=1, high=9) is False
    assert entry_says("kind", "a", kind="a") is True
    assert entry_says("kinds", "b", kinds=["a", "b"]) is True


def test_a_test_of_constants_knows_its_exact_truth_and_one_with_names_does_not():
    assert compile_unary_tests(parse_unary_tests('"a", < 5')).truth is not None
    assert compile_unary_tests(parse_unary_tests("< limit")).truth is None


# ------------------------------------------------------------------ built-ins

BUILTIN_CASES: dict[str, list[tuple[str, Any]]] = {
    "string length": [('string length("åäö")', 3), ("string length(1)", None)],
    "substring": [
        ('substring("foobar", 3)', "obar"),
        ('substring("foobar", 3, 3)', "oba"),
        ('substring("foobar", -2, 1)', "a"),
        ("substring(1, 1)", None),
    ],
    "upper case": [('upper case("aBc4å")', "ABC4Å"), ("upper case(1)", None)],
    "lower case": [('lower case("aBc4Å")', "abc4å"), ("lower case(null)", None)],
    "contains": [('contains("foobar", "of")', False), ('contains("foobar", "ob")', True), ('contains(1, "a")', None)],
    "starts with": [('starts with("foobar", "fo")', True), ('starts with("foobar", "ob")', False)],
    "ends with": [('ends with("foobar", "r")', True), ('ends with("foobar", "o")', False)],
    "substring before": [('substring before("foobar", "bar")', "foo"), ('substring before("foobar", "xyz")', "")],
    "substring after": [('substring after("foobar", "ob")', "ar"), ('substring after("", "a")', "")],
    "abs": [("abs(-10)", 10), ("abs(-1.5)", Decimal("1.5")), ('abs("a")', None)],
    "floor": [("floor(1.5)", 1), ("floor(-1.5)", -2), ("floor(null)", None)],
    "ceiling": [("ceiling(1.5)", 2), ("ceiling(-1.5)", -1), ('ceiling("a")', None)],
    "min": [("min([3, 1, 2])", 1), ("min(3, 1, 2)", 1), ('min("b", "a")', "a"), ("min([])", None), ('min(1, "a")', None)],
    "max": [("max([3, 1, 2])", 3), ("max(3, 1, 2)", 3), ("max([])", None), ("max(1, true)", None)],
    "sum": [("sum([1, 2, 3])", 6), ("sum(1, 2, 3)", 6), ("sum([0.1, 0.2])", Decimal("0.3")), ('sum([1, "a"])', None)],
    "count": [("count([1, 2, 3])", 3), ("count([])", 0), ("count(1, 2)", 2)],
    "date": [('date("2026-01-31")', dt.date(2026, 1, 31)), ("date(2026, 1, 31)", dt.date(2026, 1, 31))],
    "string": [
        ("string(12.5)", "12.5"),
        ("string(true)", "true"),
        ('string("a")', "a"),
        ("string(null)", None),
        ('string(date("2026-01-31"))', "2026-01-31"),
    ],
    "number": [
        ('number("12,5")', Decimal("12.5")),
        ('number("12")', 12),
        ('number("abc")', None),
        ("number(1)", None),
        ('number("1.000.000,01", ".", ",")', Decimal("1000000.01")),
        ('number("1,000", ",", ",")', None),
    ],
    # ---- DMN 1.5 built-ins beyond FEEL-lite ----
    "date and time": [
        ('date and time("2026-01-31T10:30:00")', dt.datetime(2026, 1, 31, 10, 30)),
        ('date and time(date("2026-01-31"), time("10:30:00Z"))', dt.datetime(2026, 1, 31, 10, 30, tzinfo=dt.UTC)),
        ('date and time("2026-13-01T00:00:00")', None),
    ],
    "time": [("time(10, 30, 5)", dt.time(10, 30, 5)), ('time("24:00:00")', dt.time(0, 0)), ('time("25:00:00")', None)],
    "duration": [('duration("P1DT2H")', dt.timedelta(days=1, hours=2)), ('duration("P1Y2M")', V.YearsMonths(14)), ('duration("1D")', None)],
    "years and months duration": [('years and months duration(date("2020-01-31"), date("2021-03-01"))', V.YearsMonths(13))],
    "range": [
        ('range("[1..10)")', V.Range(1, True, 10, False)),
        ('range("[date(\\"2026-01-01\\")..@\\"2026-12-31\\"]")', V.Range(dt.date(2026, 1, 1), True, dt.date(2026, 12, 31), True)),
        ('range("[date(string(\\"2026-01-01\\"))..@\\"2026-12-31\\"]")', None),
        ('range("[3..1]")', None),
        ('range("x")', None),
    ],
    "replace": [('replace("abcd", "(ab)|(a)", "[1=$1][2=$2]")', "[1=ab][2=]cd"), ('replace("a.b", ".", "-", "q")', "a-b")],
    "matches": [('matches("Hello", "^h", "i")', True), ('matches("abc", "[")', None)],
    "split": [('split("a;b;;c", ";")', ["a", "b", "", "c"])],
    "string join": [('string join(["a", null, "c"], "-")', "a-c"), ("string join([])", "")],
    "list contains": [("list contains([1, null], null)", True), ("list contains([1], 2)", False)],
    "mean": [("mean([1, 2, 4])", Decimal("2." + "3" * 33)), ("mean([])", None)],
    "all": [("all([true, true])", True), ("all([true, null])", None), ("all(false, null)", False), ("all([1])", None)],
    "any": [("any([false, true])", True), ("any([false, null])", None), ("any([])", False)],
    "sublist": [("sublist([1, 2, 3], 2)", [2, 3]), ("sublist([1, 2, 3], -2, 1)", [2]), ("sublist([1], 5)", None)],
    "append": [("append([1], 2, 3)", [1, 2, 3])],
    "concatenate": [("concatenate([1], [2, 3])", [1, 2, 3]), ("concatenate([1], 2)", None)],
    "insert before": [("insert before([1, 3], 2, 2)", [1, 2, 3])],
    "remove": [("remove([1, 2, 3], -1)", [1, 2])],
    "reverse": [("reverse([1, 2, 3])", [3, 2, 1])],
    "index of": [("index of([1, 2, 1], 1)", [1, 3])],
    "union": [("union([1, 2], [2, 3])", [1, 2, 3])],
    "distinct values": [("distinct values([1, 2, 1, 1.0])", [1, 2])],
    "flatten": [("flatten([1, [2, [3]]])", [1, 2, 3])],
    "product": [("product([2, 3, 4])", 24), ("product(2, 0.5)", 1)],
    "median": [("median(8, 2, 5, 3, 4)", 4), ("median([6, 1, 2, 3])", Decimal("2.5"))],
    "stddev": [("stddev(2, 4, 7, 5)", Decimal("2.081665999466132735282297706979931")), ("stddev([1])", None)],
    "mode": [("mode(6, 3, 9, 6, 6)", [6]), ("mode([6, 1, 9, 6, 1])", [1, 6])],
    "sort": [("sort([3, 1, 2])", [1, 2, 3]), ("sort([3, 1, 2], function(x, y) x > y)", [3, 2, 1])],
    "list replace": [("list replace([1, 2, 3], 2, 9)", [1, 9, 3]), ("list replace([1, 2, 3], function(item, newItem) item > 1, 0)", [1, 0, 0])],
    "decimal": [("decimal(1/3, 2)", Decimal("0.33")), ("decimal(2.5, 0)", 2)],
    "round up": [("round up(5.5, 0)", 6), ("round up(-5.5, 0)", -6)],
    "round down": [("round down(5.5, 0)", 5), ("round down(-5.5, 0)", -5)],
    "round half up": [("round half up(5.5, 0)", 6), ("round half up(-5.5, 0)", -6)],
    "round half down": [("round half down(5.5, 0)", 5), ("round half down(-5.5, 0)", -5)],
    "modulo": [("modulo(12, 5)", 2), ("modulo(-12, 5)", 3), ("modulo(1, 0)", None)],
    "sqrt": [("sqrt(16)", 4), ("sqrt(-1)", None)],
    "log": [("log(1)", 0), ("log(0)", None)],
    "exp": [("exp(0)", 1)],
    "odd": [("odd(5)", True), ("odd(2)", False), ("odd(1.5)", None)],
    "even": [("even(2)", True), ("even(5)", False)],
    "day of year": [('day of year(date("2019-09-17"))', 260)],
    "day of week": [('day of week(date("2019-09-17"))', "Tuesday")],
    "month of year": [('month of year(date("2019-09-17"))', "September")],
    "week of year": [('week of year(date("2005-01-01"))', 53)],
    "last day of month": [('last day of month(date("2024-02-10"))', dt.date(2024, 2, 29))],
    "now": [("now() instance of date and time", True)],
    "today": [("today() instance of date", True)],
    "before": [("before(1, 10)", True), ("before([1..5], [5..10])", False), ("before([1..5), [5..10])", True)],
    "after": [("after(10, [1..5])", True), ("after(1, [1..5])", False)],
    "meets": [("meets([1..5], [5..10])", True), ("meets([1..5), [5..10])", False)],
    "met by": [("met by([5..10], [1..5])", True)],
    "overlaps": [("overlaps([1..5], [3..8])", True), ("overlaps([1..5), [5..8])", False)],
    "overlaps before": [("overlaps before([1..5], [3..8])", True), ("overlaps before([3..8], [1..5])", False)],
    "overlaps after": [("overlaps after([3..8], [1..5])", True)],
    "finishes": [("finishes(5, [1..5])", True), ("finishes([3..5], [1..5])", True), ("finishes(5, [1..5))", False)],
    "finished by": [("finished by([1..5], 5)", True)],
    "includes": [("includes([1..10], 5)", True), ("includes([1..10], [2..3])", True), ("includes([1..10), 10)", False)],
    "during": [("during(5, [1..10])", True), ("during([1..10], [2..3])", False)],
    "starts": [("starts(1, [1..5])", True), ("starts((1..3], [1..5])", False)],
    "started by": [("started by([1..5], [1..3])", True)],
    "coincides": [("coincides(5, 5)", True), ("coincides([1..5], [1..5))", False)],
    "get value": [('get value({a: 1}, "a")', 1), ('get value({a: 1}, "b")', None)],
    "get entries": [("get entries({a: 1})", [{"key": "a", "value": 1}])],
    "context": [('context([{key: "a", value: 1}])', {"a": 1}), ('context([{key: "a", value: 1}, {key: "a", value: 2}])', None)],
    "context put": [('context put({a: 1}, "b", 2)', {"a": 1, "b": 2}), ('context put({a: {b: 1}}, ["a", "b"], 2)', {"a": {"b": 2}})],
    "context merge": [("context merge([{a: 1}, {a: 2, b: 3}])", {"a": 2, "b": 3})],
    "not": [("not(true)", False), ("not(null)", None)],
    "is": [('is(@"10:00:00Z", @"11:00:00+01:00")', False), ("is(1, 1.0)", True), ('is(1, "1")', False)],
}


def test_every_builtin_is_covered_here():
    assert set(BUILTIN_CASES) == set(BUILTINS)


def dmn_value(text: str) -> Any:
    """The value of an expression compiled as for an imported DMN model (problems are null)."""
    return compile_expression(parse_expression(text), strict=False).evaluate({})


@pytest.mark.parametrize(
    "text, expected",
    [case for cases in BUILTIN_CASES.values() for case in cases],
    ids=[text for cases in BUILTIN_CASES.values() for text, _ in cases],
)
def test_builtin(text, expected):
    result = dmn_value(text)
    if expected is None or isinstance(expected, bool):
        assert result is expected
    else:
        assert result == expected
        assert not isinstance(result, bool)


def test_dynamic_date_with_bad_text_is_null():
    assert value("date(d)", d="2026-02-30") is None
    assert value("date(d)", d="31/01/2026") is None


def test_number_of_nan_text_is_null_not_a_crash():
    assert value("number(s) > 5", s="NaN") is None


def test_number_of_infinity_text_is_null():
    assert value("number(s)", s="Infinity") is None
