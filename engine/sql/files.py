"""Cases files as typed relations and results as ``dtable batch`` writes them, for any SQL engine.

The engines (:mod:`engine.sql.duckdb_engine`, :mod:`engine.sql.spark_engine`)
only read and write files; what a cases relation holds, how the results are
laid out and the look-up of "did you mean" suggestions are the same
sqlglot trees for both, rendered in their dialects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from engine.api import Model
from engine.batch import FORMULA_TRIGGERS
from engine.feel import values as V
from engine.sql import values as S
from engine.sql.query import RAW, DecisionQuery, SourceInput, suggestions_for
from engine.sql.sources import TypedColumn

ECHO = "#echo#"
#: At most this many distinct unknown texts per input get a "did you mean" suggestion.
SUGGESTION_LIMIT = 10_000


@dataclass(frozen=True)
class Cases:
    """A cases file as a typed relation: what the decision query reads."""

    relation: exp.Select
    inputs: Mapping[str, SourceInput]
    echoed: tuple[str, ...]  # the input columns the results repeat, in order
    delimiter: str = ","
    raw_texts: Mapping[str, exp.Expression] | None = None  # per input, its text before typing


def cases_relation(typed: Mapping[str, TypedColumn], echoed: Sequence[str], reader: exp.Expression, keep: exp.Expression | None, delimiter: str, raw: Mapping[str, exp.Expression]) -> Cases:  # fmt: skip
    selected: list[exp.Expression] = []
    for column in typed.values():
        selected += [exp.Alias(this=e, alias=S.identifier(n)) for n, e in column.columns]
    selected += [exp.Alias(this=typed[n].echo, alias=S.identifier(ECHO + n)) for n in echoed]
    relation = exp.Select(expressions=selected, from_=exp.From(this=reader))
    if keep is not None:
        relation.set("where", exp.Where(this=keep))
    return Cases(relation, {n: c.source for n, c in typed.items()}, tuple(echoed), delimiter, dict(raw))


def lookup_suggestions(fetch: Callable[[exp.Select], Sequence[Any] | None], model: Model, cases: Cases) -> dict[str, dict[str, str]]:  # fmt: skip
    """The distinct texts each input got that its allowed values lack, with their "did you mean".

    One scan of the cases' text columns, no decision evaluated: cheaper than
    any pass that evaluates (measured in bench/RESULTS.md). ``fetch`` runs a
    select on the engine and returns its one row.
    """
    wanted = []
    for name in cases.inputs:
        spec = model.inputs.get(name)
        if spec is None or not spec.allowed or not any(isinstance(a, str) for a in spec.allowed):
            continue
        if cases.raw_texts is None or name not in cases.raw_texts:
            continue
        wanted.append((name, [a for a in spec.allowed if isinstance(a, str)]))
    if not wanted:
        return {}
    aggregates = []
    for name, allowed in wanted:
        text = S.column(RAW + name) if cases.inputs[name].converted else S.column(name)
        unknown = S.all_of(S.not_null(text), S.none_of(text, [S.text(a) for a in allowed]))
        found = exp.Filter(this=exp.ArrayAgg(this=exp.Distinct(expressions=[text])), expression=exp.Where(this=unknown))
        aggregates.append(exp.Alias(this=found, alias=S.identifier(name)))
    select = exp.Select(expressions=aggregates, from_=exp.From(this=exp.Subquery(this=cases.relation, alias=exp.TableAlias(this=S.identifier("#cases")))))  # fmt: skip
    row = fetch(select) or ()
    texts = {name: list(values or ())[:SUGGESTION_LIMIT] for (name, _), values in zip(wanted, row)}
    return suggestions_for(model, texts)


def summary_select(reader: exp.Expression) -> exp.Select:
    """Rows, rows with an error, and of those the ones no rule decides, counted in a results file."""
    error = S.column("error")
    no_rule = exp.StartsWith(this=error, expression=S.text("no rule of decision `"))
    counts: list[exp.Expression] = [exp.Count(this=exp.Star()), exp.Count(this=error),
                                    exp.Filter(this=exp.Count(this=exp.Star()), expression=exp.Where(this=no_rule))]  # fmt: skip
    return exp.Select(expressions=counts, from_=exp.From(this=reader))


def results_select(query: DecisionQuery, cases: Cases, suffix: str, dialect: str = "duckdb", extra: Sequence[str] = (), csv_raw: bool = False) -> exp.Select:  # fmt: skip
    """The results as the Python engine writes them: echoed inputs, outputs, matched, error.

    In CSV, text cells that start like a formula get OWASP's ``'`` unless
    ``csv_raw``, exactly the cells :func:`engine.batch.csv_safe` guards there.
    """
    guard = suffix == ".csv" and not csv_raw
    inner = exp.Subquery(this=query.tree, alias=exp.TableAlias(this=S.identifier("#results")))
    columns: list[exp.Expression] = []
    for name in cases.echoed:
        echo: exp.Expression = S.column(ECHO + name)
        if guard:
            category = cases.inputs[name].category if name in cases.inputs else V.STRING
            # Python echoes a converted number, boolean or date as a value, not text: only cells left as text are guarded.
            echo = csv_safe(echo, None if category == V.STRING else S.is_null(S.column(name)))
        columns.append(exp.Alias(this=echo, alias=S.identifier(name)))
    for name, category in zip(query.outputs, query.categories):
        value: exp.Expression = S.column(name)
        if suffix == ".csv" and (query.lists or category == V.NUMBER):
            # Booleans (true/false), texts and dates are written as the Python engine writes them already.
            value = json_list(value, category, dialect) if query.lists else S.number_text(value)
        elif guard and category == V.STRING:
            value = csv_safe(value)
        columns.append(exp.Alias(this=value, alias=S.identifier(name)))
    matched: exp.Expression = S.column("matched")
    if suffix == ".jsonl":
        split = exp.Split(this=matched, expression=S.text(", "))
        matched = S.case([(S.is_null(matched), exp.Cast(this=exp.Array(expressions=[]), to=S.list_type(V.STRING)))], split)
    error: exp.Expression = S.column("error")
    if guard:
        matched, error = csv_safe(matched), csv_safe(error)
    columns.append(exp.Alias(this=matched, alias=S.identifier("matched")))
    columns.append(exp.Alias(this=error, alias=S.identifier("error")))
    columns += [S.column(n) for n in extra]
    return exp.Select(expressions=columns, from_=exp.From(this=inner))


def csv_safe(value: exp.Expression, only_if: exp.Expression | None = None) -> exp.Expression:
    """:func:`engine.batch.csv_safe` in SQL: ``'`` before a text that a spreadsheet would run as a formula."""
    first = exp.Substring(this=value, start=exp.Literal.number(1), length=exp.Literal.number(1))
    nul = exp.Anonymous(this="chr", expressions=[exp.Literal.number(0)])
    triggers = [S.text(t) for t in FORMULA_TRIGGERS if t != "\0"] + [nul]
    starts = exp.In(this=first, expressions=triggers)
    condition = starts if only_if is None else S.all_of(only_if, starts)
    return S.case([(condition, S.concat(S.text("'"), value))], value)


def json_list(value: exp.Expression, category: str | None, dialect: str = "duckdb") -> exp.Expression:
    """A list column as the JSON text ``json.dumps`` writes (``["a", 2.5, null]``)."""
    item = exp.Column(this=exp.to_identifier("item"))
    if category == V.STRING:
        if dialect == "spark":  # Spark's to_json takes arrays only: one item's array, brackets cut off
            whole = exp.JSONFormat(this=exp.Array(expressions=[item]))
            shown: exp.Expression = exp.Substring(this=whole, start=exp.Literal.number(2), length=exp.Sub(this=exp.Length(this=whole), expression=exp.Literal.number(2)))  # fmt: skip
        else:
            shown = exp.Cast(this=exp.JSONFormat(this=item), to=exp.DataType.build("VARCHAR"))
    elif category == V.DATE:
        shown = S.concat(S.text('"'), exp.Cast(this=item, to=exp.DataType.build("VARCHAR")), S.text('"'))
    else:
        shown = S.as_text(item, category)
    shown = exp.Coalesce(this=shown, expressions=[S.text("null")])
    items = exp.Transform(this=value, expression=exp.Lambda(this=shown, expressions=[exp.to_identifier("item")]))
    joined = exp.ArrayToString(this=items, expression=S.text(", "))
    return S.case([(S.not_null(value), S.concat(S.text("["), joined, S.text("]")))])
