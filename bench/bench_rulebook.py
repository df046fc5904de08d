"""Per-call cost of the shipped rulebook through the public API.

`registrering` needs two other decisions (kontakttyp, attribut), so one call
evaluates three tables. Cases: every row of the workbook's test sheet.

    python bench/bench_rulebook.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

import engine  # noqa: E402
from engine.feel.literals import parse_literal  # noqa: E402

ROUNDS = 7
REPEAT = 2000


def main() -> None:
    model = engine.load(Path(__file__).resolve().parents[1] / "tables")
    cases = [
        {name: parse_literal(cell.text) for name, cell in case.inputs.items()}
        for table in model.tests
        for case in table.cases
    ]
    decide = model.decide
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter_ns()
        for _ in range(REPEAT // len(cases) + 1):
            for case in cases:
                decide("registrering", case)
        calls = (REPEAT // len(cases) + 1) * len(cases)
        samples.append((time.perf_counter_ns() - start) / calls / 1000)
    single = []
    for _ in range(ROUNDS):
        start = time.perf_counter_ns()
        for _ in range(REPEAT):
            decide("kontakttyp", {"kontakt": "telefon", "ersätter_besök": True})
        single.append((time.perf_counter_ns() - start) / REPEAT / 1000)
    print(f"registrering (3 tables, {len(cases)} test-sheet cases): median {statistics.median(samples):.2f} µs per call")
    print(f"kontakttyp (1 table, 5 rules): median {statistics.median(single):.2f} µs per call")


if __name__ == "__main__":
    main()
