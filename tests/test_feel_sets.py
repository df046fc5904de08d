"""Exact value sets: unions of spans, and the conditions unary tests compile to."""

from __future__ import annotations

from decimal import Decimal

from helpers_core import BOOLEANS, DOMAINS, NUMBERS, OFF_DOMAIN, STRINGS, input_entry
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.feel.compiler import compile_unary_tests
from engine.feel.parser import parse_unary_tests
from engine.feel.sets import EMPTY, FULL, Span, ValueSet
from engine.feel.values import category, to_feel

# ------------------------------------------------------------------ spans and sets


def test_span_contains_respects_open_and_closed_ends():
    span = Span(1, True, 5, False)  # [1..5)
    assert [span.contains(v) for v in (0, 1, 3, 5, 6)] == [False, True, True, False, False]
    assert Span().contains(-(10**9))
    assert Span(None, False, 5, True).contains(5)


def test_span_describes_itself_in_feel():
    assert Span.point("a").describe() == '"a"'
    assert Span().describe() == "-"
    assert Span(None, False, 5, False).describe() == "< 5"
    assert Span(None, False, 5, True).describe() == "<= 5"
    assert Span(5, False, None, False).describe() == "> 5"
    assert Span(5, True, None, False).describe() == ">= 5"
    assert Span(1, True, Decimal("2.5"), False).describe() == "[1..2.5)"
    assert Span(1, False, 2, True).describe() == "(1..2]"


def test_empty_spans():
    assert Span(5, True, 1, True).is_empty()
    assert Span(1, True, 1, False).is_empty()
    assert not Span(1, True, 1, True).is_empty()


def test_value_set_merges_overlapping_and_touching_spans():
    merged = ValueSet([Span(1, True, 3, False), Span(3, True, 5, True), Span(7, True, 8, True)])
    assert merged.spans == (Span(1, True, 5, True), Span(7, True, 8, True))
    apart = ValueSet([Span(1, True, 3, False), Span(3, False, 5, True)])  # 3 itself is in neither
    assert len(apart.spans) == 2
    assert not apart.contains(3)


def test_complement_of_empty_and_full():
    assert EMPTY.complement() == FULL
    assert FULL.complement() == EMPTY
    assert FULL.is_full and EMPTY.is_empty
    assert ValueSet([Span.point(3)]).complement().spans == (Span(None, False, 3, False), Span(3, False, None, False))


def test_value_set_bounds():
    assert list(ValueSet([Span(None, False, 1, True), Span(3, True, 5, False)]).bounds()) == [1, 3, 5]


POINTS = sorted({Decimal(n) / 2 for n in range(-4, 18)})  # -2, -1.5, …, 8.5: every bound and midpoint


@st.composite
def spans(draw: st.DrawFn) -> Span:
    low = draw(st.one_of(st.none(), st.integers(-1, 7)))
    high = draw(st.one_of(st.none(), st.integers(-1, 7)))
    return Span(low, draw(st.booleans()), high, draw(st.booleans()))


value_sets = st.lists(spans(), max_size=5).map(ValueSet)


@settings(max_examples=200, deadline=None)
@given(value_sets, value_sets)
def test_set_algebra_agrees_with_pointwise_membership(a, b):
    def raw(value_set, point):
        return any(span.contains(point) for span in value_set.spans)

    for point in POINTS:
        assert a.complement().contains(point) == (not a.contains(point)), point
        assert a.union(b).contains(point) == (a.contains(point) or b.contains(point)), point
        assert a.intersect(b).contains(point) == (a.contains(point) and b.contains(point)), point
        assert a.contains(point) == raw(a, point)


@settings(max_examples=200, deadline=None)
@given(st.lists(spans(), max_size=5))
def test_value_sets_are_normalised(raw_spans):
    value_set = ValueSet(raw_spans)
    for point in POINTS:
        assert value_set.contains(point) == any(s.contains(point) for s in raw_spans if not s.is_empty())
    for left, right in zip(value_set.spans, value_set.spans[1:]):
        assert left.hi is not None and right.lo is not None
        assert left.hi < right.lo or (left.hi == right.lo and not left.hi_closed and not right.lo_closed)


# ------------------------------------------------------------------ conditions of unary tests


def test_condition_of_a_list_of_strings():
    condition = compile_unary_tests(parse_unary_tests('"a", "b"')).truth.condition()
    assert condition.accepts("a") and condition.accepts("b")
    assert not condition.accepts("c")
    assert not condition.accepts(None)
    assert set(condition.sets) == {"string"}


def test_condition_of_not_accepts_null_when_the_test_is_false_on_null():
    condition = compile_unary_tests(parse_unary_tests('not("a")')).truth.condition()
    assert condition.accepts(None)  # null = "a" is false, so not("a") is true
    assert condition.accepts("b")
    assert not condition.accepts(1)  # 1 = "a" is null, and so is its negation


def test_condition_of_dash_is_anything():
    assert compile_unary_tests(parse_unary_tests("-")).truth.condition().is_anything


CANDIDATES = st.sampled_from(STRINGS + NUMBERS + BOOLEANS + OFF_DOMAIN)


@settings(max_examples=250, deadline=None)
@given(st.sampled_from(sorted(DOMAINS)).flatmap(lambda kind: input_entry(kind, ())), st.lists(CANDIDATES, min_size=1, max_size=8))
def test_condition_agrees_with_the_predicate(entry, candidates):
    compiled = compile_unary_tests(parse_unary_tests(entry))
    truth = compiled.truth
    assert truth is not None  # no names: the exact set is known
    condition = truth.condition()
    for candidate in candidates:
        value = to_feel(candidate)
        outcome = compiled.predicate(value, {})
        assert (outcome is True) == condition.accepts(value), (entry, value, outcome)
        false_set = truth.false.get(category(value))
        assert (outcome is False) == (false_set is not None and false_set.contains(value)), (entry, value, outcome)
