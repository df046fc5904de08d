"""Evaluating a decision whose logic is a boxed expression (DMN).

The same ``evaluate(ctx) -> (output, matched_mask, selected)`` shape as a
table's evaluator, so the API chains decisions of every kind alike: the
output is ``{name: value}``, no rule is matched or selected.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.decision import CompiledExpression
from engine.types import DMN, ItemType, problem

Context = Mapping[str, Any]
Outcome = tuple[Any, int, tuple[int, ...]]


class ExpressionEvaluator:
    labels: tuple[str, ...] = ()
    columns: tuple[Any, ...] = ()
    is_table = False

    def __init__(self, compiled: CompiledExpression, declared: ItemType | None = None, typecheck: str = DMN, reads_inputs: frozenset[str] = frozenset()) -> None:  # fmt: skip
        self.compiled = compiled
        self.name = compiled.name
        self.output_names = compiled.output_names
        self.reads_inputs = reads_inputs
        self.is_knowledge = compiled.is_knowledge
        name = self.name
        body = compiled.evaluate
        conform = _conformer(declared) if declared is not None and typecheck == DMN else None

        if conform is None:

            def evaluate(ctx: Context) -> Outcome:
                return {name: body(ctx)}, 0, ()
        else:

            def evaluate(ctx: Context) -> Outcome:
                return {name: conform(body(ctx))}, 0, ()

        self.evaluate: Callable[[Context], Outcome] = evaluate


def _conformer(declared: ItemType) -> Callable[[Any], Any]:
    """DMN 1.5 §7.3.2: a result that does not conform to the declared type is null,
    after the singleton-list coercions (a list of one for a single value, and back)."""

    def conform(value: Any) -> Any:
        if problem(value, declared) is None:
            return value
        if declared.element is None and isinstance(value, list) and len(value) == 1:
            if problem(value[0], declared) is None:
                return value[0]
        if declared.element is not None and not isinstance(value, list) and problem(value, declared.element) is None:
            return [value]
        return None

    return conform


class ServiceEvaluator:
    """A decision service invoked directly: its output decisions, from the given input decisions and data.

    ``steps`` are the evaluators of the decisions it encapsulates, dependencies first; the input
    decisions are not among them, so the caller's values stand in for them.
    """

    labels: tuple[str, ...] = ()
    columns: tuple[Any, ...] = ()
    is_table = False
    is_knowledge = False

    def __init__(self, name: str, outputs: tuple[str, ...], steps: list[Any], value_of: Callable[[Any, tuple[str, ...]], Any], reads_inputs: frozenset[str]) -> None:  # fmt: skip
        self.name = name
        self.output_names = outputs
        self.reads_inputs = reads_inputs

        def evaluate(ctx: Context) -> Outcome:
            scope = dict(ctx)
            for step in steps:
                output, _, _ = step.evaluate(scope)
                scope[step.name] = value_of(output, step.output_names)
            return {o: scope.get(o) for o in outputs}, 0, ()

        self.evaluate: Callable[[Context], Outcome] = evaluate
