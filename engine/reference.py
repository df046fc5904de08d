"""The reference evaluator: DMN semantics written for clarity, not speed.

Every rule, every cell, in order, through the compiled predicates; then the
hit policy as the DMN 1.3 specification words it. Property tests check that
the indexed evaluator (:mod:`engine.evaluate`) always agrees with this one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.decision import CompiledTable
from engine.errors import DecisionError
from engine.feel import values as V
from engine.model import Aggregator, HitPolicy


def matching_rules(table: CompiledTable, context: Mapping[str, Any], validators: Mapping[str, Callable[[Any], Any]]) -> list[int]:  # fmt: skip
    """Indexes of the rules whose every input entry is true."""
    values = []
    for getter, name in zip(table.getters, table.input_names):
        value = getter(context)
        check = validators.get(name) if name is not None else None
        values.append(check(value) if check is not None else V.to_feel(value))
    matched = []
    for index, rule in enumerate(table.rules):
        if all(test.predicate(value, context) is True for test, value in zip(rule.tests, values)):
            matched.append(index)
    return matched


def evaluate(table: CompiledTable, context: Mapping[str, Any], validators: Mapping[str, Callable[[Any], Any]] = {}) -> tuple[Any, list[int], list[int]]:  # fmt: skip
    """(output, matched rule indexes, selected rule indexes)."""
    matched = matching_rules(table, context, validators)
    names = table.output_names
    policy = table.table.hit_policy

    def output(index: int) -> dict[str, Any]:
        return {n: e.evaluate(context) for n, e in zip(names, table.rules[index].outputs)}

    def default() -> dict[str, Any] | None:
        if all(d is None for d in table.defaults):
            return None
        return {n: (d.evaluate(context) if d else None) for n, d in zip(names, table.defaults)}

    def rank(index: int) -> tuple[int, ...]:
        values = output(index)
        key = []
        for column in table.table.outputs:
            allowed = list(column.allowed or ())
            position = len(allowed)
            for i, a in enumerate(allowed):
                if V.equals(a, values[column.name]) is True:
                    position = i
                    break
            key.append(position)
        return tuple(key)

    labels = [r.label for r in table.rules]
    if policy.single_hit:
        if not matched:
            return default(), [], []
        if policy is HitPolicy.UNIQUE and len(matched) > 1:
            raise DecisionError("UNIQUE violated", table.name, [labels[i] for i in matched])
        if policy is HitPolicy.ANY:
            first = output(matched[0])
            for other in matched[1:]:
                if any(V.equals(first[k], v) is not True for k, v in output(other).items()):
                    raise DecisionError("ANY violated", table.name, [labels[i] for i in matched])
        chosen = matched[0]
        if policy is HitPolicy.PRIORITY:
            chosen = sorted(matched, key=lambda i: (rank(i), i))[0]
        return output(chosen), matched, [chosen]

    ordered = list(matched)
    if policy is HitPolicy.OUTPUT_ORDER:
        ordered = sorted(matched, key=lambda i: (rank(i), i))
    outputs = [output(i) for i in ordered]
    aggregator = table.table.aggregator
    if aggregator is not None and not outputs and default() is not None:
        return default(), [], []
    if aggregator is not None:
        values = [o[names[0]] for o in outputs]
        if aggregator is Aggregator.COUNT:
            return {names[0]: len(values)}, matched, ordered
        if not values:
            return {names[0]: None}, matched, ordered
        if aggregator is Aggregator.SUM:
            ok = all(V.category(v) == V.NUMBER for v in values)
            return {names[0]: sum(values) if ok else None}, matched, ordered
        ordered_ok = len({V.category(v) for v in values}) == 1 and V.category(values[0]) in V.ORDERED
        if not ordered_ok:
            return {names[0]: None}, matched, ordered
        pick = min if aggregator is Aggregator.MIN else max
        return {names[0]: pick(values)}, matched, ordered
    if not outputs and default() is not None:
        return [default()], [], []
    return outputs, matched, ordered
