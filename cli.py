"""``dtable``: the command line. Argument parsing, output formats, exit codes.

Exit codes (stable, for CI):
    0  success
    1  a decision error (no rule applies, UNIQUE/ANY violated), a failed test,
       or lint findings at or above --fail-on
    2  bad usage or bad input: unknown decision or input, wrong type,
       malformed JSON, unreadable workbook
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

OK, FAILED, BAD_INPUT = 0, 1, 2


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit 2."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return BAD_INPUT
    import engine  # late: keeps --help instant

    try:
        return args.run(args)
    except UsageError as error:
        _error(str(error))
        return BAD_INPUT
    except engine.LoadError as error:
        problems = [d for d in error.diagnostics if d.severity is engine.Severity.ERROR]
        if not problems:
            _error(str(error))
            return BAD_INPUT
        count = f"{len(problems)} error{'s' if len(problems) > 1 else ''}"
        _error(f"the tables have {count}; fix {'them' if len(problems) > 1 else 'it'} first (`dtable lint` shows every finding)")
        for diagnostic in problems:
            print(diagnostic.render(), file=sys.stderr)
        return BAD_INPUT
    except engine.InputError as error:
        _error(str(error))
        return BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return OK


def _error(message: str) -> None:
    from engine.diagnostics import printable  # one line, and no control character reaches the terminal

    print(f"dtable: error: {' '.join(printable(message).splitlines())}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dtable",
        description="Evaluate, show, test and lint Excel decision tables.",
        epilog="TABLES is a workbook (.xlsx/.xlsm) or a folder of them; default: the shipped rulebook.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")

    run = commands.add_parser("eval", help="evaluate a decision for one or more input cases")
    run.add_argument("tables", nargs="*", metavar="TABLES")
    run.add_argument("--decision", "-d", required=True, help="the decision to evaluate")
    run.add_argument(
        "--input", "-i", required=True, metavar="JSON|@FILE",
        help="one JSON object of inputs, or an array of them; @file.json reads a file, @- standard input",
    )  # fmt: skip
    run.add_argument("--explain", action="store_true", help="show which rule fired and why each other did not")
    run.add_argument("--format", choices=("json", "table"), default="json")
    _typecheck_option(run)
    run.set_defaults(run=_eval)

    show = commands.add_parser("show", help="print decision tables as text")
    show.add_argument("items", nargs="*", metavar="TABLES|DECISION")
    show.add_argument(
        "--format", default="simple_grid",
        help="a tabulate format (default: simple_grid), or textconv: one stable line per rule and test case, for git diff",
    )  # fmt: skip
    show.set_defaults(run=_show)

    test = commands.add_parser("test", help="run the test tables of the workbooks")
    test.add_argument("tables", nargs="*", metavar="TABLES")
    test.add_argument("--format", choices=("text", "json"), default="text")
    test.add_argument("--quiet", "-q", action="store_true", help="print only failures and the summary")
    _typecheck_option(test)
    test.set_defaults(run=_test)

    lint = commands.add_parser("lint", help="check tables for gaps, overlaps and other problems")
    lint.add_argument("tables", nargs="*", metavar="TABLES")
    lint.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    lint.add_argument("--fail-on", choices=("error", "warning", "info"), default="error")
    lint.add_argument("--annotate", metavar="OUT.xlsx", help="write a copy of the workbook with findings marked")
    lint.add_argument("--gaps-for-all", action="store_true", help="also look for gaps in COLLECT-style tables")
    lint.set_defaults(run=_lint)

    batch = commands.add_parser("batch", help="evaluate a file of cases into a file of results")
    batch.add_argument("tables", nargs="*", metavar="TABLES")
    batch.add_argument("--decision", "-d", required=True)
    batch.add_argument("--in", dest="source", required=True, metavar="CASES", help="cases.csv, .jsonl or .xlsx")
    batch.add_argument("--out", dest="target", required=True, metavar="RESULTS", help="results.csv, .jsonl or .xlsx")
    batch.add_argument("--no-progress", action="store_true", help="never show the progress bar")
    batch.add_argument(
        "--csv-raw", action="store_true",
        help="write CSV text as it is, without the ' that keeps spreadsheets from running =, +, -, @ … as formulas",
    )  # fmt: skip
    batch.add_argument("--engine", choices=("python", "duckdb", "spark"), default="python",
                       help="python (any file), duckdb (csv/parquet/jsonl, one machine, fast) or spark (a cluster)")
    batch.add_argument("--spark-master", metavar="URL", help="the Spark cluster for --engine spark (default: local[*])")
    batch.set_defaults(run=_batch)

    serve = commands.add_parser("serve", help="serve decisions as a JSON service with a simulator page")
    serve.add_argument("tables", nargs="*", metavar="TABLES")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--max-body", type=int, default=1_048_576, metavar="BYTES", help="largest request body (default 1 MiB)")
    serve.add_argument("--max-batch", type=int, default=1_000, metavar="CASES", help="most cases per evaluate-batch (default 1000)")
    serve.add_argument("--timeout", type=float, default=5.0, metavar="SECONDS", help="longest a request may take (default 5)")
    serve.add_argument("--no-reload", action="store_true", help="do not watch the tables for changes")
    serve.add_argument("--log-level", choices=("debug", "info", "warning", "error"), default="info")
    serve.set_defaults(run=_serve)

    convert = commands.add_parser("convert", help="convert workbooks to DMN 1.3, or DMN models to a workbook")
    convert.add_argument("source", nargs="+", metavar="IN", help="a workbook, a .dmn model, or a folder of them")
    convert.add_argument("target", metavar="OUT", help="OUT.dmn (DMN 1.3 with a diagram) or OUT.xlsx (the sheet layout)")
    convert.set_defaults(run=_convert)
    _format_parser(commands)
    _diff_parser(commands)
    _new_parser(commands)

    sql = commands.add_parser("sql", help="print the SQL query that evaluates a decision (DuckDB, Spark, PostgreSQL)")
    sql.add_argument("items", nargs="+", metavar="[TABLES] DECISION", help="workbooks or folders, then the decision")
    sql.add_argument("--dialect", choices=("duckdb", "spark", "postgres"), default="duckdb")
    sql.add_argument("--from", dest="source", default="cases", metavar="TABLE", help="the table of cases (default: cases)")
    sql.set_defaults(run=_sql)

    audit = commands.add_parser("audit", help="check registered outputs against the rulebook, row by row (DuckDB)")
    audit.add_argument("tables", nargs="*", metavar="TABLES")
    audit.add_argument("--decision", "-d", required=True)
    audit.add_argument("--in", dest="source", required=True, metavar="REGISTERED", help="registered.csv, .parquet or .jsonl: inputs and registered outputs")  # fmt: skip
    audit.add_argument("--out", dest="target", required=True, metavar="DEVIATIONS", help="deviations.csv, .parquet or .xlsx")
    audit.add_argument("--map", action="append", default=[], metavar="OUTPUT=COLUMN", help="the column holding an output's registered value (repeatable)")  # fmt: skip
    audit.set_defaults(run=_audit)
    return parser


def _typecheck_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--typecheck", choices=("strict", "dmn"), default=None,
        help="a value breaking a declared type: strict = an input error (workbooks' default), "
        "dmn = null with a warning (DMN models' default)",
    )  # fmt: skip


def _tables(paths: Sequence[str]) -> list[str]:
    if paths:
        return list(paths)
    from engine.resources import default_tables

    return [str(default_tables())]


# ------------------------------------------------------------------- eval


def _read_json_input(text: str) -> Any:
    from engine.json_input import loads_bounded, read_limited

    data: bytes | str = text
    what = "--input"
    if text.startswith("@"):
        source = text[1:]
        what = "--input @- (standard input)" if source == "-" else f"--input file {source}"
        try:
            if source == "-":
                data = read_limited(sys.stdin.buffer, what)
            else:
                with open(source, "rb") as file:
                    data = read_limited(file, what)
        except OSError as error:
            raise UsageError(f"cannot read {source}: {error.strerror}") from None
    data = loads_bounded(data, what)
    cases = data if isinstance(data, list) else [data]
    for number, case in enumerate(cases, 1):
        if not isinstance(case, dict):
            raise UsageError(f"--input case {number} is {type(case).__name__}, expected a JSON object of input values")
    return data


def _eval(args: argparse.Namespace) -> int:
    import engine
    from engine.output import failed_case_json, result_json

    data = _read_json_input(args.input)
    model = engine.load(_tables(args.tables), typecheck=args.typecheck)
    cases = data if isinstance(data, list) else [data]
    results: list[dict[str, Any]] = []
    status = OK
    for case in cases:
        try:
            result = model.decide(args.decision, case)
        except engine.DecisionError as error:
            results.append(failed_case_json(args.decision, error))
            status = FAILED
            continue
        if not result.applies and result.output is None:
            status = FAILED
        results.append(result_json(result, model, explain=args.explain))
    if args.format == "json":
        payload = results if isinstance(data, list) else results[0]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_eval_tables(results)
    return status


def _print_eval_tables(results: list[dict[str, Any]]) -> None:
    from tabulate import tabulate

    from engine.feel.values import describe

    for number, entry in enumerate(results, 1):
        if len(results) > 1:
            print(f"case {number}")
        output = entry.get("output")
        if "error" in entry:
            print(f"error: {entry['message']}")
        elif output is None:
            print(entry.get("message", "no rule applies"))
        elif isinstance(output, dict):
            print(tabulate([(k, describe(v)) for k, v in output.items()], headers=("output", "value"), tablefmt="simple"))
        else:
            rows = [{k: describe(v) for k, v in row.items()} for row in output]
            print(tabulate(rows, headers="keys", tablefmt="simple"))
        if entry.get("matched"):
            print(f"matched: {', '.join(entry['matched'])}")
        for table in entry.get("explanation", []):
            print(f"\n{table['decision']} ({table['hit_policy']}):")
            for rule in table["rules"]:
                mark = "✔" if rule["selected"] else ("·" if rule["matched"] else "✘")
                print(f"  {mark} {rule['rule']}: {rule['reason']}")
        for warning in entry.get("warnings", []):
            print(f"warning: {warning}")
        if len(results) > 1:
            print()


# ------------------------------------------------------------------- show


def _show(args: argparse.Namespace) -> int:
    import engine
    from engine.show import render_table

    paths = [item for item in args.items if Path(item).exists()]
    names = [item for item in args.items if not Path(item).exists()]
    if len(names) > 1:
        raise UsageError(f"no such file or folder: {names[0]}")
    loaded = engine.read(_tables(paths))
    tables = [t for t in loaded.tables if not names or t.name == names[0]]
    if args.format == "textconv":
        return _show_textconv(loaded, names[0] if names else None, found=bool(tables))
    if names and not tables:
        known = ", ".join(t.name for t in loaded.tables)
        raise UsageError(f"no decision named `{names[0]}`; decisions: {known}")
    print("\n\n".join(render_table(t.table, args.format) for t in tables))
    return OK


def _show_textconv(loaded: Any, decision: str | None, found: bool) -> int:
    from engine.textconv import render_textconv

    if decision is not None and not found and not any(t.decision == decision for t in loaded.tests):
        raise UsageError(f"no decision named `{decision}`; decisions: {', '.join(t.name for t in loaded.tables)}")
    sys.stdout.write(render_textconv(loaded, decision))
    return OK


# ------------------------------------------------------------------- test


def _test(args: argparse.Namespace) -> int:
    import engine
    from engine.feel.values import describe, to_json
    from engine.testing import run_tests

    model = engine.load(_tables(args.tables), typecheck=args.typecheck)
    outcomes = run_tests(model)
    if not outcomes:
        raise UsageError("the workbooks hold no test table (a table titled `Test: DECISION`)")
    failed = [o for o in outcomes if not o.passed]
    if args.format == "json":
        print(json.dumps(to_json([
            {
                "decision": o.decision, "case": o.case.label, "location": str(o.case.location),
                "passed": o.passed, "error": o.error, "matched": list(o.matched),
                "mismatches": [
                    {"output": m.output, "expected": m.expected, "actual": m.actual, "location": str(m.location)}
                    for m in o.mismatches
                ],
            }
            for o in outcomes
        ]), ensure_ascii=False, indent=2))  # fmt: skip
    else:
        for outcome in outcomes:
            if outcome.passed and args.quiet:
                continue
            mark = "PASS" if outcome.passed else "FAIL"
            rules = f" [{', '.join(outcome.matched)}]" if outcome.matched else (" [no rule]" if outcome.passed else "")
            print(f"{mark} {outcome.decision} {outcome.case.label}{rules}  {outcome.case.description}")
            if outcome.error:
                print(f"     {outcome.case.location}: {outcome.error}")
            for m in outcome.mismatches:
                print(f"     {m.location} {m.output}: expected {describe(m.expected)}, got {describe(m.actual)}")
        print(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    return FAILED if failed else OK


# ------------------------------------------------------------------- lint


def _lint(args: argparse.Namespace) -> int:
    from engine.diagnostics import Severity
    from engine.lint import lint
    from engine.report import render_json, render_sarif, render_text

    loaded, findings = lint(_tables(args.tables), check_gaps=True if args.gaps_for_all else None)
    render = {"text": render_text, "json": render_json, "sarif": render_sarif}[args.format]
    print(render(findings))
    if args.annotate:
        _annotate(loaded.sources, Path(args.annotate), findings, _tables(args.tables))
    threshold = Severity[args.fail_on.upper()]
    return FAILED if any(d.severity >= threshold for d in findings) else OK


def _annotate(sources: Sequence[Path], target: Path, findings: list[Any], tables: Sequence[str] = ()) -> None:
    from engine.annotate import annotate_copy

    if len(sources) != 1:
        raise UsageError(f"--annotate needs exactly one workbook, but {len(sources)} were read; name one workbook")
    try:
        copy = annotate_copy(sources[0], target, findings, folders=[Path(t) for t in tables])
    except ValueError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror}") from None
    print(f"annotated copy with {copy.findings} findings written to {target}", file=sys.stderr)
    if copy.lacks:
        print(f"note: {copy.lacks_line()}", file=sys.stderr)


# ------------------------------------------------------------------- batch


def _batch(args: argparse.Namespace) -> int:
    from engine.batch import BatchError, run_batch

    try:
        summary = run_batch(
            _tables(args.tables), args.decision, Path(args.source), Path(args.target),
            progress=not args.no_progress and sys.stderr.isatty(), csv_raw=args.csv_raw,
            engine=args.engine, spark_master=args.spark_master,
        )  # fmt: skip
    except BatchError as error:
        raise UsageError(str(error)) from None
    print(summary.line(), file=sys.stderr)
    return FAILED if summary.errors else OK


# ------------------------------------------------------------------- convert


def _convert(args: argparse.Namespace) -> int:
    from engine.convert import convert
    from engine.sheet_writer import ConversionError

    try:
        summary = convert(args.source, Path(args.target))
    except ConversionError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot write {args.target}: {error.strerror}") from None
    print(summary, file=sys.stderr)
    return OK


# ------------------------------------------------------------------- format


def _format_parser(commands: Any) -> None:
    fmt = commands.add_parser(
        "format", help="add dropdowns from the Allowed values to every table (in place, with a backup)",
        description="Add or refresh dropdowns (data validation) on every input entry, output entry and "
        "test-table cell from its column's Allowed values. Rewrites the workbook in place, keeping a "
        "timestamped backup beside it, or writes a copy with --out.",
    )  # fmt: skip
    fmt.add_argument("tables", nargs="+", metavar="WORKBOOK")
    fmt.add_argument("--out", metavar="COPY.xlsx", help="write a copy instead of rewriting the workbook")
    fmt.set_defaults(run=_format)


def _format(args: argparse.Namespace) -> int:
    from engine.dropdowns import format_workbook
    from engine.safe_write import UnsafeWrite
    from engine.workbook import WorkbookError, find_workbooks

    try:
        books = [book for path in args.tables for book in find_workbooks(Path(path))]
    except WorkbookError as error:
        raise UsageError(str(error)) from None
    if args.out and len(books) != 1:
        raise UsageError(f"--out needs exactly one workbook, but {len(books)} were named")
    for book in books:
        try:
            report = format_workbook(book, Path(args.out) if args.out else None)
        except (UnsafeWrite, WorkbookError) as error:
            raise UsageError(str(error)) from None
        except OSError as error:
            raise UsageError(f"cannot write {args.out or book}: {error.strerror}") from None
        print(report.line(), file=sys.stderr)
        if report.lacks:
            print(f"note: the copy lacks {'; '.join(report.lacks)}", file=sys.stderr)
        for note in report.skipped:
            print(f"  no dropdowns: {note}", file=sys.stderr)
    return OK


# ------------------------------------------------------------------- diff


def _diff_parser(commands: Any) -> None:
    diff = commands.add_parser(
        "diff", help="what changed between two versions of the tables, and where the answer changes",
        description="Compare two versions of workbooks (files or folders): decisions, hit policies, columns, "
        "allowed values, rules cell by cell and test cases, then the input regions where a decision's answer "
        "changes. Exit 0: the same, 1: different, 2: trouble. As a git difftool: "
        "git difftool -x 'dtable diff'; as git's external diff: git -c diff.xlsx.command='dtable diff' diff.",
    )  # fmt: skip
    diff.add_argument("paths", nargs="*", metavar="OLD NEW", help="two workbooks or folders; with --git: PATH…")
    diff.add_argument("--git", metavar="REV", help="compare the working tree with git revision REV (default PATH: every changed workbook)")  # fmt: skip
    diff.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    diff.add_argument("--no-behaviour", action="store_true", help="leave out where the answer changes")
    diff.set_defaults(run=_diff)


def _diff(args: argparse.Namespace) -> int:
    from engine.diff import diff, version_of
    from engine.diff.git import GitError, changed_workbooks, versions
    from engine.diff.render import render

    behaviour = not args.no_behaviour
    external = False
    found = []
    if args.git:
        try:
            for path in changed_workbooks(args.git, args.paths):
                with versions(args.git, path) as (old, new):
                    found.append(diff(old, new, behaviour=behaviour))
        except GitError as error:
            raise UsageError(str(error)) from None
    elif len(args.paths) == 7:  # git's external diff: path old-file old-hex old-mode new-file new-hex new-mode
        name, old_file, new_file = args.paths[0], args.paths[1], args.paths[4]
        found.append(diff(version_of(old_file, f"a/{name}"), version_of(new_file, f"b/{name}"), behaviour=behaviour))
        external = True  # git stops at an external diff that exits non-zero
    elif len(args.paths) == 2:
        old_path, new_path = args.paths
        found.append(diff(version_of(old_path), version_of(new_path), behaviour=behaviour))
    else:
        raise UsageError(f"diff compares OLD and NEW (two workbooks or folders), or --git REV [PATH…]; got {len(args.paths)} paths")
    text = render(found if args.git else found[0], args.format) if found or args.format != "text" else ""
    if text:
        print(text)
    return OK if external or all(f.same for f in found) else FAILED


# ------------------------------------------------------------------- new


def _new_parser(commands: Any) -> None:
    new = commands.add_parser(
        "new", help="write a starter workbook: a decision table, its tests, a read-me, dropdowns",
        description="Write a starter workbook in the documented layout. Without --decision, a small worked "
        "example. Never overwrites a file.",
        epilog='example: dtable new routing.xlsx --decision routing --input yrkesroll:string=sjuksköterska,läkare '
        "--input ersätter_besök:boolean --output avslutar:string=jag,mottagaren",
    )  # fmt: skip
    new.add_argument("path", metavar="PATH.xlsx")
    new.add_argument("--decision", "-d", metavar="NAME", help="the decision's name")
    new.add_argument("--input", "-i", action="append", default=[], metavar="NAME[:TYPE][=A,B,…]", help="an input column (repeat); TYPE: string, number, boolean, date")  # fmt: skip
    new.add_argument("--output", "-o", action="append", default=[], metavar="NAME[:TYPE][=A,B,…]", help="an output column (repeat)")  # fmt: skip
    new.add_argument("--hit-policy", default="U", metavar="POLICY", help="U (default), A, P, F, R, O, C, C+, C<, C>, C#")
    new.set_defaults(run=_new)


def _new(args: argparse.Namespace) -> int:
    from engine.layout import HIT_POLICIES, VALID_POLICIES
    from engine.starter import EXAMPLE, Starter, StarterError, parse_column, write_starter

    try:
        if args.decision is None and not args.input and not args.output:
            starter = EXAMPLE
        elif args.decision is None or not args.output:
            raise UsageError("name the decision (--decision NAME) and at least one --output, or give neither for an example")  # fmt: skip
        else:
            if args.hit_policy.upper() not in HIT_POLICIES:
                raise UsageError(f"`{args.hit_policy}` is not a hit policy; use one of {VALID_POLICIES}")
            inputs = tuple(parse_column(spec, "input") for spec in args.input)
            outputs = tuple(parse_column(spec, "output") for spec in args.output)
            names = [c.name for c in (*inputs, *outputs)]
            twice = next((n for n in names if names.count(n) > 1), None)
            if twice:
                raise UsageError(f"the column `{twice}` is named twice")
            parse_column(args.decision, "decision")
            starter = Starter(args.decision, inputs, outputs, args.hit_policy.upper())
        path = write_starter(Path(args.path), starter)
    except StarterError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot write {args.path}: {error.strerror}") from None
    print(f"{path}: decision {starter.decision} with its tests; next: dtable lint {path} && dtable test {path}", file=sys.stderr)  # fmt: skip
    return OK


# ------------------------------------------------------------------- serve


def _serve(args: argparse.Namespace) -> int:
    from engine.server import AddressInUse, Limits, serve

    for name in ("max_body", "max_batch", "timeout", "port"):
        if getattr(args, name) <= 0 and not (name == "port" and args.port == 0):
            raise UsageError(f"--{name.replace('_', '-')} must be more than 0, not {getattr(args, name)}")
    limits = Limits(max_body_bytes=args.max_body, max_batch=args.max_batch, timeout_seconds=args.timeout)
    try:
        serve(_tables(args.tables), host=args.host, port=args.port, limits=limits, watch=not args.no_reload, log_level=args.log_level)  # fmt: skip
    except AddressInUse as error:
        raise UsageError(str(error)) from None
    return OK


# ------------------------------------------------------------------- sql


def _sql(args: argparse.Namespace) -> int:
    import engine
    from engine.sql import SqlCompileError, decision_query, source_table

    *paths, decision = args.items
    model = engine.load(_tables(paths))
    try:
        query = decision_query(model, decision, source_table(args.source))
    except SqlCompileError as error:
        raise UsageError(f"decision `{decision}` cannot run as SQL: {error}") from None
    print(query.sql(args.dialect, pretty=True) + ";")
    return OK


# ------------------------------------------------------------------- audit


def _audit(args: argparse.Namespace) -> int:
    import engine
    from engine.audit import audit, parse_mapping
    from engine.batch import BatchError

    model = engine.load(_tables(args.tables))
    try:
        mapping = parse_mapping(args.map, model.tables[model.evaluation_plan(args.decision).decision].output_names)
        report = audit(model, args.decision, Path(args.source), Path(args.target), mapping)
    except BatchError as error:
        raise UsageError(str(error)) from None
    print(report.tables())
    print(report.line(), file=sys.stderr)
    return FAILED if report.deviating_cases else OK


if __name__ == "__main__":
    sys.exit(main())
