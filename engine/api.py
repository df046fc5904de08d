"""The public API: load workbooks into a :class:`Model`, ask it decisions."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import hitpolicy
from engine.compile import CellCache, compile_table
from engine.decision import CompiledExpression, CompiledTable
from engine.diagnostics import Diagnostic, Severity, first_error_per_cell
from engine.dmn.load import load_dmn
from engine.dmn.lower import ServiceDefinition
from engine.dmn.xml import DmnXmlError
from engine.errors import (
    DECISION_AS_INPUT,
    NOT_A_CONTEXT,
    UNKNOWN_INPUT,
    InputError,
    InputProblem,
    LoadError,
    UnknownDecisionError,
)
from engine.evaluate import TableEvaluator, bits
from engine.evaluate_boxed import ExpressionEvaluator, ServiceEvaluator
from engine.feel import values as V
from engine.graph import Graph, build_graph
from engine.inputs import InputSpec
from engine.layout import read_sheets
from engine.messages import close_match, shorten
from engine.model import TestTable
from engine.sources import DMN, find_sources
from engine.types import DMN as DMN_TYPECHECK
from engine.types import STRICT, TYPECHECKS, ItemType
from engine.workbook import WorkbookError, read_workbook


class Result:
    """What one decision answered.

    ``output`` is a dict of output name -> value for single-hit policies
    (None when no rule applies and no default is set), a list of such dicts
    for RULE ORDER / OUTPUT ORDER / COLLECT, and a one-entry dict for an
    aggregating COLLECT (``C+``, ``C#`` …).
    """

    __slots__ = ("decision", "output", "_mask", "_selected", "_evaluator", "trace", "inputs", "_coerced")

    def __init__(self, decision: str, output: Any, mask: int, selected: tuple[int, ...], evaluator: "TableEvaluator | ExpressionEvaluator | ServiceEvaluator", trace: tuple["Result", ...], inputs: Mapping[str, Any], coerced: tuple[str, ...] = ()) -> None:  # fmt: skip
        self._coerced = coerced  # typecheck="dmn": inputs made null, and why
        self.decision = decision
        self.output = output
        self._mask = mask
        self._selected = selected
        self._evaluator = evaluator
        self.trace = trace  # results of the required decisions, evaluated first
        self.inputs = inputs

    @property
    def value(self) -> Any:
        """The decision's value as DMN defines it, and as other decisions see it:
        the output of a single-output table or an expression, a context of several outputs,
        a list for multi-hit tables."""
        return decision_value(self.output, self._evaluator.output_names)

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
        return self._mask != 0 or not isinstance(self._evaluator, TableEvaluator)

    @property
    def message(self) -> str:
        if self.applies:
            return f"decision `{self.decision}`: rule {', '.join(self.selected)} applies"
        given = hitpolicy.describe_given(sorted(self._evaluator.reads_inputs), self.inputs)
        return hitpolicy.no_rule_message(self.decision, given, self.output is not None)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Inputs made null by DMN type checks, numbers FEEL cannot hold, inputs whose type no entry of their column can match."""
        found = list(self._coerced)
        found.extend(
            f"`{path}` = {V.brief(value)} is not a FEEL number ({V.NUMBER_RANGE}): it is null"
            for path, value in _numbers_out_of_range(self.inputs)
        )
        if not isinstance(self._evaluator, TableEvaluator):
            return tuple(found)
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
        """JSON-ready ``{"decision", "output", "matched", "message"}``, as the CLI and the server give it."""
        from engine.output import result_json  # late: output formats results, so it imports this module

        return result_json(self)

    def __repr__(self) -> str:
        return f"Result(decision={self.decision!r}, output={self.output!r}, matched={self.matched!r})"


def _numbers_out_of_range(inputs: Mapping[str, Any], prefix: str = "", depth: int = 0) -> Iterable[tuple[str, Any]]:
    """(dotted path, value) of every number past decimal128, NaN or infinite among ``inputs``."""
    if depth > V.MAX_VALUE_DEPTH:
        return
    for name, value in inputs.items():
        path = f"{prefix}{name}"
        if V.out_of_range(value):
            yield path, value
        elif isinstance(value, Mapping):
            yield from _numbers_out_of_range(value, f"{path}.", depth + 1)
        elif isinstance(value, (list, tuple)):
            for number, item in enumerate(value, 1):
                if V.out_of_range(item):
                    yield f"{path}[{number}]", item
                elif isinstance(item, Mapping):
                    yield from _numbers_out_of_range(item, f"{path}[{number}].", depth + 1)


@dataclass(frozen=True)
class _Plan:
    name: str
    evaluator: "TableEvaluator | ExpressionEvaluator | ServiceEvaluator"
    required: tuple["TableEvaluator | ExpressionEvaluator", ...]
    known_inputs: frozenset[str]
    ordered_inputs: tuple[str, ...]  # the main table's columns first, for messages


@dataclass(frozen=True)
class EvaluationPlan:
    decision: str
    #: the decisions it reads, transitively, in the order they are evaluated (before it)
    required: tuple[str, ...]
    #: every input it reads, in the order input problems are listed
    inputs: tuple[str, ...]
    #: the inputs its own table reads, as "no rule applies" messages name them
    named_when_no_rule: tuple[str, ...]


class Model:
    """Compiled decisions, ready to evaluate. Immutable and thread-safe.

    >>> model = load("tables/1177-direkt.xlsx")               # doctest: +SKIP
    >>> model.decide("registrering", {"yrkesroll": "läkare", …}).output  # doctest: +SKIP
    """

    def __init__(self, graph: Graph, tests: Sequence[TestTable], diagnostics: Sequence[Diagnostic], specs: Mapping[str, InputSpec], sources: Sequence[Path], typecheck: str = STRICT, outputs: Mapping[str, ItemType] | None = None, services: Mapping[str, ServiceDefinition] | None = None) -> None:  # fmt: skip
        self.tests = tuple(tests)
        self.diagnostics = tuple(diagnostics)
        self.inputs = dict(specs)
        self.sources = tuple(sources)
        self.typecheck = typecheck
        self._declared = frozenset(n for n, spec in specs.items() if spec.item is not None)
        self.tables: dict[str, CompiledTable] = dict(graph.tables)
        #: decisions and knowledge models whose logic is a boxed expression (DMN)
        self.expressions: dict[str, CompiledExpression] = dict(graph.expressions)
        # Strict: the index validates a value on its slow path. DMN: values are
        # made conforming (or null) once per call, before any table sees them.
        validators = {name: spec.check for name, spec in specs.items()} if typecheck == STRICT else {}
        evaluators: dict[str, TableEvaluator | ExpressionEvaluator] = {
            name: TableEvaluator(t, validators, reads_inputs=graph.inputs[name] & t.reads)
            for name, t in graph.tables.items()
        }
        for name, e in graph.expressions.items():
            declared = (outputs or {}).get(name)
            evaluators[name] = ExpressionEvaluator(e, declared, typecheck, graph.inputs[name] & e.reads)
        self._plans = {
            name: _Plan(
                name,
                evaluators[name],
                tuple(evaluators[d] for d in graph.order[name]),
                graph.inputs[name],
                _ordered_inputs(graph, name),
            )
            for name in evaluators
        }
        for name, service in (services or {}).items():
            if name not in self._plans:
                self._plans[name] = _service_plan(graph, service, evaluators)

    @property
    def decisions(self) -> tuple[str, ...]:
        return tuple(n for n, p in self._plans.items() if not getattr(p.evaluator, "is_knowledge", False))

    def inputs_of(self, decision: str) -> frozenset[str]:
        """The input names ``decision`` reads (its required decisions' included)."""
        return self._plan(decision).known_inputs

    def input_order(self, decision: str) -> tuple[str, ...]:
        """The inputs of ``decision`` in the order its columns read them (forms and schemas list them so)."""
        return self._plan(decision).ordered_inputs

    def required_decisions(self, decision: str) -> tuple[str, ...]:
        """The decisions ``decision`` needs, in the order they are evaluated."""
        return tuple(e.name for e in self._plan(decision).required)

    def evaluation_plan(self, decision: str) -> EvaluationPlan:
        """How ``decide`` evaluates ``decision``: for compilers that must do the same (engine.sql)."""
        plan = self._plan(decision)
        return EvaluationPlan(
            decision,
            tuple(e.name for e in plan.required),
            plan.ordered_inputs,
            tuple(sorted(plan.evaluator.reads_inputs)),
        )

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
            message = f"inputs must be a mapping of input names to values, not {type(inputs).__name__}"
            raise InputError(message, problems=(InputProblem(None, NOT_A_CONTEXT, message),))
        if not plan.known_inputs.issuperset(inputs):
            self._unknown_inputs(plan, inputs)
        if self.typecheck == DMN_TYPECHECK:
            return self._run(plan, *self._conforming(inputs))
        if self._declared:
            # DMN input data are read by expressions too, not only through a table's index:
            # check them all up front, the absent ones included (as a workbook column does).
            try:
                checked = {n: self.inputs[n].check(inputs.get(n)) for n in plan.known_inputs & self._declared}
            except InputError:
                raise self._all_input_problems(plan, inputs) from None
            inputs = {**inputs, **{n: v for n, v in checked.items() if n in inputs}}
        try:
            return self._run(plan, inputs)
        except InputError:
            # Evaluation stops at the first bad value it meets, which may not be
            # the one the caller got wrong: name every problem, in column order.
            raise self._all_input_problems(plan, inputs) from None

    def _conforming(self, inputs: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
        values: dict[str, Any] = {}
        warnings: list[str] = []
        for name, value in inputs.items():
            spec = self.inputs.get(name)
            if spec is None:
                values[name] = V.to_feel(value)
                continue
            values[name], warning = spec.coerce(value)
            if warning:
                warnings.append(warning)
        return values, tuple(warnings)

    def _run(self, plan: _Plan, inputs: Mapping[str, Any], coerced: tuple[str, ...] = ()) -> Result:
        decision = plan.name
        if not plan.required:
            evaluator = plan.evaluator
            output, mask, selected = evaluator.evaluate(inputs)
            return Result(decision, output, mask, selected, evaluator, (), inputs, coerced)
        context = dict(inputs)
        trace = []
        for evaluator in plan.required:
            output, mask, selected = evaluator.evaluate(context)
            context[evaluator.name] = decision_value(output, evaluator.output_names)
            trace.append(Result(evaluator.name, output, mask, selected, evaluator, (), context))
        evaluator = plan.evaluator
        output, mask, selected = evaluator.evaluate(context)
        return Result(decision, output, mask, selected, evaluator, tuple(trace), inputs, coerced)

    def decide_many(self, decision: str, cases: Iterable[Mapping[str, Any]]) -> Iterable[Result]:
        """Evaluate a stream of cases lazily (one result per case, in order)."""
        for case in cases:
            yield self.decide(decision, case)

    def _plan(self, decision: str) -> _Plan:
        plan = self._plans.get(decision)
        if plan is None:
            close = close_match(decision, self._plans)
            suggestion = f" (did you mean `{close}`?)" if close else ""
            known = ", ".join(f"`{d}`" for d in self._plans) or "none"
            raise UnknownDecisionError(
                f"no decision named `{shorten(decision)}`{suggestion}; decisions: {known}",
                decision, tuple(self._plans), close,
            )  # fmt: skip
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
        return InputError(message, problems[0].name, problems[0].value, [q for p in problems for q in p.problems])

    def _unknown_inputs(self, plan: _Plan, inputs: Mapping[str, Any]) -> None:
        problems = []
        found: list[InputProblem] = []
        for name in inputs:
            if name in plan.known_inputs:
                continue
            if name in self._plans:
                problems.append(f"`{name}` is a decision computed from other inputs; it cannot be passed as an input")
                found.append(InputProblem(str(name), DECISION_AS_INPUT, problems[-1], inputs[name]))
                continue
            close = close_match(str(name), plan.known_inputs)
            suggestion = f" (did you mean `{close}`?)" if close else ""
            problems.append(f"no input `{shorten(str(name))}`{suggestion}")
            found.append(
                InputProblem(
                    str(name), UNKNOWN_INPUT, problems[-1], inputs[name],
                    tuple(sorted(plan.known_inputs)), close,
                )
            )  # fmt: skip
        unknown = [str(n) for n in inputs if n not in plan.known_inputs]
        lead = f"decision `{plan.name}` has " if problems[0].startswith("no input") else f"decision `{plan.name}`: "
        raise InputError(
            f"{lead}{'; '.join(problems)}; its inputs: {', '.join(sorted(plan.known_inputs))}",
            unknown[0], problems=found,
        )  # fmt: skip


def _service_plan(graph: Graph, service: ServiceDefinition, evaluators: Mapping[str, Any]) -> _Plan:
    """Evaluate the output decisions, taking the input decisions as given (DMN 1.5 §10.4)."""
    given = set(service.input_decisions)
    steps: list[Any] = []
    seen: set[str] = set()
    reads: set[str] = set(given)

    def visit(name: str) -> None:
        if name in seen or name in given or name not in evaluators:
            return
        seen.add(name)
        node = graph.tables.get(name) or graph.expressions.get(name)
        needed = node.reads if node is not None else frozenset()
        for other in sorted(needed):
            if other in evaluators:
                visit(other)
            else:
                reads.add(other)
        steps.append(evaluators[name])

    for output in service.outputs:
        visit(output)
    known = frozenset(reads)
    evaluator = ServiceEvaluator(service.name, service.outputs, steps, decision_value, known)
    return _Plan(service.name, evaluator, (), known, (*service.input_decisions, *service.input_data))


def _ordered_inputs(graph: Graph, decision: str) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for table_name in (decision, *reversed(graph.order[decision])):
        if table_name not in graph.tables:
            continue
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
    typecheck: str = STRICT
    #: declared types of decisions' values (DMN variables' typeRefs)
    outputs: dict[str, ItemType] = field(default_factory=dict)
    #: DMN decision services, invoked like decisions
    services: dict[str, ServiceDefinition] = field(default_factory=dict)


def read(paths: str | os.PathLike | Iterable[str | os.PathLike], typecheck: str | None = None) -> Loaded:
    """Read and compile workbooks and DMN models without raising on their errors.

    ``typecheck`` is ``"strict"`` (a value breaking a declared type is an
    input error; the default for workbooks) or ``"dmn"`` (it becomes null,
    with a warning; the default when every file is a DMN model).
    Raises :class:`LoadError` only when a file cannot be read at all.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if typecheck is not None and typecheck not in TYPECHECKS:
        raise ValueError(f"typecheck must be one of {', '.join(TYPECHECKS)}, not {typecheck!r}")
    try:
        sources = [source for path in paths for source in find_sources(Path(path))]
    except WorkbookError as error:
        raise LoadError(str(error)) from None
    files = [source.path for source in sources]
    diagnostics: list[Diagnostic] = []
    tables: list[CompiledTable] = []
    expressions: list[CompiledExpression] = []
    dmn_specs: dict[str, InputSpec] = {}
    outputs: dict[str, ItemType] = {}
    services: dict[str, ServiceDefinition] = {}
    dmn_tables: set[int] = set()  # DMN declares inputs as input data, not by table columns
    tests: list[TestTable] = []
    cache = CellCache()
    for source in sources:
        file = source.path
        if source.note:
            diagnostics.append(Diagnostic("DT707", Severity.WARNING, source.note, hint="rename the file to match what it holds"))  # fmt: skip
        if source.kind == DMN:
            try:
                model = load_dmn(file, cache)
            except DmnXmlError as error:
                raise LoadError(str(error) + (f" (line {error.line})" if error.line else "")) from None
            tables.extend(model.tables)
            dmn_tables.update(id(t) for t in model.tables)
            expressions.extend(model.expressions)
            diagnostics.extend(model.diagnostics)
            outputs.update(model.outputs)
            services.update(model.services)
            for declared in model.inputs.values():
                dmn_specs[declared.name] = InputSpec(declared.name, None, None, declared.location, declared.type)
            continue
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
    if not tables and not expressions:
        diagnostics.append(
            Diagnostic(
                "DT010", Severity.ERROR,
                f"no decision table found in {', '.join(str(f) for f in files)}",
                hint="a table starts with `Decision: NAME` in column A; see the README's sheet layout",
            )
        )  # fmt: skip
    graph, problems = build_graph(tables, expressions, dmn_specs)
    diagnostics.extend(problems)
    diagnostics = first_error_per_cell(diagnostics)
    specs, problems = _input_specs([t for t in tables if id(t) not in dmn_tables], graph)
    diagnostics.extend(problems)
    specs.update(dmn_specs)
    if typecheck is None:
        typecheck = DMN_TYPECHECK if sources and all(s.kind == DMN for s in sources) else STRICT
    return Loaded(tuple(tables), tuple(tests), tuple(diagnostics), graph, specs, tuple(files), typecheck, outputs, services)


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


def load(paths: str | os.PathLike | Iterable[str | os.PathLike], typecheck: str | None = None) -> Model:
    """Load workbooks and DMN models (files, or folders of .xlsx/.xlsm/.dmn) into a ready :class:`Model`.

    ``typecheck``: see :func:`read`.

    Raises :class:`LoadError` listing every error found; warnings are kept
    in ``model.diagnostics``.

    >>> model = load("tables")                      # doctest: +SKIP
    >>> model.decisions                             # doctest: +SKIP
    ('registrering', 'kontakttyp', 'attribut')
    """
    loaded = read(paths, typecheck)
    errors = [d for d in loaded.diagnostics if d.severity is Severity.ERROR]
    if errors:
        count = len(errors)
        first = errors[0]
        where = f"{first.location}: " if first.location else ""
        more = f" (and {count - 1} more error{'s' if count > 2 else ''})" if count > 1 else ""
        raise LoadError(f"{where}{first.message}{more}", loaded.diagnostics)
    return model_of(loaded)


def model_of(loaded: Loaded) -> Model:
    """A model of what was read, even with errors (a cell that failed evaluates to null).

    For tools that evaluate what they can, as the TCK runner does; :func:`load` refuses instead.
    """
    return Model(loaded.graph, loaded.tests, loaded.diagnostics, loaded.specs, loaded.sources, loaded.typecheck, loaded.outputs, loaded.services)
