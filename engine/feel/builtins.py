"""The one registry of FEEL's built-in functions (DMN 1.5 §10.3.4).

Each function is declared once, in :mod:`engine.feel.library`, with its
signatures: parameter names (for named arguments), FEEL types and an
implementation. Everything else derives from this registry: arity checks
and overload choice in the compiler, the multi-word names the lexer joins,
the README's list and the lint messages.

Calling convention: an implementation receives FEEL values that already
conform to its declared types (null only where the type is ``Any``), and
returns a FEEL value, or a :class:`Problem` when the call is meaningless
(a warning then travels with the null result).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from engine.feel import values as V


@dataclass(frozen=True)
class Problem:
    """Why a call gives null, for the warning attached to the result."""

    message: str


@dataclass(frozen=True)
class Param:
    name: str
    type: str = "Any"  # a FEEL type name, or several joined by " or "
    optional: bool = False
    variadic: bool = False


@dataclass(frozen=True)
class Overload:
    params: tuple[Param, ...]
    implementation: Callable[..., Any]

    @property
    def low(self) -> int:
        return sum(1 for p in self.params if not p.optional and not p.variadic)

    @property
    def high(self) -> int | None:
        return None if any(p.variadic for p in self.params) else len(self.params)

    def takes(self, count: int) -> bool:
        high = self.high
        return count >= self.low and (high is None or count <= high)

    def order(self, named: Sequence[str]) -> tuple[int, ...] | None:
        """For named arguments: each parameter's index among them (-1: absent), or None if they don't fit."""
        positions = {name: i for i, name in enumerate(named)}
        if len(positions) != len(named) or any(n not in {p.name for p in self.params} for n in named):
            return None
        # DMN: a parameter left out of a named call is bound to null.
        return tuple(positions.get(p.name, -1) for p in self.params)

    def signature(self) -> str:
        def one(p: Param) -> str:
            text = p.name + ("…" if p.variadic else "")
            return f"[{text}]" if p.optional else text

        return "(" + ", ".join(one(p) for p in self.params) + ")"


@dataclass(frozen=True)
class Builtin:
    name: str
    overloads: tuple[Overload, ...]
    group: str = ""
    #: False for now() and today(): never folded into a constant.
    deterministic: bool = True

    def call(self, *args: Any) -> Any:
        """Call with positional FEEL values, as the evaluator's aggregations do; null on a problem."""
        result = invoke(self, [o for o in self.overloads if o.takes(len(args))], list(args))
        return None if isinstance(result, Problem) else result

    def arity(self) -> tuple[int, int | None]:
        low = min(o.low for o in self.overloads)
        highs = [o.high for o in self.overloads]
        return low, (None if None in highs else max(h for h in highs if h is not None))

    def usage(self) -> str:
        return " or ".join(self.name + o.signature() for o in self.overloads)


def signature(text: str, implementation: Callable[..., Any]) -> Overload:
    """``"string: string, start position: number, length?: number"`` → an Overload.

    ``name?`` is optional, ``name...`` takes the remaining arguments.
    """
    params = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, type_name = part.partition(":")
        name, type_name = name.strip(), (type_name.strip() or "Any")
        optional = name.endswith("?")
        variadic = name.endswith("...")
        params.append(Param(name.rstrip("?.").strip(), type_name, optional, variadic))
    return Overload(tuple(params), implementation)


def builtin(name: str, *overloads: Overload, group: str = "", deterministic: bool = True) -> Builtin:
    return Builtin(name, tuple(overloads), group, deterministic)


# ---------------------------------------------------------------- types


_TYPE_CATEGORIES: dict[str, frozenset[str]] = {
    "number": frozenset({V.NUMBER}),
    "string": frozenset({V.STRING}),
    "boolean": frozenset({V.BOOLEAN}),
    "date": frozenset({V.DATE}),
    "time": frozenset({V.TIME, V.TIME_UTC}),
    "date and time": frozenset({V.DATE_TIME, V.DATE_TIME_UTC}),
    "days and time duration": frozenset({V.DT_DURATION}),
    "years and months duration": frozenset({V.YM_DURATION}),
    "duration": frozenset({V.DT_DURATION, V.YM_DURATION}),
    "list": frozenset({V.LIST}),
    "context": frozenset({V.CONTEXT}),
    "range": frozenset({V.RANGE}),
    "function": frozenset({V.FUNCTION}),
}


@functools.lru_cache(maxsize=256)
def categories_of(type_text: str) -> frozenset[str] | None:
    """The value categories a parameter type accepts (None: any value, null included)."""
    if type_text == "Any":
        return None
    found: set[str] = set()
    for part in type_text.split(" or "):
        found |= _TYPE_CATEGORIES[part.strip()]
    return frozenset(found)


def conform(params: Sequence[Param], args: list[Any]) -> list[Any] | Problem | None:
    """Arguments fitted to the parameters' types, None for a null where a value is needed.

    A singleton list is unwrapped where the parameter is not a list, and a
    single value wrapped where it is (DMN's implicit conversions).
    """
    fitted = list(args)
    for index, value in enumerate(fitted):
        param = params[min(index, len(params) - 1)]
        wanted = categories_of(param.type)
        if wanted is None:
            continue
        if value is None:
            return None
        cat = V.category(value)
        if cat in wanted:
            continue
        if cat == V.LIST and len(value) == 1 and V.category(value[0]) in wanted:
            fitted[index] = value[0]
            continue
        if V.LIST in wanted:
            # DMN's implicit "to singleton list" conversion.
            fitted[index] = [value]
            continue
        return Problem(f"expects {param.type} as `{param.name}`, not {V.type_name(value)} {_short(value)}")
    return fitted


def _short(value: Any) -> str:
    text = V.describe(value)
    return text if len(text) <= 40 else text[:37] + "…"


def invoke(function: Builtin, candidates: Sequence[Overload], args: list[Any]) -> Any:
    """Call the first candidate overload whose types the arguments fit."""
    first_problem: Problem | None = None
    for overload in candidates:
        fitted = conform(overload.params, args)
        if fitted is None:
            return None
        if isinstance(fitted, Problem):
            first_problem = first_problem or fitted
            continue
        try:
            return overload.implementation(*fitted)
        except (ArithmeticError, ValueError, OverflowError, TypeError, RecursionError) as error:
            return Problem(f"`{function.name}` failed: {error}")
    if first_problem is None:
        return Problem(f"`{function.name}` cannot take {len(args)} arguments")
    return Problem(f"`{function.name}` {first_problem.message}")


# ---------------------------------------------------------------- the registry


@functools.lru_cache(maxsize=1)
def registry() -> Mapping[str, Builtin]:
    from engine.feel.library import ALL

    table: dict[str, Builtin] = {}
    for function in ALL:
        assert function.name not in table, f"built-in `{function.name}` declared twice"
        table[function.name] = function
    return MappingProxyType(table)


def lookup(name: str) -> Builtin | None:
    return registry().get(name)


def is_builtin(name: str) -> bool:
    return name in registry()


#: Names with spaces that are not functions: properties, range keys, type names.
_OTHER_MULTIWORD = (
    "time offset",
    "start included",
    "end included",
    "days and time duration",
    "years and months duration",
    "date and time",
)


def multiword_names() -> tuple[str, ...]:
    """Every built-in name made of several tokens: function, parameter, property and type names."""
    found: list[str] = []
    for function in registry().values():
        found.append(function.name)
        for overload in function.overloads:
            found.extend(p.name for p in overload.params)
    found.extend(_OTHER_MULTIWORD)
    return tuple(dict.fromkeys(n for n in found if len(n.split()) > 1 or not n.isidentifier()))


def by_group() -> dict[str, list[Builtin]]:
    """Built-ins grouped as the README lists them."""
    groups: dict[str, list[Builtin]] = {}
    for function in registry().values():
        groups.setdefault(function.group, []).append(function)
    return groups


def _implementations(functions: Iterable[Builtin]) -> dict[str, Callable[..., Any]]:
    return {f.name: f.call for f in functions}


class _Lazy(Mapping[str, Any]):
    """A read-only view built on first use (the library imports values, which imports nothing back)."""

    def __init__(self, build: Callable[[], Mapping[str, Any]]) -> None:
        self._build = build

    @functools.cached_property
    def _table(self) -> Mapping[str, Any]:
        return self._build()

    def __getitem__(self, key: str) -> Any:
        return self._table[key]

    def __iter__(self) -> Any:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


#: name -> plain callable over positional FEEL values (null on a problem).
BUILTINS: Mapping[str, Callable[..., Any]] = _Lazy(lambda: MappingProxyType(_implementations(registry().values())))
#: name -> (fewest, most) arguments; None = any number.
ARITY: Mapping[str, tuple[int, int | None]] = _Lazy(
    lambda: MappingProxyType({f.name: f.arity() for f in registry().values()})
)


_GROUP_TITLES = {
    "conversion": "Conversion",
    "boolean": "Boolean",
    "string": "String",
    "list": "List",
    "numeric": "Numeric",
    "temporal": "Date and time",
    "range": "Range",
    "context": "Context",
}


def markdown_list() -> str:
    """The README's list of built-ins, one line per group, derived from the registry."""

    def parameters(overload: Overload) -> str:
        return ", ".join(p.name + ("..." if p.variadic else "") + ("?" if p.optional else "") for p in overload.params)

    lines = []
    groups = by_group()
    for group, title in _GROUP_TITLES.items():
        uses = []
        for function in groups.get(group, []):
            shapes = list(dict.fromkeys(parameters(o) for o in function.overloads))
            uses.append(f"`{function.name}(" + ") / (".join(shapes) + ")`")
        lines.append(f"- **{title}:** " + " · ".join(uses))
    return "\n".join(lines)
