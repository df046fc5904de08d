"""Exceptions raised to callers of the Python API.

Problems *in a workbook* are :class:`~engine.diagnostics.Diagnostic` values;
a workbook that cannot be used at all raises :class:`LoadError` carrying all
of them. Mistakes in a call (unknown decision, bad input) and conflicts the
hit policy forbids raise the other classes here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.diagnostics import Diagnostic


class EngineError(Exception):
    """Base class of every error the engine raises on purpose.

    ``code`` is stable (services and scripts match on it, never on the
    message); :mod:`engine.output` turns any of these errors into JSON.
    """

    code = "engine-error"


class LoadError(EngineError):
    """The workbook has errors; ``diagnostics`` lists every one."""

    code = "load-error"

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = tuple(diagnostics)


#: Codes of :class:`InputProblem`, one per kind of mistake in a call's inputs.
UNKNOWN_INPUT = "unknown-input"  # no input of that name (did_you_mean may say which)
DECISION_AS_INPUT = "decision-as-input"  # the name is a decision, computed from other inputs
MISSING = "missing"  # absent or null where the allowed values exclude null
WRONG_TYPE = "wrong-type"  # the declared Type does not fit
NOT_ALLOWED = "not-allowed"  # outside the declared Allowed values
NOT_A_CONTEXT = "not-a-context"  # the inputs are not a mapping of names to values


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with one input of a call, as data.

    ``input`` is the input's name (None when the whole context is wrong),
    ``allowed`` the declared allowed values (None if undeclared),
    ``did_you_mean`` the closest valid name or value, if any.
    """

    input: str | None
    code: str
    message: str
    value: Any = None
    allowed: tuple[Any, ...] | None = None
    did_you_mean: Any = None
    expected_type: str | None = None


class InputError(EngineError, ValueError):
    """The inputs of a call are wrong: unknown name, wrong type, value not allowed.

    ``problems`` lists every problem found, in column order; ``name`` and
    ``value`` are those of the first.
    """

    code = "invalid-input"

    def __init__(
        self, message: str, name: str | None = None, value: Any = None, problems: Sequence[InputProblem] = ()
    ) -> None:
        super().__init__(message)
        self.name = name
        self.value = value
        self.problems = tuple(problems)


class UnknownDecisionError(InputError):
    """``decide`` was asked for a decision the model does not have."""

    code = "unknown-decision"

    def __init__(self, message: str, name: str | None = None, known: Sequence[str] = (), did_you_mean: str | None = None) -> None:  # fmt: skip
        super().__init__(message, name)
        self.known = tuple(known)
        self.did_you_mean = did_you_mean


class DecisionError(EngineError):
    """The rules conflict for these inputs (UNIQUE or ANY violated)."""

    code = "rule-conflict"

    def __init__(self, message: str, decision: str, rules: Sequence[str]) -> None:
        super().__init__(message)
        self.decision = decision
        self.rules = tuple(rules)
