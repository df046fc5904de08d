"""The pre-commit hooks (.pre-commit-hooks.yaml) and the CI recipe (docs/ci.md) do what they say."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import openpyxl
import pytest
import yaml
from helpers_core import CLI, REPO

import cli

HOOKS = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}


def staged(hook: dict, names: list[str]) -> list[str]:
    """The files pre-commit passes to a hook: `files` matches, `exclude` does not (re.search, as pre-commit)."""
    return [n for n in names if re.search(hook["files"], n) and not re.search(hook.get("exclude", "^$"), n)]


def run_hook(hook: dict, files: list[str], cwd) -> subprocess.CompletedProcess:
    command, *args = shlex.split(hook["entry"])
    assert command == "dtable"  # the console script pyproject.toml installs
    return subprocess.run([sys.executable, str(CLI), *args, *files], cwd=cwd, capture_output=True, text=True, encoding="utf-8")  # fmt: skip


def test_the_manifest_offers_lint_and_test_as_python_hooks():
    assert set(HOOKS) == {"dtable-lint", "dtable-test"}
    for hook in HOOKS.values():
        assert {"id", "name", "entry", "language"} <= hook.keys() and hook["language"] == "python"
        assert hook["require_serial"] is True
    names = ["tables/1177-direkt.xlsx", "tables/~$1177-direkt.xlsx", "model.dmn", "macro.XLSM", "README.md", "a.xlsx.bak"]
    assert staged(HOOKS["dtable-lint"], names) == ["tables/1177-direkt.xlsx", "model.dmn"]
    assert staged(HOOKS["dtable-test"], names) == ["tables/1177-direkt.xlsx"]


@pytest.fixture
def rulebook(tmp_path):
    assert subprocess.run([sys.executable, str(CLI), "new", str(tmp_path / "rules.xlsx")], capture_output=True).returncode == 0
    return tmp_path


def test_the_hooks_pass_a_clean_workbook(rulebook):
    for hook in HOOKS.values():
        run = run_hook(hook, staged(hook, ["rules.xlsx"]), rulebook)
        assert run.returncode == 0, run.stdout + run.stderr


def test_the_test_hook_stops_a_commit_that_breaks_a_case(rulebook):
    book = openpyxl.load_workbook(rulebook / "rules.xlsx")
    book["discount"]["D6"].value = 0.2
    book.save(rulebook / "rules.xlsx")
    run = run_hook(HOOKS["dtable-test"], ["rules.xlsx"], rulebook)
    assert run.returncode == 1
    assert "FAIL discount large [R1]" in run.stdout
    assert run_hook(HOOKS["dtable-lint"], ["rules.xlsx"], rulebook).returncode == 0  # a wrong answer is not a lint error


def test_the_lint_hook_stops_a_commit_with_a_broken_cell(rulebook):
    book = openpyxl.load_workbook(rulebook / "rules.xlsx")
    book["discount"]["C7"].value = "< 100 ]"
    book.save(rulebook / "rules.xlsx")
    run = run_hook(HOOKS["dtable-lint"], ["rules.xlsx"], rulebook)
    assert run.returncode == 1 and "DT001 discount!C7" in run.stdout


def test_the_workflow_in_the_docs_is_valid_yaml_and_valid_dtable_commands():
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]
    workflow = next(b for b in blocks if isinstance(b, dict) and "jobs" in b)
    steps = workflow["jobs"]["tables"]["steps"]
    commands = [line for s in steps for line in s.get("run", "").splitlines() if line.strip().startswith("dtable ")]
    assert len(commands) == 3
    for line in commands:
        words = shlex.split(line.split(">")[0].split("||")[0].replace("${{ github.base_ref }}", "main"))
        cli._parser().parse_args(words[1:])  # exits (fails the test) on a wrong option
    sarif = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert sarif["if"] == "always()" and sarif["with"]["sarif_file"] == "dtable.sarif"
    assert "--format sarif > dtable.sarif" in next(s["run"] for s in steps if s.get("name") == "Lint")
    assert workflow["permissions"]["security-events"] == "write"
