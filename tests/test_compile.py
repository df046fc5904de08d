"""Compiling a table: every broken cell is reported, with its cell and the column inside it."""

from __future__ import annotations

from helpers_core import decision, load_error, read_sheets


def test_syntax_error_names_the_cell_the_column_and_a_hint(tmp_path):
    rows = decision("registrering", "U", ["ålder"], ["o"], [["1", "< 5", "1"], ["2", "[18..65", "2"]])
    error = load_error(tmp_path, {"registrering": rows})
    (dt001,) = error.diagnostics
    assert dt001.code == "DT001"
    assert dt001.render() == (
        "registrering!B5: error DT001: rule 2, input `ålder`: an interval is not closed\n"
        "    [18..65\n"
        "           ^\n"
        "    hint: end it with `]` (included) or `)` (excluded)"
    )
    assert str(error) == "registrering!B5: rule 2, input `ålder`: an interval is not closed"


def test_unquoted_text_points_at_the_second_word(tmp_path):
    rows = decision("d", "U", ["kund"], ["o"], [["3", "läkare annan", "1"]])
    (dt001,) = load_error(tmp_path, {"d": rows}).diagnostics
    assert str(dt001.location) == "d!B4"
    assert dt001.message == "rule 3, input `kund`: unexpected `annan` after `läkare`"
    assert dt001.detail == "läkare annan\n       ^"


def test_unknown_function_is_dt009(tmp_path):
    rows = decision("d", "U", ["x"], ["o"], [["R1", "-", 'shout("hej")']])
    (dt009,) = load_error(tmp_path, {"d": rows}).diagnostics
    assert dt009.code == "DT009"
    assert str(dt009.location) == "d!C4"
    assert dt009.message == "rule R1, output `o`: unknown function `shout`"
    assert dt009.detail == 'shout("hej")\n^'


def test_every_broken_cell_is_reported_at_once(tmp_path):
    rows = decision(
        "d", "U", ["x", "y"], ["o"],
        [["R1", "<", "-", "1"], ["R2", "1", "'a'", "2"], ["R3", "<", "-", "oops("]],
    )  # fmt: skip
    error = load_error(tmp_path, {"d": rows})
    found = [(d.code, str(d.location), d.message) for d in error.diagnostics]
    assert found == [
        ("DT001", "d!B4", "rule R1, input `x`: after `<` a value is expected"),
        ("DT001", "d!C5", "rule R2, input `y`: text values use double quotes, not single quotes"),
        ("DT001", "d!B6", "rule R3, input `x`: after `<` a value is expected"),
        ("DT001", "d!D6", "rule R3, output `o`: a `(` is not closed"),
    ]
    assert str(error).endswith("(and 3 more errors)")


def test_errors_in_headers_and_defaults(tmp_path):
    rows = decision("d", "U", ["x +"], ["o"], [["R1", "-", "1"]], default={"o": "[1,"})
    loaded = read_sheets(tmp_path, {"d": rows})
    messages = {str(d.location): d.message for d in loaded.diagnostics if d.code == "DT001"}
    assert messages["d!B3"] == "input expression: after `+` a value is expected"
    assert messages["d!C4"].startswith("default of `o`: ")


def test_errors_in_several_tables_and_sheets_are_collected(tmp_path):
    one = decision("one", "U", ["x"], ["o"], [["R1", "(1..", "1"]])
    two = decision("two", "U", ["x"], ["o"], [["R1", "-", '"open']])
    error = load_error(tmp_path, {"first": one, "second": two})
    assert [(str(d.location), d.decision) for d in error.diagnostics] == [("first!B4", "one"), ("second!C4", "two")]
