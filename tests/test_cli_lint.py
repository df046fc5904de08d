"""`dtable lint` from the command line: formats, exit codes, annotated copies."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys

import openpyxl
import pytest

from tests.helpers_core import CLI, REPO, SHIPPED, write_xlsx


def dtable(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CLI), *args], capture_output=True, text=True, cwd=REPO, timeout=120)


OVERLAPPING = [
    ["Decision: grade"],
    ["U", "input", "output"],
    ["Rule", "age", "grade"],
    ["Type", "number", "string"],
    ["R1", "< 18", '"child"'],
    ["R2", "[10..30]", '"young"'],
]


@pytest.fixture()
def overlapping(tmp_path):
    return write_xlsx(tmp_path / "grade.xlsx", {"grade": OVERLAPPING})


def test_shipped_rulebook_lints_without_errors_but_fails_on_its_gaps():
    passing = dtable("lint")
    assert passing.returncode == 0, passing.stderr
    assert "0 errors" in passing.stdout.splitlines()[-1]
    assert "DT101" in passing.stdout  # the guideline's gaps are warnings
    strict = dtable("lint", "--fail-on", "warning")
    assert strict.returncode == 1


def test_unique_overlap_is_an_error_with_both_rules_and_exit_1(overlapping):
    run = dtable("lint", str(overlapping))
    assert run.returncode == 1
    assert "R1" in run.stdout and "R2" in run.stdout
    assert re.search(r"error\s+DT201 grade!A6 \[rules R1, R2\]: rules R1 and R2 both match age in \[10\.\.18\)", run.stdout)


def test_json_format_is_parseable_and_names_locations(overlapping):
    run = dtable("lint", str(overlapping), "--format", "json")
    data = json.loads(run.stdout)
    findings = data["findings"] if isinstance(data, dict) else data
    overlap = [f for f in findings if f["severity"] == "error"]
    assert overlap, findings
    assert any("grade!" in json.dumps(f, ensure_ascii=False) for f in overlap)


def test_sarif_is_version_2_1_0(overlapping):
    run = dtable("lint", str(overlapping), "--format", "sarif")
    sarif = json.loads(run.stdout)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert any(r["level"] == "error" for r in results)


def test_unreadable_workbook_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "rules.csv"
    bad.write_text("a,b\n")
    run = dtable("lint", str(bad))
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "save the workbook as .xlsx" in run.stderr


def test_annotate_writes_a_copy_and_leaves_the_input_untouched(overlapping, tmp_path):
    before = hashlib.sha256(overlapping.read_bytes()).hexdigest()
    out = tmp_path / "annotated.xlsx"
    run = dtable("lint", str(overlapping), "--annotate", str(out))
    assert run.returncode == 1
    assert hashlib.sha256(overlapping.read_bytes()).hexdigest() == before
    book = openpyxl.load_workbook(out)
    assert "Lint" in book.sheetnames
    assert "grade" in book.sheetnames


def test_annotate_refuses_to_overwrite_the_input(overlapping):
    before = overlapping.read_bytes()
    run = dtable("lint", str(overlapping), "--annotate", str(overlapping))
    assert run.returncode == 2
    assert "refusing to overwrite" in run.stderr
    assert overlapping.read_bytes() == before


def test_annotate_needs_one_workbook(overlapping, tmp_path):
    run = dtable("lint", str(overlapping), str(SHIPPED), "--annotate", str(tmp_path / "x.xlsx"))
    assert run.returncode == 2
    assert "exactly one workbook" in run.stderr
