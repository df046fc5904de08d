"""``dtable format``: dropdowns from the Allowed values, written without risking the workbook."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from helpers_core import CLI, decision, write_xlsx
from helpers_hostile import rewrite
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

import engine
from engine.dropdowns import LISTS_SHEET, _subtract, format_workbook
from engine.safe_write import UnsafeWrite

ROLES = '"sjuksköterska", "läkare", "annan vårdpersonal"'
ANSWERS = '"jag", "mottagaren", null'
TEST = [
    ["Test: vem"],
    ["", "input", "input", "expected", "description"],
    ["Case", "yrkesroll", "brådskande", "avslutar", "Beskrivning"],
    ["t1", '"läkare"', "true", '"jag"', "läkaren avslutar"],
    ["t2", '"sjuksköterska"', "false", '"mottagaren"', ""],
]


def workbook(tmp_path: Path, name: str = "rules.xlsx", allowed_roles: str = ROLES) -> Path:
    table = decision(
        "vem", "U", ["yrkesroll", "brådskande"], ["avslutar"],
        [["R1", '"läkare"', "-", '"jag"'], ["R2", '"sjuksköterska", "annan vårdpersonal"', "-", '"mottagaren"']],
        types={"yrkesroll": "string", "brådskande": "boolean"},
        allowed={"yrkesroll": allowed_roles, "avslutar": ANSWERS},
    )  # fmt: skip
    path = write_xlsx(tmp_path / name, {"vem": table, "test": TEST, "om": [["", "Läs mig"]]})
    book = openpyxl.load_workbook(path)
    sheet = book["vem"]
    sheet["B6"].comment = Comment("ask the unit first", "analyst")
    sheet["D6"].font = Font(bold=True, color="C00000")
    sheet["D6"].fill = PatternFill("solid", fgColor="FFFF00")
    book.save(path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dtable(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CLI), *args], capture_output=True, text=True, encoding="utf-8", cwd=cwd)


def offered(book, validation) -> list[str]:
    """The values a list validation offers, inline or from a sheet range."""
    formula = validation.formula1
    if formula.startswith('"'):
        return formula[1:-1].split(",")
    sheet, ref = formula.rsplit("!", 1)
    rows = book[sheet.strip("'").replace("''", "'")][ref.replace("$", "")]
    return [str(cell.value) for row in rows for cell in row]


def dropdowns(book, sheet: str) -> dict[str, tuple[list[str], str]]:
    """sqref -> (values offered, error style), for one sheet."""
    return {
        str(v.sqref): (offered(book, v), v.errorStyle) for v in book[sheet].data_validations.dataValidation if v.type == "list"
    }


def test_format_adds_dropdowns_and_keeps_comments_styles_sheets_and_a_backup(tmp_path):
    path = workbook(tmp_path)
    original = digest(path)
    run = dtable("format", str(path))
    assert run.returncode == 0, run.stderr
    backups = list(tmp_path.glob("rules.xlsx.*.bak"))
    assert len(backups) == 1 and digest(backups[0]) == original
    assert run.stderr.strip() == f"{path}: 6 dropdowns on 2 tables (backup: {backups[0].name})"

    book = openpyxl.load_workbook(path)
    assert dropdowns(book, "vem") == {
        "B6:B107": (["-", '"sjuksköterska"', '"läkare"', '"annan vårdpersonal"'], "information"),
        "C6:C107": (["-", "true", "false"], "information"),
        "D6:D107": (['"jag"', '"mottagaren"', "null"], "information"),
    }
    assert dropdowns(book, "test") == {
        "B4:B105": (['"sjuksköterska"', '"läkare"', '"annan vårdpersonal"'], "warning"),
        "C4:C105": (["true", "false"], "warning"),
        "D4:D105": (['"jag"', '"mottagaren"', "null", "no rule applies"], "warning"),
    }
    assert book[LISTS_SHEET].sheet_state == "hidden"
    assert book["vem"]["B6"].comment.text == "ask the unit first"
    assert book["vem"]["D6"].font.bold and book["vem"]["D6"].fill.fgColor.rgb == "00FFFF00"
    assert book["om"]["B1"].value == "Läs mig"
    assert book.sheetnames == ["vem", "test", "om", LISTS_SHEET]
    # The tables read exactly as before: the lists sheet holds no table.
    assert [t.name for t in engine.read(path).tables] == ["vem"]
    assert dtable("test", str(path)).returncode == 0


def test_running_again_refreshes_instead_of_adding_and_keeps_other_validations(tmp_path):
    path = workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    own = DataValidation(type="whole", operator="between", formula1="1", formula2="9", sqref="F1:F3")
    overlapping = DataValidation(type="list", formula1='"x,y"', sqref="B1:B8")
    book["vem"].add_data_validation(own)
    book["vem"].add_data_validation(overlapping)
    book.save(path)
    moment = dt.datetime(2026, 1, 31, 12, 5, 1)
    format_workbook(path, now=moment)
    format_workbook(path, now=moment)  # same second: the second backup gets its own name
    assert sorted(p.name for p in tmp_path.glob("*.bak")) == [
        "rules.xlsx.20260131-120501-2.bak",
        "rules.xlsx.20260131-120501.bak",
    ]
    book = openpyxl.load_workbook(path)
    validations = book["vem"].data_validations.dataValidation
    assert [(str(v.sqref), v.type, v.formula1, v.formula2) for v in validations if v.type != "list"] == [("F1:F3", "whole", "1", "9")]
    found = dropdowns(book, "vem")
    assert len(found) == 4
    assert found["B1:B5"][0] == ["x", "y"]  # cut back to the cells above the rules
    assert "B6:B107" in found


def test_lists_past_the_inline_limit_go_through_the_hidden_sheet(tmp_path):
    many = ", ".join(f'"värde nummer {n}"' for n in range(40))
    path = workbook(tmp_path, allowed_roles=many)
    format_workbook(path)
    book = openpyxl.load_workbook(path)
    validation = next(v for v in book["vem"].data_validations.dataValidation if str(v.sqref) == "B6:B107")
    assert validation.formula1 == f"'{LISTS_SHEET}'!$B$2:$B$42"
    assert len(",".join(offered(book, validation))) > 255
    assert offered(book, validation)[:2] == ["-", '"värde nummer 0"']


@pytest.mark.parametrize("lock", ["~$rules.xlsx", ".~lock.rules.xlsx#"])
def test_refuses_while_the_workbook_is_open(tmp_path, lock):
    path = workbook(tmp_path)
    (tmp_path / lock).write_text("analyst")
    before = digest(path)
    run = dtable("format", str(path))
    assert run.returncode == 2
    assert run.stderr.strip() == (
        f"dtable: error: {path} is open in a spreadsheet program (lock file {lock} beside it); "
        "save and close it, then run the command again"
    )
    assert digest(path) == before
    assert not list(tmp_path.glob("*.bak"))


def test_out_writes_a_copy_and_never_the_workbook_itself(tmp_path):
    path = workbook(tmp_path)
    before = digest(path)
    copy = tmp_path / "copy.xlsx"
    run = dtable("format", str(path), "--out", str(copy))
    assert run.returncode == 0, run.stderr
    assert digest(path) == before and not list(tmp_path.glob("*.bak"))
    assert len(openpyxl.load_workbook(copy)["vem"].data_validations.dataValidation) == 3
    same = dtable("format", str(path), "--out", str(tmp_path / "." / "rules.xlsx"))
    assert same.returncode == 2
    assert "is the workbook itself; leave out --out to rewrite it in place" in same.stderr
    assert digest(path) == before


def test_in_place_refuses_what_rewriting_would_lose_and_keeps_pictures(tmp_path):
    import io

    from PIL import Image

    path = workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    png = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(png, "PNG")
    book["om"].add_image(openpyxl.drawing.image.Image(png), "D2")
    book.save(path)
    format_workbook(path)  # a picture is kept: nothing lost, so it may be rewritten
    assert len(openpyxl.load_workbook(path)["om"]._images) == 1

    book = openpyxl.load_workbook(path)
    book["om"]["F1"] = "=1+1"
    book.save(path)
    cached = re.compile(rb"<f>1\+1</f><v\s*(?:/>|></v>)")  # openpyxl writes an empty result; Excel would have saved 2
    rewrite(path, lambda name, data: cached.sub(b"<f>1+1</f><v>2</v>", data) if "sheet" in name else data)
    before = digest(path)
    backups = set(tmp_path.glob("*.bak"))
    with pytest.raises(UnsafeWrite, match=r"rewriting it would lose the cached results of 1 formula .*; write the dropdowns into a copy with --out COPY.xlsx"):  # fmt: skip
        format_workbook(path)
    assert digest(path) == before and set(tmp_path.glob("*.bak")) == backups
    run = dtable("format", str(path), "--out", str(tmp_path / "copy.xlsx"))
    assert run.returncode == 0 and "note: the copy lacks the cached results of 1 formula" in run.stderr


def test_the_shipped_rulebook_has_its_dropdowns_from_the_allowed_values():
    from helpers_core import SHIPPED

    book = openpyxl.load_workbook(SHIPPED)
    assert "listor" not in book.sheetnames
    test = dropdowns(book, "test")
    assert test["B4:B164"] == (['"sjuksköterska"', '"läkare"', '"annan vårdpersonal"'], "warning")
    assert dropdowns(book, "registrering")["E6:E126"][0][-2:] == ['"enhet utan 1177 direkt"', "null"]


def test_a_libreoffice_round_trip_keeps_the_dropdowns(tmp_path):
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is needed for this test (.ci/apt-packages installs it)"
    path = workbook(tmp_path)
    format_workbook(path)
    out = tmp_path / "out"
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    before, after = openpyxl.load_workbook(path), openpyxl.load_workbook(out / "rules.xlsx")
    for sheet in ("vem", "test"):
        assert dropdowns(after, sheet) == dropdowns(before, sheet)
    assert after[LISTS_SHEET].sheet_state == "hidden"


def test_subtracting_a_column_from_a_block_leaves_the_rest():
    assert _subtract((1, 1, 3, 10), (2, 4, 2, 20)) == [(1, 1, 3, 3), (1, 4, 1, 10), (3, 4, 3, 10)]
    assert _subtract((1, 1, 1, 5), (2, 1, 2, 5)) == [(1, 1, 1, 5)]
    assert _subtract((2, 4, 2, 8), (1, 1, 3, 10)) == []
