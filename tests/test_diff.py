"""``dtable diff``: what changed between two versions, and where the answer changes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers_core import CLI, decision, memory_table, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.compile import compile_table
from engine.diff import Version, diff
from engine.errors import DecisionError
from engine.feel.compiler import compile_unary_tests
from engine.feel.literals import parse_literal
from engine.feel.parser import parse_unary_tests
from engine.reference import evaluate

ROLES = '"sjuksköterska", "läkare"'
WHERE = '"nej", "digitalt annan enhet", null'
ANSWERS = '"jag", "mottagaren"'


def routing(rules, policy="U", roles=ROLES, tests=None):
    table = decision(
        "avslut", policy, ["yrkesroll", "vidare"], ["avslutar"], rules,
        types={"yrkesroll": "string", "vidare": "string"},
        allowed={"yrkesroll": roles, "vidare": WHERE, "avslutar": ANSWERS},
    )  # fmt: skip
    sheets = {"avslut": table}
    if tests is not None:
        sheets["test"] = [
            ["Test: avslut"],
            ["", "input", "input", "expected"],
            ["Case", "yrkesroll", "vidare", "avslutar"],
            *tests,
        ]
    return sheets


RULES = [
    ["R1", '"sjuksköterska"', '"nej"', '"jag"'],
    ["R2", '"sjuksköterska"', '"digitalt annan enhet"', '"mottagaren"'],
    ["R3", '"läkare"', "-", '"jag"'],
]


def dtable(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CLI), *args], capture_output=True, text=True, encoding="utf-8", cwd=cwd, timeout=120)  # fmt: skip


def versions(tmp_path, old_sheets, new_sheets):
    return write_xlsx(tmp_path / "old.xlsx", old_sheets), write_xlsx(tmp_path / "new.xlsx", new_sheets)


def test_one_changed_output_cell_is_reported_with_the_region_where_the_answer_changes(tmp_path):
    changed = [RULES[0], ["R2", '"sjuksköterska"', '"digitalt annan enhet"', '"jag"'], RULES[2]]
    old, new = versions(tmp_path, routing(RULES), routing(changed))
    run = dtable("diff", str(old), str(new))
    assert run.returncode == 1, run.stderr
    assert run.stdout.splitlines() == [
        f"--- {old}",
        f"+++ {new}",
        "decision avslut",
        '  rule R2, avslutar (avslut!D7): "mottagaren" → "jag"',
        "  behaviour: the answer changes for 1 input region",
        '    yrkesroll = "sjuksköterska", vidare = "digitalt annan enhet": avslutar "mottagaren" → "jag" (R2)',
        "1 change in 1 table; the answer changes in 1 input region",
    ]


def test_the_same_workbook_twice_prints_nothing_and_exits_0(tmp_path):
    old, new = versions(tmp_path, routing(RULES), routing(RULES))
    run = dtable("diff", str(old), str(new))
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")
    document = json.loads(dtable("diff", str(old), str(new), "--format", "json").stdout)
    assert document["same"] is True and document["changes"] == [] and document["schema"] == "dtable-diff/1"


def test_a_new_rule_in_a_gap_and_a_removed_rule(tmp_path):
    new_rules = [RULES[0], RULES[2], ["R4", '"sjuksköterska"', "null", '"jag"']]
    old, new = versions(tmp_path, routing(RULES), routing(new_rules))
    run = dtable("diff", str(old), str(new))
    lines = run.stdout.splitlines()
    assert '  rule R4 added (avslut!A8): "sjuksköterska" | null => "jag"' in lines
    assert '  rule R2 removed (avslut!A7): was "sjuksköterska" | "digitalt annan enhet" => "mottagaren"' in lines
    assert '    yrkesroll = "sjuksköterska", vidare = null: no rule applies → avslutar "jag" (R4)' in lines
    assert '    yrkesroll = "sjuksköterska", vidare = "digitalt annan enhet": avslutar "mottagaren" (R2) → no rule applies' in lines


def test_a_new_allowed_value_and_a_new_hit_policy(tmp_path):
    overlapping = [*RULES, ["R4", "-", '"nej"', '"mottagaren"']]
    old = write_xlsx(tmp_path / "old.xlsx", routing(overlapping))
    new = write_xlsx(tmp_path / "new.xlsx", routing(overlapping, "F", roles=ROLES + ', "annan vårdpersonal"'))
    lines = dtable("diff", str(old), str(new)).stdout.splitlines()
    assert "  hit policy (avslut!A1): UNIQUE → FIRST" in lines
    assert (
        '  input yrkesroll, allowed values (avslut!B3): "sjuksköterska", "läkare" → '
        '"sjuksköterska", "läkare", "annan vårdpersonal"'
    ) in lines
    assert '    yrkesroll = "sjuksköterska", vidare = "nej": UNIQUE conflict between rules R1, R4 → avslutar "jag" (R1)' in lines
    assert '    yrkesroll = "annan vårdpersonal", vidare = "nej": not allowed (yrkesroll) → avslutar "mottagaren" (R4)' in lines


def test_test_cases_are_matched_by_label_and_compared_cell_by_cell(tmp_path):
    before = [["t1", '"läkare"', '"nej"', '"jag"'], ["t2", '"sjuksköterska"', '"nej"', '"jag"']]
    after = [["t1", '"läkare"', '"nej"', '"mottagaren"'], ["t3", '"sjuksköterska"', "null", "no rule applies"]]
    old, new = versions(tmp_path, routing(RULES, tests=before), routing(RULES, tests=after))
    run = dtable("diff", str(old), str(new))
    assert run.returncode == 1
    assert run.stdout.splitlines()[2:] == [
        "test of avslut",
        '  case t1, expected avslutar (test!D4): "jag" → "mottagaren"',
        '  case t3 added (test!A5): yrkesroll "sjuksköterska" | vidare null | expected no rule applies',
        '  case t2 removed (test!A5): was yrkesroll "sjuksköterska" | vidare "nej" | avslutar "jag"',
        "3 changes in 1 table",
    ]


def test_markdown_for_a_pull_request_comment(tmp_path):
    changed = [RULES[0], ["R2", '"sjuksköterska"', '"digitalt annan enhet"', '"jag"'], RULES[2]]
    old, new = versions(tmp_path, routing(RULES), routing(changed))
    text = dtable("diff", str(old), str(new), "--format", "markdown").stdout
    assert "| rule R2, avslutar | `avslut!D7` | `\"mottagaren\"` | `\"jag\"` |" in text.splitlines()
    assert '| yrkesroll = "sjuksköterska", vidare = "digitalt annan enhet" | avslutar "mottagaren" → "jag" (R2) |' in text.splitlines()


def test_trouble_is_exit_2_with_one_line(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", routing(RULES))
    (tmp_path / "broken.xlsx").write_text("not a zip")
    run = dtable("diff", str(good), str(tmp_path / "broken.xlsx"))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip() == f"dtable: error: {tmp_path / 'broken.xlsx'}: the file is damaged or not an .xlsx workbook (not a zip container)"
    run = dtable("diff", str(good))
    assert run.returncode == 2
    assert run.stderr.strip() == "dtable: error: diff compares OLD and NEW (two workbooks or folders), or --git REV [PATH…]; got 1 paths"


def test_git_revisions_difftool_and_external_diff(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args, check=True):
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, encoding="utf-8", check=check)

    git("init", "-q")
    git("config", "user.email", "a@example.org")
    git("config", "user.name", "analyst")
    write_xlsx(repo / "rules.xlsx", routing(RULES))
    git("add", ".")
    git("commit", "-qm", "first")
    write_xlsx(repo / "rules.xlsx", routing([RULES[0], RULES[1], ["R3", '"läkare"', "-", '"mottagaren"']]))
    expected = '  rule R3, avslutar (avslut!D8): "jag" → "mottagaren"'

    run = dtable("diff", "--git", "HEAD", cwd=repo)
    assert run.returncode == 1, run.stderr
    assert run.stdout.splitlines()[:4] == ["--- HEAD:rules.xlsx", "+++ rules.xlsx", "decision avslut", expected]
    assert dtable("diff", "--git", "HEAD", "rules.xlsx", "--format", "json", cwd=repo).returncode == 1

    tool = git("difftool", "-y", "-x", f'"{sys.executable}" "{CLI}" diff', "HEAD", "--", "rules.xlsx")
    assert expected in tool.stdout.splitlines()
    (repo / ".gitattributes").write_text("*.xlsx diff=xlsx\n")
    external = git("-c", f"diff.xlsx.command={sys.executable} {CLI} diff", "diff", "HEAD", "--", "rules.xlsx")
    assert external.stdout.splitlines()[:3] == ["--- a/rules.xlsx", "+++ b/rules.xlsx", "decision avslut"]

    bad = dtable("diff", "--git", "no-such-rev", cwd=repo)
    assert bad.returncode == 2 and bad.stderr.startswith("dtable: error: git rev-parse")


# ------------------------------------------------------------------ properties

STRINGS = ("a", "b", "c")
NUMBERS = (0, 10, 20)
SAMPLES = [(s, n) for s in (*STRINGS,) for n in (-5, 0, 5, 10, 15, 20, 25)]
POLICIES = ("U", "A", "F", "P", "R", "O", "C", "C#")
OUTPUTS = ('"x"', '"y"', '"z"')

string_entries = st.sampled_from(["-", '"a"', '"b"', '"a", "c"', 'not("b")', '"c"'])
number_entries = st.sampled_from(["-", "< 10", ">= 10", "[0..20]", "(0..10]", "> 20", "10", "<= 0"])


@st.composite
def tables(draw):
    policy = draw(st.sampled_from(POLICIES))
    count = draw(st.integers(1, 5))
    rules = [
        ((draw(string_entries), draw(number_entries)), (draw(st.sampled_from(OUTPUTS)),)) for _ in range(count)
    ]
    return policy, rules


def build(policy, rules):
    table = memory_table(
        policy,
        [("s", "string", STRINGS), ("n", "number", None)],
        [("o", tuple(parse_literal(o) for o in OUTPUTS))],
        rules,
        name="t",
    )
    compiled, problems = compile_table(table)
    assert not problems
    return compiled


def answer(compiled, case):
    try:
        return ("ok", repr(evaluate(compiled, case)[0]))
    except DecisionError:
        return ("conflict",)


def inside(region, case):
    return all(
        t == "-" or compile_unary_tests(parse_unary_tests(t)).predicate(case[name], case) is True
        for name, t in region.items()
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_a_table_compared_with_itself_has_no_changes(drawn):
    compiled = build(*drawn)
    found = diff(Version("a", (compiled,)), Version("b", (build(*drawn),)))
    assert found.same and found.changes == () and found.behaviour == ()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.data())
def test_a_single_cell_change_is_reported_exactly_and_its_regions_match_the_evaluator(drawn, data):
    policy, rules = drawn
    index = data.draw(st.integers(0, len(rules) - 1))
    column = data.draw(st.sampled_from(["s", "n", "o"]))
    ins, outs = rules[index]
    old_text = {"s": ins[0], "n": ins[1], "o": outs[0]}[column]
    pool = {"s": string_entries, "n": number_entries, "o": st.sampled_from(OUTPUTS)}[column]
    new_text = data.draw(pool.filter(lambda t: t != old_text))
    changed = list(rules)
    if column == "o":
        changed[index] = (ins, (new_text,))
    else:
        changed[index] = ((new_text, ins[1]) if column == "s" else (ins[0], new_text), outs)
    old, new = build(policy, rules), build(policy, changed)
    found = diff(Version("old", (old,)), Version("new", (new,)))

    assert [(c.kind, c.what, c.old, c.new) for c in found.changes] == [("cell", f"rule R{index + 1}, {column}", old_text, new_text)]
    (behaviour,) = found.behaviour
    assert behaviour.compared and not behaviour.truncated
    for s, n in SAMPLES:
        case = {"s": s, "n": n}
        differs = answer(old, case) != answer(new, case)
        regions = [r for r in behaviour.changes if inside(r.region, case)]
        assert len(regions) == (1 if differs else 0), (case, answer(old, case), answer(new, case), [r.text for r in regions])


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(POLICIES), tables(), tables())
def test_the_regions_between_any_two_tables_are_where_the_evaluator_answers_differ(policy, first, second):
    old, new = build(policy, first[1]), build(policy, second[1])
    found = diff(Version("old", (old,)), Version("new", (new,)))
    behaviour = found.behaviour[0] if found.behaviour else None
    for s, n in SAMPLES:
        case = {"s": s, "n": n}
        differs = answer(old, case) != answer(new, case)
        regions = [r for r in behaviour.changes if inside(r.region, case)] if behaviour else []
        assert len(regions) == (1 if differs else 0), (case, answer(old, case), answer(new, case), [r.text for r in regions])
