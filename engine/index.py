"""Rule indexes: one column value -> the bitmask of rules it may satisfy.

Rules are bits of a Python int. Each input column is indexed once, from the
exact :class:`~engine.feel.sets.Condition` of every entry:

* a column with a finite domain (allowed values), or whose entries only
  name single values, is a hash table ``value -> mask``;
* a column with ranges is a sorted list of bounds: bisection finds the
  elementary region the value falls in, whose mask was built by one sweep.

Matching a table is then one lookup per column and an AND of the masks,
independent of the number of rules but for the width of the ints. Entries
that read other inputs (``< limit``) cannot be indexed: their rules stay in
every mask and are verified one by one after the AND (``dynamic``).
"""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_left
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from engine.decision import InputTest
from engine.errors import InputError
from engine.feel import sets
from engine.feel import values as V

Lookup = Callable[[Any], int]
Validate = Callable[[Any], Any]

_NUMBER_CLASSES = frozenset({int, Decimal})
# Classes whose category is known from the class alone (a datetime may be local or zoned: slow path).
_FAST_CLASS = {
    V.STRING: frozenset({str}),
    V.NUMBER: _NUMBER_CLASSES,
    V.DATE: frozenset({_dt.date}),
    V.DT_DURATION: frozenset({_dt.timedelta}),
    V.YM_DURATION: frozenset({V.YearsMonths}),
}


class _Ordered:
    """One ordered category of a column: bounds, and a mask per region."""

    def __init__(self, spans_by_rule: list[tuple[int, sets.ValueSet]], base: int) -> None:
        points = sorted({b for _, s in spans_by_rule for b in s.bounds()})
        index = {p: i for i, p in enumerate(points)}
        size = 2 * len(points) + 1
        add = [0] * (size + 1)
        remove = [0] * (size + 1)
        for bit, value_set in spans_by_rule:
            for span in value_set.spans:
                start = 0 if span.lo is None else 2 * index[span.lo] + (1 if span.lo_closed else 2)
                end = size - 1 if span.hi is None else 2 * index[span.hi] + (1 if span.hi_closed else 0)
                add[start] |= bit
                remove[end + 1] |= bit
        masks = []
        current = 0
        for region in range(size):
            current = (current & ~remove[region]) | add[region]
            masks.append(current | base)
        self.points = points
        self.masks = masks
        # Only single values named (or "all but" them): every gap between
        # points has one mask, so a dict lookup replaces bisection.
        between = {masks[r] for r in range(0, size, 2)}
        self.points_only = len(between) == 1
        self.between = masks[0]

    def mask(self, value: Any) -> int:
        points = self.points
        i = bisect_left(points, value)
        if i < len(points) and points[i] == value:
            return self.masks[2 * i + 1]
        return self.masks[2 * i]

    def point_masks(self) -> dict[Any, int]:
        return {p: self.masks[2 * i + 1] for i, p in enumerate(self.points)}


class ColumnIndex:
    """The index of one input column of one table."""

    def __init__(self, tests: Sequence[InputTest], validate: Validate | None = None, allowed: tuple | None = None) -> None:  # fmt: skip
        any_mask = dynamic = 0
        by_category: dict[str, list[tuple[int, sets.ValueSet]]] = {}
        for position, test in enumerate(tests):
            bit = 1 << position
            if test.is_any:
                any_mask |= bit
            elif test.condition is None:
                dynamic |= bit
            else:
                for cat, value_set in test.condition.sets.items():
                    if not value_set.is_empty:
                        by_category.setdefault(cat, []).append((bit, value_set))
        base = any_mask | dynamic
        self.dynamic = dynamic
        self.base = base
        self.validate = validate
        self.ordered = {
            cat: _Ordered(by_category.get(cat, []), base) for cat in V.ORDERED if cat in by_category
        }
        self.flat: dict[str, int] = {}
        for cat in sets.CATEGORIES:
            if cat in V.ORDERED:
                continue
            if cat == V.BOOLEAN:
                for flag in (True, False):
                    self.flat[f"boolean:{flag}"] = base | _bits(by_category.get(cat, []), flag)
            else:
                self.flat[cat] = base | sum(bit for bit, _ in by_category.get(cat, []))
        self.lookup: Lookup = self._build_lookup(allowed)

    def mask_of(self, value: Any) -> int:
        """The exact mask for a value already in FEEL form (the slow path)."""
        cat = V.category(value)
        ordered = self.ordered.get(cat)
        if ordered is not None:
            return ordered.mask(value)
        if cat in V.ORDERED:
            return self.base
        if cat == V.BOOLEAN:
            return self.flat[f"boolean:{value}"]
        return self.flat[cat]

    def _slow(self, value: Any) -> int:
        value = self.validate(value) if self.validate is not None else V.to_feel(value)
        return self.mask_of(value)

    def _trusted(self, table: dict[Any, int]) -> dict[Any, int]:
        """Keep only keys the input's declaration accepts unchanged.

        A hash hit skips validation, so a key the declaration rejects (a
        string entry in a number column) must miss and take the slow path.
        """
        if self.validate is None:
            return table
        kept = {}
        for key, mask in table.items():
            try:
                checked = self.validate(key)
            except InputError:
                continue
            if checked is key or (checked.__class__ is key.__class__ and checked == key):
                kept[key] = mask
        return kept

    def _build_lookup(self, allowed: tuple | None) -> Lookup:
        slow = self._slow
        if allowed is not None and self.validate is not None:
            # True == 1 and False == 0 in Python: with numbers among the
            # allowed values, booleans stay out of the hash and take the slow path.
            numbers = any(v.__class__ in _NUMBER_CLASSES for v in allowed)
            table = {}
            for value in allowed:
                if numbers and value.__class__ is bool:
                    continue
                try:
                    table[value] = self.mask_of(value)
                except TypeError:  # unhashable allowed value (a list): slow path only
                    continue
            return _dict_lookup(self._trusted(table), slow)
        present = [cat for cat in V.ORDERED if cat in self.ordered]
        if not present:
            if self.validate is None:
                flat = self.flat
                if len({*flat.values()}) == 1:
                    constant = self.base
                    return lambda value: constant
            table = {None: self.flat[V.NULL], True: self.flat["boolean:True"], False: self.flat["boolean:False"]}
            return _dict_lookup(self._trusted(table), slow)
        if len(present) == 1 and self.ordered[present[0]].points_only:
            ordered = self.ordered[present[0]]
            table = ordered.point_masks()
            table[None] = self.flat[V.NULL]
            between = ordered.between
            fast_classes = _FAST_CLASS.get(present[0], frozenset())
            validate = self.validate
            if validate is None:
                get = table.get

                def points_lookup(value: Any) -> int:
                    try:
                        found = get(value)
                    except TypeError:
                        return slow(value)
                    if found is not None and value.__class__ in _HIT_CLASSES:
                        return found
                    if value.__class__ in fast_classes:
                        return between
                    return slow(value)

                return points_lookup
            return _dict_lookup(self._trusted(table), slow)
        if len(present) == 1 and self._category_valid(present[0]):
            ordered = self.ordered[present[0]]
            fast_classes = _FAST_CLASS.get(present[0], frozenset())
            points, masks = ordered.points, ordered.masks
            count = len(points)

            def bisect_lookup(value: Any) -> int:
                if value.__class__ in fast_classes:
                    try:
                        i = bisect_left(points, value)
                    except ArithmeticError:  # Decimal("NaN") refuses to be ordered
                        return slow(value)
                    if i < count and points[i] == value:
                        return masks[2 * i + 1]
                    return masks[2 * i]
                return slow(value)

            return bisect_lookup
        return slow


    def _category_valid(self, cat: str) -> bool:
        """Whether bisection may skip validation for values of ``cat``."""
        if self.validate is None:
            return True
        points = self.ordered[cat].points
        return bool(points) and bool(self._trusted({points[0]: 0}))


# Classes whose dict hits can be trusted as is (bool vs 1, float vs Decimal
# need the slow path, since True == 1 and 0.1 != Decimal("0.1")).
_HIT_CLASSES = frozenset({str, int, Decimal, _dt.date, type(None)})


def _dict_lookup(table: dict[Any, int], slow: Lookup) -> Lookup:
    get = table.get
    keys_have_bool = any(k.__class__ is bool for k in table)
    keys_have_number = any(k.__class__ in _NUMBER_CLASSES for k in table)
    assert not (keys_have_bool and keys_have_number), "booleans and numbers collide as dict keys"
    if not keys_have_number:
        # str / date / bool / None keys: no other class compares equal to them
        # except int 1/0 against True/False.
        if keys_have_bool:

            def bool_lookup(value: Any) -> int:
                if value is True or value is False or value is None:
                    found = get(value)
                    if found is not None:
                        return found
                return slow(value)

            return bool_lookup

        def lookup(value: Any) -> int:
            try:
                found = get(value)
            except TypeError:
                return slow(value)
            return slow(value) if found is None else found

        return lookup

    def guarded(value: Any) -> int:
        try:
            found = get(value)
        except TypeError:
            return slow(value)
        if found is None or value.__class__ not in _HIT_CLASSES:
            return slow(value)
        return found

    return guarded


def _bits(entries: list[tuple[int, sets.ValueSet]], flag: bool) -> int:
    return sum(bit for bit, value_set in entries if value_set.contains(flag))
