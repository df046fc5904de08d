"""Batch evaluation: a file of cases in, a file of results out (``dtable batch``).

One output row per input row, in order: the row's inputs (typed), then
each output of the decision, then ``matched`` (rule labels) and ``error``. A
row that cannot be decided (a malformed line, an invalid input, conflicting
rules, no rule applying) gets its message in ``error`` and empty outputs; the
batch goes on. Mistakes about the whole file (unsupported format, unknown
column, writing over the input) raise :class:`BatchError` before any row.

CSV and JSONL are streamed both ways, so memory does not grow with the number
of rows. Results go to a temporary file next to the target, renamed over it
only at the end: a crash never leaves half a results file in its place.

>>> summary = run_batch(["tables"], "registrering", Path("cases.csv"), Path("results.csv"))  # doctest: +SKIP
>>> summary.line()                                                                    # doctest: +SKIP
'1,000 rows -> results.csv: 990 ok, 6 no rule applies, 4 failed (0.1 s, 20,512 rows/s)'
"""

from __future__ import annotations

import csv
import datetime as _dt
import itertools
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from engine.api import Model, load
from engine.errors import DecisionError, EngineError
from engine.feel import values as V
from engine.files import OutputError, check_output, replacing, same_file
from engine.inputs import InputSpec
from engine.json_input import JsonInputError, loads_bounded
from engine.messages import close_match, shorten

SUPPORTED_SUFFIXES = (".csv", ".jsonl", ".xlsx")
#: Longest line of a CSV or JSONL cases file, in characters; a longer line
#: is that row's error (csv's own field limit, 131,072, applies inside it).
MAX_LINE_LENGTH = 2**20
#: Rows an .xlsx sheet holds (the header included).
XLSX_MAX_ROWS = 1_048_576

#: (line or row number, the values echoed under the input columns, the inputs to decide or None, a problem or None)
CaseRow = tuple[int, Sequence[Any], Mapping[str, Any] | None, str | None]
Write = Callable[[Sequence[Any], Sequence[str], str | None], None]


class BatchError(EngineError):
    """The batch cannot start (or go on) at all: bad paths, formats or columns."""


@dataclass(frozen=True)
class Summary:
    """What a batch did. ``errors`` counts the rows with a message in ``error``."""

    target: Path
    rows: int
    ok: int
    no_rule: int  # no rule applied and there was no default output
    failed: int  # malformed row, invalid input or conflicting rules
    elapsed: float  # seconds, reading and writing included (loading the model not)

    @property
    def errors(self) -> int:
        return self.no_rule + self.failed

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.elapsed if self.elapsed > 0 else 0.0

    def line(self) -> str:
        return (
            f"{self.rows:,} rows -> {self.target}: {self.ok:,} ok, {self.no_rule:,} no rule applies, "
            f"{self.failed:,} failed ({self.elapsed:.1f} s, {self.rows_per_second:,.0f} rows/s)"
        )


#: What each engine reads and writes (``dtable batch --engine``).
ENGINE_SUFFIXES = {"python": SUPPORTED_SUFFIXES, "duckdb": (".csv", ".parquet", ".jsonl"), "spark": (".csv", ".parquet", ".jsonl")}


def run_batch(
    tables: Iterable[str | os.PathLike], decision: str, source: Path, target: Path, progress: bool = False,
    *, csv_raw: bool = False, engine: str = "python", spark_master: str | None = None,
) -> Summary:
    """Load the workbooks ``tables`` and evaluate ``decision`` for every case in ``source``.

    ``target`` is never one of the files read (``source``, the workbooks)
    nor a workbook inside a folder of ``tables``. ``engine`` is ``python``
    (this module), ``duckdb`` or ``spark`` (the decision compiled to SQL,
    :mod:`engine.sql`); every engine guards CSV text against formulas unless ``csv_raw``).

    Raises :class:`BatchError` for bad paths, formats and columns, and for a
    decision SQL cannot run, :class:`~engine.errors.LoadError` for a broken
    rulebook and :class:`~engine.errors.UnknownDecisionError` for an unknown decision.
    """
    if engine not in ENGINE_SUFFIXES:
        raise BatchError(f"no engine `{engine}`; engines: {', '.join(ENGINE_SUFFIXES)}")
    tables = list(tables)
    _check_paths(Path(source), Path(target), ENGINE_SUFFIXES[engine], engine)
    try:
        check_output(Path(target), (), [Path(t) for t in tables], role="results file")
    except OutputError as error:
        raise BatchError(str(error)) from None
    model = load(tables)
    if engine == "duckdb":
        from engine.sql.duckdb_engine import run_duckdb

        return run_duckdb(model, decision, Path(source), Path(target), progress=progress, csv_raw=csv_raw)
    if engine == "spark":
        from engine.sql.spark_engine import run_spark

        return run_spark(model, decision, Path(source), Path(target), master=spark_master, progress=progress, csv_raw=csv_raw)
    return evaluate_file(model, decision, source, target, progress=progress, csv_raw=csv_raw)


def evaluate_file(model: Model, decision: str, source: Path, target: Path, *, progress: bool = False, csv_raw: bool = False) -> Summary:  # fmt: skip
    """Evaluate ``decision`` of a loaded model for every case in ``source`` into ``target``.

    The formats follow the suffixes: ``.csv``, ``.jsonl`` or ``.xlsx``.
    ``progress`` shows a tqdm bar on standard error. Text cells of CSV
    results that a spreadsheet would run as a formula are prefixed with
    ``'`` unless ``csv_raw`` (see :func:`csv_safe`).
    """
    source, target = Path(source), Path(target)
    _check_paths(source, target)
    try:
        check_output(target, (source, *model.sources), role="results file")
    except OutputError as error:
        raise BatchError(str(error)) from None
    known = model.inputs_of(decision)
    inputs = tuple(n for n in model.inputs if n in known) + tuple(sorted(known.difference(model.inputs)))
    outputs = model.tables[decision].output_names
    blanks = [None] * len(outputs)
    decide = model.decide
    ok = no_rule = failed = 0
    start = time.perf_counter()
    with ExitStack() as stack:
        cases = _open_source(source, stack, decision, inputs, model.inputs)
        header = (*cases.columns, *outputs, "matched", "error")
        write = stack.enter_context(_open_target(stack.enter_context(replacing(target)), target, header, cases, csv_raw))
        from tqdm import tqdm  # imported late: keeps `import engine` light

        rows = tqdm(cases.rows, disable=not progress, unit="rows", unit_scale=True, file=sys.stderr, desc=decision)
        for _number, echo, case, problem in rows:
            matched: Sequence[str] = ()
            if problem is None:
                try:
                    result = decide(decision, case)
                except DecisionError as error:
                    problem = str(error)
                    matched = error.rules if error.decision == decision else ()
                except EngineError as error:
                    problem = str(error)
                except Exception as error:  # one row's surprise must not lose the other rows
                    problem = f"unexpected {type(error).__name__}: {error}"
            if problem is not None:
                failed += 1
                write([*echo, *blanks], matched, problem)
                continue
            output = result.output
            if output is None:
                no_rule += 1
                write([*echo, *blanks], (), result.message)
                continue
            ok += 1
            if isinstance(output, dict):
                write([*echo, *(output.get(n) for n in outputs)], result.matched, None)
            else:  # multi-hit: per output, the list of the selected rules' values
                write([*echo, *([o.get(n) for o in output] for n in outputs)], result.matched, None)
    elapsed = time.perf_counter() - start
    return Summary(target, ok + no_rule + failed, ok, no_rule, failed, elapsed)


# ------------------------------------------------------------------ paths


def _check_paths(source: Path, target: Path, suffixes: Sequence[str] = SUPPORTED_SUFFIXES, engine: str = "python") -> None:  # fmt: skip
    for path, role in ((source, "cases file"), (target, "results file")):
        if path.suffix.lower() not in suffixes:
            where = "" if engine == "python" else f" by --engine {engine}"
            raise BatchError(
                f"{role} {path}: '{path.suffix or path.name}' files are not supported{where}; use {', '.join(suffixes)}"
            )
    if not source.is_file():
        raise BatchError(f"cases file {source}: no such file")
    if same_file(source, target):
        raise BatchError(f"results file {target} is the cases file; write the results to another file")
    if not target.parent.is_dir():
        raise BatchError(f"results file {target}: the folder {target.parent} does not exist")
    if target.is_dir():
        raise BatchError(f"results file {target} is a folder; name a file")


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class _Source:
    columns: tuple[str, ...]  # echoed before the outputs
    rows: Iterator[CaseRow]
    delimiter: str = ","


def _open_source(path: Path, stack: ExitStack, decision: str, inputs: tuple[str, ...], specs: Mapping[str, InputSpec]) -> _Source:  # fmt: skip
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return _read_jsonl(path, stack, decision, inputs)
    if suffix == ".csv":
        header, rows, delimiter = _read_csv(path, stack)
        unit = "line"
    else:
        header, rows = _read_xlsx(path)
        unit, delimiter = "row", ","
    columns, positions = _check_header(path, header, decision, inputs)
    converters = [_converter(specs.get(name)) for name in columns]
    return _Source(columns, _typed_rows(rows, len(header), columns, positions, converters, unit), delimiter)


def _check_header(path: Path, header: Sequence[Any], decision: str, inputs: tuple[str, ...]) -> tuple[tuple[str, ...], list[int]]:  # fmt: skip
    """The named columns and where they are; blank headings are skipped."""
    columns: list[str] = []
    positions: list[int] = []
    for position, cell in enumerate(header):
        name = _heading(cell)
        if not name:
            continue
        if name not in inputs:
            raise BatchError(f"{path}: {_unknown(name, decision, inputs)}")
        if name in columns:
            raise BatchError(f"{path}: the column `{name}` appears twice")
        columns.append(name)
        positions.append(position)
    if not columns:
        raise BatchError(f"{path}: the first row must name the inputs ({', '.join(inputs)})")
    return tuple(columns), positions


def _heading(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _unknown(name: str, decision: str, inputs: Sequence[str]) -> str:
    close = close_match(name, inputs)
    suggestion = f" (did you mean `{close}`?)" if close else ""
    return f"`{shorten(name)}` is not an input of decision `{decision}`{suggestion}; its inputs: {', '.join(inputs)}"


def _typed_rows(rows: Iterator[tuple[int, Sequence[Any] | str]], width: int, columns: tuple[str, ...], positions: list[int], converters: list[Callable[[Any], Any]], unit: str) -> Iterator[CaseRow]:  # fmt: skip
    """Cells -> inputs; an empty cell is an absent input, a blank row no case at all.

    The echoed values are the inputs as typed (``TRUE`` -> ``true``), so the
    results show what the engine was given. A row that is a problem (an
    unreadable line) is passed on as that row's error.
    """
    named = list(zip(columns, positions, converters))
    blanks = [None] * len(columns)
    for number, cells in rows:
        if isinstance(cells, str):
            yield number, blanks, None, cells
            continue
        if len(cells) != width:
            if len(cells) < width:
                cells = [*cells, *([""] * (width - len(cells)))]
            elif any(v != "" for v in cells[width:]):
                problem = f"{unit} {number} has {len(cells)} values, but the first row names {width} columns"
                yield number, [cells[p] for p in positions], None, problem
                continue
        if not any(v != "" and v is not None for v in cells):
            continue
        case = {name: convert(cells[p]) for name, p, convert in named if cells[p] != "" and cells[p] is not None}
        yield number, [case.get(name) for name in columns], case, None


class _BadLine(Exception):
    """One line of a cases file that cannot be read; that row's error, the batch goes on."""

    def __init__(self, number: int, problem: str) -> None:
        self.number = number
        self.problem = problem


class _Lines:
    """The lines of a text file, each at most ``limit`` characters, decoded one by one.

    A longer line, or one that is not UTF-8, raises :class:`_BadLine` and the
    iteration goes on with the next line: a 10 MB line costs a bounded read
    and one row's error. Decoding is strict per line (bytes that are not
    UTF-8 arrive as lone surrogates), so the error names the right line.
    """

    def __init__(self, path: Path, stack: ExitStack, limit: int) -> None:
        self.file = stack.enter_context(open(path, encoding="utf-8-sig", errors="surrogateescape", newline=""))  # noqa: SIM115
        self.limit = limit
        self.number = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.file.readline(self.limit + 1)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line) > self.limit:
            length = len(line)
            while line and not line.endswith(("\n", "\r")):  # skip the rest, never holding it whole
                line = self.file.readline(2**16)
                length += len(line)
            raise _BadLine(self.number, f"line {self.number} is {length:,} characters long; at most {self.limit:,} are read")
        if not line.isascii():
            try:
                line.encode("utf-8")
            except UnicodeEncodeError as error:
                raise _BadLine(
                    self.number, f"line {self.number} is not UTF-8 text (at column {error.start + 1}); save the file as UTF-8"
                ) from None
        return line


def _read_csv(path: Path, stack: ExitStack) -> tuple[list[str], Iterator[tuple[int, list[str] | str]], str]:
    """CSV as UTF-8 text (a BOM is skipped); comma, semicolon or tab separated, as the header shows.

    A row is its fields, or the problem that makes the line unreadable.
    """
    lines = _Lines(path, stack, MAX_LINE_LENGTH)
    try:
        first = next(lines, "")
    except _BadLine as bad:
        raise BatchError(f"{path}: {bad.problem}; the first line must name the inputs") from None
    counts = {d: first.count(d) for d in ",;\t"}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    header = next(csv.reader([first], delimiter=delimiter), None)
    if header is None:
        raise BatchError(f"{path}: the file is empty; the first line must name the inputs")
    reader = csv.reader(lines, delimiter=delimiter)

    def rows() -> Iterator[tuple[int, list[str] | str]]:
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except _BadLine as bad:
                yield bad.number, bad.problem
                continue
            except csv.Error as error:  # e.g. a field past csv's size limit
                yield lines.number, f"line {lines.number}: {error}"
                continue
            yield lines.number, fields

    return header, rows(), delimiter


def _read_xlsx(path: Path) -> tuple[list[Any], Iterator[tuple[int, list[Any] | str]]]:
    """The first sheet of a workbook; its first row names the inputs.

    Memory: calamine reads the whole first sheet into a Rust-side grid of
    cells when the sheet is opened (about 55 bytes a cell with short text:
    51 MiB for 200,000 rows x 5 columns, see bench/RESULTS.md), and
    ``iter_rows`` builds Python values one row at a time. So memory grows with the sheet, within the limits that
    :mod:`engine.workbook` puts on any workbook (50 MiB file, 400 MiB
    unpacked). For unbounded inputs use CSV or JSONL.
    """
    from engine.workbook import WorkbookError, first_sheet_rows

    try:
        first, rows = first_sheet_rows(path)
    except WorkbookError as error:
        raise BatchError(str(error)) from None
    numbered = enumerate(rows, first)
    header = next(numbered, None)
    if header is None:
        raise BatchError(f"{path}: the first sheet is empty; its first row must name the inputs")
    return header[1], numbered


def _read_jsonl(path: Path, stack: ExitStack, decision: str, inputs: tuple[str, ...]) -> _Source:
    """One JSON object a line (:func:`engine.json_input.loads_bounded`). The columns echoed are the decision's inputs.

    The first object's names are checked up front (a misspelt name is
    usually misspelt on every line); a later line's unknown name is that
    row's error.
    """
    lines = _Lines(path, stack, MAX_LINE_LENGTH)
    blanks = [None] * len(inputs)

    def parsed() -> Iterator[CaseRow]:
        while True:
            try:
                line = next(lines)
            except StopIteration:
                return
            except _BadLine as bad:
                yield bad.number, blanks, None, bad.problem
                continue
            number = lines.number
            if not line.strip():
                continue
            try:
                case = loads_bounded(line, f"line {number}")
            except JsonInputError as error:
                problem = f"line {number}: {error.problem}"
                yield number, blanks, None, problem
                continue
            if not isinstance(case, dict):
                problem = f"line {number}: expected a JSON object of input values, got {_json_kind(case)}"
                yield number, blanks, None, problem
                continue
            yield number, [case.get(n) for n in inputs], case, None

    rows = parsed()
    first = next(rows, None)
    if first is None:
        return _Source(inputs, iter(()))
    if first[2] is not None:
        for name in first[2]:
            if name not in inputs:
                raise BatchError(f"{path}: line {first[0]}: {_unknown(str(name), decision, inputs)}")
    return _Source(inputs, itertools.chain([first], rows))


def _json_kind(value: Any) -> str:
    return {list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")


# ------------------------------------------------------------------ typing cells

_TRUE = frozenset({"true", "sant"})  # Swedish Excel writes SANT / FALSKT
_FALSE = frozenset({"false", "falskt"})


def _converter(spec: InputSpec | None) -> Callable[[Any], Any]:
    """Cell -> input value, by the input's declared type (else the type of its allowed values).

    Text that does not fit the type is passed on as text, so the row's
    error says what was expected.
    """
    kind = spec.type if spec is not None else None
    if kind is None and spec is not None and spec.allowed:
        kinds = {V.category(a) for a in spec.allowed if a is not None}
        kind = kinds.pop() if len(kinds) == 1 else None
    if kind is None:
        return _exact
    return {V.BOOLEAN: _to_boolean, V.NUMBER: _to_number, V.STRING: _to_string, V.DATE: _to_date}.get(kind, _exact)


def _exact(value: Any) -> Any:
    if value.__class__ is float:
        return int(value) if value.is_integer() else V.to_feel(value)
    return value


def _to_boolean(value: Any) -> Any:
    if value.__class__ is str:
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    return _exact(value)


def _to_number(value: Any) -> Any:
    if value.__class__ is str:
        text = value.strip()
        number: Decimal | None
        try:
            number = Decimal(text)
        except InvalidOperation:
            try:  # decimal comma, as Swedish Excel writes it
                number = Decimal(text.replace(",", ".", 1)) if text.count(",") == 1 and "." not in text else None
            except InvalidOperation:
                number = None
        return number if number is not None and number.is_finite() else value
    return _exact(value)


def _to_string(value: Any) -> Any:
    if value.__class__ in (float, int):  # Excel turns typed digits into numbers
        return V.format_number(V.to_feel(value))
    return value


def _to_date(value: Any) -> Any:
    if isinstance(value, _dt.datetime) and value.time() == _dt.time():
        return value.date()
    return _exact(value)


# ------------------------------------------------------------------ writing


@contextmanager
def _open_target(temporary: Path, target: Path, header: tuple[str, ...], source: _Source, csv_raw: bool) -> Iterator[Write]:  # fmt: skip
    suffix = target.suffix.lower()
    if suffix == ".csv":
        with _write_csv(temporary, header, source.delimiter, csv_raw) as write:
            yield write
    elif suffix == ".jsonl":
        with _write_jsonl(temporary, header) as write:
            yield write
    else:
        with _write_xlsx(temporary, target, header) as write:
            yield write


#: What makes Excel, LibreOffice and Google Sheets read a cell as a formula
#: (OWASP "CSV Injection"; NUL from the ASVS list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")


def csv_safe(text: str) -> str:
    """Text a spreadsheet shows as text: OWASP's ``'`` before a leading formula trigger.

    >>> csv_safe("=1+1")
    "'=1+1"
    >>> csv_safe("läkare")
    'läkare'
    """
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


@contextmanager
def _write_csv(path: Path, header: tuple[str, ...], delimiter: str, raw: bool) -> Iterator[Write]:
    """UTF-8 without BOM, the input's delimiter; multi-hit outputs as JSON lists.

    Text cells (not numbers) that start like a formula get OWASP's ``'``
    unless ``raw``: results are opened in spreadsheets, and echoed inputs
    and rule labels come from whoever wrote the cases and the workbook.
    """
    safe = (lambda text: text) if raw else csv_safe
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=delimiter, lineterminator="\n")
        writer.writerow([safe(name) for name in header])
        writerow = writer.writerow

        def write(values: Sequence[Any], matched: Sequence[str], error: str | None) -> None:
            row = [safe(v) if v.__class__ is str else _text(v) for v in values]
            row.append(safe(", ".join(matched)))
            row.append(safe(error) if error else "")
            writerow(row)

        yield write


@contextmanager
def _write_jsonl(path: Path, header: tuple[str, ...]) -> Iterator[Write]:
    """One object a line: JSON values, ``matched`` a list, ``error`` null when fine."""
    with open(path, "w", encoding="utf-8") as file:
        names = header[:-2]
        encode = json.JSONEncoder(ensure_ascii=False, default=_json_default).encode

        def write(values: Sequence[Any], matched: Sequence[str], error: str | None) -> None:
            entry = dict(zip(names, values))
            entry["matched"] = list(matched)
            entry["error"] = error
            file.write(encode(entry) + "\n")

        yield write


@contextmanager
def _write_xlsx(path: Path, target: Path, header: tuple[str, ...]) -> Iterator[Write]:
    """openpyxl's write-only workbook streams rows to a temporary file; saved at the end.

    Every string is written as a text cell, never as a formula: openpyxl
    would store text starting with ``=`` as one.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet("results")
    count = 1

    def cell(value: Any) -> Any:
        if value.__class__ is str:
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value.startswith("="):
                text = WriteOnlyCell(sheet, value)
                text.data_type = "s"
                return text
            return value
        if isinstance(value, (list, tuple, dict)):
            return cell(_text(value))
        return value

    sheet.append([cell(name) for name in header])

    def write(values: Sequence[Any], matched: Sequence[str], error: str | None) -> None:
        nonlocal count
        count += 1
        if count > XLSX_MAX_ROWS:
            raise BatchError(f"{target}: an .xlsx sheet holds at most {XLSX_MAX_ROWS:,} rows; write .csv or .jsonl")
        row = [cell(v) for v in values]
        row.append(cell(", ".join(matched)))
        row.append(cell(error))
        sheet.append(row)

    yield write
    book.save(path)


def _text(value: Any) -> str:
    """A value as CSV text: true/false, exact numbers, ISO dates, JSON for lists."""
    cls = value.__class__
    if cls is str:
        return value
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if cls is Decimal or cls is int:
        return V.format_number(value) if cls is int or value.is_finite() else str(value)
    if cls is float:
        return _text(V.to_feel(value))
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return V.to_json(value) if value.is_finite() else str(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")
