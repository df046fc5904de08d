"""Structural checks of a decision table, whatever file it came from.

A table read from a DMN model and one read from a sheet get the same codes
and messages: duplicate output names (DT014), an aggregation over several
outputs (DT016), PRIORITY or OUTPUT ORDER without output values to rank by
(DT007), a rule without an output entry (DT017), two rules with the same
label (DT018, a warning).
"""

from __future__ import annotations

from engine.diagnostics import Diagnostic, Severity
from engine.model import DecisionTable, HitPolicy, Location, OutputColumn, Rule


def validate_table(table: DecisionTable, every_output_ranked: bool = True) -> list[Diagnostic]:
    """The structural problems of ``table``.

    ``every_output_ranked``: a sheet asks every output of a PRIORITY table for
    allowed values; DMN ranks by the outputs that have output values, and
    needs only one.
    """
    found: list[Diagnostic] = []

    def report(code: str, severity: Severity, message: str, location: Location, hint: str | None = None) -> None:
        found.append(Diagnostic(code, severity, message, location, hint, decision=table.name))

    if table.aggregator is not None and len(table.outputs) > 1:
        policy = "C" + table.aggregator.value
        report(
            "DT016", Severity.ERROR, f"{policy} aggregates one output, but the table has {len(table.outputs)}",
            table.location, "use plain C (COLLECT), or split the outputs into separate tables",
        )  # fmt: skip
    seen: dict[str, OutputColumn] = {}
    for output in table.outputs:
        if output.name in seen:
            report(
                "DT014", Severity.ERROR, f"two output columns are named `{output.name}`", output.location,
                f"the other is {seen[output.name].location}",
            )  # fmt: skip
        seen[output.name] = output
    ranked = table.hit_policy in (HitPolicy.PRIORITY, HitPolicy.OUTPUT_ORDER)
    if ranked and not every_output_ranked and table.outputs and not any(o.allowed for o in table.outputs):
        report(
            "DT007", Severity.ERROR,
            f"{table.hit_policy.label} ranks rules by the outputs' values, but no output lists its output values",
            table.location, "list an output's values from highest to lowest priority",
        )  # fmt: skip
    elif ranked and every_output_ranked:
        for output in table.outputs:
            if not output.allowed:
                report(
                    "DT007", Severity.ERROR,
                    f"{table.hit_policy.label} ranks rules by the outputs' allowed values, but `{output.name}` has none",
                    output.location, "list the output values from highest to lowest priority",
                )  # fmt: skip
    labels: dict[str, Rule] = {}
    for rule in table.rules:
        for output, cell in zip(table.outputs, rule.outputs):
            if not cell.text.strip():
                report(
                    "DT017", Severity.ERROR, f"rule {rule.label} has no entry for output `{output.name}`",
                    cell.location, "write the value, or `null` for none",
                )  # fmt: skip
        if rule.label in labels:
            report(
                "DT018", Severity.WARNING, f"two rules are labelled `{rule.label}`", rule.location,
                f"messages name rules by label; the other is at {labels[rule.label].location}",
            )  # fmt: skip
        labels[rule.label] = rule
    return found
