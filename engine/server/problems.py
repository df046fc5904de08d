"""Errors as RFC 9457 problem details (``application/problem+json``).

Every problem has a stable ``code`` (the engine's error codes, and a few of
the server's own); its ``type`` is ``/problems/CODE`` on the server, which
documents it. Extension members carry what the engine's error knows: the
input problems, the conflicting rules, the decisions there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse

from engine.errors import EngineError
from engine.output import error_json

MEDIA_TYPE = "application/problem+json"


@dataclass(frozen=True)
class ProblemType:
    code: str
    status: int
    title: str
    about: str  # what it means and what to do, for /problems/CODE


TYPES = {
    t.code: t
    for t in (
        ProblemType("malformed-json", 400, "The request body is not valid JSON",
                    "Send one JSON object of input values (evaluate) or an array of them (evaluate-batch), "
                    "UTF-8 encoded, with Content-Type: application/json."),
        ProblemType("unknown-decision", 404, "No such decision",
                    "The decision named in the path is not in the served tables; `decisions` lists those that are, "
                    "`did_you_mean` the closest name."),
        ProblemType("not-found", 404, "No such resource", "The path names nothing this server offers; see /openapi.json."),
        ProblemType("method-not-allowed", 405, "Method not allowed", "This path does not take that method; see /openapi.json."),
        ProblemType("too-large", 413, "The request body is too large",
                    "The body is larger than the server's limit (`limit`, in bytes); split the cases into several requests."),
        ProblemType("batch-too-large", 413, "Too many cases in one batch",
                    "evaluate-batch takes at most `limit` cases per request; split the array."),
        ProblemType("unsupported-media-type", 415, "The body must be JSON",
                    "Send the body with Content-Type: application/json (curl: --json)."),
        ProblemType("invalid-input", 422, "The inputs are not valid for this decision",
                    "`problems` lists every problem, one per input: its `code` (unknown-input, decision-as-input, missing, "
                    "wrong-type, not-allowed, not-a-context), the value sent, the allowed values and a did-you-mean."),
        ProblemType("rule-conflict", 422, "The rules conflict for these inputs",
                    "The decision's hit policy (UNIQUE or ANY) allows no such overlap; `rules` names the rules that all "
                    "match. The tables need fixing: `dtable lint` reports the overlap."),
        ProblemType("timeout", 503, "The evaluation took too long",
                    "The request ran past the server's time limit (`limit`, in seconds); send fewer cases per request."),
        ProblemType("internal-error", 500, "Internal error", "The server failed unexpectedly; its log has the details."),
    )
}  # fmt: skip


def problem(code: str, detail: str, *, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    """A problem+json response of type ``code`` (one of :data:`TYPES`)."""
    kind = TYPES[code]
    body = {"type": f"/problems/{code}", "title": kind.title, "status": kind.status, "detail": detail, "code": code}
    body.update(extra)
    return JSONResponse(body, status_code=kind.status, media_type=MEDIA_TYPE, headers=headers)


def engine_problem(error: EngineError, *, headers: dict[str, str] | None = None) -> JSONResponse:
    """The problem for an error the engine raised, with everything :func:`engine.output.error_json` knows."""
    data = error_json(error)
    code = data.pop("code")
    detail = data.pop("message")
    return problem(code if code in TYPES else "internal-error", detail, headers=headers, **data)
