"""`dtable batch --engine duckdb`: the same results files as the Python engine, written by DuckDB."""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from helpers_core import CLI, SHIPPED, decision, write_xlsx

import engine
from engine.batch import BatchError, evaluate_file, run_batch
from engine.sql.duckdb_engine import run_duckdb

INPUTS = ["yrkesroll", "kontakt", "ärendetyp", "vidare", "ersätter_besök"]


@pytest.fixture(scope="module")
def model() -> engine.Model:
    return engine.load(SHIPPED)


def cases(model: engine.Model, count: int = 400) -> list[list[str]]:
    """The test sheet's cases, random allowed values (mostly gaps) and misspellings, as CSV cells."""
    (sheet,) = [t for t in model.tests if t.decision == "registrering"]
    tested = [[c.inputs[n].text.strip('"') if n in c.inputs else "" for n in INPUTS] for c in sheet.cases]
    tested = [[v if v != "null" else "" for v in row] for row in tested]
    rng = random.Random(12)
    allowed = {n: [v for v in model.inputs[n].allowed if v is not None] for n in INPUTS}
    rows = []
    for _ in range(count):
        draw = rng.random()
        if draw < 0.6:
            row = list(rng.choice(tested))
        else:
            row = [str(rng.choice(allowed[n])).lower() if rng.random() < 0.9 else "" for n in INPUTS]
        if draw > 0.9:
            row[rng.randrange(5)] = rng.choice(["sjukskoterska", "ja", "TELEFON", " nej", "x'); DROP TABLE cases; --", 'a "quote"'])  # fmt: skip
        if draw > 0.97:
            row[4] = rng.choice(["SANT", "falskt", "True "])
        rows.append(row)
    return rows


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=delimiter)
        writer.writerow(INPUTS)
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_results_are_the_python_engines_byte_for_byte(tmp_path, model, delimiter):
    source = write_csv(tmp_path / "cases.csv", cases(model), delimiter)
    python = evaluate_file(model, "registrering", source, tmp_path / "python.csv")
    duck = run_duckdb(model, "registrering", source, tmp_path / "duckdb.csv")
    assert (tmp_path / "duckdb.csv").read_bytes() == (tmp_path / "python.csv").read_bytes()
    assert (duck.rows, duck.ok, duck.no_rule, duck.failed) == (python.rows, python.ok, python.no_rule, python.failed)
    assert duck.failed > 0 and duck.no_rule > 0 and duck.ok > 0
    text = (tmp_path / "duckdb.csv").read_text("utf-8")
    assert '(did you mean ""sjuksköterska""?)' in text


def test_jsonl_and_parquet_give_the_python_engines_values(tmp_path, model):
    rows = cases(model, 200)
    source = write_csv(tmp_path / "cases.csv", rows)
    with open(tmp_path / "cases.jsonl", "w", encoding="utf-8") as file:
        for row in rows:
            case = {n: (v == "true" if v in ("true", "false") else v) for n, v in zip(INPUTS, row) if v != ""}
            file.write(json.dumps(case, ensure_ascii=False) + "\n")
    evaluate_file(model, "registrering", tmp_path / "cases.jsonl", tmp_path / "python.jsonl")
    run_duckdb(model, "registrering", tmp_path / "cases.jsonl", tmp_path / "duckdb.jsonl")
    python = [json.loads(line) for line in open(tmp_path / "python.jsonl", encoding="utf-8")]
    duck = [json.loads(line) for line in open(tmp_path / "duckdb.jsonl", encoding="utf-8")]
    assert duck == python

    run_duckdb(model, "registrering", source, tmp_path / "duckdb.parquet")
    evaluate_file(model, "registrering", source, tmp_path / "python.csv")
    table = duckdb.connect().execute(f"SELECT * FROM read_parquet('{tmp_path / 'duckdb.parquet'}')").fetchall()
    with open(tmp_path / "python.csv", encoding="utf-8") as file:
        expected = list(csv.reader(file))[1:]
    assert len(table) == len(expected)
    for got, want in zip(table, expected):
        assert [("" if v is None else str(v).lower() if isinstance(v, bool) else str(v)) for v in got] == want


def test_parquet_in_with_typed_columns(tmp_path, model):
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT 'läkare' AS yrkesroll, '1177 direkt' AS kontakt, 'nej' AS vidare, false AS "ersätter_besök"
                 UNION ALL SELECT 'läkare', '1177 direkt', 'nej', NULL) TO '{tmp_path / "in.parquet"}' (FORMAT parquet)""")
    summary = run_duckdb(model, "registrering", tmp_path / "in.parquet", tmp_path / "out.csv")
    assert (summary.ok, summary.failed) == (1, 1)
    lines = (tmp_path / "out.csv").read_text("utf-8").splitlines()
    assert lines[1].endswith(",R13,")
    assert lines[2].endswith(',"input `ersätter_besök` is missing; it must be one of true, false"')


def test_the_cases_file_is_never_the_results_file_and_a_failed_run_keeps_the_old_results(tmp_path, model):
    source = write_csv(tmp_path / "cases.csv", cases(model, 5))
    with pytest.raises(BatchError, match="is the cases file"):
        run_batch([SHIPPED], "registrering", source, source, engine="duckdb")
    rows = decision("d", "U", ["x"], ["o"], [["R1", "-", "x / 3"]], types={"x": "number"})
    book = write_xlsx(tmp_path / "t.xlsx", {"d": rows})
    (tmp_path / "x.csv").write_text("x\n1\n", "utf-8")
    target = tmp_path / "old.csv"
    target.write_text("previous results\n", "utf-8")
    with pytest.raises(BatchError) as caught:
        run_batch([book], "d", tmp_path / "x.csv", target, engine="duckdb")
    assert str(caught.value).startswith("decision `d` cannot run on SQL engines: d!C5: rule R1, output `o`: division")
    assert target.read_text("utf-8") == "previous results\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_cli_batch_engine_duckdb_and_its_refusals(tmp_path, model):
    source = write_csv(tmp_path / "cases.csv", cases(model, 50))
    done = subprocess.run([sys.executable, str(CLI), "batch", "-d", "registrering", "--in", str(source), "--out", str(tmp_path / "r.csv"), "--engine", "duckdb", "--no-progress"], capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 1, done.stderr  # some cases have no rule
    assert done.stderr.startswith("50 rows -> ")
    assert (tmp_path / "r.csv").is_file()
    xlsx = subprocess.run([sys.executable, str(CLI), "batch", "-d", "registrering", "--in", str(source), "--out", str(tmp_path / "r.xlsx"), "--engine", "duckdb"], capture_output=True, text=True)  # fmt: skip
    assert xlsx.returncode == 2
    assert "'.xlsx' files are not supported by --engine duckdb; use .csv, .parquet, .jsonl" in xlsx.stderr
