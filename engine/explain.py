"""Why a decision answered what it did: per rule, matched or the first failing cell."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.api import Model, Result, decision_value
from engine.feel import values as V
from engine.model import Location


@dataclass(frozen=True)
class RuleExplanation:
    label: str
    matched: bool
    selected: bool
    reason: str  # "all inputs match", or which cell failed and why
    # The cell that stopped the rule, as data (None for a matched rule); not compared,
    # so explanations compare by what they say.
    location: Location | None = field(default=None, compare=False)
    input: str | None = field(default=None, compare=False)  # the column's header
    value: Any = field(default=None, compare=False)  # the column's value for this call
    entry: str | None = field(default=None, compare=False)  # the cell's text
    #: the rule's annotation cells, (column title, text), in the workbook's own words
    annotations: tuple[tuple[str, str], ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class TableExplanation:
    decision: str
    hit_policy: str
    rules: tuple[RuleExplanation, ...]
    output: Any = field(default=None, compare=False)  # what this decision answered
    applies: bool = field(default=True, compare=False)  # False when no rule matched


def explain(model: Model, result: Result) -> tuple[TableExplanation, ...]:
    """One explanation per evaluated decision, required decisions first."""
    found = []
    context: dict[str, Any] = dict(result.inputs)
    for step in (*result.trace, result):
        table = model.tables.get(step.decision)
        if table is None:  # a boxed expression (DMN): no rules to explain, only its answer
            found.append(TableExplanation(step.decision, "expression", (), step.output, True))
            names: tuple[str, ...] = (step.decision,)
        else:
            found.append(_explain_table(model, step, context))
            names = table.output_names
        if step is not result:
            context[step.decision] = decision_value(step.output, names)
    return tuple(found)


def _explain_table(model: Model, step: Result, context: Mapping[str, Any]) -> TableExplanation:
    table = model.tables[step.decision]
    matched, selected = set(step.matched), set(step.selected)
    values = [V.to_feel(getter(context)) for getter in table.getters]
    titles = table.table.annotations
    rules = []
    for rule in table.rules:
        label = rule.label
        notes = tuple((title, text) for title, text in zip(titles, rule.rule.annotations) if text)
        if label in matched:
            reason = "all inputs match" + ("" if label in selected else f" (not selected under {table.table.policy_label})")
            rules.append(RuleExplanation(label, True, label in selected, reason, annotations=notes))
            continue
        explanation = RuleExplanation(label, False, False, "no input entry failed", annotations=notes)
        for column, test, value in zip(table.table.inputs, rule.tests, values):
            outcome = test.predicate(value, context)
            if outcome is not True:
                why = "is null (the types differ, or the value is missing)" if outcome is None else "does not match"
                reason = f"{column.name} = {V.brief(value)} {why} `{test.cell.text}` ({test.cell.location})"
                explanation = RuleExplanation(
                    label, False, False, reason, test.cell.location, column.name, value, test.cell.text, notes
                )
                break
        rules.append(explanation)
    return TableExplanation(step.decision, table.table.policy_label, tuple(rules), step.output, step.applies)
