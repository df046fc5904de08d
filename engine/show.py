"""Decision tables as text (``dtable show``)."""

from __future__ import annotations

import textwrap

from tabulate import tabulate

from engine.feel.values import describe
from engine.model import DecisionTable, InputColumn, OutputColumn

_WIDTH = 28


def _wrap(text: str) -> str:
    return "\n".join(textwrap.wrap(text, _WIDTH)) if len(text) > _WIDTH else text


def render_table(table: DecisionTable, tablefmt: str = "simple_grid") -> str:
    """The table as an analyst sees it in the sheet, with its location."""
    headers = [table.policy_label]
    headers += [f"▶ {c.name}" for c in table.inputs]
    headers += [f"{c.name} ◀" for c in table.outputs]
    headers += [f"({a})" for a in table.annotations]
    rows = []
    columns: tuple[InputColumn | OutputColumn, ...] = (*table.inputs, *table.outputs)
    if any(c.type or c.allowed for c in columns):
        rows.append(
            ["allowed"]
            + [_wrap(_domain(c.type, c.allowed)) for c in table.inputs]
            + [_wrap(_domain(c.type, c.allowed)) for c in table.outputs]
            + ["" for _ in table.annotations]
        )
    for rule in table.rules:
        rows.append(
            [rule.label]
            + [_wrap(c.text or "-") for c in rule.inputs]
            + [_wrap(c.text) for c in rule.outputs]
            + [_wrap(a) for a in rule.annotations]
        )
    title = f"{table.name}  ({table.location}, {len(table.rules)} rules, hit policy {table.policy_label})"
    return title + "\n" + tabulate(rows, headers=headers, tablefmt=tablefmt, disable_numparse=True)


def _domain(type_: str | None, allowed: tuple | None) -> str:
    if allowed is not None:
        return ", ".join(describe(v) for v in allowed)
    return type_ or ""
