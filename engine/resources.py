"""Files shipped with the engine: the grammar and the default rulebook.

Installed, they live inside the package as ``engine/grammar`` and
``engine/tables`` (mapped from the top-level ``grammar/`` and ``tables/``
folders by pyproject.toml); in a source checkout they are read from those
folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


def _shipped(folder: str) -> Path:
    installed = _PACKAGE / folder
    return installed if installed.is_dir() else _CHECKOUT / folder


def default_tables() -> Path:
    """The folder of the shipped rulebook."""
    return _shipped("tables")


def grammar_file() -> Path:
    """The FEEL-lite grammar."""
    return _shipped("grammar") / "feel.lark"
