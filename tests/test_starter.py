"""``dtable new``: a starter workbook that lints clean and whose tests run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from helpers_core import CLI

import engine
from engine.starter import StarterError, parse_column


def dtable(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CLI), *args], capture_output=True, text=True, encoding="utf-8", timeout=120)


def lint_and_test(path: Path) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    return dtable("lint", str(path), "--fail-on", "info"), dtable("test", str(path))


def test_the_example_lints_clean_and_its_tests_pass(tmp_path):
    path = tmp_path / "example.xlsx"
    run = dtable("new", str(path))
    assert run.returncode == 0, run.stderr
    lint, test = lint_and_test(path)
    assert (lint.returncode, lint.stdout.strip()) == (0, "no findings")
    assert test.returncode == 0 and test.stdout.splitlines()[-1] == "3 passed, 0 failed"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["discount", "tests", "read me", "dtable lists"]
    sheet = book["discount"]
    assert sheet["A1"].value == "Decision: discount" and sheet["A1"].font.bold
    assert sheet.freeze_panes == "B6" and book["tests"].freeze_panes == "B4"
    assert sheet["B3"].fill.fgColor.rgb.endswith("DDEBF7")  # inputs and outputs are told apart by colour
    assert sheet["D6"].value == 0.1 and sheet["D6"].data_type == "n"  # a number cell, not text
    assert {str(v.sqref) for v in sheet.data_validations.dataValidation} == {"B6:B108"}
    assert "dtable lint" in " ".join(str(c.value) for c in book["read me"]["B"])


def test_columns_from_the_command_line_make_a_complete_decision_list(tmp_path):
    path = tmp_path / "routing.xlsx"
    run = dtable(
        "new", str(path), "--decision", "routing",
        "--input", "yrkesroll:string=sjuksköterska,läkare,annan vårdpersonal",
        "--input", "ersätter_besök:boolean", "--input", "ålder:number",
        "--output", 'avslutar:string="jag", "mottagaren", null', "--output", "dokumentera:boolean",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    lint, test = lint_and_test(path)
    assert (lint.returncode, lint.stdout.strip()) == (0, "no findings"), lint.stdout
    assert test.returncode == 0 and test.stdout.splitlines()[-1] == "4 passed, 0 failed"
    (table,) = engine.read(path).tables
    assert [c.name for c in table.table.inputs] == ["yrkesroll", "ersätter_besök", "ålder"]
    assert table.table.inputs[0].allowed == ("sjuksköterska", "läkare", "annan vårdpersonal")
    assert table.table.outputs[0].allowed == ("jag", "mottagaren", None)
    assert [r.inputs[0].text for r in table.table.rules] == ['"sjuksköterska"', 'not("sjuksköterska")', 'not("sjuksköterska")', 'not("sjuksköterska")']  # fmt: skip
    sheets = openpyxl.load_workbook(path)
    assert len(sheets["routing"].data_validations.dataValidation) == 4  # yrkesroll, ersätter_besök, both outputs
    assert len(sheets["tests"].data_validations.dataValidation) == 4


def test_never_overwrites_and_explains_bad_columns(tmp_path):
    path = tmp_path / "taken.xlsx"
    path.write_bytes(b"the analyst's work")
    run = dtable("new", str(path))
    assert run.returncode == 2
    assert run.stderr.strip() == f"dtable: error: {path} already exists; refusing to overwrite it (choose another name)"
    assert path.read_bytes() == b"the analyst's work"
    assert not [p for p in tmp_path.iterdir() if p != path]  # no temporary file left behind
    bad = dtable("new", str(tmp_path / "x.xlsx"), "-d", "x", "-i", "ålder:integer", "-o", "y")
    assert bad.stderr.strip() == "dtable: error: input ålder: `integer` is not a type; use one of string, number, boolean, date"
    half = dtable("new", str(tmp_path / "x.xlsx"), "-i", "a")
    assert half.returncode == 2 and "name the decision (--decision NAME) and at least one --output" in half.stderr
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize(
    "spec, message",
    [
        ("annan vårdpersonal:string", "input `annan vårdpersonal` is not a name: use letters, digits and _ (e.g. annan_vårdpersonal)"),
        ("ålder:number=1,två", "input ålder: `två` is not a number"),
        ('k:string="a", b', "input k: allowed values:"),
    ],
)
def test_column_specs_that_cannot_be_written(spec, message):
    with pytest.raises(StarterError) as caught:
        parse_column(spec)
    assert str(caught.value).startswith(message)


def test_column_specs():
    assert parse_column("ålder:number=1,2.5").allowed == (1, pytest.approx(2.5))
    assert parse_column("d:date=2026-01-31,null").allowed[1] is None
    assert parse_column('k="1177 direkt", "telefon"').allowed == ("1177 direkt", "telefon")
    assert parse_column("flag:boolean").allowed == (True, False)
    assert parse_column("name").type == "string"
