"""Full FEEL (DMN 1.5): names with spaces, contexts, iteration, functions, temporal values, warnings."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.feel import ast
from engine.feel import values as V
from engine.feel.builtins import BUILTINS, registry
from engine.feel.compiler import FeelCompileError, compile_expression, compile_unary_tests
from engine.feel.parser import FeelSyntaxError, parse_expression, parse_unary_tests
from engine.feel.scope import FeelWarning, evaluate_with_warnings


def dmn(text: str, names: tuple[str, ...] = (), **scope: Any) -> Any:
    """The value of an expression of a DMN model (problems are null)."""
    node = parse_expression(text, names=names or tuple(scope))
    return compile_expression(node, strict=False, names=names or tuple(scope)).evaluate(scope)


def with_warnings(text: str, **scope: Any) -> tuple[Any, list[FeelWarning]]:
    compiled = compile_expression(parse_expression(text, names=tuple(scope)), strict=False, names=tuple(scope))
    return evaluate_with_warnings(compiled.evaluate, scope)


# ------------------------------------------------------------------ names


def test_names_with_spaces_resolve_against_the_names_in_scope():
    assert parse_expression("12 * Monthly Salary", names=["Monthly Salary"]) == ast.Arithmetic(
        "*", ast.Literal(12, 1), ast.Name("Monthly Salary", 6), 1
    )
    assert dmn('"Hello " + Full Name', **{"Full Name": "Ada"}) == "Hello Ada"
    # Extra white space inside the name is the same name (a name is a list of tokens).
    assert dmn("Monthly   Salary * 2", names=("Monthly Salary",), **{"Monthly Salary": 5}) == 10


def test_the_longest_name_wins_and_operators_may_be_inside_names():
    scope = {"a": 10, "b": 3, "a-b": 100}
    assert dmn("a-b", **scope) == 100
    assert dmn("(a)-(b)", **scope) == 7
    assert dmn("Profit and loss + 1", **{"Profit and loss": 1}) == 2


def test_without_the_name_in_scope_two_words_are_a_syntax_error():
    with pytest.raises(FeelSyntaxError) as caught:
        parse_expression("Monthly Salary")
    assert caught.value.message == "unexpected `Salary` after `Monthly`"
    assert caught.value.column == 9


def test_names_bound_by_the_expression_itself_need_no_scope():
    assert dmn("{first name: 1, last name: first name + 1}.last name") == 2
    assert dmn("for unit price in [1, 2] return unit price * 2") == [2, 4]
    assert dmn("(function(unit price) unit price + 1)(1)") == 2


def test_free_names_exclude_bound_ones():
    assert ast.names(parse_expression("for x in xs return x + y")) == {"xs", "y"}
    assert ast.names(parse_expression("{a: 1, b: a + c}")) == {"c"}
    assert ast.names(parse_expression("function(p) p + q")) == {"q"}
    assert ast.names(parse_expression("some x in xs satisfies x > limit")) == {"xs", "limit"}
    assert ast.names(parse_expression("items[item > n]")) == {"items", "n"}
    assert ast.names(parse_expression("PMT(rate, term) + upper case(s)")) == {"PMT", "rate", "term", "s"}
    assert ast.names(parse_unary_tests("? > limit")) == {"limit"}


# ------------------------------------------------------------------ contexts, lists, ranges


def test_contexts_and_paths():
    assert dmn('{a: 1, "b c": 2}.a') == 1
    assert dmn('{a: {b: [1, 2]}}.a.b[2]') == 2
    assert dmn("[{x: 1}, {x: 2}].x") == [1, 2]
    assert dmn('get value({"b c": 2}, "b c")') == 2


def test_filters_and_indexes():
    assert dmn("[1, 2, 3, 4][item > 2]") == [3, 4]
    assert dmn("[{x: 1, y: 2}, {x: 2, y: 3}][x = 1]") == [{"x": 1, "y": 2}]
    assert dmn("[1, 2, 3][-1]") == 3
    assert dmn("[1, 2, 3][0]") is None
    assert dmn("[1, 2, 3][n]", n=2) == 2


def test_iteration_and_quantifiers():
    assert dmn("for i in 1..3 return i * i") == [1, 4, 9]
    assert dmn("for i in 3..1 return i") == [3, 2, 1]
    assert dmn("for x in [1, 2], y in [10, 20] return x + y") == [11, 21, 12, 22]
    assert dmn("for i in 0..4 return if i = 0 then 1 else i * partial[-1]") == [1, 1, 2, 6, 24]
    assert dmn("some x in [1, 5] satisfies x > 4") is True
    assert dmn("every x in [1, 5] satisfies x > 4") is False


def test_ranges_in_between_and_instance_of():
    assert dmn("[1..10]") == V.Range(1, True, 10, True)
    assert dmn("5 in (1..5]") is True
    assert dmn("5 in < 5") is False
    assert dmn("5 in (1, 3, >= 5)") is True
    assert dmn("true in [false, 2, 3]") is False
    assert dmn("5 between 1 and 10") is True
    assert dmn("[1, 2] instance of list<number>") is True
    assert dmn('{a: 1} instance of context<a: string>') is False
    assert dmn('@"2026-01-31" instance of date') is True


def test_question_mark_is_the_input_in_a_unary_test():
    test = compile_unary_tests(parse_unary_tests("? > 5, ? = 1"), strict=False)
    assert [test.predicate(v, {}) for v in (6, 5, 1)] == [True, False, True]


# ------------------------------------------------------------------ functions


def test_function_literals_named_arguments_and_values_from_python():
    assert dmn("(function(a, b) a - b)(b: 1, a: 5)") == 4
    assert dmn('substring(string: "foobar", start position: 3, length: 2)') == "ob"
    square = V.Function(("x",), lambda args: args["x"] * args["x"], "square")
    assert dmn("square(4) + 1", square=square) == 17
    assert dmn("square(x: 3)", square=square) == 9


def test_a_wrong_call_is_null_with_a_warning_in_a_dmn_model():
    square = V.Function(("x",), lambda args: args["x"] * args["x"], "square")
    assert with_warnings("square(1, 2)", square=square) == (None, [FeelWarning("`square` takes 1 arguments, not 2", 1)])
    assert with_warnings("1 + nowhere(2)") == (None, [FeelWarning("`nowhere` is not defined", 5)])
    value, warnings = with_warnings('upper case(12)')
    assert value is None and warnings[0].message.startswith("`upper case` expects string as `string`, not number")
    assert with_warnings("1 / x", x=0) == (None, [FeelWarning("division by zero", 1)])


def test_a_workbook_keeps_load_errors_for_certain_typos():
    with pytest.raises(FeelCompileError) as caught:
        compile_expression(parse_expression("uppercase(x)"))
    assert caught.value.message == "unknown function `uppercase`"
    with pytest.raises(FeelCompileError) as arity:
        compile_expression(parse_expression("abs(1, 2)"))
    assert arity.value.message == "`abs` takes 1 argument, not 2"


def test_external_functions_are_an_allow_list_not_reflection():
    assert dmn('(function(a, b) external {java: {class: "java.lang.Math", method signature: "max(double, double)"}})(1, 2)') == 2
    value, warnings = with_warnings('(function(a) external {java: {class: "java.lang.Runtime", method signature: "exec(java.lang.String)"}})("ls")')
    assert value is None
    assert "not one this engine may call" in warnings[0].message


# ------------------------------------------------------------------ temporal values


def test_temporal_literals_constructors_and_properties():
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    assert dmn('@"2026-01-31T10:30:00@Europe/Paris"') == dt.datetime(2026, 1, 31, 10, 30, tzinfo=paris)
    assert dmn('date and time("2026-01-31T10:30:00+01:00") = @"2026-01-31T10:30:00@Europe/Paris"') is True
    assert dmn('@"2026-01-31T10:30:00@Europe/Paris".timezone') == "Europe/Paris"
    assert dmn('@"10:30:00+02:00".time offset') == dt.timedelta(hours=2)
    assert dmn('@"2026-01-31".weekday') == 6
    assert dmn('duration("P1DT25H").days') == 2
    assert dmn('duration("P1Y13M").months') == 1
    assert dmn('string(@"-P1DT2H")') == "-P1DT2H"


def test_temporal_arithmetic_follows_dmn():
    assert dmn('@"2021-01-31" + @"P1M"') == dt.date(2021, 2, 28)
    assert dmn('@"2021-01-02" - @"PT1H"') == dt.date(2021, 1, 1)
    assert dmn('@"2021-01-02T10:10:10@Europe/Paris" - @"2021-01-01T10:10:10@Asia/Dhaka"') == dt.timedelta(days=1, hours=5)
    assert dmn('@"2021-01-02T10:10:10" - @"2021-01-01T10:10:10+02:00"') is None  # local vs UTC form
    assert dmn('@"10:15:00" + @"P1D"') == dt.time(10, 15)
    assert dmn('@"P10Y11M" / 2.5') == V.YearsMonths(52)
    assert dmn('@"2021-01-01" * 10') is None


ZONES = st.sampled_from([None, dt.UTC, dt.timezone(dt.timedelta(hours=5, minutes=30)), zoneinfo.ZoneInfo("Europe/Stockholm")])
DATETIMES = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1))
DURATIONS = st.timedeltas(min_value=dt.timedelta(days=-3000), max_value=dt.timedelta(days=3000)).map(
    lambda d: dt.timedelta(days=d.days, seconds=d.seconds)
)


@settings(max_examples=200, deadline=None)
@given(DATETIMES, DATETIMES, ZONES, DURATIONS)
def test_temporal_arithmetic_agrees_with_datetime(a, b, zone, delta):
    a, b = a.replace(tzinfo=zone, microsecond=0), b.replace(tzinfo=zone, microsecond=0)
    scope = {"a": a, "b": b, "d": delta}
    if not isinstance(zone, zoneinfo.ZoneInfo):
        assert dmn("a + d", **scope) == a + delta
    else:  # a zoned value moves by elapsed time, as zoneinfo's UTC arithmetic does
        assert dmn("a + d", **scope) == (a.astimezone(dt.UTC) + delta).astimezone(zone)
    assert dmn("a - b", **scope) == a - b
    assert dmn("a < b", **scope) is (a < b)
    assert dmn("a.year * 10000 + a.month * 100 + a.day", **scope) == int(a.strftime("%Y%m%d"))


# ------------------------------------------------------------------ string() reads back

SIMPLE = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**12), max_value=10**12),
        st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**6), max_value=10**6),
        st.text(max_size=8),
        st.dates(min_value=dt.date(1, 1, 1)),
        DURATIONS,
        st.integers(min_value=-2000, max_value=2000).map(V.YearsMonths),
        DATETIMES.map(lambda d: d.replace(microsecond=0)),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["a", "b c", "d"]), inner, max_size=3)),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(SIMPLE)
def test_string_of_a_value_parses_back_where_feel_has_a_literal(value):
    value = V.to_feel(value)
    text = BUILTINS["string"](value)
    if value is None:
        assert text is None
        return
    if isinstance(value, str):
        assert text == value  # string(s) is s itself, not a literal
        return
    if V.category(value) in V.TEMPORAL:
        text = f'@"{text}"'
    back = compile_expression(parse_expression(text), strict=False).evaluate({})
    assert V.equals(back, value) is True, (value, text, back)


# ------------------------------------------------------------------ the registry


def test_every_builtin_is_declared_once_with_named_parameters():
    for name, function in registry().items():
        assert function.name == name
        for overload in function.overloads:
            assert len({p.name for p in overload.params}) == len(overload.params), name


def test_the_readme_lists_every_builtin_as_the_registry_declares_it():
    from pathlib import Path

    from engine.feel.builtins import markdown_list

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    block = readme.split("<!-- builtins:start -->\n", 1)[1].split("\n<!-- builtins:end -->", 1)[0]
    assert block == markdown_list()
    assert all(f"`{name}(" in block for name in registry())


def test_numbers_stay_decimal128():
    assert dmn("10 ** 6145") is None
    assert dmn("1.23e4") == 12300
    with pytest.raises(FeelSyntaxError):
        parse_expression("1e9999")
    assert dmn("decimal(1/3, 2)") == Decimal("0.33")
