"""The tables a server answers from: loaded once, reloaded when they change, swapped atomically.

A request reads :attr:`Rulebook.current` once and answers from that
snapshot, so a reload in the middle of a request never mixes two versions.
A reload that fails keeps the last good snapshot serving and records why in
:attr:`Rulebook.failure` (shown on ``/decisions`` and logged).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import logging
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.api import Model, load
from engine.errors import LoadError
from engine.sources import find_sources
from engine.workbook import WorkbookError

log = logging.getLogger("dtable.serve")


@dataclass(frozen=True)
class Snapshot:
    """One loaded version of the tables."""

    model: Model
    version: str  # the workbooks' hash: what every response names
    loaded_at: _dt.datetime
    files: tuple[Path, ...]


@dataclass(frozen=True)
class Failure:
    """A reload that did not take: the files changed into something that does not load."""

    version: str  # the hash of the files that failed
    at: _dt.datetime
    error: LoadError
    files: tuple[Path, ...] = field(default=())


def fingerprint(files: Sequence[Path]) -> str:
    """The version of a set of files: a hash of their names and contents (16 hex digits)."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


class Rulebook:
    """The served model and how to reload it from ``paths`` (files or folders)."""

    def __init__(self, paths: Iterable[str | os.PathLike], loader: Callable[[list[Path]], Model] = load) -> None:
        self.paths = tuple(Path(p) for p in paths)
        self._absolute = tuple(p.resolve() for p in self.paths)  # what the watcher reports
        self._loader = loader
        self._lock = threading.Lock()  # one reload at a time; readers never wait
        self.failure: Failure | None = None
        self.reloads = {"ok": 0, "failed": 0}
        files = self._files()
        version = fingerprint(files)
        self.current = Snapshot(loader(list(self.paths)), version, _now(), files)  # LoadError: refuse to start

    def reload(self) -> bool:
        """Load the files again if they changed. True when a new version is now served."""
        with self._lock:
            try:
                files = self._files()
                version = fingerprint(files)
            except (OSError, LoadError) as error:  # a file vanished mid-save: the next event retries
                return self._failed("unknown", error if isinstance(error, LoadError) else LoadError(str(error)), ())
            if version == self.current.version:
                if self.failure is not None and self.failure.version != version:
                    self._recovered()
                return False
            try:
                model = self._loader(list(self.paths))
            except LoadError as error:
                return self._failed(version, error, files)
            except Exception as error:  # a reader bug must not take the last good model down
                log.exception("reloading %s failed unexpectedly", ", ".join(map(str, self.paths)))
                return self._failed(version, LoadError(f"the tables could not be loaded: {error}"), files)
            previous = self.current.version
            self.current = Snapshot(model, version, _now(), files)
            self.failure = None
            self.reloads["ok"] += 1
            log.info("reloaded %s: version %s replaces %s (%d decisions)", _names(files), version, previous, len(model.decisions))  # fmt: skip
            return True

    def watched(self) -> tuple[Path, ...]:
        """What to watch: folders as given, and the folder of each file (editors save by renaming)."""
        return tuple(dict.fromkeys(p if p.is_dir() else p.parent for p in self._absolute))

    def concerns(self, changed: str) -> bool:
        """Whether a changed path may be one of the tables (a file given, or a file in a folder given)."""
        path = Path(changed).resolve()
        for given in self._absolute:
            if path == given or path.parent == given:
                return True
        return False

    def _files(self) -> tuple[Path, ...]:
        try:
            return tuple(s.path for p in self.paths for s in find_sources(p))
        except WorkbookError as error:
            raise LoadError(str(error)) from None

    def _failed(self, version: str, error: LoadError, files: Sequence[Path]) -> bool:
        if self.failure is not None and self.failure.version == version and version != "unknown":
            return False  # the same broken files again: said once already
        self.failure = Failure(version, _now(), error, tuple(files))
        self.reloads["failed"] += 1
        details = "".join(f"\n  {d.render()}" for d in error.diagnostics if d.severity.word == "error")
        log.error("reload failed, still serving version %s: %s%s", self.current.version, error, details)
        return False

    def _recovered(self) -> None:
        log.info("the tables are back to version %s, which is served", self.current.version)
        self.failure = None


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0)


def _names(files: Sequence[Path]) -> str:
    return ", ".join(f.name for f in files)


def describe_failure(failure: Failure | None) -> dict[str, Any] | None:
    """The failed reload as JSON-ready data (None when the last reload took)."""
    if failure is None:
        return None
    from engine.output import error_json

    return {"version": failure.version, "at": failure.at.isoformat(), **error_json(failure.error)}
