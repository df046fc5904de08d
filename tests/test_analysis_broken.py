"""One mistake, one message: the analysis leaves out what a load error breaks (DT104)."""

from __future__ import annotations

from helpers_core import decision, errors_of, lint_sheets

from engine.diagnostics import Severity

RULES = [
    ["R1", '"sjuksköterska"', "< 18", '"a"'],
    ["R2", '"läkare"', "< 18", '"b"'],
    ["R3", '"sjuksköterska"', ">= 18", '"c"'],
    ["R4", '"läkare"', ">= 18", '"d"'],
]


def table(rules=RULES, **optional):
    return decision("d", "U", ["yrkesroll", "ålder"], ["o"], rules, types={"ålder": "number"}, **optional)


def test_one_broken_cell_is_one_error_and_one_note(tmp_path):
    broken = [*RULES[:1], ["R2", '"läkare"', "< 18 +", '"b"'], *RULES[2:]]  # d!C6
    findings = lint_sheets(tmp_path, {"d": table(broken)})
    (error,) = errors_of(findings)
    assert (error.code, str(error.location)) == ("DT001", "d!C6")
    (note,) = [d for d in findings if d is not error]  # no gap for the rule's inputs, no merge advice
    assert (note.code, note.severity, str(note.location)) == ("DT104", Severity.INFO, "d!A1")
    assert note.message == "rule R2 is left out of the analysis, and gaps are not looked for, because of an error at d!C6"
    assert note.hint == "fix the cell first; the analysis then covers the whole table"
    assert note.rules == ("R2",)


def test_a_table_whose_layout_failed_is_not_analysed(tmp_path):
    rows = table()
    rows[1][0] = "UNIQE"
    findings = lint_sheets(tmp_path, {"d": rows})
    assert [(d.code, str(d.location)) for d in findings] == [("DT002", "d!A2"), ("DT104", "d!A1")]
    assert findings[1].message == "decision d is not analysed: its layout has an error (d!A2)"


def test_the_other_tables_are_still_analysed(tmp_path):
    gap = decision("e", "U", ["n"], ["o"], [["R1", "< 5", "1"]], types={"n": "number"})
    broken = table()
    broken[2][1] = ""  # the input column has no name
    findings = lint_sheets(tmp_path, {"d": broken, "e": gap})
    assert [(d.code, d.decision) for d in findings] == [("DT004", "d"), ("DT104", "d"), ("DT101", "e")]


def test_an_input_only_a_broken_table_reads_is_not_called_unused(tmp_path):
    rows = table()
    rows[1][0] = "X"
    assert "DT406" not in [d.code for d in lint_sheets(tmp_path, {"d": rows})]
