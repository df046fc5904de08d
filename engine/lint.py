"""Linting: everything wrong with a set of workbooks, as diagnostics.

Load problems (syntax, layout, spreadsheet damage, the decision graph) and
the analyser's findings (gaps, overlaps, redundancy, domains), together.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from engine.analysis import analyse
from engine.api import Loaded, read
from engine.diagnostics import Diagnostic


def lint(paths: str | os.PathLike | Iterable[str | os.PathLike], *, check_gaps: bool | None = None) -> tuple[Loaded, list[Diagnostic]]:  # fmt: skip
    """Read the workbooks and return every finding.

    ``check_gaps``: None looks for gaps in single-hit tables only (where
    DMN expects one answer); True also in RULE ORDER / OUTPUT ORDER / COLLECT
    tables. Raises :class:`~engine.errors.LoadError` only for a file that
    cannot be read at all.

    >>> loaded, findings = lint("tables")                      # doctest: +SKIP
    >>> sorted({d.code for d in findings})                     # doctest: +SKIP
    ['DT101']
    """
    loaded = read(paths)
    return loaded, findings(loaded, check_gaps=check_gaps)


def findings(loaded: Loaded, *, check_gaps: bool | None = None) -> list[Diagnostic]:
    """The load diagnostics, then the analyser's findings (what load errors break is left out)."""
    found = list(loaded.diagnostics)
    found.extend(analyse(loaded.tables, check_gaps=check_gaps, inputs=loaded.specs.keys(), errors=loaded.diagnostics))
    return found
