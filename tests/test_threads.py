"""A model is shared by threads: concurrent calls give the sequential answers."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor

import engine
from tests.helpers_core import SHIPPED


def _cases(model: engine.Model) -> list[dict]:
    specs = model.inputs
    names = sorted(model.inputs_of("registrering"))
    domains = [specs[n].allowed for n in names]
    return [dict(zip(names, values)) for values in itertools.product(*domains)]


def _answer(model: engine.Model, case: dict) -> tuple:
    result = model.decide("registrering", case)
    return result.output and tuple(sorted(result.output.items())), result.matched


def test_concurrent_decisions_match_sequential_ones():
    model = engine.load(SHIPPED)
    cases = _cases(model)
    assert len(cases) == 3 * 3 * 5 * 7 * 2  # every combination of allowed values
    expected = [_answer(model, case) for case in cases]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            assert list(pool.map(lambda c: _answer(model, c), cases)) == expected
    assert sum(1 for output, _ in expected if output) > 0


def test_two_models_do_not_share_state(tmp_path):
    first = engine.load(SHIPPED)
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(SHIPPED.read_bytes())
    second = engine.load(copy)
    case = {"yrkesroll": "läkare", "kontakt": "telefon", "ärendetyp": None, "vidare": "nej", "ersätter_besök": True}
    assert first.decide("registrering", case).output == second.decide("registrering", case).output
    assert first.sources != second.sources
    assert first.tables["registrering"] is not second.tables["registrering"]
