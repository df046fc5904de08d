"""Reading DMN XML: the table model, boxed expressions, types, and diagnostics at element and line."""

from __future__ import annotations

import pytest
from helpers_core import only, write_xlsx
from helpers_dmn import DMN11, DMN12, DMN13, DMN14, DMN15, GRADE_TABLE, dmn, input_data, literal_decision, write_dmn

import engine
from engine.boxed import BoxedContext, Conditional, FunctionDefinition, Invocation, Iteration, Relation
from engine.dmn.reader import read_dmn, read_dmn_bytes
from engine.model import Aggregator, HitPolicy


@pytest.mark.parametrize("ns", [DMN11, DMN12, DMN13, DMN14, DMN15])
def test_every_dmn_version_reads_into_the_same_table_model(tmp_path, ns):
    model = engine.load(write_dmn(tmp_path / "grade.dmn", GRADE_TABLE, ns))
    table = model.tables["grade"].table
    assert table.hit_policy is HitPolicy.UNIQUE
    assert [c.name for c in table.inputs] == ["age"]
    assert table.outputs[0].allowed == ("child", "adult", "unknown")
    assert table.outputs[0].allowed_text == '"child", "adult", "unknown"'
    assert [r.annotations for r in table.rules] == [("law 1",), ("law 2",)]
    assert table.annotations == ("Source",)
    assert model.decide("grade", {"age": 12}).value == "child"
    assert model.decide("grade", {"age": 40}).value == "adult"
    assert model.decide("grade", {"age": 200}).value == "unknown"  # defaultOutputEntry


def test_locations_name_file_element_rule_column_and_line(tmp_path):
    path = write_dmn(tmp_path / "grade.dmn", GRADE_TABLE)
    table = engine.load(path).tables["grade"].table
    entry = table.rules[1].inputs[0]
    assert entry.text == "[18..120]"
    assert (entry.location.element, entry.location.rule, entry.location.column) == ("e21", 2, 1)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if 'id="e21"' in text)
    assert entry.location.line == line
    assert str(entry.location) == f"grade.dmn:{line} [#e21, rule 2, column 1]"


def test_a_syntax_error_in_an_entry_names_its_element_and_line(tmp_path):
    path = write_dmn(tmp_path / "bad.dmn", GRADE_TABLE.replace("[18..120]", "[18..120"))
    with pytest.raises(engine.LoadError) as caught:
        engine.load(path)
    found = only(caught.value.diagnostics, "DT001")
    assert found.location.element == "e21" and found.location.rule == 2
    assert found.message == "rule 2, input `age`: an interval is not closed"
    assert str(caught.value).startswith(f"bad.dmn:{found.location.line} [#e21, rule 2, column 1]: ")


@pytest.mark.parametrize(
    "policy, aggregation, expected",
    [("FIRST", None, (HitPolicy.FIRST, None)), ("RULE ORDER", None, (HitPolicy.RULE_ORDER, None)),
     ("COLLECT", "SUM", (HitPolicy.COLLECT, Aggregator.SUM)), ("COLLECT", "COUNT", (HitPolicy.COLLECT, Aggregator.COUNT))],
)  # fmt: skip
def test_hit_policies_and_aggregations(tmp_path, policy, aggregation, expected):
    attributes = f'hitPolicy="{policy}"' + (f' aggregation="{aggregation}"' if aggregation else "")
    model = engine.load(write_dmn(tmp_path / "m.dmn", GRADE_TABLE.replace('hitPolicy="UNIQUE"', attributes)))
    table = model.tables["grade"].table
    assert (table.hit_policy, table.aggregator) == expected


def test_an_unknown_hit_policy_is_dt002_at_the_table(tmp_path):
    with pytest.raises(engine.LoadError) as caught:
        engine.load(write_dmn(tmp_path / "m.dmn", GRADE_TABLE.replace('hitPolicy="UNIQUE"', 'hitPolicy="SOMETIMES"')))
    found = only(caught.value.diagnostics, "DT002")
    assert found.message == "`SOMETIMES` is not a hit policy"
    assert found.location.element == "t_grade"


def test_literal_expression_decisions_chain_with_tables(tmp_path):
    body = GRADE_TABLE + literal_decision("greeting", '"Hello " + grade', ()).replace(
        "<literalExpression>", '<informationRequirement><requiredDecision href="#d_grade"/></informationRequirement><literalExpression>'
    )
    model = engine.load(write_dmn(tmp_path / "m.dmn", body))
    assert set(model.decisions) == {"grade", "greeting"}
    assert model.decide("greeting", {"age": 7}).value == "Hello child"
    assert model.inputs_of("greeting") == {"age"}


def test_an_href_to_nothing_is_dt703_at_the_decision(tmp_path):
    body = input_data("x", "number") + literal_decision("d", "x", ("y",))
    with pytest.raises(engine.LoadError) as caught:
        engine.load(write_dmn(tmp_path / "m.dmn", body))
    found = only(caught.value.diagnostics, "DT703")
    assert "`#i_y` names no element" in found.message and found.location.element == "d_d"


def test_not_dmn_at_all_is_one_line_naming_the_root(tmp_path):
    path = tmp_path / "m.dmn"
    path.write_text('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>')
    with pytest.raises(engine.LoadError, match=r"not a DMN model: the root element is <html> in namespace http://www.w3.org/1999/xhtml"):  # fmt: skip
        engine.load(path)


def test_malformed_xml_says_the_line(tmp_path):
    path = tmp_path / "m.dmn"
    path.write_text(dmn(GRADE_TABLE).replace("</decisionTable>", "</decisionTabel>"))
    with pytest.raises(engine.LoadError, match=r"not well-formed XML: .* \(line \d+\)$"):
        engine.load(path)


def test_an_entity_bomb_is_refused_without_expanding_it(tmp_path):
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE definitions [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n'
        f'<definitions xmlns="{DMN15}" name="m" namespace="x"><decision name="d"><literalExpression><text>&c;</text>'
        "</literalExpression></decision></definitions>"
    )
    path = tmp_path / "bomb.dmn"
    path.write_text(bomb)
    with pytest.raises(engine.LoadError, match="a DOCTYPE is not allowed in a DMN file"):
        engine.load(path)


def test_an_external_entity_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    xxe = (
        f'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        f'<definitions xmlns="{DMN15}" name="m" namespace="x"><decision name="d"><literalExpression><text>"&x;"</text>'
        "</literalExpression></decision></definitions>"
    )
    with pytest.raises(engine.LoadError) as caught:
        (tmp_path / "x.dmn").write_text(xxe)
        engine.load(tmp_path / "x.dmn")
    assert "SECRET" not in str(caught.value)


def test_boxed_expressions_are_read_as_boxed_model():
    body = """
    <decision name="c" id="d_c"><context id="ctx">
      <contextEntry><variable name="a"/><literalExpression><text>1</text></literalExpression></contextEntry>
      <contextEntry><literalExpression><text>a + 1</text></literalExpression></contextEntry>
    </context></decision>
    <decision name="r" id="d_r"><relation><column name="x"/><column name="y"/>
      <row><literalExpression><text>1</text></literalExpression><literalExpression><text>2</text></literalExpression></row>
    </relation></decision>
    <decision name="i" id="d_i"><invocation><literalExpression><text>f</text></literalExpression>
      <binding><parameter name="p"/><literalExpression><text>3</text></literalExpression></binding></invocation></decision>
    <decision name="k" id="d_k"><conditional><if><literalExpression><text>true</text></literalExpression></if>
      <then><literalExpression><text>1</text></literalExpression></then>
      <else><literalExpression><text>2</text></literalExpression></else></conditional></decision>
    <decision name="e" id="d_e"><every iteratorVariable="v"><in><literalExpression><text>[1]</text></literalExpression></in>
      <satisfies><literalExpression><text>v > 0</text></literalExpression></satisfies></every></decision>
    <businessKnowledgeModel name="f" id="b_f"><encapsulatedLogic><formalParameter name="p" typeRef="number"/>
      <literalExpression><text>p * 2</text></literalExpression></encapsulatedLogic></businessKnowledgeModel>
    """
    definitions = read_dmn_bytes(dmn(body).encode(), "m.dmn")
    logic = {d.name: d.logic for d in definitions.decisions}
    assert isinstance(logic["c"], BoxedContext)
    assert [e.name for e in logic["c"].entries] == ["a", None]
    assert isinstance(logic["r"], Relation) and logic["r"].columns == ("x", "y") and len(logic["r"].rows) == 1
    assert isinstance(logic["i"], Invocation) and [b.parameter for b in logic["i"].bindings] == ["p"]
    assert isinstance(logic["k"], Conditional)
    assert isinstance(logic["e"], Iteration) and (logic["e"].kind, logic["e"].variable) == ("every", "v")
    bkm = definitions.knowledge[0].logic
    assert isinstance(bkm, FunctionDefinition) and [(p.name, p.type) for p in bkm.parameters] == [("p", "number")]


def test_item_definitions_and_dmn_type_semantics(tmp_path):
    body = """
    <itemDefinition name="tStatus"><typeRef>string</typeRef>
      <allowedValues><text>"EMPLOYED", "STUDENT"</text></allowedValues></itemDefinition>
    """ + input_data("status", "tStatus") + literal_decision("s", '"You are " + status', ("status",))
    path = write_dmn(tmp_path / "m.dmn", body)
    model = engine.load(path)
    assert model.typecheck == "dmn"
    assert model.decide("s", {"status": "STUDENT"}).value == "You are STUDENT"
    result = model.decide("s", {"status": "RETIRED"})
    assert result.value is None  # the input is null for DMN, so "You are " + null is null
    assert result.warnings == (
        'input `status`: the string "RETIRED" is not an allowed value of tStatus ("EMPLOYED", "STUDENT"); the value is null',
    )
    strict = engine.load(path, typecheck="strict")
    with pytest.raises(engine.InputError, match=r'input `status`: the string "RETIRED" is not an allowed value of tStatus'):
        strict.decide("s", {"status": "RETIRED"})
    with pytest.raises(engine.InputError, match=r"input `status` expects a tStatus \(string\), got the number 3"):
        strict.decide("s", {"status": 3})


def test_structured_types_check_each_component(tmp_path):
    body = """
    <itemDefinition name="tLoan">
      <itemComponent name="amount"><typeRef>number</typeRef></itemComponent>
      <itemComponent name="term"><typeRef>number</typeRef></itemComponent>
    </itemDefinition>
    """ + input_data("loan", "tLoan") + literal_decision("m", "loan.amount / loan.term", ("loan",))
    model = engine.load(write_dmn(tmp_path / "m.dmn", body))
    assert model.decide("m", {"loan": {"amount": 600, "term": 12}}).value == 50
    result = model.decide("m", {"loan": {"amount": "600", "term": 12}})
    assert result.value is None
    assert result.warnings == ('input `loan`: component `amount`: expects a number, got the string "600"; the value is null',)


def test_a_declared_decision_type_makes_a_non_conforming_result_null(tmp_path):
    body = literal_decision("n", '"text"', type_ref="number") + literal_decision("one", "[5]", type_ref="number")
    model = engine.load(write_dmn(tmp_path / "m.dmn", body))
    assert model.decide("n", {}).value is None
    assert model.decide("one", {}).value == 5  # a singleton list is its item


def test_a_decision_without_logic_is_null_with_a_warning(tmp_path):
    model = engine.load(write_dmn(tmp_path / "m.dmn", '<decision id="d_x" name="x"><variable name="x"/></decision>'))
    assert model.decide("x", {}).value is None
    assert only(model.diagnostics, "DT708").message == "decision `x` has no decision logic: its value is null"


def test_reader_keeps_every_problem_it_finds(tmp_path):
    body = (
        '<decision id="d1"><variable/><literalExpression><text>1</text></literalExpression></decision>'
        '<decision id="d2" name="y"><literalExpression expressionLanguage="javascript"><text>1</text></literalExpression></decision>'
    )
    definitions = read_dmn(write_dmn(tmp_path / "m.dmn", body))
    assert [(d.code, d.location.element) for d in definitions.diagnostics] == [("DT705", "d1"), ("DT702", "literalExpression")]


def test_one_front_door_reads_a_folder_of_workbooks_and_dmn(tmp_path):
    write_dmn(tmp_path / "grade.dmn", GRADE_TABLE)
    write_xlsx(tmp_path / "price.xlsx", [["Decision: price"], ["U", "input", "output"], ["Rule", "grade", "price"],
                                          ["R1", '"child"', "5"], ["R2", '"adult"', "10"]])  # fmt: skip
    model = engine.load(tmp_path, typecheck="dmn")
    assert model.decide("price", {"age": 9}).value == 5
    assert [p.name for p in model.sources] == ["grade.dmn", "price.xlsx"]


def test_a_dmn_model_with_the_wrong_suffix_is_read_by_its_content(tmp_path):
    path = write_dmn(tmp_path / "grade.xlsx", GRADE_TABLE)
    model = engine.load(path)
    assert model.decide("grade", {"age": 3}).value == "child"
    assert "the suffix `.xlsx` does not match its content, a DMN model" in only(model.diagnostics, "DT707").message


def test_the_workbook_default_stays_strict(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", [["Decision: d"], ["U", "input", "output"], ["Rule", "x", "o"],
                                            ["Type", "number", ""], ["R1", "> 1", "1"]])  # fmt: skip
    assert engine.load(path).typecheck == "strict"
    with pytest.raises(engine.InputError, match="input `x` expects a number"):
        engine.load(path).decide("d", {"x": "a"})
    relaxed = engine.load(path, typecheck="dmn").decide("d", {"x": "a"})
    assert relaxed.output is None and relaxed.warnings == ('input `x` expects a number, got the text "a"; the value is null',)
    with pytest.raises(ValueError, match="typecheck must be one of strict, dmn"):
        engine.load(path, typecheck="loose")


def test_cli_typecheck_option_chooses_the_semantics(tmp_path):
    import json
    import subprocess
    import sys

    from helpers_core import CLI

    path = write_xlsx(tmp_path / "t.xlsx", [["Decision: d"], ["F", "input", "output"], ["Rule", "x", "o"],
                                            ["Type", "number", ""], ["R1", "> 1", '"big"'], ["R2", "-", '"any"']])  # fmt: skip
    base = [sys.executable, str(CLI), "eval", str(path), "-d", "d", "-i", '{"x": "a"}']
    strict = subprocess.run(base, capture_output=True, text=True)
    assert strict.returncode == 2 and "input `x` expects a number" in strict.stderr
    relaxed = subprocess.run([*base, "--typecheck", "dmn"], capture_output=True, text=True)
    answer = json.loads(relaxed.stdout)
    assert relaxed.returncode == 0 and answer["output"] == {"o": "any"} and answer["matched"] == ["R2"]
    assert answer["warnings"] == ['input `x` expects a number, got the text "a"; the value is null']


def test_a_decision_service_evaluates_its_outputs_from_the_given_input_decisions(tmp_path):
    body = input_data("x", "number") + """
    <decisionService name="service" id="s"><variable name="service"/>
      <outputDecision href="#d_out"/><inputDecision href="#d_in"/><inputData href="#i_x"/></decisionService>
    <decision name="inner" id="d_in"><variable name="inner"/>
      <informationRequirement><requiredInput href="#i_x"/></informationRequirement>
      <literalExpression><text>x * 100</text></literalExpression></decision>
    <decision name="out" id="d_out"><variable name="out"/>
      <informationRequirement><requiredDecision href="#d_in"/></informationRequirement>
      <informationRequirement><requiredInput href="#i_x"/></informationRequirement>
      <literalExpression><text>inner + x</text></literalExpression></decision>
    """
    model = engine.load(write_dmn(tmp_path / "m.dmn", body))
    assert model.decide("out", {"x": 2}).value == 202  # inner computed
    result = model.decide("service", {"x": 2, "inner": 5})
    assert result.output == {"out": 7} and result.value == 7  # the input decision's value stands in for it
    assert model.inputs_of("service") == {"x", "inner"}
    assert model.decide("service", {"x": 2}).value is None  # inner not given: null, + gives null


def test_dmn_tables_get_the_structural_checks_a_sheet_gets(tmp_path):
    table = GRADE_TABLE.replace('hitPolicy="UNIQUE"', 'hitPolicy="PRIORITY"').replace(
        '<outputValues><text>"child", "adult", "unknown"</text></outputValues>', ""
    ).replace('<outputEntry id="e22"><text>"adult"</text></outputEntry>', '<outputEntry id="e22"><text></text></outputEntry>')
    loaded = engine.read(write_dmn(tmp_path / "m.dmn", table))
    dt007 = only(loaded.diagnostics, "DT007")
    assert dt007.message == "PRIORITY ranks rules by the outputs' values, but no output lists its output values"
    assert dt007.location.element == "t_grade"
    dt017 = only(loaded.diagnostics, "DT017")
    assert dt017.message == "rule 2 has no entry for output `grade`" and dt017.location.element == "e22"
