"""DMN definitions -> the engine's decisions: tables, boxed expressions, declared inputs.

Requirement references are resolved to names, ``typeRef``s to
:class:`~engine.types.ItemType`\\ s, and what cannot be resolved becomes a
diagnostic at the element that names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.boxed import Boxed, ExpressionDecision, LiteralExpression
from engine.diagnostics import Diagnostic, Severity
from engine.dmn.model import (
    Decision,
    DecisionService,
    Definitions,
    InputData,
    ItemDefinition,
    KnowledgeModel,
    Requirement,
)
from engine.feel.compiler import FeelCompileError, compile_unary_tests
from engine.feel.parser import FeelSyntaxError, parse_unary_tests
from engine.model import Cell, DecisionTable, Location
from engine.types import ANY, BASE_TYPES, ItemType


@dataclass(frozen=True)
class InputDeclaration:
    name: str
    type: ItemType | None
    location: Location


@dataclass(frozen=True)
class ServiceDefinition:
    """A decision service: output decisions evaluated from given input decisions and input data."""

    name: str
    outputs: tuple[str, ...]
    input_decisions: tuple[str, ...]
    input_data: tuple[str, ...]
    location: Location


@dataclass
class Lowered:
    tables: list[DecisionTable] = field(default_factory=list)
    expressions: list[ExpressionDecision] = field(default_factory=list)
    inputs: dict[str, InputDeclaration] = field(default_factory=dict)
    #: the declared type of each decision's value (its variable's typeRef)
    outputs: dict[str, ItemType] = field(default_factory=dict)
    services: dict[str, ServiceDefinition] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def lower(definitions: Definitions) -> Lowered:
    """The decisions, BKMs and input data of one DMN model."""
    found = Lowered(diagnostics=list(definitions.diagnostics))
    types = _Types(definitions, found.diagnostics)
    names: dict[str, str] = {}
    elements: list[InputData | Decision | KnowledgeModel | DecisionService] = [
        *definitions.inputs, *definitions.decisions, *definitions.knowledge, *definitions.services
    ]
    for element in elements:
        names[element.id] = element.name

    def required(requirements: tuple[Requirement, ...], location: Location, owner: str) -> tuple[str, ...]:
        out = []
        for requirement in requirements:
            key = requirement.href.split("#", 1)[-1]
            if requirement.kind == "knowledge" and key in service_ids:
                continue  # a decision service called as a function: evaluated once FEEL has function values
            name = names.get(key)
            if name is None:
                found.diagnostics.append(
                    Diagnostic(
                        "DT703", Severity.ERROR, f"the {requirement.kind} requirement `{requirement.href}` names no element of the model",
                        location, "an href is `#` followed by the id of a decision, input data or knowledge model",
                        decision=owner,
                    )
                )  # fmt: skip
                continue
            out.append(name)
        return tuple(out)

    service_ids = {service.id for service in definitions.services}
    for service in definitions.services:
        refs = (
            [Requirement("decision", h) for h in service.outputs],
            [Requirement("decision", h) for h in service.input_decisions],
            [Requirement("input", h) for h in service.input_data],
        )
        outputs, input_decisions, input_data = (required(tuple(r), service.location, service.name) for r in refs)
        found.services[service.name] = ServiceDefinition(service.name, outputs, input_decisions, input_data, service.location)
    for data in definitions.inputs:
        found.inputs[data.name] = InputDeclaration(data.name, types.resolve(data.type_ref, data.location), data.location)
    for decision in definitions.decisions:
        requires = required(decision.requirements, decision.location, decision.name)
        declared = types.resolve(decision.type_ref, decision.location)
        if declared is not None:
            found.outputs[decision.name] = declared
        logic: Boxed | None = decision.logic
        if isinstance(logic, DecisionTable):
            found.tables.append(logic)
            continue
        if logic is None:
            found.diagnostics.append(
                Diagnostic(
                    "DT708", Severity.WARNING, f"decision `{decision.name}` has no decision logic: its value is null",
                    decision.location, "give it a decision table or a literal expression", decision=decision.name,
                )
            )  # fmt: skip
            logic = LiteralExpression(Cell("null", decision.location))
        found.expressions.append(ExpressionDecision(decision.name, logic, decision.location, requires, decision.type_ref))
    for model in definitions.knowledge:
        requires = required(model.requirements, model.location, model.name)
        if model.logic is None:
            found.diagnostics.append(
                Diagnostic(
                    "DT708", Severity.ERROR, f"business knowledge model `{model.name}` has no encapsulated logic",
                    model.location, decision=model.name,
                )
            )  # fmt: skip
            continue
        found.expressions.append(
            ExpressionDecision(model.name, model.logic, model.location, requires, model.type_ref, kind="knowledge")
        )
    return found


class _Types:
    """typeRef -> ItemType, through the model's item definitions (memoised, cycle-safe)."""

    def __init__(self, definitions: Definitions, diagnostics: list[Diagnostic]) -> None:
        self.items = {item.name: item for item in definitions.items}
        self.diagnostics = diagnostics
        self.done: dict[str, ItemType] = {}
        self.busy: set[str] = set()

    def resolve(self, type_ref: str | None, location: Location) -> ItemType | None:
        if not type_ref:
            return None
        if type_ref in BASE_TYPES:
            base = BASE_TYPES[type_ref]
            return ANY if base is None else ItemType(type_ref, base)
        item = self.items.get(type_ref)
        if item is None:
            self.diagnostics.append(
                Diagnostic(
                    "DT703", Severity.WARNING, f"unknown type `{type_ref}`: values are not checked against it",
                    location, "declare it as an itemDefinition, or use a FEEL type such as number or string",
                )
            )  # fmt: skip
            return None
        return self.item(item)

    def item(self, item: ItemDefinition) -> ItemType | None:
        if item.name in self.done:
            return self.done[item.name]
        if item.name in self.busy:  # a recursive structure: stop checking at the loop
            return None
        self.busy.add(item.name)
        try:
            result = self.build(item)
        finally:
            self.busy.discard(item.name)
        if result is not None:
            self.done[item.name] = result
        return result

    def build(self, item: ItemDefinition, component: bool = False) -> ItemType | None:
        single = self.single(item, component)
        return ItemType(item.name, "list", element=single or ANY) if item.is_collection else single

    def single(self, item: ItemDefinition, component: bool = False) -> ItemType | None:
        if item.is_function:
            return ItemType(item.name, "function")
        if item.components:
            components = []
            for part in item.components:
                components.append((part.name, self.build(part, component=True) or ANY))
            return ItemType(item.name, "context", components=tuple(components))
        base = self.resolve(item.type_ref, item.location) if item.type_ref else ANY
        if base is None:
            return None
        if not item.allowed:
            if component:  # a component is named by its type: "expects a number"
                return base
            return ItemType(item.name, base.base, base.allowed, base.allowed_text, base.components, base.element)
        try:
            test = compile_unary_tests(parse_unary_tests(item.allowed))
        except (FeelSyntaxError, FeelCompileError) as error:
            self.diagnostics.append(
                Diagnostic(
                    "DT006", Severity.ERROR, f"allowed values of `{item.name}`: {error.message}", item.location,
                    error.hint,
                )
            )  # fmt: skip
            return base
        predicate = test.predicate
        return ItemType(item.name, base.base, lambda v: predicate(v, {}), item.allowed, base.components, base.element)
