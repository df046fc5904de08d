"""The decision graph: which decisions a decision needs, and in what order.

A name a table reads is either another decision (evaluated first) or an
input the caller passes. Cycles, duplicate decision names and names that are
neither are diagnostics with locations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from engine.decision import CompiledExpression, CompiledTable
from engine.diagnostics import Diagnostic, Severity
from engine.feel import ast
from engine.feel.parser import FeelSyntaxError, parse_expression, parse_unary_tests
from engine.messages import close_match
from engine.model import Cell, Location


@dataclass(frozen=True)
class Graph:
    tables: dict[str, CompiledTable]
    #: per decision, the decisions it needs (transitively), dependencies first
    order: dict[str, tuple[str, ...]]
    #: per decision, the input names a caller may pass (transitively)
    inputs: dict[str, frozenset[str]]
    #: decisions and knowledge models whose logic is a boxed expression (DMN)
    expressions: dict[str, CompiledExpression] = field(default_factory=dict)


Node = CompiledTable | CompiledExpression


def _location(node: Node) -> Location:
    return node.table.location if isinstance(node, CompiledTable) else node.location


def build_graph(
    tables: list[CompiledTable], expressions: Sequence[CompiledExpression] = (), declared_inputs: Iterable[str] = ()
) -> tuple[Graph, list[Diagnostic]]:
    """Order decisions; ``declared_inputs`` are inputs a model declares (DMN input data)."""
    problems: list[Diagnostic] = []
    by_name: dict[str, Node] = {}
    nodes: list[Node] = [*tables, *expressions]
    for table in nodes:
        other = by_name.get(table.name)
        if other is not None:
            problems.append(
                Diagnostic(
                    "DT603", Severity.ERROR, f"two decisions are named `{table.name}`", _location(table),
                    f"the other is at {_location(other)}; rename one", decision=table.name,
                )
            )  # fmt: skip
            continue
        by_name[table.name] = table

    column_inputs = {n for t in by_name.values() if isinstance(t, CompiledTable) for n in t.header_reads}
    column_inputs |= set(declared_inputs)
    for table in by_name.values():
        for name in sorted(table.reads - set(by_name) - column_inputs):
            cell = _first_cell_reading(table, name) if isinstance(table, CompiledTable) else None
            options = sorted(column_inputs | set(by_name))
            close = close_match(name, options)
            hint = f"did you mean `{close}`? " if close else ""
            problems.append(
                Diagnostic(
                    "DT602", Severity.ERROR,
                    f"`{name}` is neither an input column nor a decision",
                    cell.location if cell else _location(table),
                    hint + f'if it is a text value, put it in double quotes: "{name}"',
                    decision=table.name,
                )
            )  # fmt: skip

    order: dict[str, tuple[str, ...]] = {}
    inputs: dict[str, frozenset[str]] = {}
    for name in by_name:
        sequence: list[str] = []
        cycle = _visit(name, by_name, [], set(), sequence)
        if cycle:
            table = by_name[name]
            problems.append(
                Diagnostic(
                    "DT601", Severity.ERROR, "decisions require each other in a cycle: " + " → ".join(cycle),
                    _location(table), "a decision cannot depend on itself, directly or through others",
                    decision=name,
                )
            )  # fmt: skip
            order[name] = ()
            inputs[name] = frozenset()
            continue
        required = tuple(d for d in sequence if d != name)
        order[name] = required
        inputs[name] = frozenset(
            n for d in (*required, name) for n in by_name[d].reads if n not in by_name
        )
    # A cycle is reported once per decision on it; keep the first.
    seen_cycles: set[frozenset[str]] = set()
    unique: list[Diagnostic] = []
    for d in problems:
        if d.code == "DT601":
            key = frozenset(d.message.split(": ", 1)[1].split(" → "))
            if key in seen_cycles:
                continue
            seen_cycles.add(key)
        unique.append(d)
    only_tables = {n: t for n, t in by_name.items() if isinstance(t, CompiledTable)}
    only_expressions = {n: t for n, t in by_name.items() if isinstance(t, CompiledExpression)}
    return Graph(only_tables, order, inputs, only_expressions), unique


def _visit(name: str, tables: Mapping[str, Node], path: list[str], done: set[str], out: list[str]) -> list[str] | None:  # fmt: skip
    if name in path:
        return path[path.index(name) :] + [name]
    if name in done:
        return None
    path.append(name)
    for needed in sorted(tables[name].reads & set(tables)):
        cycle = _visit(needed, tables, path, done, out)
        if cycle:
            return cycle
    path.pop()
    done.add(name)
    out.append(name)
    return None


def _first_cell_reading(table: CompiledTable, name: str) -> Cell | None:
    for rule in table.table.rules:
        for cell in rule.inputs:
            try:
                if name in ast.names(parse_unary_tests(cell.text)):
                    return cell
            except FeelSyntaxError:
                continue
        for cell in rule.outputs:
            try:
                if cell.text and name in ast.names(parse_expression(cell.text)):
                    return cell
            except FeelSyntaxError:
                continue
    for column in table.table.outputs:
        if column.default is not None:
            return column.default
    return None
