"""Decision tables -> a DMN 1.3 model with its diagram (DMNDI).

The output validates against the OMG's ``DMN13.xsd`` and carries a shape
per decision and input data and an edge per information requirement, so
Camunda Modeler and dmn-js open it with its diagram. Inputs with allowed
values get an item definition, so a DMN engine checks them as the
workbook did; rule labels are kept in the rules' ``label`` attribute.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from lxml import etree

from engine.decision import CompiledTable
from engine.dmn.xml import DMN13
from engine.feel import values as V
from engine.inputs import InputSpec
from engine.model import Aggregator, DecisionTable, HitPolicy

DMNDI13 = "https://www.omg.org/spec/DMN/20191111/DMNDI/"
DC = "http://www.omg.org/spec/DMN/20180521/DC/"
DI = "http://www.omg.org/spec/DMN/20180521/DI/"
FEEL13 = "https://www.omg.org/spec/DMN/20191111/FEEL/"

_POLICIES = {
    HitPolicy.UNIQUE: "UNIQUE", HitPolicy.ANY: "ANY", HitPolicy.PRIORITY: "PRIORITY", HitPolicy.FIRST: "FIRST",
    HitPolicy.RULE_ORDER: "RULE ORDER", HitPolicy.OUTPUT_ORDER: "OUTPUT ORDER", HitPolicy.COLLECT: "COLLECT",
}  # fmt: skip
_AGGREGATIONS = {Aggregator.SUM: "SUM", Aggregator.MIN: "MIN", Aggregator.MAX: "MAX", Aggregator.COUNT: "COUNT"}

#: Shape sizes as Camunda Modeler draws them.
DECISION_SIZE = (180.0, 80.0)
INPUT_SIZE = (125.0, 45.0)
_COLUMN, _ROW, _MARGIN = 220, 150, 40


def _q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


class _Ids:
    """Unique XML ids (NCNames) made from names."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, prefix: str, name: str) -> str:
        base = prefix + re.sub(r"[^\w.-]", "_", name)
        ident, n = base, 1
        while ident in self.used:
            n += 1
            ident = f"{base}_{n}"
        self.used.add(ident)
        return ident


def allowed_text(allowed: tuple[Any, ...] | None, text: str | None) -> str | None:
    """Allowed values as unary-test text: as written when known, else from the values."""
    if text:
        return text
    if allowed is None:
        return None
    return ", ".join(V.describe(a) for a in allowed)


def write_dmn(tables: Sequence[CompiledTable], specs: Mapping[str, InputSpec], name: str) -> bytes:
    """A DMN 1.3 document for ``tables`` (chained by name), its inputs declared by ``specs``."""
    ids = _Ids()
    safe = re.sub(r"[^\w.-]", "_", name)
    root = etree.Element(
        _q(DMN13, "definitions"),
        nsmap={None: DMN13, "dmndi": DMNDI13, "dc": DC, "di": DI},
        id=ids.make("definitions_", name),
        name=name,
        namespace=f"urn:dtable:{safe}",
        exporter="dtable",
        exporterVersion="0.1.0",
    )
    decisions = {t.name: t for t in tables}
    decision_ids = {n: ids.make("decision_", n) for n in decisions}
    inputs = sorted({n for t in tables for n in t.reads if n not in decisions})
    input_ids = {n: ids.make("input_", n) for n in inputs}
    types: dict[str, str | None] = {}

    for input_name in inputs:
        spec = specs.get(input_name)
        types[input_name] = spec.type if spec else None
        text = allowed_text(spec.allowed, None) if spec else None
        if spec is not None and text:
            item = etree.SubElement(root, _q(DMN13, "itemDefinition"), id=ids.make("type_", input_name), name=f"t_{input_name}")  # fmt: skip
            if spec.type:
                etree.SubElement(item, _q(DMN13, "typeRef")).text = spec.type
            allowed = etree.SubElement(item, _q(DMN13, "allowedValues"))
            etree.SubElement(allowed, _q(DMN13, "text")).text = text
            types[input_name] = f"t_{input_name}"

    edges: list[tuple[str, str, str]] = []  # (requirement id, from element, to element)
    for table in tables:
        element = etree.SubElement(root, _q(DMN13, "decision"), id=decision_ids[table.name], name=table.name)
        variable = etree.SubElement(element, _q(DMN13, "variable"), id=ids.make("var_", table.name), name=table.name)
        if len(table.table.outputs) == 1 and table.table.outputs[0].type:
            variable.set("typeRef", table.table.outputs[0].type)
        for needed in sorted(table.reads):
            requirement = etree.SubElement(element, _q(DMN13, "informationRequirement"), id=ids.make("req_", f"{table.name}_{needed}"))  # fmt: skip
            if needed in decisions:
                etree.SubElement(requirement, _q(DMN13, "requiredDecision"), href=f"#{decision_ids[needed]}")
                edges.append((requirement.get("id") or "", decision_ids[needed], decision_ids[table.name]))
            else:
                etree.SubElement(requirement, _q(DMN13, "requiredInput"), href=f"#{input_ids[needed]}")
                edges.append((requirement.get("id") or "", input_ids[needed], decision_ids[table.name]))
        _decision_table(element, table.table, ids)

    for input_name in inputs:
        data = etree.SubElement(root, _q(DMN13, "inputData"), id=input_ids[input_name], name=input_name)
        variable = etree.SubElement(data, _q(DMN13, "variable"), id=ids.make("var_", input_name), name=input_name)
        if types[input_name]:
            variable.set("typeRef", types[input_name] or "")

    _diagram(root, tables, decision_ids, input_ids, edges, ids)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _text(parent: Any, tag: str, text: str, ids: _Ids | None = None, prefix: str = "") -> Any:
    element = etree.SubElement(parent, _q(DMN13, tag))
    if ids is not None:
        element.set("id", ids.make(prefix, ""))
    etree.SubElement(element, _q(DMN13, "text")).text = text
    return element


def _decision_table(parent: Any, table: DecisionTable, ids: _Ids) -> None:
    element = etree.SubElement(parent, _q(DMN13, "decisionTable"), id=ids.make("table_", table.name))
    if table.hit_policy is not HitPolicy.UNIQUE:
        element.set("hitPolicy", _POLICIES[table.hit_policy])
    if table.aggregator is not None:
        element.set("aggregation", _AGGREGATIONS[table.aggregator])
    for column in table.inputs:
        clause = etree.SubElement(element, _q(DMN13, "input"), id=ids.make("in_", f"{table.name}_{column.name}"))
        clause.set("label", column.label or column.name)
        expression = _text(clause, "inputExpression", column.expression.text, ids, f"inexpr_{table.name}_")
        if column.type:
            expression.set("typeRef", column.type)
        values = allowed_text(column.allowed, column.allowed_text)
        if values:
            _text(clause, "inputValues", values)
    for output in table.outputs:
        clause = etree.SubElement(element, _q(DMN13, "output"), id=ids.make("out_", f"{table.name}_{output.name}"), name=output.name)  # fmt: skip
        if output.label:
            clause.set("label", output.label)
        if output.type:
            clause.set("typeRef", output.type)
        values = allowed_text(output.allowed, output.allowed_text)
        if values:
            _text(clause, "outputValues", values)
        if output.default is not None:
            _text(clause, "defaultOutputEntry", output.default.text)
    for title in table.annotations:
        etree.SubElement(element, _q(DMN13, "annotation"), name=title)
    for rule in table.rules:
        row = etree.SubElement(element, _q(DMN13, "rule"), id=ids.make("rule_", f"{table.name}_{rule.number}"))
        if rule.label != str(rule.number):
            row.set("label", rule.label)
        for cell in rule.inputs:
            _text(row, "inputEntry", cell.text.strip() or "-", ids, f"entry_{table.name}_{rule.number}_")
        for cell in rule.outputs:
            _text(row, "outputEntry", cell.text.strip() or "null", ids, f"entry_{table.name}_{rule.number}_")
        for note in (*rule.annotations, *[""] * (len(table.annotations) - len(rule.annotations)))[: len(table.annotations)]:
            annotation = etree.SubElement(row, _q(DMN13, "annotationEntry"))
            etree.SubElement(annotation, _q(DMN13, "text")).text = note


def _diagram(root: Any, tables: Sequence[CompiledTable], decision_ids: Mapping[str, str], input_ids: Mapping[str, str], edges: Sequence[tuple[str, str, str]], ids: _Ids) -> None:  # fmt: skip
    """Layers: input data at the bottom, each decision one row above the highest it requires."""
    by_name = {t.name: t for t in tables}
    depth: dict[str, int] = {}

    def level(name: str, seen: frozenset[str] = frozenset()) -> int:
        if name not in depth:
            required = [n for n in by_name[name].reads if n in by_name and n not in seen]
            depth[name] = 1 + max((level(n, seen | {name}) for n in required), default=0)
        return depth[name]

    for name in by_name:
        level(name)
    top = max(depth.values(), default=0)
    rows: dict[int, list[str]] = {}
    for name in by_name:
        rows.setdefault(depth[name], []).append(decision_ids[name])
    rows[0] = list(input_ids.values())
    bounds: dict[str, tuple[float, float, float, float]] = {}
    for layer, elements in rows.items():
        width, height = (INPUT_SIZE if layer == 0 else DECISION_SIZE)
        y = _MARGIN + (top - layer) * _ROW + (DECISION_SIZE[1] - height) / 2
        for i, ident in enumerate(elements):
            x = _MARGIN + i * _COLUMN + (DECISION_SIZE[0] - width) / 2
            bounds[ident] = (x, y, width, height)

    dmndi = etree.SubElement(root, _q(DMNDI13, "DMNDI"))
    diagram = etree.SubElement(dmndi, _q(DMNDI13, "DMNDiagram"), id=ids.make("diagram_", ""))
    for ident, (x, y, width, height) in bounds.items():
        shape = etree.SubElement(diagram, _q(DMNDI13, "DMNShape"), id=ids.make("shape_", ident), dmnElementRef=ident)
        etree.SubElement(shape, _q(DC, "Bounds"), height=_n(height), width=_n(width), x=_n(x), y=_n(y))
    for requirement, source, target in edges:
        edge = etree.SubElement(diagram, _q(DMNDI13, "DMNEdge"), id=ids.make("edge_", requirement), dmnElementRef=requirement)  # fmt: skip
        sx, sy, sw, _ = bounds[source]
        tx, ty, tw, th = bounds[target]
        etree.SubElement(edge, _q(DI, "waypoint"), x=_n(sx + sw / 2), y=_n(sy))
        etree.SubElement(edge, _q(DI, "waypoint"), x=_n(tx + tw / 2), y=_n(ty + th))


def _n(value: float) -> str:
    return f"{value:g}"
