"""``dtable batch --engine duckdb``: DuckDB reads the cases file, runs the compiled query and writes the results.

No Python runs per row: DuckDB reads CSV, Parquet or JSONL, types the
inputs as ``dtable batch`` does (:mod:`engine.sql.sources`), evaluates the
decision's query and writes CSV, Parquet or JSONL itself, streaming and in
parallel, with its own progress bar. The promises of ``dtable batch`` hold:
the cases file is never written, the results replace the target only when
complete (:func:`engine.files.replacing`), and a row that cannot be decided
carries its message in ``error``.

One look-up runs before the query: the distinct texts that are not allowed
values, so that their messages suggest the closest allowed value exactly as
the Python engine does (``did you mean "läkare"?``).
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
from sqlglot import exp

from engine.api import Model
from engine.batch import BatchError, Summary, _check_header, _check_paths, _unknown
from engine.feel import values as V
from engine.files import replacing
from engine.sql import values as S
from engine.sql.expressions import SqlCompileError
from engine.sql.files import ECHO, Cases, cases_relation, lookup_suggestions, results_select, summary_select
from engine.sql.query import BAD, BAD_KIND, RAW, DecisionQuery, SourceInput, decision_query
from engine.sql.sources import TypedColumn, absent, from_text, typed_inputs

SUFFIXES = (".csv", ".parquet", ".jsonl")
#: DuckDB column types -> FEEL categories (anything else is refused with its name).
_CATEGORY_OF_TYPE = {
    "VARCHAR": V.STRING, "BOOLEAN": V.BOOLEAN, "DATE": V.DATE,
    "TINYINT": V.NUMBER, "SMALLINT": V.NUMBER, "INTEGER": V.NUMBER, "BIGINT": V.NUMBER, "HUGEINT": V.NUMBER,
    "UTINYINT": V.NUMBER, "USMALLINT": V.NUMBER, "UINTEGER": V.NUMBER, "UBIGINT": V.NUMBER,
    "FLOAT": V.NUMBER, "DOUBLE": V.NUMBER,
}  # fmt: skip


def run_duckdb(model: Model, decision: str, source: Path, target: Path, *, progress: bool = False, csv_raw: bool = False) -> Summary:
    """Evaluate ``decision`` for every case in ``source`` into ``target`` on DuckDB."""
    source, target = Path(source), Path(target)
    _check_paths(source, target, SUFFIXES, "duckdb")
    start = time.perf_counter()
    con = duckdb.connect()
    try:
        if progress:
            con.execute("SET enable_progress_bar = true")
            con.execute("SET enable_progress_bar_print = true")
        cases = read_cases(con, model, decision, source)
        suggestions = lookup_suggestions(lambda q: con.execute(q.sql("duckdb")).fetchone(), model, cases)
        query = compiled(model, decision, cases, suggestions)
        suffix = target.suffix.lower()
        writer = results_select(query, cases, suffix, csv_raw=csv_raw)
        with replacing(target) as temporary:
            con.execute(copy_statement(writer, temporary, suffix, cases.delimiter))
            # Read back, not evaluated twice: a scan of the results costs less than a second evaluation.
            counts = con.execute(summary_select(_results_reader(temporary, suffix, cases.delimiter)).sql("duckdb")).fetchone()
    except duckdb.Error as error:
        raise BatchError(f"{source}: DuckDB could not read or evaluate it: {_first_line(error)}") from None
    finally:
        con.close()
    rows, errors, no_rule = (int(c) for c in counts) if counts is not None else (0, 0, 0)
    return Summary(target, rows, rows - errors, no_rule, errors - no_rule, time.perf_counter() - start)


def compiled(model: Model, decision: str, cases: Cases, suggestions: Mapping[str, Mapping[str, str]] | None = None, extra: Sequence[str] = ()) -> DecisionQuery:  # fmt: skip
    try:
        return decision_query(model, decision, cases.relation, cases.inputs, suggestions, extra=[*(ECHO + n for n in cases.echoed), *extra])  # fmt: skip
    except SqlCompileError as error:
        raise BatchError(f"decision `{decision}` cannot run on SQL engines: {error}") from None


# ------------------------------------------------------------------ reading


def read_cases(con: duckdb.DuckDBPyConnection, model: Model, decision: str, path: Path) -> Cases:
    """The cases file as a relation of typed inputs (plus the echoed values)."""
    plan = model.evaluation_plan(decision)
    inputs = tuple(n for n in model.inputs if n in plan.inputs) + tuple(sorted(set(plan.inputs) - set(model.inputs)))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv(path, decision, inputs, model)
    if suffix == ".parquet":
        return _parquet(con, path, decision, inputs, model)
    return _jsonl(path, decision, inputs, model)


def _csv(path: Path, decision: str, inputs: tuple[str, ...], model: Model) -> Cases:
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            first = file.readline()
    except UnicodeDecodeError:
        raise BatchError(f"{path}: not UTF-8 text; save it as 'CSV UTF-8'") from None
    if not first.strip():
        raise BatchError(f"{path}: the file is empty; the first line must name the inputs")
    counts = {d: first.count(d) for d in ",;\t"}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    header = next(csv.reader([first], delimiter=delimiter))
    columns, positions = _check_header(path, header, decision, inputs)
    names = [f"c{i}" for i in range(len(header))]
    reader = _table_function("read_csv", path, header=True, all_varchar=True, delim=delimiter, quote='"', escape='"',
                             null_padding=True, names=names, auto_detect=True)  # fmt: skip
    raw = {name: S.column(names[p]) for name, p in zip(columns, positions)}
    typed = {n: from_text(n, raw[n], model.inputs.get(n)) if n in raw else absent(n, model.inputs.get(n)) for n in inputs}
    blank = S.all_of(*(S.is_null(S.column(n)) for n in names)) if names else exp.false()
    return cases_relation(typed, columns, reader, exp.Not(this=exp.Paren(this=blank)), delimiter, raw)


def _parquet(con: duckdb.DuckDBPyConnection, path: Path, decision: str, inputs: tuple[str, ...], model: Model) -> Cases:
    reader = _table_function("read_parquet", path)
    described = con.execute(f"DESCRIBE {exp.Select(expressions=[exp.Star()], from_=exp.From(this=reader)).sql('duckdb')}").fetchall()  # fmt: skip
    header = [row[0] for row in described]
    columns, _ = _check_header(path, header, decision, inputs)
    types = {row[0]: str(row[1]).split("(")[0] for row in described}
    categories = {n: _CATEGORY_OF_TYPE.get(t, V.NUMBER if t == "DECIMAL" else None) for n, t in types.items()}
    typed, raw = typed_inputs(path, inputs, columns, categories, types, model.inputs)
    return cases_relation(typed, columns, reader, None, ",", raw)


def _jsonl(path: Path, decision: str, inputs: tuple[str, ...], model: Model) -> Cases:
    """One JSON object a line; values keep their JSON types, checked as ``dtable batch`` checks them."""
    try:
        with open(path, encoding="utf-8-sig") as file:
            first = next((line for line in file if line.strip()), "")
    except UnicodeDecodeError:
        raise BatchError(f"{path}: not UTF-8 text") from None
    try:
        names = json.loads(first) if first else {}
    except json.JSONDecodeError:
        names = {}
    if isinstance(names, dict):
        for name in names:
            if name not in inputs:
                raise BatchError(f"{path}: line 1: {_unknown(str(name), decision, inputs)}")
    reader = _table_function("read_json_objects", path, format="newline_delimited")
    document = S.column("json")
    typed: dict[str, TypedColumn] = {}
    raw: dict[str, exp.Expression] = {}
    for name in inputs:
        spec = model.inputs.get(name)
        pointer = S.text('$."' + name.replace("\\", "\\\\").replace('"', '\\"') + '"')
        value = exp.JSONExtract(this=document, expression=pointer)
        text = exp.JSONExtractScalar(this=document, expression=pointer)
        typed[name] = _json_input(name, value, text, spec)
        raw[name] = text
    return cases_relation(typed, inputs, reader, None, ",", raw)


def _json_input(name: str, value: exp.Expression, text: exp.Expression, spec: Any) -> TypedColumn:
    kind = exp.Anonymous(this="json_type", expressions=[value])
    category = (spec.type if spec is not None else None) or from_text(name, text, spec).source.category
    matches = {
        V.STRING: ["VARCHAR"], V.NUMBER: ["BIGINT", "UBIGINT", "DOUBLE"], V.BOOLEAN: ["BOOLEAN"], V.DATE: ["VARCHAR"],
    }[category or V.STRING]  # fmt: skip
    fits = S.one_of(kind, [S.text(k) for k in matches])
    if category == V.NUMBER:
        typed_value: exp.Expression = exp.TryCast(this=text, to=S.sql_type(V.NUMBER))
    elif category == V.BOOLEAN:
        typed_value = exp.EQ(this=text, expression=S.text("true"))
    elif category == V.DATE:
        typed_value = S.case([(exp.RegexpLike(this=text, expression=S.text("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")), exp.TryCast(this=text, to=S.sql_type(V.DATE)))])  # fmt: skip
    else:
        typed_value = text
    value_or_null = S.case([(fits, typed_value)])
    words = {"VARCHAR": "the text", "BIGINT": "the number", "UBIGINT": "the number", "DOUBLE": "the number", "BOOLEAN": "the boolean", "ARRAY": "a list", "OBJECT": "a context"}  # fmt: skip
    shown = S.case(
        [(exp.EQ(this=kind, expression=S.text("VARCHAR")), S.described(text, V.STRING)),
         (S.one_of(kind, [S.text("BIGINT"), S.text("UBIGINT"), S.text("DOUBLE")]), S.number_text(exp.TryCast(this=text, to=S.sql_type(V.NUMBER))))],
        exp.Cast(this=value, to=exp.DataType.build("VARCHAR")),
    )  # fmt: skip
    present = S.all_of(S.not_null(value), exp.NEQ(this=kind, expression=S.text("NULL")))
    bad = S.case([(S.all_of(present, S.is_null(value_or_null)), shown)])

    columns = (
        (name, value_or_null),
        (BAD + name, bad),
        (BAD_KIND + name, S.case([(exp.EQ(this=kind, expression=S.text(k)), S.text(w)) for k, w in words.items()], S.text("a value"))),  # fmt: skip
        (RAW + name, S.case([(exp.EQ(this=kind, expression=S.text("VARCHAR")), text)])),
    )
    return TypedColumn(columns, SourceInput(category or V.STRING, converted=True), value)


def _table_function(name: str, path: Path, **options: Any) -> exp.Table:
    arguments: list[exp.Expression] = [S.text(str(path))]
    for key, value in options.items():
        if isinstance(value, bool):
            literal: exp.Expression = exp.true() if value else exp.false()
        elif isinstance(value, list):
            literal = exp.Array(expressions=[S.text(v) for v in value])
        else:
            literal = S.text(str(value))
        arguments.append(exp.EQ(this=exp.Column(this=exp.to_identifier(key)), expression=literal))
    return exp.Table(this=exp.Anonymous(this=name, expressions=arguments))


# ------------------------------------------------------------------ suggestions


# ------------------------------------------------------------------ writing


def copy_statement(select: exp.Select, path: Path, suffix: str, delimiter: str) -> str:
    options = {".csv": f"FORMAT csv, HEADER true, DELIMITER {S.text(delimiter).sql('duckdb')}",
               ".parquet": "FORMAT parquet", ".jsonl": "FORMAT json"}[suffix]  # fmt: skip
    return f"COPY ({select.sql('duckdb')}) TO {S.text(str(path)).sql('duckdb')} ({options})"


def _results_reader(path: Path, suffix: str, delimiter: str) -> exp.Table:
    if suffix == ".csv":
        return _table_function("read_csv", path, header=True, all_varchar=True, delim=delimiter, quote='"', escape='"')
    if suffix == ".parquet":
        return _table_function("read_parquet", path)
    return _table_function("read_json", path, format="newline_delimited")


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


__all__ = ["SUFFIXES", "read_cases", "results_select", "run_duckdb"]
