"""The behavioural diff: the input regions where a decision's answer changes.

Old and new rules become boxes over one shared domain per input column
(both versions' entries and allowed values cut it), and the analyser's
sweep (:func:`engine.analysis.partition.partition`) labels every region by
what the old and the new table answer there under their hit policies. The
regions where the answers differ are the behavioural change, exact and
without enumerating inputs::

    yrkesroll = "sjuksköterska", vidare = "digitalt annan enhet": avslutar_ärendet "mottagaren" → "jag"

Answers are worked out from the rules' output entries: constant entries by
value (``1.10`` = ``1.1``), others by their text. Inputs outside a version's
allowed values count as "not allowed" there (the engine refuses them). The
comparison is per table: a required decision read by an input column is an
input of that table, compared through its allowed values.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from engine.analysis import domains as D
from engine.analysis.boxes import Region, TableSpace, entry_texts, output_key, region_text
from engine.analysis.partition import partition
from engine.analysis.sweep import DEFAULT_BUDGET
from engine.decision import CompiledTable, OutputEntry
from engine.feel import sets as S
from engine.feel import values as V
from engine.feel.builtins import BUILTINS
from engine.model import Aggregator, HitPolicy, InputColumn

OUTPUT, NO_RULE, CONFLICT, REJECTED = "output", "no rule", "conflict", "not allowed"

#: One output of one hit: (output name, comparable value, text as written).
Value = tuple[str, Hashable, str]


@dataclass(frozen=True)
class Answer:
    """What one version of a table answers somewhere."""

    kind: str  # OUTPUT, NO_RULE, CONFLICT or REJECTED
    hits: tuple[tuple[Value, ...], ...] = ()  # per selected rule (one for single-hit policies)
    rules: tuple[str, ...] = ()  # the rules selected (CONFLICT: the rules that all match)
    note: str = ""  # CONFLICT: the policy; REJECTED: the inputs refused; OUTPUT: "default" when no rule matched

    def same_behaviour(self, other: Answer) -> bool:
        """Equal answers, whichever rules give them."""
        if self.kind != other.kind:
            return False
        if self.kind == OUTPUT:
            return [[v[:2] for v in hit] for hit in self.hits] == [[v[:2] for v in hit] for hit in other.hits]
        return True

    def text(self) -> str:
        if self.kind == NO_RULE:
            return "no rule applies"
        if self.kind == CONFLICT:
            return f"{self.note} conflict between rules {', '.join(self.rules)}"
        if self.kind == REJECTED:
            return f"not allowed ({self.note})"
        hits = ["; ".join(f"{name} {text}" for name, _, text in hit) for hit in self.hits]
        who = "default output" if self.note == "default" else ", ".join(self.rules)
        if not hits:
            return "[] (no rule)"
        if len(hits) == 1:  # one rule, the default, or an aggregation over the rules
            return f"{hits[0]} ({who})"
        return "[" + " | ".join(f"{rule}: {hit}" for rule, hit in zip(self.rules, hits)) + "]"

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "rules": list(self.rules)}
        if self.kind == OUTPUT:
            data["outputs"] = [{name: text for name, _, text in hit} for hit in self.hits]
            data["default"] = self.note == "default"
        elif self.note:
            data["detail"] = self.note
        return data


@dataclass(frozen=True)
class RegionChange:
    region: dict[str, str]  # every input column -> a unary test for the region's side ("-" for all)
    text: str  # the region as an analyst reads it, open columns left out
    old: Answer
    new: Answer

    def change(self) -> str:
        """``avslutar_ärendet "mottagaren" → "jag"``, or the whole answers when they differ in kind."""
        old, new = self.old, self.new
        if old.kind == new.kind == OUTPUT and len(old.hits) == len(new.hits) == 1:
            before = {name: (key, text) for name, key, text in old.hits[0]}
            after = {name: (key, text) for name, key, text in new.hits[0]}
            parts = [
                f"{name} {before[name][1] if name in before else '(none)'} → {after[name][1] if name in after else '(none)'}"
                for name in dict.fromkeys([*before, *after])
                if before.get(name, (None,))[0] != after.get(name, (None,))[0]
            ]
            if parts:
                return ", ".join(parts) + _rules_note(old, new)
        return f"{old.text()} → {new.text()}"

    def as_json(self) -> dict[str, Any]:
        return {"region": self.region, "text": self.text, "change": self.change(), "old": self.old.as_json(), "new": self.new.as_json()}


def _rules_note(old: Answer, new: Answer) -> str:
    a = ", ".join(old.rules) if old.note != "default" else "default"
    b = ", ".join(new.rules) if new.note != "default" else "default"
    return f" ({a})" if a == b else f" ({a} → {b})"


@dataclass(frozen=True)
class Behaviour:
    decision: str
    changes: tuple[RegionChange, ...]
    compared: bool = True
    note: str | None = None  # why the tables were not (fully) compared
    truncated: bool = False


# ------------------------------------------------------------------ answers


def _value(entry: OutputEntry) -> tuple[Hashable, str]:
    key = output_key(entry)
    text = V.describe(entry.value) if entry.is_constant else " ".join(entry.cell.text.split())
    return key, text


class _Table:
    """One version of a table: its rules' outputs, and its hit policy over sets of them."""

    def __init__(self, ct: CompiledTable) -> None:
        self.ct = ct
        table = ct.table
        self.policy = table.hit_policy
        self.aggregator = table.aggregator
        self.names = tuple(o.name for o in table.outputs)
        self.outputs = [tuple((n, *_value(e)) for n, e in zip(self.names, r.outputs)) for r in ct.rules]
        self.values = [tuple(e.value if e.is_constant else _UNKNOWN for e in r.outputs) for r in ct.rules]
        self.labels = [r.label for r in ct.rules]
        self.default: tuple[Value, ...] | None = None
        if any(d is not None for d in ct.defaults):
            self.default = tuple(
                (n, *(_value(d) if d is not None else (("value", V.NULL, None), "null"))) for n, d in zip(self.names, ct.defaults)
            )

    def _rank(self, position: int) -> tuple[int, ...]:
        key = []
        for column, value in zip(self.ct.table.outputs, self.values[position]):
            allowed = column.allowed or ()
            key.append(next((i for i, a in enumerate(allowed) if V.equals(a, value) is True), len(allowed)))
        return tuple(key)

    def answer(self, positions: Sequence[int], rejected: Sequence[str]) -> Answer:
        if rejected:
            return Answer(REJECTED, note=", ".join(rejected))
        if self.policy.single_hit:
            return self._single(list(positions))
        return self._multi(list(positions))

    def _hit(self, position: int) -> Answer:
        return Answer(OUTPUT, (self.outputs[position],), (self.labels[position],))

    def _none(self) -> Answer:
        if self.default is not None:
            return Answer(OUTPUT, (self.default,), (), "default")
        return Answer(NO_RULE)

    def _single(self, positions: list[int]) -> Answer:
        if not positions:
            return self._none()
        if self.policy is HitPolicy.UNIQUE and len(positions) > 1:
            return Answer(CONFLICT, rules=tuple(self.labels[p] for p in positions), note="UNIQUE")
        if self.policy is HitPolicy.ANY:
            keys = {tuple(v[1] for v in self.outputs[p]) for p in positions}
            if len(keys) > 1:
                return Answer(CONFLICT, rules=tuple(self.labels[p] for p in positions), note="ANY")
        if self.policy is HitPolicy.PRIORITY:
            return self._hit(min(positions, key=lambda p: (self._rank(p), p)))
        return self._hit(positions[0])

    def _multi(self, positions: list[int]) -> Answer:
        if self.policy is HitPolicy.OUTPUT_ORDER:
            positions.sort(key=lambda p: (self._rank(p), p))
        if not positions and self.default is not None:
            return Answer(OUTPUT, (self.default,), (), "default")
        labels = tuple(self.labels[p] for p in positions)
        if self.aggregator is None:
            return Answer(OUTPUT, tuple(self.outputs[p] for p in positions), labels)
        name = self.names[0]
        values = [self.values[p][0] for p in positions]
        if self.aggregator is Aggregator.COUNT:
            total: Any = len(values)
        elif not values:
            total = None
        elif any(v is _UNKNOWN for v in values):
            text = f"{self.aggregator.name.lower()}({', '.join(self.outputs[p][0][2] for p in positions)})"
            return Answer(OUTPUT, (((name, ("expr", text), text),),), labels)
        else:
            total = BUILTINS[{Aggregator.SUM: "sum", Aggregator.MIN: "min", Aggregator.MAX: "max"}[self.aggregator]](values)
        entry = (name, ("value", V.category(total), V.describe(total)), V.describe(total))
        return Answer(OUTPUT, ((entry,),), labels)


_UNKNOWN = object()  # an output that is not a constant


# ------------------------------------------------------------------ the shared space


def _allowed_truth(allowed: tuple[Any, ...]) -> S.Truth | None:
    try:
        return S.disjunction([S.equality(v) for v in allowed])
    except ValueError:  # a list or context value: no exact set
        return None


def _merged_column(name: str, old: InputColumn | None, new: InputColumn | None) -> InputColumn:
    present = [c for c in (new, old) if c is not None]
    types = {c.type for c in present if c.type}
    allowed: tuple[Any, ...] | None = None
    if all(c.allowed is not None for c in present):
        seen: dict[tuple[str, Any], Any] = {}
        for c in (old, new):
            for v in (c.allowed or ()) if c is not None else ():
                seen.setdefault((V.category(v), v), v)
        allowed = tuple(seen.values())
    return InputColumn(present[0].expression, types.pop() if len(types) == 1 else None, allowed)


def compare_tables(old: CompiledTable, new: CompiledTable, *, budget: int = DEFAULT_BUDGET) -> Behaviour:
    """Where ``old`` and ``new`` (two versions of one decision) answer differently."""
    name = new.name
    opaque = [f"{label} ({version})" for version, ct in (("old", old), ("new", new)) for r in ct.rules
              for label in [r.label] if any(t.condition is None and not t.is_any for t in r.tests)]  # fmt: skip
    if opaque:
        return Behaviour(
            name, (), False,
            f"not compared: rule {', '.join(opaque)} compares inputs with each other or has a broken cell",
        )  # fmt: skip
    columns = list(dict.fromkeys([c.name for c in new.table.inputs] + [c.name for c in old.table.inputs]))
    position = {
        "old": {c.name: i for i, c in reversed(list(enumerate(old.table.inputs)))},
        "new": {c.name: i for i, c in reversed(list(enumerate(new.table.inputs)))},
    }
    tables = {"old": old, "new": new}
    domains: list[D.ColumnDomain] = []
    for column in columns:
        declared = {v: tables[v].table.inputs[position[v][column]] for v in tables if column in position[v]}
        merged = _merged_column(column, declared.get("old"), declared.get("new"))
        conditions: list[S.Condition] = []
        texts: list[str] = []
        for version, col in declared.items():
            j = position[version][column]
            for rule in tables[version].rules:
                test = rule.tests[j]
                texts.append(test.cell.text)
                if not test.is_any and test.condition is not None:
                    conditions.append(test.condition)
            if col.allowed is not None:
                truth = _allowed_truth(col.allowed)
                if truth is not None:
                    conditions.append(truth.condition())
                if None in col.allowed:
                    texts.append("null")
        domains.append(D.column_domain(merged, conditions, texts))

    boxes: list[Region] = []
    tags: list[tuple[str, Any]] = []
    for version, ct in tables.items():
        for index, rule in enumerate(ct.rules):
            sides = []
            for column, dom in zip(columns, domains):
                at = position[version].get(column)
                sides.append(dom.full if at is None else dom.runs(rule.tests[at].condition, is_any=rule.tests[at].is_any))
            boxes.append(tuple(sides))
            tags.append((version, index))
    for version, ct in tables.items():
        for k, (column, dom) in enumerate(zip(columns, domains)):
            at = position[version].get(column)
            allowed = ct.table.inputs[at].allowed if at is not None else None
            truth = _allowed_truth(allowed) if allowed is not None else None
            if truth is None:
                continue
            outside = D.complement(dom.runs(truth.condition()), dom.size)
            if outside:
                boxes.append(tuple(outside if i == k else d.full for i, d in enumerate(domains)))
                tags.append((version + " refuses", column))

    versions = {"old": _Table(old), "new": _Table(new)}

    def label(rules: frozenset[int]) -> Hashable | None:
        hits: dict[str, list[int]] = {"old": [], "new": []}
        refused: dict[str, list[str]] = {"old": [], "new": []}
        for r in sorted(rules):
            kind, what = tags[r]
            if kind in hits:
                hits[kind].append(what)
            else:
                refused[kind.split()[0]].append(what)
        before = versions["old"].answer(hits["old"], refused["old"])
        after = versions["new"].answer(hits["new"], refused["new"])
        return None if before.same_behaviour(after) else (before, after)

    labelled, truncated = partition(boxes, [d.size for d in domains], label, budget=budget)
    space = TableSpace(new, tuple(domains), (), ())
    changes = []
    for key, regions in labelled.items():
        assert isinstance(key, tuple)
        before, after = key
        for region in regions:
            changes.append(RegionChange(dict(zip(columns, entry_texts(space, region))), region_text(space, region), before, after))
    order = {label: i for i, label in enumerate(versions["new"].labels + versions["old"].labels)}
    changes.sort(key=lambda c: (min((order.get(r, len(order)) for r in c.new.rules + c.old.rules), default=len(order)), c.text))
    note = "the input space is too finely cut: only part of it was compared" if truncated else None
    return Behaviour(name, tuple(changes), True, note, truncated)
