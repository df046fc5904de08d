"""Registry scale, side by side: the 1177 decision over the same 1,000,000 rows, CSV to CSV.

    python bench/bench_sql.py                       # 1,000,000 rows, every engine (~10 minutes on 2 cores)
    python bench/bench_sql.py --rows 100000 --no-spark

In one run and on one file of realistic cases (bench_batch.realistic_cases:
the test sheet's cases, gaps and 2% invalid values):

* ``dtable batch --engine python`` and ``--engine duckdb``, CSV -> CSV;
* the same decision written by hand as one DuckDB CASE query
  (bench/handwritten_1177.sql), CSV -> CSV;
* Polars when/then chains, CSV -> CSV;
* ``--engine duckdb`` Parquet -> Parquet;
* ``--engine spark`` on local[*], CSV -> CSV.

Every run is a fresh interpreter, so its peak RSS is its own; times are
wall clock around the whole run (reading and writing included, loading
the rulebook and starting Spark excluded from rows/s but reported). The
outputs are then checked row by row: the duckdb and spark results must
equal the python engine's file byte for byte, the hand-written query's and
Polars' seven outputs must equal the compiled query's on every row.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

DECISION = "registrering"
INPUTS = ("yrkesroll", "kontakt", "ärendetyp", "vidare", "ersätter_besök")
OUTPUTS = ("registreras", "vårdkontakt", "attribut_1177_direkt", "dokumentera_i_journalen", "diagnos_och_kva", "anteckningsmall", "avslutar_ärendet")  # fmt: skip


def write_cases(path: Path, rows: int) -> None:
    from bench_batch import realistic_cases

    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(INPUTS)
        for case in realistic_cases(rows):
            writer.writerow([_cell(case.get(n)) for n in INPUTS])


def _cell(value: object) -> str:
    return "" if value is None else "true" if value is True else "false" if value is False else str(value)


# ------------------------------------------------------------------ one run each, in its own process


def run(kind: str, source: str, target: str) -> dict[str, float]:
    """One engine over one file; the clock runs around evaluating the file (loading and imports apart)."""
    setup = time.perf_counter()
    if kind in ("python", "duckdb", "spark"):
        import engine
        from engine.batch import evaluate_file

        model = engine.load(REPO / "tables")
        if kind == "duckdb":
            from engine.sql.duckdb_engine import run_duckdb as evaluate
        elif kind == "spark":
            from engine.sql.spark_engine import run_spark, spark_session

            session = spark_session()

            def evaluate(model, decision, source, target):  # type: ignore[no-redef]
                return run_spark(model, decision, source, target, session=session)
        else:
            evaluate = evaluate_file  # type: ignore[assignment]
        ready = time.perf_counter()
        evaluate(model, DECISION, Path(source), Path(target))
    elif kind == "handwritten":
        import duckdb

        con = duckdb.connect()
        ready = time.perf_counter()
        con.execute(f"CREATE VIEW cases AS SELECT * FROM read_csv('{source}', header = true, all_varchar = true)")
        query = (HERE / "handwritten_1177.sql").read_text("utf-8")
        con.execute(f"COPY ({query}) TO '{target}' (FORMAT csv, HEADER true)")
    elif kind == "polars":
        import polars  # noqa: F401

        ready = time.perf_counter()
        polars_1177(source, target)
    else:
        raise SystemExit(f"unknown run {kind}")
    elapsed = time.perf_counter() - ready
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": elapsed, "setup": ready - setup, "rss_mib": peak}


def polars_1177(source: str, target: str) -> None:
    """The decision as Polars when/then chains (the same logic as handwritten_1177.sql)."""
    import polars as pl

    c = pl.col
    cases = pl.scan_csv(source, infer_schema=False)
    remote = c("kontakt").is_in(["1177 direkt", "telefon"])
    nurse, doctor_or_other = c("yrkesroll") == "sjuksköterska", c("yrkesroll").is_in(["läkare", "annan vårdpersonal"])
    no_case, yes, no = c("ärendetyp").is_null(), c("ersätter_besök") == "true", c("ersätter_besök") == "false"
    either = c("ersätter_besök").is_in(["true", "false"])
    rules = [
        nurse & remote & (c("ärendetyp") == "egenvårdsråd") & (c("vidare") == "nej") & no,
        nurse & remote & (c("ärendetyp") == "egenvårdsråd") & (c("vidare") == "nej") & yes,
        nurse & remote & (c("ärendetyp") == "åtgärd/behandling") & (c("vidare") == "nej") & yes,
        nurse & remote & no_case & (c("vidare") == "fysiskt besök") & no,
        nurse & remote & no_case & (c("vidare") == "fysiskt besök") & yes,
        nurse & remote & no_case & (c("vidare") == "digitalt samma enhet samma dag") & either,
        nurse & remote & no_case & (c("vidare") == "digitalt samma enhet annan dag") & no,
        nurse & remote & no_case & (c("vidare") == "digitalt samma enhet annan dag") & yes,
        nurse & remote & no_case & (c("vidare") == "digitalt annan enhet") & no,
        nurse & remote & no_case & (c("vidare") == "digitalt annan enhet") & yes,
        c("yrkesroll").is_in(["sjuksköterska", "läkare"]) & remote & no_case & (c("vidare") == "enhet utan 1177 direkt") & no,
        c("yrkesroll").is_in(["sjuksköterska", "läkare"]) & remote & no_case & (c("vidare") == "enhet utan 1177 direkt") & yes,
        doctor_or_other & remote & no_case & (c("vidare") == "nej") & no,
        doctor_or_other & remote & no_case & (c("vidare") == "nej") & yes,
        doctor_or_other & remote & no_case & (c("vidare") == "fysiskt besök") & no,
        doctor_or_other & remote & no_case & (c("vidare") == "fysiskt besök") & yes,
        doctor_or_other & remote & (c("ärendetyp") == "åtgärd/behandling") & (c("vidare") == "nej") & yes,
        (c("yrkesroll") == "läkare") & remote & (c("ärendetyp") == "receptförnyelse") & (c("vidare") == "nej") & no,
        (c("yrkesroll") == "läkare") & remote & (c("ärendetyp") == "receptförnyelse") & (c("vidare") == "nej") & yes,
        doctor_or_other & remote & (c("ärendetyp") == "remiss") & (c("vidare") == "nej") & yes,
        c("yrkesroll").is_in(["sjuksköterska", "läkare", "annan vårdpersonal"]) & (c("kontakt") == "fysiskt besök") & no_case & c("vidare").is_null() & either,  # fmt: skip
    ]
    rule = pl.when(rules[0]).then(pl.lit(1))
    for number, condition in enumerate(rules[1:], 2):
        rule = rule.when(condition).then(pl.lit(number))
    kontakttyp = (
        pl.when((c("kontakt") == "1177 direkt") & no).then(pl.lit("Text som inte ersätter besök"))
        .when((c("kontakt") == "1177 direkt") & yes).then(pl.lit("Distanskontakt realtid bild/ljud/chatt"))
        .when((c("kontakt") == "telefon") & no).then(pl.lit("Telefonsamtal"))
        .when((c("kontakt") == "telefon") & yes).then(pl.lit("Telefonsamtal som ersätter besök"))
        .when(c("kontakt") == "fysiskt besök").then(pl.lit("Mottagningsbesök"))
    )  # fmt: skip
    r, k = c("regel"), c("kontakttyp")
    decided = r.is_not_null()
    results = cases.with_columns(rule.alias("regel"), kontakttyp.alias("kontakttyp")).select(
        *INPUTS,
        pl.when(r == 6).then(False).when(decided).then(True).alias("registreras"),
        pl.when(decided & (r != 6)).then(k).alias("vårdkontakt"),
        pl.when(r == 6).then(False).when(decided).then(k != "Mottagningsbesök").alias("attribut_1177_direkt"),
        pl.when(r == 6).then(False).when(decided).then(True).alias("dokumentera_i_journalen"),
        pl.when(r.is_in([1, 4, 6, 7, 9, 11, 13, 15, 18])).then(False).when(decided).then(True).alias("diagnos_och_kva"),
        pl.when(decided & ~r.is_in([6, 21])).then(pl.lit("1177 direkt")).alias("anteckningsmall"),
        pl.when(r.is_in([6, 7, 8, 9, 10])).then(pl.lit("mottagaren")).when(decided & (r != 21)).then(pl.lit("jag")).alias("avslutar_ärendet"),
    )  # fmt: skip
    results.sink_csv(target)


def measure(kind: str, source: Path, target: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--run", kind, str(source), str(target)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ agreement


def outputs_of(path: Path) -> list[tuple[str, ...]]:
    """The seven outputs of each row, as text (empty for null), from a results CSV."""
    with open(path, newline="", encoding="utf-8") as file:
        rows = csv.DictReader(file)
        return [tuple(r[o] for o in OUTPUTS) for r in rows]


def rows_of(path: Path) -> Counter[tuple[str, ...]]:
    """Each row's inputs and outputs, counted: for results whose row order is not the input's."""
    with open(path, newline="", encoding="utf-8") as file:
        return Counter(tuple(r[k] for k in (*INPUTS, *OUTPUTS)) for r in csv.DictReader(file))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--run", nargs=3, metavar=("KIND", "IN", "OUT"))
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run(*args.run)))
        return
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        cases = tmp / "cases.csv"
        write_cases(cases, args.rows)
        import duckdb

        duckdb.connect().execute(f"COPY (SELECT * FROM read_csv('{cases}', header = true, all_varchar = true)) TO '{tmp / 'cases.parquet'}' (FORMAT parquet)")  # fmt: skip
        runs = [("python", "cases.csv", "python.csv"), ("duckdb", "cases.csv", "duckdb.csv"),
                ("handwritten", "cases.csv", "handwritten.csv"), ("polars", "cases.csv", "polars.csv"),
                ("duckdb", "cases.parquet", "duckdb.parquet")]  # fmt: skip
        if not args.no_spark:
            runs.append(("spark", "cases.csv", "spark.csv"))
        results = {}
        for kind, source, target in runs:
            results[(kind, target)] = measure(kind, tmp / source, tmp / target)
            got = results[(kind, target)]
            print(f"{kind:12} {source:14} -> {target:16} {got['seconds']:7.2f} s  {args.rows / got['seconds']:>10,.0f} rows/s  peak RSS {got['rss_mib']:5.0f} MiB  (setup {got['setup']:.1f} s)", flush=True)  # fmt: skip

        python_bytes = (tmp / "python.csv").read_bytes()
        checks = {"duckdb CSV == python CSV, byte for byte": (tmp / "duckdb.csv").read_bytes() == python_bytes}
        if not args.no_spark:
            checks["spark CSV == python CSV, byte for byte"] = (tmp / "spark.csv").read_bytes() == python_bytes
        compiled = outputs_of(tmp / "duckdb.csv")
        # DuckDB turns the hand-written IN lists into joins, which do not keep the input's row order:
        # its rows are compared as (inputs, outputs) pairs, every one of them counted.
        checks["hand-written query == compiled query, inputs and all 7 outputs of every row (its order differs)"] = rows_of(tmp / "handwritten.csv") == rows_of(tmp / "duckdb.csv")  # fmt: skip
        checks["polars == compiled query, all 7 outputs, every row"] = outputs_of(tmp / "polars.csv") == compiled
        as_csv = tmp / "parquet-as.csv"
        duckdb.connect().execute(f"COPY (SELECT * FROM read_parquet('{tmp / 'duckdb.parquet'}')) TO '{as_csv}' (FORMAT csv, HEADER true)")
        checks["parquet results == csv results, all 7 outputs, every row"] = outputs_of(as_csv) == compiled
        for what, ok in checks.items():
            print(f"{'ok ' if ok else 'FAIL'} {what}")
        base = results[("handwritten", "handwritten.csv")]["seconds"]
        print(f"duckdb engine / hand-written query: {results[('duckdb', 'duckdb.csv')]['seconds'] / base:.2f}x the time")
        print(f"{platform.processor() or platform.machine()}, {platform.python_version()}, {time.strftime('%Y-%m-%d')}")


if __name__ == "__main__":
    main()
