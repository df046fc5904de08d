"""The analyser on tables read from real workbooks (the loader's layout)."""

from __future__ import annotations

import openpyxl

import engine
from engine.analysis import analyse
from engine.model import Location

REGISTRERING = [
    ["Decision: registrering"],
    ["U", "input", "input", "input", "output"],
    ["Regel", "yrkesroll", "ärendetyp", "ersätter_besök", "vårdkontakt"],
    ["Type", "string", "string", "boolean", "string"],
    [
        "Allowed values",
        '"sjuksköterska", "läkare"',
        '"egenvårdsråd", "åtgärd/behandling"',
        "true, false",
        '"Text som inte ersätter besök", "Distanskontakt realtid bild/ljud/chatt"',
    ],
    ["R1", '"sjuksköterska"', '"egenvårdsråd"', "-", '"Text som inte ersätter besök"'],
    ["R2", '"sjuksköterska"', '"åtgärd/behandling"', "true", '"Distanskontakt realtid bild/ljud/chatt"'],
    ["R3", '"läkare"', "-", "-", '"Distanskontakt realtid bild/ljud/chatt"'],
    ["R4", '"läkare"', '"egenvårdsråd"', "false", '"Text som inte ersätter besök"'],
]


def write(path, rows, sheet="registrering"):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value not in (None, ""):
                ws.cell(row=r, column=c, value=value).data_type = "s"
    book.save(path)
    return path


def test_findings_on_a_loaded_workbook_point_at_its_cells(tmp_path):
    path = write(tmp_path / "regler.xlsx", REGISTRERING)
    loaded = engine.read(path)
    found = {d.code: d for d in analyse(loaded.tables)}
    assert set(found) == {"DT101", "DT201"}
    gap = found["DT101"]
    assert gap.message == (
        'no rule covers yrkesroll = "sjuksköterska", ärendetyp = "åtgärd/behandling", ersätter_besök = false'
    )
    assert gap.location == Location("registrering", "A1", str(path))
    assert gap.location.workbook == str(path)
    overlap = found["DT201"]
    assert overlap.rules == ("R3", "R4")
    assert overlap.location == Location("registrering", "A9")
    assert overlap.message == (
        'rules R3 and R4 both match yrkesroll = "läkare", ärendetyp = "egenvårdsråd", ersätter_besök = false'
    )


def test_the_shipped_rulebook_analyses_quickly_and_cleanly_enough(tmp_path):
    from pathlib import Path

    shipped = Path(__file__).resolve().parents[1] / "tables"
    loaded = engine.read(shipped)
    found = analyse(loaded.tables)
    assert all(d.location is not None or d.code == "DT406" for d in found)
    assert not [d for d in found if d.code in ("DT102", "DT103")]
