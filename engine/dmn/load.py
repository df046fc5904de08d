"""A DMN file -> compiled decisions, ready for the decision graph."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine.compile import CellCache, compile_table
from engine.compile_boxed import compile_expression_decision
from engine.decision import CompiledExpression, CompiledTable
from engine.diagnostics import Diagnostic
from engine.dmn.lower import InputDeclaration, ServiceDefinition, lower
from engine.dmn.reader import read_dmn
from engine.types import ItemType
from engine.validate import validate_table


@dataclass
class DmnModel:
    tables: list[CompiledTable] = field(default_factory=list)
    expressions: list[CompiledExpression] = field(default_factory=list)
    inputs: dict[str, InputDeclaration] = field(default_factory=dict)
    outputs: dict[str, ItemType] = field(default_factory=dict)
    services: dict[str, ServiceDefinition] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def load_dmn(path: Path, cache: CellCache | None = None) -> DmnModel:
    """Read, lower and compile one DMN model. Raises :class:`~engine.dmn.xml.DmnXmlError`."""
    cache = cache or CellCache()
    lowered = lower(read_dmn(path))
    found = DmnModel(
        inputs=lowered.inputs, outputs=lowered.outputs, services=lowered.services, diagnostics=list(lowered.diagnostics)
    )
    names = [*lowered.inputs, *(t.name for t in lowered.tables), *(e.name for e in lowered.expressions)]
    for table in lowered.tables:
        found.diagnostics.extend(validate_table(table, every_output_ranked=False))
        compiled, problems = compile_table(table, cache)
        found.tables.append(compiled)
        found.diagnostics.extend(problems)
    for decision in lowered.expressions:
        compiled_expression, problems = compile_expression_decision(decision, names, cache)
        found.expressions.append(compiled_expression)
        found.diagnostics.extend(problems)
    return found
