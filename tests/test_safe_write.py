"""Rewriting a workbook in place: the original survives every failure."""

from __future__ import annotations

import os

import pytest

from engine.safe_write import Snapshot, UnsafeWrite, save_in_place


class Book:
    """Stands in for an openpyxl workbook: save() writes bytes, or fails half-way."""

    def __init__(self, content: bytes, fail: bool = False) -> None:
        self.content, self.fail = content, fail

    def save(self, path) -> None:
        with open(path, "wb") as out:
            out.write(self.content[:3])
            if self.fail:
                raise OSError(28, "No space left on device")
            out.write(self.content[3:])


def test_a_failed_save_leaves_the_original_and_no_temporary_file(tmp_path):
    path = tmp_path / "rules.xlsx"
    path.write_bytes(b"original")
    with pytest.raises(OSError, match="No space left"):
        save_in_place(Book(b"new content", fail=True), Snapshot.of(path))
    assert path.read_bytes() == b"original"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".bak")) == ["rules.xlsx"]


def test_the_new_file_replaces_the_old_and_keeps_its_permissions(tmp_path):
    path = tmp_path / "rules.xlsx"
    path.write_bytes(b"original")
    os.chmod(path, 0o640)
    saved = save_in_place(Book(b"new content"), Snapshot.of(path))
    assert path.read_bytes() == b"new content"
    assert saved.backup is not None and saved.backup.read_bytes() == b"original"
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_workbook_saved_by_someone_else_meanwhile_is_not_overwritten(tmp_path):
    path = tmp_path / "rules.xlsx"
    path.write_bytes(b"original")
    read_at = Snapshot.of(path)
    path.write_bytes(b"the analyst saved this")
    with pytest.raises(UnsafeWrite, match="changed on disk while it was being rewritten"):
        save_in_place(Book(b"new content"), read_at)
    assert path.read_bytes() == b"the analyst saved this"
