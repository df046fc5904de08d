"""FEEL types for ``instance of`` and typed function parameters (DMN 1.5 §10.3.2.9)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.feel import ast
from engine.feel import values as V

_BASE = {
    "number": {V.NUMBER},
    "string": {V.STRING},
    "boolean": {V.BOOLEAN},
    "date": {V.DATE},
    "time": {V.TIME, V.TIME_UTC},
    "date and time": {V.DATE_TIME, V.DATE_TIME_UTC},
    "days and time duration": {V.DT_DURATION},
    "dayTimeDuration": {V.DT_DURATION},
    "years and months duration": {V.YM_DURATION},
    "yearMonthDuration": {V.YM_DURATION},
    "list": {V.LIST},
    "context": {V.CONTEXT},
    "range": {V.RANGE},
    "function": {V.FUNCTION},
    "Null": {V.NULL},
}

#: The type names FEEL knows without a model's item definitions.
KNOWN = frozenset(_BASE) | {"Any"}


def conforms(value: Any, type_ref: ast.TypeRef, types: Mapping[str, Callable[[Any], bool | None]] | None = None) -> bool | None:
    """``value instance of type_ref``; None when the type is neither FEEL's nor in ``types``.

    ``types`` holds a model's own types (item definitions) by name. Inside a
    list or context, null conforms to every type (it is an absent value).
    """
    if isinstance(type_ref, ast.NamedType):
        if type_ref.name == "Any":
            return value is not None
        cats = _BASE.get(type_ref.name)
        if cats is None:
            check = (types or {}).get(type_ref.name)
            return None if check is None else check(value)
        return V.category(value) in cats
    if isinstance(type_ref, ast.ListType):
        if not isinstance(value, list):
            return False
        return _all(conforms(item, type_ref.element, types) for item in value if item is not None)
    if isinstance(type_ref, ast.RangeType):
        if not isinstance(value, V.Range):
            return False
        return _all(conforms(end, type_ref.element, types) for end in (value.start, value.end) if end is not None)
    if isinstance(type_ref, ast.ContextType):
        if not isinstance(value, dict):
            return False
        return _all(key in value and (value[key] is None or conforms(value[key], t, types)) for key, t in type_ref.fields)
    if isinstance(type_ref, ast.FunctionType):
        if not isinstance(value, V.Function):
            return False
        if value.types and len(value.types) == len(type_ref.parameters):
            # Parameters are contravariant: the function must accept at least the declared types.
            return all(t is None or t == p or (isinstance(p, ast.NamedType) and _wider(t, p)) for t, p in zip(value.types, type_ref.parameters))
        return len(value.parameters) == len(type_ref.parameters)
    return None


def _wider(declared: Any, wanted: ast.NamedType) -> bool:
    return isinstance(declared, ast.NamedType) and declared.name == "Any"


def _all(outcomes: Any) -> bool | None:
    result: bool | None = True
    for outcome in outcomes:
        if outcome is False:
            return False
        if outcome is None:
            result = None
    return result


def describe(type_ref: ast.TypeRef) -> str:
    if isinstance(type_ref, ast.NamedType):
        return type_ref.name
    if isinstance(type_ref, ast.ListType):
        return f"list<{describe(type_ref.element)}>"
    if isinstance(type_ref, ast.RangeType):
        return f"range<{describe(type_ref.element)}>"
    if isinstance(type_ref, ast.ContextType):
        return "context<" + ", ".join(f"{k}: {describe(t)}" for k, t in type_ref.fields) + ">"
    return "function<" + ", ".join(describe(t) for t in type_ref.parameters) + f">->{describe(type_ref.result)}"
