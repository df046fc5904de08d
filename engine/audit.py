"""``dtable audit``: check what was registered against what the rulebook says, row by row, on DuckDB.

The file holds each case's inputs and the outputs actually registered
(columns named as the decision's outputs, or mapped with ``--map``). The
decision's compiled query (:mod:`engine.sql`) runs over every row; a row
whose registration differs from the rulebook's answer, or to which no rule
applies, becomes a deviation: one line per differing output, with the
expected and the registered value and the rule that applies. The summary
counts deviations per output and per rule.

>>> report = audit(model, "registrering", Path("registered.csv"), Path("deviations.csv"))  # doctest: +SKIP
>>> report.deviating_cases                                                                  # doctest: +SKIP
412
"""

from __future__ import annotations

import csv
import difflib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from sqlglot import exp

from engine.api import Model
from engine.batch import BatchError
from engine.feel import values as V
from engine.files import replacing
from engine.inputs import InputSpec
from engine.sql import values as S
from engine.sql.duckdb_engine import _table_function
from engine.sql.expressions import SqlCompileError
from engine.sql.files import ECHO, Cases, cases_relation, lookup_suggestions
from engine.sql.query import decision_query
from engine.sql.sources import TypedColumn, absent, from_text, from_typed

IN_SUFFIXES = (".csv", ".parquet", ".jsonl")
OUT_SUFFIXES = (".csv", ".parquet", ".xlsx")
NO_RULE = "no rule applies"
REGISTERED = "#registered#"
ROW = "#row"
#: Deviations written to an .xlsx sheet at most (its row limit, the header aside).
XLSX_ROWS = 1_048_575


@dataclass(frozen=True)
class OutputSummary:
    output: str
    compared: int  # cases the rulebook answered
    deviations: int


@dataclass(frozen=True)
class RuleSummary:
    rule: str  # a rule's label, "no rule applies", or "invalid input"
    cases: int
    deviations: int


@dataclass(frozen=True)
class AuditReport:
    target: Path
    cases: int
    deviating_cases: int
    deviations: int  # lines written: one per differing output (or per case no rule decides)
    outputs: tuple[OutputSummary, ...]
    rules: tuple[RuleSummary, ...]
    elapsed: float

    def tables(self) -> str:
        """The summary per output and per rule, as text tables."""
        from tabulate import tabulate

        def share(part: int, whole: int) -> str:
            return f"{100 * part / whole:.1f} %" if whole else "–"

        per_output = tabulate(
            [(o.output, f"{o.compared:,}", f"{o.deviations:,}", share(o.deviations, o.compared)) for o in self.outputs],
            headers=("output", "cases decided", "registered otherwise", "share"), tablefmt="simple", disable_numparse=True,
        )  # fmt: skip
        per_rule = tabulate(
            [(r.rule, f"{r.cases:,}", share(r.cases, self.cases), f"{r.deviations:,}", share(r.deviations, r.cases)) for r in self.rules],
            headers=("rule", "cases", "share of cases", "deviating", "share deviating"), tablefmt="simple", disable_numparse=True,
        )  # fmt: skip
        return f"{per_output}\n\n{per_rule}"

    def line(self) -> str:
        return (
            f"{self.cases:,} cases -> {self.target}: {self.deviating_cases:,} deviate from the rulebook "
            f"({self.deviations:,} lines, {self.elapsed:.1f} s)"
        )


def parse_mapping(items: Sequence[str], outputs: Sequence[str]) -> dict[str, str]:
    """``--map vårdkontakt=kontakttyp_pmo`` -> {output: column}; unknown outputs are a usage error."""
    found: dict[str, str] = {}
    for item in items:
        output, sep, column = item.partition("=")
        if not sep or not output.strip() or not column.strip():
            raise BatchError(f"--map {item}: write OUTPUT=COLUMN, e.g. --map {outputs[0]}=registrerad_{outputs[0]}")
        if output.strip() not in outputs:
            close = difflib.get_close_matches(output.strip(), list(outputs), n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            raise BatchError(f"--map {item}: the decision has no output `{output.strip()}`{hint}; its outputs: {', '.join(outputs)}")  # fmt: skip
        found[output.strip()] = column.strip()
    return found


def audit(model: Model, decision: str, source: Path, target: Path, mapping: Mapping[str, str] | None = None) -> AuditReport:  # fmt: skip
    """Compare every row of ``source`` with the rulebook; write the deviations to ``target``."""
    source, target = Path(source), Path(target)
    for path, role, suffixes in ((source, "registrations file", IN_SUFFIXES), (target, "deviations file", OUT_SUFFIXES)):
        if path.suffix.lower() not in suffixes:
            raise BatchError(f"{role} {path}: '{path.suffix or path.name}' files are not supported; use {', '.join(suffixes)}")
    if not source.is_file():
        raise BatchError(f"registrations file {source}: no such file")
    if target.exists() and target.resolve() == source.resolve():
        raise BatchError(f"deviations file {target} is the registrations file; write the deviations to another file")
    if not target.parent.is_dir():
        raise BatchError(f"deviations file {target}: the folder {target.parent} does not exist")
    table = model.tables[model.evaluation_plan(decision).decision]
    if not table.table.hit_policy.single_hit:
        raise BatchError(f"decision `{decision}` is {table.table.policy_label}: audit compares single values, not lists")
    outputs = table.output_names
    start = time.perf_counter()
    con = duckdb.connect()
    try:
        cases, registered = _read(con, model, decision, source, outputs, dict(mapping or {}))
        suggestions = lookup_suggestions(lambda q: con.execute(q.sql("duckdb")).fetchone(), model, cases)
        extra = [*(ECHO + n for n in cases.echoed), *(REGISTERED + o for o in registered), ROW]
        try:
            query = decision_query(model, decision, cases.relation, cases.inputs, suggestions, extra=extra)
        except SqlCompileError as error:
            raise BatchError(f"decision `{decision}` cannot run on SQL engines: {error}") from None
        con.execute(f"CREATE TEMP TABLE results AS {_compared(query.tree, registered, outputs, query.categories).sql('duckdb')}")
        summary = _summary(con, outputs)
        with replacing(target) as temporary:
            lines = _write(con, cases, outputs, temporary, target.suffix.lower())
    except duckdb.Error as error:
        raise BatchError(f"{source}: DuckDB could not read or evaluate it: {str(error).strip().splitlines()[0]}") from None
    finally:
        con.close()
    total, deviating, per_output, per_rule = summary
    return AuditReport(target, total, deviating, lines, per_output, per_rule, time.perf_counter() - start)


def _read(con: duckdb.DuckDBPyConnection, model: Model, decision: str, path: Path, outputs: Sequence[str], mapping: dict[str, str]) -> tuple[Cases, list[str]]:  # fmt: skip
    """The registrations as a cases relation, plus each registered output's text (``#registered#OUTPUT``)."""
    plan = model.evaluation_plan(decision)
    inputs = tuple(n for n in model.inputs if n in plan.inputs) + tuple(sorted(set(plan.inputs) - set(model.inputs)))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with open(path, newline="", encoding="utf-8-sig") as file:
            first = file.readline()
        counts = {d: first.count(d) for d in ",;\t"}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
        header = next(csv.reader([first], delimiter=delimiter), [])
        reader = _table_function("read_csv", path, header=True, all_varchar=True, delim=delimiter, quote='"', escape='"', null_padding=True)  # fmt: skip
    elif suffix == ".parquet":
        reader = _table_function("read_parquet", path)
    else:
        reader = _table_function("read_json", path, format="newline_delimited")
    described = con.execute(f"DESCRIBE {exp.Select(expressions=[exp.Star()], from_=exp.From(this=reader)).sql('duckdb')}").fetchall()  # fmt: skip
    header = [str(row[0]) for row in described]
    types = {str(row[0]): str(row[1]).split("(")[0] for row in described}
    for output, column in mapping.items():
        if column not in header:
            raise BatchError(f"{path}: --map {output}={column}: the file has no column `{column}`; its columns: {', '.join(header)}")
    columns = {o: mapping.get(o, o) for o in outputs if mapping.get(o, o) in header}
    if not columns:
        raise BatchError(f"{path}: no column holds a registered output; name them as the outputs ({', '.join(outputs)}) or use --map OUTPUT=COLUMN")  # fmt: skip
    typed: dict[str, TypedColumn] = {}
    for name in inputs:
        spec = model.inputs.get(name)
        if name not in header:
            typed[name] = absent(name, spec)
        elif types[name] == "VARCHAR":
            typed[name] = from_text(name, S.column(name), spec)
        else:
            typed[name] = from_typed(name, S.column(name), _category(types[name], path, name), spec)
    relation = cases_relation(typed, [n for n in inputs if n in header], reader, None, ",", {n: S.column(n) for n in inputs if n in header and types[n] == "VARCHAR"})  # fmt: skip
    for output, column in columns.items():
        text = S.column(column) if types[column] == "VARCHAR" else S.as_text(S.column(column), _category(types[column], path, column))
        relation.relation.expressions.append(exp.Alias(this=text, alias=S.identifier(REGISTERED + output)))
    relation.relation.expressions.append(exp.Alias(this=exp.Window(this=exp.RowNumber()), alias=S.identifier(ROW)))
    registered = list(columns)
    return relation, registered


def _category(type_name: str, path: Path, name: str) -> str:
    from engine.sql.duckdb_engine import _CATEGORY_OF_TYPE

    category = _CATEGORY_OF_TYPE.get(type_name, V.NUMBER if type_name == "DECIMAL" else None)
    if category is None:
        raise BatchError(f"{path}: the column `{name}` holds {type_name} values; texts, numbers, booleans or dates are compared")
    return category


def _compared(tree: exp.Select, registered: Sequence[str], outputs: Sequence[str], categories: Sequence[str | None]) -> exp.Select:  # fmt: skip
    """The decision's results next to what was registered, with a flag per output that differs."""
    inner = exp.Subquery(this=tree, alias=exp.TableAlias(this=S.identifier("#results")))
    columns: list[exp.Expression] = [exp.Star()]
    for output, category in zip(outputs, categories):
        if output not in registered:
            continue
        text = S.column(REGISTERED + output)
        # What was registered is read as the output's kind, the way input cells are (TRUE, 12,5 …).
        typed = from_text(output, text, InputSpec(output, category, None)).columns[0][1] if category != V.STRING else text
        differs = S.all_of(S.is_null(S.column("error")), exp.Not(this=exp.NullSafeEQ(this=S.column(output), expression=typed)))
        columns.append(exp.Alias(this=differs, alias=S.identifier(f"#differs#{output}")))
        columns.append(exp.Alias(this=S.as_text(S.column(output), category), alias=S.identifier(f"#expected#{output}")))
    return exp.Select(expressions=columns, from_=exp.From(this=inner))


def _summary(con: duckdb.DuckDBPyConnection, outputs: Sequence[str]) -> tuple[int, int, tuple[OutputSummary, ...], tuple[RuleSummary, ...]]:  # fmt: skip
    compared = [o for o in outputs if _has(con, f"#differs#{o}")]
    any_differs = S.any_of(*(S.column(f"#differs#{o}") for o in compared)) if compared else exp.false()
    deviates = S.any_of(S.not_null(S.column("error")), any_differs)
    totals = exp.Select(
        expressions=[exp.Count(this=exp.Star()), exp.Filter(this=exp.Count(this=exp.Star()), expression=exp.Where(this=deviates)),
                     exp.Filter(this=exp.Count(this=exp.Star()), expression=exp.Where(this=S.is_null(S.column("error"))))]
        + [exp.Filter(this=exp.Count(this=exp.Star()), expression=exp.Where(this=S.column(f"#differs#{o}"))) for o in compared],
        from_=exp.From(this=exp.Table(this=S.identifier("results"))),
    )  # fmt: skip
    row = con.execute(totals.sql("duckdb")).fetchone() or ()
    total, deviating, decided = int(row[0]), int(row[1]), int(row[2])
    per_output = tuple(OutputSummary(o, decided, int(n)) for o, n in zip(compared, row[3:]))
    group = S.case([(S.not_null(S.column("matched")), S.column("matched")),
                    (exp.StartsWith(this=S.column("error"), expression=S.text("no rule of decision")), S.text(NO_RULE))],
                   S.text("invalid input"))  # fmt: skip
    by_rule = exp.Select(
        expressions=[exp.Alias(this=group, alias=S.identifier("rule")), exp.Count(this=exp.Star()),
                     exp.Filter(this=exp.Count(this=exp.Star()), expression=exp.Where(this=deviates))],
        from_=exp.From(this=exp.Table(this=S.identifier("results"))),
        group=exp.Group(expressions=[exp.Literal.number(1)]),
    )  # fmt: skip
    rules = sorted(con.execute(by_rule.sql("duckdb")).fetchall(), key=lambda r: (-int(r[2]), -int(r[1]), str(r[0])))
    return total, deviating, per_output, tuple(RuleSummary(str(r), int(c), int(d)) for r, c, d in rules)


def _has(con: duckdb.DuckDBPyConnection, column: str) -> bool:
    return any(row[0] == column for row in con.execute("DESCRIBE results").fetchall())


def _write(con: duckdb.DuckDBPyConnection, cases: Cases, outputs: Sequence[str], path: Path, suffix: str) -> int:
    """One line per differing output, and one per case the rulebook does not decide."""
    selects = []
    header = ["row", *cases.echoed, "output", "expected", "registered", "rule", "message"]
    echo = [exp.Alias(this=S.column(ECHO + n), alias=S.identifier(n)) for n in cases.echoed]
    line = exp.Alias(this=S.column(ROW), alias=S.identifier("row"))
    null = exp.Cast(this=exp.Null(), to=exp.DataType.build("VARCHAR"))
    rule = S.case([(S.not_null(S.column("matched")), S.column("matched"))], S.text(NO_RULE))
    undecided = exp.Select(
        expressions=[line, *echo, exp.Alias(this=null, alias=S.identifier("output")), exp.Alias(this=null, alias=S.identifier("expected")),
                     exp.Alias(this=null, alias=S.identifier("registered")), exp.Alias(this=rule, alias=S.identifier("rule")),
                     exp.Alias(this=S.column("error"), alias=S.identifier("message"))],
        from_=exp.From(this=exp.Table(this=S.identifier("results"))), where=exp.Where(this=S.not_null(S.column("error"))),
    )  # fmt: skip
    selects.append(undecided)
    for output in outputs:
        if not _has(con, f"#differs#{output}"):
            continue
        selects.append(exp.Select(
            expressions=[line, *echo, exp.Alias(this=S.text(output), alias=S.identifier("output")),
                         exp.Alias(this=S.column(f"#expected#{output}"), alias=S.identifier("expected")),
                         exp.Alias(this=S.column(REGISTERED + output), alias=S.identifier("registered")),
                         exp.Alias(this=rule, alias=S.identifier("rule")), exp.Alias(this=null, alias=S.identifier("message"))],
            from_=exp.From(this=exp.Table(this=S.identifier("results"))), where=exp.Where(this=S.column(f"#differs#{output}")),
        ))  # fmt: skip
    union: exp.Expression = selects[0]
    for select in selects[1:]:
        union = exp.Union(this=union, expression=select, distinct=False)
    ordered = exp.Select(expressions=[exp.Star()], from_=exp.From(this=exp.Subquery(this=union, alias=exp.TableAlias(this=S.identifier("#d")))),
                         order=exp.Order(expressions=[exp.Ordered(this=S.column("row"))]))  # fmt: skip
    sql = ordered.sql("duckdb")
    count = int((con.execute(f"SELECT count(*) FROM ({sql})").fetchone() or (0,))[0])
    if suffix == ".xlsx":
        if count > XLSX_ROWS:
            raise BatchError(f"{count:,} deviations do not fit an .xlsx sheet ({XLSX_ROWS:,} rows); write .csv or .parquet")
        _write_xlsx(con.execute(sql), header, path)
    else:
        options = "FORMAT csv, HEADER true" if suffix == ".csv" else "FORMAT parquet"
        con.execute(f"COPY ({sql}) TO {S.text(str(path)).sql('duckdb')} ({options})")
    return count


def _write_xlsx(cursor: Any, header: Sequence[str], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet("deviations")
    sheet.append(list(header))

    def cell(value: Any) -> Any:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value.startswith("="):  # text, never a formula
                text = WriteOnlyCell(sheet, value)
                text.data_type = "s"
                return text
        return value

    while True:
        rows = cursor.fetchmany(10_000)
        if not rows:
            break
        for row in rows:
            sheet.append([cell(v) for v in row])
    book.save(path)


__all__ = ["AuditReport", "audit", "parse_mapping"]
