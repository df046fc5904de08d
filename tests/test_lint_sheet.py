"""The annotated copy's layout: gaps pinned to the table, pasteable suggestions, filled cells, a readable Lint sheet."""

from __future__ import annotations

import openpyxl
from helpers_core import write_xlsx
from test_analysis_workbook import REGISTRERING

import engine
from engine.diagnostics import Severity
from engine.lint import lint
from engine.lint_sheet import FILL, LINT_SHEET, SUGGESTIONS_SHEET, WIDTHS, annotate_book


def annotated(tmp_path, rows=REGISTRERING):
    source = write_xlsx(tmp_path / "regler.xlsx", {"registrering": rows})
    loaded, found = lint(source)
    book = openpyxl.load_workbook(source)
    annotate_book(book, found, [t.table for t in loaded.tables])
    out = tmp_path / "annotated.xlsx"
    book.save(out)
    return source, openpyxl.load_workbook(out)


def test_a_gap_is_pinned_to_the_last_rule_row_with_a_fill_and_a_link_to_its_suggestion(tmp_path):
    _, book = annotated(tmp_path)
    assert book.sheetnames[:2] == [LINT_SHEET, SUGGESTIONS_SHEET]
    rows = {row[1].value: row for row in book[LINT_SHEET].iter_rows(min_row=2)}
    gap = rows["DT101"]
    assert gap[2].value == "registrering!A9"  # R4's row, where the missing rule goes; not the title in A1
    assert gap[2].hyperlink.location == "'registrering'!A9"
    assert gap[7].value == "registrering gap 1" and gap[7].hyperlink.location == f"'{SUGGESTIONS_SHEET}'!A5"
    table = book["registrering"]
    assert table["A1"].comment is None
    comment = table["A9"].comment.text
    assert "warning DT101: 1 gap in registrering: no rule covers" in comment
    assert "error DT201: rules R3 and R4 both match" in comment
    assert table["A9"].fill.fgColor.rgb == FILL[Severity.ERROR].fgColor.rgb  # the worst finding's colour


def test_a_suggested_rule_pasted_into_the_table_closes_the_gap(tmp_path):
    source, book = annotated(tmp_path)
    suggestions = book[SUGGESTIONS_SHEET]
    assert [c.value for c in suggestions[4]][:5] == ["gap", "yrkesroll", "ärendetyp", "ersätter_besök", "vårdkontakt"]
    pasted = [c.value for c in suggestions[5]][1:5]
    assert pasted == ['"sjuksköterska"', '"åtgärd/behandling"', "false", None]  # one entry per cell, outputs to fill in
    # What the analyst does: copy B5:D5 under the last rule, fill in the output, lint again.
    rows = [list(r) for r in REGISTRERING] + [["R5", *pasted[:3], '"Text som inte ersätter besök"']]
    fixed = write_xlsx(tmp_path / "fixed.xlsx", {"registrering": rows})
    _, found = lint(fixed)
    assert "DT101" not in {d.code for d in found}


def test_the_lint_sheet_fits_a_screen_and_prints_one_page_wide(tmp_path):
    _, book = annotated(tmp_path)
    sheet = book[LINT_SHEET]
    widths = [sheet.column_dimensions[c].width for c in "ABCDEFGH"]
    assert widths == list(WIDTHS) and sum(widths) <= 180
    message = sheet["F2"]
    assert message.alignment.wrap_text and message.alignment.vertical == "top"
    assert sheet.row_dimensions[2].height >= 30  # two wrapped lines at least
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"


def test_every_text_written_is_a_text_cell_even_when_it_looks_like_a_formula(tmp_path):
    rows = [list(r) for r in REGISTRERING]
    rows[8] = ['=HYPERLINK("http://example.invalid","R4")', *rows[8][1:]]  # a hostile rule label
    _, book = annotated(tmp_path, rows)
    for name in (LINT_SHEET, SUGGESTIONS_SHEET):
        for row in book[name].iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.data_type == "s", (name, cell.coordinate, cell.value)
    assert any("=HYPERLINK" in str(c.value) for row in book[LINT_SHEET].iter_rows() for c in row)


def test_the_engine_reads_the_annotated_copy_as_the_same_tables(tmp_path):
    source, book = annotated(tmp_path)
    copy = tmp_path / "annotated.xlsx"
    assert [t.table for t in engine.read(copy).tables] != []
    assert [r.label for r in engine.read(copy).tables[0].table.rules] == ["R1", "R2", "R3", "R4"]
    assert len(engine.read(copy).tables) == len(engine.read(source).tables)  # the added sheets hold no table
