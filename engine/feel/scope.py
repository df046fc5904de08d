"""Scopes for evaluation: nested frames, and the warnings a result carries.

An evaluator takes one ``Mapping[str, Any]`` (the caller's inputs and, for
DMN, the decisions and BKMs by name). Names bound while evaluating (``for``
variables, function parameters, context entries, a filter's ``item``) go
into a :class:`Frame` over it, so the caller's mapping is never copied or
changed. Warnings are values too: a caller who wants them puts a list under
:data:`WARNINGS` (see :func:`evaluate_with_warnings`); otherwise nothing is
recorded and nothing costs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any


class _WarningsKey:
    """The key under which a scope holds its warnings list; no FEEL name can equal it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "WARNINGS"


WARNINGS: Any = _WarningsKey()
_MISSING = object()


@dataclass(frozen=True)
class FeelWarning:
    """Why part of an expression evaluated to null: ``column`` is 1-based in the expression text."""

    message: str
    column: int = 1

    def __str__(self) -> str:
        return f"column {self.column}: {self.message}"


def warn(ctx: Mapping[str, Any], message: str, column: int) -> None:
    sink = ctx.get(WARNINGS)
    if sink is not None:
        sink.append(FeelWarning(message, column))


class Frame(Mapping[str, Any]):
    """Names bound over a parent scope; lookups fall through to the parent."""

    __slots__ = ("own", "parent")

    def __init__(self, own: dict[str, Any], parent: Mapping[str, Any]) -> None:
        self.own = own
        self.parent = parent

    def get(self, key: Any, default: Any = None) -> Any:
        found = self.own.get(key, _MISSING)
        if found is _MISSING:
            return self.parent.get(key, default)
        return found

    def __getitem__(self, key: str) -> Any:
        found = self.own.get(key, _MISSING)
        if found is _MISSING:
            return self.parent[key]
        return found

    def __contains__(self, key: object) -> bool:
        return key in self.own or key in self.parent

    def __iter__(self) -> Iterator[str]:
        seen = set(self.own)
        yield from self.own
        for key in self.parent:
            if key not in seen:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)


def evaluate_with_warnings(evaluate: Callable[[Mapping[str, Any]], Any], ctx: Mapping[str, Any]) -> tuple[Any, list[FeelWarning]]:  # fmt: skip
    """Run an evaluator and collect the warnings that explain its nulls.

    >>> from engine.feel.compiler import compile_expression
    >>> from engine.feel.parser import parse_expression
    >>> evaluate_with_warnings(compile_expression(parse_expression("1 / x")).evaluate, {"x": 0})
    (None, [FeelWarning(message='division by zero', column=1)])
    """
    sink: list[FeelWarning] = []
    value = evaluate(Frame({WARNINGS: sink}, ctx))
    return value, sink
