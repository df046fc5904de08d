"""`dtable audit`: registrations checked against the rulebook, every deviation reported."""

from __future__ import annotations

import csv
import subprocess
import sys

import openpyxl
import pytest
from helpers_core import CLI, SHIPPED

import engine
from engine.audit import audit, parse_mapping
from engine.batch import BatchError

HEADER = ["yrkesroll", "kontakt", "ärendetyp", "vidare", "ersätter_besök", "registreras", "vårdkontakt_pmo"]
ROWS = [
    ["sjuksköterska", "1177 direkt", "egenvårdsråd", "nej", "false", "true", "Text som inte ersätter besök"],  # R1, as registered
    ["sjuksköterska", "1177 direkt", "egenvårdsråd", "nej", "true", "TRUE", "Telefonsamtal"],  # R2: wrong vårdkontakt
    ["sjuksköterska", "1177 direkt", "", "digitalt samma enhet samma dag", "true", "true", ""],  # R6: must not register
    ["sjuksköterska", "1177 direkt", "åtgärd/behandling", "nej", "false", "true", "Text som inte ersätter besök"],  # a gap
    ["sjukskoterska", "1177 direkt", "", "nej", "false", "true", ""],  # a misspelt role
]


@pytest.fixture(scope="module")
def model() -> engine.Model:
    return engine.load(SHIPPED)


def registrations(tmp_path):
    path = tmp_path / "registered.csv"
    with open(path, "w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows([HEADER, *ROWS])
    return path


def test_every_deviation_with_expected_registered_and_the_rule(tmp_path, model):
    report = audit(model, "registrering", registrations(tmp_path), tmp_path / "dev.csv", {"vårdkontakt": "vårdkontakt_pmo"})
    with open(tmp_path / "dev.csv", encoding="utf-8") as file:
        lines = list(csv.DictReader(file))
    found = [(r["row"], r["output"], r["expected"], r["registered"], r["rule"]) for r in lines]
    assert found == [
        ("2", "vårdkontakt", "Distanskontakt realtid bild/ljud/chatt", "Telefonsamtal", "R2"),
        ("3", "registreras", "false", "true", "R6"),
        ("4", "", "", "", "no rule applies"),
        ("5", "", "", "", "no rule applies"),
    ]
    assert lines[2]["message"].startswith("no rule of decision `registrering` applies to ersätter_besök = false")
    assert lines[3]["message"].startswith('input `yrkesroll`: "sjukskoterska" is not an allowed value (did you mean "sjuksköterska"?)')
    assert (report.cases, report.deviating_cases, report.deviations) == (5, 4, 4)
    by_output = {o.output: (o.compared, o.deviations) for o in report.outputs}
    assert by_output == {"registreras": (3, 1), "vårdkontakt": (3, 1)}
    by_rule = {r.rule: (r.cases, r.deviations) for r in report.rules}
    assert by_rule == {"R1": (1, 0), "R2": (1, 1), "R6": (1, 1), "no rule applies": (1, 1), "invalid input": (1, 1)}
    tables = report.tables()
    assert "registered otherwise" in tables and "33.3 %" in tables and "invalid input" in tables


def test_deviations_as_a_workbook_keep_text_as_text(tmp_path, model):
    rows = [*ROWS, ["läkare", "telefon", "", "nej", "true", "=1+1", ""]]
    path = tmp_path / "registered.csv"
    with open(path, "w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows([HEADER, *rows])
    audit(model, "registrering", path, tmp_path / "dev.xlsx", {"vårdkontakt": "vårdkontakt_pmo"})
    sheet = openpyxl.load_workbook(tmp_path / "dev.xlsx").active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["row", *HEADER[:5], "output", "expected", "registered", "rule", "message"]
    formula = [row for row in values if row[8] == "=1+1"]
    assert formula and formula[0][6] == "registreras" and sheet.cell(formula and values.index(formula[0]) + 1, 9).data_type == "s"


def test_mapping_and_file_mistakes_are_one_line_errors(tmp_path, model):
    outputs = model.tables["registrering"].output_names
    with pytest.raises(BatchError, match=r"--map vårdkontak=x: the decision has no output `vårdkontak` \(did you mean `vårdkontakt`\?\)"):
        parse_mapping(["vårdkontak=x"], outputs)
    with pytest.raises(BatchError, match="write OUTPUT=COLUMN"):
        parse_mapping(["vårdkontakt"], outputs)
    with pytest.raises(BatchError, match="the file has no column `nej`"):
        audit(model, "registrering", registrations(tmp_path), tmp_path / "d.csv", {"vårdkontakt": "nej"})
    source = registrations(tmp_path)
    with pytest.raises(BatchError, match="is the registrations file"):
        audit(model, "registrering", source.with_suffix(".csv"), source.with_suffix(".csv"))


def test_cli_audit_prints_the_summary_and_exits_1_on_deviations(tmp_path):
    source = registrations(tmp_path)
    done = subprocess.run([sys.executable, str(CLI), "audit", "-d", "registrering", "--in", str(source), "--out", str(tmp_path / "d.parquet"), "--map", "vårdkontakt=vårdkontakt_pmo"], capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[0].split() == ["output", "cases", "decided", "registered", "otherwise", "share"]
    assert "4 deviate from the rulebook" in done.stderr
    assert (tmp_path / "d.parquet").is_file()
