"""The sheet layout: finding tables by their text markers, and repairing what spreadsheets do."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers_core import codes, decision, load_sheets, only, read_sheets

from engine.diagnostics import Severity
from engine.layout import read_sheets as read_grids
from engine.model import HitPolicy
from engine.workbook import Sheet

# ------------------------------------------------------------------ structure

SWEDISH = [
    ["Beslut: kontakt"],
    ["F", "indata", "utdata", "anteckning"],
    ["Regel", "kanal", "typ", "Källa"],
    ["Typ", "sträng", "sträng"],
    ["Tillåtna värden", '"telefon", "chatt"', '"Telefonsamtal", "Text", "Okänd"'],
    ["Standardvärde", "", '"Okänd"'],
    ["R1", '"telefon"', '"Telefonsamtal"', "4.3"],
    ["", '"chatt"', '"Text"', "3.1"],
]


def test_swedish_markers_and_optional_rows(tmp_path):
    table = load_sheets(tmp_path, {"kontakt": SWEDISH}).tables["kontakt"].table
    assert table.hit_policy is HitPolicy.FIRST
    assert [c.name for c in table.inputs] == ["kanal"]
    assert table.inputs[0].type == "string"
    assert table.inputs[0].allowed == ("telefon", "chatt")
    assert table.outputs[0].name == "typ"
    assert table.outputs[0].allowed == ("Telefonsamtal", "Text", "Okänd")
    assert table.outputs[0].default.text == '"Okänd"'
    assert str(table.outputs[0].default.location) == "kontakt!C6"
    assert table.annotations == ("Källa",)


def test_rule_labels_cells_and_annotations(tmp_path):
    table = load_sheets(tmp_path, {"kontakt": SWEDISH}).tables["kontakt"].table
    first, second = table.rules
    assert (first.label, first.number, str(first.location)) == ("R1", 1, "kontakt!A7")
    assert (second.label, second.number) == ("2", 2)  # a blank label is the rule's number
    assert [c.text for c in second.inputs] == ['"chatt"']
    assert str(second.inputs[0].location) == "kontakt!B8"
    assert second.annotations == ("3.1",)


def test_blank_row_ends_a_table_and_an_empty_kinds_cell_ends_it_on_the_right(tmp_path):
    rows = [
        ["Decision: d"],
        ["U", "input", "output", "", "output"],
        ["Rule", "x", "o", "", "ignored"],
        ["R1", "1", '"one"', "", "junk"],
        [],
        ["R2", "2", '"two"'],  # after the blank row: not a rule of d
    ]
    table = load_sheets(tmp_path, {"d": rows}).tables["d"].table
    assert [o.name for o in table.outputs] == ["o"]
    assert [r.label for r in table.rules] == ["R1"]


def test_tables_are_found_anywhere_down_a_sheet(tmp_path):
    rows = [["notes for the analyst"], [], *decision("d", "U", ["x"], ["o"], [["R1", "-", "1"]])]
    model = load_sheets(tmp_path, {"any": rows})
    assert str(model.tables["d"].table.location) == "any!A3"
    assert str(model.tables["d"].table.rules[0].location) == "any!A6"


def test_test_table(tmp_path):
    rows = [
        ["Test: d"],
        ["", "input", "expected", "expected", "description"],
        ["Case", "x", "o", "p", "Beskrivning"],
        ["c1", "1", '"one"', "", "first case"],
        ["c2", "", "no rule applies", "", ""],
    ]
    (table,) = read_grids((Sheet("t", rows),), "book.xlsx").tests
    assert table.decision == "d"
    first, second = table.cases
    assert {k: c.text for k, c in first.inputs.items()} == {"x": "1"}
    assert {k: c.text for k, c in first.expected.items()} == {"o": '"one"'}  # blank p: not checked
    assert str(first.expected["o"].location) == "t!C4"
    assert first.description == "first case"
    assert not first.expects_no_rule
    assert second.expects_no_rule and second.inputs == {} and second.expected == {}


def test_locations_quote_sheet_names_with_spaces(tmp_path):
    model = load_sheets(tmp_path, {"mina regler": decision("d", "U", ["x"], ["o"], [["R1", "-", "1"]])})
    assert str(model.tables["d"].table.rules[0].location) == "'mina regler'!A4"


# ------------------------------------------------------------------ structural errors


def test_unknown_hit_policy_dt002(tmp_path):
    loaded = read_sheets(tmp_path, {"d": decision("d", "X", ["x"], ["o"], [["R1", "-", "1"]])})
    dt002 = only(loaded.diagnostics, "DT002")
    assert str(dt002.location) == "d!A2"
    assert dt002.message == "`X` is not a hit policy"
    assert "C+" in dt002.hint
    assert "FÖRSTA" in dt002.hint and "SAMLA SUMMA" in dt002.hint  # both languages offered


@pytest.mark.parametrize(
    ("swedish", "english"),
    [("UNIK", "U"), ("Någon", "A"), ("första", "F"), ("REGELORDNING", "R"), ("SAMLA", "C"), ("SAMLA SUMMA", "C+"), ("samla min", "C<"),
     ("SAMLA MAX", "C>"), ("SAMLA ANTAL", "C#")],
)  # fmt: skip
def test_swedish_hit_policies_mean_their_english_letters(tmp_path, swedish, english):
    rules = [["R1", "< 5", "1"], ["R2", "> 2", "2"]]
    sv = read_sheets(tmp_path, {"d": decision("d", swedish, ["x"], ["o"], rules)}, name="sv.xlsx")
    en = read_sheets(tmp_path, {"d": decision("d", english, ["x"], ["o"], rules)}, name="en.xlsx")
    assert not codes(sv.diagnostics)
    (sv_table,), (en_table,) = [t.table for t in sv.tables], [t.table for t in en.tables]
    assert (sv_table.hit_policy, sv_table.aggregator) == (en_table.hit_policy, en_table.aggregator)


@pytest.mark.parametrize(("swedish", "english"), [("PRIORITET", HitPolicy.PRIORITY), ("UTDATAORDNING", HitPolicy.OUTPUT_ORDER)])
def test_swedish_ranked_policies(tmp_path, swedish, english):
    (table,) = read_grids((Sheet("d", decision("d", swedish, ["x"], ["o"], [["R1", "-", "1"]])),), "book.xlsx").tables
    assert table.hit_policy is english


def test_unknown_column_kind_dt003(tmp_path):
    rows = [["Decision: d"], ["U", "input", "outptu"], ["Rule", "x", "o"], ["R1", "-", "1"]]
    dt003 = only(read_sheets(tmp_path, {"d": rows}).diagnostics, "DT003")
    assert str(dt003.location) == "d!C2"
    assert dt003.message == "`outptu` is not a column kind"
    assert "output" in dt003.hint


def test_title_without_a_name_dt004(tmp_path):
    loaded = read_sheets(tmp_path, {"d": [["Decision:"], *decision("d", "U", ["x"], ["o"], [["R1", "-", "1"]])[1:]]})
    dt004 = [d for d in loaded.diagnostics if d.code == "DT004"]
    assert str(dt004[0].location) == "d!A1"
    assert dt004[0].message == "the title `Decision:` names no decision"


def test_unknown_type_dt005(tmp_path):
    rows = decision("d", "U", ["x"], ["o"], [["R1", "-", "1"]], types={"x": "integer"})
    dt005 = only(read_sheets(tmp_path, {"d": rows}).diagnostics, "DT005")
    assert str(dt005.location) == "d!B4"
    assert dt005.message == "`integer` is not a type"


def test_bad_allowed_values_dt006(tmp_path):
    rows = decision("d", "U", ["x"], ["o"], [["R1", "-", "1"]], allowed={"x": '"a", [1..5]'})
    dt006 = only(read_sheets(tmp_path, {"d": rows}).diagnostics, "DT006")
    assert str(dt006.location) == "d!B4"
    assert dt006.message == "allowed values: allowed values are listed one by one, not as ranges or comparisons"
    assert dt006.detail == '"a", [1..5]\n     ^'


def test_duplicate_output_names_dt014(tmp_path):
    rows = decision("d", "U", ["x"], ["o", "o"], [["R1", "-", "1", "2"]])
    dt014 = only(read_sheets(tmp_path, {"d": rows}).diagnostics, "DT014")
    assert str(dt014.location) == "d!D3"
    assert dt014.hint == "the other is C3"


def test_empty_output_cell_dt017(tmp_path):
    rows = decision("d", "U", ["x"], ["o"], [["R1", "-", ""], ["R2", "1", "2"]])
    dt017 = only(read_sheets(tmp_path, {"d": rows}).diagnostics, "DT017")
    assert str(dt017.location) == "d!C4"
    assert dt017.message == "rule R1 has no entry for output `o`"


def test_duplicate_rule_labels_are_a_warning_dt018(tmp_path):
    rows = decision("d", "F", ["x"], ["o"], [["R1", "1", "1"], ["R1", "2", "2"]])
    dt018 = only(read_sheets(tmp_path, {"d": rows}).diagnostics, "DT018")
    assert dt018.severity is Severity.WARNING
    assert str(dt018.location) == "d!A5"
    assert "d!A4" in dt018.hint


# ------------------------------------------------------------------ what spreadsheets do to text


def damaged(tmp_path, cell, type_="string"):
    """Load a one-rule table whose input entry (sheet d, cell B5) is ``cell``."""
    rows = decision("d", "U", ["x"], ["o"], [["R1", cell, '"hit"']], types={"x": type_})
    return read_sheets(tmp_path, {"d": rows})


def test_curly_quotes_are_read_as_straight_with_dt501(tmp_path):
    loaded = damaged(tmp_path, "“läkare”")
    dt501 = only(loaded.diagnostics, "DT501")
    assert (str(dt501.location), dt501.severity) == ("d!B5", Severity.WARNING)
    assert loaded.tables[0].table.rules[0].inputs[0].text == '"läkare"'
    model = load_sheets(tmp_path, {"d": decision("d", "U", ["x"], ["o"], [["R1", "“läkare”", '"hit"']])})
    assert model.decide("d", {"x": "läkare"}).output == {"o": "hit"}


def test_non_breaking_spaces_are_read_as_spaces_with_dt502(tmp_path):
    loaded = damaged(tmp_path, '"annan\u00a0vårdpersonal"')
    dt502 = only(loaded.diagnostics, "DT502")
    assert str(dt502.location) == "d!B5"
    assert loaded.tables[0].table.rules[0].inputs[0].text == '"annan vårdpersonal"'


def test_ellipsis_is_read_as_two_dots_with_dt503(tmp_path):
    loaded = damaged(tmp_path, "[1…5]", "number")
    dt503 = only(loaded.diagnostics, "DT503")
    assert str(dt503.location) == "d!B5"
    assert loaded.tables[0].table.rules[0].inputs[0].text == "[1..5]"
    assert not [d for d in loaded.diagnostics if d.severity is Severity.ERROR]


def test_number_stored_as_text_dt504(tmp_path):
    dt504 = only(damaged(tmp_path, "18", "number").diagnostics, "DT504")
    assert (str(dt504.location), dt504.severity) == ("d!B5", Severity.INFO)


def test_real_date_cell_in_a_string_column_dt505(tmp_path):
    loaded = damaged(tmp_path, dt.datetime(2026, 1, 2))
    dt505 = only(loaded.diagnostics, "DT505")
    assert str(dt505.location) == "d!B5"
    assert dt505.message == "this cell holds the date 2026-01-02, but the column is of type string"
    assert "1-2" in dt505.hint


def test_real_date_cell_in_a_date_column_is_a_date(tmp_path):
    loaded = damaged(tmp_path, dt.datetime(2026, 1, 31), "date")
    assert "DT505" not in codes(loaded.diagnostics)
    assert loaded.tables[0].table.rules[0].inputs[0].text == 'date("2026-01-31")'


def test_real_boolean_and_number_cells(tmp_path):
    rows = decision(
        "d", "U", ["flag", "n"], ["o"],
        [["R1", True, 18, 2.5], ["R2", False, 1.25, -3]],
        types={"flag": "boolean", "n": "number"},
    )  # fmt: skip
    model = load_sheets(tmp_path, {"d": rows})
    rules = model.tables["d"].table.rules
    assert [c.text for c in rules[0].inputs + rules[0].outputs] == ["true", "18", "2.5"]
    assert [c.text for c in rules[1].inputs + rules[1].outputs] == ["false", "1.25", "-3"]
    assert model.decide("d", {"flag": True, "n": 18}).output == {"o": 2.5}
    assert model.decide("d", {"flag": False, "n": 1.25}).output == {"o": -3}
    assert not model.diagnostics


def test_cells_that_look_like_formulas_are_text(tmp_path):
    model = load_sheets(tmp_path, {"d": decision("d", "U", ["x"], ["o"], [["R1", "= 5", '"five"']])})
    assert model.decide("d", {"x": 5}).output == {"o": "five"}
