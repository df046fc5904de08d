"""``dtable show --format textconv``: workbooks as stable text for git diff."""

from __future__ import annotations

import difflib
import subprocess
import sys

from helpers_core import CLI, decision, write_xlsx

import engine
from engine.textconv import render_textconv

RULES = [["R1", "< 18", '"child"'], ["R2", ">= 18", '"adult"']]
TEST = [
    ["Test: grade"],
    ["", "input", "expected", "description"],
    ["Case", "age", "grade", "Beskrivning"],
    ["t1", "12", '"child"', "a child"],
    ["t2", "40", "no rule applies", ""],
]


def sheets(rules=RULES, note="Källa"):
    table = decision("grade", "U", ["age"], ["grade"], rules, types={"age": "number"})
    table[1].append("annotation")
    table[2].append(note)
    return {"grade": table, "test": TEST}


def text_of(tmp_path, book, name="rules.xlsx"):
    return render_textconv(engine.read(write_xlsx(tmp_path / name, book)))


def test_one_line_per_rule_and_test_case(tmp_path):
    text = text_of(tmp_path, sheets())
    assert text.splitlines() == [
        "decision grade (sheet grade), hit policy UNIQUE",
        "  input age: number",
        "  output grade",
        "  annotations Källa",
        '  rule R1: age < 18 => grade "child"',
        '  rule R2: age >= 18 => grade "adult"',
        "",
        "test grade (sheet test)",
        '  case t1: age 12 => grade "child" # a child',
        "  case t2: age 40 => no rule applies",
    ]


def test_a_longer_value_changes_its_own_line_only(tmp_path):
    before = text_of(tmp_path, sheets(), "a.xlsx").splitlines()
    longer = [["R1", "< 18", '"a child, not yet of age in any country we know of"'], RULES[1]]
    after = text_of(tmp_path, sheets(longer), "b.xlsx").splitlines()
    changed = [line for line in difflib.unified_diff(before, after, lineterm="", n=0) if line[:1] in "+-"]
    assert changed == [
        "--- ",
        "+++ ",
        '-  rule R1: age < 18 => grade "child"',
        '+  rule R1: age < 18 => grade "a child, not yet of age in any country we know of"',
    ]


def test_line_breaks_inside_a_cell_stay_on_the_rule_line(tmp_path):
    rules = [["R1", "< 18", '"child"', "first line\nsecond line"]]
    text = text_of(tmp_path, sheets(rules))
    assert '  rule R1: age < 18 => grade "child" # Källa: first line\\nsecond line' in text.splitlines()


def test_the_command_prints_the_text_and_a_missing_decision_is_one_line(tmp_path):
    path = write_xlsx(tmp_path / "rules.xlsx", sheets())
    run = subprocess.run([sys.executable, str(CLI), "show", str(path), "--format", "textconv"], capture_output=True, text=True, encoding="utf-8")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout == text_of(tmp_path, sheets(), "again.xlsx")
    run = subprocess.run([sys.executable, str(CLI), "show", str(path), "nope", "--format", "textconv"], capture_output=True, text=True, encoding="utf-8")  # fmt: skip
    assert run.returncode == 2
    assert run.stderr.strip() == "dtable: error: no decision named `nope`; decisions: grade"


def test_git_diff_shows_the_changed_rule_through_textconv(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args):
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, encoding="utf-8", check=True)

    git("init", "-q")
    git("config", "user.email", "a@example.org")
    git("config", "user.name", "analyst")
    git("config", "diff.xlsx.textconv", f'"{sys.executable}" "{CLI}" show --format textconv')
    (repo / ".gitattributes").write_text("*.xlsx diff=xlsx\n")
    write_xlsx(repo / "rules.xlsx", sheets())
    git("add", ".")
    git("commit", "-qm", "first")
    write_xlsx(repo / "rules.xlsx", sheets([RULES[0], ["R2", ">= 18", '"grown-up"']]))
    diff = git("diff", "--unified=0", "rules.xlsx").stdout
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == ['-  rule R2: age >= 18 => grade "adult"', '+  rule R2: age >= 18 => grade "grown-up"']
