"""Running hostile probes: the CLI in a subprocess under a memory cap and a timeout.

A probe that regresses (a dense grid of 100M cells, a 10**999999999 integer)
then fails its test with "out of memory" or "timed out" instead of taking
the machine down with it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers_core import CLI, REPO

#: Address space a probe may use: the CLI needs about 200 MiB; every
#: probe here cost gigabytes before its fix.
MEMORY_CAP = 768 * 2**20
#: Seconds a probe may take (each takes well under 10 s when fixed).
TIMEOUT = 60


def _cap(memory: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return apply


def run_capped(args: list[str], *, memory: int = MEMORY_CAP, timeout: float = TIMEOUT, stdin: bytes | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """Run ``args`` under an RLIMIT_AS of ``memory`` bytes; a timeout fails the test."""
    try:
        run = subprocess.run(
            args, input=stdin, capture_output=True, timeout=timeout, cwd=cwd, preexec_fn=_cap(memory)
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(args)[:200]} took more than {timeout} s")
    return subprocess.CompletedProcess(
        run.args, run.returncode, run.stdout.decode("utf-8", "replace"), run.stderr.decode("utf-8", "replace")
    )


def dtable(*args: str, **options) -> subprocess.CompletedProcess[str]:
    """``dtable ARGS…`` (the checkout's cli.py) under the cap."""
    return run_capped([sys.executable, str(CLI), *args], **options)


def dtable_here(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    """``dtable ARGS…`` in this process (no cap, no start-up cost), for probes that are cheap once fixed.

    A traceback propagates and fails the test, as it would show on stderr.
    """
    import cli

    out, err = io.StringIO(), io.StringIO()
    real_stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(args))
    finally:
        sys.stdin = real_stdin
    return subprocess.CompletedProcess(["dtable", *args], code, out.getvalue(), err.getvalue())


def python(script: str, **options) -> subprocess.CompletedProcess[str]:
    """A Python script using the engine, under the cap."""
    return run_capped([sys.executable, "-c", script], **options)


def error_line(run: subprocess.CompletedProcess[str], code: int = 2) -> str:
    """The one-line error of a refused probe (exit ``code``), without the ``dtable: error: `` prefix."""
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert run.returncode == code, (run.returncode, run.stderr[-2000:])
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr[-2000:]
    assert lines[0].startswith("dtable: error: "), lines[0]
    return lines[0].removeprefix("dtable: error: ")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rewrite(path, change):
    """Rewrite the parts of a workbook: ``change(name, data) -> data``."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            archive.writestr(info, change(info.filename, data))
    return path
