"""Rules as boxes: one set of domain pieces per input column.

A rule matches exactly the inputs inside its box (the product of what each
of its entries accepts), so gaps, overlaps and redundancy are questions
about boxes. :func:`table_space` builds the domains of a compiled table's
columns and the box of every rule whose entries are constant tests.

>>> space = table_space(ct)                                  # doctest: +SKIP
>>> region_text(space, space.boxes[0].sides)                 # doctest: +SKIP
'yrkesroll = "sjuksköterska", ersätter_besök = false'
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from engine.analysis import domains as D
from engine.decision import CompiledRule, CompiledTable, OutputEntry
from engine.feel import values as V
from engine.feel.parser import outside_text
from engine.feel.sets import Condition

#: One set of pieces per input column.
Region = tuple[D.Runs, ...]


@dataclass(frozen=True)
class RuleBox:
    index: int  # position in the table, 0-based
    rule: CompiledRule
    sides: Region
    outputs: tuple[Hashable, ...]  # comparable outputs (see output_key)

    @property
    def label(self) -> str:
        return self.rule.label

    @property
    def is_empty(self) -> bool:
        return any(not side for side in self.sides)


@dataclass(frozen=True)
class TableSpace:
    table: CompiledTable
    domains: tuple[D.ColumnDomain, ...]
    boxes: tuple[RuleBox, ...]  # every analysable rule, in table order
    skipped: tuple[CompiledRule, ...]  # rules with an entry that reads other inputs
    by_index: dict[int, RuleBox] = field(default_factory=dict, compare=False)

    def side(self, index: int, column: int) -> D.Runs:
        """The pieces that rule ``index`` (table position) accepts in ``column``."""
        box = self.by_index.get(index)
        if box is not None:
            return box.sides[column]
        test = self.table.rules[index].tests[column]
        return self.domains[column].runs(test.condition, is_any=test.is_any)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.domains)


def output_key(entry: OutputEntry) -> Hashable:
    """Outputs compare by value when constant (``1.1`` = ``1.10``), else by text."""
    if not entry.is_constant:
        return ("expr", " ".join(entry.cell.text.split()))
    value = entry.value
    cat = V.category(value)
    try:
        hash(value)
    except TypeError:
        return ("value", cat, V.describe(value))
    return ("value", cat, value)


def table_space(ct: CompiledTable, leave_out: frozenset[int] = frozenset()) -> TableSpace:
    """Domains and rule boxes of a compiled table.

    ``leave_out``: positions of rules with a broken cell, neither placed nor listed as skipped.
    """
    analysable = [
        (i, r)
        for i, r in enumerate(ct.rules)
        if i not in leave_out and all(t.condition is not None or t.is_any for t in r.tests)
    ]
    placed = {i for i, _ in analysable} | leave_out
    skipped = tuple(r for i, r in enumerate(ct.rules) if i not in placed)
    # Rules left out still name values and bounds of their columns' domains.
    bounding = analysable + [(i, r) for i, r in enumerate(ct.rules) if i in leave_out]
    domains = []
    for j, column in enumerate(ct.table.inputs):
        conds: list[Condition] = []
        for _, r in bounding:
            test = r.tests[j]
            if not test.is_any and test.condition is not None:
                conds.append(test.condition)
        texts = [r.tests[j].cell.text for r in ct.rules]
        domains.append(D.column_domain(column, conds, texts))
    boxes = []
    # Entries with the same text in a column are the same test: map each text once.
    known: list[dict[str, D.Runs]] = [{} for _ in domains]
    for index, rule in analysable:
        sides: list[D.Runs] = []
        for dom, test, seen in zip(domains, rule.tests, known):
            side = seen.get(test.cell.text)
            if side is None:
                side = seen[test.cell.text] = dom.runs(test.condition, is_any=test.is_any)
            sides.append(side)
        outputs = tuple(output_key(o) for o in rule.outputs)
        boxes.append(RuleBox(index, rule, tuple(sides), outputs))
    return TableSpace(ct, tuple(domains), tuple(boxes), skipped, {b.index: b for b in boxes})


def intersect(a: Region, b: Region) -> Region:
    return tuple(D.intersect(x, y) for x, y in zip(a, b))


def is_empty(region: Region) -> bool:
    return any(not side for side in region)


def contains(outer: Region, inner: Region) -> bool:
    return all(D.contains(x, y) for x, y in zip(outer, inner))


def region_contains(space: TableSpace, region: Region, values: tuple[Any, ...]) -> bool:
    """Whether an input combination (one value per column) lies in the region."""
    return all(dom.contains(side, v) for dom, side, v in zip(space.domains, region, values))


def entry_texts(space: TableSpace, region: Region) -> list[str]:
    """One FEEL unary test per column, accepting exactly the region's side."""
    return [dom.describe(side) for dom, side in zip(space.domains, region)]


def region_text(space: TableSpace, region: Region) -> str:
    """The region as an analyst reads it: ``ålder < 18, yrkesroll = "läkare"``.

    Columns the region leaves open (``-``) are left out.
    """
    parts = []
    for dom, side in zip(space.domains, region):
        text = dom.describe(side)
        if text != "-":
            parts.append(_condition_phrase(dom.name, text))
    return ", ".join(parts) if parts else "any input"


def _condition_phrase(name: str, test: str) -> str:
    for op in ("<=", ">=", "<", ">"):
        if test.startswith(op) and "," not in test:
            return f"{name} {test}"
    if test.startswith("not(") and test.endswith(")"):
        inner = test[4:-1]
        if _single(inner) and inner[:1] not in "[(]<>":
            return f"{name} != {inner}"
        return f"{name} not in ({inner})"
    if not _single(test):
        return f"{name} in ({test})"
    if test[:1] in "[(]":
        return f"{name} in {test}"
    return f"{name} = {test}"


def _single(test: str) -> bool:
    """Whether a unary-test list has one element (commas inside quotes do not count)."""
    return not any(ch == "," and depth == 0 for _, ch, depth in outside_text(test))
