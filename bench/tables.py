"""Benchmark decision tables: one abstract spec, rendered for three engines.

A :class:`TableSpec` holds a decision table in a structured, engine-neutral
form.  Seeded generators build the benchmark tables (``registration``,
``numeric_1000``, ``numeric_10000``) and their input cases; renderers write
each spec

* to our workbook layout (``docs/sheet-layout.md``) with openpyxl,
* to a GoRules zen-engine JSON Decision Model (JDM) with one decision
  table node,
* to a pyDMNrules workbook (Glossary, Decision and a rules-as-rows table
  whose input/output boundary is a double vertical border).

:func:`reference_decide` is a tiny plain-Python evaluation of a spec, used to
check that every engine agrees with the spec itself.

Nothing here imports the engine or a peer engine, so this module is cheap to
import.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

# --------------------------------------------------------------------------
# Input entries (unary tests) in structured form
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class AnyValue:
    """``-``: matches anything."""


ANY = AnyValue()


@dataclass(frozen=True)
class Eq:
    """Equality with one literal (string, bool or number)."""

    value: Any


@dataclass(frozen=True)
class OneOf:
    """A list of literals: ``"a", "b"``."""

    values: tuple


@dataclass(frozen=True)
class Interval:
    """A numeric range.  ``lo``/``hi`` of None mean unbounded on that side.

    Both bounds -> ``[a..b)`` style interval; one bound -> a comparison such
    as ``< 5`` or ``>= 7``.
    """

    lo: Any
    hi: Any
    lo_closed: bool = True
    hi_closed: bool = False

    def contains(self, x) -> bool:
        if self.lo is not None and (x < self.lo or (x == self.lo and not self.lo_closed)):
            return False
        return not (self.hi is not None and (x > self.hi or (x == self.hi and not self.hi_closed)))


Entry = AnyValue | Eq | OneOf | Interval


def entry_matches(entry: Entry, value) -> bool:
    if isinstance(entry, AnyValue):
        return True
    if value is None:
        return False
    if isinstance(entry, Eq):
        return _same(entry.value, value)
    if isinstance(entry, OneOf):
        return any(_same(v, value) for v in entry.values)
    if isinstance(entry, Interval):
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            return False
        return entry.contains(Decimal(str(value)))
    raise TypeError(entry)


def _same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)):
        return Decimal(str(a)) == Decimal(str(b))
    return a == b


def entries_overlap(a: Entry, b: Entry) -> bool:
    """Can one value satisfy both entries? (for the UNIQUE check)"""
    if isinstance(a, AnyValue) or isinstance(b, AnyValue):
        return True
    if isinstance(a, Interval) or isinstance(b, Interval):
        if not (isinstance(a, Interval) and isinstance(b, Interval)):
            iv, lit = (a, b) if isinstance(a, Interval) else (b, a)
            vals = lit.values if isinstance(lit, OneOf) else (lit.value,)
            return any(entry_matches(iv, v) for v in vals)
        # two intervals: the higher lower bound vs the lower upper bound
        lo, lo_c = _max_lo(a, b)
        hi, hi_c = _min_hi(a, b)
        if lo is None or hi is None:
            return True
        return lo < hi or (lo == hi and lo_c and hi_c)
    va = a.values if isinstance(a, OneOf) else (a.value,)
    vb = b.values if isinstance(b, OneOf) else (b.value,)
    return any(_same(x, y) for x in va for y in vb)


def _max_lo(a: Interval, b: Interval):
    if a.lo is None:
        return b.lo, b.lo_closed
    if b.lo is None:
        return a.lo, a.lo_closed
    if a.lo != b.lo:
        return (a.lo, a.lo_closed) if a.lo > b.lo else (b.lo, b.lo_closed)
    return a.lo, a.lo_closed and b.lo_closed


def _min_hi(a: Interval, b: Interval):
    if a.hi is None:
        return b.hi, b.hi_closed
    if b.hi is None:
        return a.hi, a.hi_closed
    if a.hi != b.hi:
        return (a.hi, a.hi_closed) if a.hi < b.hi else (b.hi, b.hi_closed)
    return a.hi, a.hi_closed and b.hi_closed


# --------------------------------------------------------------------------
# The table spec
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "string" | "number" | "boolean"
    allowed: tuple | None = None  # allowed values, None = unrestricted


@dataclass(frozen=True)
class Rule:
    label: str
    entries: tuple  # one Entry per input
    outputs: tuple  # one value per output (str, bool, int, Decimal)


@dataclass(frozen=True)
class TableSpec:
    name: str
    hit_policy: str  # "UNIQUE" (rules never overlap, so FIRST gives the same)
    inputs: tuple  # of Column
    outputs: tuple  # of Column
    rules: tuple  # of Rule

    @property
    def input_names(self) -> list[str]:
        return [c.name for c in self.inputs]

    @property
    def output_names(self) -> list[str]:
        return [c.name for c in self.outputs]


def rules_overlap(a: Rule, b: Rule) -> bool:
    return all(entries_overlap(x, y) for x, y in zip(a.entries, b.entries))


_INDEX_CACHE: dict[int, tuple] = {}


def _candidate_rules(spec: TableSpec, values: list):
    """Rules that can match, narrowed by the first input column whose entries
    are all ``Eq``/``-`` (a plain dict lookup); keeps the reference fast on
    10,000-rule tables without changing its meaning."""
    cached = _INDEX_CACHE.get(id(spec))
    if cached is None or cached[0] is not spec:
        col, index = None, None
        for i in range(len(spec.inputs)):
            if all(isinstance(r.entries[i], (Eq, AnyValue)) for r in spec.rules):
                keys = {_key(r.entries[i].value) for r in spec.rules if isinstance(r.entries[i], Eq)}
                col = i
                index = {
                    k: [r for r in spec.rules if isinstance(r.entries[i], AnyValue) or _key(r.entries[i].value) == k]
                    for k in keys
                }
                index[None] = [r for r in spec.rules if isinstance(r.entries[i], AnyValue)]
                break
        cached = (spec, col, index)
        _INDEX_CACHE[id(spec)] = cached
    _, col, index = cached
    if col is None:
        return spec.rules
    return index.get(_key(values[col]), index[None])


def _key(v):
    if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
        return (False, Decimal(str(v)))
    return (isinstance(v, bool), v)


def reference_decide(spec: TableSpec, ctx: dict):
    """Plain-Python evaluation: returns (matched labels, outputs or None)."""
    names = spec.input_names
    values = [ctx.get(n) for n in names]
    matched = [r for r in _candidate_rules(spec, values) if all(entry_matches(e, v) for e, v in zip(r.entries, values))]
    if spec.hit_policy == "UNIQUE" and len(matched) > 1:
        raise AssertionError(f"{spec.name}: UNIQUE violated by {[r.label for r in matched]}")
    if not matched:
        return (), None
    return tuple(r.label for r in matched), dict(zip(spec.output_names, matched[0].outputs))


# --------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------

ROLES = ("nurse", "doctor", "other staff")
CHANNELS = ("phone", "video", "chat")
CASE_KINDS = ("advice", "booking", "prescription", "follow-up")
CONTACT_TYPES = (
    "Advice only",
    "Remote visit",
    "Written contact",
    "Phone contact",
    "Administrative",
)
PRIORITIES = ("low", "normal", "high")


def registration(seed: int = 1, n_rules: int = 21) -> TableSpec:
    """A UNIQUE table of ``n_rules`` non-overlapping rules over 4 string/boolean
    inputs, with ``-`` entries and a few lists; not complete (some inputs match
    no rule)."""
    rng = random.Random(seed)
    rules: list[Rule] = []
    attempts = 0
    while len(rules) < n_rules:
        attempts += 1
        if attempts > 100_000:
            raise RuntimeError("could not place registration rules")
        role = Eq(rng.choice(ROLES)) if rng.random() < 0.9 else ANY
        r = rng.random()
        if r < 0.15:
            channel = ANY
        elif r < 0.3:
            channel = OneOf(tuple(sorted(rng.sample(CHANNELS, 2), key=CHANNELS.index)))
        else:
            channel = Eq(rng.choice(CHANNELS))
        case = ANY if rng.random() < 0.3 else Eq(rng.choice(CASE_KINDS))
        replaces = Eq(rng.random() < 0.5) if rng.random() < 0.8 else ANY
        label = f"R{len(rules) + 1}"
        registers = rng.random() < 0.6
        outputs = (
            rng.choice(CONTACT_TYPES),
            registers,
            rng.choice(PRIORITIES),
        )
        cand = Rule(label, (role, channel, case, replaces), outputs)
        if any(rules_overlap(cand, other) for other in rules):
            continue
        rules.append(cand)
    return TableSpec(
        name="registration",
        hit_policy="UNIQUE",
        inputs=(
            Column("role", "string", ROLES),
            Column("channel", "string", CHANNELS),
            Column("case_kind", "string", CASE_KINDS),
            Column("replaces_visit", "boolean", (True, False)),
        ),
        outputs=(
            Column("contact_type", "string", CONTACT_TYPES),
            Column("registers", "boolean", (True, False)),
            Column("priority", "string", PRIORITIES),
        ),
        rules=tuple(rules),
    )


SEGMENTS = ("retail", "business", "student", "senior", "partner")
UNUSED_SEGMENT = "staff"  # allowed but used by no rule: those inputs match nothing
AGE_MAX = 120
AMOUNT_MAX = 1_000_000
NUMERIC_SHAPES = {
    1000: (10, 20),
    10000: (20, 100),
}  # (age bands, amount bands); x 5 segments


def _cuts(rng: random.Random, lo: int, hi: int, n_bands: int) -> list[int]:
    inner = sorted(rng.sample(range(lo + 1, hi), n_bands - 1))
    return [lo, *inner, hi]


def _bands(rng: random.Random, cuts: list[int], open_low: bool, open_high: bool) -> list[Interval]:
    """Partition [cuts[0], cuts[-1]] into bands; each inner cut point is given
    at random to the band on its left (``..c]``) or its right (``[c..``), so
    interval ends are mixed.  ``open_low``/``open_high`` make the first/last
    band a comparison (``< c`` / ``>= c``) instead of a closed interval."""
    owner_left = [rng.random() < 0.5 for _ in cuts]
    bands = []
    n = len(cuts) - 1
    for i in range(n):
        lo, hi = cuts[i], cuts[i + 1]
        lo_closed = True if i == 0 else not owner_left[i]
        hi_closed = True if i == n - 1 else owner_left[i + 1]
        if i == 0 and open_low:
            lo = None
        if i == n - 1 and open_high:
            hi = None
        bands.append(Interval(lo, hi, lo_closed, hi_closed))
    return bands


def numeric(n_rules: int, seed: int = 7) -> TableSpec:
    """A grid of age bands x amount bands x segment: ``n_rules`` UNIQUE rules
    that partition the (age in [0..120], any amount <= 1,000,000, 5 segments)
    space.  Age is a closed range (ages outside match nothing); amount's first
    band is a comparison ``< c`` / ``<= c``; interval ends are mixed."""
    n_age, n_amount = NUMERIC_SHAPES[n_rules]
    rng = random.Random(seed * 1_000_003 + n_rules)
    age_cuts = _cuts(rng, 0, AGE_MAX, n_age)
    amount_cuts = _cuts(rng, 0, AMOUNT_MAX, n_amount)
    ages = _bands(rng, age_cuts, open_low=False, open_high=False)
    amounts = _bands(rng, amount_cuts, open_low=True, open_high=False)
    tiers = tuple(f"T{i}" for i in range(1, 9))
    rules = []
    for a in ages:
        for m in amounts:
            for s in SEGMENTS:
                rate = Decimal(rng.randrange(0, 2000)) / 100  # e.g. 12.34, 7.5, 3
                rules.append(Rule(str(len(rules) + 1), (a, m, Eq(s)), (rng.choice(tiers), rate)))
    assert len(rules) == n_rules
    return TableSpec(
        name=f"numeric_{n_rules}",
        hit_policy="UNIQUE",
        inputs=(
            Column("age", "number"),
            Column("amount", "number"),
            Column("segment", "string", SEGMENTS + (UNUSED_SEGMENT,)),
        ),
        outputs=(Column("tier", "string", tiers), Column("rate", "number")),
        rules=tuple(rules),
    )


def numeric_cuts(spec: TableSpec) -> tuple[list, list]:
    """The band boundaries of a numeric spec (for boundary-value inputs)."""
    ages, amounts = set(), set()
    for r in spec.rules:
        a, m, _ = r.entries
        ages.update(x for x in (a.lo, a.hi) if x is not None)
        amounts.update(x for x in (m.lo, m.hi) if x is not None)
    return sorted(ages), sorted(amounts)


def registration_inputs(spec: TableSpec, n: int = 1000, seed: int = 11) -> list[dict]:
    """Uniform over the whole (finite) input domain, so a good share of cases
    hit the gaps the rules leave (no rule applies)."""
    rng = random.Random(seed)
    return [
        {
            "role": rng.choice(ROLES),
            "channel": rng.choice(CHANNELS),
            "case_kind": rng.choice(CASE_KINDS),
            "replaces_visit": rng.random() < 0.5,
        }
        for _ in range(n)
    ]


def numeric_inputs(spec: TableSpec, n: int = 1000, seed: int = 13) -> list[dict]:
    """Mostly in-range values (ints and halves), ~20% exactly on band
    boundaries (to exercise open/closed ends), ~8% out of range, ~5% with a
    segment no rule uses.  Fractional values are halves, exact in binary
    floating point, so every engine sees the same number."""
    rng = random.Random(seed + len(spec.rules))
    age_cuts, amount_cuts = numeric_cuts(spec)
    out = []
    for _ in range(n):
        r = rng.random()
        age = rng.randrange(0, AGE_MAX + 1)
        amount = rng.randrange(0, AMOUNT_MAX + 1)
        if rng.random() < 0.2:
            age = age + 0.5 if age < AGE_MAX else age
        if rng.random() < 0.2:
            amount = amount - 0.5 if amount > 0 else amount
        if r < 0.10:
            age = rng.choice(age_cuts)
        elif r < 0.20:
            amount = rng.choice(amount_cuts)
        elif r < 0.24:
            age = rng.choice([-1, AGE_MAX + 1, AGE_MAX + 0.5, 150])
        elif r < 0.28:
            amount = rng.choice([AMOUNT_MAX + 1, AMOUNT_MAX + 0.5, 2 * AMOUNT_MAX, -5])
        segment = UNUSED_SEGMENT if rng.random() < 0.05 else rng.choice(SEGMENTS)
        out.append({"age": age, "amount": amount, "segment": segment})
    return out


def build_all(seed: int = 1) -> dict[str, tuple[TableSpec, list[dict]]]:
    reg = registration(seed)
    n1 = numeric(1000)
    n10 = numeric(10000)
    return {
        reg.name: (reg, registration_inputs(reg)),
        n1.name: (n1, numeric_inputs(n1)),
        n10.name: (n10, numeric_inputs(n10)),
    }


# --------------------------------------------------------------------------
# Literal rendering (FEEL-ish, shared by all three syntaxes)
# --------------------------------------------------------------------------


def feel_literal(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, Decimal)):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        if '"' in v:
            raise ValueError("benchmark strings never contain quotes")
        return f'"{v}"'
    raise TypeError(v)


def unary_text(entry: Entry, any_text: str = "-") -> str:
    """The unary-test text used by our engine, zen and pyDMNrules alike
    (only ``-`` differs: zen writes an empty cell)."""
    if isinstance(entry, AnyValue):
        return any_text
    if isinstance(entry, Eq):
        return feel_literal(entry.value)
    if isinstance(entry, OneOf):
        return ", ".join(feel_literal(v) for v in entry.values)
    if isinstance(entry, Interval):
        if entry.lo is None and entry.hi is None:
            return any_text
        if entry.lo is None:
            return ("<= " if entry.hi_closed else "< ") + feel_literal(entry.hi)
        if entry.hi is None:
            return (">= " if entry.lo_closed else "> ") + feel_literal(entry.lo)
        return (
            ("[" if entry.lo_closed else "(")
            + f"{feel_literal(entry.lo)}..{feel_literal(entry.hi)}"
            + ("]" if entry.hi_closed else ")")
        )
    raise TypeError(entry)


# --------------------------------------------------------------------------
# Renderer: our workbook layout (docs/sheet-layout.md)
# --------------------------------------------------------------------------

_POLICY_LETTER = {"UNIQUE": "U", "FIRST": "F"}


def write_ours_xlsx(specs: Iterable[TableSpec], path: str | Path) -> Path:
    """All specs on one sheet, one under another, a blank row between."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Decisions"
    row = 1
    for spec in specs:
        row = _write_ours_table(ws, spec, row) + 1  # + blank row
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _write_ours_table(ws, spec: TableSpec, row: int) -> int:
    cols = list(spec.inputs) + list(spec.outputs)
    kinds = ["input"] * len(spec.inputs) + ["output"] * len(spec.outputs)
    ws.cell(row, 1, f"Decision: {spec.name}")
    row += 1
    ws.cell(row, 1, _POLICY_LETTER[spec.hit_policy])
    for j, k in enumerate(kinds, start=2):
        ws.cell(row, j, k)
    row += 1
    ws.cell(row, 1, "Rule")
    for j, c in enumerate(cols, start=2):
        ws.cell(row, j, c.name)
    row += 1
    ws.cell(row, 1, "Type")
    for j, c in enumerate(cols, start=2):
        ws.cell(row, j, c.type)
    row += 1
    if any(c.allowed for c in cols):
        ws.cell(row, 1, "Allowed values")
        for j, c in enumerate(cols, start=2):
            if c.allowed:
                ws.cell(row, j, ", ".join(feel_literal(v) for v in c.allowed))
        row += 1
    for rule in spec.rules:
        ws.cell(row, 1, rule.label)
        j = 2
        for e in rule.entries:
            ws.cell(row, j, unary_text(e, "-"))
            j += 1
        for v in rule.outputs:
            ws.cell(row, j, feel_literal(v))
            j += 1
        row += 1
    return row


# --------------------------------------------------------------------------
# Renderer: zen-engine JSON Decision Model (JDM)
# --------------------------------------------------------------------------
#
# {"contentType": "application/vnd.gorules.decision",
#  "nodes": [inputNode, decisionTableNode{content: {hitPolicy, inputs, outputs,
#            rules, passThrough, inputField, outputPath, executionMode}},
#            outputNode],
#  "edges": [input -> table, table -> output]}
# inputs/outputs are {"id", "name", "field"}; each rule is a flat object
# {"_id": label, <input id>: unary test, <output id>: expression}; an empty
# string cell matches anything.  zen has only "first" and "collect" hit
# policies; our UNIQUE tables never overlap, so "first" is equivalent.


def to_zen_jdm(spec: TableSpec) -> dict:
    in_ids = [f"in_{i}" for i in range(len(spec.inputs))]
    out_ids = [f"out_{i}" for i in range(len(spec.outputs))]
    rules = []
    for rule in spec.rules:
        row = {"_id": rule.label}
        for cid, e in zip(in_ids, rule.entries):
            row[cid] = unary_text(e, "")
        for cid, v in zip(out_ids, rule.outputs):
            row[cid] = feel_literal(v)
        rules.append(row)
    table_id = f"table_{spec.name}"
    return {
        "contentType": "application/vnd.gorules.decision",
        "nodes": [
            {
                "id": "request",
                "type": "inputNode",
                "name": "Request",
                "position": {"x": 0, "y": 0},
            },
            {
                "id": table_id,
                "type": "decisionTableNode",
                "name": spec.name,
                "position": {"x": 250, "y": 0},
                "content": {
                    "hitPolicy": "first",
                    "inputs": [{"id": cid, "name": c.name, "field": c.name} for cid, c in zip(in_ids, spec.inputs)],
                    "outputs": [{"id": cid, "name": c.name, "field": c.name} for cid, c in zip(out_ids, spec.outputs)],
                    "rules": rules,
                    "passThrough": False,
                    "inputField": None,
                    "outputPath": None,
                    "executionMode": "single",
                },
            },
            {
                "id": "response",
                "type": "outputNode",
                "name": "Response",
                "position": {"x": 500, "y": 0},
            },
        ],
        "edges": [
            {"id": "e1", "type": "edge", "sourceId": "request", "targetId": table_id},
            {"id": "e2", "type": "edge", "sourceId": table_id, "targetId": "response"},
        ],
    }


def write_zen_json(spec: TableSpec, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_zen_jdm(spec), indent=1), encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# Renderer: pyDMNrules workbook
# --------------------------------------------------------------------------
#
# Sheet "Glossary": a table titled "Glossary", headings Variable | Business
#   Concept | Attribute; every input and output under concept "Data".
# Sheet "Decision": a table titled "Decision", headings Decisions | Execute
#   Decision Tables; one row naming the table.
# Sheet with the table: A1 = table name; row 2 = hit policy in A then the
#   input headings, then the output headings; the last input heading carries
#   a double right border (where inputs stop) and the heading row a double
#   bottom border (no validity row follows); then one row per rule, label in
#   column A, unary tests ("-" = any), output values.  Booleans are written
#   as real boolean cells, numbers as number cells, strings in double quotes.
# One workbook per table: pyDMNrules.decide() runs every table in "Decision".


def write_pydmnrules_xlsx(spec: TableSpec, path: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Border, Side

    double = Side(style="double")
    wb = Workbook()
    gl = wb.active
    gl.title = "Glossary"
    gl.cell(1, 1, "Glossary")
    for j, h in enumerate(("Variable", "Business Concept", "Attribute"), start=1):
        gl.cell(2, j, h)
    for i, c in enumerate(list(spec.inputs) + list(spec.outputs)):
        gl.cell(3 + i, 1, c.name)
        gl.cell(3 + i, 2, "Data" if i == 0 else None)
        gl.cell(3 + i, 3, c.name)
    n_vars = len(spec.inputs) + len(spec.outputs)
    if n_vars > 1:
        gl.merge_cells(start_row=3, start_column=2, end_row=2 + n_vars, end_column=2)

    de = wb.create_sheet("Decision")
    de.cell(1, 1, "Decision")
    de.cell(2, 1, "Decisions")
    de.cell(2, 2, "Execute Decision Tables")
    de.cell(3, 1, f"Decide {spec.name}")
    de.cell(3, 2, spec.name)

    ws = wb.create_sheet("Table")
    ws.cell(1, 1, spec.name)
    ws.cell(2, 1, _POLICY_LETTER[spec.hit_policy])
    n_in = len(spec.inputs)
    for j, c in enumerate(list(spec.inputs) + list(spec.outputs), start=2):
        ws.cell(2, j, c.name)
    for j in range(1, 2 + n_in + len(spec.outputs)):
        right = double if j == 1 + n_in else Side()
        ws.cell(2, j).border = Border(left=Side(), right=right, top=Side(), bottom=double)
    for i, rule in enumerate(spec.rules):
        r = 3 + i
        ws.cell(r, 1, rule.label)
        for j, e in enumerate(rule.entries, start=2):
            if isinstance(e, Eq) and isinstance(e.value, bool):
                ws.cell(r, j, e.value)
            else:
                ws.cell(r, j, unary_text(e, "-"))
        for j, v in enumerate(rule.outputs, start=2 + n_in):
            if isinstance(v, (bool, int)):
                ws.cell(r, j, v)
            elif isinstance(v, Decimal):
                ws.cell(r, j, float(v))
            else:
                ws.cell(r, j, feel_literal(v))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


if __name__ == "__main__":  # quick look at the generated tables
    for name, (spec, cases) in build_all().items():
        hits = sum(1 for c in cases if reference_decide(spec, c)[1] is not None)
        print(f"{name}: {len(spec.rules)} rules, {len(cases)} cases, {hits} match a rule")
