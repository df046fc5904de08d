"""The command line, run as a user runs it: output formats and exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from helpers_core import CLI, REPO, SHIPPED, decision, write_xlsx

LÄKARE = {"yrkesroll": "läkare", "kontakt": "1177 direkt", "ärendetyp": "receptförnyelse", "vidare": "nej", "ersätter_besök": False}  # fmt: skip
SJUKSKÖTERSKA = {"yrkesroll": "sjuksköterska", "kontakt": "1177 direkt", "ärendetyp": None, "vidare": "digitalt samma enhet annan dag", "ersätter_besök": False}  # fmt: skip


def dtable(*args: str, cwd: Path = REPO, stdin: str | None = None, cli: str = "cli.py") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, cli, *args], cwd=cwd, input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=60
    )


def one_line_error(run: subprocess.CompletedProcess) -> str:
    """Exit 2, nothing on stdout, one line on stderr and no traceback."""
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("dtable: error: ")
    return lines[0]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """A workbook with decision `d`: x > 5 -> "big", x > 8 -> "huge" (UNIQUE)."""
    path = tmp_path_factory.mktemp("tiny") / "tiny.xlsx"
    rows = decision("d", "U", ["x"], ["o"], [["R1", "> 5", '"big"'], ["R2", "> 8", '"huge"']], types={"x": "number"})
    return write_xlsx(path, {"d": rows})


# ------------------------------------------------------------------ eval


def test_eval_prints_decision_output_and_matched():
    run = dtable("eval", "--decision", "registrering", "--input", json.dumps(LÄKARE))
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert set(result) == {"decision", "output", "matched", "message"}
    assert result["decision"] == "registrering"
    assert result["message"] == "decision `registrering`: rule R18 applies"
    assert result["matched"] == ["R18"]
    assert result["output"]["vårdkontakt"] == "Text som inte ersätter besök"
    assert result["output"]["avslutar_ärendet"] == "jag"


def test_eval_array_in_array_out_in_order():
    run = dtable("eval", "-d", "registrering", "-i", json.dumps([SJUKSKÖTERSKA, LÄKARE]))
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert [r["matched"] for r in results] == [["R7"], ["R18"]]
    assert results[0]["output"]["avslutar_ärendet"] == "mottagaren"


def test_eval_reads_input_from_a_file_and_from_stdin(tmp_path):
    case = tmp_path / "case.json"
    case.write_text(json.dumps(LÄKARE), encoding="utf-8")
    from_file = dtable("eval", "-d", "registrering", "-i", f"@{case}")
    assert json.loads(from_file.stdout)["matched"] == ["R18"]
    from_stdin = dtable("eval", "-d", "registrering", "-i", "@-", stdin=json.dumps(SJUKSKÖTERSKA))
    assert json.loads(from_stdin.stdout)["matched"] == ["R7"]
    example = dtable("eval", "-d", "registrering", "-i", "@examples/sjukskoterska-annan-dag.json")
    assert json.loads(example.stdout)["matched"] == ["R7"]


def test_eval_explain():
    run = dtable("eval", "-d", "registrering", "-i", json.dumps(LÄKARE), "--explain")
    explanation = json.loads(run.stdout)["explanation"]
    assert [t["decision"] for t in explanation] == ["kontakttyp", "attribut", "registrering"]
    registrering = explanation[-1]
    assert registrering["hit_policy"] == "UNIQUE"
    assert [r["rule"] for r in registrering["rules"] if r["selected"]] == ["R18"]
    first = registrering["rules"][0]
    assert first == {
        "rule": "R1",
        "matched": False,
        "selected": False,
        "reason": 'yrkesroll = "läkare" does not match `"sjuksköterska"` (registrering!B6)',
        "stopped_by": {"input": "yrkesroll", "value": "läkare", "entry": '"sjuksköterska"', "location": "registrering!B6"},
        "annotations": {"Källa": "3.1.1", "Scenario": first["annotations"]["Scenario"]},
    }
    assert first["annotations"]["Scenario"].startswith("Sjuksköterska ger egenvårdsråd")
    assert explanation[0]["output"] == {"kontakttyp": "Text som inte ersätter besök"}


def test_eval_table_format():
    run = dtable("eval", "-d", "registrering", "-i", json.dumps(LÄKARE), "--format", "table", "--explain")
    assert run.returncode == 0
    lines = run.stdout.splitlines()
    assert any(line.split() == ["vårdkontakt", '"Text', "som", "inte", "ersätter", 'besök"'] for line in lines)
    assert "matched: R18" in lines
    assert "  ✔ R18: all inputs match" in lines
    assert "registrering (UNIQUE):" in lines


def test_no_rule_applies_exits_1_with_a_message(tiny):
    run = dtable("eval", str(tiny), "-d", "d", "-i", '{"x": 1}')
    assert run.returncode == 1
    result = json.loads(run.stdout)
    assert result["output"] is None and result["matched"] == []
    assert result["message"] == "no rule of decision `d` applies to x = 1"


def test_unique_conflict_exits_1_naming_the_rules(tiny):
    run = dtable("eval", str(tiny), "-d", "d", "-i", '{"x": 9}')
    assert run.returncode == 1
    result = json.loads(run.stdout)
    assert result["matched"] == ["R1", "R2"]
    assert result["output"] is None
    assert "R1, R2" in result["message"]
    assert result["error"] == {"code": "rule-conflict", "message": result["message"], "decision": "d", "rules": ["R1", "R2"]}


def test_one_failing_case_of_many_exits_1(tiny):
    run = dtable("eval", str(tiny), "-d", "d", "-i", '[{"x": 6}, {"x": 1}]')
    assert run.returncode == 1
    assert [r["output"] for r in json.loads(run.stdout)] == [{"o": "big"}, None]


def test_malformed_json_exits_2_with_one_line():
    line = one_line_error(dtable("eval", "-d", "registrering", "-i", '{"yrkesroll": '))
    assert line.startswith("dtable: error: --input is not valid JSON: ")
    assert "line 1, column 15" in line


def test_json_that_is_not_an_object_exits_2():
    line = one_line_error(dtable("eval", "-d", "registrering", "-i", "[1]"))
    assert line == "dtable: error: --input case 1 is int, expected a JSON object of input values"


def test_unknown_decision_exits_2():
    line = one_line_error(dtable("eval", "-d", "registreing", "-i", "{}"))
    assert "no decision named `registreing` (did you mean `registrering`?)" in line


def test_unknown_input_exits_2():
    line = one_line_error(dtable("eval", "-d", "registrering", "-i", '{"yrkesrole": "läkare"}'))
    assert "has no input `yrkesrole` (did you mean `yrkesroll`?)" in line


def test_wrong_type_exits_2():
    case = dict(LÄKARE, ersätter_besök="nej")
    line = one_line_error(dtable("eval", "-d", "registrering", "-i", json.dumps(case)))
    assert line == 'dtable: error: input `ersätter_besök` expects a boolean, got the text "nej"'


def test_value_not_allowed_exits_2_as_in_the_readme():
    case = {"yrkesroll": "sjukskoterska", "kontakt": "1177 direkt", "vidare": "nej", "ersätter_besök": False}
    line = one_line_error(dtable("eval", "-d", "registrering", "-i", json.dumps(case)))
    assert line == (
        'dtable: error: input `yrkesroll`: "sjukskoterska" is not an allowed value (did you mean "sjuksköterska"?); '
        'allowed: "sjuksköterska", "läkare", "annan vårdpersonal"'
    )


def test_unreadable_workbook_exits_2(tmp_path):
    csv = tmp_path / "rules.csv"
    csv.write_text("a,b\n")
    line = one_line_error(dtable("eval", str(csv), "-d", "d", "-i", "{}"))
    assert line == f"dtable: error: {csv}: CSV files are not supported; save the workbook as .xlsx (or .xlsm)"
    missing = one_line_error(dtable("eval", str(tmp_path / "none.xlsx"), "-d", "d", "-i", "{}"))
    assert missing.endswith("none.xlsx: no such file or folder")


def test_workbook_with_errors_exits_2_and_lists_them(tmp_path):
    path = write_xlsx(tmp_path / "bad.xlsx", {"d": decision("d", "U", ["x"], ["o"], [["R1", "<", "1"], ["R2", "'a'", "2"]])})
    run = dtable("eval", str(path), "-d", "d", "-i", "{}")
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert run.stderr.splitlines()[0] == (
        "dtable: error: the tables have 2 errors; fix them first (`dtable lint` shows every finding)"
    )
    assert "d!B4: error DT001: rule R1, input `x`: after `<` a value is expected" in run.stderr
    assert "d!B5: error DT001: rule R2, input `x`: text values use double quotes, not single quotes" in run.stderr


def test_no_command_prints_help_and_exits_2():
    run = dtable()
    assert run.returncode == 2
    assert "usage: dtable" in run.stdout


# ------------------------------------------------------------------ show and test


def test_show_one_decision():
    run = dtable("show", "kontakttyp")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "kontakttyp  (kontakttyp!A1, 5 rules, hit policy UNIQUE)"
    assert "▶ kontakt" in run.stdout and "kontakttyp ◀" in run.stdout
    assert '"Mottagningsbesök"' in run.stdout
    assert "registrering" not in run.stdout


def test_show_all_and_an_unknown_decision(tiny):
    every = dtable("show", str(SHIPPED), "--format", "github")
    assert every.returncode == 0
    assert [line.split("  (")[0] for line in every.stdout.splitlines() if "hit policy" in line] == [
        "registrering", "kontakttyp", "attribut",
    ]  # fmt: skip
    line = one_line_error(dtable("show", str(tiny), "nope"))
    assert line == "dtable: error: no decision named `nope`; decisions: d"


def test_test_passes_on_the_shipped_tables():
    run = dtable("test")
    assert run.returncode == 0, run.stdout
    lines = run.stdout.splitlines()
    assert lines[-1] == "61 passed, 0 failed"
    assert sum(line.startswith("PASS ") for line in lines) == 61
    quiet = dtable("test", "--quiet")
    assert quiet.stdout.splitlines() == ["61 passed, 0 failed"]


def test_test_fails_on_a_broken_copy_naming_the_cell(tmp_path):
    broken = tmp_path / "broken.xlsx"
    shutil.copy(SHIPPED, broken)
    book = openpyxl.load_workbook(broken)
    assert book["test"]["J3"].value == "dokumentera_i_journalen"
    assert book["test"]["J4"].value == "true"
    book["test"]["J4"] = "false"
    book.save(broken)
    run = dtable("test", str(broken), "--quiet")
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert lines[-1] == "60 passed, 1 failed"
    assert lines[0].startswith("FAIL registrering 3.1.1-a1 [R1]")
    assert "     test!J4 dokumentera_i_journalen: expected false, got true" in lines


def test_test_json_format():
    results = json.loads(dtable("test", "--format", "json").stdout)
    assert len(results) == 61
    assert results[0]["case"] == "3.1.1-a1" and results[0]["passed"] is True
    assert results[0]["location"] == "test!A4"


# ------------------------------------------------------------------ from any directory


def test_defaults_are_found_from_another_directory(tmp_path):
    cli = str(CLI)
    run = dtable("eval", "-d", "registrering", "-i", json.dumps(LÄKARE), cwd=tmp_path, cli=cli)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["matched"] == ["R18"]
    tested = dtable("test", "--quiet", cwd=tmp_path, cli=cli)
    assert tested.returncode == 0, tested.stderr
    assert tested.stdout.strip() == "61 passed, 0 failed"
