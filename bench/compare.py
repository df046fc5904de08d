"""Side-by-side benchmark: our engine vs zen-engine vs pyDMNrules.

    python bench/compare.py            # full run (~1-2 minutes; pyDMNrules import alone ~10 s)
    python bench/compare.py --quick    # fewer cases/rounds
    python bench/compare.py --json     # ... and end with one line of JSON

Every table is generated from one spec (bench/tables.py) and rendered for
each engine: our .xlsx layout (loaded with ``engine.load``), a zen JSON
Decision Model, a pyDMNrules workbook.  The same seeded inputs go to every
engine; outputs are normalised (numbers -> Decimal, no rule applies -> one
marker) and checked against each other and against a plain-Python reference
evaluation of the spec.

Timing: ``time.perf_counter_ns`` around each single call, warm-up first, then
the median over all (case, round) samples, in microseconds:

* ours:        ``model.decide(name, case)``  -- exactly as a user calls it
* zen:         ``ZenEngine({"loader": fn}).evaluate(key, case)`` with the
               loader returning a pre-built ``ZenDecisionContent`` (the fast
               path); the quick-start ``create_decision(json).evaluate(case)``
               is measured once per table, for reference
* pyDMNrules:  ``DMN().decide(case)`` -- very slow, so timed on the first K
               cases only for the large tables (the output says so)

The benchmark engines are an optional extra (``pip install
zen-engine==2.1.3 pydmnrules==1.4.5``); a missing one is reported and skipped.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
import traceback
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# bench/ first (so `tables` is bench/tables.py, not the repo's tables/ folder), then the repo root for `engine`
for _p in (str(ROOT), str(HERE)):
    if _p in sys.path:
        sys.path.remove(_p)
    sys.path.insert(0, _p)

import tables as T  # noqa: E402  (after the sys.path set-up)

NO_MATCH = "<no rule applies>"

# (cases, rounds) per engine; pyDMNrules cases per table
FULL = {
    "cases": 1000,
    "rounds": 5,
    "pyd_cases": {"registration": 1000, "numeric_1000": 200, "numeric_10000": 40},
}
QUICK = {
    "cases": 200,
    "rounds": 3,
    "pyd_cases": {"registration": 200, "numeric_1000": 30, "numeric_10000": 5},
}
QUICKSTART_CASES = 30  # zen create_decision(...).evaluate() path


# --------------------------------------------------------------------------
# normalisation
# --------------------------------------------------------------------------


def norm_value(v):
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, (int, float, Decimal)):
        return Decimal(str(v))
    return ("?", repr(v))


def norm_outputs(spec, out):
    """out: dict of outputs, or None when no rule applies."""
    if out is None:
        return NO_MATCH
    if isinstance(out, tuple) and out and out[0] == "ERROR":
        return out
    return tuple(norm_value(out.get(n)) for n in spec.output_names)


def show(v):
    if isinstance(v, tuple):
        return "(" + ", ".join(show(x) for x in v) + ")"
    if isinstance(v, Decimal):
        return format(v, "f")
    return repr(v)


# --------------------------------------------------------------------------
# engine adapters: each gives (build, call, extract)
#   call(case) -> raw result (timed); extract(raw) -> (labels or None, outputs dict / None / ("ERROR", msg))
# --------------------------------------------------------------------------


class Ours:
    label = "ours"

    def __init__(self, specs, workdir: Path):
        import engine  # the engine under test

        self.engine = engine
        self.path = T.write_ours_xlsx(specs, workdir / "ours.xlsx")
        t0 = time.perf_counter()
        self.model = engine.load(str(self.path))
        self.load_s = time.perf_counter() - t0

    def caller(self, spec):
        decide = self.model.decide
        name = spec.name
        return lambda case: decide(name, case)

    @staticmethod
    def extract(res):
        matched = tuple(str(x) for x in (res.matched or ()))
        out = res.output
        if not matched or out is None:
            return matched, None
        return matched, dict(out)


class Zen:
    label = "zen"

    def __init__(self, specs, workdir: Path):
        import zen

        self.zen = zen
        self.json_text = {}
        self.content = {}
        t0 = time.perf_counter()
        for spec in specs:
            path = T.write_zen_json(spec, workdir / f"zen_{spec.name}.json")
            self.json_text[spec.name] = path.read_text(encoding="utf-8")
            self.content[spec.name] = zen.ZenDecisionContent(self.json_text[spec.name])
        content = self.content
        # The engine calls the loader on every evaluate(); returning the
        # pre-parsed content (not the JSON text) keeps that cheap.
        self.engine = zen.ZenEngine({"loader": lambda key: content[key]})
        self.load_s = time.perf_counter() - t0

    def caller(self, spec):
        evaluate = self.engine.evaluate
        key = spec.name
        return lambda case: evaluate(key, case)

    @staticmethod
    def extract(res):
        out = res["result"]
        return None, (out if out else None)  # first hit policy: {} when no rule matched

    def traced_labels(self, spec, case):
        res = self.engine.evaluate(spec.name, case, {"trace": True})
        node = res["trace"].get(f"table_{spec.name}") or {}
        rule = (node.get("traceData") or {}).get("rule") or {}
        return (rule["_id"],) if "_id" in rule else ()

    def quickstart_us(self, spec, cases):
        """create_decision(json).evaluate(case): once per call, and reused."""
        text = self.json_text[spec.name]
        eng = self.engine
        per_call = _time(lambda c: eng.create_decision(text).evaluate(c), cases, 1, warm=2)[0]
        decision = eng.create_decision(text)
        reused = _time(lambda c: decision.evaluate(c), cases, 1, warm=2)[0]
        return _median_us(per_call), _median_us(reused)


class PyDMN:
    label = "pydmnrules"

    def __init__(self, specs, workdir: Path):
        t0 = time.perf_counter()
        import pyDMNrules

        self.import_s = time.perf_counter() - t0
        self.dmn = {}
        t0 = time.perf_counter()
        for spec in specs:
            path = T.write_pydmnrules_xlsx(spec, workdir / f"pydmnrules_{spec.name}.xlsx")
            d = pyDMNrules.DMN()
            status = d.load(str(path))
            if "errors" in status:
                raise RuntimeError(f"pyDMNrules could not load {path}: {status['errors']}")
            self.dmn[spec.name] = d
        self.load_s = time.perf_counter() - t0

    def caller(self, spec):
        decide = self.dmn[spec.name].decide
        return lambda case: decide(case)

    @staticmethod
    def extract(res):
        status, data = res
        if isinstance(data, dict) and "Result" in data:
            return (str(data["Executed Rule"][2]),), data["Result"]
        errors = status.get("errors") or []
        if data == [] and errors and all("No rules matched" in e for e in errors):
            return (), None
        return None, ("ERROR", "; ".join(map(str, errors)) or repr(data))


# --------------------------------------------------------------------------
# timing
# --------------------------------------------------------------------------


def _time(fn, cases, rounds, warm=20, keep=False):
    """Per-call samples (ns) over rounds x cases; raw results of round 0."""
    for c in cases[:warm]:
        fn(c)
    gc.collect()
    samples, results = [], []
    clock = time.perf_counter_ns
    for r in range(rounds):
        for c in cases:
            t0 = clock()
            out = fn(c)
            t1 = clock()
            samples.append(t1 - t0)
            if keep and r == 0:
                results.append(out)
    return samples, results


def _median_us(samples):
    return statistics.median(samples) / 1000.0


def _ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="end with one line of JSON")
    ap.add_argument("--quick", action="store_true", help="fewer cases and rounds")
    ap.add_argument("--cases", type=int, help="cases per table for ours and zen")
    ap.add_argument("--rounds", type=int, help="timing rounds for ours and zen")
    ap.add_argument("--pyd-scale", type=float, default=1.0, help="multiply pyDMNrules subset sizes")
    ap.add_argument(
        "--no-pydmnrules",
        action="store_true",
        help="skip pyDMNrules (saves ~10 s import)",
    )
    ap.add_argument("--tables", nargs="*", help="subset: registration numeric_1000 numeric_10000")
    ap.add_argument("--out", type=Path, help="keep the generated workbooks/JSON in this folder")
    args = ap.parse_args(argv)

    cfg = dict(QUICK if args.quick else FULL)
    n_cases = args.cases or cfg["cases"]
    rounds = args.rounds or cfg["rounds"]

    t_start = time.perf_counter()
    built = T.build_all()
    names = args.tables or list(built)
    specs = [built[n][0] for n in names]
    cases = {n: built[n][1][:n_cases] for n in names}
    if args.out:
        workdir = args.out
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="dmn-bench-"))

    say = print
    say(f"benchmark: {', '.join(names)}; {n_cases} seeded cases per table, {rounds} rounds (ours, zen)")

    engines = {}
    errors = {}
    for cls in (Ours, Zen) + (() if args.no_pydmnrules else (PyDMN,)):
        try:
            engines[cls.label] = cls(specs, workdir)
        except Exception as e:  # noqa: BLE001  (a missing/unfinished engine is reported, not fatal)
            errors[cls.label] = f"{type(e).__name__}: {e}"
            say(f"  [{cls.label}] unavailable: {errors[cls.label]}")
            if cls is Ours and not isinstance(e, ImportError):
                traceback.print_exc()
    for label, e in engines.items():
        extra = f", import {e.import_s:.1f} s" if hasattr(e, "import_s") else ""
        say(f"  [{label}] build/load {e.load_s * 1000:.0f} ms{extra}")

    overhead = _median_us(_time(lambda c: None, cases[names[0]], rounds)[0])
    say(f"  timer + call overhead (empty lambda): {overhead:.2f} us per sample, not subtracted")

    report = {}
    all_agree = True
    bad_by_engine = {label: 0 for label in engines}
    for spec in specs:
        name = spec.name
        cs = cases[name]
        say(f"\n== {name}: {len(spec.rules)} rules, {spec.hit_policy}, inputs {spec.input_names} ==")
        ref = [T.reference_decide(spec, c) for c in cs]
        ref_norm = [norm_outputs(spec, out) for _, out in ref]
        hits = sum(1 for x in ref_norm if x != NO_MATCH)
        say(f"   {hits}/{len(cs)} cases match a rule, {len(cs) - hits} match none")

        row = {"cases": len(cs)}
        medians = {}
        mismatches = []
        for label, eng in engines.items():
            fn = eng.caller(spec)
            subset = cs
            r = rounds
            if label == "pydmnrules":
                k = max(1, int(cfg["pyd_cases"].get(name, len(cs)) * args.pyd_scale))
                subset = cs[: min(k, len(cs))]
                r = 1
            try:
                samples, raw = _time(
                    fn,
                    subset,
                    r,
                    warm=min(20, len(subset)) if label != "pydmnrules" else 2,
                    keep=True,
                )
            except Exception as e:  # noqa: BLE001  (reported; the other engines still run)
                errors[f"{label}/{name}"] = f"{type(e).__name__}: {e}"
                say(f"   [{label}] failed: {errors[f'{label}/{name}']}")
                traceback.print_exc()
                all_agree = False
                continue
            medians[label] = _median_us(samples)
            mean_us = statistics.fmean(samples) / 1000.0
            # agreement with the reference (outputs, and rule labels where the engine gives them)
            bad = 0
            for i, res in enumerate(raw):
                labels, out = eng.extract(res)
                got = norm_outputs(spec, out)
                exp_labels, _ = ref[i]
                if label == "zen" and got != NO_MATCH:
                    labels = eng.traced_labels(spec, subset[i])
                if got != ref_norm[i] or (labels is not None and tuple(labels) != tuple(exp_labels)):
                    bad += 1
                    if len(mismatches) < 8:
                        mismatches.append(
                            f"   [{label}] case {i} {subset[i]}: got {show(got)} rules {labels}, "
                            f"expected {show(ref_norm[i])} rules {exp_labels}"
                        )
            if bad:
                all_agree = False
                bad_by_engine[label] += bad
            note = "" if len(subset) == len(cs) else f"  (subset: first {len(subset)} cases, 1 round)"
            say(
                f"   {label:<11} median {medians[label]:>12,.1f} us   mean {mean_us:>12,.1f} us"
                f"   {len(samples):>5} calls   {'agree' if not bad else f'{bad} DISAGREE'}{note}"
            )
            row[f"{label}_us"] = round(medians[label], 2)
            if label == "pydmnrules":
                row["pydmnrules_cases"] = len(subset)
        for m in mismatches:
            say(m)

        ours = medians.get("ours")
        row.setdefault("ours_us", None)
        row.setdefault("zen_us", None)
        row.setdefault("pydmnrules_us", None)
        row["zen_over_ours"] = _ratio(medians.get("zen"), ours)
        row["pydmnrules_over_ours"] = _ratio(medians.get("pydmnrules"), ours)
        if ours:
            say(
                "   ratio zen/ours = "
                + (f"{row['zen_over_ours']:.3f}" if row["zen_over_ours"] is not None else "n/a")
                + ", pydmnrules/ours = "
                + (f"{row['pydmnrules_over_ours']:.1f}" if row["pydmnrules_over_ours"] is not None else "n/a")
                + "   (>1: ours is faster)"
            )
        if "zen" in engines:
            qs = cs[:QUICKSTART_CASES]
            per_call, reused = engines["zen"].quickstart_us(spec, qs)
            row["zen_create_decision_us"] = round(per_call, 2)
            row["zen_decision_reused_us"] = round(reused, 2)
            say(
                f"   zen quick-start path ({len(qs)} cases): create_decision(json).evaluate() "
                f"{per_call:,.1f} us per call; decision created once, .evaluate() {reused:,.1f} us"
            )
        report[name] = row

    say("")
    for label in engines:
        say(
            f"{label:<11} agrees with the spec on every checked case: {bad_by_engine[label] == 0 and not any(k.startswith(label + '/') for k in errors)}"
        )
    if "ours" not in engines:
        all_agree = False
        say("ours        NOT MEASURED: " + errors.get("ours", "?"))
    say(f"agree: {all_agree}")
    say(f"files: {workdir}")
    say(f"total {time.perf_counter() - t_start:.1f} s")
    if args.json:
        out = dict(report)
        out["agree"] = all_agree
        if errors:
            out["errors"] = errors
        print(json.dumps(out))
    return 0 if all_agree else 1


if __name__ == "__main__":
    sys.exit(main())
