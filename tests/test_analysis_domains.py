"""Column domains: pieces, and the FEEL text written for sets of pieces."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from analysis_tables import condition

from engine.analysis.domains import column_domain, complement, mentions_null
from engine.model import Cell, InputColumn, Location


def domain(type_=None, allowed=None, entries=()):
    column = InputColumn(Cell("x", Location("t", "B3")), type=type_, allowed=allowed)
    conds = [condition(e) for e in entries if e != "-"]
    return column_domain(column, conds, list(entries))


def texts(dom):
    return [p.describe() for p in dom.pieces]


def test_numbers_are_cut_at_every_bound_with_open_and_closed_ends():
    dom = domain("number", entries=["< 18", "[18..65)", ">= 65"])
    assert texts(dom) == ["< 18", "18", "(18..65)", "65", "> 65"]
    assert dom.runs(condition("[18..65)")) == ((1, 3),)
    assert dom.describe(((1, 3),)) == "[18..65)"
    assert dom.describe(((2, 4),)) == "(18..65]"
    assert dom.describe(((0, 2),)) == "<= 18"


def test_a_string_column_without_allowed_values_has_any_other_string():
    dom = domain("string", entries=['"a"', '"b"'])
    assert texts(dom) == ['< "a"', '"a"', '("a".."b")', '"b"', '> "b"']
    others = complement(dom.runs(condition('"a", "b"')), dom.size)
    assert dom.describe(others) == 'not("a", "b")'


def test_allowed_values_are_the_domain_and_keep_their_written_order():
    roles = ("sjuksköterska", "läkare", "annan vårdpersonal", "barnmorska")
    dom = domain("string", allowed=roles, entries=['"läkare"'])
    assert texts(dom) == ['"annan vårdpersonal"', '"barnmorska"', '"läkare"', '"sjuksköterska"']  # by value
    both = dom.runs(condition('"annan vårdpersonal", "sjuksköterska"'))
    assert dom.describe(both) == '"sjuksköterska", "annan vårdpersonal"'  # as the analyst listed them
    three = dom.runs(condition('not("läkare")'))
    assert dom.describe(three) == 'not("läkare")'  # one value out: the shorter list


def test_null_is_in_the_domain_only_when_allowed_or_named():
    assert not domain("string", entries=['"a"', 'not("a")']).has_null
    assert domain("string", entries=['"a"', "null"]).has_null
    assert domain("string", allowed=("a", None)).has_null
    assert not domain("string", allowed=("a",), entries=["null"]).has_null


def test_the_negated_form_is_used_only_when_it_means_the_same():
    dom = domain("string", entries=['"a"', "null"])  # null is a possible value
    every_string = complement(dom.runs(condition("null")), dom.size)
    assert dom.describe(every_string) == "not(null)"
    not_a = dom.runs(condition('not("a")'))  # strings other than "a", and null
    assert dom.describe(not_a) == 'not("a")'
    strings_but_a = dom.runs(condition('< "a", > "a"'))
    assert dom.describe(strings_but_a) == '< "a", > "a"'  # not("a") would add null


def test_dates_have_no_stretch_between_consecutive_days():
    dom = domain("date", entries=['date("2024-01-01")', 'date("2024-01-02")'])
    assert texts(dom) == ['< date("2024-01-01")', 'date("2024-01-01")', 'date("2024-01-02")', '> date("2024-01-02")']


def test_booleans_and_inferred_categories():
    assert texts(domain("boolean", entries=["true"])) == ["false", "true"]
    mixed = domain(None, entries=['"a"', "< 5"])
    assert [p.category for p in mixed.pieces] == ["number"] * 3 + ["string"] * 3
    assert texts(domain(None, entries=["-"])) == ["-"]


def test_equal_numbers_written_differently_are_one_bound():
    dom = domain("number", entries=["1.1", "1.10", "[1..2]"])
    assert texts(dom) == ["< 1", "1", "(1..1.1)", "1.1", "(1.1..2)", "2", "> 2"]
    assert dom.runs(condition("1.10")) == dom.runs(condition("1.1"))


def test_contains_places_values_in_pieces():
    dom = domain("number", entries=["< 18"])
    assert dom.contains(dom.runs(condition("< 18")), Decimal("17.5"))
    assert not dom.contains(dom.runs(condition("< 18")), 18)
    assert not dom.contains(dom.full, "text")  # outside the domain
    assert dom.contains(domain("date", entries=['< date("2024-01-01")']).full, dt.date(2030, 1, 1)) is False


def test_mentions_null_ignores_strings():
    assert mentions_null("null, 1")
    assert not mentions_null('"null"')
    assert not mentions_null("nullable")
