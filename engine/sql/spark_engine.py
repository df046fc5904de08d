"""``dtable batch --engine spark``: the compiled query on Spark, locally (``local[*]``) or on a cluster.

Spark reads the cases file (CSV, Parquet or JSONL) into a DataFrame, types
the inputs with the same SQL as DuckDB (:mod:`engine.sql.sources`), runs
the decision's query in Spark's dialect and writes one results file: into
a folder beside the target first, then the single part file is moved over
the target, so the target is only ever replaced by complete results and the
cases file is never written. Rows keep their order (a row number travels
with them). Spark needs Java 17; ``pip install '.[spark]'`` brings pyspark.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlglot import exp

from engine.api import Model
from engine.batch import BatchError, Summary, _check_header, _check_paths, _unknown
from engine.feel import values as V
from engine.files import replacing
from engine.sql import values as S
from engine.sql.expressions import SqlCompileError
from engine.sql.files import ECHO, Cases, cases_relation, lookup_suggestions, results_select, summary_select
from engine.sql.query import DecisionQuery, decision_query
from engine.sql.sources import typed_inputs

SUFFIXES = (".csv", ".parquet", ".jsonl")
ROW = "#row"
_CATEGORY_OF_TYPE = {
    "StringType": V.STRING, "BooleanType": V.BOOLEAN, "DateType": V.DATE, "ByteType": V.NUMBER, "ShortType": V.NUMBER,
    "IntegerType": V.NUMBER, "LongType": V.NUMBER, "FloatType": V.NUMBER, "DoubleType": V.NUMBER, "DecimalType": V.NUMBER,
}  # fmt: skip


def spark_session(master: str | None = None) -> Any:
    """A SparkSession on ``master`` (default ``local[*]``), quiet and without its web UI."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise BatchError("--engine spark needs pyspark: pip install 'dtable[spark]' (and Java 17)") from None
    builder = SparkSession.builder.master(master or "local[*]").appName("dtable")
    for key, value in {"spark.ui.enabled": "false", "spark.sql.session.timeZone": "UTC", "spark.sql.ansi.enabled": "true",
                       "spark.sql.shuffle.partitions": str(max(os.cpu_count() or 2, 2))}.items():  # fmt: skip
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as error:  # Java missing, cluster unreachable …
        raise BatchError(f"Spark did not start: {str(error).strip().splitlines()[0] if str(error).strip() else error}") from None
    session.sparkContext.setLogLevel("ERROR")
    return session


def run_spark(model: Model, decision: str, source: Path, target: Path, *, master: str | None = None, progress: bool = False, session: Any = None, csv_raw: bool = False) -> Summary:  # fmt: skip
    """Evaluate ``decision`` for every case in ``source`` into ``target`` on Spark."""
    source, target = Path(source), Path(target)
    _check_paths(source, target, SUFFIXES, "spark")
    start = time.perf_counter()
    spark = session or spark_session(master)
    view = f"dtable_cases_{uuid.uuid4().hex}"
    try:
        cases = read_cases(spark, model, decision, source, view)
        suggestions = lookup_suggestions(lambda q: _first_row(spark.sql(q.sql("spark"))), model, cases)
        query = _compiled(model, decision, cases, suggestions, [ROW])
        suffix = target.suffix.lower()
        results = spark.sql(results_select(query, cases, suffix, "spark", extra=[ROW], csv_raw=csv_raw).sql("spark"))
        results = results.orderBy(ROW).drop(ROW)
        with replacing(target) as temporary:
            counts = _write(spark, results, temporary, suffix, cases.delimiter)
    finally:
        spark.catalog.dropTempView(view)
        if session is None:
            spark.stop()
    rows, errors, no_rule = counts
    return Summary(target, rows, rows - errors, no_rule, errors - no_rule, time.perf_counter() - start)


def _compiled(model: Model, decision: str, cases: Cases, suggestions: Mapping[str, Mapping[str, str]] | None = None, extra: Sequence[str] = ()) -> DecisionQuery:  # fmt: skip
    try:
        return decision_query(model, decision, cases.relation, cases.inputs, suggestions, extra=[*(ECHO + n for n in cases.echoed), *extra])  # fmt: skip
    except SqlCompileError as error:
        raise BatchError(f"decision `{decision}` cannot run on SQL engines: {error}") from None


def read_cases(spark: Any, model: Model, decision: str, path: Path, view: str) -> Cases:
    from pyspark.sql import functions as F

    plan = model.evaluation_plan(decision)
    inputs = tuple(n for n in model.inputs if n in plan.inputs) + tuple(sorted(set(plan.inputs) - set(model.inputs)))
    suffix = path.suffix.lower()
    delimiter = ","
    if suffix == ".csv":
        with open(path, encoding="utf-8-sig") as file:
            first = file.readline()
        counts = {d: first.count(d) for d in ",;\t"}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
        frame = (spark.read.option("header", True).option("sep", delimiter).option("quote", '"').option("escape", '"')
                 .option("encoding", "UTF-8").option("mode", "PERMISSIVE").csv(str(path)))  # fmt: skip
    elif suffix == ".parquet":
        frame = spark.read.parquet(str(path))
    else:
        frame = spark.read.option("primitivesAsString", False).json(str(path))
        for name in frame.columns:
            if name not in inputs and not name.startswith("_corrupt"):
                raise BatchError(f"{path}: {_unknown(name, decision, inputs)}")
    names = [c for c in frame.columns if not c.startswith("_corrupt")]
    columns, _ = _check_header(path, names, decision, inputs) if suffix != ".jsonl" else (tuple(names), [])
    types = {f.name: type(f.dataType).__name__ for f in frame.schema.fields}
    frame.withColumn(ROW, F.monotonically_increasing_id()).createOrReplaceTempView(view)
    categories = {n: _CATEGORY_OF_TYPE.get(t) for n, t in types.items()}
    typed, raw = typed_inputs(path, inputs, columns, categories, types, model.inputs)
    keep = None
    if suffix == ".csv" and columns:
        keep = exp.Not(this=exp.Paren(this=S.all_of(*(S.is_null(S.column(n)) for n in columns))))
    relation = cases_relation(typed, inputs if suffix == ".jsonl" else columns, exp.Table(this=S.identifier(view)), keep, delimiter, raw)  # fmt: skip
    relation.relation.expressions.append(S.column(ROW))
    return relation


def _first_row(frame: Any) -> tuple[Any, ...] | None:
    rows = frame.collect()
    return tuple(rows[0]) if rows else None


def _write(spark: Any, frame: Any, temporary: Path, suffix: str, delimiter: str) -> tuple[int, int, int]:
    """One part file, counted, then moved over the temporary (Spark skips hidden files, so count first)."""
    folder = temporary.with_name(temporary.name.lstrip(".") + ".spark")
    writer = frame.coalesce(1).write.mode("overwrite")
    if suffix == ".csv":
        writer.option("header", True).option("sep", delimiter).option("quote", '"').option("escape", '"').option("emptyValue", "").csv(str(folder))  # fmt: skip
    elif suffix == ".parquet":
        writer.parquet(str(folder))
    else:
        writer.option("ignoreNullFields", False).json(str(folder))
    try:
        (part,) = [p for p in folder.iterdir() if p.name.startswith("part-")]
        view = f"dtable_results_{uuid.uuid4().hex}"
        if suffix == ".csv":
            written = spark.read.option("header", True).option("sep", delimiter).option("quote", '"').option("escape", '"').csv(str(part))  # fmt: skip
        elif suffix == ".parquet":
            written = spark.read.parquet(str(part))
        else:
            written = spark.read.json(str(part))
        written.createOrReplaceTempView(view)
        row = _first_row(spark.sql(summary_select(exp.Table(this=S.identifier(view))).sql("spark"))) or (0, 0, 0)
        spark.catalog.dropTempView(view)
        os.replace(part, temporary)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return int(row[0]), int(row[1]), int(row[2])


__all__ = ["run_spark", "spark_session"]
