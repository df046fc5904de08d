"""The TCK runner (bench/tck.py): reading test values, comparing, its command-line interface."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from helpers_core import REPO
from helpers_dmn import GRADE_TABLE, dmn, input_data, literal_decision, tck_module
from lxml import etree

tck = tck_module()

NS = 'xmlns="http://www.omg.org/spec/DMN/20160719/testcase" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"'  # noqa: E501


def node(xml: str):
    return etree.fromstring(f"<inputNode {NS}>{xml}</inputNode>")


@pytest.mark.parametrize(
    "xml, expected",
    [
        ('<value xsi:type="xsd:string">a b</value>', "a b"),
        ('<value xsi:type="xsd:decimal">0.0375</value>', Decimal("0.0375")),
        ('<value xsi:type="xsd:double">1.5E2</value>', Decimal("150")),
        ('<value xsi:type="xsd:decimal">360</value>', 360),
        ('<value xsi:type="xsd:boolean">false</value>', False),
        ('<value xsi:nil="true"/>', None),
        ('<component name="a"><value xsi:type="xsd:decimal">1</value></component>'
         '<component name="b"><list><item><value xsi:type="xsd:string">x</value></item>'
         '<item><component name="c"><value xsi:nil="true"/></component></item></list></component>',
         {"a": 1, "b": ["x", {"c": None}]}),
    ],
)  # fmt: skip
def test_input_values_become_feel_values_to_any_depth(xml, expected):
    value = tck.value_of(node(xml))
    assert value == expected and type(value) is type(expected)


def test_a_date_value_uses_the_feel_date_built_in():
    assert str(tck.value_of(node('<value xsi:type="xsd:date">2026-01-31</value>'))) == "2026-01-31"


@pytest.mark.parametrize(
    "expected, actual, same",
    [
        (Decimal("2878.69354943277"), Decimal("2878.693549432773470164432101"), True),  # 15 digits written
        (Decimal("2878.69354943277"), Decimal("2878.69354953277"), False),
        (Decimal("54.59815003"), Decimal("54.5981500331442390781102612"), True),  # exp(4) to the digits written
        (Decimal("54.59815003"), Decimal("54.5981501"), False),
        (Decimal("5.5"), Decimal("5.45"), False),  # short values are met exactly
        (0, Decimal("0"), True),
        ("a", "a ", False),
        (["a", "b"], ["b", "a"], False),
        ({"x": 1, "y": [1]}, {"y": [Decimal(1)], "x": 1}, True),
        ({"x": 1}, {"x": 1, "y": 2}, False),
        (None, None, True),
        (None, "", False),
        (True, 1, False),
    ],
)
def test_comparison_follows_the_reference_runners(expected, actual, same):
    assert tck.same(expected, actual) is same


def write_tck(root: Path) -> Path:
    """A two-level TCK with one model each: one case passes, one fails, one expects an error."""
    folder = root / "compliance-level-2" / "0001-grade"
    folder.mkdir(parents=True)
    (folder / "0001-grade.dmn").write_text(dmn(GRADE_TABLE), "utf-8")
    (folder / "0001-grade-test-01.xml").write_text(
        f"""<testCases {NS}><modelName>0001-grade.dmn</modelName>
        <testCase id="001"><inputNode name="age"><value xsi:type="xsd:decimal">10</value></inputNode>
          <resultNode name="grade" type="decision"><expected><value xsi:type="xsd:string">child</value></expected></resultNode></testCase>
        <testCase id="002"><inputNode name="age"><value xsi:type="xsd:decimal">30</value></inputNode>
          <resultNode name="grade" type="decision"><expected><value xsi:type="xsd:string">child</value></expected></resultNode></testCase>
        </testCases>""",
        "utf-8",
    )
    folder = root / "compliance-level-3" / "0002-div"
    folder.mkdir(parents=True)
    body = input_data("x", "number") + literal_decision("half", "x / 0", ("x",))
    (folder / "0002-div.dmn").write_text(dmn(body), "utf-8")
    (folder / "0002-div-test-01.xml").write_text(
        f"""<testCases {NS}><modelName>0002-div.dmn</modelName>
        <testCase id="e1"><inputNode name="x"><value xsi:type="xsd:decimal">1</value></inputNode>
          <resultNode name="half" errorResult="true" type="decision"><expected><value xsi:nil="true"/></expected></resultNode></testCase>
        </testCases>""",
        "utf-8",
    )
    return root


def test_command_line_writes_the_tck_results_format_and_ends_with_json(tmp_path):
    root = write_tck(tmp_path / "TestCases")
    results = tmp_path / "results.csv"
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "tck.py"), str(root), "--results", str(results), "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    lines = run.stdout.strip().splitlines()
    assert json.loads(lines[-1]) == {"level2": {"passed": 1, "total": 2}, "level3": {"passed": 1, "total": 1}}
    assert "level2 0001-grade: 1/2" in lines
    assert "level2: 1 of 2 test cases pass" in lines
    rows = list(csv.reader(results.open()))
    assert rows[0] == ["0001-grade", "0001-grade-test-01", "001", "SUCCESS", ""]
    assert rows[1][:4] == ["0001-grade", "0001-grade-test-01", "002", "ERROR"]
    assert rows[1][4] == 'grade: expected "child", got "adult"'
    assert rows[2] == ["0002-div", "0002-div-test-01", "e1", "SUCCESS", ""]  # errorResult: null counts


def test_a_decision_that_does_not_compile_fails_only_its_own_cases(tmp_path):
    root = write_tck(tmp_path / "TestCases")
    model = root / "compliance-level-2" / "0001-grade" / "0001-grade.dmn"
    model.write_text(dmn(GRADE_TABLE + literal_decision("broken", "1 +", ())), "utf-8")
    results, tallies = tck.run(root, {"level2"})
    assert tallies["level2"].passed == 1  # grade still runs


def test_an_absent_tck_says_where_it_looked_and_how_to_point_at_one(tmp_path, capsys):
    assert tck.main([str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert f"no DMN TCK at {tmp_path / 'nowhere'}" in err and "set DMN_TCK_DIR" in err


def gate(root: Path, minimum: int, ci: str | None, monkeypatch, capsys) -> tuple[int, str, str]:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    code = tck.main([str(root), "--quiet", "--gate", str(minimum)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_gate_fails_below_its_level2_count(tmp_path, monkeypatch, capsys):
    root = write_tck(tmp_path / "TestCases")
    assert gate(root, 1, None, monkeypatch, capsys)[0] == 0
    code, out, err = gate(root, 2, None, monkeypatch, capsys)
    assert code == 1
    assert "tck: FAILED: level 2 passes 1 of 2; the gate wants 2" in err
    assert "level2 0001-grade: 1/2" in out and "level3: 1 of 1 test cases pass" in out


def test_an_absent_tck_fails_the_gate_in_ci_and_says_so_elsewhere(tmp_path, monkeypatch, capsys):
    code, _, err = gate(tmp_path / "nowhere", 116, "true", monkeypatch, capsys)
    assert code == 1 and f"no DMN TCK at {tmp_path / 'nowhere'}" in err
    code, _, err = gate(tmp_path / "nowhere", 116, None, monkeypatch, capsys)
    assert code == 0
    assert "set DMN_TCK_DIR" in err and "the TCK gate did not run" in err
