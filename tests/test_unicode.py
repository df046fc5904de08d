"""Text in decomposed Unicode (as macOS may store "ö") matches its composed twin."""

from __future__ import annotations

import unicodedata

from tests.helpers_core import load_sheets, only, read_sheets

NFD = unicodedata.normalize("NFD", "sjuksköterska")
NFC = unicodedata.normalize("NFC", "sjuksköterska")


def table(entry: str) -> list[list[str]]:
    return [
        ["Decision: d"],
        ["U", "input", "output"],
        ["Rule", "yrkesroll", "ok"],
        ["R1", f'"{entry}"', "true"],
    ]


def test_decomposed_input_matches_a_composed_cell(tmp_path):
    assert NFD != NFC
    model = load_sheets(tmp_path, {"d": table(NFC)})
    assert model.decide("d", {"yrkesroll": NFD}).matched == ("R1",)
    assert model.decide("d", {"yrkesroll": NFC}).matched == ("R1",)


def test_decomposed_cell_is_read_composed_and_said_so(tmp_path):
    loaded = read_sheets(tmp_path, {"d": table(NFD)})
    finding = only(loaded.diagnostics, "DT507")
    assert str(finding.location) == "d!B4"
    assert "decomposed Unicode" in finding.message
    assert loaded.tables[0].table.rules[0].inputs[0].text == f'"{NFC}"'
    model = load_sheets(tmp_path, {"d": table(NFD)}, name="again.xlsx")
    assert model.decide("d", {"yrkesroll": NFC}).matched == ("R1",)


def test_decomposed_input_passes_allowed_values(tmp_path):
    rows = table(NFC)
    rows.insert(3, ["Allowed values", f'"{NFC}", "läkare"', "true, false"])
    model = load_sheets(tmp_path, {"d": rows})
    assert model.decide("d", {"yrkesroll": NFD}).output == {"ok": True}
