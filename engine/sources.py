"""The front door: which files a path names, and which reader reads each.

A path is a workbook (``.xlsx``/``.xlsm``), a DMN model (``.dmn``) or a
folder of either. The reader is chosen by suffix, and by the file's first
bytes when the suffix is wrong (a DMN model saved as ``.xml``, a workbook
without its suffix): a zip container is a workbook, XML with DMN's
``definitions`` a DMN model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.dmn.xml import looks_like_dmn
from engine.workbook import SUPPORTED_SUFFIXES, WorkbookError

WORKBOOK = "workbook"
DMN = "dmn"
DMN_SUFFIXES = (".dmn",)
#: every suffix the front door reads (a server watching a folder can filter by it)
SUFFIXES = (*SUPPORTED_SUFFIXES, *DMN_SUFFIXES)


@dataclass(frozen=True)
class Source:
    path: Path
    kind: str  # WORKBOOK or DMN
    #: set when the content overrode the suffix (said as a warning)
    note: str | None = None


def find_sources(path: Path) -> list[Source]:
    """The files to read for ``path``; raises :class:`WorkbookError` (one line) when there are none."""
    if not path.exists():
        raise WorkbookError(f"{path}: no such file or folder")
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith("~$"))
        if not found:
            raise WorkbookError(f"{path}: the folder holds no .xlsx, .xlsm or .dmn file")
        return [classify(p) for p in found]
    return [classify(path)]


def classify(path: Path) -> Source:
    suffix = path.suffix.lower()
    by_suffix = DMN if suffix in DMN_SUFFIXES else WORKBOOK
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
    except OSError:
        return Source(path, by_suffix)  # the reader says why it cannot be read
    if head.startswith(b"PK\x03\x04"):
        by_content = WORKBOOK
    elif looks_like_dmn(head):
        by_content = DMN
    else:
        return Source(path, by_suffix)
    if by_content == by_suffix:
        return Source(path, by_suffix)
    what = "a DMN model" if by_content == DMN else "a zip container (a workbook)"
    return Source(path, by_content, f"{path.name}: the suffix `{suffix or '(none)'}` does not match its content, {what}; read as such")
