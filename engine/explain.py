"""Why a decision answered what it did: per rule, matched or the first failing cell."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.api import Model, Result, decision_value
from engine.feel import values as V


@dataclass(frozen=True)
class RuleExplanation:
    label: str
    matched: bool
    selected: bool
    reason: str  # "all inputs match", or which cell failed and why


@dataclass(frozen=True)
class TableExplanation:
    decision: str
    hit_policy: str
    rules: tuple[RuleExplanation, ...]


def explain(model: Model, result: Result) -> tuple[TableExplanation, ...]:
    """One explanation per evaluated decision, required decisions first."""
    found = []
    context: dict[str, Any] = dict(result.inputs)
    for step in (*result.trace, result):
        found.append(_explain_table(model, step, context))
        if step is not result:
            context[step.decision] = decision_value(step.output, model.tables[step.decision].output_names)
    return tuple(found)


def _explain_table(model: Model, step: Result, context: Mapping[str, Any]) -> TableExplanation:
    table = model.tables[step.decision]
    matched, selected = set(step.matched), set(step.selected)
    values = [V.to_feel(getter(context)) for getter in table.getters]
    rules = []
    for rule in table.rules:
        label = rule.label
        if label in matched:
            reason = "all inputs match" + ("" if label in selected else f" (not selected under {table.table.policy_label})")
            rules.append(RuleExplanation(label, True, label in selected, reason))
            continue
        reason = "no input entry failed"
        for column, test, value in zip(table.table.inputs, rule.tests, values):
            outcome = test.predicate(value, context)
            if outcome is not True:
                why = "is null (the types differ, or the value is missing)" if outcome is None else "does not match"
                reason = (
                    f"{column.name} = {V.describe(value)} {why} `{test.cell.text}` ({test.cell.location})"
                )
                break
        rules.append(RuleExplanation(label, False, False, reason))
    return TableExplanation(step.decision, table.table.policy_label, tuple(rules))
