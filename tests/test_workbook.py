"""Reading files: which files are workbooks, and one clear line for those that are not."""

from __future__ import annotations

import zipfile

import pytest
from helpers_core import decision, only, write_xlsx

import engine

ONE_TABLE = {"d": decision("d", "U", ["x"], ["o"], [["R1", "-", "1"]])}


def refused(path) -> str:
    """The one-line message LoadError gives for ``path``."""
    with pytest.raises(engine.LoadError) as caught:
        engine.load(path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    return message


@pytest.mark.parametrize(
    "name, says",
    [
        ("rules.csv", "CSV files are not supported; save the workbook as .xlsx (or .xlsm)"),
        ("rules.xls", "old Excel 97-2003 (.xls) workbooks are not supported; save the workbook as .xlsx"),
        ("rules.ods", "OpenDocument (.ods) spreadsheets are not supported; save the workbook as .xlsx"),
        ("rules.txt", "'.txt' files are not supported; save the workbook as .xlsx"),
    ],
)
def test_other_spreadsheet_formats_are_refused(tmp_path, name, says):
    path = tmp_path / name
    path.write_text("yrkesroll,kontakt\nläkare,telefon\n")
    assert says in refused(path)


def test_missing_file(tmp_path):
    assert refused(tmp_path / "nowhere.xlsx").endswith("nowhere.xlsx: no such file or folder")


def test_file_that_is_not_a_zip(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"this is not a workbook at all")
    assert "the file is damaged or not an .xlsx workbook (not a zip container)" in refused(path)


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "not an Excel workbook (no xl/workbook.xml inside)" in refused(path)


def test_workbook_with_damaged_parts(tmp_path):
    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet")
    assert "the workbook is damaged or not a real .xlsx file" in refused(path)


def test_truncated_workbook(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", ONE_TABLE)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "damaged" in refused(cut)


def test_folder_without_workbooks(tmp_path):
    (tmp_path / "rules.csv").write_text("a,b\n")
    (tmp_path / "~$lock.xlsx").write_bytes(b"")
    message = refused(tmp_path)
    assert message.endswith("the folder holds no .xlsx, .xlsm or .dmn file")


def test_folder_reads_every_workbook_and_skips_excel_lock_files(tmp_path):
    write_xlsx(tmp_path / "b.xlsx", {"s": decision("second", "U", ["x"], ["o"], [["R1", "-", "2"]])})
    write_xlsx(tmp_path / "a.xlsm", {"s": decision("first", "U", ["x"], ["o"], [["R1", "-", "1"]])})
    (tmp_path / "~$b.xlsx").write_bytes(b"lock")
    model = engine.load(tmp_path)
    assert model.decisions == ("first", "second")
    assert [p.name for p in model.sources] == ["a.xlsm", "b.xlsx"]


def test_several_paths_at_once(tmp_path):
    a = write_xlsx(tmp_path / "a.xlsx", {"s": decision("first", "U", ["x"], ["o"], [["R1", "-", "1"]])})
    b = write_xlsx(tmp_path / "b.xlsx", {"s": decision("second", "U", ["x"], ["o"], [["R1", "-", "2"]])})
    assert engine.load([a, str(b)]).decisions == ("first", "second")


def test_workbook_without_decision_tables_dt010(tmp_path):
    path = write_xlsx(tmp_path / "empty.xlsx", {"notes": [["just some notes"]]})
    loaded = engine.read(path)
    dt010 = only(loaded.diagnostics, "DT010")
    assert dt010.message == f"no decision table found in {path}"
    with pytest.raises(engine.LoadError, match="no decision table found"):
        engine.load(path)


def test_read_never_raises_on_workbook_errors(tmp_path):
    path = write_xlsx(tmp_path / "bad.xlsx", {"d": decision("d", "U", ["x"], ["o"], [["R1", "<", "1"]])})
    loaded = engine.read(path)
    assert [d.code for d in loaded.diagnostics] == ["DT001"]
    assert [t.name for t in loaded.tables] == ["d"]
