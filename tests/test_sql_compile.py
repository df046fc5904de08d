"""The SQL compiler: hostile cells stay data, what SQL cannot say is refused by cell, `dtable sql` prints it."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest
import sqlglot
from helpers_core import CLI, decision, load_sheets, one_decision
from sqlglot import exp

from engine.sql import DIALECTS, SqlCompileError, decision_query, source_table

HOSTILE = "x'); DROP TABLE cases; --"


def hostile_model(tmp_path):
    rows = decision(
        "d", "U", ["kund"], ["o"],
        [["R1'; DELETE FROM cases; --", f'"{HOSTILE}"', f'"{HOSTILE}"'], ["R2", '"a"', '"b`) --"']],
    )  # fmt: skip
    return load_sheets(tmp_path, {"d": rows})


@pytest.mark.parametrize("dialect", DIALECTS)
def test_hostile_cells_are_literals_in_every_dialect(tmp_path, dialect):
    sql = decision_query(hostile_model(tmp_path), "d").sql(dialect)
    statements = sqlglot.parse(sql, read=dialect)
    assert len(statements) == 1
    tree = statements[0]
    assert isinstance(tree, exp.Select)
    assert not list(tree.find_all(exp.Drop, exp.Delete, exp.Command))
    strings = {s.this for s in tree.find_all(exp.Literal) if s.is_string}
    assert HOSTILE in strings and "R1'; DELETE FROM cases; --" in strings


def test_hostile_cells_run_as_data_in_duckdb(tmp_path):
    query = decision_query(hostile_model(tmp_path), "d")
    con = duckdb.connect()
    con.execute("CREATE TABLE cases (kund VARCHAR)")
    con.executemany("INSERT INTO cases VALUES (?)", [[HOSTILE], ["a"], ["zz"]])
    rows = con.execute(query.sql("duckdb")).fetchall()
    assert rows[0] == (HOSTILE, HOSTILE, "R1'; DELETE FROM cases; --", None)
    assert rows[1] == ("a", "b`) --", "R2", None)
    assert rows[2][3] == 'no rule of decision `d` applies to kund = "zz"'
    assert con.execute("SELECT count(*) FROM cases").fetchone() == (3,)


def test_a_hostile_table_name_is_one_quoted_identifier():
    table = source_table('cases"; DROP TABLE x; --')
    assert table.sql("duckdb") == '"cases""; DROP TABLE x; --"'
    assert source_table("lake.registry.cases").sql("spark") == "`lake`.`registry`.`cases`"


@pytest.mark.parametrize(
    ("cell", "construct"),
    [
        ("x / 3", "division is compiled to SQL only by a constant whose reciprocal is exact"),
        ("x ** 2", "`**` is not compiled to SQL"),
        ('upper case("a")  + upper case(s)', "the function `upper case` is not compiled to SQL"),
        ("[x, 1]", "a list value cannot be an SQL column"),
    ],
)
def test_what_sql_cannot_say_is_refused_naming_the_cell(tmp_path, cell, construct):
    model = one_decision(tmp_path, "U", ["x", "s"], ["o"], [["R1", "-", "-", "1"], ["R2", "> 1", "-", cell]], types={"x": "number", "s": "string"})  # fmt: skip
    with pytest.raises(SqlCompileError) as caught:
        decision_query(model, "d")
    message = str(caught.value)
    assert message.startswith("d!D6: rule R2, output `o`: ")
    assert construct in message
    assert "use --engine python" in message


def test_an_output_column_of_two_kinds_is_refused(tmp_path):
    model = one_decision(tmp_path, "U", ["x"], ["o"], [["R1", "1", '"one"'], ["R2", "2", "2"]], types={"x": "number"})
    with pytest.raises(SqlCompileError) as caught:
        decision_query(model, "d")
    assert str(caught.value).startswith("d!C6: rule R2, output `o`: gives a number where rule R1 gives a string")


def test_exact_division_becomes_multiplication(tmp_path):
    model = one_decision(tmp_path, "U", ["x"], ["o"], [["R1", "-", "x / 4"]], types={"x": "number"})
    con = duckdb.connect()
    con.execute("CREATE TABLE cases AS SELECT CAST(3 AS DECIMAL(38, 10)) AS x")
    ((x, o, matched, error),) = con.execute(decision_query(model, "d").sql()).fetchall()
    assert (o, matched, error) == (model.decide("d", {"x": 3}).output["o"], "R1", None)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CLI), *args], capture_output=True, text=True, encoding="utf-8")


def test_dtable_sql_prints_one_query_per_dialect():
    for dialect, quote in (("duckdb", '"'), ("spark", "`"), ("postgres", '"')):
        done = run("sql", "registrering", "--dialect", dialect, "--from", "registrerade")
        assert done.returncode == 0, done.stderr
        tree = sqlglot.parse_one(done.stdout, read=dialect)
        assert tree.find(exp.Table) is not None
        assert f"FROM {quote}registrerade{quote}" in done.stdout
        assert f"AS {quote}avslutar_ärendet{quote}" in done.stdout


def test_dtable_sql_refuses_in_one_line(tmp_path):
    rows = decision("d", "U", ["x"], ["o"], [["R1", "-", "x / 3"]], types={"x": "number"})
    from helpers_core import write_xlsx

    book = write_xlsx(tmp_path / "t.xlsx", {"d": rows})
    done = run("sql", str(book), "d")
    assert done.returncode == 2
    assert done.stderr.startswith("dtable: error: decision `d` cannot run as SQL: d!C5: rule R1, output `o`: division")
    assert done.stderr.count("\n") == 1
