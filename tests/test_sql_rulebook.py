"""The shipped rulebook through DuckDB: every test-sheet case, the same answer as the Python evaluator."""

from __future__ import annotations

import duckdb
from helpers_core import SHIPPED
from sql_cases import expected_cells_hold, python_outcome, rulebook_cases, sql_outcome

import engine
from engine.sql import decision_query
from engine.sql import values as S
from engine.sql.query import assumed_inputs


def test_every_test_sheet_case_through_duckdb():
    model = engine.load(SHIPPED)
    found = rulebook_cases(model)
    assert len(found) >= 60
    con = duckdb.connect()
    for decision in sorted({d for d, _, _ in found}):
        inputs = assumed_inputs(model, decision)
        names = list(inputs)
        columns = ", ".join(f'"{n}" {S.sql_type(inputs[n].category).sql("duckdb")}' for n in names)
        con.execute("DROP TABLE IF EXISTS cases")
        con.execute(f"CREATE TABLE cases ({columns})")
        mine = [(case, values) for d, values, case in found if d == decision]
        con.executemany(f"INSERT INTO cases VALUES ({', '.join('?' for _ in names)})", [[v.get(n) for n in names] for _, v in mine])
        rows = con.execute(decision_query(model, decision, inputs=inputs).sql("duckdb")).fetchall()
        outputs = len(model.tables[decision].output_names)
        for (case, values), row in zip(mine, rows):
            outcome = sql_outcome(row, len(names), outputs)
            assert outcome == python_outcome(model, decision, values), case.label
            assert expected_cells_hold(outcome, model, decision, case), case.label
