"""A workbook diff for people and tools: text, JSON (``dtable-diff/1``) and Markdown.

Renderers return a string and never print. Text prints nothing for two
identical versions (as ``diff`` does); JSON always prints a document.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from engine.diff import Behaviour, Change, WorkbookDiff

JSON_SCHEMA = "dtable-diff/1"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(found: WorkbookDiff) -> str:
    if found.same:
        return "no changes"
    decisions = len({(c.table, c.decision) for c in found.changes})
    text = f"{_plural(len(found.changes), 'change')} in {_plural(decisions, 'table')}"
    if any(b.compared for b in found.behaviour):
        text += f"; the answer changes in {_plural(found.regions, 'input region')}"
    return text


def _groups(found: WorkbookDiff) -> list[tuple[str, str, list[Change], Behaviour | None]]:
    """(table kind, decision, its changes, its behaviour), decisions first, in order of appearance."""
    behaviour = {b.decision: b for b in found.behaviour}
    groups: dict[tuple[str, str], list[Change]] = {}
    for change in found.changes:
        groups.setdefault((change.table, change.decision), []).append(change)
    ordered = sorted(groups.items(), key=lambda kv: kv[0][0] != "decision")
    return [(kind, name, changes, behaviour.get(name) if kind == "decision" else None) for (kind, name), changes in ordered]


def render_text(found: WorkbookDiff) -> str:
    if found.same:
        return ""
    lines = [f"--- {found.old}", f"+++ {found.new}"]
    for kind, name, changes, behaviour in _groups(found):
        lines.append(f"{'decision' if kind == 'decision' else 'test of'} {name}")
        lines.extend(f"  {c.text()}" for c in changes)
        if behaviour is None:
            continue
        if behaviour.note:
            lines.append(f"  behaviour {behaviour.note}")
        if behaviour.compared and not behaviour.changes:
            lines.append("  behaviour: the same answer for every input")
        elif behaviour.changes:
            lines.append(f"  behaviour: the answer changes for {_plural(len(behaviour.changes), 'input region')}")
            lines.extend(f"    {r.text}: {r.change()}" for r in behaviour.changes)
    lines.append(summary(found))
    return "\n".join(lines)


def render_json(found: WorkbookDiff) -> str:
    document: dict[str, Any] = {
        "schema": JSON_SCHEMA,
        "old": found.old,
        "new": found.new,
        "same": found.same,
        "changes": [c.as_json() for c in found.changes],
        "behaviour": [
            {
                "decision": b.decision, "compared": b.compared, "note": b.note, "truncated": b.truncated,
                "regions": [r.as_json() for r in b.changes],
            }
            for b in found.behaviour
        ],
    }  # fmt: skip
    return json.dumps(document, ensure_ascii=False, indent=2)


def _md(text: str | None) -> str:
    """A value in a Markdown table cell: code, with pipes and backticks made harmless."""
    if text is None or text == "":
        return "—"
    text = text.replace("|", "\\|").replace("\n", " ")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _md_plain(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(found: WorkbookDiff) -> str:
    """For a pull-request comment: a table of changes per decision, then where the answer changes."""
    lines = [f"### `{found.new}`: {summary(found)}"]
    if found.same:
        return lines[0]
    for kind, name, changes, behaviour in _groups(found):
        title = f"decision `{name}`" if kind == "decision" else f"tests of `{name}`"
        lines += ["", f"**{title}**", "", "| change | cell | old | new |", "|---|---|---|---|"]
        for c in changes:
            lines.append(f"| {_md_plain(c.what)} | {_md(str(c.location) if c.location else None)} | {_md(c.old)} | {_md(c.new)} |")
        if behaviour is None:
            continue
        if behaviour.note:
            lines += ["", f"Behaviour {_md_plain(behaviour.note)}."]
        if behaviour.changes:
            lines += ["", "Where the answer changes:", "", "| inputs | answer |", "|---|---|"]
            lines += [f"| {_md_plain(r.text)} | {_md_plain(r.change())} |" for r in behaviour.changes]
        elif behaviour.compared:
            lines += ["", "The answer is the same for every input."]
    return "\n".join(lines)


RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}


def render(found: WorkbookDiff | Sequence[WorkbookDiff], fmt: str) -> str:
    """One diff, or several (``--git`` over many workbooks): JSON gets an array for several."""
    if isinstance(found, WorkbookDiff):
        return RENDERERS[fmt](found)
    if fmt == "json":
        return "[" + ",\n".join(render_json(f) for f in found) + "]"
    return "\n\n".join(text for text in (RENDERERS[fmt](f) for f in found) if text)
