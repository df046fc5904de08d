"""Behavioural diff (engine.diff.behaviour) against the analyser, on the same generated tables.

Each run changes one output entry of one rule of a generated table (the
shapes of bench_analysis.py: 7 inputs of strings, numbers and booleans) and
times ``compare_tables(old, new)`` next to ``analyse_table(old)`` — the
diff sweeps both versions' rules at once, so about twice the analyser's work
is the expectation. Run by hand: ``python bench/bench_diff.py [RULES…]``.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analysis import generate  # noqa: E402

from engine.analysis import analyse_table  # noqa: E402
from engine.compile import compile_table  # noqa: E402
from engine.diff.behaviour import compare_tables  # noqa: E402
from engine.model import Cell  # noqa: E402


def one_output_changed(ct, seed: int = 3):
    rng = random.Random(seed)
    table = ct.table
    index = rng.randrange(len(table.rules))
    rule = table.rules[index]
    cell = rule.outputs[1]  # registreras: true <-> false
    flipped = Cell("false" if cell.text == "true" else "true", cell.location)
    rules = list(table.rules)
    rules[index] = dataclasses.replace(rule, outputs=(rule.outputs[0], flipped))
    compiled, problems = compile_table(dataclasses.replace(table, rules=tuple(rules)))
    assert not problems
    return compiled, rule.label


def best(function, repeat: int = 3) -> tuple[float, object]:
    fastest, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, value


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1000, 2000, 5000]
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cpus")
    print(f"{'rules':>6} {'analyse (s)':>12} {'diff (s)':>9} {'diff/analyse':>13}  regions changed")
    for n in sizes:
        old = generate(n)
        new, label = one_output_changed(old)
        analysed, _ = best(lambda old=old: analyse_table(old))
        compared, behaviour = best(lambda old=old, new=new: compare_tables(old, new))
        regions = len(behaviour.changes)  # type: ignore[attr-defined]
        print(f"{n:>6} {analysed:>12.3f} {compared:>9.3f} {compared / analysed:>13.2f}  {regions} (rule {label})")


if __name__ == "__main__":
    main(sys.argv[1:])
