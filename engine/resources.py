"""Files shipped with the engine: the grammar and the default rulebook.

Installed, they live in the packages ``engine.grammar`` and ``engine.tables``
(mapped from the top-level ``grammar/`` and ``tables/`` folders by
pyproject.toml); in a source checkout they are read from those folders.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[1]


def default_tables() -> Path:
    """The folder of the shipped rulebook."""
    try:
        found = Path(str(resources.files("engine.tables")))
        if any(found.glob("*.xlsx")):
            return found
    except ModuleNotFoundError:
        pass
    return _CHECKOUT / "tables"
