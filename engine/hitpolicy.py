"""What the hit policies mean: ranking, aggregation, violations and their messages.

One place for the rules of DMN 1.3 section 8.2.11 that every evaluator of a
table shares: the Python evaluator (:mod:`engine.evaluate`) applies them to
one case at a time; the SQL compiler (:mod:`engine.sql`) turns the same
rankings, aggregations and messages into expressions over millions of rows.
Plain functions over values, no state.

>>> value_rank("medium", ("high", "medium", "low"))
1
>>> conflict_message("d", HitPolicy.UNIQUE, ["R1", "R2"])
'decision `d` is UNIQUE, but rules R1, R2 all match: only one rule may match'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.errors import DecisionError
from engine.feel import values as V
from engine.feel.builtins import BUILTINS
from engine.model import Aggregator, HitPolicy, OutputColumn

#: What each policy that forbids some overlaps requires of the matching rules.
VIOLATED_RULE = {
    HitPolicy.UNIQUE: "only one rule may match",
    HitPolicy.ANY: "matching rules must give the same output",
}

#: Policies that order their matches by the outputs' allowed values.
RANKED = frozenset({HitPolicy.PRIORITY, HitPolicy.OUTPUT_ORDER})

#: Text joining the labels of several rules in messages and in ``matched`` columns.
LABEL_SEPARATOR = ", "


def conflict_parts(decision: str, policy: HitPolicy) -> tuple[str, str]:
    """The message of a violation, before and after the list of rule labels."""
    return (
        f"decision `{decision}` is {policy.label}, but rules ",
        f" all match: {VIOLATED_RULE[policy]}",
    )


def conflict_message(decision: str, policy: HitPolicy, labels: Sequence[str]) -> str:
    before, after = conflict_parts(decision, policy)
    return before + LABEL_SEPARATOR.join(labels) + after


def conflict(decision: str, policy: HitPolicy, labels: Sequence[str]) -> DecisionError:
    """The error a UNIQUE or ANY table raises when its matching rules conflict."""
    return DecisionError(conflict_message(decision, policy, labels), decision, labels)


def value_rank(value: Any, allowed: Sequence[Any] | None) -> int:
    """Where ``value`` stands in an output's allowed values (first = 0); unlisted values rank last."""
    allowed = allowed or ()
    return next((i for i, a in enumerate(allowed) if V.equals(a, value) is True), len(allowed))


def rank_key(output: Mapping[str, Any], columns: Sequence[OutputColumn]) -> tuple[int, ...]:
    """PRIORITY / OUTPUT ORDER: a rule's outputs ranked column by column (lower = higher priority)."""
    return tuple(value_rank(output.get(c.name), c.allowed) for c in columns)


def same_output(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """ANY: two rules agree when every output is FEEL-equal."""
    return all(V.equals(a[k], b[k]) is True for k in a)


def aggregate(aggregator: Aggregator, values: Sequence[Any]) -> Any:
    """C+ C< C> C#: the sum, least, greatest or count of the matched rules' output values.

    No match gives null (count: 0); a value of the wrong kind (a text to
    sum, a null, a mix of kinds to order) gives null, as the built-ins do.
    """
    if aggregator is Aggregator.COUNT:
        return len(values)
    if not values:
        return None
    return BUILTINS[AGGREGATE_FUNCTION[aggregator]](list(values))


#: The FEEL built-in each aggregator applies.
AGGREGATE_FUNCTION = {Aggregator.SUM: "sum", Aggregator.MIN: "min", Aggregator.MAX: "max", Aggregator.COUNT: "count"}


def no_rule_message(decision: str, given: str, default_used: bool) -> str:
    """What a case that no rule matches is told; ``given`` describes the inputs the table reads."""
    default = " (the default output is used)" if default_used else ""
    return f"no rule of decision `{decision}` applies to {given}{default}"


def describe_given(names: Sequence[str], inputs: Mapping[str, Any]) -> str:
    """``a = 1, b = "x"``: the inputs a no-rule message names, in the order given."""
    return LABEL_SEPARATOR.join(f"{n} = {V.brief(inputs.get(n))}" for n in names)
