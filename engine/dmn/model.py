"""The DMN model as a file states it: definitions, item definitions, the DRG.

Built by :mod:`engine.dmn.reader`; requirement references (``href``) are
kept as written and resolved to names when the model is lowered into the
engine's decisions (:mod:`engine.dmn.lower`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.boxed import Boxed
from engine.diagnostics import Diagnostic
from engine.model import Location


@dataclass(frozen=True)
class ItemDefinition:
    name: str
    type_ref: str | None  # a base type or another item definition
    allowed: str | None  # allowedValues as written: unary tests
    components: tuple["ItemDefinition", ...]
    is_collection: bool
    location: Location
    is_function: bool = False


@dataclass(frozen=True)
class Requirement:
    kind: str  # "decision", "input" or "knowledge"
    href: str  # "#id", or "namespace#id" into an import


@dataclass(frozen=True)
class InputData:
    id: str
    name: str
    type_ref: str | None
    location: Location


@dataclass(frozen=True)
class Decision:
    id: str
    name: str
    type_ref: str | None
    logic: Boxed | None
    requirements: tuple[Requirement, ...]
    location: Location


@dataclass(frozen=True)
class KnowledgeModel:
    """A business knowledge model: a named function (``encapsulatedLogic``)."""

    id: str
    name: str
    type_ref: str | None
    logic: Boxed | None  # a FunctionDefinition
    requirements: tuple[Requirement, ...]
    location: Location


@dataclass(frozen=True)
class DecisionService:
    id: str
    name: str
    type_ref: str | None
    outputs: tuple[str, ...]  # hrefs of the output decisions
    encapsulated: tuple[str, ...]
    input_decisions: tuple[str, ...]
    input_data: tuple[str, ...]
    location: Location


@dataclass(frozen=True)
class Import:
    name: str
    namespace: str
    location_uri: str | None
    import_type: str | None
    location: Location


@dataclass(frozen=True)
class Definitions:
    name: str
    namespace: str
    file: str
    version: str
    items: tuple[ItemDefinition, ...] = ()
    inputs: tuple[InputData, ...] = ()
    decisions: tuple[Decision, ...] = ()
    knowledge: tuple[KnowledgeModel, ...] = ()
    services: tuple[DecisionService, ...] = ()
    imports: tuple[Import, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = field(default=(), compare=False)
