"""``function(…) external {java: {…}}``: a fixed allow-list of pure Java static methods.

DMN lets a model name a Java method; the TCK and real models use
``java.lang.Math`` and the boxing ``valueOf`` methods. Nothing is looked up
by reflection: a method outside this table is a null with a warning, so a
model can never reach arbitrary code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from engine.feel import values as V
from engine.feel.builtins import Problem
from engine.feel.library._numbers import feel_number

_INTEGRAL = {"int": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1), "short": (-(2**15), 2**15 - 1), "byte": (-128, 127)}
_FLOATING = {"double", "float"}


def _from_java(value: Any) -> Any:
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else feel_number(Decimal(repr(value)))
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    return None


def _to_java(value: Any, java_type: str) -> Any:
    if java_type in _FLOATING:
        return float(value) if V.category(value) == V.NUMBER else _BAD
    if java_type in _INTEGRAL:
        if V.category(value) != V.NUMBER or value != int(value):
            return _BAD
        low, high = _INTEGRAL[java_type]
        return int(value) if low <= value <= high else _BAD
    if java_type == "char":
        return value if isinstance(value, str) and len(value) == 1 else _BAD
    if java_type == "java.lang.String":
        return value if isinstance(value, str) else _BAD
    if java_type == "boolean":
        return value if isinstance(value, bool) else _BAD
    return _BAD


_BAD = object()


def _value_of_number(kind: str) -> Callable[[Any], Any]:
    def convert(x: Any) -> Any:
        if isinstance(x, str):
            x = float(x) if kind in _FLOATING else int(x)
        if kind in _INTEGRAL:
            low, high = _INTEGRAL[kind]
            if not low <= x <= high:
                raise ValueError("out of range")
        return x

    return convert


def _string_value_of(x: Any) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float):
        return repr(x)
    return str(x)


_METHODS: dict[tuple[str, str], Callable[..., Any]] = {
    ("java.lang.Math", "abs"): abs,
    ("java.lang.Math", "max"): max,
    ("java.lang.Math", "min"): min,
    ("java.lang.Math", "cos"): math.cos,
    ("java.lang.Math", "sin"): math.sin,
    ("java.lang.Math", "tan"): math.tan,
    ("java.lang.Math", "acos"): math.acos,
    ("java.lang.Math", "asin"): math.asin,
    ("java.lang.Math", "atan"): math.atan,
    ("java.lang.Math", "sqrt"): math.sqrt,
    ("java.lang.Math", "exp"): math.exp,
    ("java.lang.Math", "log"): math.log,
    ("java.lang.Math", "log10"): math.log10,
    ("java.lang.Math", "floor"): math.floor,
    ("java.lang.Math", "ceil"): math.ceil,
    ("java.lang.Math", "pow"): math.pow,
    ("java.lang.Math", "signum"): lambda x: math.copysign(1.0, x) if x else 0.0,
    ("java.lang.Integer", "valueOf"): _value_of_number("int"),
    ("java.lang.Long", "valueOf"): _value_of_number("long"),
    ("java.lang.Short", "valueOf"): _value_of_number("short"),
    ("java.lang.Byte", "valueOf"): _value_of_number("byte"),
    ("java.lang.Double", "valueOf"): _value_of_number("double"),
    ("java.lang.Float", "valueOf"): _value_of_number("float"),
    ("java.lang.String", "valueOf"): _string_value_of,
}

_SIGNATURE = re.compile(r"\s*([A-Za-z_][\w.]*)\s*\(([^)]*)\)\s*")


def external_function(parameters: tuple[str, ...], spec: Any) -> Any:
    """The function an ``external`` definition describes, or a Problem."""
    java = spec.get("java") if isinstance(spec, dict) else None
    if not isinstance(java, dict):
        return Problem("only external Java functions ({java: {class: …, method signature: …}}) are supported")
    class_name, signature = java.get("class"), java.get("method signature")
    if not isinstance(class_name, str) or not isinstance(signature, str):
        return Problem("an external Java function needs a `class` and a `method signature`")
    match = _SIGNATURE.fullmatch(signature)
    if match is None:
        return Problem(f"cannot read the method signature {V.describe(signature)}")
    method, argument_text = match.group(1), match.group(2)
    java_types = [t.strip() for t in argument_text.split(",")] if argument_text.strip() else []
    target = _METHODS.get((class_name, method))
    if class_name == "java.lang.Math" and not all(t in _FLOATING or t in _INTEGRAL for t in java_types):
        target = None
    if target is None:
        return Problem(f"the Java method {class_name}.{method} is not one this engine may call")
    if len(java_types) != len(parameters):
        return Problem("the method signature and the function take different numbers of arguments")
    floating = any(t in _FLOATING for t in java_types)

    def run(arguments: Mapping[str, Any]) -> Any:
        values = [_to_java(arguments.get(p), t) for p, t in zip(parameters, java_types)]
        if any(v is _BAD for v in values):
            return None
        try:
            result = target(*values)
        except (ValueError, OverflowError, TypeError):
            return None
        if floating and isinstance(result, int) and method in ("max", "min", "abs"):
            result = float(result)
        return _from_java(result)

    return V.Function(parameters, run, f"{class_name}.{method}")
