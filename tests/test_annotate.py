"""--annotate: a copy of the workbook with a Lint sheet and comments; the input is never touched."""

from __future__ import annotations

import hashlib
import os

import openpyxl
import pytest
from test_analysis_workbook import REGISTRERING, write

import engine
from engine.analysis import analyse
from engine.annotate import write_annotated


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def linted(tmp_path):
    source = write(tmp_path / "regler.xlsx", REGISTRERING)
    return source, analyse(engine.read(source).tables)


def test_the_copy_has_a_lint_sheet_with_links_and_comments_on_the_cells(tmp_path):
    source, found = linted(tmp_path)
    before, mtime = digest(source), os.stat(source).st_mtime_ns
    out = tmp_path / "linted.xlsx"
    assert write_annotated(source, out, found) == 2
    assert digest(source) == before and os.stat(source).st_mtime_ns == mtime

    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "Lint"
    lint = book["Lint"]
    header = [c.value for c in lint[1]]
    assert header[:6] == ["Severity", "Code", "Location", "Decision", "Rules", "Message"]
    rows = {row[1].value: row for row in lint.iter_rows(min_row=2)}
    overlap = rows["DT201"]
    assert overlap[0].value == "error"
    assert overlap[2].value == "registrering!A9"
    assert overlap[2].hyperlink.location == "'registrering'!A9"
    assert overlap[4].value == "R3, R4"
    gap = rows["DT101"]
    assert gap[2].value == "registrering!A9"  # pinned to the last rule row, where the missing rule goes
    assert gap[7].value == "registrering gap 1"
    assert gap[7].hyperlink.location == "'Suggested rules'!A5"
    suggestion = [c.value for c in book["Suggested rules"][5]][1:5]
    assert suggestion == ['"sjuksköterska"', '"åtgärd/behandling"', "false", None]  # one pasteable cell per entry

    sheet = book["registrering"]
    assert sheet["A9"].comment.text.startswith("error DT201: rules R3 and R4 both match")
    assert "warning DT101: 1 gap in registrering: no rule covers" in sheet["A9"].comment.text
    assert sheet["A1"].comment is None
    assert sheet["A9"].fill.fgColor.rgb == "00F8D7DA"  # filled in the colour of its worst finding (an error)
    assert sheet["B6"].value == '"sjuksköterska"'  # the tables are copied unchanged


def test_refuses_to_write_over_the_input(tmp_path):
    source, found = linted(tmp_path)
    before = digest(source)
    with pytest.raises(ValueError, match="refusing to overwrite"):
        write_annotated(source, source, found)
    with pytest.raises(ValueError, match="refusing to overwrite"):
        write_annotated(source, tmp_path / "." / ".." / tmp_path.name / "regler.xlsx", found)
    assert digest(source) == before


def test_findings_of_other_workbooks_are_left_out(tmp_path):
    source, found = linted(tmp_path)
    other = write(tmp_path / "andra.xlsx", REGISTRERING)
    others = analyse(engine.read(other).tables)
    assert write_annotated(source, tmp_path / "out.xlsx", [*found, *others]) == len(found)
