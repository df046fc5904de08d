"""Evaluating one compiled table: match through the index, apply the hit policy.

Built once per table when a model loads. ``evaluate(ctx)`` returns a
``(output, matched_mask, selected)`` triple; :mod:`engine.api` wraps it in a
:class:`~engine.api.Result`. Nothing here mutates after construction, so
one evaluator serves every thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine import hitpolicy
from engine.decision import CompiledTable
from engine.feel import values as V
from engine.index import ColumnIndex
from engine.model import Aggregator, HitPolicy

Context = Mapping[str, Any]
Outcome = tuple[Any, int, tuple[int, ...]]


def bits(mask: int) -> list[int]:
    """Positions of the set bits, lowest first (rule indexes in table order)."""
    found = []
    while mask:
        low = mask & -mask
        found.append(low.bit_length() - 1)
        mask ^= low
    return found


class TableEvaluator:
    def __init__(
        self,
        table: CompiledTable,
        validators: Mapping[str, Callable[[Any], Any]],
        reads_inputs: frozenset[str] = frozenset(),
    ) -> None:
        self.table = table
        self.name = table.name
        #: the model inputs the table itself reads (named when no rule applies)
        self.reads_inputs = reads_inputs
        model = table.table
        self.labels = tuple(r.label for r in table.rules)
        self.output_names = table.output_names
        count = len(table.rules)
        self.all_rules = (1 << count) - 1

        named: list[tuple[str, Callable[[Any], int]]] = []
        computed: list[tuple[Callable[[Context], Any], Callable[[Any], int]]] = []
        dynamic = 0
        self.columns: list[ColumnIndex] = []
        for position, column in enumerate(model.inputs):
            name = table.input_names[position]
            validate = validators.get(name) if name is not None else None
            index = ColumnIndex(
                [rule.tests[position] for rule in table.rules],
                validate,
                column.allowed if validate is not None else None,
            )
            self.columns.append(index)
            dynamic |= index.dynamic
            if name is not None:
                named.append((name, index.lookup))
            else:
                computed.append((table.getters[position], index.lookup))
        self.dynamic = dynamic
        self._named = tuple(named)
        self._computed = tuple(computed)
        self._getters = table.getters

        # Constant outputs are built once; a rule's output dict is copied per call.
        self._constant: list[dict[str, Any] | None] = []
        for rule in table.rules:
            if all(o.is_constant for o in rule.outputs):
                self._constant.append(dict(zip(self.output_names, (o.value for o in rule.outputs))))
            else:
                self._constant.append(None)
        self._defaults = table.defaults if any(d is not None for d in table.defaults) else None
        self.policy = model.hit_policy
        self.aggregator = model.aggregator
        self._ranks = self._priority_ranks() if self.policy in hitpolicy.RANKED else None
        self.evaluate: Callable[[Context], Outcome] = self._choose_policy()

    # ------------------------------------------------------------ matching

    def match(self, ctx: Context) -> int:
        """Bitmask of the rules whose every input entry is true."""
        mask = self.all_rules
        get = ctx.get
        for name, lookup in self._named:
            mask &= lookup(get(name))
        for getter, lookup in self._computed:
            mask &= lookup(getter(ctx))
        if mask & self.dynamic:
            mask = self._verify(mask, ctx)
        return mask

    def _verify(self, mask: int, ctx: Context) -> int:
        values = [getter(ctx) for getter in self._getters]
        for position in bits(mask & self.dynamic):
            rule = self.table.rules[position]
            for value, test in zip(values, rule.tests):
                if test.condition is None and not test.is_any and test.predicate(V.to_feel(value), ctx) is not True:
                    mask &= ~(1 << position)
                    break
        return mask

    def output_of(self, position: int, ctx: Context) -> dict[str, Any]:
        constant = self._constant[position]
        if constant is not None:
            return dict(constant)
        rule = self.table.rules[position]
        return {name: entry.evaluate(ctx) for name, entry in zip(self.output_names, rule.outputs)}

    def default_output(self, ctx: Context) -> dict[str, Any] | None:
        if self._defaults is None:
            return None
        return {n: (d.evaluate(ctx) if d is not None else None) for n, d in zip(self.output_names, self._defaults)}

    # ------------------------------------------------------------ hit policies

    def _choose_policy(self) -> Callable[[Context], Outcome]:
        policy = self.policy
        match = self.match
        output_of = self.output_of
        default_output = self.default_output

        if policy is HitPolicy.UNIQUE:

            def unique(ctx: Context) -> Outcome:
                mask = match(ctx)
                if not mask:
                    return default_output(ctx), 0, ()
                if mask & (mask - 1):
                    self._conflict(mask)
                position = mask.bit_length() - 1
                return output_of(position, ctx), mask, (position,)

            return unique

        if policy is HitPolicy.FIRST:

            def first(ctx: Context) -> Outcome:
                mask = match(ctx)
                if not mask:
                    return default_output(ctx), 0, ()
                position = (mask & -mask).bit_length() - 1
                return output_of(position, ctx), mask, (position,)

            return first

        if policy is HitPolicy.ANY:

            def any_(ctx: Context) -> Outcome:
                mask = match(ctx)
                if not mask:
                    return default_output(ctx), 0, ()
                positions = bits(mask)
                outputs = [output_of(p, ctx) for p in positions]
                if any(not hitpolicy.same_output(o, outputs[0]) for o in outputs[1:]):
                    self._conflict(mask)
                return outputs[0], mask, (positions[0],)

            return any_

        if policy is HitPolicy.PRIORITY:

            def priority(ctx: Context) -> Outcome:
                mask = match(ctx)
                if not mask:
                    return default_output(ctx), 0, ()
                best = min(bits(mask), key=lambda p: (self._rank(p, ctx), p))
                return output_of(best, ctx), mask, (best,)

            return priority

        def multi(ctx: Context) -> Outcome:
            mask = match(ctx)
            positions = bits(mask)
            if policy is HitPolicy.OUTPUT_ORDER:
                positions.sort(key=lambda p: (self._rank(p, ctx), p))
            outputs = [output_of(p, ctx) for p in positions]
            if not outputs and self._defaults is not None:
                # DMN: no rule matched, so the default output is the result, aggregated or not.
                default = default_output(ctx)
                if self.aggregator is not None:
                    return default, 0, ()
                return ([default] if default is not None else []), 0, ()
            if self.aggregator is not None:
                return self._aggregate(self.aggregator, outputs), mask, tuple(positions)
            return outputs, mask, tuple(positions)

        return multi

    def _conflict(self, mask: int) -> None:
        raise hitpolicy.conflict(self.name, self.policy, [self.labels[p] for p in bits(mask)])

    def _priority_ranks(self) -> list[tuple[int, ...] | None]:
        ranks = []
        for position in range(len(self.table.rules)):
            constant = self._constant[position]
            ranks.append(self._rank_of(constant) if constant is not None else None)
        return ranks

    def _rank_of(self, output: dict[str, Any]) -> tuple[int, ...]:
        return hitpolicy.rank_key(output, self.table.table.outputs)

    def _rank(self, position: int, ctx: Context) -> tuple[int, ...]:
        rank = self._ranks[position] if self._ranks is not None else None
        return rank if rank is not None else self._rank_of(self.output_of(position, ctx))

    def _aggregate(self, aggregator: Aggregator, outputs: list[dict[str, Any]]) -> dict[str, Any]:
        name = self.output_names[0]
        return {name: hitpolicy.aggregate(aggregator, [o[name] for o in outputs])}
