"""FEEL-lite text -> syntax tree, and syntax errors an analyst can act on."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine.feel import ast
from engine.feel.compiler import FeelCompileError, compile_expression, compile_unary_tests
from engine.feel.parser import FeelSyntaxError, parse_expression, parse_unary_tests

# ------------------------------------------------------------------ unary tests


def test_dash_and_empty_cell_are_any():
    assert parse_unary_tests("-") == ast.AnyTest(1)
    assert isinstance(parse_unary_tests(""), ast.AnyTest)
    assert isinstance(parse_unary_tests("   "), ast.AnyTest)


def test_literals_are_equality_tests():
    assert parse_unary_tests('"läkare"').tests == (ast.EqualTest(ast.Literal("läkare", 1), 1),)
    assert parse_unary_tests("12").tests[0].value == ast.Literal(12, 1)
    assert parse_unary_tests("12.50").tests[0].value == ast.Literal(Decimal("12.50"), 1)
    assert parse_unary_tests("-3").tests[0].value == ast.Literal(-3, 1)
    assert parse_unary_tests("true").tests[0].value == ast.Literal(True, 1)
    assert parse_unary_tests("false").tests[0].value == ast.Literal(False, 1)
    assert parse_unary_tests("null").tests[0].value == ast.Literal(None, 1)


def test_a_list_of_tests_keeps_each_column():
    parsed = parse_unary_tests('"a", "b",   "c"')
    assert [t.value.value for t in parsed.tests] == ["a", "b", "c"]
    assert [t.col for t in parsed.tests] == [1, 6, 13]
    assert parsed.negated is False


@pytest.mark.parametrize("op", ["<", "<=", ">", ">=", "=", "!="])
def test_comparisons(op):
    (test,) = parse_unary_tests(f"{op} 18").tests
    assert test == ast.CompareTest(op, ast.Literal(18, len(op) + 2), 1)


@pytest.mark.parametrize(
    "text, low_closed, high_closed",
    [
        ("[1..5]", True, True),
        ("[1..5)", True, False),
        ("[1..5[", True, False),
        ("(1..5]", False, True),
        ("]1..5]", False, True),
        ("(1..5)", False, False),
        ("]1..5[", False, False),
    ],
)
def test_intervals_with_every_kind_of_end(text, low_closed, high_closed):
    (test,) = parse_unary_tests(text).tests
    assert isinstance(test, ast.IntervalTest)
    assert (test.low.value, test.low_closed, test.high.value, test.high_closed) == (1, low_closed, 5, high_closed)


def test_interval_of_negative_decimals_and_of_dates():
    (test,) = parse_unary_tests("[-1.5..-0.5]").tests
    assert (test.low.value, test.high.value) == (Decimal("-1.5"), Decimal("-0.5"))
    (dates,) = parse_unary_tests('[date("2026-01-01")..date("2026-12-31")]').tests
    assert dates.low == ast.Call("date", (ast.Literal("2026-01-01", 7),), 2)


def test_not_wraps_the_whole_list():
    parsed = parse_unary_tests('not("telefon", < 3)')
    assert parsed.negated is True
    assert parsed.tests == (
        ast.EqualTest(ast.Literal("telefon", 5), 5),
        ast.CompareTest("<", ast.Literal(3, 18), 16),
    )


def test_list_literal_as_a_test():
    (test,) = parse_unary_tests('["a", "b"]').tests
    assert test.value == ast.ListExpr((ast.Literal("a", 2), ast.Literal("b", 7)), 1)


def test_names_on_the_right_hand_side():
    (test,) = parse_unary_tests("< limit").tests
    assert test.endpoint == ast.Name("limit", 3)
    (interval,) = parse_unary_tests("[min_age..max_age]").tests
    assert (interval.low, interval.high) == (ast.Name("min_age", 2), ast.Name("max_age", 11))


def test_unicode_names_and_dotted_paths():
    assert parse_expression("ersätter_besök") == ast.Name("ersätter_besök", 1)
    assert parse_expression("ÅÄÖ_åäö") == ast.Name("ÅÄÖ_åäö", 1)
    assert parse_expression("patient.ålder") == ast.Path(ast.Name("patient", 1), "ålder", 1)
    nested = parse_expression("a.b.c")
    assert nested == ast.Path(ast.Path(ast.Name("a", 1), "b", 1), "c", 1)


def test_date_literal_is_a_call():
    assert parse_expression('date("2026-01-31")') == ast.Call("date", (ast.Literal("2026-01-31", 6),), 1)


# ------------------------------------------------------------------ expressions


def test_arithmetic_precedence_and_associativity():
    assert parse_expression("1 + 2 * 3") == ast.Arithmetic(
        "+", ast.Literal(1, 1), ast.Arithmetic("*", ast.Literal(2, 5), ast.Literal(3, 9), 5), 1
    )
    assert parse_expression("10 - 4 - 3") == ast.Arithmetic(
        "-", ast.Arithmetic("-", ast.Literal(10, 1), ast.Literal(4, 6), 1), ast.Literal(3, 10), 1
    )
    assert parse_expression("(1 + 2) * 3").op == "*"


def test_negation_of_a_name():
    assert parse_expression("-x") == ast.Negative(ast.Name("x", 2), 1)


def test_logic_if_and_in():
    assert parse_expression("a and b or c") == ast.Or(
        (ast.And((ast.Name("a", 1), ast.Name("b", 7)), 1), ast.Name("c", 12)), 1
    )
    assert parse_expression("not(a)") == ast.Not(ast.Name("a", 5), 1)
    assert parse_expression("if a then 1 else 2") == ast.If(ast.Name("a", 4), ast.Literal(1, 11), ast.Literal(2, 18), 1)
    parsed = parse_expression("x in [1..5)")
    assert isinstance(parsed, ast.In) and isinstance(parsed.test, ast.IntervalTest)
    assert parse_expression('x in ["a", "b"]').test == ast.EqualTest(
        ast.ListExpr((ast.Literal("a", 7), ast.Literal("b", 12)), 6), 6
    )


def test_comparison_expression():
    assert parse_expression("a >= 3") == ast.Comparison(">=", ast.Name("a", 1), ast.Literal(3, 6), 1)


def test_builtins_with_spaces_in_their_names():
    assert parse_expression('string length("abc")') == ast.Call("string length", (ast.Literal("abc", 15),), 1)
    assert parse_expression('upper case ("x")').function == "upper case"
    assert parse_expression('substring before("a-b", "-")').function == "substring before"


def test_string_escapes():
    assert parse_expression(r'"say \"hi\""') == ast.Literal('say "hi"', 1)
    assert parse_expression(r'"a\\b"').value == "a\\b"
    assert parse_expression(r'"tab\there"').value == "tab\there"
    assert parse_expression(r'"\u00e5"').value == "å"


def test_names_read_by_a_node():
    assert ast.names(parse_expression("if patient.ålder > limit then x else 1")) == {"patient", "limit", "x"}
    assert ast.names(parse_unary_tests('< limit, "a"')) == {"limit"}
    assert ast.names(parse_expression('upper case(namn)')) == {"namn"}


# ------------------------------------------------------------------ syntax errors


def syntax_error(text: str, parse=parse_unary_tests) -> FeelSyntaxError:
    with pytest.raises(FeelSyntaxError) as caught:
        parse(text)
    return caught.value


def test_comparison_without_a_value():
    error = syntax_error("<")
    assert error.message == "after `<` a value is expected"
    assert error.column == 2
    assert error.hint == 'e.g. `< 18` or `< "text"`'
    assert str(error) == "column 2: after `<` a value is expected"
    assert error.caret == "<\n ^"


def test_unclosed_string():
    error = syntax_error('"läkare')
    assert (error.message, error.column) == ("this text is not closed", 1)
    assert 'closing `"`' in error.hint
    later = syntax_error('"a", "b')
    assert later.column == 6


def test_single_quotes():
    error = syntax_error("'läkare'")
    assert error.message == "text values use double quotes, not single quotes"
    assert error.column == 1
    assert error.hint == 'write "läkare"'


def test_unquoted_text_with_spaces_points_at_the_second_word():
    error = syntax_error("läkare annan")
    assert error.message == "unexpected `annan` after `läkare`"
    assert error.column == 8
    assert "double quotes" in error.hint
    assert error.caret == "läkare annan\n       ^"


def test_unclosed_interval_and_missing_upper_end():
    unclosed = syntax_error("[18..65")
    assert (unclosed.message, unclosed.column) == ("an interval is not closed", 8)
    assert "`]` (included) or `)` (excluded)" in unclosed.hint
    no_end = syntax_error("[18..")
    assert (no_end.message, no_end.column) == ("an interval needs an upper end", 6)


def test_trailing_comma_and_unclosed_parenthesis():
    comma = syntax_error('"a",')
    assert (comma.message, comma.column) == ("a value is expected after the comma", 5)
    paren = syntax_error('not("a"')
    assert (paren.message, paren.column) == ("a `(` is not closed", 8)


def test_arithmetic_without_right_operand():
    error = syntax_error("1 +", parse_expression)
    assert (error.message, error.column) == ("after `+` a value is expected", 4)


def test_unexpected_character_names_it():
    error = syntax_error("5 % 2")
    assert error.message == "unexpected character `%`"
    assert error.column == 3


def test_an_empty_expression_cell():
    error = syntax_error("", parse_expression)
    assert error.column == 1
    assert "empty" in error.message


def test_calling_something_that_is_not_a_function():
    # A workbook cell: a syntax error (DT001), found when compiling in strict mode.
    with pytest.raises(FeelSyntaxError) as caught:
        compile_expression(parse_expression("x + 1(2)"))
    assert (caught.value.message, caught.value.column) == ("only a function can be called with `(…)`", 5)
    # In a DMN model the call is null (with a warning), as DMN says.
    assert compile_expression(parse_expression('"abs"(-1)'), strict=False).evaluate({}) is None


def test_not_is_only_allowed_around_a_whole_cell():
    with pytest.raises((FeelSyntaxError, FeelCompileError)) as caught:
        compile_unary_tests(parse_unary_tests('"a", not("b")'))
    assert caught.value.column == 6
    assert "`not`" in caught.value.message


# ------------------------------------------------------------------ properties

FEEL_PIECES = st.sampled_from(
    list("()[]<>=!.,-+*/\"\\' abxyzåö019\t")
    + ["not", "and", "or", "if", "then", "else", "in", "null", "true", "..", "date", "string length", "sum", "**"]
)
FEELISH = st.lists(FEEL_PIECES, max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(FEELISH, st.text(max_size=40)))
def test_parsers_raise_only_feel_syntax_errors(text):
    for parse in (parse_unary_tests, parse_expression):
        try:
            parse(text)
        except FeelSyntaxError as error:
            assert 1 <= error.column <= len(text) + 1
            assert error.message


@settings(max_examples=300, deadline=None)
@given(st.one_of(FEELISH, st.text(max_size=40)))
@example('date("2026-02-30")')
@example("date(99999999999999999999, 1, 1)")
@example("substring(\"abc\", 99999999999999999999)")
def test_parse_and_compile_raise_only_feel_errors(text):
    try:
        compile_unary_tests(parse_unary_tests(text))
    except (FeelSyntaxError, FeelCompileError):
        pass
    try:
        compile_expression(parse_expression(text))
    except (FeelSyntaxError, FeelCompileError):
        pass
