"""Writing small DMN models inside a test.

``dmn(body)`` wraps the elements of a model in ``<definitions>`` (DMN 1.5
unless another namespace is given); ``write_dmn`` puts it in a file.
"""

from __future__ import annotations

from pathlib import Path

DMN11 = "http://www.omg.org/spec/DMN/20151101/dmn.xsd"
DMN12 = "http://www.omg.org/spec/DMN/20180521/MODEL/"
DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"
DMN14 = "https://www.omg.org/spec/DMN/20211108/MODEL/"
DMN15 = "https://www.omg.org/spec/DMN/20230324/MODEL/"


def dmn(body: str, ns: str = DMN15, name: str = "m") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<definitions xmlns="{ns}" name="{name}" id="defs" namespace="http://example.com/{name}">\n'
        f"{body}\n</definitions>\n"
    )


def write_dmn(path: Path, body: str, ns: str = DMN15, name: str = "m") -> Path:
    path.write_text(dmn(body, ns, name), "utf-8")
    return path


def input_data(name: str, type_ref: str | None = None, ident: str | None = None) -> str:
    typed = f' typeRef="{type_ref}"' if type_ref else ""
    return f'<inputData id="{ident or "i_" + name.replace(" ", "_")}" name="{name}"><variable name="{name}"{typed}/></inputData>'


def literal_decision(name: str, text: str, requires: tuple[str, ...] = (), type_ref: str | None = None) -> str:
    typed = f' typeRef="{type_ref}"' if type_ref else ""
    reqs = "".join(
        f'<informationRequirement><requiredInput href="#i_{r.replace(" ", "_")}"/></informationRequirement>'
        for r in requires
    )
    return (
        f'<decision id="d_{name.replace(" ", "_")}" name="{name}"><variable name="{name}"{typed}/>{reqs}'
        f"<literalExpression><text>{text}</text></literalExpression></decision>"
    )


# A UNIQUE table over one number input, as Camunda Modeler writes it.
GRADE_TABLE = """
  <inputData id="i_age" name="age"><variable name="age" typeRef="number"/></inputData>
  <decision id="d_grade" name="grade">
    <variable name="grade" typeRef="string"/>
    <informationRequirement><requiredInput href="#i_age"/></informationRequirement>
    <decisionTable id="t_grade" hitPolicy="UNIQUE">
      <input id="c_age" label="Age"><inputExpression typeRef="number"><text>age</text></inputExpression></input>
      <output id="c_grade" name="grade" typeRef="string">
        <outputValues><text>"child", "adult", "unknown"</text></outputValues>
        <defaultOutputEntry><text>"unknown"</text></defaultOutputEntry>
      </output>
      <annotation name="Source"/>
      <rule id="r1">
        <inputEntry id="e11"><text>&lt; 18</text></inputEntry>
        <outputEntry id="e12"><text>"child"</text></outputEntry>
        <annotationEntry><text>law 1</text></annotationEntry>
      </rule>
      <rule id="r2">
        <inputEntry id="e21"><text>[18..120]</text></inputEntry>
        <outputEntry id="e22"><text>"adult"</text></outputEntry>
        <annotationEntry><text>law 2</text></annotationEntry>
      </rule>
    </decisionTable>
  </decision>
"""


def tck_module():
    """bench/tck.py as a module (it is a script, not part of the package)."""
    import importlib.util
    import sys

    if "tck" in sys.modules:
        return sys.modules["tck"]
    repo = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("tck", repo / "bench" / "tck.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["tck"] = module
    spec.loader.exec_module(module)
    return module


def xsd() -> Path:
    """DMN13.xsd, which the OMG publishes and the TCK ships (read there, never copied into the repo)."""
    path = tck_module().default_tck_dir() / "DMN13.xsd"
    assert path.is_file(), f"DMN13.xsd not found at {path}: set DMN_TCK_DIR to the TCK's TestCases folder, which holds it"
    return path
