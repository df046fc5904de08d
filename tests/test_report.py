"""Renderers: text for analysts, JSON for scripts, SARIF 2.1.0 for code scanning."""

from __future__ import annotations

import json

from analysis_tables import make_table

from engine.analysis import analyse_table
from engine.diagnostics import Diagnostic, Severity
from engine.model import Location
from engine.report import JSON_SCHEMA, cell_position, render_json, render_sarif, render_text

BOOK = "tables/regler.xlsx"


def findings():
    ct = make_table(
        "registrering",
        "U",
        [("yrkesroll", "string", ("sjuksköterska", "läkare")), ("ersätter_besök", "boolean", None)],
        [("vårdkontakt", "string", None)],
        [
            (['"sjuksköterska"', "false"], ['"Text"']),
            (["-", "true"], ['"Distans"']),
            (['"läkare"', "true"], ['"Besök"']),
        ],
        workbook=BOOK,
    )
    loader = Diagnostic(
        "DT001", Severity.ERROR, "unexpected `,`", Location("andra", "C9", "tables/andra.xlsx"), decision="andra"
    )
    return [*analyse_table(ct), loader]


def test_text_groups_by_workbook_and_table_and_names_cells_and_rules():
    text = render_text(findings())
    lines = text.splitlines()
    assert lines[0] == BOOK
    assert lines[1] == "  decision registrering: 1 error, 1 warning, 0 info"
    assert lines[2] == (
        '    error   DT201 registrering!A9 [rules 2, 3]: rules 2 and 3 both match yrkesroll = "läkare", '
        "ersätter_besök = true"
    )
    assert '    warning DT101 registrering!A1: no rule covers yrkesroll = "läkare", ersätter_besök = false' in lines
    assert '            suggested rule: "läkare" | false | ?' in lines
    assert "tables/andra.xlsx" in lines
    assert "    error   DT001 andra!C9: unexpected `,`" in lines
    assert lines[-1] == "3 findings: 2 errors, 1 warning, 0 info"
    assert render_text([]) == "no findings"


def test_json_follows_the_documented_schema():
    document = json.loads(render_json(findings()))
    assert document["schema"] == JSON_SCHEMA
    assert document["summary"] == {"errors": 2, "warnings": 1, "infos": 0}
    gap = next(f for f in document["findings"] if f["code"] == "DT101")
    assert set(gap) == {
        "code", "severity", "check", "message", "hint", "detail", "workbook", "sheet", "cell",
        "location", "decision", "rules", "data",
    }  # fmt: skip
    assert gap["severity"] == "warning" and gap["check"] == "gap"
    assert (gap["workbook"], gap["sheet"], gap["cell"], gap["location"]) == (
        BOOK, "registrering", "A1", "registrering!A1"
    )  # fmt: skip
    assert gap["data"]["suggested_rule"]["inputs"] == ['"läkare"', "false"]
    loader = next(f for f in document["findings"] if f["code"] == "DT001")
    assert loader["check"] is None and loader["rules"] == []


def test_sarif_is_version_2_1_0_with_the_cells_as_locations():
    log = json.loads(render_sarif(findings()))
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} >= {"DT101", "DT201", "DT001"}
    by_code = {r["ruleId"]: r for r in run["results"]}
    overlap = by_code["DT201"]
    assert overlap["level"] == "error"
    assert rules[overlap["ruleIndex"]]["id"] == "DT201"
    (place,) = overlap["locations"]
    assert place["physicalLocation"]["artifactLocation"]["uri"] == BOOK
    assert place["physicalLocation"]["region"] == {"startLine": 9, "startColumn": 1}
    assert place["logicalLocations"][0]["fullyQualifiedName"] == "registrering!A9"
    assert overlap["message"]["text"].startswith("registrering!A9: rules 2 and 3 both match")
    loader = by_code["DT001"]["locations"][0]["physicalLocation"]
    assert loader["artifactLocation"]["uri"] == "tables/andra.xlsx"
    assert loader["region"] == {"startLine": 9, "startColumn": 3}
    assert by_code["DT101"]["level"] == "warning"
    assert [a["location"]["uri"] for a in run["artifacts"]] == [BOOK, "tables/andra.xlsx"]
    fingerprints = {r["partialFingerprints"]["dtableFinding/v1"] for r in run["results"]}
    assert len(fingerprints) == len(run["results"])


def test_cell_positions():
    assert cell_position("C7") == (7, 3)
    assert cell_position("AA10") == (10, 27)
    assert cell_position(None) is None
