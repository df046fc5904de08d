"""Files the tool writes: never over a file it reads, never half-written.

``dtable batch --out`` and ``dtable lint --annotate`` both write a new file
next to the user's workbooks. :func:`check_output` refuses a target that is
one of the files the command reads (also through a link or ``..``) or that
would land in a folder of rulebooks; :func:`replacing` writes through a
locked temporary file renamed over the target only when complete, and
removes the temporary files a killed run left behind.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

try:  # POSIX: a running writer holds a lock on its temporary file
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: Suffixes of the files a folder of rulebooks is read for.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: A temporary file nobody holds a lock on is stale after this many seconds
#: (the age guards the instant between creating a file and locking it).
STALE_AFTER_SECONDS = 60.0
#: Without locks (Windows) only files this old are taken as left behind.
STALE_UNLOCKED_SECONDS = 24 * 3600.0


class OutputError(ValueError):
    """The target of a write is a file the command reads, or cannot be written."""


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether two paths name the same file (also through links and ``..``)."""
    pa, pb = Path(a), Path(b)
    if pa.resolve() == pb.resolve():
        return True
    try:
        return pa.exists() and pb.exists() and os.path.samefile(pa, pb)
    except OSError:
        return False


def check_output(target: Path, reads: Iterable[Path], folders: Iterable[Path] = (), role: str = "the output") -> None:
    """Refuse writing ``target`` over a file in ``reads``, or a workbook into a rulebook folder.

    ``folders`` are the folders of workbooks the command was given: a
    workbook written there would be read as part of the rulebook next time.
    """
    for path in reads:
        if same_file(target, path):
            raise OutputError(f"{role} {target} is {path}, which this command reads; write to another file")
    if target.suffix.lower() in WORKBOOK_SUFFIXES:
        for folder in folders:
            if folder.is_dir() and same_file(target.parent, folder):
                raise OutputError(
                    f"{role} {target} is inside the rulebook folder {folder}, where it would be read "
                    "as a rulebook next time; write it to another folder"
                )


def _part_prefix(target: Path) -> str:
    return f".{target.name}."


@contextmanager
def replacing(target: Path, *, mode: int | None = None, before_rename: Callable[[], None] | None = None) -> Iterator[Path]:  # fmt: skip
    """A temporary file beside ``target``, renamed over it when the block succeeds.

    Beside, because a rename across file systems is not atomic; removed when
    anything fails, synced before the rename. ``mode`` defaults to what a new
    file gets (the umask); ``before_rename`` may raise to call the rename off.
    The temporary file is locked while it is written, so a later run can
    tell the leftovers of a killed run (unlocked, removed here) from a run
    still going.
    """
    remove_stale_parts(target)
    handle, name = tempfile.mkstemp(prefix=_part_prefix(target), suffix=".part", dir=target.parent)
    temporary = Path(name)
    try:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield temporary
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, mode if mode is not None else 0o666 & ~umask())
        if before_rename is not None:
            before_rename()
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        os.close(handle)


def remove_stale_parts(target: Path) -> list[Path]:
    """Delete the temporary files of earlier, killed writes of ``target``; returns them."""
    removed: list[Path] = []
    now = time.time()
    try:
        candidates = [p for p in target.parent.iterdir() if p.name.startswith(_part_prefix(target)) and p.name.endswith(".part")]
    except OSError:
        return removed
    for path in candidates:
        try:
            age = now - path.stat().st_mtime
            if fcntl is None:
                stale = age > STALE_UNLOCKED_SECONDS
            else:
                stale = age > STALE_AFTER_SECONDS and not _locked(path)
            if stale:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def _locked(path: Path) -> bool:
    assert fcntl is not None
    with open(path, "rb") as file:
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(file.fileno(), fcntl.LOCK_UN)
        return False


def umask() -> int:
    """The process's umask (read without changing it for long)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
