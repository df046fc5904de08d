"""The analyser's diagnostic codes: one :class:`Check` per kind of finding.

Codes are stable (documented in ``docs/lint-codes.md``); ranges:

- ``DT1xx`` completeness (gaps),
- ``DT2xx`` overlaps, by hit policy,
- ``DT3xx`` redundancy,
- ``DT4xx`` domains and types.

``DT0xx`` (load and syntax), ``DT5xx`` (spreadsheet damage) and ``DT6xx``
(decision graph) belong to the loader and the graph.

>>> GAP.code, GAP.severity.word
('DT101', 'warning')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine.diagnostics import Diagnostic, Severity
from engine.model import Location


@dataclass(frozen=True)
class Check:
    """One kind of finding: its code, its severity and a short name."""

    code: str
    severity: Severity
    name: str  # kebab-case, used as the SARIF rule name
    summary: str  # one line: what the finding means
    advice: str  # what an analyst should do about it

    def diagnostic(
        self,
        message: str,
        *,
        location: Location | None,
        decision: str | None,
        hint: str | None = None,
        rules: Sequence[str] = (),
        detail: str | None = None,
        data: dict | None = None,
    ) -> Diagnostic:
        return Diagnostic(
            code=self.code,
            severity=self.severity,
            message=message,
            location=location,
            hint=hint,
            decision=decision,
            rules=tuple(rules),
            detail=detail,
            data=dict(data or {}),
        )


W, E, INFO = Severity.WARNING, Severity.ERROR, Severity.INFO

# Completeness
GAP = Check(
    "DT101",
    W,
    "gap",
    "Some combination of input values is matched by no rule.",
    "Add a rule for the region (the finding carries a ready-to-paste row), or narrow the columns' "
    "allowed values if such inputs cannot occur. A default output does not close a gap.",
)
RULE_NOT_ANALYSED = Check(
    "DT102",
    INFO,
    "rule-not-analysed",
    "A rule's input entry is not a constant test (it reads other inputs, or did not compile).",
    "Nothing, if the entry is meant to compare with another input; the table's gaps and overlaps "
    "are then found without this rule. Fix the entry if it failed to compile.",
)
ANALYSIS_TRUNCATED = Check(
    "DT103",
    INFO,
    "analysis-truncated",
    "The table cuts the input space into too many regions; the analysis stopped early.",
    "Split the table into smaller chained tables; findings reported for it are incomplete.",
)
NOT_ANALYSED = Check(
    "DT104",
    INFO,
    "not-analysed",
    "A table, or some of its rules, is left out of the analysis because of load errors in it.",
    "Fix the errors the finding names; findings computed from a table that does not read as it looks "
    "would only bury them.",
)

# Overlaps
UNIQUE_OVERLAP = Check(
    "DT201",
    E,
    "unique-overlap",
    "Two rules of a UNIQUE table match the same input.",
    "Make the rules' entries exclusive (the finding names the shared region), merge them, or choose "
    "a hit policy that allows overlaps (FIRST, PRIORITY, COLLECT).",
)
ANY_CONFLICT = Check(
    "DT202",
    E,
    "any-conflict",
    "Two rules of an ANY table match the same input but give different outputs.",
    "Decide which output is right for the shared region and make the other rule exclude it.",
)
MASKED_PRIORITY = Check(
    "DT203",
    E,
    "masked-rule-priority",
    "A rule of a PRIORITY table can never be selected.",
    "Higher-priority rules cover every input the rule matches. Delete the rule, or narrow the rules that hide it.",
)
MASKED_FIRST = Check(
    "DT204",
    W,
    "masked-rule-first",
    "A rule of a FIRST table can never be selected.",
    "Earlier rules cover every input the rule matches. Delete it, or move it above the rules that "
    "hide it if it is an exception to them.",
)
MISLEADING = Check(
    "DT205",
    W,
    "misleading-rule",
    "A broader rule (`-` in a column the other rule tests) overrides part of a rule with another output.",
    "Reading the overridden rule alone gives the wrong answer for the region named. Make the "
    "broader rule test that column too, or split the overridden rule.",
)
MULTI_HIT_OVERLAP = Check(
    "DT206",
    INFO,
    "multi-hit-overlap",
    "Rules of a multiple-hit table overlap (normal for such tables).",
    "Nothing if the rules are meant to add up; otherwise make them exclusive.",
)
PRIORITY_UNKNOWN = Check(
    "DT207",
    INFO,
    "priority-unknown",
    "Output priorities are unknown (no allowed values, or an output is not a constant).",
    "Give the outputs allowed values, highest priority first, and constant output entries, so "
    "masked and misleading rules can be checked.",
)

# Redundancy
DUPLICATE = Check(
    "DT301",
    E,
    "duplicate-rule",
    "Two rules have the same inputs (by value) and the same outputs.",
    "Delete the later copies.",
)
SUBSUMED = Check(
    "DT302",
    W,
    "subsumed-rule",
    "A rule is contained in another rule that gives the same outputs.",
    "Delete the contained rule (under COLLECT both fire: keep it only if the double hit is meant).",
)
CONTRACTION = Check(
    "DT303",
    W,
    "contraction",
    "Rules that differ in one input only and give the same outputs can be merged.",
    "Replace them by one rule with the merged entry the finding gives; the table means the same.",
)
CONTRACTION_CITED = Check(
    "DT304",
    INFO,
    "contraction-across-sources",
    "Rules that could be merged, but whose annotations differ (e.g. they cite different sections).",
    "Merge them only if one annotation can speak for both; keeping them apart keeps each rule traceable.",
)

# Domains and types
NOT_ALLOWED = Check(
    "DT401",
    E,
    "input-not-allowed",
    "An input entry names a value outside the column's allowed values.",
    "Usually a typo (the hint suggests the closest allowed value); otherwise add the value to the "
    "column's Allowed values row.",
)
WRONG_TYPE = Check(
    "DT402",
    E,
    "input-wrong-type",
    "An input entry tests values of another type than the column's.",
    'Write the entry with values of the column\'s type (strings in double quotes: "läkare").',
)
OUTPUT_NOT_ALLOWED = Check(
    "DT403",
    E,
    "output-not-allowed",
    "An output entry (or default) is outside the output's allowed values.",
    "Correct the output (often a typo), or add the value to the output's Allowed values row.",
)
OUTPUT_WRONG_TYPE = Check(
    "DT404",
    E,
    "output-wrong-type",
    "An output entry (or default) has another type than the output's.",
    "Write a value of the output's declared type.",
)
COLUMN_ALWAYS_ANY = Check(
    "DT405",
    W,
    "column-always-any",
    "An input column is `-` in every rule.",
    "Remove the column, or add the entries that were meant to test it.",
)
INPUT_UNUSED = Check(
    "DT406",
    W,
    "input-unused",
    "An input is never tested by any rule of any table.",
    "Drop the input from the model and its columns from the tables, or add the rules meant to use it.",
)
ENTRY_MATCHES_NOTHING = Check(
    "DT407",
    W,
    "entry-matches-nothing",
    "An input entry accepts none of the column's possible values.",
    "The rule can never match: correct the entry (check interval ends against the allowed values).",
)

ALL_CHECKS: tuple[Check, ...] = (
    GAP,
    RULE_NOT_ANALYSED,
    ANALYSIS_TRUNCATED,
    NOT_ANALYSED,
    UNIQUE_OVERLAP,
    ANY_CONFLICT,
    MASKED_PRIORITY,
    MASKED_FIRST,
    MISLEADING,
    MULTI_HIT_OVERLAP,
    PRIORITY_UNKNOWN,
    DUPLICATE,
    SUBSUMED,
    CONTRACTION,
    CONTRACTION_CITED,
    NOT_ALLOWED,
    WRONG_TYPE,
    OUTPUT_NOT_ALLOWED,
    OUTPUT_WRONG_TYPE,
    COLUMN_ALWAYS_ANY,
    INPUT_UNUSED,
    ENTRY_MATCHES_NOTHING,
)
BY_CODE: dict[str, Check] = {c.code: c for c in ALL_CHECKS}
