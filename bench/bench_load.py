"""Load and compile time of a 1,000-rule workbook, calamine vs openpyxl, CLI cold start.

    python bench/bench_load.py            # about half a minute
    python bench/bench_load.py --json     # the same, then one JSON line

The workbook is ``numeric_1000`` from bench/tables.py (our sheet layout, one
UNIQUE grid: 10 ``age`` intervals x 20 ``amount`` intervals x 5 ``segment``
strings = 1,000 rules, outputs ``tier`` and ``rate``). Every figure is the
median of 5 runs; the first in-process load, which also builds the FEEL
parser, is reported on its own.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO), str(HERE)]

import tables as specs  # noqa: E402  (bench/tables.py)

ROUNDS = 5


def median_seconds(action: Callable[[], object], rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def read_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return sum(len(book.get_sheet_by_name(n).to_python(skip_empty_area=False)) for n in book.sheet_names)


def read_openpyxl(path: Path) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(len([list(r) for r in sheet.iter_rows(values_only=True)]) for sheet in book.worksheets)
    finally:
        book.close()


def cold_start(command: list[str], rounds: int = ROUNDS) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Median wall time of a fresh interpreter running ``command`` (the last run's result too)."""
    times = []
    done = None
    for _ in range(rounds):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
        times.append(time.perf_counter() - start)
    return statistics.median(times), done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON line")
    args = parser.parse_args()

    import engine
    from engine.workbook import read_workbook

    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = specs.write_ours_xlsx([specs.numeric(1000)], Path(folder) / "numeric_1000.xlsx")
        results["workbook_kib"] = path.stat().st_size // 1024

        start = time.perf_counter()
        model = engine.load(path)
        results["first_load_s"] = time.perf_counter() - start
        assert len(model.tables["numeric_1000"].rules) == 1000
        results["load_s"] = median_seconds(lambda: engine.load(path))
        results["read_values_s"] = median_seconds(lambda: read_workbook(path))
        results["calamine_s"] = median_seconds(lambda: read_calamine(path))
        results["openpyxl_read_only_s"] = median_seconds(lambda: read_openpyxl(path))
        assert read_calamine(path) >= read_openpyxl(path) >= 1000
        results["openpyxl_over_calamine"] = results["openpyxl_read_only_s"] / results["calamine_s"]

        python = sys.executable
        results["cold_import_engine_s"], _ = cold_start([python, "-c", "import engine"])
        results["cold_load_1000_rules_s"], _ = cold_start([python, "-c", f"import engine; engine.load({str(path)!r})"])

    _, done = cold_start([python, "cli.py", "lint", "tables/"], rounds=1)
    if "No module named 'engine.lint'" in done.stderr:
        results["cold_lint_s"] = None  # `dtable lint` is not implemented yet
        results["cold_test_s"], done = cold_start([python, "cli.py", "test", "tables/"])
        assert done.returncode == 0, done.stdout + done.stderr
    else:
        results["cold_lint_s"], _ = cold_start([python, "cli.py", "lint", "tables/"])
    results["cold_load_tables_s"], _ = cold_start([python, "-c", "import engine; engine.load('tables')"])

    print(machine())
    print(f"1,000-rule workbook ({results['workbook_kib']} KiB), median of {ROUNDS}:")
    print(f"  engine.load (read + compile)   {results['load_s'] * 1000:8.1f} ms   (first in-process load {results['first_load_s'] * 1000:.1f} ms)")  # fmt: skip
    print(f"  read values (engine.workbook)  {results['read_values_s'] * 1000:8.1f} ms")
    print(f"  calamine, values               {results['calamine_s'] * 1000:8.1f} ms")
    print(f"  openpyxl read_only, values     {results['openpyxl_read_only_s'] * 1000:8.1f} ms   ({results['openpyxl_over_calamine']:.1f}x calamine)")  # fmt: skip
    print("cold start (fresh interpreter, median of 5):")
    print(f"  python -c 'import engine'                   {results['cold_import_engine_s'] * 1000:8.1f} ms")
    print(f"  python -c 'engine.load(1,000-rule workbook)' {results['cold_load_1000_rules_s'] * 1000:7.1f} ms")
    if results["cold_lint_s"] is None:
        print("  python cli.py lint tables/                  (not implemented yet: engine.lint is missing)")
        print(f"  python cli.py test tables/                  {results['cold_test_s'] * 1000:8.1f} ms")
    else:
        print(f"  python cli.py lint tables/                  {results['cold_lint_s'] * 1000:8.1f} ms")
    print(f"  python -c \"engine.load('tables')\"           {results['cold_load_tables_s'] * 1000:8.1f} ms")
    if args.json:
        print(json.dumps(results))
    return 0


def machine() -> str:
    """Date, nproc, CPU model and Python version, as recorded in bench/RESULTS.md."""
    import os

    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{time.strftime('%Y-%m-%d')}, nproc {len(os.sched_getaffinity(0))}, {model}, Python {platform.python_version()}"


if __name__ == "__main__":
    sys.exit(main())
