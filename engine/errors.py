"""Exceptions raised to callers of the Python API.

Problems *in a workbook* are :class:`~engine.diagnostics.Diagnostic` values;
a workbook that cannot be used at all raises :class:`LoadError` carrying all
of them. Mistakes in a call (unknown decision, bad input) and conflicts the
hit policy forbids raise the other classes here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine.diagnostics import Diagnostic


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class LoadError(EngineError):
    """The workbook has errors; ``diagnostics`` lists every one."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = tuple(diagnostics)


class InputError(EngineError, ValueError):
    """The inputs of a call are wrong: unknown name, wrong type, value not allowed."""

    def __init__(self, message: str, name: str | None = None, value: Any = None) -> None:
        super().__init__(message)
        self.name = name
        self.value = value


class UnknownDecisionError(InputError):
    """``decide`` was asked for a decision the model does not have."""


class DecisionError(EngineError):
    """The rules conflict for these inputs (UNIQUE or ANY violated)."""

    def __init__(self, message: str, decision: str, rules: Sequence[str]) -> None:
        super().__init__(message)
        self.decision = decision
        self.rules = tuple(rules)
