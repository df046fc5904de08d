"""The compiled SQL, run by DuckDB, answers exactly what the Python evaluator answers.

For random tables (every hit policy; string, number, boolean and date
columns; null; lists, intervals, not(…), comparisons with other inputs,
computed outputs) and random cases, every row's outputs, matched labels and
error message are the ones ``dtable batch --engine python`` would write.
"""

from __future__ import annotations

import duckdb
import pytest
from helpers_core import POLICY_CODES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sql_cases import model_of, python_outcome, sql_outcome, sql_table

from engine.sql import SourceInput, decision_query
from engine.sql import values as S
from engine.sql.query import suggestions_for


@pytest.fixture(scope="module")
def connection():
    con = duckdb.connect()
    yield con
    con.close()


def run_duckdb(con: duckdb.DuckDBPyConnection, drawn: dict, model) -> list[tuple]:
    names = [name for name, _, _ in drawn["inputs"]]
    kinds = dict(zip(names, drawn["kinds"]))
    columns = ", ".join(f'"{n}" {S.sql_type(kinds[n]).sql("duckdb")}' for n in names)
    con.execute("DROP TABLE IF EXISTS cases")
    con.execute(f"CREATE TABLE cases ({columns}, \"#row\" INTEGER)")
    con.executemany(
        f"INSERT INTO cases VALUES ({', '.join('?' for _ in names)}, ?)",
        [[case.get(n) for n in names] + [i] for i, case in enumerate(drawn["cases"])],
    )
    texts = {n: [c[n] for c in drawn["cases"] if isinstance(c.get(n), str)] for n in names}
    query = decision_query(
        model, "d", inputs={n: SourceInput(kinds[n]) for n in names}, suggestions=suggestions_for(model, texts)
    )
    return con.execute(query.sql("duckdb")).fetchall()


@pytest.mark.parametrize("policy", sorted(POLICY_CODES))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_duckdb_agrees_with_the_python_evaluator(connection, policy, data):
    drawn = data.draw(sql_table(policy), label="table")
    model = model_of(drawn)
    rows = run_duckdb(connection, drawn, model)
    assert len(rows) == len(drawn["cases"])
    width = len(drawn["inputs"])
    for case, row in zip(drawn["cases"], rows):
        assert sql_outcome(row, width, len(drawn["outputs"])) == python_outcome(model, "d", case), case
