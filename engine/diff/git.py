"""Versions of workbooks from git, for ``dtable diff --git REV [PATH…]``.

The old side is ``git show REV:PATH`` written to a temporary folder under
the workbook's own name; the new side is the file in the working tree. A
file missing on one side is an empty version (added or removed).
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from engine.diff import Version, version_of
from engine.workbook import SUPPORTED_SUFFIXES


class GitError(Exception):
    """git could not answer (not a repository, an unknown revision …)."""


def _git(*args: str, binary: bool = False) -> subprocess.CompletedProcess:
    try:
        run = subprocess.run(["git", *args], capture_output=True, text=not binary, timeout=120)
    except FileNotFoundError:
        raise GitError("git is not installed (it is needed for --git)") from None
    if run.returncode != 0:
        error = run.stderr.decode("utf-8", "replace") if binary else run.stderr
        lines = error.strip().splitlines() or ["failed"]
        raise GitError(f"git {args[0]}: {lines[-1].removeprefix('fatal: ')}")
    return run


def changed_workbooks(rev: str, paths: Sequence[str] = ()) -> list[str]:
    """Workbooks that differ between ``rev`` and the working tree (under ``paths``), relative to here."""
    _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    names = _git("diff", "--name-only", "--relative", "--no-renames", rev, "--", *paths).stdout.splitlines()
    return [n for n in names if Path(n).suffix.lower() in SUPPORTED_SUFFIXES and not Path(n).name.startswith("~$")]


@contextmanager
def versions(rev: str, path: str) -> Iterator[tuple[Version, Version]]:
    """The workbook ``path`` at ``rev`` and in the working tree."""
    _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    spec = f"{rev}:./{path}"
    with tempfile.TemporaryDirectory(prefix="dtable-diff-") as folder:
        exists = subprocess.run(["git", "cat-file", "-e", spec], capture_output=True).returncode == 0
        if exists:
            old_file = Path(folder) / Path(path).name
            old_file.write_bytes(_git("show", spec, binary=True).stdout)
            old = version_of(old_file, f"{rev}:{path}")
        else:
            old = Version(f"{rev}:{path}")
        new = version_of(path) if Path(path).exists() else Version(path)
        yield old, new
