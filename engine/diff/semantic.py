"""The semantic diff: what changed in the tables, as an analyst names it.

Decisions are matched by name, columns by name, rules and test cases by
label, and compared cell by cell: ``rule R9, avslutar_ärendet: "mottagaren"
→ "jag" (registrering!M14)``. Moving a rule or a column is not a change of
its cells (the order of rules is reported once, where it matters). Both
versions are read by the engine's reader, so the diff sees the tables
exactly as ``lint`` and ``test`` do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.feel.values import describe
from engine.model import DecisionTable, HitPolicy, Location, Rule, TestCase, TestTable

#: Policies whose answer depends on the order of the rules.
_ORDERED = (HitPolicy.FIRST, HitPolicy.RULE_ORDER, HitPolicy.COLLECT, HitPolicy.OUTPUT_ORDER)


@dataclass(frozen=True)
class Change:
    """One change between two versions of a table.

    ``what`` names the thing changed (``rule R9, avslutar_ärendet``,
    ``hit policy``, ``input yrkesroll, allowed values``); ``old``/``new``
    are its text before and after (None: it did not exist).
    """

    decision: str  # the decision (for test tables: the decision tested)
    kind: str  # a stable word: decision, hit policy, column, rule, rule order, test, case
    what: str
    old: str | None
    new: str | None
    location: Location | None = None  # in the new version (the old one for a removal)
    table: str = "decision"  # "decision" or "test"
    data: dict[str, Any] = field(default_factory=dict, compare=False)

    def text(self) -> str:
        where = f" ({self.location})" if self.location else ""
        if self.old is None:
            return f"{self.what} added{where}" + (f": {self.new}" if self.new else "")
        if self.new is None:
            return f"{self.what} removed{where}" + (f": was {self.old}" if self.old else "")
        return f"{self.what}{where}: {self.old} → {self.new}"

    def as_json(self) -> dict[str, Any]:
        return {
            "table": self.table, "decision": self.decision, "kind": self.kind, "what": self.what,
            "old": self.old, "new": self.new, "location": str(self.location) if self.location else None,
            **self.data,
        }  # fmt: skip


def _values(allowed: tuple[Any, ...] | None) -> str | None:
    return None if allowed is None else ", ".join(describe(v) for v in allowed)


def _first_by(items: Iterable[Any], key: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in items:
        found.setdefault(key(item), item)
    return found


def _rule_text(table: DecisionTable, rule: Rule) -> str:
    inputs = " | ".join(c.text or "-" for c in rule.inputs)
    outputs = " | ".join(c.text for c in rule.outputs)
    return f"{inputs} => {outputs}" if table.inputs else outputs


def _cells(table: DecisionTable, rule: Rule) -> dict[str, tuple[str, Location | None]]:
    """Every cell of a rule by column title (inputs, outputs, annotations)."""
    cells: dict[str, tuple[str, Location | None]] = {}
    for column, cell in zip(table.inputs, rule.inputs):
        cells.setdefault(column.name, (cell.text or "-", cell.location))
    for output, cell in zip(table.outputs, rule.outputs):
        cells.setdefault(output.name, (cell.text, cell.location))
    for title, text in zip(table.annotations, rule.annotations):
        cells.setdefault(title or "annotation", (text, None))
    return cells


def decision_changes(old: DecisionTable | None, new: DecisionTable | None) -> list[Change]:
    """Everything that differs between two versions of one decision table."""
    if old is None and new is not None:
        rules = f"{len(new.rules)} rule{'s' if len(new.rules) != 1 else ''}, hit policy {new.policy_label}"
        return [Change(new.name, "decision", f"decision {new.name}", None, rules, new.location)]
    if new is None and old is not None:
        return [Change(old.name, "decision", f"decision {old.name}", f"{len(old.rules)} rules", None, old.location)]
    assert old is not None and new is not None
    name = new.name
    found: list[Change] = []
    if old.policy_label != new.policy_label:
        found.append(Change(name, "hit policy", "hit policy", old.policy_label, new.policy_label, new.location))
    found += _column_changes(old, new)
    found += _rule_changes(old, new)
    return found


def _column_changes(old: DecisionTable, new: DecisionTable) -> list[Change]:
    name = new.name
    found: list[Change] = []
    groups: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("input", _first_by(old.inputs, lambda c: c.name), _first_by(new.inputs, lambda c: c.name)),
        ("output", _first_by(old.outputs, lambda c: c.name), _first_by(new.outputs, lambda c: c.name)),
    ]
    for kind, before, after in groups:
        for column in before.keys() - after.keys():
            col = before[column]
            found.append(Change(name, "column", f"{kind} {column}", _declared(col), None, _where(col)))
        for column in after:
            col = after[column]
            if column not in before:
                found.append(Change(name, "column", f"{kind} {column}", None, _declared(col), _where(col)))
                continue
            was = before[column]
            if was.type != col.type:
                found.append(Change(name, "column", f"{kind} {column}, type", was.type or "(none)", col.type or "(none)", _where(col)))  # fmt: skip
            if _values(was.allowed) != _values(col.allowed):
                found.append(_allowed_change(name, f"{kind} {column}", was.allowed, col.allowed, _where(col)))
            if kind == "output":
                a, b = (was.default.text if was.default else None), (col.default.text if col.default else None)
                if a != b:
                    location = col.default.location if col.default else was.default.location
                    found.append(Change(name, "column", f"output {column}, default", a, b, location))
        order = [c for c in before if c in after]
        if order != [c for c in after if c in before]:
            found.append(Change(name, "column", f"{kind} column order", ", ".join(order), ", ".join(c for c in after if c in before), new.location))  # fmt: skip
    for title in dict.fromkeys(old.annotations):
        if title not in new.annotations:
            found.append(Change(name, "column", f"annotation {title}", "", None, old.location))
    for title in dict.fromkeys(new.annotations):
        if title not in old.annotations:
            found.append(Change(name, "column", f"annotation {title}", None, "", new.location))
    return found


def _where(column: Any) -> Location:
    return column.expression.location if hasattr(column, "expression") else column.location


def _declared(column: Any) -> str:
    parts = [column.type] if column.type else []
    if column.allowed is not None:
        parts.append(f"allowed {_values(column.allowed)}")
    return "; ".join(parts)


def _allowed_change(decision: str, what: str, old: tuple[Any, ...] | None, new: tuple[Any, ...] | None, location: Location | None, table: str = "decision") -> Change:  # fmt: skip
    before = [describe(v) for v in old or ()]
    after = [describe(v) for v in new or ()]
    added = [v for v in after if v not in before]
    removed = [v for v in before if v not in after]
    data = {"added_values": added, "removed_values": removed}
    return Change(decision, "column", f"{what}, allowed values", _values(old) or "(none)", _values(new) or "(none)", location, table, data)  # fmt: skip


def _rule_changes(old: DecisionTable, new: DecisionTable) -> list[Change]:
    name = new.name
    before = _first_by(old.rules, lambda r: r.label)
    after = _first_by(new.rules, lambda r: r.label)
    removed = [label for label in before if label not in after]
    added = [label for label in after if label not in before]
    renamed: dict[str, str] = {}
    for label in added:
        content = _content(_cells(new, after[label]))
        twin = next((r for r in removed if r not in renamed.values() and _content(_cells(old, before[r])) == content), None)
        if twin is not None:
            renamed[label] = twin
    found: list[Change] = []
    for label, rule in after.items():
        if label in renamed:
            found.append(Change(name, "rule", "rule label", renamed[label], label, rule.location))
            continue
        if label not in before:
            found.append(Change(name, "rule", f"rule {label}", None, _rule_text(new, rule), rule.location))
            continue
        was, now = _cells(old, before[label]), _cells(new, rule)
        for column, (text, location) in now.items():
            if column in was and was[column][0] != text:
                found.append(Change(name, "cell", f"rule {label}, {column}", was[column][0], text, location or rule.location))
    for label in removed:
        if label not in renamed.values():
            found.append(Change(name, "rule", f"rule {label}", _rule_text(old, before[label]), None, before[label].location))
    common_old = [label for label in before if label in after or label in renamed.values()]
    common_new = [renamed.get(label, label) for label in after if label in before or label in renamed]
    if new.hit_policy in _ORDERED and common_old != common_new:
        found.append(Change(name, "rule order", "rule order", ", ".join(common_old), ", ".join(common_new), new.location))
    return found


def _content(cells: dict[str, tuple[str, Location | None]]) -> dict[str, str]:
    return {column: text for column, (text, _) in cells.items()}


# ------------------------------------------------------------------ test tables


def _case_cells(case: TestCase) -> dict[str, tuple[str, Location | None]]:
    cells: dict[str, tuple[str, Location | None]] = {}
    for name, cell in case.inputs.items():
        cells[f"input {name}"] = (cell.text, cell.location)
    if case.expects_no_rule:
        cells["expected"] = ("no rule applies", case.location)
    for name, cell in case.expected.items():
        cells[f"expected {name}"] = (cell.text, cell.location)
    if case.description:
        cells["description"] = (case.description, None)
    return cells


def _case_text(case: TestCase) -> str:
    return " | ".join(f"{k.split(' ', 1)[-1]} {v}" for k, (v, _) in _case_cells(case).items() if k != "description")


def test_changes(old: Sequence[TestTable], new: Sequence[TestTable]) -> list[Change]:
    """Test tables matched by the decision they test, cases by label."""
    found: list[Change] = []
    before = {t.decision: t for t in reversed(old)}
    after = {t.decision: t for t in reversed(new)}
    for decision in dict.fromkeys([*(t.decision for t in new), *(t.decision for t in old)]):
        was, now = before.get(decision), after.get(decision)
        if was is None and now is not None:
            found.append(Change(decision, "test", f"test table {decision}", None, f"{len(now.cases)} cases", now.location, "test"))
            continue
        if now is None and was is not None:
            found.append(Change(decision, "test", f"test table {decision}", f"{len(was.cases)} cases", None, was.location, "test"))
            continue
        assert was is not None and now is not None
        old_cases = _first_by(was.cases, lambda c: c.label)
        new_cases = _first_by(now.cases, lambda c: c.label)
        for label, case in new_cases.items():
            if label not in old_cases:
                found.append(Change(decision, "case", f"case {label}", None, _case_text(case), case.location, "test"))
                continue
            a, b = _case_cells(old_cases[label]), _case_cells(case)
            for column in dict.fromkeys([*b, *a]):
                if a.get(column, ("",))[0] != b.get(column, ("",))[0]:
                    location = b.get(column, a.get(column, ("", None)))[1] or case.location
                    found.append(Change(decision, "cell", f"case {label}, {column}", a.get(column, ("(blank)",))[0] or "(blank)", b.get(column, ("(blank)",))[0] or "(blank)", location, "test"))  # fmt: skip
        for label, case in old_cases.items():
            if label not in new_cases:
                found.append(Change(decision, "case", f"case {label}", _case_text(case), None, case.location, "test"))
    return found
