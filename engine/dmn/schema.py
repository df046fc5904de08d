"""Validating a DMN document against the OMG's XML Schema (``DMN13.xsd`` and the files it imports)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from lxml import etree


@functools.lru_cache(maxsize=4)
def _schema(xsd: Path) -> Any:
    # The schema is trusted (the OMG's files); its imports are read from beside it.
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(xsd), parser))


def schema_errors(document: bytes, xsd: Path) -> list[str]:
    """Every schema violation as ``line N: message``; empty when the document is valid."""
    schema = _schema(xsd)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    tree = etree.fromstring(document, parser)
    if schema.validate(tree):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
