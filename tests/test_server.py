"""dtable serve through an ASGI test client: every endpoint, every problem status, reload, limits."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import jsonschema
import pytest
from helpers_core import SHIPPED, decision, write_xlsx
from openapi_spec_validator import validate as validate_openapi
from starlette.testclient import TestClient

import engine
from engine.output import result_json
from engine.server import VERSION_HEADER, Limits, create_app

NURSE = {"yrkesroll": "sjuksköterska", "kontakt": "1177 direkt", "vidare": "digitalt samma enhet annan dag", "ersätter_besök": False}  # fmt: skip
EVALUATE = "/decisions/registrering/evaluate"


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app([SHIPPED], watch=False)) as client:
        yield client


@pytest.fixture(scope="module")
def rulebook() -> engine.Model:
    return engine.load(SHIPPED)


def problem_of(response, status: int, code: str) -> dict:
    """The response is RFC 9457 problem+json with this status and code, naming the model version."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert len(response.headers[VERSION_HEADER]) == 16
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["type"] == f"/problems/{code}"
    assert body["title"] and body["detail"]
    return body


# ------------------------------------------------------------------ answers


def test_evaluate_answers_the_same_json_as_the_cli(client, rulebook):
    from test_cli import dtable

    response = client.post(EVALUATE, json=NURSE)
    assert response.status_code == 200
    assert response.json() == result_json(rulebook.decide("registrering", NURSE))
    assert response.json()["output"]["avslutar_ärendet"] == "mottagaren"
    cli = dtable("eval", "-d", "registrering", "-i", json.dumps(NURSE))
    assert json.loads(cli.stdout) == response.json()


def test_every_response_names_the_model_version(client):
    version = client.get("/healthz").json()["model_version"]
    for response in (client.post(EVALUATE, json=NURSE), client.get("/"), client.get("/metrics"), client.get("/nope")):
        assert response.headers[VERSION_HEADER] == version


def test_no_rule_applies_is_an_answer_not_an_error(client):
    response = client.post(EVALUATE, json=dict(NURSE, ärendetyp="receptförnyelse", vidare="nej"))
    assert response.status_code == 200
    body = response.json()
    assert body["output"] is None and body["matched"] == []
    assert body["message"].startswith("no rule of decision `registrering` applies to ")


def test_trace_adds_the_explanation(client):
    body = client.post(EVALUATE + "?trace=true", json=NURSE).json()
    tables = body["explanation"]
    assert [t["decision"] for t in tables] == ["kontakttyp", "attribut", "registrering"]
    assert tables[0]["output"] == {"kontakttyp": "Text som inte ersätter besök"}
    rules = {r["rule"]: r for r in tables[-1]["rules"]}
    assert rules["R7"]["selected"] and rules["R7"]["annotations"]["Källa"] == "3.1.2"
    assert rules["R1"]["stopped_by"] == {"input": "ärendetyp", "value": None, "entry": '"egenvårdsråd"', "location": "registrering!D6"}
    assert "explanation" not in client.post(EVALUATE, json=NURSE).json()


def test_batch_answers_each_case_in_order_and_a_bad_case_does_not_stop_it(client, rulebook):
    cases = [NURSE, dict(NURSE, yrkesroll="doktor"), dict(NURSE, vidare="nej", yrkesroll="läkare")]
    response = client.post("/decisions/registrering/evaluate-batch", json=cases)
    assert response.status_code == 200
    first, bad, third = response.json()
    assert first == result_json(rulebook.decide("registrering", NURSE))
    assert bad["output"] is None and bad["error"]["code"] == "invalid-input"
    assert bad["error"]["problems"][0]["input"] == "yrkesroll"
    assert third["matched"] == ["R13"]


def test_decisions_list_inputs_with_their_allowed_values(client):
    body = client.get("/decisions").json()
    assert [d["name"] for d in body["decisions"]] == ["registrering", "kontakttyp", "attribut"]
    assert body["reload_error"] is None and body["files"][0].endswith("1177-direkt.xlsx")
    one = client.get("/decisions/registrering").json()
    assert one["model_version"] == body["model_version"]
    vidare = next(i for i in one["inputs"] if i["name"] == "vidare")
    assert vidare["allowed"][:2] == ["nej", "fysiskt besök"] and vidare["nullable"]


def test_openapi_is_valid_and_its_schemas_accept_exactly_what_the_engine_accepts(client):
    document = client.get("/openapi.json").json()
    validate_openapi(document)
    schema = {"$ref": "#/components/schemas/registrering.context", "components": document["components"]}
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(NURSE)
    validator.validate(dict(NURSE, ärendetyp=None))
    for wrong in (dict(NURSE, yrkesroll="doktor"), dict(NURSE, ersätter_besök="ja"), {"kontakt": "telefon"}, dict(NURSE, x=1)):
        assert not validator.is_valid(wrong)
        assert client.post(EVALUATE, json=wrong).status_code == 422
    yrkesroll = document["components"]["schemas"]["registrering.context"]["properties"]["yrkesroll"]
    assert yrkesroll["enum"] == ["sjuksköterska", "läkare", "annan vårdpersonal"]
    assert "/decisions/registrering/evaluate-batch" in document["paths"]
    result = {"$ref": "#/components/schemas/registrering.result", "components": document["components"]}
    jsonschema.validate(client.post(EVALUATE, json=NURSE).json(), result, cls=jsonschema.Draft202012Validator)


def test_healthz_and_metrics(client):
    assert client.get("/healthz").json()["status"] == "ok"
    client.post(EVALUATE, json=NURSE)
    client.post(EVALUATE, json={"yrkesroll": "x"})
    client.post("/decisions/påhittad/evaluate", json={})
    text = client.get("/metrics").text
    assert client.get("/metrics").headers["content-type"].startswith("text/plain")
    assert 'dtable_evaluations_total{decision="registrering",outcome="applied"}' in text
    assert 'dtable_errors_total{code="invalid-input",decision="registrering"}' in text
    assert 'dtable_errors_total{code="unknown-decision",decision=""}' in text  # no label for made-up names
    assert "påhittad" not in text
    assert 'dtable_request_duration_seconds_bucket{decision="registrering",endpoint="evaluate",le="0.005"}' in text


# ------------------------------------------------------------------ problems


def test_malformed_json_is_400(client):
    body = problem_of(client.post(EVALUATE, content=b'{"yrkesroll": '), 400, "malformed-json")
    assert "line 1, column 15" in body["detail"]
    problem_of(client.post(EVALUATE, content=b'{"x": NaN}'), 400, "malformed-json")
    problem_of(client.post(EVALUATE, content=b"\xff\xfe"), 400, "malformed-json")
    problem_of(client.post(EVALUATE, content=b"[" * 100_000), 400, "malformed-json")


def test_unknown_decision_is_404_with_did_you_mean(client):
    body = problem_of(client.post("/decisions/registrerng/evaluate", json=NURSE), 404, "unknown-decision")
    assert body["did_you_mean"] == "registrering"
    assert body["decisions"] == ["registrering", "kontakttyp", "attribut"]
    problem_of(client.get("/decisions/registrerng"), 404, "unknown-decision")
    problem_of(client.get("/no/such/thing"), 404, "not-found")


def test_a_path_from_a_request_is_never_opened(client):
    for name in ("..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "tables%2F1177-direkt.xlsx", "..", "1177-direkt.xlsx"):
        response = client.post(f"/decisions/{name}/evaluate", json={})
        body = problem_of(response, 404, response.json()["code"])
        assert body["code"] in ("unknown-decision", "not-found")
        assert "root:" not in json.dumps(body)
    assert client.get("/static/..%2F..%2Fapp.py").status_code == 404
    assert client.get("/static/simulator.js").status_code == 200


def test_invalid_input_is_422_with_every_problem_structured(client):
    body = problem_of(client.post(EVALUATE, json=dict(NURSE, yrkesroll="sjukskoterska", ersätter_besök="nej")), 422, "invalid-input")  # fmt: skip
    assert [(p["input"], p["code"]) for p in body["problems"]] == [("yrkesroll", "not-allowed"), ("ersätter_besök", "wrong-type")]  # fmt: skip
    assert body["problems"][0]["did_you_mean"] == "sjuksköterska"
    assert body["problems"][0]["allowed"] == ["sjuksköterska", "läkare", "annan vårdpersonal"]
    array = problem_of(client.post(EVALUATE, json=[NURSE]), 422, "invalid-input")
    assert array["problems"][0]["code"] == "not-a-context"
    batch = problem_of(client.post("/decisions/registrering/evaluate-batch", json=NURSE), 422, "invalid-input")
    assert "takes a JSON array of cases" in batch["detail"]


def test_rule_conflict_is_422_naming_the_rules(tmp_path):
    tables = write_xlsx(tmp_path / "t.xlsx", decision("d", "U", ["x"], ["o"], [["R1", "> 5", '"big"'], ["R2", "> 8", '"huge"']]))  # fmt: skip
    with TestClient(create_app([tables], watch=False)) as client:
        body = problem_of(client.post("/decisions/d/evaluate", json={"x": 9}), 422, "rule-conflict")
        assert body["rules"] == ["R1", "R2"] and body["decision"] == "d"
        assert body["detail"] == "decision `d` is UNIQUE, but rules R1, R2 all match: only one rule may match"
        (entry,) = client.post("/decisions/d/evaluate-batch", json=[{"x": 9}]).json()
        assert entry["error"]["code"] == "rule-conflict" and entry["matched"] == ["R1", "R2"]


def test_wrong_media_type_and_method(client):
    problem_of(client.post(EVALUATE, content=b"yrkesroll=x", headers={"content-type": "application/x-www-form-urlencoded"}), 415, "unsupported-media-type")  # fmt: skip
    body = problem_of(client.get(EVALUATE), 405, "method-not-allowed")
    assert body["detail"] == f"GET is not allowed on {EVALUATE}"
    page = client.get("/problems/invalid-input")
    assert page.status_code == 200 and "did-you-mean" in page.text


# ------------------------------------------------------------------ limits


def test_limits_body_size_batch_size_and_time(tmp_path):
    limits = Limits(max_body_bytes=2_000, max_batch=3, timeout_seconds=0.5)
    with TestClient(create_app([SHIPPED], watch=False, limits=limits)) as client:
        big = problem_of(client.post(EVALUATE, content=json.dumps(dict(NURSE, x="a" * 3_000))), 413, "too-large")
        assert big["limit"] == 2_000 and "2,000 bytes" in big["detail"]

        def chunks():  # no Content-Length: the limit holds while the body streams in
            for _ in range(10):
                yield b" " * 500

        problem_of(client.post(EVALUATE, content=chunks()), 413, "too-large")
        batch = problem_of(client.post("/decisions/registrering/evaluate-batch", json=[NURSE] * 4), 413, "batch-too-large")  # fmt: skip
        assert batch["limit"] == 3 and batch["detail"] == "4 cases is more than the limit of 3 per request"
        assert len(client.post("/decisions/registrering/evaluate-batch", json=[NURSE] * 3).json()) == 3

        service = client.app.service

        def slow(name, case):
            time.sleep(2)
            raise AssertionError("abandoned")

        original = service.rulebook.current.model.decide
        service.rulebook.current.model.decide = slow  # an evaluation that takes too long
        try:
            started = time.monotonic()
            body = problem_of(client.post(EVALUATE, json=NURSE), 503, "timeout")
            assert time.monotonic() - started < 1.9  # answered at the limit, not when the work ended
            assert body["limit"] == 0.5
        finally:
            service.rulebook.current.model.decide = original
        assert client.post(EVALUATE, json=NURSE).status_code == 200


# ------------------------------------------------------------------ reload


def _kontakt_book(path: Path, telefon: str) -> Path:
    rows = decision("typ", "U", ["kontakt"], ["typ"], [["R1", '"1177 direkt"', '"Text"'], ["R2", '"telefon"', telefon]])
    return write_xlsx(path, rows)


def test_reload_swaps_a_good_edit_and_keeps_serving_through_a_broken_one(tmp_path):
    folder = tmp_path / "tables"
    folder.mkdir()
    book = _kontakt_book(folder / "kontakt.xlsx", '"Telefonsamtal"')
    with TestClient(create_app([folder], watch=False)) as client:
        service = client.app.service
        first = client.post("/decisions/typ/evaluate", json={"kontakt": "telefon"})
        assert first.json()["output"] == {"typ": "Telefonsamtal"}
        old_version = first.headers[VERSION_HEADER]

        assert service.reload() is False  # nothing changed

        _kontakt_book(folder / "next.xlsx", '"Telefon ersätter besök"')
        shutil.move(folder / "next.xlsx", book)  # as editors save: a new file renamed over the old
        assert service.reload() is True
        good = client.post("/decisions/typ/evaluate", json={"kontakt": "telefon"})
        assert good.json()["output"] == {"typ": "Telefon ersätter besök"}
        new_version = good.headers[VERSION_HEADER]
        assert new_version != old_version

        _kontakt_book(book, "[1..")  # a broken edit
        assert service.reload() is False
        kept = client.post("/decisions/typ/evaluate", json={"kontakt": "telefon"})
        assert kept.json()["output"] == {"typ": "Telefon ersätter besök"}  # the last good model answers
        assert kept.headers[VERSION_HEADER] == new_version
        shown = client.get("/decisions").json()["reload_error"]
        assert shown["code"] == "load-error" and shown["version"] != new_version
        assert any(d["code"] == "DT001" and d["location"] == "Sheet1!C5" for d in shown["diagnostics"])
        assert client.get("/healthz").json()["reload_failed"] is True
        assert "dtable_reload_failed 1.0" in client.get("/metrics").text
        assert "The tables on disk do not load" in client.get("/").text

        _kontakt_book(book, '"Telefonsamtal"')
        assert service.reload() is True
        assert client.get("/decisions").json()["reload_error"] is None
        assert 'dtable_reloads_total{result="failed"} 1.0' in client.get("/metrics").text


def test_reload_failure_is_logged(tmp_path, caplog):
    book = _kontakt_book(tmp_path / "k.xlsx", '"Telefonsamtal"')
    with TestClient(create_app([book], watch=False)) as client:
        _kontakt_book(book, "[1..")
        with caplog.at_level("ERROR", logger="dtable.serve"):
            client.app.service.reload()
        (record,) = [r for r in caplog.records if r.name == "dtable.serve"]
        assert "reload failed, still serving version" in record.getMessage()
        assert "Sheet1!C5" in record.getMessage()


def test_the_watcher_reloads_a_changed_workbook(tmp_path, monkeypatch):
    book = _kontakt_book(tmp_path / "k.xlsx", '"Telefonsamtal"')
    monkeypatch.chdir(tmp_path)  # given as `dtable serve k.xlsx` would give it: a relative path
    with TestClient(create_app(["k.xlsx"], watch=True, debounce_ms=50)) as client:
        before = client.get("/healthz").json()["model_version"]
        time.sleep(0.3)  # let the watcher start
        _kontakt_book(tmp_path / "k.tmp.xlsx", '"Nytt"')
        shutil.move(tmp_path / "k.tmp.xlsx", book)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and client.get("/healthz").json()["model_version"] == before:
            time.sleep(0.1)
        assert client.post("/decisions/typ/evaluate", json={"kontakt": "telefon"}).json()["output"] == {"typ": "Nytt"}


def test_a_server_does_not_start_on_broken_tables(tmp_path):
    book = _kontakt_book(tmp_path / "k.xlsx", "[1..")
    with pytest.raises(engine.LoadError):
        create_app([book], watch=False)


def test_a_dmn_model_is_served_like_a_workbook(tmp_path):
    from helpers_dmn import GRADE_TABLE, input_data, literal_decision, write_dmn

    body = GRADE_TABLE + input_data("name", "string") + literal_decision("greeting", '"Hello " + name', ("name",))
    path = write_dmn(tmp_path / "m.dmn", body)
    with TestClient(create_app([path], watch=False)) as client:
        assert client.post("/decisions/grade/evaluate", json={"age": 12}).json()["output"] == {"grade": "child"}
        greeting = client.post("/decisions/greeting/evaluate?trace=true", json={"name": "Ada"}).json()
        assert greeting["output"] == {"greeting": "Hello Ada"}
        assert greeting["explanation"][-1]["hit_policy"] == "expression"
        validate_openapi(client.get("/openapi.json").json())
        page = client.get("/?decision=greeting&name=Ada")
        assert "answers (its logic is an expression, not a table)" in page.text and "Hello Ada" in page.text


def test_serve_on_a_taken_port_is_one_line_and_exit_2():
    import socket

    from test_cli import dtable, one_line_error

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = one_line_error(dtable("serve", "--port", str(port), "--no-reload"))
    assert line == f"dtable: error: cannot listen on 127.0.0.1:{port}: Address already in use"
    assert one_line_error(dtable("serve", "--max-batch", "0")) == "dtable: error: --max-batch must be more than 0, not 0"
