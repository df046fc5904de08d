"""Writing DMN 1.3 and workbooks: schema-valid, with a diagram, and the same answers after a round trip."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from helpers_core import CLI, SHIPPED, memory_table, write_xlsx
from helpers_dmn import GRADE_TABLE, input_data, literal_decision, write_dmn, xsd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from test_reference_agreement import table_and_inputs

import engine
from engine.convert import convert
from engine.dmn.schema import schema_errors
from engine.dmn.writer import DMNDI13
from engine.dmn.writer import write_dmn as dmn_bytes
from engine.dmn.xml import DMN13
from engine.sheet_writer import ConversionError, table_rows
from engine.testing import run_tests


def outcome(model: engine.Model, decision: str, case: dict[str, Any]) -> tuple:
    try:
        result = model.decide(decision, case)
    except engine.DecisionError as error:
        return ("DecisionError", error.rules)
    except engine.InputError:
        return ("InputError",)
    return ("ok", result.value, result.matched)


def test_the_shipped_rulebook_as_dmn_is_valid_dmn13_with_a_diagram(tmp_path):
    target = tmp_path / "1177.dmn"
    assert convert([SHIPPED], target) == f"3 decisions -> {target} (DMN 1.3, with a diagram)"
    document = target.read_bytes()
    assert schema_errors(document, xsd()) == []
    root = etree.fromstring(document)
    assert root.tag == f"{{{DMN13}}}definitions"
    elements = {e.get("id") for e in root if e.tag in (f"{{{DMN13}}}decision", f"{{{DMN13}}}inputData")}
    shapes = {s.get("dmnElementRef") for s in root.iter(f"{{{DMNDI13}}}DMNShape")}
    assert shapes == elements and len(elements) == 3 + 5
    requirements = {r.get("id") for r in root.iter(f"{{{DMN13}}}informationRequirement")}
    edges = {e.get("dmnElementRef") for e in root.iter(f"{{{DMNDI13}}}DMNEdge")}
    assert edges == requirements and requirements
    assert all(len(e.findall("{http://www.omg.org/spec/DMN/20180521/DI/}waypoint")) == 2 for e in root.iter(f"{{{DMNDI13}}}DMNEdge"))


def test_the_shipped_rulebook_as_dmn_answers_every_test_case_identically(tmp_path):
    workbook = engine.load(SHIPPED)
    target = tmp_path / "1177.dmn"
    convert([SHIPPED], target)
    as_dmn = engine.load(target, typecheck="strict")
    outcomes = run_tests(workbook)
    assert len(outcomes) == 61 and all(o.passed for o in outcomes)
    for table in workbook.tests:
        for case in table.cases:
            inputs = {n: _literal(c.text) for n, c in case.inputs.items()}
            assert outcome(as_dmn, table.decision, inputs) == outcome(workbook, table.decision, inputs), case.label


def _literal(text: str) -> Any:
    from engine.feel.literals import parse_literal

    return parse_literal(text)


def test_rule_labels_annotations_and_allowed_values_survive(tmp_path):
    convert([SHIPPED], tmp_path / "1177.dmn")
    back = engine.load(tmp_path / "1177.dmn").tables["kontakttyp"].table
    original = engine.load(SHIPPED).tables["kontakttyp"].table
    assert [r.label for r in back.rules] == [r.label for r in original.rules] == ["R1", "R2", "R3", "R4", "R5"]
    assert [r.annotations for r in back.rules] == [r.annotations for r in original.rules]
    assert [c.allowed for c in back.inputs] == [c.allowed for c in original.inputs]
    assert back.outputs[0].allowed == original.outputs[0].allowed


def test_a_dmn_table_converts_to_a_workbook_that_lints_and_evaluates(tmp_path):
    source = write_dmn(tmp_path / "grade.dmn", GRADE_TABLE + literal_decision("twice", "age * 2", ("age",)))
    target = tmp_path / "grade.xlsx"
    assert convert([source], target) == f"2 decisions -> {target} (a workbook, one sheet per decision)"
    lint = subprocess.run([sys.executable, str(CLI), "lint", str(target)], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    workbook = engine.load(target)
    assert workbook.typecheck == "strict"
    assert workbook.decide("grade", {"age": 5}).value == "child"
    assert workbook.decide("grade", {"age": 500}).value == "unknown"
    assert workbook.decide("twice", {"age": 4}).value == 8
    table = workbook.tables["grade"].table
    assert table.outputs[0].allowed == ("child", "adult", "unknown") and table.inputs[0].type == "number"


def test_a_tck_level2_table_converts_to_a_workbook_with_the_same_answers(tmp_path):
    folder = xsd().parent / "compliance-level-2" / "0010-multi-output-U"
    source = folder / "0010-multi-output-U.dmn"
    target = tmp_path / "approval.xlsx"
    convert([source], target)
    original, converted = engine.load(source), engine.load(target, typecheck="dmn")
    for age in (10, 18, 30):
        for risk in ("Low", "Medium", "High"):
            for affordable in (True, False):
                case = {"Age": age, "RiskCategory": risk, "isAffordable": affordable}
                assert converted.decide("Approval", case).value == original.decide("Approval", case).value


def test_convert_refuses_what_it_cannot_write_and_never_an_input(tmp_path):
    source = write_dmn(tmp_path / "f.dmn", input_data("x", "number") + """
      <businessKnowledgeModel name="f" id="b_f"><encapsulatedLogic><formalParameter name="p"/>
        <literalExpression><text>p</text></literalExpression></encapsulatedLogic></businessKnowledgeModel>""")
    (tmp_path / "f.dmn").write_text((tmp_path / "f.dmn").read_text())
    with pytest.raises(ConversionError, match="the output must be a .dmn or .xlsx file"):
        convert([SHIPPED], tmp_path / "out.json")
    copy = write_xlsx(tmp_path / "t.xlsx", [["Decision: d"], ["U", "input", "output"], ["Rule", "x", "o"], ["R1", "-", "1"]])  # fmt: skip
    before = copy.read_bytes()
    with pytest.raises(ConversionError, match="refusing to write over the input"):
        convert([copy], copy)
    assert copy.read_bytes() == before
    run = subprocess.run([sys.executable, str(CLI), "convert", str(copy), str(copy)], capture_output=True, text=True)
    assert run.returncode == 2 and run.stderr.startswith("dtable: error: refusing to write over the input")
    assert source.exists()


def test_a_failed_conversion_leaves_an_existing_output_untouched(tmp_path):
    body = literal_decision("c", "1") .replace("<literalExpression><text>1</text></literalExpression>", """
      <context><contextEntry><variable name="a"/><literalExpression><text>1</text></literalExpression></contextEntry></context>""")
    source = write_dmn(tmp_path / "c.dmn", body)
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"keep me")
    with pytest.raises((ConversionError, engine.LoadError)):
        convert([source], target)
    assert target.read_bytes() == b"keep me"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


# ------------------------------------------------------------------ the round trip


@pytest.mark.parametrize("policy", ["U", "A", "P", "F", "R", "O", "C", "C+", "C#"])
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_tables_survive_workbook_to_dmn_to_workbook(tmp_path, policy, data):
    drawn = data.draw(table_and_inputs(policy), label="table")
    table = memory_table(policy, drawn["inputs"], drawn["outputs"], drawn["rules"], name="d", defaults=drawn["defaults"])
    first = write_xlsx(tmp_path / "first.xlsx", {"d": table_rows(table)})
    try:
        workbook = engine.load(first)
    except engine.LoadError:
        return  # a drawn table the workbook reader itself refuses (e.g. an interval of two kinds)
    convert([first], tmp_path / "d.dmn")
    convert([tmp_path / "d.dmn"], tmp_path / "second.xlsx")
    as_dmn = engine.load(tmp_path / "d.dmn", typecheck="strict")
    second = engine.load(tmp_path / "second.xlsx")
    for case in drawn["cases"]:
        expected = outcome(workbook, "d", case)
        assert outcome(as_dmn, "d", case) == expected, case
        assert outcome(second, "d", case) == expected, case


def test_dmn_bytes_are_deterministic():
    loaded = engine.read(SHIPPED)
    assert dmn_bytes(loaded.tables, loaded.specs, "x") == dmn_bytes(loaded.tables, loaded.specs, "x")
