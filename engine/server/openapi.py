"""The OpenAPI 3.1 document of a served model: one request and one result schema per decision.

Schemas come from the tables' declarations: an input's ``Type`` gives the
JSON type, its ``Allowed values`` the ``enum`` (with null where the table
allows an absent value); inputs whose allowed values exclude null are
required, and unknown properties are refused, as the engine refuses them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from engine.api import Model
from engine.output import decision_json

PROBLEM = {"$ref": "#/components/schemas/Problem"}
_JSON_TYPE = {"string": "string", "number": "number", "boolean": "boolean", "date": "string"}


def value_schema(declared_type: str | None, allowed: list[Any] | None, nullable: bool) -> dict[str, Any]:
    """The JSON Schema of one input or output column."""
    schema: dict[str, Any] = {}
    if declared_type in _JSON_TYPE:
        kind = _JSON_TYPE[declared_type]
        schema["type"] = [kind, "null"] if nullable else kind
        if declared_type == "date":
            schema["format"] = "date"
    if allowed is not None:
        schema["enum"] = allowed if not nullable or None in allowed else [*allowed, None]
    return schema


def component_names(names: list[str]) -> dict[str, str]:
    """Decision name -> a component key (OpenAPI allows only ``[A-Za-z0-9._-]``), unique."""
    found: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        key = re.sub(r"[^A-Za-z0-9._-]+", "_", plain).strip("_") or "decision"
        candidate, n = key, 2
        while candidate in used:
            candidate, n = f"{key}_{n}", n + 1
        used.add(candidate)
        found[name] = candidate
    return found


def document(model: Model, version: str, max_batch: int) -> dict[str, Any]:
    """The whole OpenAPI document (``GET /openapi.json``)."""
    keys = component_names(list(model.decisions))
    schemas: dict[str, Any] = {"Problem": _problem_schema()}
    paths: dict[str, Any] = _fixed_paths()
    for name in model.decisions:
        key = keys[name]
        described = decision_json(model, name)
        schemas[f"{key}.context"] = _context_schema(described)
        schemas[f"{key}.output"] = _output_schema(described)
        schemas[f"{key}.result"] = _result_schema(described, key)
        paths[f"/decisions/{name}/evaluate"] = {"post": _evaluate_operation(name, key, described)}
        paths[f"/decisions/{name}/evaluate-batch"] = {"post": _batch_operation(name, key, max_batch)}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "dtable decisions",
            "version": version,
            "description": "Decisions compiled from Excel decision tables. Evaluate with a plain JSON object of "
            "input values; errors are RFC 9457 problem details with a stable `code`.",
        },
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _context_schema(described: dict[str, Any]) -> dict[str, Any]:
    properties = {}
    for spec in described["inputs"]:
        column = value_schema(spec["type"], spec["allowed"], spec["nullable"])
        if spec["location"]:
            column["description"] = f"declared at {spec['location']}"
        properties[spec["name"]] = column
    required = [i["name"] for i in described["inputs"] if not i["nullable"]]
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


def _output_schema(described: dict[str, Any]) -> dict[str, Any]:
    row = {
        "type": "object",
        "properties": {o["name"]: value_schema(o["type"], o["allowed"], True) for o in described["outputs"]},
    }
    if described["single_hit"] or described["aggregated"]:
        return {"anyOf": [row, {"type": "null"}], "description": "null when no rule applies and there is no default"}
    return {"type": "array", "items": row, "description": "one entry per rule that applies"}


def _result_schema(described: dict[str, Any], key: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["decision", "output", "matched", "message"],
        "properties": {
            "decision": {"const": described["name"]},
            "output": {"$ref": f"#/components/schemas/{key}.output"},
            "matched": {"type": "array", "items": {"type": "string"}, "description": "labels of the rules that matched"},
            "message": {"type": "string"},
            "explanation": {"type": "array", "description": "with ?trace=true: per evaluated decision, why each rule did or did not match"},
            "warnings": {"type": "array", "items": {"type": "string"}},
            "error": {"type": "object", "description": "evaluate-batch only: why this case has no result"},
        },
    }  # fmt: skip


def _problem_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "RFC 9457 problem details",
        "required": ["type", "title", "status", "detail", "code"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "code": {"type": "string"},
            "problems": {"type": "array", "items": {"type": "object"}, "description": "invalid-input: one entry per input problem"},
            "rules": {"type": "array", "items": {"type": "string"}, "description": "rule-conflict: the rules that all match"},
        },
    }  # fmt: skip


def _problems(*statuses: int) -> dict[str, Any]:
    words = {400: "malformed JSON", 404: "unknown decision", 413: "body or batch too large",
             415: "not JSON", 422: "invalid inputs, or the rules conflict", 503: "over the time limit"}  # fmt: skip
    return {
        str(s): {"description": words[s], "content": {"application/problem+json": {"schema": PROBLEM}}} for s in statuses
    }


def _evaluate_operation(name: str, key: str, described: dict[str, Any]) -> dict[str, Any]:
    return {
        "operationId": f"evaluate_{key}",
        "summary": f"Evaluate `{name}` ({described['hit_policy'] or 'expression'})",
        "parameters": [
            {"name": "trace", "in": "query", "schema": {"type": "boolean", "default": False},
             "description": "add the explanation: which rule fired, the cell that stopped each other rule, "
             "the required decisions and their results"},
        ],  # fmt: skip
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{key}.context"}}}},  # fmt: skip
        "responses": {
            "200": {
                "description": "the decision's answer (also when no rule applies: `output` is then null)",
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{key}.result"}}},
            },
            **_problems(400, 404, 413, 415, 422, 503),
        },
    }


def _batch_operation(name: str, key: str, max_batch: int) -> dict[str, Any]:
    return {
        "operationId": f"evaluate_batch_{key}",
        "summary": f"Evaluate `{name}` for up to {max_batch} cases",
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {
                "type": "array", "maxItems": max_batch, "items": {"$ref": f"#/components/schemas/{key}.context"},
            }}},
        },  # fmt: skip
        "responses": {
            "200": {
                "description": "one entry per case, in order; a case without a result has `output` null and `error`",
                "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": f"#/components/schemas/{key}.result"}}}},
            },  # fmt: skip
            **_problems(400, 404, 413, 415, 503),
        },
    }


def _fixed_paths() -> dict[str, Any]:
    def get(summary: str, media: str = "application/json") -> dict[str, Any]:
        return {"get": {"summary": summary, "responses": {"200": {"description": summary, "content": {media: {}}}}}}

    return {
        "/decisions": get("The served decisions, their inputs and outputs, and the last failed reload"),
        "/decisions/{name}": {
            "get": {
                "summary": "One decision: inputs (type, allowed values), outputs, required decisions",
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the decision", "content": {"application/json": {}}}, **_problems(404)},
            }
        },
        "/healthz": get("Liveness: the server answers from a loaded model"),
        "/metrics": get("Prometheus metrics", "text/plain"),
        "/openapi.json": get("This document"),
        "/": get("The simulator page", "text/html"),
    }
