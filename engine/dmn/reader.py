"""DMN XML (1.1–1.5) -> :class:`~engine.dmn.model.Definitions`.

Decision tables become the engine's :class:`~engine.model.DecisionTable`,
the same table model the workbook reader produces; other logic becomes
:mod:`engine.boxed` expressions. Every problem is a diagnostic naming the
element (its id) and its line, collected, never raised one at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine import boxed as B
from engine.diagnostics import Diagnostic, Severity
from engine.dmn import xml
from engine.dmn.model import (
    Decision,
    DecisionService,
    Definitions,
    Import,
    InputData,
    ItemDefinition,
    KnowledgeModel,
    Requirement,
)
from engine.feel.literals import parse_literal_list
from engine.feel.parser import FeelSyntaxError
from engine.model import (
    Aggregator,
    Cell,
    DecisionTable,
    HitPolicy,
    InputColumn,
    Location,
    OutputColumn,
    Rule,
)

FEEL_LANGUAGES = ("", "feel", "http://www.omg.org/spec/feel/20140401")

_HIT_POLICIES = {
    "UNIQUE": HitPolicy.UNIQUE, "FIRST": HitPolicy.FIRST, "PRIORITY": HitPolicy.PRIORITY, "ANY": HitPolicy.ANY,
    "COLLECT": HitPolicy.COLLECT, "RULE ORDER": HitPolicy.RULE_ORDER, "OUTPUT ORDER": HitPolicy.OUTPUT_ORDER,
}  # fmt: skip
_AGGREGATORS = {"SUM": Aggregator.SUM, "MIN": Aggregator.MIN, "MAX": Aggregator.MAX, "COUNT": Aggregator.COUNT}
#: Types the table model declares on a column (engine.feel.values.TYPES); others are checked as DMN types.
_TABLE_TYPES = {"string", "number", "boolean", "date"}
_EXPRESSIONS = frozenset(
    {"literalExpression", "context", "list", "relation", "invocation", "functionDefinition", "decisionTable",
     "conditional", "filter", "for", "some", "every"}
)  # fmt: skip


def read_dmn(path: Path) -> Definitions:
    """Read one DMN file. Raises :class:`~engine.dmn.xml.DmnXmlError` if it is not DMN XML at all."""
    return _Reader(str(path)).definitions(xml.parse_file(path))


def read_dmn_bytes(data: bytes, source: str) -> Definitions:
    return _Reader(source).definitions(xml.parse_bytes(data, source))


def _ident(element: Any) -> str | None:
    return element.get("id") or None


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.diagnostics: list[Diagnostic] = []
        self.decision = ""  # the DRG element being read, for locations

    # ----------------------------------------------------------- helpers

    def at(self, element: Any, rule: int | None = None, column: int | None = None) -> Location:
        return Location(
            self.decision, None, self.file, _ident(element) or xml.local(element), element.sourceline, rule, column
        )

    def report(self, code: str, severity: Severity, message: str, element: Any, hint: str | None = None) -> None:
        self.diagnostics.append(
            Diagnostic(code, severity, message, self.at(element), hint, decision=self.decision or None)
        )

    def children(self, element: Any, name: str) -> list[Any]:
        return [c for c in element if xml.local(c) == name]

    def child(self, element: Any, name: str) -> Any:
        for c in element:
            if xml.local(c) == name:
                return c
        return None

    def text_of(self, element: Any) -> str:
        """The ``<text>`` child (or the element's own text, as DMN 1.1 typeRef children)."""
        if element is None:
            return ""
        text = self.child(element, "text")
        value = text.text if text is not None else None
        return (value or "").strip()

    def type_ref(self, element: Any) -> str | None:
        """``typeRef`` as an attribute (1.2+) or a child element (1.1, item definitions)."""
        if element is None:
            return None
        value = element.get("typeRef")
        if value is None:
            child = self.child(element, "typeRef")
            value = child.text if child is not None else None
        if value is None:
            return None
        value = value.strip()
        # DMN 1.1 writes QNames such as `feel:string`; the prefix says nothing to FEEL.
        if ":" in value and not value.startswith("{"):
            prefix, rest = value.split(":", 1)
            if prefix in ("feel", "dmn", "xsd", "FEEL"):
                value = rest
        return value or None

    def named(self, element: Any, what: str) -> str:
        name = (element.get("name") or "").strip()
        variable = self.child(element, "variable")
        if not name and variable is not None:
            name = (variable.get("name") or "").strip()
        if not name:
            self.report("DT705", Severity.ERROR, f"this {what} has no name", element, "add a `name` attribute")
        return name

    # ----------------------------------------------------------- the document

    def definitions(self, root: Any) -> Definitions:
        ns = xml.namespace(root)
        if xml.local(root) != "definitions" or ns not in xml.NAMESPACES:
            found = f"<{xml.local(root)}>" + (f" in namespace {ns}" if ns else "")
            raise xml.DmnXmlError(
                f"{self.file}: not a DMN model: the root element is {found}; expected <definitions> in a DMN 1.1–1.5 "
                "namespace",
                root.sourceline,
            )
        items, inputs, decisions, knowledge, services, imports = [], [], [], [], [], []
        for element in root:
            kind = xml.local(element)
            self.decision = ""
            if kind == "itemDefinition":
                items.append(self.item_definition(element))
            elif kind == "inputData":
                name = self.named(element, "input data")
                self.decision = name
                inputs.append(InputData(_ident(element) or name, name, self.type_ref(self.child(element, "variable")), self.at(element)))  # fmt: skip
            elif kind == "decision":
                decisions.append(self.read_decision(element))
            elif kind == "businessKnowledgeModel":
                knowledge.append(self.knowledge_model(element))
            elif kind == "decisionService":
                services.append(self.service(element))
            elif kind == "import":
                imports.append(
                    Import(
                        (element.get("name") or "").strip(), element.get("namespace") or "",
                        element.get("locationURI"), element.get("importType"), self.at(element),
                    )
                )  # fmt: skip
        return Definitions(
            root.get("name") or Path(self.file).stem, root.get("namespace") or "", self.file, xml.NAMESPACES[ns],
            tuple(items), tuple(inputs), tuple(decisions), tuple(knowledge), tuple(services), tuple(imports),
            tuple(self.diagnostics),
        )  # fmt: skip

    def item_definition(self, element: Any) -> ItemDefinition:
        name = (element.get("name") or "").strip()
        if not name:
            self.report("DT705", Severity.ERROR, "this item definition has no name", element, "add a `name` attribute")
        allowed = self.child(element, "allowedValues")
        components = tuple(self.item_definition(c) for c in self.children(element, "itemComponent"))
        return ItemDefinition(
            name,
            self.type_ref(element),
            self.text_of(allowed) if allowed is not None else None,
            components,
            (element.get("isCollection") or "false").strip() == "true",
            self.at(element),
            self.child(element, "functionItem") is not None,
        )

    def requirements(self, element: Any) -> tuple[Requirement, ...]:
        found = []
        for req in element:
            kind = xml.local(req)
            if kind == "informationRequirement":
                for target in req:
                    which = {"requiredDecision": "decision", "requiredInput": "input"}.get(xml.local(target))
                    if which:
                        found.append(Requirement(which, (target.get("href") or "").strip()))
            elif kind == "knowledgeRequirement":
                target = self.child(req, "requiredKnowledge")
                if target is not None:
                    found.append(Requirement("knowledge", (target.get("href") or "").strip()))
        return tuple(found)

    def read_decision(self, element: Any) -> Decision:
        name = self.named(element, "decision")
        self.decision = name
        logic = None
        for child in element:
            if xml.local(child) in _EXPRESSIONS:
                logic = self.expression(child, name)
                break
        return Decision(
            _ident(element) or name, name, self.type_ref(self.child(element, "variable")), logic,
            self.requirements(element), self.at(element),
        )  # fmt: skip

    def knowledge_model(self, element: Any) -> KnowledgeModel:
        name = self.named(element, "business knowledge model")
        self.decision = name
        logic = self.child(element, "encapsulatedLogic")
        function = self.function_definition(logic, name) if logic is not None else None
        return KnowledgeModel(
            _ident(element) or name, name, self.type_ref(self.child(element, "variable")), function,
            self.requirements(element), self.at(element),
        )  # fmt: skip

    def service(self, element: Any) -> DecisionService:
        name = self.named(element, "decision service")
        self.decision = name

        def hrefs(kind: str) -> tuple[str, ...]:
            return tuple((c.get("href") or "").strip() for c in self.children(element, kind))

        return DecisionService(
            _ident(element) or name, name, self.type_ref(self.child(element, "variable")),
            hrefs("outputDecision"), hrefs("encapsulatedDecision"), hrefs("inputDecision"), hrefs("inputData"),
            self.at(element),
        )  # fmt: skip

    # ----------------------------------------------------------- boxed expressions

    def expression(self, element: Any, name: str) -> B.Boxed | None:
        kind = xml.local(element)
        readers: dict[str, Callable[[Any, str], Any]] = {
            "literalExpression": self.literal,
            "context": self.context,
            "list": self.boxed_list,
            "relation": self.relation,
            "invocation": self.invocation,
            "functionDefinition": self.function_definition,
            "decisionTable": self.decision_table,
            "conditional": self.conditional,
            "filter": self.boxed_filter,
            "for": self.iteration,
            "some": self.iteration,
            "every": self.iteration,
        }
        reader = readers.get(kind)
        if reader is None:
            self.report("DT702", Severity.ERROR, f"<{kind}> is not a kind of decision logic this engine evaluates", element)  # fmt: skip
            return None
        return reader(element, name)

    def first_expression(self, element: Any, name: str) -> B.Boxed | None:
        if element is None:
            return None
        for child in element:
            if xml.local(child) in _EXPRESSIONS:
                return self.expression(child, name)
        return None

    def literal(self, element: Any, name: str) -> B.LiteralExpression:
        language = (element.get("expressionLanguage") or "").strip().lower()
        if language not in FEEL_LANGUAGES and "feel" not in language:
            self.report(
                "DT702", Severity.ERROR, f"the expression language {language!r} is not FEEL", element,
                "only FEEL expressions are evaluated",
            )  # fmt: skip
        return B.LiteralExpression(Cell(self.text_of(element), self.at(element)), self.type_ref(element))

    def context(self, element: Any, name: str) -> B.BoxedContext:
        entries = []
        for entry in self.children(element, "contextEntry"):
            variable = self.child(entry, "variable")
            key = (variable.get("name") or "").strip() if variable is not None else None
            value = self.first_expression(entry, key or name)
            if value is None:
                value = B.LiteralExpression(Cell("null", self.at(entry)))
            entries.append(B.ContextEntry(key or None, value, self.type_ref(variable)))
        return B.BoxedContext(tuple(entries), self.at(element))

    def boxed_list(self, element: Any, name: str) -> B.BoxedList:
        items = [self.expression(c, name) for c in element if xml.local(c) in _EXPRESSIONS]
        return B.BoxedList(tuple(i for i in items if i is not None), self.at(element))

    def relation(self, element: Any, name: str) -> B.Relation:
        columns = tuple((c.get("name") or "").strip() for c in self.children(element, "column"))
        rows = []
        for row in self.children(element, "row"):
            cells = [self.expression(c, name) for c in row if xml.local(c) in _EXPRESSIONS]
            if len(cells) != len(columns):
                self.report(
                    "DT704", Severity.ERROR, f"this row has {len(cells)} cells, but the relation has {len(columns)} columns",
                    row,
                )  # fmt: skip
            rows.append(tuple(c if c is not None else B.LiteralExpression(Cell("null", self.at(row)))for c in cells))
        return B.Relation(columns, tuple(rows), self.at(element))

    def invocation(self, element: Any, name: str) -> B.Invocation | None:
        function = self.first_expression(element, name)
        if function is None:
            self.report("DT704", Severity.ERROR, "this invocation names no function", element)
            return None
        bindings = []
        for binding in self.children(element, "binding"):
            parameter = self.child(binding, "parameter")
            key = (parameter.get("name") or "").strip() if parameter is not None else ""
            bindings.append(B.Binding(key, self.first_expression(binding, name)))
        return B.Invocation(function, tuple(bindings), self.at(element))

    def function_definition(self, element: Any, name: str) -> B.FunctionDefinition:
        parameters = tuple(
            B.Parameter((p.get("name") or "").strip(), self.type_ref(p)) for p in self.children(element, "formalParameter")
        )
        kind = (element.get("kind") or "FEEL").strip()
        return B.FunctionDefinition(parameters, self.first_expression(element, name), self.at(element), kind)

    def conditional(self, element: Any, name: str) -> B.Conditional | None:
        parts = [self.first_expression(self.child(element, key), name) for key in ("if", "then", "else")]
        if any(p is None for p in parts):
            self.report("DT704", Severity.ERROR, "a conditional needs an if, a then and an else expression", element)
            return None
        condition, then, otherwise = parts
        assert condition is not None and then is not None and otherwise is not None
        return B.Conditional(condition, then, otherwise, self.at(element))

    def boxed_filter(self, element: Any, name: str) -> B.BoxedFilter | None:
        items = self.first_expression(self.child(element, "in"), name)
        condition = self.first_expression(self.child(element, "match"), name)
        if items is None or condition is None:
            self.report("DT704", Severity.ERROR, "a filter needs an `in` and a `match` expression", element)
            return None
        return B.BoxedFilter(items, condition, self.at(element))

    def iteration(self, element: Any, name: str) -> B.Iteration | None:
        kind = xml.local(element)
        source = self.first_expression(self.child(element, "in"), name)
        body = self.first_expression(self.child(element, "return" if kind == "for" else "satisfies"), name)
        variable = (element.get("iteratorVariable") or "").strip()
        if source is None or body is None or not variable:
            self.report("DT704", Severity.ERROR, f"a boxed `{kind}` needs an iterator variable, `in` and a body", element)
            return None
        return B.Iteration(kind, variable, source, body, self.at(element))

    # ----------------------------------------------------------- decision tables

    def decision_table(self, element: Any, name: str) -> DecisionTable:
        policy_text = (element.get("hitPolicy") or "UNIQUE").strip().upper().replace("_", " ")
        policy = _HIT_POLICIES.get(policy_text)
        if policy is None:
            self.report(
                "DT002", Severity.ERROR, f"`{policy_text}` is not a hit policy", element,
                "write one of " + ", ".join(_HIT_POLICIES),
            )  # fmt: skip
            policy = HitPolicy.UNIQUE
        aggregation = element.get("aggregation")
        aggregator = None
        if aggregation:
            aggregator = _AGGREGATORS.get(aggregation.strip().upper())
            if aggregator is None:
                self.report("DT002", Severity.ERROR, f"`{aggregation}` is not an aggregation", element, "write SUM, MIN, MAX or COUNT")  # fmt: skip
            elif policy is not HitPolicy.COLLECT:
                self.report("DT002", Severity.ERROR, f"aggregation {aggregation} needs hit policy COLLECT", element)
                aggregator = None

        inputs: list[InputColumn] = []
        for number, column in enumerate(self.children(element, "input"), 1):
            expression = self.child(column, "inputExpression")
            text = self.text_of(expression)
            values = self.child(column, "inputValues")
            allowed_text = self.text_of(values) if values is not None else None
            inputs.append(
                InputColumn(
                    Cell(text, self.at(expression if expression is not None else column, column=number)),
                    self.table_type(self.type_ref(expression)),
                    self.literals(allowed_text, values),
                    allowed_text or None,
                    label=column.get("label"),
                )
            )
        outputs: list[OutputColumn] = []
        output_elements = self.children(element, "output")
        for number, column in enumerate(output_elements, len(inputs) + 1):
            values = self.child(column, "outputValues")
            allowed_text = self.text_of(values) if values is not None else None
            default = self.child(column, "defaultOutputEntry")
            out_name = (column.get("name") or "").strip() or (name if len(output_elements) == 1 else "")
            if not out_name:
                self.report("DT004", Severity.ERROR, "an output of a table with several outputs needs a name", column)
            outputs.append(
                OutputColumn(
                    out_name,
                    self.at(column, column=number),
                    self.table_type(self.type_ref(column)),
                    self.literals(allowed_text, values),
                    Cell(self.text_of(default), self.at(default)) if default is not None else None,
                    allowed_text or None,
                    label=column.get("label"),
                )
            )
        annotations = tuple((a.get("name") or "").strip() for a in self.children(element, "annotation"))
        rules: list[Rule] = []
        for number, rule in enumerate(self.children(element, "rule"), 1):
            entries = self.children(rule, "inputEntry")
            results = self.children(rule, "outputEntry")
            if len(entries) != len(inputs) or len(results) != len(outputs):
                self.report(
                    "DT004", Severity.ERROR,
                    f"rule {number} has {len(entries)} input and {len(results)} output entries; the table has "
                    f"{len(inputs)} inputs and {len(outputs)} outputs",
                    rule,
                )  # fmt: skip
            cells_in = tuple(
                Cell(self.text_of(e), self.at(e, number, i)) for i, e in enumerate(entries[: len(inputs)], 1)
            )
            cells_in += tuple(Cell("-", self.at(rule, number)) for _ in range(len(inputs) - len(cells_in)))
            cells_out = tuple(
                Cell(self.text_of(e), self.at(e, number, len(inputs) + i))
                for i, e in enumerate(results[: len(outputs)], 1)
            )
            cells_out += tuple(Cell("", self.at(rule, number)) for _ in range(len(outputs) - len(cells_out)))
            notes = [self.text_of(a) for a in self.children(rule, "annotationEntry")]
            description = self.child(rule, "description")
            if not notes and description is not None and annotations == () and (description.text or "").strip():
                notes = [(description.text or "").strip()]
            notes = (notes + [""] * len(annotations))[: max(len(annotations), len(notes))]
            label = (rule.get("label") or "").strip() or str(number)
            rules.append(Rule(label, number, cells_in, cells_out, tuple(notes), self.at(rule, number)))
        if not annotations and any(r.annotations for r in rules):
            annotations = ("Description",)
        return DecisionTable(
            name, policy, aggregator, tuple(inputs), tuple(outputs), annotations, tuple(rules), self.at(element)
        )

    def table_type(self, type_ref: str | None) -> str | None:
        return type_ref if type_ref in _TABLE_TYPES else None

    def literals(self, text: str | None, element: Any) -> tuple[Any, ...] | None:
        """Allowed values as literals when they are a plain list (else only their text is kept)."""
        if not text:
            return None
        try:
            return parse_literal_list(text)
        except FeelSyntaxError:
            return None
