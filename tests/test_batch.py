"""engine/batch.py: a file of cases in, a file of results out, one row per row."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tracemalloc
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from helpers_core import CLI, REPO, SHIPPED, load_sheets
from python_calamine import CalamineWorkbook

import engine
from engine.batch import BatchError, evaluate_file, run_batch

INPUTS = ["yrkesroll", "kontakt", "ärendetyp", "vidare", "ersätter_besök"]
OUTPUTS = [
    "registreras", "vårdkontakt", "attribut_1177_direkt", "dokumentera_i_journalen",
    "diagnos_och_kva", "anteckningsmall", "avslutar_ärendet",
]  # fmt: skip
HEADER = [*INPUTS, *OUTPUTS, "matched", "error"]

# Test sheet 3.1.1-a1 (rule R1), 3.1.2-a3 (R21), lucka-1 (no rule), and a bad boolean.
NURSE = ["sjuksköterska", "1177 direkt", "egenvårdsråd", "nej", "false"]
DOCTOR_IN_PERSON = ["läkare", "fysiskt besök", "", "", "false"]
GAP = ["sjuksköterska", "1177 direkt", "åtgärd/behandling", "nej", "false"]
BAD = ["läkare", "1177 direkt", "remiss", "nej", "kanske"]


@pytest.fixture(scope="module")
def model() -> engine.Model:
    return engine.load(SHIPPED)


def write_csv(path: Path, rows: list[list[str]], header: list[str] = INPUTS, delimiter: str = ",") -> Path:
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        assert reader.fieldnames == HEADER
        return list(reader)


# ------------------------------------------------------------------ round trips


def test_csv_results_hold_outputs_labels_and_errors(tmp_path):
    source = write_csv(tmp_path / "cases.csv", [NURSE, DOCTOR_IN_PERSON, GAP, BAD])
    summary = run_batch([str(SHIPPED)], "registrering", source, tmp_path / "results.csv")

    nurse, doctor, gap, bad = read_csv(tmp_path / "results.csv")
    expected = [*NURSE, "true", "Text som inte ersätter besök", "true", "true", "false", "1177 direkt", "jag", "R1", ""]
    assert nurse == dict(zip(HEADER, expected))
    assert doctor == dict(
        zip(HEADER, [*DOCTOR_IN_PERSON, "true", "Mottagningsbesök", "false", "true", "true", "", "", "R21", ""])
    )
    assert gap["error"].startswith("no rule of decision `registrering` applies to")
    assert [gap[o] for o in OUTPUTS] == [""] * len(OUTPUTS) and gap["matched"] == ""
    assert bad["error"] == 'input `ersätter_besök` expects a boolean, got the text "kanske"'
    assert (summary.rows, summary.ok, summary.no_rule, summary.failed, summary.errors) == (4, 2, 1, 1, 2)
    assert "4 rows" in summary.line() and "rows/s" in summary.line()


def test_jsonl_values_are_typed_and_a_malformed_line_is_that_rows_error(model, tmp_path):
    source = tmp_path / "cases.jsonl"
    nurse = dict(zip(INPUTS, ["sjuksköterska", "1177 direkt", "egenvårdsråd", "nej", False]))
    source.write_text(
        json.dumps(nurse, ensure_ascii=False) + "\n" + '{"yrkesroll": "läkare",\n' + "\n" + "[1, 2]\n", "utf-8"
    )
    summary = evaluate_file(model, "registrering", source, tmp_path / "results.jsonl")

    first, broken, listed = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text("utf-8").splitlines()]
    assert first == {
        **nurse, "registreras": True, "vårdkontakt": "Text som inte ersätter besök", "attribut_1177_direkt": True,
        "dokumentera_i_journalen": True, "diagnos_och_kva": False, "anteckningsmall": "1177 direkt",
        "avslutar_ärendet": "jag", "matched": ["R1"], "error": None,
    }  # fmt: skip
    assert broken["error"].startswith("line 2: not valid JSON")
    assert listed["error"] == "line 4: expected a JSON object of input values, got a list"
    assert (summary.rows, summary.ok, summary.failed) == (3, 1, 2)


def test_xlsx_in_and_out(model, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(INPUTS)
    sheet.append(["sjuksköterska", "1177 direkt", "egenvårdsråd", "nej", False])  # a real boolean cell
    sheet.append(["sjuksköterska", "1177 direkt", "åtgärd/behandling", "nej", "FALSE"])  # text, as typed
    book.save(tmp_path / "cases.xlsx")

    summary = evaluate_file(model, "registrering", tmp_path / "cases.xlsx", tmp_path / "results.xlsx")

    header, nurse, gap = CalamineWorkbook.from_path(str(tmp_path / "results.xlsx")).get_sheet_by_index(0).to_python()
    assert header == HEADER
    assert nurse[5:] == [True, "Text som inte ersätter besök", True, True, False, "1177 direkt", "jag", "R1", ""]
    assert gap[4] is False and gap[-1].startswith("no rule of decision")
    assert (summary.ok, summary.no_rule) == (1, 1)


def test_numbers_decimal_commas_semicolons_and_multi_hit_lists(tmp_path):
    model = load_sheets(
        tmp_path,
        [
            ["Decision: avgift"],
            ["C", "input", "input", "output", "output"],
            ["Rule", "ålder", "frikort", "avgift", "orsak"],
            ["Type", "number", "boolean", "number", "string"],
            ["R1", "< 18", "-", "0", '"barn"'],
            ["R2", "-", "true", "0", '"frikort"'],
            ["R3", "[18..85)", "false", "12.5", '"vuxen"'],
        ],
    )
    source = write_csv(tmp_path / "cases.csv", [["12,5", "SANT"], ["40", "false"], ["90", "false"]], ["ålder", "frikort"], ";")  # fmt: skip
    evaluate_file(model, "avgift", source, tmp_path / "results.csv")

    with open(tmp_path / "results.csv", newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file, delimiter=";"))
    assert rows == [
        ["ålder", "frikort", "avgift", "orsak", "matched", "error"],
        ["12.5", "true", "[0, 0]", '["barn", "frikort"]', "R1, R2", ""],
        ["40", "false", "[12.5]", '["vuxen"]', "R3", ""],
        ["90", "false", "[]", "[]", "", ""],  # COLLECT: no match is an empty list, not an error
    ]


def test_conflicting_rules_are_that_rows_error(tmp_path):
    model = load_sheets(
        tmp_path,
        [
            ["Decision: nivå"],
            ["U", "input", "output"],
            ["Rule", "poäng", "nivå"],
            ["Type", "number", "string"],
            ["R1", "<= 10", '"låg"'],
            ["R2", ">= 10", '"hög"'],
        ],
    )
    source = write_csv(tmp_path / "cases.csv", [["10"], ["3"]], ["poäng"])
    summary = evaluate_file(model, "nivå", source, tmp_path / "results.csv")
    with open(tmp_path / "results.csv", newline="", encoding="utf-8") as file:
        conflict, fine = list(csv.DictReader(file))
    assert conflict["matched"] == "R1, R2" and "UNIQUE" in conflict["error"] and conflict["nivå"] == ""
    assert fine == {"poäng": "3", "nivå": "låg", "matched": "R1", "error": ""}
    assert summary.failed == 1


# ------------------------------------------------------------------ refusals


def test_refuses_to_write_over_the_input(model, tmp_path):
    source = write_csv(tmp_path / "cases.csv", [NURSE])
    before = source.read_bytes()
    with pytest.raises(BatchError, match="is the cases file"):
        evaluate_file(model, "registrering", source, tmp_path / "." / "cases.csv")
    assert source.read_bytes() == before


def test_unknown_column_is_refused_up_front_with_a_suggestion(model, tmp_path):
    source = write_csv(tmp_path / "cases.csv", [NURSE], ["yrkesrol", *INPUTS[1:]])
    with pytest.raises(BatchError) as caught:
        evaluate_file(model, "registrering", source, tmp_path / "results.csv")
    assert "`yrkesrol` is not an input of decision `registrering` (did you mean `yrkesroll`?)" in str(caught.value)
    assert "its inputs: yrkesroll, kontakt, ärendetyp, vidare, ersätter_besök" in str(caught.value)
    assert list(tmp_path.iterdir()) == [source]


def test_unsupported_suffix_lists_the_supported_ones(model, tmp_path):
    source = write_csv(tmp_path / "cases.csv", [NURSE])
    with pytest.raises(BatchError, match=r"'.txt' files are not supported; use .csv, .jsonl, .xlsx"):
        evaluate_file(model, "registrering", source, tmp_path / "results.txt")


def test_a_failed_batch_leaves_the_old_results_in_place(model, tmp_path, monkeypatch):
    source = write_csv(tmp_path / "cases.csv", [NURSE] * 5000)
    target = tmp_path / "results.csv"
    target.write_text("old results\n", "utf-8")
    decided = 0

    def interrupted(*args):  # Ctrl-C after the batch has started writing
        nonlocal decided
        decided += 1
        if decided == 3000:
            raise KeyboardInterrupt
        return engine.Model.decide(model, *args)

    monkeypatch.setattr(model, "decide", interrupted)
    with pytest.raises(KeyboardInterrupt):
        evaluate_file(model, "registrering", source, target)
    assert target.read_text("utf-8") == "old results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv", "results.csv"]  # no temporary file left


# ------------------------------------------------------------------ memory


def test_memory_stays_flat_over_50000_rows(model, tmp_path):
    rows = [NURSE, DOCTOR_IN_PERSON, GAP, BAD]
    source = tmp_path / "cases.csv"
    with open(source, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(INPUTS)
        writer.writerows(rows[i % 4] for i in range(50_000))
    evaluate_file(model, "registrering", source, tmp_path / "warm.csv")  # fill the engine's value caches first

    bound = 2 * 2**20
    tracemalloc.start()
    try:
        summary = evaluate_file(model, "registrering", source, tmp_path / "results.csv")
        streamed = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        with open(source, newline="", encoding="utf-8") as file:
            materialised = list(csv.DictReader(file))
        listed = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert summary.rows == len(materialised) == 50_000
    assert streamed < bound < listed


# ------------------------------------------------------------------ CLI


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(CLI), "batch", str(REPO / "tables"), "-d", "registrering", "--no-progress", *args],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip


def test_cli_exit_codes(tmp_path):
    good = write_csv(tmp_path / "good.csv", [NURSE, DOCTOR_IN_PERSON])
    mixed = write_csv(tmp_path / "mixed.csv", [NURSE, BAD])
    unknown = write_csv(tmp_path / "unknown.csv", [NURSE], ["yrkesrol", *INPUTS[1:]])

    done = run_cli("--in", str(good), "--out", str(tmp_path / "good-results.csv"))
    assert done.returncode == 0, done.stderr
    assert "2 rows" in done.stderr and "2 ok" in done.stderr

    done = run_cli("--in", str(mixed), "--out", str(tmp_path / "mixed-results.jsonl"))
    assert done.returncode == 1, done.stderr
    assert "1 failed" in done.stderr
    assert len((tmp_path / "mixed-results.jsonl").read_text("utf-8").splitlines()) == 2

    done = run_cli("--in", str(unknown), "--out", str(tmp_path / "x.csv"))
    assert done.returncode == 2 and "did you mean `yrkesroll`" in done.stderr


def test_decimals_in_jsonl_stay_exact(tmp_path):
    model = load_sheets(
        tmp_path,
        [
            ["Decision: pris"],
            ["U", "input", "output"],
            ["Rule", "belopp", "moms"],
            ["Type", "number", "number"],
            ["R1", "-", "belopp * 0.25"],
        ],
    )
    source = tmp_path / "cases.jsonl"
    source.write_text('{"belopp": 0.1}\n', "utf-8")
    evaluate_file(model, "pris", source, tmp_path / "results.csv")
    with open(tmp_path / "results.csv", newline="", encoding="utf-8") as file:
        (row,) = csv.DictReader(file)
    assert Decimal(row["moms"]) == Decimal("0.025") and row["belopp"] == "0.1"
