"""Rewriting a workbook with openpyxl, and what the rewrite would lose.

openpyxl writes every workbook the tool produces from another (the
annotated copy of ``lint --annotate``, the dropdowns of ``format``). It
keeps tables, styles, comments, validations, charts and (with Pillow)
pictures, but not text boxes and other shapes, threaded comments, form
controls, nor the cached results of formulas. :func:`open_for_rewrite`
loads a workbook and lists what a rewrite of it lacks, from the source's
own parts and what openpyxl says it drops; a copy notes the list, an
in-place rewrite refuses.

>>> book, lacks = open_for_rewrite(Path("decorated.xlsx"), "annotate")     # doctest: +SKIP
>>> lacks                                                                   # doctest: +SKIP
('1 of 1 text boxes and shapes',)
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl

from engine.diagnostics import printable

# What openpyxl may fail with on a file calamine read (its own XML parser is
# stricter): each becomes one line saying the copy cannot be made.
# SyntaxError covers the XML parsers' errors (ElementTree's ParseError, lxml's XMLSyntaxError).
_OPENPYXL_FAILURES = (KeyError, ValueError, TypeError, AttributeError, IndexError, SyntaxError, zipfile.BadZipFile, OSError)  # fmt: skip


_DRAWING_FEATURES = {
    "pictures": re.compile(rb"<(?:\w+:)?pic[\s>]"),
    "text boxes and shapes": re.compile(rb"<(?:\w+:)?(?:sp|cxnSp)[\s>]"),
}
# A formula cell with a cached result: <f …>…</f><v>2</v> or <f …/><v>2</v> (not an empty <v/>).
_CACHED_RESULT = re.compile(rb"<(?:\w+:)?f(?:\s[^>]*)?(?:/>|>[^<]*</(?:\w+:)?f>)\s*<(?:\w+:)?v(?:\s[^>/]*)?>[^<]")
_PART_FEATURES = (
    ("xl/threadedcomments/", "threaded comments (Excel 365 conversations; plain comments are kept)"),
    ("xl/ctrlprops/", "form controls"),
    ("xl/activex/", "ActiveX controls"),
    ("xl/slicers/", "slicers"),
    ("xl/timelines/", "timelines"),
)


_ORDER = ("pictures", "charts", *_DRAWING_FEATURES, "cached formula results", *(feature for _, feature in _PART_FEATURES))


def source_features(path: Path) -> Counter[str]:
    """Counts of the things in a workbook that openpyxl may not carry into a copy."""
    counts: Counter[str] = Counter()
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name = info.filename.lower()
            if name.startswith("xl/drawings/") and name.endswith(".xml"):
                xml = archive.read(info)
                for feature, pattern in _DRAWING_FEATURES.items():
                    counts[feature] += len(pattern.findall(xml))
            elif name.startswith("xl/charts/chart") and name.endswith(".xml"):
                counts["charts"] += 1
            elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
                counts["cached formula results"] += len(_CACHED_RESULT.findall(archive.read(info)))
            for prefix, feature in _PART_FEATURES:
                if name.startswith(prefix) and not name.endswith(".rels"):
                    counts[feature] += 1
    return counts


def _lacks(source: Path, book: Any, openpyxl_warnings: list[str]) -> tuple[str, ...]:
    """What the copy will not have, from the source's parts and what openpyxl loaded."""
    counts = source_features(source)
    kept = {
        "pictures": sum(len(ws._images) for ws in book.worksheets),
        "charts": sum(len(ws._charts) for ws in book.worksheets) + sum(len(cs._charts) for cs in book.chartsheets),
    }
    lacks = []
    for feature, count in sorted(counts.items(), key=lambda item: _ORDER.index(item[0])):
        lost = count - kept.get(feature, 0)
        if lost <= 0:
            continue
        if feature == "cached formula results":
            lacks.append(f"the cached results of {lost} formula{'s' if lost > 1 else ''} (Excel and LibreOffice recompute them on opening; other readers see empty cells)")  # fmt: skip
        else:
            lacks.append(f"{lost} of {count} {feature}")
    for message in dict.fromkeys(openpyxl_warnings):
        if "will be removed" in message or "will be lost" in message or "cannot be read" in message:
            lacks.append(printable(" ".join(message.split())))
    return tuple(lacks)


def open_for_rewrite(source: Path, action: str) -> tuple[Any, tuple[str, ...]]:
    """The workbook loaded by openpyxl, and what a rewrite of it would lack.

    Raises ValueError (one line: ``cannot ACTION SOURCE: …``) when openpyxl
    cannot read a file calamine could.
    """
    with warnings.catch_warnings(record=True) as dropped:
        warnings.simplefilter("always")
        try:
            book = openpyxl.load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm")
        except _OPENPYXL_FAILURES as error:
            reason = printable(" ".join(str(error).split())) or type(error).__name__
            raise ValueError(f"cannot {action} {source}: openpyxl, which writes the copy, cannot read it ({reason[:200]})") from None  # fmt: skip
    return book, _lacks(source, book, [str(w.message) for w in dropped])
