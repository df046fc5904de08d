"""List functions (DMN 1.5 §10.3.4.4) and the boolean ones over lists (all, any)."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from engine.feel import values as V
from engine.feel.builtins import Problem, builtin, signature
from engine.feel.library._numbers import DECIMAL128, exact, feel_number


def _items(args: tuple) -> list:
    """Functions such as min take a list, or their arguments as one."""
    if len(args) == 1 and isinstance(args[0], list):
        return args[0]
    return list(args)


def _ordered(items: list) -> bool:
    return len({V.category(x) for x in items}) == 1 and V.category(items[0]) in V.ORDERED


def _extreme(pick: int) -> Any:
    def apply(*args: Any) -> Any:
        items = _items(args)
        if not items:
            return None
        if not _ordered(items):
            return Problem("can only compare values of one ordered type (numbers, strings, dates …)")
        best = items[0]
        for item in items[1:]:
            if V.compare(item, best) == pick:
                best = item
        return best

    return apply


def _numbers(args: tuple) -> list | Problem:
    items = _items(args)
    if not all(V.category(x) == V.NUMBER for x in items):
        return Problem("expects numbers only")
    return [exact(x) for x in items]


def _sum(*args: Any) -> Any:
    items = _numbers(args)
    if isinstance(items, Problem) or not items:
        return items if items else None
    return feel_number(functools.reduce(DECIMAL128.add, items, Decimal(0)))


def _product(*args: Any) -> Any:
    items = _numbers(args)
    if isinstance(items, Problem) or not items:
        return items if items else None
    return feel_number(functools.reduce(DECIMAL128.multiply, items, Decimal(1)))


def _mean(*args: Any) -> Any:
    items = _numbers(args)
    if isinstance(items, Problem) or not items:
        return items if items else None
    return feel_number(DECIMAL128.divide(functools.reduce(DECIMAL128.add, items, Decimal(0)), Decimal(len(items))))


def _median(*args: Any) -> Any:
    items = _numbers(args)
    if isinstance(items, Problem) or not items:
        return items if items else None
    ordered = sorted(items)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return feel_number(ordered[middle])
    return feel_number(DECIMAL128.divide(ordered[middle - 1] + ordered[middle], Decimal(2)))


def _stddev(*args: Any) -> Any:
    items = _numbers(args)
    if isinstance(items, Problem) or len(items) < 2:
        return items if isinstance(items, Problem) else None
    mean = DECIMAL128.divide(sum(items, Decimal(0)), Decimal(len(items)))
    variance = DECIMAL128.divide(sum(((x - mean) ** 2 for x in items), Decimal(0)), Decimal(len(items) - 1))
    return feel_number(DECIMAL128.sqrt(variance))


def _mode(*args: Any) -> Any:
    items = _numbers(args)
    if isinstance(items, Problem):
        return items
    counts: dict[Decimal, int] = {}
    for x in items:
        counts[x] = counts.get(x, 0) + 1
    if not counts:
        return []
    top = max(counts.values())
    return [feel_number(x) for x in sorted(x for x, n in counts.items() if n == top)]


def _truth(decisive: bool) -> Any:
    def apply(*args: Any) -> Any:
        items = _items(args)
        if any(x is not None and not isinstance(x, bool) for x in items):
            return Problem("expects booleans only")
        if any(x is decisive for x in items):
            return decisive
        if any(x is None for x in items):
            return None
        return not decisive

    return apply


def _count(*args: Any) -> Any:
    return len(_items(args))


def _position(items: list, position: Any) -> int | None:
    """A 1-based (or negative, from the end) position as a 0-based index; None when outside."""
    p = int(position)
    if p != position or p == 0 or abs(p) > len(items):
        return None
    return p - 1 if p > 0 else len(items) + p


def _contains(items: list, element: Any) -> Any:
    return any(V.equals(x, element) is True for x in items)


def _sublist(items: list, start: Any, length: Any = None) -> Any:
    index = _position(items, start)
    if index is None:
        return Problem(f"`sublist` has no position {start} in a list of {len(items)}")
    if length is None:
        return items[index:]
    if length < 0 or index + int(length) > len(items):
        return Problem("`sublist`'s length reaches past the end of the list")
    return items[index : index + int(length)]


def _append(items: list, *new: Any) -> list:
    return [*items, *new]


def _concatenate(*lists: Any) -> Any:
    if not all(isinstance(x, list) for x in lists):
        return Problem("`concatenate` joins lists only")
    return [item for x in lists for item in x]


def _insert_before(items: list, position: Any, new: Any) -> Any:
    index = _position(items, position)
    if index is None:
        return Problem(f"`insert before` has no position {position} in a list of {len(items)}")
    return items[:index] + [new] + items[index:]


def _remove(items: list, position: Any) -> Any:
    index = _position(items, position)
    if index is None:
        return Problem(f"`remove` has no position {position} in a list of {len(items)}")
    return items[:index] + items[index + 1 :]


def _index_of(items: list, match: Any) -> list:
    return [i + 1 for i, x in enumerate(items) if V.equals(x, match) is True]


def _distinct(items: list) -> list:
    kept: list = []
    for item in items:
        if not any(V.equals(item, k) is True for k in kept):
            kept.append(item)
    return kept


def _union(*lists: Any) -> Any:
    joined = _concatenate(*lists)
    return joined if isinstance(joined, Problem) else _distinct(joined)


def _flatten(items: list) -> list:
    out: list = []
    for item in items:
        if isinstance(item, list):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out


def _call(function: V.Function, *args: Any) -> Any:
    if len(function.parameters) != len(args):
        raise TypeError(f"the function takes {len(function.parameters)} arguments, not {len(args)}")
    return function.invoke(dict(zip(function.parameters, args)))


def _sort(items: list, precedes: Any = None) -> Any:
    if precedes is None:
        if items and not _ordered(items):
            return Problem("`sort` without a function can only order values of one ordered type")
        return sorted(items, key=functools.cmp_to_key(lambda a, b: V.compare(a, b) or 0))
    if not isinstance(precedes, V.Function):
        return Problem("`sort`'s precedes must be a function of two arguments")

    def order(a: Any, b: Any) -> int:
        if _call(precedes, a, b) is True:
            return -1
        if _call(precedes, b, a) is True:
            return 1
        return 0

    return sorted(items, key=functools.cmp_to_key(order))


def _list_replace(items: list, position: Any, new: Any) -> Any:
    if isinstance(position, V.Function):
        replaced = []
        for item in items:
            matched = _call(position, item, new)
            if not isinstance(matched, bool):
                return Problem("`list replace`'s match function must return true or false")
            replaced.append(new if matched else item)
        return replaced
    if V.category(position) != V.NUMBER:
        return Problem("`list replace` needs a position or a match function")
    index = _position(items, int(position))
    if index is None:
        return Problem(f"`list replace` has no position {position} in a list of {len(items)}")
    return items[:index] + [new] + items[index + 1 :]


_LIST_OR_ITEMS = "list: Any, item...: Any"

FUNCTIONS = (
    builtin("list contains", signature("list: list, element: Any", _contains), group="list"),
    builtin("count", signature(_LIST_OR_ITEMS, _count), group="list"),
    builtin("min", signature(_LIST_OR_ITEMS, _extreme(-1)), group="list"),
    builtin("max", signature(_LIST_OR_ITEMS, _extreme(1)), group="list"),
    builtin("sum", signature(_LIST_OR_ITEMS, _sum), group="list"),
    builtin("mean", signature(_LIST_OR_ITEMS, _mean), group="list"),
    builtin("all", signature(_LIST_OR_ITEMS, _truth(False)), group="list"),
    builtin("any", signature(_LIST_OR_ITEMS, _truth(True)), group="list"),
    builtin("sublist", signature("list: list, start position: number, length?: number", _sublist), group="list"),
    builtin("append", signature("list: list, item...: Any", _append), group="list"),
    builtin("concatenate", signature("list...: Any", _concatenate), group="list"),
    builtin("insert before", signature("list: list, position: number, newItem: Any", _insert_before), group="list"),
    builtin("remove", signature("list: list, position: number", _remove), group="list"),
    builtin("reverse", signature("list: list", lambda items: items[::-1]), group="list"),
    builtin("index of", signature("list: list, match: Any", _index_of), group="list"),
    builtin("union", signature("list...: Any", _union), group="list"),
    builtin("distinct values", signature("list: list", _distinct), group="list"),
    builtin("flatten", signature("list: list", _flatten), group="list"),
    builtin("product", signature(_LIST_OR_ITEMS, _product), group="list"),
    builtin("median", signature(_LIST_OR_ITEMS, _median), group="list"),
    builtin("stddev", signature(_LIST_OR_ITEMS, _stddev), group="list"),
    builtin("mode", signature(_LIST_OR_ITEMS, _mode), group="list"),
    builtin("sort", signature("list: list, precedes?: Any", _sort), group="list"),
    builtin(
        "list replace",
        signature("list: list, position: number, newItem: Any", _list_replace),
        signature("list: list, match: function, newItem: Any", _list_replace),
        group="list",
    ),
)
