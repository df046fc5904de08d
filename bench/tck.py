"""Run the DMN TCK (Technology Compatibility Kit) against this engine.

    python bench/tck.py [TCK_DIR] [--results FILE.csv] [--json] [--level 2|3] [--quiet]

TCK_DIR is the TCK's ``TestCases`` folder (default ``$DMN_TCK_DIR``, else
``../shared/dmn-tck/TestCases`` from the repository). For each test-case
folder, the model named by the test file's ``modelName`` is loaded once
(the folder's other ``.dmn`` files are its imports) and every case is
evaluated against it. Values are compared as the TCK's reference runners
do: numbers with a relative tolerance of 1e-13 (expected values carry about
15 digits), or to half a unit in the last digit of an expected value written
with 8 or more significant digits and a fraction (``54.59815003``); strings exactly, lists in order, structures as maps, null only
with null. A result node with ``errorResult="true"`` passes when evaluating
it raises an engine error or gives null; a model that fails to load passes
nothing. A case passes when all its result nodes do.

Writes the TCK's results format with ``--results`` (one CSV row per test
case: folder, test file, id, SUCCESS/ERROR/IGNORED, detail), prints a
summary per folder and per level, and with ``--json`` prints as its last
line ``{"level2": {"passed": P, "total": T}, "level3": {"passed": P, "total": T}}``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from engine.dmn import xml as X  # noqa: E402
from engine.feel import values as V  # noqa: E402
from engine.feel.builtins import BUILTINS  # noqa: E402

LEVELS = {"compliance-level-2": "level2", "compliance-level-3": "level3"}
TOLERANCE = Decimal("1e-13")


def default_tck_dir() -> Path:
    """``$DMN_TCK_DIR``, else ``../shared/dmn-tck/TestCases`` beside the checkout (or beside a folder above it,
    for a git worktree)."""
    configured = os.environ.get("DMN_TCK_DIR")
    if configured:
        return Path(configured)
    beside = ROOT.parent / "shared" / "dmn-tck" / "TestCases"
    for folder in ROOT.parents:
        candidate = folder / "shared" / "dmn-tck" / "TestCases"
        if candidate.is_dir():
            return candidate
    return beside


@dataclass
class CaseResult:
    folder: str
    test_file: str
    case_id: str
    status: str  # SUCCESS, ERROR or IGNORED
    detail: str = ""


@dataclass
class Tally:
    passed: int = 0
    total: int = 0
    folders: dict[str, list[int]] = field(default_factory=dict)

    def add(self, folder: str, ok: bool) -> None:
        self.total += 1
        self.passed += ok
        counts = self.folders.setdefault(folder, [0, 0])
        counts[0] += ok
        counts[1] += 1


# ------------------------------------------------------------------ values


class ValueError_(Exception):
    pass


def _typed(element: Any) -> Any:
    """A ``<value>``: xsi:type text -> a FEEL value."""
    if element.get(f"{{{X.XSI}}}nil") == "true":
        return None
    kind = (element.get(f"{{{X.XSI}}}type") or "").split(":")[-1]
    text = element.text or ""
    if kind in ("decimal", "double", "float", "integer", "int", "long", "short"):
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            return None
        if not number.is_finite():
            return None
        return int(number) if number == number.to_integral_value() and "." not in text and "E" not in text.upper() else number  # fmt: skip
    if kind == "boolean":
        return text.strip() == "true"
    builtin = {"date": "date", "dateTime": "date and time", "time": "time", "duration": "duration"}.get(kind)
    if builtin is not None:
        function = BUILTINS.get(builtin)
        if function is None:
            raise ValueError_(f"xsd:{kind} values need the FEEL built-in `{builtin}`, which this engine lacks")
        return function(text.strip())
    if kind in ("", "string", "anyURI"):
        return text
    raise ValueError_(f"xsi:type {kind!r} is not read by this runner")


def value_of(node: Any) -> Any:
    """An inputNode, an expected, a component or an item -> a FEEL value, to any depth."""
    if node.get(f"{{{X.XSI}}}nil") == "true":
        return None
    components = [c for c in node if X.local(c) == "component"]
    if components:
        return {c.get("name"): value_of(c) for c in components}
    for child in node:
        kind = X.local(child)
        if kind == "value":
            return _typed(child)
        if kind == "list":
            return [value_of(item) for item in child if X.local(item) == "item"]
    return None


# ------------------------------------------------------------------ comparing


def same(expected: Any, actual: Any) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if V.category(expected) == V.NUMBER and V.category(actual) == V.NUMBER:
        e, a = Decimal(expected), Decimal(str(actual)) if isinstance(actual, float) else Decimal(actual)
        if e == a:
            return True
        return abs(e - a) <= max(TOLERANCE * max(abs(e), abs(a)), _written_precision(e))
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(map(same, expected, actual))
    if isinstance(expected, dict):
        return isinstance(actual, dict) and expected.keys() == actual.keys() and all(same(v, actual[k]) for k, v in expected.items())  # fmt: skip
    if type(expected) is not type(actual) and not (isinstance(expected, str) and isinstance(actual, str)):
        return V.equals(expected, actual) is True
    return bool(expected == actual)


def shown(value: Any) -> str:
    try:
        return V.describe(value)
    except ArithmeticError:  # values.describe cannot quantize numbers past 28 digits (reported to feel)
        return str(value)


def _written_precision(expected: Decimal) -> Decimal:
    """Half a unit in the last digit of an expected value written with 8 or more significant digits
    and a fraction (``54.59815003`` is exp(4) to the digits the TCK wrote); 0 for short values,
    so ``5.5`` must be met exactly."""
    sign, digits, exponent = expected.as_tuple()
    significant = len(str(int("".join(map(str, digits)) or "0")))
    if not isinstance(exponent, int) or exponent >= 0 or significant < 8:
        return Decimal(0)
    return Decimal(5).scaleb(exponent - 1)


# ------------------------------------------------------------------ running


def test_files(tck: Path) -> Iterator[tuple[str, Path, Path]]:
    for level_dir in sorted(tck.iterdir()):
        if level_dir.name not in LEVELS:
            continue
        for folder in sorted(p for p in level_dir.iterdir() if p.is_dir()):
            for test_file in sorted(folder.glob("*-test-*.xml")):
                yield LEVELS[level_dir.name], folder, test_file


def run_file(folder: Path, test_file: Path, models: dict[Path, Any]) -> list[CaseResult]:
    root = X.parse_file(test_file)
    name = test_file.stem
    model_name = next(((c.text or "").strip() for c in root if X.local(c) == "modelName"), "")
    cases = [c for c in root if X.local(c) == "testCase"]
    path = folder / model_name
    if path not in models:
        models[path] = _load(path)
    model = models[path]
    if isinstance(model, str):
        return [CaseResult(folder.name, name, c.get("id", ""), "ERROR", model) for c in cases]
    return [run_case(folder.name, name, model, case) for case in cases]


@dataclass
class Loaded:
    """A model, and why each decision that cannot be trusted (it, or one it requires, has an error) fails."""

    model: Any
    broken: dict[str, str]


def _load(path: Path) -> "Loaded | str":
    """Load a model once; decisions with load errors fail their cases, the others still run."""
    from engine.api import model_of
    from engine.diagnostics import Severity

    try:
        loaded = engine.read(path, typecheck="dmn")
    except engine.EngineError as error:
        return f"the model does not load: {str(error).splitlines()[0]}"
    errors = [d for d in loaded.diagnostics if d.severity is Severity.ERROR]
    if any(d.decision is None for d in errors):
        first = next(d for d in errors if d.decision is None)
        return f"the model does not load: {first.location}: {first.message}"
    own = {}
    for d in errors:
        own.setdefault(d.decision, f"{d.location}: {d.message}")
    broken = {}
    for name, required in loaded.graph.order.items():
        for needed in (name, *required):
            if needed in own:
                broken[name] = own[needed]
                break
    for name, why in own.items():
        broken.setdefault(name, why)
    return Loaded(model_of(loaded), broken)


def run_case(folder: str, test_file: str, loaded: Loaded, case: Any) -> CaseResult:
    case_id = case.get("id", "")
    model = loaded.model
    try:
        inputs = {node.get("name"): value_of(node) for node in case if X.local(node) == "inputNode"}
    except ValueError_ as error:
        return CaseResult(folder, test_file, case_id, "ERROR", str(error))
    service = case.get("invocableName") if case.get("type") == "decisionService" else None
    problems = []
    for node in (n for n in case if X.local(n) == "resultNode"):
        name = node.get("name") or ""
        expected_node = next((c for c in node if X.local(c) == "expected"), None)
        wants_error = node.get("errorResult") == "true"
        invoked = node.get("invocableName") or service or name
        try:
            expected = value_of(expected_node) if expected_node is not None else None
        except ValueError_ as error:
            problems.append(f"{name}: {error}")
            continue
        if invoked in loaded.broken or name in loaded.broken:
            problems.append(f"{name}: does not compile: {loaded.broken.get(invoked) or loaded.broken[name]}")
            continue
        try:
            known = model.inputs_of(invoked)
            result = model.decide(invoked, {k: v for k, v in inputs.items() if k in known})
            actual = result.output.get(name) if invoked != name else result.value
        except engine.EngineError as error:
            if not wants_error:
                problems.append(f"{name}: {str(error).splitlines()[0]}")
            continue
        except Exception as error:  # an engine bug: report it, keep running
            problems.append(f"{name}: crashed: {type(error).__name__}: {error}")
            continue
        if wants_error:
            if actual is not None:
                problems.append(f"{name}: expected an error (or null), got {shown(actual)}")
        elif not same(expected, actual):
            problems.append(f"{name}: expected {shown(expected)}, got {shown(actual)}")
    if problems:
        return CaseResult(folder, test_file, case_id, "ERROR", "; ".join(problems))
    return CaseResult(folder, test_file, case_id, "SUCCESS")


def run(tck: Path, levels: set[str] | None = None) -> tuple[list[CaseResult], dict[str, Tally]]:
    results: list[CaseResult] = []
    tallies = {level: Tally() for level in LEVELS.values() if levels is None or level in levels}
    for level, folder, test_file in test_files(tck):
        if level not in tallies:
            continue
        models: dict[Path, Any] = {}
        for result in run_file(folder, test_file, models):
            results.append(result)
            tallies[level].add(folder.name, result.status == "SUCCESS")
    return results, tallies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the DMN TCK against dtable.")
    parser.add_argument("tck", nargs="?", type=Path, help="the TCK's TestCases folder")
    parser.add_argument("--results", type=Path, metavar="FILE.csv", help="write one CSV row per test case")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of counts")
    parser.add_argument("--level", choices=("2", "3"), action="append", help="run only this level (repeatable)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only the level-2 folders that fail, and the summary")
    parser.add_argument(
        "--gate", type=int, metavar="N",
        help="CI gate: exit 1 unless at least N level-2 test cases pass; an absent TCK fails when CI=true",
    )  # fmt: skip
    args = parser.parse_args(argv)
    tck = args.tck or default_tck_dir()
    if not (tck / "compliance-level-2").is_dir():
        print(
            f"tck: no DMN TCK at {tck} (looked for {tck / 'compliance-level-2'}); "
            "pass the TCK's TestCases folder as an argument or set DMN_TCK_DIR",
            file=sys.stderr,
        )
        if args.gate is not None and os.environ.get("CI") != "true":
            print("tck: the TCK gate did not run (outside CI an absent TCK is not a failure)", file=sys.stderr)
            return 0
        return 2 if args.gate is None else 1
    started = time.perf_counter()
    results, tallies = run(tck, {f"level{n}" for n in args.level} if args.level else None)
    elapsed = time.perf_counter() - started
    if args.results:
        with args.results.open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            for r in results:
                writer.writerow([r.folder, r.test_file, r.case_id, r.status, r.detail])
    for level, tally in tallies.items():
        for folder, (passed, total) in tally.folders.items():
            if not args.quiet or (passed < total and level == "level2"):
                print(f"{level} {folder}: {passed}/{total}")
    for level, tally in tallies.items():
        print(f"{level}: {tally.passed} of {tally.total} test cases pass")
    print(f"({elapsed:.1f} s)")
    if args.json:
        print(json.dumps({level: {"passed": t.passed, "total": t.total} for level, t in tallies.items()}))
    level2 = tallies.get("level2")
    if args.gate is not None and level2 is not None and level2.passed < args.gate:
        print(f"tck: FAILED: level 2 passes {level2.passed} of {level2.total}; the gate wants {args.gate}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
