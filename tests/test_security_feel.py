"""The FEEL parser's bounds: cells nested too deeply are a located error, never a RecursionError.

These tests are the contract of engine/feel/parser.py's bounds (MAX_CELL_LENGTH,
MAX_NESTING, MAX_DEPTH), whatever the grammar becomes.
"""

from __future__ import annotations

import sys

import pytest
from helpers_core import decision, write_xlsx
from helpers_hostile import dtable_here

import engine
from engine.feel.compiler import compile_expression, compile_unary_tests
from engine.feel.parser import (
    MAX_CELL_LENGTH,
    MAX_DEPTH,
    MAX_NESTING,
    FeelSyntaxError,
    parse_expression,
    parse_unary_tests,
)

CHAINS = {
    "additions": lambda n: "x" + " + 1" * n,
    "negations": lambda n: "-" * n + "x",
    "paths": lambda n: "x" + ".a" * n,
    "powers": lambda n: "x" + "**1" * n,
    "conditions": lambda n: "if x = 1 then " * n + "1" + " else 2" * n,
}


def deepest_accepted(make) -> int:
    """The longest chain the parser accepts (the refusal is monotonic in n)."""
    low, high = 1, 2000
    while low < high:
        middle = (low + high + 1) // 2
        try:
            parse_expression(make(middle))
            low = middle
        except FeelSyntaxError:
            high = middle - 1
    return low


@pytest.mark.parametrize("kind", CHAINS)
def test_chains_under_the_cell_length_are_a_syntax_error(kind):
    make = CHAINS[kind]
    n = max(n for n in range(1, 4000) if len(make(n)) <= MAX_CELL_LENGTH)
    with pytest.raises(FeelSyntaxError) as caught:
        parse_expression(make(n))
    assert caught.value.message == f"the expression is nested more than {MAX_DEPTH} levels deep"
    assert caught.value.hint and "split it over several columns or decisions" in caught.value.hint


@pytest.mark.parametrize("kind", CHAINS)
def test_the_deepest_accepted_chain_compiles_and_evaluates_with_frames_to_spare(kind):
    n = deepest_accepted(CHAINS[kind])
    assert n >= 60  # long enough for any rule an analyst writes
    text = CHAINS[kind](n)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(500)  # half of Python's default: a caller deep in its own stack still has room
    try:
        compiled = compile_expression(parse_expression(text))
        compiled.evaluate({"x": {"a": 1} if kind == "paths" else 1})
    finally:
        sys.setrecursionlimit(limit)


def test_an_input_entry_with_a_long_addition_is_a_syntax_error():
    with pytest.raises(FeelSyntaxError, match=f"nested more than {MAX_DEPTH} levels deep"):
        parse_unary_tests("< 1" + " + 1" * 900)
    assert compile_unary_tests(parse_unary_tests("< 1" + " + 1" * 50)).predicate(3, {}) is True


def test_an_escaped_backslash_does_not_hide_brackets_from_the_nesting_bound():
    deep = "(" * (MAX_NESTING + 10) + "1" + ")" * (MAX_NESTING + 10)
    with pytest.raises(FeelSyntaxError, match=f"brackets are nested more than {MAX_NESTING} deep"):
        parse_expression('"\\\\" + ' + deep)
    assert parse_expression('"a\\"(((" + "\\\\"').col == 1  # brackets inside text are text


@pytest.mark.parametrize("cell", ["1" + "+1" * 1999, "-" * 3999 + "1", "x" + ".a" * 1999, "2" + "**2" * 1300])
def test_a_workbook_with_such_a_cell_is_a_located_load_error(tmp_path, cell):
    book = write_xlsx(tmp_path / "deep.xlsx", {"d": decision("d", "U", ["x"], ["o"], [["R1", "-", cell]])})
    with pytest.raises(engine.LoadError) as caught:
        engine.load(book)
    (problem,) = caught.value.diagnostics
    assert (problem.code, str(problem.location)) == ("DT001", "d!C4")
    assert problem.message == f"rule R1, output `o`: the expression is nested more than {MAX_DEPTH} levels deep"
    run = dtable_here("eval", str(book), "-d", "d", "-i", "{}")
    assert run.returncode == 2
    assert run.stderr.splitlines()[:2] == [
        "dtable: error: the tables have 1 error; fix it first (`dtable lint` shows every finding)",
        f"d!C4: error DT001: rule R1, output `o`: the expression is nested more than {MAX_DEPTH} levels deep",
    ]
