"""Lint findings rendered for people and tools: text, JSON, SARIF 2.1.0.

Renderers take any diagnostics (the loader's DT0xx/DT5xx/DT6xx and the
analyser's DT1xx-DT4xx alike) and return a string; they never print.

>>> print(render_text([]))
no findings
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from engine.analysis.codes import ALL_CHECKS, BY_CODE
from engine.diagnostics import Diagnostic, Severity, printable
from engine.feel import values as V

#: Version of the JSON document (docs/lint-json.md); bumped on incompatible changes.
JSON_SCHEMA = "dtable-lint/1"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_NAME = "dtable"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def cell_position(cell: str | None) -> tuple[int, int] | None:
    """``"C7"`` -> (row 7, column 3); None when not a cell reference."""
    found = _CELL.match(cell or "")
    if not found:
        return None
    column = 0
    for ch in found.group(1).upper():
        column = column * 26 + ord(ch) - 64
    return int(found.group(2)), column


def _order(d: Diagnostic) -> tuple:
    loc = d.location
    pos = cell_position(loc.cell if loc else None) or (0, 0)
    return (-d.severity, d.code, loc.sheet if loc else "", pos)


def _count(diagnostics: Sequence[Diagnostic]) -> str:
    parts = []
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        n = sum(1 for d in diagnostics if d.severity is severity)
        word = severity.word + ("s" if n != 1 and severity is not Severity.INFO else "")
        parts.append(f"{n} {word}")
    return ", ".join(parts)


def render_text(diagnostics: Iterable[Diagnostic]) -> str:
    """Findings grouped by workbook, then by table, worst first; a summary line last.

    Each finding names its cell (``registrering!C7``) and the rules involved.
    """
    diagnostics = list(diagnostics)
    if not diagnostics:
        return "no findings"
    books: dict[str, dict[str, list[Diagnostic]]] = {}
    for d in diagnostics:
        book = (d.location.workbook if d.location else None) or "(no workbook)"
        books.setdefault(book, {}).setdefault(d.decision or "", []).append(d)
    lines: list[str] = []
    for book, tables in books.items():
        lines.append(book)
        for decision, found in tables.items():
            title = f"decision {decision}" if decision else "workbook and model"
            lines.append(f"  {title}: {_count(found)}")
            for d in sorted(found, key=_order):
                where = str(d.location) if d.location else "-"
                rules = f" [rules {', '.join(d.rules)}]" if d.rules else ""
                lines.append(f"    {d.severity.word:<7} {d.code} {where}{rules}: {d.message}")
                for extra in (d.detail or "").splitlines():
                    lines.append(f"            {extra}")
                if d.hint:
                    lines.append(f"            hint: {d.hint}")
        lines.append("")
    lines.append(f"{len(diagnostics)} finding{'s' if len(diagnostics) != 1 else ''}: {_count(diagnostics)}")
    return printable("\n".join(lines))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    converted = V.to_json(value)
    return converted if converted is not value else str(value)


def finding_json(d: Diagnostic) -> dict[str, Any]:
    """One finding as a JSON object (see docs/lint-json.md)."""
    loc = d.location
    check = BY_CODE.get(d.code)
    return {
        "code": d.code,
        "severity": d.severity.word,
        "check": check.name if check else None,
        "message": d.message,
        "hint": d.hint,
        "detail": d.detail,
        "workbook": loc.workbook if loc else None,
        "sheet": loc.sheet if loc else None,
        "cell": loc.cell if loc else None,
        "location": str(loc) if loc else None,
        "decision": d.decision,
        "rules": list(d.rules),
        "data": _jsonable(d.data),
    }


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    """A JSON document: ``{"schema", "summary", "findings"}`` (docs/lint-json.md)."""
    diagnostics = list(diagnostics)
    document = {
        "schema": JSON_SCHEMA,
        "summary": {
            "errors": sum(d.severity is Severity.ERROR for d in diagnostics),
            "warnings": sum(d.severity is Severity.WARNING for d in diagnostics),
            "infos": sum(d.severity is Severity.INFO for d in diagnostics),
        },
        "findings": [finding_json(d) for d in diagnostics],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def _artifact_uri(workbook: str) -> str:
    path = Path(workbook)
    return path.as_uri() if path.is_absolute() else path.as_posix()


def _fingerprint(d: Diagnostic) -> str:
    loc = d.location
    key = "\x1f".join(
        [d.code, loc.workbook or "" if loc else "", loc.sheet if loc else "", d.decision or "", *d.rules, d.message]
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def render_sarif(diagnostics: Iterable[Diagnostic], *, tool_version: str = "0.1.0") -> str:
    """A SARIF 2.1.0 log: one run, one result per finding.

    A finding's place is its workbook (``artifactLocation.uri``) with the
    cell's row and column as ``region.startLine``/``startColumn`` (what
    code-scanning UIs display), and ``Sheet!C7`` as a logical location.
    """
    diagnostics = list(diagnostics)
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for check in ALL_CHECKS:
        index[check.code] = len(rules)
        rules.append(
            {
                "id": check.code,
                "name": check.name,
                "shortDescription": {"text": check.summary},
                "fullDescription": {"text": check.summary},
                "help": {"text": check.advice},
                "defaultConfiguration": {"level": _SARIF_LEVEL[check.severity]},
            }
        )
    for d in diagnostics:  # the loader's codes
        if d.code not in index:
            index[d.code] = len(rules)
            rules.append({"id": d.code, "defaultConfiguration": {"level": _SARIF_LEVEL[d.severity]}})
    artifacts: list[str] = []
    results = []
    for d in diagnostics:
        loc = d.location
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": f"{loc}: {d.message}" if loc else d.message},
            "partialFingerprints": {"dtableFinding/v1": _fingerprint(d)},
            "properties": {
                "decision": d.decision,
                "rules": list(d.rules),
                "hint": d.hint,
                "data": _jsonable(d.data),
            },
        }
        if loc is not None:
            location: dict[str, Any] = {
                "logicalLocations": [
                    {
                        "name": loc.cell or loc.sheet,
                        "fullyQualifiedName": str(loc),
                        "kind": "element",
                    }
                ]
            }
            if loc.workbook:
                if loc.workbook not in artifacts:
                    artifacts.append(loc.workbook)
                row, column = cell_position(loc.cell) or (1, 1)
                location["physicalLocation"] = {
                    "artifactLocation": {
                        "uri": _artifact_uri(loc.workbook),
                        "index": artifacts.index(loc.workbook),
                    },
                    "region": {"startLine": row, "startColumn": column},
                }
            result["locations"] = [location]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": tool_version,
                        "rules": rules,
                    }
                },
                "artifacts": [{"location": {"uri": _artifact_uri(w)}, "mimeType": _mime(w)} for w in artifacts],
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2)


def _mime(workbook: str) -> str:
    if workbook.lower().endswith(".xlsm"):
        return "application/vnd.ms-excel.sheet.macroEnabled.12"
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
