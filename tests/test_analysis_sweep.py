"""The sweep agrees with brute force on small random tables.

Every input combination of a small table is enumerated (one value from each
piece of every column's domain) and matched with the rules' compiled
predicates; the gaps, overlapping pairs and masked rules the analyser finds
must be exactly those. Gap boxes and overlap regions must contain exactly
the right points, and the FEEL text written for them must accept exactly
those values (checked with the real parser).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from decimal import Decimal

from analysis_tables import condition, make_table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.analysis import analyse_table, merge_gaps, sweep_table
from engine.analysis.boxes import intersect, region_contains
from engine.analysis.overlaps import find_masked, overlap_pairs, priority_keys
from engine.analysis.sweep import sweep
from engine.model import HitPolicy

D = Decimal
STRING_LITERALS = ['"a"', '"b"', '"c"']
NUMBER_LITERALS = ["1", "1.10", "1.5", "2", "3"]
DATE_LITERALS = ['date("2024-01-01")', 'date("2024-01-02")', 'date("2024-01-05")']
SAMPLES = {
    "string": ["", "a", "am", "b", "bm", "c", "cm"],
    "number": [D(0), D(1), D("1.05"), D("1.1"), D("1.3"), D("1.5"), D("1.75"), D(2), D("2.5"), D(3), D(4)],
    "date": [dt.date(2023, 12, 31), *(dt.date(2024, 1, d) for d in (1, 2, 3, 5, 6))],
    "boolean": [True, False],
}
LITERALS = {"string": STRING_LITERALS, "number": NUMBER_LITERALS, "date": DATE_LITERALS, "boolean": ["true", "false"]}
KINDS = [
    ("string", ("a", "b")),
    ("string", ("a", "b", None)),
    ("string", None),
    ("number", None),
    ("number", (1, D("1.5"), 2)),
    ("boolean", None),
    ("date", None),
    (None, None),
]
OUTPUTS = ("x", "y", "z")


MAX_EXAMPLES = int(os.environ.get("ANALYSIS_EXAMPLES", "400"))


class Opaque:
    """A value of no FEEL category the analyser knows (the untyped column's 'anything')."""

    def __repr__(self) -> str:
        return "<opaque>"


OPAQUE = Opaque()


@st.composite
def entries(draw, kind):
    type_, _ = kind
    cats = [type_] if type_ else ["string", "number", "boolean"]
    cat = draw(st.sampled_from(cats))
    lit = st.sampled_from(LITERALS[cat])
    forms = ["any", "literal", "list", "not", "null", "not null", "with null"]
    if cat != "boolean":
        forms += ["compare", "interval"]
    if type_ == "string":
        forms.append("wrong type")
    form = draw(st.sampled_from(forms))
    if form == "any":
        return "-"
    if form == "literal":
        return draw(lit)
    if form == "list":
        return ", ".join(draw(st.lists(lit, min_size=2, max_size=3, unique=True)))
    if form == "not":
        return "not(" + ", ".join(draw(st.lists(lit, min_size=1, max_size=2, unique=True))) + ")"
    if form == "null":
        return "null"
    if form == "not null":
        return "not(null)"
    if form == "with null":
        return draw(lit) + ", null"
    if form == "compare":
        return draw(st.sampled_from(["<", "<=", ">", ">="])) + " " + draw(lit)
    if form == "interval":
        lo, hi = sorted(draw(st.lists(st.sampled_from(range(len(LITERALS[cat]))), min_size=2, max_size=2, unique=True)))
        ends = draw(st.sampled_from(["[]", "[)", "(]", "()"]))
        return f"{ends[0]}{LITERALS[cat][lo]}..{LITERALS[cat][hi]}{ends[1]}"
    return "< 2"  # a number test on a string column


@st.composite
def tables(draw):
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=3))
    n_rules = draw(st.integers(0, 7))
    rules = [([draw(entries(k)) for k in kinds], [f'"{draw(st.sampled_from(OUTPUTS))}"']) for _ in range(n_rules)]
    policy = draw(st.sampled_from(["U", "A", "F", "P", "R", "C"]))
    inputs = [(f"c{j}", t, a) for j, (t, a) in enumerate(kinds)]
    return make_table("t", policy, inputs, [("o", "string", OUTPUTS)], rules)


def domain_samples(ct) -> list[list]:
    """Values standing for every piece of every column's domain (the brute force's own idea of it)."""
    columns = []
    for j, column in enumerate(ct.table.inputs):
        texts = [r.tests[j].cell.text for r in ct.rules]
        if column.allowed is not None:
            columns.append(list(column.allowed))
            continue
        if column.type:
            values = list(SAMPLES[column.type])
        else:
            cats = {c for c, lits in LITERALS.items() for t in texts for lit in lits if lit in t}
            values = [v for c in ("string", "number", "boolean") if c in cats for v in SAMPLES[c]] or [OPAQUE]
        if any("null" in t for t in texts):
            values.append(None)
        columns.append(values)
    return columns


def matches(rule, point) -> bool:
    ctx = {}
    return all(test.predicate(v, ctx) is True for test, v in zip(rule.tests, point))


@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_gaps_overlaps_and_masking_agree_with_brute_force(ct):
    space, live, result = sweep_table(ct)
    assert not result.truncated
    gaps = merge_gaps(result.gaps)
    pairs = {(live[a].index, live[b].index) for a, b in overlap_pairs(result)}
    samples = domain_samples(ct)
    points = list(itertools.product(*samples))

    brute_pairs = set()
    matched_anywhere = set()
    first_winners = set()
    for point in points:
        hits = [i for i, rule in enumerate(ct.rules) if matches(rule, point)]
        in_gaps = sum(region_contains(space, g, point) for g in gaps)
        assert in_gaps == (0 if hits else 1), (point, hits, in_gaps)
        matched_anywhere.update(hits)
        brute_pairs.update(itertools.combinations(hits, 2))
        if hits:
            first_winners.add(hits[0])
    assert pairs == brute_pairs

    for gap in gaps:  # no empty gap box
        assert any(region_contains(space, gap, p) for p in points)
    assert {b.index for b in live} == matched_anywhere

    by_index = {b.index: b for b in live}
    for a, b in pairs:
        region = intersect(by_index[a].sides, by_index[b].sides)
        for point in points:
            both = matches(ct.rules[a], point) and matches(ct.rules[b], point)
            assert region_contains(space, region, point) == both

    masked = {live[r].index for r in find_masked(result, len(live), HitPolicy.FIRST, None)}
    assert masked == matched_anywhere - first_winners

    # The FEEL text of each gap side accepts exactly the side's values.
    for gap in gaps:
        for dom, side, values in zip(space.domains, gap, samples):
            text = dom.describe(side)
            inside = [v for v in values if dom.contains(side, v)]
            if text == "-":
                assert inside == values
            else:
                accepted = condition(text)
                assert [v for v in values if accepted.accepts(v)] == inside, (text, inside)

    analyse_table(ct)  # every check runs without failing


@settings(max_examples=200, deadline=None)
@given(tables())
def test_priority_masking_agrees_with_brute_force(ct):
    space, live, result = sweep_table(ct)
    keys = priority_keys(space, live)
    rank = {b.index: keys[i] for i, b in enumerate(live)}
    masked = {live[r].index for r in find_masked(result, len(live), HitPolicy.PRIORITY, keys)}
    winners, matched = set(), set()
    for point in itertools.product(*domain_samples(ct)):
        hits = [i for i, rule in enumerate(ct.rules) if matches(rule, point)]
        if hits:
            best = min(rank[i] for i in hits)
            winners.update(i for i in hits if rank[i] == best)
            matched.update(hits)
    assert masked == matched - winners


def test_sweep_of_no_rules_is_one_gap():
    assert sweep([], [3, 2]).gaps == [(((0, 3),), ((0, 2),))]


def test_sweep_merges_memoised_subproblems():
    # Two rules split column 0; both leave the same hole in column 1.
    boxes = [(((0, 1),), ((0, 1),)), (((1, 2),), ((0, 1),))]
    result = sweep(boxes, [2, 2])
    assert merge_gaps(result.gaps) == [(((0, 2),), ((1, 2),))]
    assert result.cells == {frozenset({0}), frozenset({1})}
