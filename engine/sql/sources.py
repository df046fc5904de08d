"""Typing the columns of a cases file in SQL, as ``dtable batch`` types them in Python.

A CSV cell is text; ``dtable batch`` turns it into the input's type (its
declared ``Type``, else the type of its allowed values): ``TRUE``/``sant``
into true, ``12,5`` into 12.5, and leaves text that does not fit as text,
so the row's error says what was expected. Here the same happens in SQL:
each input becomes its typed column plus, for the messages, the raw value
that did not fit (:data:`~engine.sql.query.BAD` …). Dialect-neutral sqlglot
nodes, so DuckDB and Spark type a file the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp

from engine.feel import values as V
from engine.inputs import InputSpec
from engine.sql import values as S
from engine.sql.query import BAD, BAD_KIND, GIVEN, RAW, SourceInput, input_category

#: How a text cell is read as each type (FEEL-lite's words, and Swedish Excel's).
TRUE_WORDS = ("true", "sant")
FALSE_WORDS = ("false", "falskt")


@dataclass(frozen=True)
class TypedColumn:
    """One input of a cases file: the columns that type it, and what the query may assume."""

    columns: tuple[tuple[str, exp.Expression], ...]
    source: SourceInput
    echo: exp.Expression  # the value as the results file repeats it (text)


def text_category(spec: InputSpec | None) -> str:
    """The type a text cell is read as (dtable batch's converter): dates only when declared."""
    kind = input_category(spec)
    if kind == V.DATE and (spec is None or spec.type != V.DATE):
        return V.STRING  # batch leaves such cells as text, which the allowed dates never equal
    return kind or V.STRING


def from_text(name: str, raw: exp.Expression, spec: InputSpec | None) -> TypedColumn:
    """An input read from text cells (CSV, or a text column of Parquet/JSON)."""
    category = text_category(spec)
    trimmed = exp.Trim(this=raw)
    value: exp.Expression
    if category == V.STRING:
        return TypedColumn(((name, raw),), SourceInput(V.STRING), raw)
    if category == V.NUMBER:
        plain = exp.TryCast(this=trimmed, to=S.sql_type(V.NUMBER))
        comma = exp.TryCast(this=exp.Anonymous(this="REPLACE", expressions=[trimmed, S.text(","), S.text(".")]), to=S.sql_type(V.NUMBER))  # fmt: skip
        # "12,5": a decimal comma, as Swedish Excel writes it (one comma, no point)
        one_comma = S.all_of(
            exp.EQ(this=exp.Length(this=trimmed), expression=exp.Add(this=exp.Length(this=exp.Anonymous(this="REPLACE", expressions=[trimmed, S.text(","), S.text("")])), expression=exp.Literal.number(1))),  # fmt: skip
            exp.EQ(this=exp.StrPosition(this=trimmed, substr=S.text(".")), expression=exp.Literal.number(0)),
        )
        value = exp.Coalesce(this=plain, expressions=[S.case([(one_comma, comma)])])
    elif category == V.BOOLEAN:
        word = exp.Lower(this=trimmed)
        value = S.case(
            [
                (S.one_of(word, [S.text(w) for w in TRUE_WORDS]), exp.true()),
                (S.one_of(word, [S.text(w) for w in FALSE_WORDS]), exp.false()),
            ]
        )
    else:  # a declared date: ISO text, as date.fromisoformat reads it
        iso = exp.RegexpLike(this=raw, expression=S.text("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))
        value = S.case([(iso, exp.TryCast(this=raw, to=S.sql_type(V.DATE)))])
    bad = S.case([(S.all_of(S.not_null(raw), S.is_null(value)), S.described(raw, V.STRING))])
    columns = [
        (name, value),
        (BAD + name, bad),
        (BAD_KIND + name, S.text(S.KIND_WORDS[V.STRING])),
        (RAW + name, raw),
    ]
    given = category == V.DATE  # batch hands the date on as the text it read, and says so
    if given:
        columns.append((GIVEN + name, S.described(raw, V.STRING)))
    echo = raw if category == V.DATE else exp.Coalesce(this=S.as_text(value, category), expressions=[raw])
    return TypedColumn(tuple(columns), SourceInput(category, converted=True, given=given), echo)


def from_typed(name: str, raw: exp.Expression, category: str, spec: InputSpec | None) -> TypedColumn:
    """An input from a typed column (Parquet, a DuckDB table): values of another type are that row's error."""
    wanted = input_category(spec)
    if wanted is None or wanted == category:
        value = exp.Cast(this=raw, to=S.sql_type(category)) if category == V.NUMBER else raw
        return TypedColumn(((name, value),), SourceInput(category), S.as_text(value, category))
    columns = (
        (name, S.literal(None, wanted)),
        (BAD + name, S.case([(S.not_null(raw), S.described(raw, category))])),
        (BAD_KIND + name, S.text(S.KIND_WORDS[category])),
        (RAW + name, exp.Cast(this=raw, to=exp.DataType.build("VARCHAR")) if category == V.STRING else S.literal(None, V.STRING)),  # fmt: skip
    )
    return TypedColumn(columns, SourceInput(wanted, converted=True), S.as_text(raw, category))


def absent(name: str, spec: InputSpec | None) -> TypedColumn:
    """An input the file has no column for: null on every row."""
    category = input_category(spec) or V.STRING
    return TypedColumn(((name, S.literal(None, category)),), SourceInput(category), S.literal(None, V.STRING))


def typed_inputs(path: Path, inputs: Sequence[str], present: Sequence[str], categories: Mapping[str, str | None], types: Mapping[str, str], specs: Mapping[str, InputSpec]) -> tuple[dict[str, TypedColumn], dict[str, exp.Expression]]:  # fmt: skip
    """Every input from a file of typed columns: text columns typed as CSV cells are, others checked.

    ``categories`` maps each present column to its FEEL category (None: a
    type no input can have, named from ``types`` in the error). Returns the
    typed inputs and, per text column, its raw text (for suggestions).
    """
    from engine.batch import BatchError

    typed: dict[str, TypedColumn] = {}
    raw: dict[str, exp.Expression] = {}
    for name in inputs:
        spec = specs.get(name)
        if name not in present:
            typed[name] = absent(name, spec)
            continue
        column = S.column(name)
        category = categories.get(name)
        if category is None:
            raise BatchError(f"{path}: the column `{name}` holds {types[name]} values; inputs are texts, numbers, booleans or dates")  # fmt: skip
        if category == V.STRING:
            typed[name] = from_text(name, column, spec)
            raw[name] = column
        else:
            typed[name] = from_typed(name, column, category, spec)
    return typed, raw
