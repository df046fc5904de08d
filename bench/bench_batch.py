"""Rows per second and peak memory of ``dtable batch`` on the 1177 rulebook.

    python bench/bench_batch.py                     # 1,000,000 rows, csv and jsonl (~1 minute)
    python bench/bench_batch.py --rows 100000 --xlsx 100000 --json

Cases are drawn (seeded) from the realistic values of the rulebook: 85% are
the input rows of its test sheet (the documented gaps among them, so some
rows have no rule), 13% uniform over each input's allowed values (most of
those fall in gaps), 2% invalid (a misspelt role, or `ja` for a boolean).
Each file is written to a temporary folder, then every batch runs in a fresh
interpreter, so its peak RSS (``resource.getrusage``) is its own; the RSS
right after loading the model is printed as the baseline.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

DECISION = "registrering"
INPUTS = ("yrkesroll", "kontakt", "ärendetyp", "vidare", "ersätter_besök")


def realistic_cases(count: int, seed: int = 1177) -> Iterator[dict[str, object]]:
    """``count`` cases as JSON-ready dicts (absent inputs left out)."""
    import engine

    model = engine.load(REPO / "tables")
    (sheet,) = [t for t in model.tests if t.decision == DECISION]
    tested = [{n: _literal(c.text) for n, c in case.inputs.items()} for case in sheet.cases]
    allowed = {n: list(model.inputs[n].allowed) for n in INPUTS}
    rng = random.Random(seed)
    for _ in range(count):
        draw = rng.random()
        if draw < 0.85:
            case = dict(rng.choice(tested))
        else:
            case = {n: rng.choice(allowed[n]) for n in INPUTS}
            if draw >= 0.98:
                case.update(rng.choice([{"yrkesroll": "sjukskoterska"}, {"ersätter_besök": "ja"}]))
        yield {n: v for n, v in case.items() if v is not None}


def _literal(text: str) -> object:
    if text.startswith('"'):
        return text[1:-1]
    return {"true": True, "false": False, "null": None}[text]


def write_cases(folder: Path, count: int, suffixes: list[str]) -> dict[str, Path]:
    """One file per suffix, the same cases in each."""
    paths = {s: folder / f"cases{s}" for s in suffixes}
    files = {s: open(p, "w", newline="", encoding="utf-8") for s, p in paths.items() if s != ".xlsx"}  # noqa: SIM115
    book = sheet = None
    if ".xlsx" in paths:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("cases")
        sheet.append(INPUTS)
    writer = csv.writer(files[".csv"]) if ".csv" in files else None
    if writer:
        writer.writerow(INPUTS)
    for case in realistic_cases(count):
        if writer:
            writer.writerow([_csv_text(case.get(n)) for n in INPUTS])
        if ".jsonl" in files:
            files[".jsonl"].write(json.dumps(case, ensure_ascii=False) + "\n")
        if sheet is not None:
            sheet.append([case.get(n) for n in INPUTS])
    for file in files.values():
        file.close()
    if book is not None:
        book.save(paths[".xlsx"])
    return paths


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def run_one(source: Path, target: Path) -> dict[str, object]:
    """In this (fresh) interpreter: load, then batch; figures as a dict."""
    import resource

    import engine
    from engine.batch import evaluate_file

    model = engine.load(REPO / "tables")
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    summary = evaluate_file(model, DECISION, source, target)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "in": source.suffix, "out": target.suffix, "rows": summary.rows, "ok": summary.ok,
        "no_rule": summary.no_rule, "failed": summary.failed, "elapsed_s": summary.elapsed,
        "rows_per_s": summary.rows_per_second, "rss_after_load_mib": baseline / 1024, "peak_rss_mib": peak / 1024,
        "in_mib": source.stat().st_size / 2**20, "out_mib": target.stat().st_size / 2**20,
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of csv and jsonl (default 1,000,000)")
    parser.add_argument(
        "--xlsx", type=int, default=0, metavar="ROWS", help="also time an .xlsx in and out of ROWS rows"
    )
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON line")
    parser.add_argument("--run", nargs=2, metavar=("IN", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_one(Path(args.run[0]), Path(args.run[1]))))
        return 0

    from bench_load import machine

    print(machine())
    figures = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        start = time.perf_counter()
        paths = write_cases(folder, args.rows, [".csv", ".jsonl"])
        print(f"wrote {args.rows:,} cases as .csv and .jsonl in {time.perf_counter() - start:.1f} s")
        runs = [(".csv", ".csv"), (".jsonl", ".jsonl"), (".csv", ".jsonl")]
        if args.xlsx:
            paths.update(write_cases(folder, args.xlsx, [".xlsx"]))  # its own (smaller) number of rows
            runs.append((".xlsx", ".xlsx"))
        for source, out in runs:
            target = folder / f"results{out}"
            done = subprocess.run(
                [sys.executable, __file__, "--run", str(paths[source]), str(target)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            figure = json.loads(done.stdout.splitlines()[-1])
            figures.append(figure)
            target.unlink()
            print(
                f"{figure['in']:>6} -> {figure['out']:<6} {figure['rows']:>9,} rows  {figure['elapsed_s']:6.1f} s  "
                f"{figure['rows_per_s']:>8,.0f} rows/s  RSS {figure['rss_after_load_mib']:.0f} MiB after load, "
                f"peak {figure['peak_rss_mib']:.0f} MiB  ({figure['ok']:,} ok, {figure['no_rule']:,} no rule, "
                f"{figure['failed']:,} failed; in {figure['in_mib']:.0f} MiB, out {figure['out_mib']:.0f} MiB)"
            )
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
