"""The simulator page: a form per decision, generated from its inputs, and the answer in plain words.

Server-rendered (Jinja2, autoescaped: cell text is untrusted) and usable
without a script: the form is a GET of ``/``, so a filled-in form is also a
link. ``static/simulator.js`` only fetches the answer fragment
(``/simulate/NAME``) as values change. Names, values and annotations are
shown in the workbook's own words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from engine.errors import DecisionError, EngineError, InputError
from engine.output import decision_json, result_json
from engine.server.problems import ProblemType
from engine.server.rulebook import Rulebook, Snapshot

HERE = Path(__file__).parent
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
#: The only files the page serves, read once: no request names a path.
ASSETS = {
    name: ((HERE / "static" / name).read_bytes(), media)
    for name, media in (("simulator.js", "text/javascript"), ("simulator.css", "text/css"))
}
#: The page runs only its own script and style.
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
ABSENT_PREFIX = "absent:"


@dataclass
class Field:
    """One input of the form."""

    name: str
    id: str
    kind: str  # select, checkbox, number, date, text
    nullable: bool
    type: str | None
    location: str | None
    options: list[tuple[str, str]] = field(default_factory=list)  # (form text, label)
    text: str = ""  # the submitted form text
    checked: bool = False
    absent: bool = False
    problem: str | None = None


def plain(value: Any) -> str:
    """A value in plain words: text as written, yes/no, none for null."""
    if value is None:
        return "none"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        return ", ".join(plain(v) for v in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {plain(v)}" for k, v in value.items())
    return str(value)


def form_text(value: Any) -> str:
    """How a value travels in the form (and in the page's address)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def build_fields(described: Mapping[str, Any], params: Mapping[str, str]) -> tuple[list[Field], dict[str, Any]]:
    """The form's fields, filled in from ``params``, and the context they give."""
    fields: list[Field] = []
    context: dict[str, Any] = {}
    for number, spec in enumerate(described["inputs"]):
        name, allowed, kind_of = spec["name"], spec["allowed"], spec["type"]
        ident = f"input-{number}-" + re.sub(r"\W+", "-", name).strip("-")
        if kind_of == "boolean" or (allowed is not None and {a for a in allowed if a is not None} <= {True, False} and allowed):
            kind = "checkbox"
        elif allowed is not None:
            kind = "select"
        else:
            kind = {"number": "number", "date": "date"}.get(kind_of or "", "text")
        f = Field(name, ident, kind, spec["nullable"], kind_of, spec["location"])
        text = params.get(name, "")
        f.text = text
        if kind == "select":
            f.options = [(form_text(a), "absent (null)" if a is None else plain(a) if isinstance(a, bool) else str(a)) for a in allowed]  # fmt: skip
            if not any(t == "" for t, _ in f.options):
                f.options.insert(0, ("", "— choose —"))
            match = [a for a in allowed if form_text(a) == text]
            context[name] = match[0] if match else (text or None)
        elif kind == "checkbox":
            f.absent = f.nullable and ABSENT_PREFIX + name in params
            f.checked = text == "true"
            context[name] = None if f.absent else f.checked
        elif kind == "number":
            context[name] = _number(text)
        else:
            context[name] = text or None
        fields.append(f)
    return fields, context


def _number(text: str) -> Any:
    if not text.strip():
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return text  # the engine says what is wrong with it


@dataclass
class Answer:
    status: str  # applies, no-rule, invalid, conflict
    message: str
    outputs: list[tuple[str, str]] = field(default_factory=list)  # single hit: (output, plain value)
    rows: list[list[str]] = field(default_factory=list)  # multi hit: one row per rule
    columns: list[str] = field(default_factory=list)
    fired: list[dict[str, Any]] = field(default_factory=list)
    trace: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    default: bool = False


def decide(snapshot: Snapshot, name: str, fields: list[Field], context: dict[str, Any]) -> Answer:
    model = snapshot.model
    try:
        result = model.decide(name, context)
    except InputError as error:
        ids = {f.name: f for f in fields}
        problems = []
        for p in error.problems or ():
            target = ids.get(p.input or "")
            if target is not None:
                target.problem = p.message
            problems.append({"input": p.input, "field": target.id if target else None, "message": p.message})
        if not problems:
            problems.append({"input": None, "field": None, "message": str(error)})
        return Answer("invalid", str(error), problems=problems)
    except DecisionError as error:
        return Answer("conflict", str(error), rules=list(error.rules))
    except EngineError as error:
        return Answer("invalid", str(error), problems=[{"input": None, "field": None, "message": str(error)}])
    data = result_json(result, model, explain=True)
    trace = data["explanation"]
    answer = Answer("applies" if result.applies else "no-rule", data["message"], trace=trace)
    answer.default = not result.applies and result.output is not None
    output = data["output"]
    if isinstance(output, dict):
        answer.outputs = [(k, plain(v)) for k, v in output.items()]
    elif isinstance(output, list) and output:
        answer.columns = list(output[0])
        answer.rows = [[plain(row.get(c)) for c in answer.columns] for row in output]
    table = model.tables.get(name)
    locations = {r.label: str(r.rule.location) for r in table.rules} if table is not None else {}
    final = trace[-1]
    answer.fired = [
        {"label": r["rule"], "location": locations.get(r["rule"]), "annotations": list(r["annotations"].items())}
        for r in final["rules"]
        if r["selected"]
    ]
    return answer


def _default_decision(snapshot: Snapshot) -> str:
    model = snapshot.model
    required = {d for name in model.decisions for d in model.required_decisions(name)}
    top = [d for d in model.decisions if d not in required]
    return (top or list(model.decisions))[0]


def _page_context(request: Request, snapshot: Snapshot, name: str) -> dict[str, Any]:
    described = decision_json(snapshot.model, name)
    fields, context = build_fields(described, request.query_params)
    answer = decide(snapshot, name, fields, context)
    failure = request.app.state.service.rulebook.failure
    return {
        "name": name,
        "described": described,
        "fields": fields,
        "a": answer,
        "version": snapshot.version,
        "decisions": list(snapshot.model.decisions),
        "failure": failure,
        "plain": plain,
    }


async def simulator(request: Request, rulebook: Rulebook) -> Response:
    snapshot = rulebook.current
    name = request.query_params.get("decision") or _default_decision(snapshot)
    if name not in snapshot.model.decisions:
        name = _default_decision(snapshot)
    html = _ENV.get_template("page.html").render(_page_context(request, snapshot, name))
    return HTMLResponse(html, headers={**HEADERS, "Dtable-Model-Version": snapshot.version})


async def answer(request: Request, rulebook: Rulebook) -> Response:
    snapshot = rulebook.current
    name = request.path_params["name"]
    if name not in snapshot.model.decisions:
        return HTMLResponse(
            f"<p>No decision named {escape(name)}.</p>", status_code=404, headers={**HEADERS, "Dtable-Model-Version": snapshot.version}
        )  # fmt: skip
    html = _ENV.get_template("answer.html").render(_page_context(request, snapshot, name))
    return HTMLResponse(html, headers={**HEADERS, "Dtable-Model-Version": snapshot.version})


async def asset(request: Request) -> Response:
    found = ASSETS.get(request.path_params["asset"])
    if found is None:
        return Response("not found", status_code=404, media_type="text/plain")
    content, media = found
    return Response(content, media_type=media, headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})


def problem_page(kind: ProblemType) -> str:
    return _ENV.get_template("problem.html").render(kind=kind)
