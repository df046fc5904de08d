"""The public API: load workbooks into a :class:`Model`, ask it decisions."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.compile import CellCache, compile_table
from engine.decision import CompiledTable
from engine.diagnostics import Diagnostic, Severity
from engine.errors import InputError, LoadError, UnknownDecisionError
from engine.evaluate import TableEvaluator, bits
from engine.feel import values as V
from engine.graph import Graph, build_graph
from engine.inputs import InputSpec
from engine.layout import read_sheets
from engine.model import TestTable
from engine.workbook import WorkbookError, find_workbooks, read_workbook


class Result:
    """What one decision answered.

    ``output`` is a dict of output name -> value for single-hit policies
    (None when no rule applies and no default is set), a list of such dicts
    for RULE ORDER / OUTPUT ORDER / COLLECT, and a one-entry dict for an
    aggregating COLLECT (``C+``, ``C#`` …).
    """

    __slots__ = ("decision", "output", "_mask", "_selected", "_evaluator", "trace", "inputs")

    def __init__(self, decision: str, output: Any, mask: int, selected: tuple[int, ...], evaluator: TableEvaluator, trace: tuple["Result", ...], inputs: Mapping[str, Any]) -> None:  # fmt: skip
        self.decision = decision
        self.output = output
        self._mask = mask
        self._selected = selected
        self._evaluator = evaluator
        self.trace = trace  # results of the required decisions, evaluated first
        self.inputs = inputs

    @property
    def matched(self) -> tuple[str, ...]:
        """Labels of every rule whose inputs all matched, in table order."""
        labels = self._evaluator.labels
        return tuple(labels[p] for p in bits(self._mask))

    @property
    def selected(self) -> tuple[str, ...]:
        """Labels of the rules whose outputs make up ``output``."""
        labels = self._evaluator.labels
        return tuple(labels[p] for p in self._selected)

    @property
    def applies(self) -> bool:
        """False when no rule matched (a default output may still be given)."""
        return self._mask != 0

    @property
    def message(self) -> str:
        if self.applies:
            return f"decision `{self.decision}`: rule {', '.join(self.selected)} applies"
        given = ", ".join(
            f"{n} = {V.describe(self.inputs.get(n))}" for n in sorted(self._evaluator.reads_inputs)
        )
        default = " (the default output is used)" if self.output is not None else ""
        return f"no rule of decision `{self.decision}` applies to {given}{default}"

    @property
    def warnings(self) -> tuple[str, ...]:
        """Inputs whose type no entry of their column can match (FEEL: null)."""
        found = []
        for index, name in zip(self._evaluator.columns, self._evaluator.table.input_names):
            if name is None or name not in self.inputs:
                continue
            value = V.to_feel(self.inputs[name])
            cat = V.category(value)
            if value is None or cat in index.ordered or cat not in V.ORDERED:
                continue
            kinds = sorted(index.ordered)
            if kinds:
                found.append(
                    f"`{name}` is a {cat}, but its column compares with {' and '.join(kinds)} values: "
                    "those entries are null (no match)"
                )
        return tuple(found)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"decision", "output", "matched"}`` (+ ``selected``)."""
        data: dict[str, Any] = {"decision": self.decision, "output": V.to_json(self.output), "matched": list(self.matched)}
        if not self.applies:
            data["message"] = self.message
        return data

    def __repr__(self) -> str:
        return f"Result(decision={self.decision!r}, output={self.output!r}, matched={self.matched!r})"


@dataclass(frozen=True)
class _Plan:
    name: str
    evaluator: TableEvaluator
    required: tuple[TableEvaluator, ...]
    known_inputs: frozenset[str]
    ordered_inputs: tuple[str, ...]  # the main table's columns first, for messages


class Model:
    """Compiled decisions, ready to evaluate. Immutable and thread-safe.

    >>> model = load("tables/1177-direkt.xlsx")               # doctest: +SKIP
    >>> model.decide("registrering", {"yrkesroll": "läkare", …}).output  # doctest: +SKIP
    """

    def __init__(self, graph: Graph, tests: Sequence[TestTable], diagnostics: Sequence[Diagnostic], specs: Mapping[str, InputSpec], sources: Sequence[Path]) -> None:  # fmt: skip
        self.tests = tuple(tests)
        self.diagnostics = tuple(diagnostics)
        self.inputs = dict(specs)
        self.sources = tuple(sources)
        self.tables: dict[str, CompiledTable] = dict(graph.tables)
        validators = {name: spec.check for name, spec in specs.items()}
        evaluators = {
            name: TableEvaluator(t, validators, reads_inputs=graph.inputs[name] & t.reads)
            for name, t in graph.tables.items()
        }
        self._plans = {
            name: _Plan(
                name,
                evaluators[name],
                tuple(evaluators[d] for d in graph.order[name]),
                graph.inputs[name],
                _ordered_inputs(graph, name),
            )
            for name in graph.tables
        }

    @property
    def decisions(self) -> tuple[str, ...]:
        return tuple(self._plans)

    def inputs_of(self, decision: str) -> frozenset[str]:
        """The input names ``decision`` reads (its required decisions' included)."""
        return self._plan(decision).known_inputs

    def decide(self, decision: str, inputs: Mapping[str, Any]) -> Result:
        """Evaluate ``decision`` for ``inputs`` (a plain dict of input name -> value).

        Raises :class:`InputError` for unknown names and values that break
        the declared types or allowed values, and
        :class:`~engine.errors.DecisionError` when a UNIQUE or ANY table has
        conflicting matches. No rule applying is not an error: see
        :attr:`Result.applies`.
        """
        plan = self._plans.get(decision)
        if plan is None:
            plan = self._plan(decision)  # raises UnknownDecisionError
        if not isinstance(inputs, Mapping):
            raise InputError(f"inputs must be a mapping of input names to values, not {type(inputs).__name__}")
        if not plan.known_inputs.issuperset(inputs):
            self._unknown_inputs(plan, inputs)
        try:
            return self._run(plan, inputs)
        except InputError:
            # Evaluation stops at the first bad value it meets, which may not be
            # the one the caller got wrong: name every problem, in column order.
            raise self._all_input_problems(plan, inputs) from None

    def _run(self, plan: _Plan, inputs: Mapping[str, Any]) -> Result:
        decision = plan.name
        if not plan.required:
            evaluator = plan.evaluator
            output, mask, selected = evaluator.evaluate(inputs)
            return Result(decision, output, mask, selected, evaluator, (), inputs)
        context = dict(inputs)
        trace = []
        for evaluator in plan.required:
            output, mask, selected = evaluator.evaluate(context)
            context[evaluator.name] = decision_value(output, evaluator.output_names)
            trace.append(Result(evaluator.name, output, mask, selected, evaluator, (), context))
        evaluator = plan.evaluator
        output, mask, selected = evaluator.evaluate(context)
        return Result(decision, output, mask, selected, evaluator, tuple(trace), inputs)

    def decide_many(self, decision: str, cases: Iterable[Mapping[str, Any]]) -> Iterable[Result]:
        """Evaluate a stream of cases lazily (one result per case, in order)."""
        for case in cases:
            yield self.decide(decision, case)

    def _plan(self, decision: str) -> _Plan:
        plan = self._plans.get(decision)
        if plan is None:
            close = difflib.get_close_matches(decision, list(self._plans), n=1)
            suggestion = f" (did you mean `{close[0]}`?)" if close else ""
            known = ", ".join(f"`{d}`" for d in self._plans) or "none"
            raise UnknownDecisionError(f"no decision named `{decision}`{suggestion}; decisions: {known}", decision)
        return plan

    def _all_input_problems(self, plan: _Plan, inputs: Mapping[str, Any]) -> InputError:
        problems: list[InputError] = []
        for name in plan.ordered_inputs:
            spec = self.inputs.get(name)
            if spec is None:
                continue
            try:
                spec.check(inputs.get(name))
            except InputError as error:
                problems.append(error)
        if not problems:
            return InputError(f"decision `{plan.name}`: invalid inputs")
        if len(problems) == 1:
            return problems[0]
        message = f"{len(problems)} problems with the inputs: " + "; ".join(str(p) for p in problems)
        return InputError(message, problems[0].name, problems[0].value)

    def _unknown_inputs(self, plan: _Plan, inputs: Mapping[str, Any]) -> None:
        problems = []
        for name in inputs:
            if name in plan.known_inputs:
                continue
            if name in self._plans:
                problems.append(f"`{name}` is a decision computed from other inputs; it cannot be passed as an input")
                continue
            close = difflib.get_close_matches(str(name), list(plan.known_inputs), n=1)
            suggestion = f" (did you mean `{close[0]}`?)" if close else ""
            problems.append(f"no input `{name}`{suggestion}")
        unknown = [str(n) for n in inputs if n not in plan.known_inputs]
        lead = f"decision `{plan.name}` has " if problems[0].startswith("no input") else f"decision `{plan.name}`: "
        raise InputError(
            f"{lead}{'; '.join(problems)}; its inputs: {', '.join(sorted(plan.known_inputs))}",
            unknown[0],
        )


def _ordered_inputs(graph: Graph, decision: str) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for table_name in (decision, *reversed(graph.order[decision])):
        for name in graph.tables[table_name].input_names:
            if name is not None and name in graph.inputs[decision]:
                names.setdefault(name)
    for name in sorted(graph.inputs[decision]):
        names.setdefault(name)
    return tuple(names)


def decision_value(output: Any, names: tuple[str, ...]) -> Any:
    """A decision's value as other decisions see it (DMN: single output -> the value)."""
    if isinstance(output, dict):
        return output[names[0]] if len(names) == 1 else output
    if isinstance(output, list) and len(names) == 1:
        return [o[names[0]] for o in output]
    return output


@dataclass(frozen=True)
class Loaded:
    """Everything read from workbooks, errors included (what ``lint`` needs)."""

    tables: tuple[CompiledTable, ...]
    tests: tuple[TestTable, ...]
    diagnostics: tuple[Diagnostic, ...]
    graph: Graph
    specs: dict[str, InputSpec]
    sources: tuple[Path, ...]


def read(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> Loaded:
    """Read and compile workbooks without raising on workbook errors.

    Raises :class:`LoadError` only when a file cannot be read at all.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files: list[Path] = []
    try:
        for path in paths:
            files.extend(find_workbooks(Path(path)))
    except WorkbookError as error:
        raise LoadError(str(error)) from None
    diagnostics: list[Diagnostic] = []
    tables: list[CompiledTable] = []
    tests: list[TestTable] = []
    cache = CellCache()
    for file in files:
        try:
            book = read_workbook(file)
        except WorkbookError as error:
            raise LoadError(str(error)) from None
        found = read_sheets(book.sheets, str(file))
        diagnostics.extend(found.diagnostics)
        tests.extend(found.tests)
        for table in found.tables:
            compiled, problems = compile_table(table, cache)
            tables.append(compiled)
            diagnostics.extend(problems)
    if not tables:
        diagnostics.append(
            Diagnostic(
                "DT010", Severity.ERROR,
                f"no decision table found in {', '.join(str(f) for f in files)}",
                hint="a table starts with `Decision: NAME` in column A; see the README's sheet layout",
            )
        )  # fmt: skip
    graph, problems = build_graph(tables)
    diagnostics.extend(problems)
    specs, problems = _input_specs(tables, graph)
    diagnostics.extend(problems)
    return Loaded(tuple(tables), tuple(tests), tuple(diagnostics), graph, specs, tuple(files))


def _input_specs(tables: list[CompiledTable], graph: Graph) -> tuple[dict[str, InputSpec], list[Diagnostic]]:
    """One declaration per caller-supplied input, from the columns naming it."""
    specs: dict[str, InputSpec] = {}
    problems: list[Diagnostic] = []
    for table in tables:
        for column, name in zip(table.table.inputs, table.input_names):
            if name is None or name in graph.tables:
                continue
            spec = InputSpec(name, column.type, column.allowed, column.expression.location)
            known = specs.get(name)
            if known is None or (known.type is None and known.allowed is None):
                specs[name] = spec
            elif (spec.type, spec.allowed) != (known.type, known.allowed) and (spec.type or spec.allowed):
                problems.append(
                    Diagnostic(
                        "DT604", Severity.WARNING,
                        f"input `{name}` is declared differently here than at {known.location}",
                        column.expression.location,
                        "give every column reading the same input the same Type and Allowed values",
                        decision=table.name,
                    )
                )  # fmt: skip
    return specs, problems


def load(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> Model:
    """Load workbooks (files or folders of .xlsx) into a ready :class:`Model`.

    Raises :class:`LoadError` listing every error found; warnings are kept
    in ``model.diagnostics``.

    >>> model = load("tables")                      # doctest: +SKIP
    >>> model.decisions                             # doctest: +SKIP
    ('registrering', 'kontakttyp', 'attribut')
    """
    loaded = read(paths)
    errors = [d for d in loaded.diagnostics if d.severity is Severity.ERROR]
    if errors:
        count = len(errors)
        first = errors[0]
        where = f"{first.location}: " if first.location else ""
        more = f" (and {count - 1} more error{'s' if count > 2 else ''})" if count > 1 else ""
        raise LoadError(f"{where}{first.message}{more}", loaded.diagnostics)
    return Model(loaded.graph, loaded.tests, loaded.diagnostics, loaded.specs, loaded.sources)
