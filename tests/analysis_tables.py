"""Small compiled tables for the analyser's tests.

A table is written as it looks in a sheet (entries ``"a", "b"``, ``< 5``,
``[1..5)``, ``not(null)``, ``-``) and compiled by the real compiler. Layout
of the pretend sheet: title A1, names row 3, type row 4, allowed row 5,
default row 6, rules from row 7; inputs from column B, then outputs.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.compile import compile_table
from engine.decision import CompiledTable
from engine.feel.compiler import compile_unary_tests
from engine.feel.parser import parse_unary_tests
from engine.feel.sets import Condition
from engine.layout import column_letter  # noqa: E402
from engine.model import (
    Cell,
    DecisionTable,
    HitPolicy,
    InputColumn,
    Location,
    OutputColumn,
    Rule,
)

FIRST_RULE_ROW = 7

Column = tuple[str, str | None, tuple | None]  # name, type, allowed values


def condition(text: str) -> Condition:
    """What a constant unary-test cell accepts, by the real parser and compiler."""
    compiled = compile_unary_tests(parse_unary_tests(text))
    assert compiled.truth is not None, text
    return Condition.anything() if compiled.is_any else compiled.truth.condition()


def make_table(
    name: str,
    policy: HitPolicy | str,
    inputs: Sequence[Column],
    outputs: Sequence[Column],
    rules: Sequence[tuple[Sequence[str], Sequence[str]]],
    *,
    defaults: Sequence[str | None] | None = None,
    sheet: str | None = None,
    workbook: str | None = None,
    labels: Sequence[str] | None = None,
) -> CompiledTable:
    """A compiled table; ``rules`` are ``(input entries, output entries)`` as cell texts."""
    if isinstance(policy, str):
        policy = HitPolicy(policy)
    sheet = sheet or name

    def loc(col: int, row: int) -> Location:
        return Location(sheet, f"{column_letter(col)}{row}", workbook)

    k = len(inputs)
    in_cols = tuple(InputColumn(Cell(n, loc(1 + j, 3)), type=t, allowed=a) for j, (n, t, a) in enumerate(inputs))
    out_cols = tuple(
        OutputColumn(
            n,
            loc(1 + k + j, 3),
            type=t,
            allowed=a,
            default=Cell(defaults[j], loc(1 + k + j, 6)) if defaults and defaults[j] else None,
        )
        for j, (n, t, a) in enumerate(outputs)
    )
    built = []
    for i, (ins, outs) in enumerate(rules):
        row = FIRST_RULE_ROW + i
        built.append(
            Rule(
                label=labels[i] if labels else str(i + 1),
                number=i + 1,
                inputs=tuple(Cell(t, loc(1 + j, row)) for j, t in enumerate(ins)),
                outputs=tuple(Cell(t, loc(1 + k + j, row)) for j, t in enumerate(outs)),
                annotations=(),
                location=loc(0, row),
            )
        )
    table = DecisionTable(name, policy, None, in_cols, out_cols, (), tuple(built), loc(0, 1))
    compiled, problems = compile_table(table)
    assert not problems, [p.render() for p in problems]
    return compiled
