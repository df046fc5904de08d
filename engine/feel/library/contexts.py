"""Context functions (DMN 1.5 §10.3.4.8) and the boolean functions not() and is()."""

from __future__ import annotations

from typing import Any

from engine.feel import temporal as T
from engine.feel import values as V
from engine.feel.builtins import Problem, builtin, signature


def _entries(m: dict) -> list:
    return [{"key": k, "value": v} for k, v in m.items()]


def _context(entries: list) -> Any:
    out: dict[str, Any] = {}
    for entry in entries:
        if not isinstance(entry, dict) or "key" not in entry or "value" not in entry:
            return Problem("`context` needs a list of contexts with `key` and `value`")
        key = entry["key"]
        if not isinstance(key, str):
            return Problem("`context`'s keys must be strings")
        if key in out:
            return Problem(f"`context` got the key {V.describe(key)} twice")
        out[key] = entry["value"]
    return out


def _put(context: dict, key: Any, value: Any) -> Any:
    if isinstance(key, list):
        if not key or not all(isinstance(k, str) for k in key):
            return Problem("`context put`'s keys must be a non-empty list of strings")
        if len(key) == 1:
            return _put(context, key[0], value)
        inner = context.get(key[0])
        if not isinstance(inner, dict):
            return Problem(f"`context put`: {V.describe(key[0])} is not a context")
        nested = _put(inner, key[1:], value)
        return nested if isinstance(nested, Problem) else _put(context, key[0], nested)
    if not isinstance(key, str):
        return Problem("`context put`'s key must be a string")
    return {**context, key: value}


def _merge(contexts: list) -> Any:
    out: dict[str, Any] = {}
    for context in contexts:
        if not isinstance(context, dict):
            return Problem("`context merge` merges contexts only")
        out.update(context)
    return out


def _is(a: Any, b: Any) -> bool:
    ca, cb = V.category(a), V.category(b)
    if ca != cb:
        return False
    if ca in V.TEMPORAL:
        return T.format_temporal(a) == T.format_temporal(b)
    return V.equals(a, b) is True


FUNCTIONS = (
    builtin("get value", signature("m: context, key: string", lambda m, key: m.get(key)), group="context"),
    builtin("get entries", signature("m: context", _entries), group="context"),
    builtin("context", signature("entries: list", _context), group="context"),
    builtin(
        "context put",
        signature("context: context, key: string, value: Any", _put),
        signature("context: context, keys: list, value: Any", _put),
        group="context",
    ),
    builtin("context merge", signature("contexts: list", _merge), group="context"),
    builtin("not", signature("negand: boolean", lambda b: not b), group="boolean"),
    builtin("is", signature("value1: Any, value2: Any", _is), group="boolean"),
)
