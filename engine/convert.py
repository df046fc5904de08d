"""``dtable convert IN OUT``: workbooks to DMN 1.3, DMN models to workbooks.

The direction follows OUT's suffix: ``.dmn`` writes a DMN 1.3 model with
its diagram, ``.xlsx`` a workbook in this project's sheet layout. The input
must load without errors; the result is written to a temporary file beside
OUT and moved into place only when complete, and never over an input.

>>> convert(["tables/1177-direkt.xlsx"], Path("1177.dmn"))   # doctest: +SKIP
'3 decisions -> 1177.dmn (DMN 1.3, with a diagram)'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from engine.annotate import same_file
from engine.api import load
from engine.dmn.writer import write_dmn
from engine.sheet_writer import ConversionError, write_workbook

TARGETS = (".dmn", ".xlsx")


def convert(sources: Sequence[str | os.PathLike], target: Path) -> str:
    """Convert and write; returns a one-line summary. Raises :class:`ConversionError` or ``LoadError``."""
    suffix = target.suffix.lower()
    if suffix not in TARGETS:
        raise ConversionError(f"{target}: the output must be a .dmn or .xlsx file (the suffix chooses the format)")
    model = load(sources)
    for source in model.sources:
        if same_file(source, target):
            raise ConversionError(f"refusing to write over the input {source}; name another output file")
    if not target.parent.is_dir():
        raise ConversionError(f"{target.parent}: no such folder")
    tables = list(model.tables.values())
    expressions = list(model.expressions.values())
    if suffix == ".dmn":
        if expressions:
            names = ", ".join(f"`{e.name}`" for e in expressions)
            raise ConversionError(f"only decision tables are written to DMN by this converter; {names} are not tables")
        payload = write_dmn(tables, model.inputs, target.stem)
        _replace(target, lambda path: path.write_bytes(payload))
        what = "DMN 1.3, with a diagram"
    else:
        _replace(target, lambda path: write_workbook(path, tables, expressions, model.inputs))
        what = "a workbook, one sheet per decision"
    count = len(tables) + len(expressions)
    return f"{count} decision{'s' if count != 1 else ''} -> {target} ({what})"


def _replace(target: Path, write: Callable[[Path], object]) -> None:
    """Write beside the target, then move into place: a failed write leaves the old file as it was."""
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
