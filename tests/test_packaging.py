"""The wheel carries the grammar, the shipped rulebook and the CLI, and works installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers_core import REPO

SOURCES = ("engine", "grammar", "tables", "cli.py", "pyproject.toml", "README.md")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel from a copy of the sources (the shared tree gets no build/ folder)."""
    root = tmp_path_factory.mktemp("package")
    source = root / "src"
    source.mkdir()
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif path.exists():
            shutil.copy(path, source / name)
    out = root / "dist"
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)]
    built = subprocess.run([*command[:4], "--no-build-isolation", *command[4:]], capture_output=True, text=True)
    if built.returncode != 0:  # setuptools/wheel not in this venv: let pip fetch them
        built = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    (found,) = out.glob("dtable-*.whl")
    return found


def test_wheel_contains_grammar_tables_and_cli(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "engine/grammar/feel.lark" in names
    assert "engine/tables/1177-direkt.xlsx" in names
    assert "cli.py" in names
    assert "engine/feel/parser.py" in names


def test_wheel_declares_the_dtable_entry_point(wheel):
    archive = zipfile.ZipFile(wheel)
    (entry_points,) = [n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")]
    lines = archive.read(entry_points).decode().splitlines()
    assert "[console_scripts]" in lines
    assert "dtable = cli:main" in lines


def test_installed_layout_finds_grammar_and_tables_outside_the_checkout(wheel, tmp_path):
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    script = (
        "import engine, engine.resources, engine.feel.parser as p\n"
        f"assert engine.__file__.startswith({str(installed)!r}), engine.__file__\n"
        "tables = engine.resources.default_tables()\n"
        f"assert str(tables).startswith({str(installed)!r}), tables\n"
        "assert 'unary_tests' in p.grammar_text()\n"
        "print(engine.load(tables).decisions)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env={"PYTHONPATH": str(installed), "PATH": ""},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "('registrering', 'kontakttyp', 'attribut')"
    tested = subprocess.run(
        [sys.executable, str(installed / "cli.py"), "test", "--quiet"], cwd=tmp_path,
        env={"PYTHONPATH": str(installed), "PATH": ""}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert tested.returncode == 0, tested.stderr
    assert tested.stdout.strip() == "61 passed, 0 failed"
