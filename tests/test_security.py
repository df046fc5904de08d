"""Untrusted workbooks and inputs: no code runs, costs stay bounded, refusals are clear."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile

import pytest
from helpers_core import CLI, REPO, decision, load_error, write_xlsx

import engine
import engine.workbook
from engine.feel.compiler import compile_expression
from engine.feel.parser import MAX_CELL_LENGTH, MAX_NESTING, parse_expression

# ------------------------------------------------------------------ cells cannot run code


@pytest.mark.parametrize(
    "template, code, column",
    [
        ('__import__("os").system("touch {marker}")', "DT001", 1),
        ('"a", __import__("os").system("touch {marker}")', "DT001", 6),
        ('exec("open(\'{marker}\', \'w\')")', "DT009", 1),
        ('eval("__import__(\'os\').system(\'touch {marker}\')")', "DT009", 1),
        ("().__class__", "DT001", 2),
        ("lambda: open('{marker}', 'w')", "DT001", 7),
        ("[x for x in ().__class__.__bases__]", "DT001", 4),
    ],
)
def test_hostile_input_entry_runs_nothing_and_names_the_cell(tmp_path, template, code, column):
    marker = tmp_path / "pwned"
    rows = decision("d", "U", ["x"], ["o"], [["R1", template.format(marker=marker), '"a"']])
    error = load_error(tmp_path, {"d": rows})
    (diagnostic,) = [d for d in error.diagnostics if d.code in ("DT001", "DT009")]
    assert diagnostic.code == code
    assert str(diagnostic.location) == "d!B4"
    assert diagnostic.detail.splitlines()[1] == " " * (column - 1) + "^"
    assert not marker.exists()


def test_hostile_cells_everywhere_run_nothing(tmp_path):
    marker = tmp_path / "pwned"
    payload = f'__import__("os").system("touch {marker}")'
    rows = [
        ["Decision: d"],
        ["U", "input", "output"],
        ["Rule", payload, "o"],
        ["Allowed values", "", payload],
        ["Default", "", payload],
        ["R1", "-", payload],
    ]
    tests = [["Test: d"], ["", "input", "expected"], ["Case", "x", "o"], ["c1", payload, payload]]
    error = load_error(tmp_path, {"d": rows, "t": tests})
    located = {str(d.location) for d in error.diagnostics}
    assert {"d!B3", "d!C4", "d!C5", "d!C6"} <= located
    assert not marker.exists()


def test_cli_on_a_hostile_workbook_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    payload = f'__import__("os").system("touch {marker}")'
    path = write_xlsx(tmp_path / "evil.xlsx", {"d": decision("d", "U", ["x"], ["o"], [["R1", "-", payload]])})
    run = subprocess.run(
        [sys.executable, str(CLI), "eval", str(path), "-d", "d", "-i", "{}"], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 2
    assert "d!C4: error DT001" in run.stderr
    assert not marker.exists()


def test_paths_read_only_dict_keys_never_python_attributes():
    assert compile_expression(parse_expression('"".__class__')).value is None
    get_class = compile_expression(parse_expression("x.__class__.__bases__"))
    assert get_class.evaluate({"x": "text"}) is None
    assert get_class.evaluate({"x": {"__class__": {"__bases__": 1}}}) == 1


# ------------------------------------------------------------------ bounded cost per cell


def test_over_long_cell_is_refused_with_its_location(tmp_path):
    long_entry = ", ".join(['"abcdefgh"'] * 500)  # 5,998 characters
    rows = decision("d", "U", ["x"], ["o"], [["R1", long_entry, "1"]])
    (dt001,) = load_error(tmp_path, {"d": rows}).diagnostics
    assert str(dt001.location) == "d!B4"
    assert dt001.message == f"rule R1, input `x`: the cell is {len(long_entry)} characters long; at most {MAX_CELL_LENGTH} are accepted"
    assert dt001.hint == "split the logic over several rules or columns"


def test_deeply_nested_brackets_are_refused_at_the_bracket(tmp_path):
    deep = "(" * 60 + "1" + ")" * 60
    rows = decision("d", "U", ["x"], ["o"], [["R1", "-", deep]])
    (dt001,) = load_error(tmp_path, {"d": rows}).diagnostics
    assert str(dt001.location) == "d!C4"
    assert dt001.message == f"rule R1, output `o`: brackets are nested more than {MAX_NESTING} deep"
    assert dt001.detail.splitlines()[1] == " " * MAX_NESTING + "^"


def test_nesting_up_to_the_limit_and_brackets_inside_text_are_fine(tmp_path):
    at_limit = "(" * MAX_NESTING + "1" + ")" * MAX_NESTING
    bracketed_text = '"' + "(" * 100 + '"'
    model = engine.load(
        write_xlsx(tmp_path / "ok.xlsx", {"d": decision("d", "C", ["x"], ["o"], [["R1", "-", at_limit], ["R2", "-", bracketed_text]])})
    )
    assert model.decide("d", {"x": 1}).output == [{"o": 1}, {"o": "(" * 100}]


def test_huge_powers_do_not_hang_the_loader(tmp_path):
    """FEEL numbers are decimal128: 10 ** 1000000 overflows to null instead of costing minutes."""
    path = write_xlsx(
        tmp_path / "power.xlsx", {"d": decision("d", "U", ["x"], ["o"], [["R1", "-", "((10 ** 1000) ** 1000) ** 1000"]])}
    )
    script = textwrap.dedent(
        f"""
        import engine
        try:
            print(engine.load({str(path)!r}).decide("d", {{}}).output)
        except engine.LoadError as error:
            print("LoadError", error)
        """
    )
    try:
        run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("loading a cell with ((10 ** 1000) ** 1000) ** 1000 took more than 10 seconds")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr


def test_deeply_nested_json_input_is_a_one_line_error():
    run = subprocess.run(
        [sys.executable, str(CLI), "eval", "-d", "registrering", "-i", "[" * 100_000],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert run.stderr.startswith("dtable: error: --input")


# ------------------------------------------------------------------ bounded cost per workbook


@pytest.fixture
def small_workbook(tmp_path):
    rows = decision("d", "U", ["x"], ["o"], [["R1", "-", '"' + "a" * 3000 + '"'] for _ in range(20)])
    return write_xlsx(tmp_path / "rules.xlsx", {"d": rows})


def refused(path) -> str:
    with pytest.raises(engine.LoadError) as caught:
        engine.load(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    return message


def test_oversized_file_is_refused(small_workbook, monkeypatch):
    monkeypatch.setattr(engine.workbook, "MAX_FILE_BYTES", 1000)
    message = refused(small_workbook)
    assert "the file is" in message and "are read" in message


def test_workbook_unpacking_too_large_is_refused(small_workbook, monkeypatch):
    monkeypatch.setattr(engine.workbook, "MAX_UNCOMPRESSED_BYTES", 10_000)
    assert "the workbook unpacks to" in refused(small_workbook)


def test_sheet_with_too_many_rows_or_columns_is_refused(small_workbook, monkeypatch):
    monkeypatch.setattr(engine.workbook, "MAX_ROWS", 10)
    assert "sheet 'd' has 23 rows × 3 columns; at most 10 × 500 are read" in refused(small_workbook)
    monkeypatch.setattr(engine.workbook, "MAX_ROWS", 200_000)
    monkeypatch.setattr(engine.workbook, "MAX_COLUMNS", 2)
    assert "at most 200000 × 2 are read" in refused(small_workbook)


def test_zip_bomb_is_refused(small_workbook, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(small_workbook) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/media/padding.bin", b"\0" * (12 * 2**20))
    assert bomb.stat().st_size < 2**20
    message = refused(bomb)
    assert "part xl/media/padding.bin expands" in message
    assert message.endswith("-fold; refusing a likely zip bomb")


def test_xml_entity_bomb_is_not_expanded(small_workbook, tmp_path):
    laughs = tmp_path / "laughs.xlsx"
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10)
    )
    with zipfile.ZipFile(small_workbook) as source, zipfile.ZipFile(laughs, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode().replace("<t>R1</t>", "<t>&lol9;</t>", 1)
                data = (f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>' + text).encode()
            target.writestr(item, data)
    assert "the workbook is damaged or not a real .xlsx file" in refused(laughs)


def test_defusedxml_is_installed_for_openpyxl():
    import defusedxml  # noqa: F401
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
