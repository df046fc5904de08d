"""Benchmark the table analyser on generated tables (not a timed test).

Usage::

    python -m bench.bench_analysis                 # 1000, 2000, 5000 rules x 7 inputs
    python -m bench.bench_analysis 500 5000 10000  # other sizes

Tables are built the way analysts build them: a decision tree over 7 inputs
(3 strings with allowed values, 2 numbers cut into ranges with mixed open
and closed ends, 1 boolean, 1 string without allowed values), one rule per
leaf, so the rules tile the input space; then about 1% of the rules are
deleted (gaps), 1% widened to ``-`` in one column (overlaps) and 0.5%
duplicated. The rows are compiled by the real compiler, without a workbook;
only ``analyse_table`` is timed.
"""

from __future__ import annotations

import os
import platform
import random
import sys
import time
from collections import Counter

from engine.analysis import analyse_table
from engine.compile import compile_table
from engine.decision import CompiledTable
from engine.feel import values as V
from engine.layout import column_letter
from engine.model import Cell, DecisionTable, HitPolicy, InputColumn, Location, OutputColumn, Rule

ROLES = ("sjuksköterska", "läkare", "annan vårdpersonal", "barnmorska", "fysioterapeut")
KINDS = ("egenvårdsråd", "åtgärd/behandling", "receptförnyelse", "remiss", "intyg", "uppföljning")
CHANNELS = ("1177 direkt", "telefon", "fysiskt besök", "video")
TYPES = ("Text", "Distanskontakt", "Mottagningsbesök", "Telefonsamtal")
COLUMNS = (
    ("yrkesroll", "string", ROLES),
    ("ärendetyp", "string", KINDS),
    ("kontakt", "string", CHANNELS),
    ("ålder", "number", None),
    ("belopp", "number", None),
    ("ersätter_besök", "boolean", None),
    ("enhet", "string", None),
)
ANY = "-"


def _split_list(rng, values, k):
    shuffled = list(values)
    rng.shuffle(shuffled)
    cuts = sorted(rng.sample(range(1, len(values)), k - 1))
    parts = [shuffled[a:b] for a, b in zip([0, *cuts], [*cuts, len(values)])]
    return [", ".join(V.describe(v) for v in part) for part in parts]


def _split_range(rng, lo, hi, k):
    """``k`` ranges tiling the number line, cut inside [lo, hi], ends mixed open and closed."""
    cuts = sorted(rng.sample(range(lo + 1, hi), k - 1))
    bounds = [None, *cuts, None]
    entries = []
    left_closed = True
    for i in range(k):
        a, b = bounds[i], bounds[i + 1]
        right_closed = b is not None and rng.random() < 0.5
        if a is None:
            entries.append(("<= " if right_closed else "< ") + str(b))
        elif b is None:
            entries.append((">= " if left_closed else "> ") + str(a))
        else:
            entries.append(("[" if left_closed else "(") + f"{a}..{b}" + ("]" if right_closed else ")"))
        left_closed = not right_closed
    return entries


def _split(rng, col, k):
    name, type_, allowed = COLUMNS[col]
    if allowed:
        return _split_list(rng, allowed, min(k, len(allowed)))
    if type_ == "boolean":
        return ["true", "false"]
    if type_ == "number":
        return _split_range(rng, 0, 10_000, k)
    # a free string column: a few named units, then every other string
    units = [V.describe(f"enhet {i}") for i in range(k - 1)]
    return units + ["not(" + ", ".join(units) + ")"]


def tree_rules(rng, col, budget):
    """Rules (one entry per column from ``col`` on) tiling the subspace, about ``budget`` of them."""
    if col == len(COLUMNS):
        return [[]]
    if budget <= 1 or rng.random() < 0.15:
        return [[ANY, *r] for r in tree_rules(rng, col + 1, budget)]
    name, type_, allowed = COLUMNS[col]
    max_k = len(allowed) if allowed else (2 if type_ == "boolean" else 12)
    k = max(2, min(max_k, budget, rng.randint(2, max_k)))
    parts = _split(rng, col, k)
    weights = [rng.random() + 0.2 for _ in parts]
    total = sum(weights)
    rules = []
    for part, w in zip(parts, weights):
        sub = max(1, round(budget * w / total))
        rules.extend([[part, *r] for r in tree_rules(rng, col + 1, sub)])
    return rules


def generate(n_rules: int, seed: int = 1, policy: HitPolicy = HitPolicy.UNIQUE) -> CompiledTable:
    rng = random.Random(seed)
    budget = n_rules
    rows = tree_rules(rng, 0, budget)
    while len(rows) < n_rules:  # grow the tree until it has enough leaves
        budget = budget * 5 // 4
        rows = tree_rules(random.Random(seed + budget), 0, budget)
    rows = rows[:n_rules]  # cut: the rest of the space becomes gaps
    rng.shuffle(rows)
    for _ in range(n_rules // 100):
        rows.pop(rng.randrange(len(rows)))
    for _ in range(n_rules // 100):
        row = list(rows[rng.randrange(len(rows))])
        row[rng.randrange(len(COLUMNS))] = ANY
        rows.append(row)
    for _ in range(n_rules // 200):
        rows.append(rows[rng.randrange(len(rows))])
    outputs = [(rng.choice(TYPES), rng.random() < 0.5) for _ in rows]
    return build(f"bench_{n_rules}", rows, outputs, policy)


def build(name, rows, outputs, policy: HitPolicy = HitPolicy.UNIQUE) -> CompiledTable:
    """Compile the generated rows with the real compiler (not timed)."""

    def loc(col, row):
        return Location(name, f"{column_letter(col)}{row}")

    k = len(COLUMNS)
    inputs = tuple(InputColumn(Cell(n, loc(1 + j, 3)), type=t, allowed=a) for j, (n, t, a) in enumerate(COLUMNS))
    outs = (
        OutputColumn("vårdkontakt", loc(k + 1, 3), "string", TYPES),
        OutputColumn("registreras", loc(k + 2, 3), "boolean", None),
    )
    rules = []
    for i, (row, out) in enumerate(zip(rows, outputs)):
        r = 7 + i
        rules.append(
            Rule(
                str(i + 1),
                i + 1,
                tuple(Cell(text, loc(1 + j, r)) for j, text in enumerate(row)),
                tuple(Cell(V.describe(v), loc(k + 1 + j, r)) for j, v in enumerate(out)),
                (),
                loc(0, r),
            )
        )
    table = DecisionTable(name, policy, None, inputs, outs, (), tuple(rules), loc(0, 1))
    compiled, problems = compile_table(table)
    assert not problems, problems[:3]
    return compiled


def bench(n_rules: int, policy: HitPolicy = HitPolicy.UNIQUE, repeat: int = 3) -> tuple[float, Counter]:
    """Best wall time of ``repeat`` runs of ``analyse_table`` on one generated table."""
    ct = generate(n_rules, policy=policy)
    best = float("inf")
    found = []
    for _ in range(repeat):
        start = time.perf_counter()
        found = analyse_table(ct)
        best = min(best, time.perf_counter() - start)
    return best, Counter(d.code for d in found)


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1000, 2000, 5000]
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cpus")
    print(f"{'policy':>7} {'rules':>6} {'inputs':>6} {'best of 3 (s)':>14} {'µs per rule':>12}  findings")
    for policy in (HitPolicy.UNIQUE, HitPolicy.FIRST):
        for n in sizes:
            seconds, codes = bench(n, policy)
            summary = ", ".join(f"{c}×{k}" for c, k in sorted(codes.items()))
            print(f"{policy.label:>7} {n:>6} {len(COLUMNS):>6} {seconds:>14.3f} {seconds / n * 1e6:>12.0f}  {summary}")


if __name__ == "__main__":
    main(sys.argv[1:])
