"""Completeness (DT101): gaps as concrete regions, with a rule to paste."""

from __future__ import annotations

from analysis_tables import make_table

from engine.analysis import analyse_table, codes
from engine.diagnostics import Severity
from engine.model import Location

ROLES = ("sjuksköterska", "läkare", "annan vårdpersonal")
KINDS = ("egenvårdsråd", "åtgärd/behandling")
REGISTRATION = [("yrkesroll", "string", ROLES), ("ärendetyp", "string", KINDS), ("ersätter_besök", "boolean", None)]


def gaps(ct, **options):
    return [d for d in analyse_table(ct, **options) if d.code == "DT101"]


def test_a_missing_combination_is_reported_as_a_box_with_a_rule_to_paste():
    ct = make_table(
        "registrering",
        "U",
        REGISTRATION,
        [("vårdkontakt", "string", None)],
        [
            (['"sjuksköterska"', '"egenvårdsråd"', "-"], ['"Text som inte ersätter besök"']),
            (['"sjuksköterska"', '"åtgärd/behandling"', "true"], ['"Distanskontakt realtid bild/ljud/chatt"']),
            (['"läkare", "annan vårdpersonal"', "-", "-"], ['"Mottagningsbesök"']),
        ],
    )
    (gap,) = gaps(ct)
    assert gap.severity is Severity.WARNING and gap.code == codes.GAP.code
    assert gap.location == Location("registrering", "A1")
    assert gap.decision == "registrering"
    assert gap.message == (
        'no rule covers yrkesroll = "sjuksköterska", ärendetyp = "åtgärd/behandling", ersätter_besök = false'
    )
    row = gap.data["suggested_rule"]
    assert row["inputs"] == ['"sjuksköterska"', '"åtgärd/behandling"', "false"]
    assert row["outputs"] == [""]
    assert row["tsv"] == '"sjuksköterska"\t"åtgärd/behandling"\tfalse\t'
    assert gap.data["region"] == {
        "yrkesroll": '"sjuksköterska"',
        "ärendetyp": '"åtgärd/behandling"',
        "ersätter_besök": "false",
    }


def test_numeric_gaps_have_the_right_open_and_closed_ends():
    ct = make_table(
        "avgift",
        "U",
        [("ålder", "number", None)],
        [("avgift", "number", None)],
        [(["< 18"], ["0"]), (["(18..65)"], ["200"]), (["> 85"], ["0"])],
    )
    assert [g.message for g in gaps(ct)] == ["no rule covers ålder in (18, [65..85])"]
    assert gaps(ct)[0].data["suggested_rule"]["inputs"] == ["18, [65..85]"]


def test_a_string_column_without_allowed_values_has_a_gap_for_any_other_string():
    ct = make_table(
        "kanal",
        "U",
        [("kontakt", "string", None)],
        [("v", "string", None)],
        [(['"1177 direkt"'], ['"a"']), (['"telefon"'], ['"b"'])],
    )
    (gap,) = gaps(ct)
    assert gap.message == 'no rule covers kontakt not in ("1177 direkt", "telefon")'
    assert gap.data["suggested_rule"]["inputs"] == ['not("1177 direkt", "telefon")']


def test_null_is_a_gap_only_when_it_is_a_possible_value():
    rules = [(['"a"'], ['"x"']), (['"b"'], ['"y"'])]
    closed = make_table("t", "U", [("k", "string", ("a", "b"))], [("v", "string", None)], rules)
    assert gaps(closed) == []
    with_null = make_table("t", "U", [("k", "string", ("a", "b", None))], [("v", "string", None)], rules)
    assert [g.message for g in gaps(with_null)] == ["no rule covers k = null"]


def test_a_default_output_does_not_close_a_gap_but_is_mentioned():
    ct = make_table(
        "t",
        "F",
        [("b", "boolean", None)],
        [("v", "string", None)],
        [(["true"], ['"ja"'])],
        defaults=['"nej"'],
    )
    (gap,) = gaps(ct)
    assert gap.message == 'no rule covers b = false; only the default output applies here (v = "nej")'
    assert gap.data["default_applies"] is True


def test_gap_boxes_are_merged_into_few_regions():
    ct = make_table(
        "t",
        "U",
        [("a", "string", ("x", "y", "z")), ("n", "number", None)],
        [("v", "string", None)],
        [(['"x"', "< 0"], ['"1"']), (['"y"', "< 0"], ['"2"']), (['"z"', "-"], ['"3"'])],
    )
    assert [g.message for g in gaps(ct)] == ['no rule covers a != "z", n >= 0']


def test_no_gap_check_for_multiple_hit_policies_unless_asked():
    ct = make_table("t", "C", [("b", "boolean", None)], [("v", "number", None)], [(["true"], ["1"])])
    assert gaps(ct) == []
    assert [g.message for g in gaps(ct, check_gaps=True)] == ["no rule covers b = false"]
    unique = make_table("t", "U", [("b", "boolean", None)], [("v", "number", None)], [(["true"], ["1"])])
    assert gaps(unique, check_gaps=False) == []


def test_a_table_without_rules_is_one_gap():
    ct = make_table("t", "U", [("b", "boolean", None)], [("v", "number", None)], [])
    assert [g.message for g in gaps(ct)] == ["no rule covers any input"]


def test_rules_that_cannot_be_placed_are_named():
    ct = make_table(
        "t",
        "U",
        [("a", "number", None), ("b", "number", None)],
        [("v", "number", None)],
        [(["< 5", "> a"], ["1"]), (["-", "< 0"], ["2"])],
    )
    found = analyse_table(ct)
    skipped = [d for d in found if d.code == "DT102"]
    assert [(d.message, d.location, d.rules) for d in skipped] == [
        (
            "rule 1 is not analysed: an input entry is not a constant test (it reads other inputs, or did not compile)",
            Location("t", "A7"),
            ("1",),
        )
    ]
    (gap,) = [d for d in found if d.code == "DT101"]
    assert gap.message == "no rule covers b >= 0"
    assert "Rules not analysed (1) may cover part of it." in gap.hint


def test_a_table_too_large_for_the_budget_says_its_findings_are_incomplete():
    ct = make_table(
        "t",
        "U",
        [("a", "number", None), ("b", "number", None)],
        [("v", "number", None)],
        [(["< 1", "< 1"], ["1"]), (["< 2", "> 3"], ["2"]), (["> 5", "-"], ["3"])],
    )
    (truncated,) = [d for d in analyse_table(ct, budget=1) if d.code == "DT103"]
    assert truncated.severity is Severity.INFO
    assert truncated.location == Location("t", "A1")
    assert [d.code for d in analyse_table(ct)].count("DT103") == 0


def test_a_table_without_inputs():
    ct = make_table("t", "U", [], [("v", "number", None)], [([], ["1"]), ([], ["2"])])
    assert [d.message for d in analyse_table(ct) if d.code == "DT201"] == ["rules 1 and 2 both match any input"]
    empty = make_table("t", "U", [], [("v", "number", None)], [])
    assert [d.message for d in analyse_table(empty)] == ["no rule covers any input"]
