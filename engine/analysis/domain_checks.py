"""Domains and types: entries and outputs against the columns' declarations (DT4xx).

Per table: input entries naming values outside the allowed values (DT401),
entries testing another type (DT402), entries accepting no possible value
(DT407), outputs outside their allowed values (DT403) or of another type
(DT404), input columns that are ``-`` in every rule (DT405). Across tables:
inputs that no rule of any table tests (DT406, :func:`unused_inputs`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from engine.analysis import codes
from engine.analysis.boxes import TableSpace
from engine.analysis.broken import Broken
from engine.analysis.domains import category_of_type, mentions_null, tested_categories
from engine.decision import CompiledTable, OutputEntry
from engine.diagnostics import Diagnostic
from engine.feel import values as V
from engine.feel.sets import Condition
from engine.model import Cell, Location, OutputColumn

_CATEGORY_WORD = {
    V.STRING: "strings",
    V.NUMBER: "numbers",
    V.BOOLEAN: "booleans",
    V.DATE: "dates",
    V.NULL: "null",
    V.LIST: "lists",
    V.CONTEXT: "contexts",
    V.OTHER: "other values",
}


def domain_diagnostics(space: TableSpace, broken: frozenset[Location] = frozenset()) -> list[Diagnostic]:
    """``broken``: cells with a load error, which say what is wrong with them already."""
    ct = space.table
    found: list[Diagnostic] = []
    for j in range(len(ct.table.inputs)):
        found.extend(_input_column(space, j, broken))
    for j, out in enumerate(ct.table.outputs):
        entries: list[tuple[OutputEntry, str | None]] = [(r.outputs[j], r.label) for r in ct.rules]
        default = ct.defaults[j]
        if default is not None:
            entries.append((default, None))
        for entry, label in entries:
            if entry.cell.location not in broken:
                found.extend(_output_entry(ct, out, entry, label))
    return found


def _expected_categories(type_name: str | None, allowed: Sequence[Any] | None) -> set[str]:
    declared = category_of_type(type_name)
    if declared:
        return {declared}
    if allowed is not None:
        return {V.category(v) for v in allowed if v is not None}
    return set()


def _input_column(space: TableSpace, j: int, broken: frozenset[Location]) -> list[Diagnostic]:
    ct = space.table
    table = ct.table
    column = table.inputs[j]
    name = column.name
    expected = _expected_categories(column.type, column.allowed)
    allowed_keys = None
    if column.allowed is not None:
        allowed_keys = {_key(v) for v in column.allowed}
    found: list[Diagnostic] = []
    # Cells with the same text are the same test: judge each text once.
    judged: dict[str, tuple[set[str], list[Any]]] = {}
    for i, rule in enumerate(ct.rules):
        test = rule.tests[j]
        if test.is_any or test.condition is None or test.cell.location in broken:
            continue
        cond, cell = test.condition, test.cell
        flagged = False
        verdict = judged.get(cell.text)
        if verdict is None:
            wrong = tested_categories(cond) - expected if expected else set()
            outside = []
            if allowed_keys is not None:
                outside = [
                    v
                    for v in _named_values(cond, cell)
                    if _key(v) not in allowed_keys and (v is None or V.category(v) not in wrong)
                ]
            verdict = judged[cell.text] = (wrong, outside)
        wrong, outside = verdict
        if wrong:
            flagged = True
            found.append(
                codes.WRONG_TYPE.diagnostic(
                    f"`{cell.text}` tests {_words(wrong)}, but {name} holds {_words(expected)}",
                    location=cell.location,
                    decision=table.name,
                    rules=[rule.label],
                    hint=f"write the entry with {_words(expected)}"
                    + (' (strings need double quotes: "…")' if V.STRING in expected else ""),
                )
            )
        for value in outside:
            flagged = True
            found.append(_not_allowed(table.name, rule.label, cell, name, value, column.allowed))
        if not flagged and not space.side(i, j):
            found.append(
                codes.ENTRY_MATCHES_NOTHING.diagnostic(
                    f"`{cell.text}` accepts none of the possible values of {name}, so rule {rule.label} never matches",
                    location=cell.location,
                    decision=table.name,
                    rules=[rule.label],
                    hint="correct the entry"
                    + (" (check its bounds against the allowed values)" if column.allowed else ""),
                )
            )
    # A column whose name other entries read (`< limit`) declares that input: the table needs it.
    if ct.rules and all(r.tests[j].is_any for r in ct.rules) and ct.input_names[j] not in ct.entry_reads:
        found.append(
            codes.COLUMN_ALWAYS_ANY.diagnostic(
                f"input {name} is `-` in every rule: it never changes the outcome of {table.name}",
                location=column.expression.location,
                decision=table.name,
                hint="remove the column, or add the entries that were meant to test it",
            )
        )
    return found


def _named_values(cond: Condition, cell: Cell) -> list[Any]:
    """Values an entry names as equals (``"a"``) or exclusions (``not("a")``).

    Range bounds (``< 7``) are not names: a range may fall between allowed values.
    """
    named: list[Any] = []
    if mentions_null(cell.text):
        named.append(None)
    for cat in (V.BOOLEAN, V.NUMBER, V.STRING, V.DATE):
        values = cond.on(cat)
        if values.is_empty or values.is_full:
            continue
        spans = values.spans
        for span in spans:
            if span.is_point():
                named.append(span.lo)
        for left, right in zip(spans, spans[1:]):
            if left.hi == right.lo and not left.hi_closed and not right.lo_closed:
                named.append(left.hi)
    return named


def _not_allowed(decision, label, cell, name, value, allowed) -> Diagnostic:
    text = V.describe(value)
    listed = ", ".join(V.describe(v) for v in allowed)
    close = difflib.get_close_matches(text, [V.describe(v) for v in allowed], n=1)
    return codes.NOT_ALLOWED.diagnostic(
        f"{text} is not an allowed value of {name} (allowed: {listed})",
        location=cell.location,
        decision=decision,
        rules=[label],
        hint=(f"did you mean {close[0]}? " if close else "")
        + "correct the entry, or add the value to the column's allowed values",
        data={"value": V.to_json(value)},
    )


def _output_entry(ct: CompiledTable, out: OutputColumn, entry: OutputEntry, label: str | None) -> list[Diagnostic]:
    if not entry.is_constant:
        return []
    value = entry.value
    where = f"rule {label}" if label else "the default output"
    found = []
    expected = category_of_type(out.type)
    cat = V.category(value)
    if expected and value is not None and cat != expected:
        found.append(
            codes.OUTPUT_WRONG_TYPE.diagnostic(
                f"{where} gives {out.name} = {V.describe(value)}, one of the {_words({cat})}, "
                f"but {out.name} holds {_words({expected})}",
                location=entry.cell.location,
                decision=ct.name,
                rules=[label] if label else [],
                hint=f"write a value of type {out.type}",
            )
        )
    elif out.allowed is not None and _key(value) not in {_key(v) for v in out.allowed}:
        listed = ", ".join(V.describe(v) for v in out.allowed)
        close = difflib.get_close_matches(V.describe(value), [V.describe(v) for v in out.allowed], n=1)
        found.append(
            codes.OUTPUT_NOT_ALLOWED.diagnostic(
                f"{where} gives {out.name} = {V.describe(value)}, which is not an allowed value (allowed: {listed})",
                location=entry.cell.location,
                decision=ct.name,
                rules=[label] if label else [],
                hint=(f"did you mean {close[0]}? " if close else "")
                + "correct the output, or add the value to the output's allowed values",
                data={"value": V.to_json(value)},
            )
        )
    return found


def unused_inputs(
    tables: Iterable[CompiledTable], inputs: Iterable[str] | None = None, broken: Mapping[str, Broken] | None = None
) -> list[Diagnostic]:
    """DT406: inputs that no rule of any table tests or reads.

    ``inputs`` are the model's input names; without them, every plain input
    column name that is not a decision's name is a candidate. A name counts
    as used when some table's column of that name has an entry other than
    ``-``, or some table reads it elsewhere (a computed header, an output
    expression, an entry that reads other inputs): reads that cannot be
    told apart are counted as uses, so the check never cries wolf. Tables
    whose layout failed (``broken``) count as using every name they mention.
    """
    tables = list(tables)
    decisions = {ct.name for ct in tables}
    used: set[str] = set()
    headers: dict[str, list] = {}
    for ct in tables:
        plain = set()
        for j, name in enumerate(ct.input_names):
            if name is None:
                continue
            plain.add(name)
            headers.setdefault(name, []).append(ct.table.inputs[j].expression)
            if any(not r.tests[j].is_any for r in ct.rules):
                used.add(name)
        if broken is not None and ct.name in broken and broken[ct.name].structure:
            used |= plain
        opaque = (
            (broken is not None and ct.name in broken and bool(broken[ct.name].structure))
            or any(n is None for n in ct.input_names)
            or any(not o.is_constant for r in ct.rules for o in r.outputs)
            or any(t.condition is None and not t.is_any for r in ct.rules for t in r.tests)
        )
        for name in ct.reads:
            if name not in plain or opaque:
                used.add(name)
    candidates = list(inputs) if inputs is not None else [n for n in headers if n not in decisions]
    found = []
    for name in dict.fromkeys(candidates):
        if name in used:
            continue
        cells = headers.get(name, [])
        found.append(
            codes.INPUT_UNUSED.diagnostic(
                f"input {name} is never tested by any rule"
                + (" (its columns are `-` in every rule)" if cells else " (no table reads it)"),
                location=cells[0].location if cells else None,
                decision=None,
                hint="drop the input from the model and its columns from the tables, or add the "
                "rules that were meant to use it",
                data={"columns": [str(c.location) for c in cells]},
            )
        )
    return found


def _key(value: Any) -> tuple:
    return (V.category(value), value if not isinstance(value, (list, dict)) else V.describe(value))


def _words(cats: Iterable[str]) -> str:
    words = [_CATEGORY_WORD.get(c, c) for c in sorted(cats)]
    return " or ".join(words) if words else "nothing"
