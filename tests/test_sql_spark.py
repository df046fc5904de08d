"""The same SQL on Spark (local mode): agreement with the Python evaluator, the rulebook, batch files.

Starting Spark takes tens of seconds, so the whole module shares one
session and keeps its samples small; DuckDB carries the larger random
sample (tests/test_sql_agreement.py).
"""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal

import pytest
from helpers_core import POLICY_CODES, SHIPPED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sql_cases import expected_cells_hold, model_of, python_outcome, rulebook_cases, sql_outcome, sql_table

import engine
from engine.batch import evaluate_file
from engine.sql import SourceInput, decision_query
from engine.sql.query import assumed_inputs, suggestions_for

if shutil.which("java") is None:  # .ci/apt-packages installs it; say so rather than skip
    raise RuntimeError("Spark needs Java 17: apt-get install openjdk-17-jre-headless")


@pytest.fixture(scope="module")
def spark():
    from engine.sql.spark_engine import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


def spark_rows(spark, names, kinds, rows, query_sql):
    from pyspark.sql import types as T

    spark_type = {"string": T.StringType(), "number": T.DecimalType(38, 10), "boolean": T.BooleanType(), "date": T.DateType()}
    schema = T.StructType([T.StructField(n, spark_type[k], True) for n, k in zip(names, kinds)] + [T.StructField("#row", T.IntegerType())])  # fmt: skip
    data = [tuple(_spark_value(v) for v in row) + (i,) for i, row in enumerate(rows)]
    spark.createDataFrame(data, schema).createOrReplaceTempView("cases")
    frame = spark.sql(query_sql)
    return [tuple(r)[:-1] for r in sorted(frame.collect(), key=lambda r: r[-1])]


def _spark_value(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_spark_agrees_with_the_python_evaluator(spark, data):
    policy = data.draw(st.sampled_from(sorted(POLICY_CODES)), label="policy")
    drawn = data.draw(sql_table(policy, max_cases=4), label="table")
    model = model_of(drawn)
    names = [n for n, _, _ in drawn["inputs"]]
    texts = {n: [c[n] for c in drawn["cases"] if isinstance(c.get(n), str)] for n in names}
    query = decision_query(model, "d", inputs={n: SourceInput(k) for n, k in zip(names, drawn["kinds"])},
                           suggestions=suggestions_for(model, texts), extra=["#row"])  # fmt: skip
    rows = spark_rows(spark, names, drawn["kinds"], [[c.get(n) for n in names] for c in drawn["cases"]], query.sql("spark"))
    for case, row in zip(drawn["cases"], rows):
        assert sql_outcome(row, len(names), len(drawn["outputs"])) == python_outcome(model, "d", case), case


def test_every_test_sheet_case_through_spark(spark):
    model = engine.load(SHIPPED)
    found = rulebook_cases(model)
    for decision in sorted({d for d, _, _ in found}):
        inputs = assumed_inputs(model, decision)
        names = list(inputs)
        mine = [(case, values) for d, values, case in found if d == decision]
        query = decision_query(model, decision, inputs=inputs, extra=["#row"])
        rows = spark_rows(spark, names, [inputs[n].category for n in names], [[v.get(n) for n in names] for _, v in mine], query.sql("spark"))  # fmt: skip
        outputs = len(model.tables[decision].output_names)
        for (case, values), row in zip(mine, rows):
            outcome = sql_outcome(row, len(names), outputs)
            assert outcome == python_outcome(model, decision, values), case.label
            assert expected_cells_hold(outcome, model, decision, case), case.label


def test_batch_engine_spark_writes_the_python_engines_csv(spark, tmp_path):
    from engine.sql.spark_engine import run_spark

    model = engine.load(SHIPPED)
    rows = [
        ["sjuksköterska", "1177 direkt", "egenvårdsråd", "nej", "false"],
        ["läkare", "fysiskt besök", "", "", "SANT"],
        ["sjukskoterska", "1177 direkt", "", "nej", "false"],
        ["sjuksköterska", "1177 direkt", "åtgärd/behandling", "nej", "false"],
        ["", "", "", "", ""],
        ["läkare", "telefon", "", "nej", "ja"],
    ]
    with open(tmp_path / "cases.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["yrkesroll", "kontakt", "ärendetyp", "vidare", "ersätter_besök"])
        writer.writerows(rows)
    python = evaluate_file(model, "registrering", tmp_path / "cases.csv", tmp_path / "python.csv")
    summary = run_spark(model, "registrering", tmp_path / "cases.csv", tmp_path / "spark.csv", session=spark)
    assert (tmp_path / "spark.csv").read_text("utf-8") == (tmp_path / "python.csv").read_text("utf-8")
    assert (summary.rows, summary.ok, summary.no_rule, summary.failed) == (python.rows, python.ok, python.no_rule, python.failed)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv", "python.csv", "spark.csv"]


