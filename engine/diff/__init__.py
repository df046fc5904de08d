"""``dtable diff``: what changed between two versions of a rulebook, and what the change does.

Two parts, both computed from what :func:`engine.read` finds (so the diff
sees the tables exactly as ``lint`` and ``test`` do):

- the semantic diff (:mod:`engine.diff.semantic`): decisions, hit policies,
  columns, allowed values, rules cell by cell, test cases;
- the behavioural diff (:mod:`engine.diff.behaviour`): for each decision in
  both versions, the input regions where the answer changes.

>>> found = diff_paths("old/1177-direkt.xlsx", "tables/1177-direkt.xlsx")   # doctest: +SKIP
>>> [c.text() for c in found.changes]                                        # doctest: +SKIP
['rule R9, avslutar_ärendet (registrering!M14): "mottagaren" → "jag"']
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from engine.analysis.sweep import DEFAULT_BUDGET
from engine.api import read
from engine.decision import CompiledTable
from engine.diagnostics import Severity
from engine.diff.behaviour import Behaviour, RegionChange, compare_tables
from engine.diff.semantic import Change, decision_changes, test_changes
from engine.model import TestTable

__all__ = ["Behaviour", "Change", "RegionChange", "Version", "WorkbookDiff", "diff", "diff_paths", "version_of"]

#: What git passes for the missing side of an added or deleted file.
NO_FILE = os.devnull


@dataclass(frozen=True)
class Version:
    """One side of a diff: the tables and test tables of some workbooks."""

    name: str  # what the reports call it (a path, or REV:path)
    tables: tuple[CompiledTable, ...] = ()
    tests: tuple[TestTable, ...] = ()
    broken: frozenset[str] = frozenset()  # decisions with load errors: their behaviour is not compared


@dataclass(frozen=True)
class WorkbookDiff:
    old: str
    new: str
    changes: tuple[Change, ...]
    behaviour: tuple[Behaviour, ...]  # one per decision in both versions whose tables differ

    @property
    def same(self) -> bool:
        return not self.changes and not any(b.changes for b in self.behaviour)

    @property
    def regions(self) -> int:
        return sum(len(b.changes) for b in self.behaviour)


def version_of(path: str | os.PathLike, name: str | None = None) -> Version:
    """Read a workbook (or folder) as one side of a diff; ``/dev/null`` is an empty side."""
    if str(path) == NO_FILE:
        return Version(name or NO_FILE)
    loaded = read(path)
    broken = frozenset(d.decision for d in loaded.diagnostics if d.severity is Severity.ERROR and d.decision)
    return Version(name or str(path), loaded.tables, loaded.tests, broken)


def diff(old: Version, new: Version, *, behaviour: bool = True, budget: int = DEFAULT_BUDGET) -> WorkbookDiff:
    """Every change from ``old`` to ``new``; ``behaviour=False`` leaves out the regions."""
    before = {t.name: t for t in reversed(old.tables)}
    after = {t.name: t for t in reversed(new.tables)}
    changes = []
    behaviours = []
    for name in dict.fromkeys([*(t.name for t in new.tables), *(t.name for t in old.tables)]):
        was, now = before.get(name), after.get(name)
        found = decision_changes(was.table if was else None, now.table if now else None)
        changes.extend(found)
        if not (found and behaviour and was is not None and now is not None):
            continue
        if name in old.broken or name in new.broken:
            which = " and ".join(v for v, side in (("old", old), ("new", new)) if name in side.broken)
            behaviours.append(Behaviour(name, (), False, f"not compared: the {which} table has errors (`dtable lint` lists them)"))  # fmt: skip
            continue
        behaviours.append(compare_tables(was, now, budget=budget))
    changes.extend(test_changes(old.tests, new.tests))
    return WorkbookDiff(old.name, new.name, tuple(changes), tuple(behaviours))


def diff_paths(old: str | os.PathLike, new: str | os.PathLike, *, behaviour: bool = True) -> WorkbookDiff:
    """:func:`diff` of two workbooks (or folders) on disk; raises :class:`~engine.errors.LoadError`."""
    return diff(version_of(old), version_of(new), behaviour=behaviour)
