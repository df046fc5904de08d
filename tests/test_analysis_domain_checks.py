"""Domains and types (DT4xx): entries and outputs against the declarations."""

from __future__ import annotations

from analysis_tables import make_table

from engine.analysis import analyse, analyse_table, unused_inputs
from engine.diagnostics import Severity
from engine.model import Location

ROLES = ("sjuksköterska", "läkare")


def found(ct, code):
    return [d for d in analyse_table(ct) if d.code == code]


def test_an_entry_naming_a_value_outside_the_allowed_values():
    ct = make_table(
        "reg",
        "U",
        [("yrkesroll", "string", ROLES)],
        [("v", "string", None)],
        [(['"läkre"'], ['"x"']), (['not("sjuksköterska")'], ['"y"'])],
    )
    (bad,) = found(ct, "DT401")
    assert bad.severity is Severity.ERROR
    assert bad.location == Location("reg", "B7")
    assert bad.rules == ("1",)
    assert bad.message == '"läkre" is not an allowed value of yrkesroll (allowed: "sjuksköterska", "läkare")'
    assert bad.hint.startswith('did you mean "läkare"?')
    assert found(ct, "DT407") == []  # explained already


def test_null_named_where_null_is_not_allowed():
    ct = make_table("t", "U", [("k", "string", ROLES)], [("v", "string", None)], [(["null"], ['"x"'])])
    (bad,) = found(ct, "DT401")
    assert bad.message == 'null is not an allowed value of k (allowed: "sjuksköterska", "läkare")'


def test_an_entry_of_the_wrong_type():
    ct = make_table(
        "t",
        "U",
        [("yrkesroll", "string", None), ("b", "boolean", None)],
        [("v", "string", None)],
        [(["< 5", "true"], ['"x"']), (['"a"', '"true"'], ['"y"'])],
    )
    wrong = found(ct, "DT402")
    assert [(d.message, d.location) for d in wrong] == [
        ("`< 5` tests numbers, but yrkesroll holds strings", Location("t", "B7")),
        ('`"true"` tests strings, but b holds booleans', Location("t", "C8")),
    ]
    assert all(d.severity is Severity.ERROR for d in wrong)


def test_an_entry_that_accepts_no_possible_value():
    ct = make_table(
        "t",
        "U",
        [("n", "number", (1, 2, 3)), ("m", "number", None)],
        [("v", "string", None)],
        [(["> 3", "-"], ['"x"']), (["-", "[5..1]"], ['"y"'])],
    )
    nothing = found(ct, "DT407")
    assert [(d.message, d.location, d.severity) for d in nothing] == [
        (
            "`> 3` accepts none of the possible values of n, so rule 1 never matches",
            Location("t", "B7"),
            Severity.WARNING,
        ),
        (
            "`[5..1]` accepts none of the possible values of m, so rule 2 never matches",
            Location("t", "C8"),
            Severity.WARNING,
        ),
    ]


def test_outputs_outside_allowed_values_or_of_the_wrong_type():
    ct = make_table(
        "t",
        "U",
        [("b", "boolean", None)],
        [("kontakt", "string", ("Text", "Mottagningsbesök")), ("antal", "number", None)],
        [(["true"], ['"Mottagningsbesok"', "1"]), (["false"], ['"Text"', '"två"'])],
        defaults=['"Okänd"', None],
    )
    outside = found(ct, "DT403")
    assert [(d.message, d.location) for d in outside] == [
        (
            'rule 1 gives kontakt = "Mottagningsbesok", which is not an allowed value (allowed: "Text", "Mottagningsbesök")',
            Location("t", "C7"),
        ),
        (
            'the default output gives kontakt = "Okänd", which is not an allowed value (allowed: "Text", "Mottagningsbesök")',
            Location("t", "C6"),
        ),
    ]
    assert outside[0].hint.startswith('did you mean "Mottagningsbesök"?')
    (wrong,) = found(ct, "DT404")
    assert wrong.message == 'rule 2 gives antal = "två", one of the strings, but antal holds numbers'
    assert wrong.location == Location("t", "D8")


def test_a_column_that_is_dash_in_every_rule():
    ct = make_table(
        "t",
        "U",
        [("a", "boolean", None), ("oanvänd", "string", None)],
        [("v", "string", None)],
        [(["true", "-"], ['"x"']), (["false", "-"], ['"y"'])],
    )
    (column,) = found(ct, "DT405")
    assert column.location == Location("t", "C3")
    assert column.message == "input oanvänd is `-` in every rule: it never changes the outcome of t"


def test_a_dash_column_that_other_entries_read_is_needed_and_not_flagged():
    ct = make_table(
        "t",
        "U",
        [("belopp", "number", None), ("gräns", "number", None)],
        [("v", "string", None)],
        [(["< gräns", "-"], ['"under"']), ([">= gräns", "-"], ['"över"'])],
    )
    assert found(ct, "DT405") == []  # removing `gräns` would break `< gräns`
    assert unused_inputs([ct]) == []


def test_inputs_no_rule_of_any_table_uses():
    first = make_table(
        "first", "U", [("a", "boolean", None), ("x", "string", None)], [("v", "string", None)],
        [(["true", "-"], ['"x"']), (["false", "-"], ['"y"'])],
    )  # fmt: skip
    second = make_table(
        "second", "U", [("x", "string", None), ("y", "string", None)], [("w", "string", None)],
        [(['-', '"p"'], ['"x"'])],
    )  # fmt: skip
    third = make_table(
        "third", "U", [("a", "boolean", None), ("y", "string", None)], [("w", "string", None)],
        [(['true', '-'], ['"x"'])],
    )  # fmt: skip
    (unused,) = unused_inputs([first, second, third])
    assert unused.code == "DT406" and unused.severity is Severity.WARNING
    assert unused.message == "input x is never tested by any rule (its columns are `-` in every rule)"
    assert unused.location == Location("first", "C3")
    assert unused.data["columns"] == ["first!C3", "second!B3"]
    assert [d.message for d in unused_inputs([first], inputs=["a", "z"])] == [
        "input z is never tested by any rule (no table reads it)"
    ]
    assert [d.code for d in analyse([first, second, third])].count("DT406") == 1
