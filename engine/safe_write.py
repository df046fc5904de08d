"""Writing an analyst's workbook without ever losing it.

Rewriting a workbook in place (``dtable format``) follows three rules:

- refuse while the file is open: Excel keeps a lock file ``~$NAME`` beside
  it, LibreOffice ``.~lock.NAME#``; saving under an open Excel loses
  whatever the analyst types next;
- keep a timestamped backup beside it first (``NAME.xlsx.20260131-120501.bak``;
  not ``.xlsx``, so a folder of tables is not read twice);
- write a temporary file in the same folder and rename it over the original
  (atomic on one file system): a crash leaves the old file or the new one,
  never half of one. The rename is refused when the file changed on disk
  since it was read.

>>> saved = save_in_place(book, Path("tables/rules.xlsx"), read_at)     # doctest: +SKIP
>>> saved.backup.name                                                   # doctest: +SKIP
'rules.xlsx.20260131-120501.bak'
"""

from __future__ import annotations

import datetime as _dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.files import replacing, same_file, umask

__all__ = ["Saved", "Snapshot", "UnsafeWrite", "replacing", "save_copy", "save_in_place", "umask"]

class UnsafeWrite(Exception):
    """Writing would risk the analyst's work; the message says why and what to do."""


@dataclass(frozen=True)
class Snapshot:
    """What a file looked like when it was read: to notice a save in between."""

    path: Path
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> Snapshot:
        stat = path.stat()
        return cls(path, stat.st_size, stat.st_mtime_ns)

    def unchanged(self) -> bool:
        try:
            stat = self.path.stat()
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (self.size, self.mtime_ns)


@dataclass(frozen=True)
class Saved:
    path: Path
    backup: Path | None  # None when a copy was written


def lock_files(path: Path) -> list[Path]:
    """The lock files Excel and LibreOffice keep beside a workbook they have open."""
    return [path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#")]


def check_not_open(path: Path) -> None:
    for lock in lock_files(path):
        if lock.exists():
            raise UnsafeWrite(
                f"{path} is open in a spreadsheet program (lock file {lock.name} beside it); "
                "save and close it, then run the command again"
            )


def backup_path(path: Path, now: _dt.datetime | None = None) -> Path:
    """A free ``NAME.xlsx.YYYYmmdd-HHMMSS.bak`` beside ``path``."""
    stamp = (now or _dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.{stamp}.bak")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{stamp}-{n}.bak")
        n += 1
    return candidate


def save_in_place(book: Any, read: Snapshot, *, now: _dt.datetime | None = None) -> Saved:
    """Save an openpyxl workbook over the file it was read from (see the module doc)."""
    path = read.path
    check_not_open(path)

    def still_the_same() -> None:
        check_not_open(path)
        if not read.unchanged():
            raise UnsafeWrite(f"{path} changed on disk while it was being rewritten; run the command again")

    still_the_same()
    backup = backup_path(path, now)
    shutil.copy2(path, backup)
    with replacing(path, mode=path.stat().st_mode & 0o7777, before_rename=still_the_same) as temporary:
        book.save(temporary)
    return Saved(path, backup)


def save_copy(book: Any, source: Path, out: Path) -> Saved:
    """Save an openpyxl workbook as a new file ``out``, never over ``source``."""
    if same_file(source, out):
        raise UnsafeWrite(f"--out {out} is the workbook itself; leave out --out to rewrite it in place (with a backup)")
    if not out.parent.is_dir():
        raise UnsafeWrite(f"cannot write {out}: the folder {out.parent} does not exist")
    if out.suffix.lower() != source.suffix.lower():
        raise UnsafeWrite(f"--out {out} must end in {source.suffix.lower()}, like the workbook it copies")
    check_not_open(out)
    with replacing(out) as temporary:
        book.save(temporary)
    return Saved(out, None)
