"""Range functions (DMN 1.5 §10.3.4.10): before, after, meets … coincides, over points and ranges."""

from __future__ import annotations

from typing import Any

from engine.feel import values as V
from engine.feel.builtins import Overload, Problem, builtin, signature

_POINT = "number or string or date or time or date and time or days and time duration or years and months duration"


class _Mismatch(Exception):
    pass


def _cmp(a: Any, b: Any) -> int:
    order = V.compare(a, b)
    if order is None:
        raise _Mismatch
    return order


def _eq(a: Any, b: Any) -> bool:
    return a is not None and b is not None and _cmp(a, b) == 0


def _point(p: Any) -> V.Range:
    return V.Range(p, True, p, True)


def _before(a: V.Range, b: V.Range) -> bool:
    if a.end is None or b.start is None:
        return False
    order = _cmp(a.end, b.start)
    return order < 0 or (order == 0 and not (a.end_included and b.start_included))


def _meets(a: V.Range, b: V.Range) -> bool:
    return a.end_included and b.start_included and _eq(a.end, b.start)


def _start_before(a: V.Range, b: V.Range) -> bool:
    """a starts strictly before b."""
    if a.start is None:
        return b.start is not None or (a.start_included and not b.start_included)
    if b.start is None:
        return False
    order = _cmp(a.start, b.start)
    return order < 0 or (order == 0 and a.start_included and not b.start_included)


def _end_after(a: V.Range, b: V.Range) -> bool:
    """a ends strictly after b."""
    if a.end is None:
        return b.end is not None
    if b.end is None:
        return False
    order = _cmp(a.end, b.end)
    return order > 0 or (order == 0 and a.end_included and not b.end_included)


def _same_start(a: V.Range, b: V.Range) -> bool:
    return a.start_included == b.start_included and (a.start is None) == (b.start is None) and (
        a.start is None or _cmp(a.start, b.start) == 0
    )


def _same_end(a: V.Range, b: V.Range) -> bool:
    return a.end_included == b.end_included and (a.end is None) == (b.end is None) and (
        a.end is None or _cmp(a.end, b.end) == 0
    )


def _overlaps(a: V.Range, b: V.Range) -> bool:
    return not _before(a, b) and not _before(b, a)


def _overlaps_before(a: V.Range, b: V.Range) -> bool:
    return _start_before(a, b) and _overlaps(a, b) and _end_after(b, a)


def _includes(a: V.Range, b: V.Range) -> bool:
    return not _start_before(b, a) and not _end_after(b, a)


def _finishes(a: V.Range, b: V.Range) -> bool:
    return _same_end(a, b) and not _start_before(a, b)


def _starts(a: V.Range, b: V.Range) -> bool:
    return _same_start(a, b) and not _end_after(a, b)


def _coincides(a: V.Range, b: V.Range) -> bool:
    return _same_start(a, b) and _same_end(a, b)


def _relation(name: str, test: Any, allowed: str = "pp pr rp rr") -> Any:
    """Overloads for (point, point), (point, range), (range, point), (range, range)."""

    def wrap(a_is_range: bool, b_is_range: bool) -> Any:
        def apply(a: Any, b: Any) -> Any:
            try:
                return test(a if a_is_range else _point(a), b if b_is_range else _point(b))
            except _Mismatch:
                return Problem(f"`{name}` cannot compare {V.type_name(a)} with {V.type_name(b)}")

        return apply

    overloads: list[Overload] = []
    for kind in allowed.split():
        a_name = {"pp": "point1", "pr": "point", "rp": "range", "rr": "range1"}[kind]
        b_name = {"pp": "point2", "pr": "range", "rp": "point", "rr": "range2"}[kind]
        a_type = _POINT if kind[0] == "p" else "range"
        b_type = _POINT if kind[1] == "p" else "range"
        overloads.append(signature(f"{a_name}: {a_type}, {b_name}: {b_type}", wrap(kind[0] == "r", kind[1] == "r")))
    return builtin(name, *overloads, group="range")


def _flip(test: Any) -> Any:
    return lambda a, b: test(b, a)


FUNCTIONS = (
    _relation("before", _before),
    _relation("after", _flip(_before)),
    _relation("meets", _meets, "rr"),
    _relation("met by", _flip(_meets), "rr"),
    _relation("overlaps", _overlaps, "rr"),
    _relation("overlaps before", _overlaps_before, "rr"),
    _relation("overlaps after", _flip(_overlaps_before), "rr"),
    _relation("finishes", _finishes, "pr rr"),
    _relation("finished by", _flip(_finishes), "rp rr"),
    _relation("includes", _includes, "rp rr"),
    _relation("during", _flip(_includes), "pr rr"),
    _relation("starts", _starts, "pr rr"),
    _relation("started by", _flip(_starts), "rp rr"),
    _relation("coincides", _coincides, "pp rr"),
)
