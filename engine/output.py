"""Results, explanations, errors and decisions as JSON-ready values.

The one place where the engine's answers become plain data (dicts, lists,
str, int, float, bool, None): ``dtable eval --format json`` prints these
values and ``dtable serve`` sends them, so both say exactly the same thing.

>>> import engine                                                   # doctest: +SKIP
>>> model = engine.load("tables")                                   # doctest: +SKIP
>>> result_json(model.decide("kontakttyp", {"kontakt": "telefon", "ersätter_besök": True}))  # doctest: +SKIP
{'decision': 'kontakttyp', 'output': {'kontakttyp': 'Telefonsamtal som ersätter besök'}, 'matched': ['R4'],
 'message': 'decision `kontakttyp`: rule R4 applies'}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from engine.errors import DecisionError, EngineError, InputError, InputProblem, LoadError, UnknownDecisionError
from engine.feel import values as V

if TYPE_CHECKING:  # output formats what api returns; api imports this module late
    from engine.api import Model, Result
    from engine.explain import TableExplanation


def result_json(result: Result, model: Model | None = None, *, explain: bool = False) -> dict[str, Any]:
    """``{"decision", "output", "matched", "message"}``; with ``explain`` (and the model) also ``explanation``.

    ``warnings`` is added when an input's type can match no entry of its column.
    """
    data: dict[str, Any] = {
        "decision": result.decision,
        "output": V.to_json(result.output),
        "matched": list(result.matched),
        "message": result.message,
    }
    if explain:
        if model is None:
            raise ValueError("an explanation needs the model the result came from")
        from engine.explain import explain as explain_result

        data["explanation"] = explanation_json(explain_result(model, result))
    warnings = result.warnings
    if warnings:
        data["warnings"] = list(warnings)
    return data


def explanation_json(tables: Iterable[TableExplanation]) -> list[dict[str, Any]]:
    """Per evaluated decision (required ones first): its answer, and per rule why it matched or not."""
    return [
        {
            "decision": table.decision,
            "hit_policy": table.hit_policy,
            "output": V.to_json(table.output),
            "applies": table.applies,
            "rules": [
                {
                    "rule": rule.label,
                    "matched": rule.matched,
                    "selected": rule.selected,
                    "reason": rule.reason,
                    **(
                        {
                            "stopped_by": {
                                "input": rule.input,
                                "value": V.to_json(rule.value),
                                "entry": rule.entry,
                                "location": str(rule.location) if rule.location else None,
                            }
                        }
                        if rule.entry is not None
                        else {}
                    ),
                    "annotations": dict(rule.annotations),
                }
                for rule in table.rules
            ],
        }
        for table in tables
    ]


def problem_json(problem: InputProblem) -> dict[str, Any]:
    """One input problem: ``{"input", "code", "message", "value", "allowed", "did_you_mean", "type"}``."""
    return {
        "input": problem.input,
        "code": problem.code,
        "message": problem.message,
        "value": _plain(problem.value),
        "allowed": None if problem.allowed is None else [_plain(a) for a in problem.allowed],
        "did_you_mean": _plain(problem.did_you_mean),
        "type": problem.expected_type,
    }


def error_json(error: EngineError) -> dict[str, Any]:
    """``{"code", "message"}`` and what the error class knows: problems, rules, diagnostics."""
    data: dict[str, Any] = {"code": error.code, "message": str(error)}
    if isinstance(error, UnknownDecisionError):
        data["decision"] = error.name
        data["did_you_mean"] = error.did_you_mean
        data["decisions"] = list(error.known)
    elif isinstance(error, InputError):
        data["problems"] = [problem_json(p) for p in error.problems]
    elif isinstance(error, DecisionError):
        data["decision"] = error.decision
        data["rules"] = list(error.rules)
    elif isinstance(error, LoadError):
        from engine.report import finding_json

        data["diagnostics"] = [finding_json(d) for d in error.diagnostics]
    return data


def failed_case_json(decision: str, error: EngineError) -> dict[str, Any]:
    """A case that gave no result, shaped like a result: ``output`` null, the error under ``error``."""
    rules = list(error.rules) if isinstance(error, DecisionError) else []
    return {"decision": decision, "output": None, "matched": rules, "message": str(error), "error": error_json(error)}


def decision_json(model: Model, name: str) -> dict[str, Any]:
    """What a caller needs to ask ``name``: its inputs (type, allowed values, nullable) and outputs."""
    compiled = model.tables.get(name)
    inputs = []
    for input_name in model.input_order(name):
        spec = model.inputs.get(input_name)
        allowed = spec.allowed if spec is not None else None
        inputs.append(
            {
                "name": input_name,
                "type": spec.type if spec is not None else None,
                "allowed": None if allowed is None else [_plain(a) for a in allowed],
                "nullable": allowed is None or None in allowed,
                "location": str(spec.location) if spec is not None and spec.location else None,
            }
        )
    data: dict[str, Any] = {"name": name, "inputs": inputs, "required_decisions": list(model.required_decisions(name))}
    if compiled is None:  # a boxed expression (DMN): one output named after the decision
        data.update(
            hit_policy=None, single_hit=True, aggregated=False, location=None, workbook=None, rules=0,
            outputs=[{"name": name, "type": None, "allowed": None}], annotations=[],
        )  # fmt: skip
        return data
    table = compiled.table
    data.update(
        hit_policy=table.policy_label,
        single_hit=table.hit_policy.single_hit and table.aggregator is None,
        aggregated=table.aggregator is not None,
        location=str(table.location),
        workbook=table.location.workbook,
        rules=len(table.rules),
        outputs=[
            {
                "name": column.name,
                "type": column.type,
                "allowed": None if column.allowed is None else [_plain(a) for a in column.allowed],
            }
            for column in table.outputs
        ],
        annotations=list(table.annotations),
    )
    return data


def _plain(value: Any) -> Any:
    """JSON data for a value that may be foreign (a caller may pass anything in a context)."""
    converted = V.to_json(V.to_feel(value))
    if converted is None or isinstance(converted, (bool, int, float, str, list, dict)):
        return converted
    return str(converted)
