"""Reading untrusted DMN XML safely, keeping line numbers.

lxml is asked never to expand entities, load a DTD or touch the network,
and a document with a DOCTYPE at all is refused (DMN has no use for one, and
that is where entity bombs and external entities live). Files past
:data:`MAX_DMN_BYTES` are refused before parsing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

#: DMN namespaces, by version: the reader accepts all of them.
NAMESPACES = {
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "1.1",
    "http://www.omg.org/spec/DMN/20180521/MODEL/": "1.2",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "1.3",
    "https://www.omg.org/spec/DMN/20211108/MODEL/": "1.4",
    "https://www.omg.org/spec/DMN/20230324/MODEL/": "1.5",
}
DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

MAX_DMN_BYTES = 20 * 1024 * 1024


class DmnXmlError(Exception):
    """A file that is not readable DMN XML at all (one line, says why)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def _parser() -> Any:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_bytes(data: bytes, source: str) -> Any:
    """The root element of a DMN document; raises :class:`DmnXmlError`."""
    if len(data) > MAX_DMN_BYTES:
        raise DmnXmlError(f"{source}: the file is {len(data) // 2**20} MiB; at most {MAX_DMN_BYTES // 2**20} MiB are read")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno else None
        raise DmnXmlError(f"{source}: not well-formed XML: {error.msg}", line) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise DmnXmlError(f"{source}: a DOCTYPE is not allowed in a DMN file (entities are never expanded)", 1)
    for element in root.iter():
        if not isinstance(element.tag, str):  # an unexpanded entity reference
            raise DmnXmlError(f"{source}: entity references are not allowed in a DMN file", element.sourceline)
    return root


def parse_file(path: Path) -> Any:
    try:
        size = path.stat().st_size
        if size > MAX_DMN_BYTES:
            raise DmnXmlError(f"{path}: the file is {size // 2**20} MiB; at most {MAX_DMN_BYTES // 2**20} MiB are read")
        data = path.read_bytes()
    except OSError as error:
        raise DmnXmlError(f"{path}: cannot read: {error.strerror}") from None
    return parse_bytes(data, str(path))


def local(element: Any) -> str:
    """The tag without its namespace: ``decisionTable``."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(element: Any) -> str:
    tag = element.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def looks_like_dmn(data: bytes) -> bool:
    """Content sniffing for a file with the wrong suffix."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and b"definitions" in head and any(ns.encode() in head for ns in NAMESPACES)
