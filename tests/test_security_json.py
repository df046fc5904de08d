"""Hostile JSON input: bounded size and depth, strict UTF-8, messages that stay short."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from helpers_core import decision, write_xlsx
from helpers_hostile import dtable, dtable_here, error_line

import engine
from engine.json_input import MAX_JSON_BYTES, MAX_JSON_DEPTH, JsonInputError, loads_bounded

EVAL = ("eval", "-d", "registrering", "-i")


# ------------------------------------------------------------------ 5. input size


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_endless_devices_are_refused_after_the_size_bound(device):
    run = dtable(*EVAL, f"@{device}", timeout=30)
    assert error_line(run) == f"--input file {device} is larger than 10 MiB; at most 10 MiB of JSON are read"


def test_a_large_input_on_standard_input_is_refused_unread():
    huge = b'["' + b"a" * (200 * 2**20) + b'"]'  # 200 MB: read 10 MiB of it, refuse
    run = dtable(*EVAL, "@-", stdin=huge)
    assert error_line(run) == "--input @- (standard input) is larger than 10 MiB; at most 10 MiB of JSON are read"


def test_a_large_file_is_refused(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b"[" + b"1," * (MAX_JSON_BYTES // 2) + b"1]")
    run = dtable(*EVAL, f"@{path}")
    assert error_line(run) == f"--input file {path} is larger than 10 MiB; at most 10 MiB of JSON are read"


def test_a_huge_value_is_cut_in_the_message_and_gets_no_suggestion(tmp_path):
    path = tmp_path / "case.json"
    value = "sjuksköterska" * 400_000  # 5.2 million characters, under the size bound
    path.write_text(json.dumps({"yrkesroll": value, "kontakt": "telefon", "ersätter_besök": True}), "utf-8")
    run = dtable(*EVAL, f"@{path}", timeout=20)
    message = error_line(run)
    assert message.startswith('input `yrkesroll`: "sjuksköterskasjuksköterska')
    assert f'…" ({len(value):,} characters) is not an allowed value; allowed: "sjuksköterska", ' in message
    assert "did you mean" not in message and len(message) < 400


def test_a_huge_unknown_name_is_cut(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps({"y" * 1_000_000: 1}), "utf-8")
    message = error_line(dtable(*EVAL, f"@{path}", timeout=20))
    assert message.startswith("decision `registrering` has no input `yyyy")
    assert "… (1,000,000 characters)`; its inputs: " in message and len(message) < 400


def test_values_nested_600_deep_are_refused_not_a_recursion_crash():
    nested = "[" * 600 + "]" * 600
    message = error_line(dtable_here(*EVAL, json.dumps({"yrkesroll": "x"})[:-1] + f', "vidare": {nested}}}'))
    assert message == f"--input is nested more than {MAX_JSON_DEPTH} deep; at most {MAX_JSON_DEPTH} levels of arrays and objects are read"  # fmt: skip


def test_deep_python_values_are_an_input_error(tmp_path):
    book = write_xlsx(tmp_path / "rules.xlsx", {"d": decision("d", "U", ["x"], ["o"], [["R1", "-", "x"]])})
    model = engine.load(book)
    deep: list = []
    for _ in range(600):
        deep = [deep]
    with pytest.raises(engine.InputError, match="an input value is nested more than 64 deep"):
        model.decide("d", {"x": deep})


# ------------------------------------------------------------------ 6. encodings


def test_a_non_utf8_file_names_the_byte(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"yrkesroll": "läkare"}'.encode("latin-1"))
    assert error_line(dtable_here(*EVAL, f"@{path}")) == (
        f"--input file {path} is not UTF-8 text (byte 0xe4 at offset 16)"
    )


def test_a_lone_surrogate_is_refused_naming_where():
    message = error_line(dtable_here(*EVAL, '{"yrkesroll": "x\\ud800", "kontakt": "telefon"}'))
    assert message == "--input: the text at yrkesroll holds a lone surrogate (\\ud800-\\udfff), which is not Unicode text"


def test_nan_and_infinity_are_refused_naming_the_input():
    message = error_line(dtable_here(*EVAL, '{"yrkesroll": "läkare", "vidare": NaN}'))
    assert message == "--input: NaN is not a JSON value (JSON has no NaN or infinities); write null for a missing value"


def test_a_utf8_bom_is_fine(tmp_path):
    path = tmp_path / "bom.json"
    case = {"yrkesroll": "läkare", "kontakt": "1177 direkt", "ärendetyp": "receptförnyelse", "vidare": "nej", "ersätter_besök": False}  # fmt: skip
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(case, ensure_ascii=False).encode())
    run = dtable_here(*EVAL, f"@{path}")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["matched"] == ["R18"]


# ------------------------------------------------------------------ the reader itself


@pytest.mark.parametrize(
    "text, problem",
    [
        (b'{"a": 1, "a": 2}', "--input: the name `a` appears twice in one object; give each input once"),
        (b'{"a": Infinity}', "--input: Infinity is not a JSON value (JSON has no NaN or infinities); write null for a missing value"),  # fmt: skip
        (b"[" * 65 + b"]" * 65, "--input is nested more than 64 deep; at most 64 levels of arrays and objects are read"),
        (b'{"a": [1, {"b": "\\udc00"}]}', "--input: the text at a[1].b holds a lone surrogate (\\ud800-\\udfff), which is not Unicode text"),  # fmt: skip
        (b'{"a": 1', "--input is not valid JSON: Expecting ',' delimiter at line 1, column 8"),
    ],
)
def test_refusals(text, problem):
    with pytest.raises(JsonInputError) as caught:
        loads_bounded(text, "--input")
    assert str(caught.value) == problem


def test_what_is_accepted():
    assert loads_bounded(b"[" * 64 + b"]" * 64, "x") is not None
    assert loads_bounded(b'{"t": "\\\\ud800 is text"}', "x") == {"t": "\\ud800 is text"}
    assert loads_bounded(b'{"n": 0.1, "m": 12}', "x") == {"n": Decimal("0.1"), "m": 12}
    assert loads_bounded('{"å": "ö"}', "x") == {"å": "ö"}


def test_a_million_digit_integer_is_read_without_the_4300_digit_crash():
    value = loads_bounded(b'{"n": ' + b"7" * 1_000_000 + b"}", "x")["n"]
    assert isinstance(value, Decimal) and value.adjusted() == 999_999


def test_a_million_digit_integer_on_the_command_line_is_null_with_a_warning(tmp_path):
    path = tmp_path / "case.json"
    case = {"yrkesroll": "läkare", "kontakt": "1177 direkt", "ärendetyp": "receptförnyelse", "ersätter_besök": False}
    path.write_text(json.dumps(case, ensure_ascii=False)[:-1] + ', "vidare": ' + "9" * 1_000_000 + "}", "utf-8")
    run = dtable(*EVAL, f"@{path}", timeout=20)
    assert run.returncode == 1 and run.stderr == ""  # vidare may be null: no rule applies
    result = json.loads(run.stdout)
    assert result["warnings"] == [
        "`vidare` = 1E+1000000 is not a FEEL number "
        "(FEEL numbers are decimal128: 34 digits, magnitude below 1E+6145): it is null"
    ]
    assert "vidare = 1E+1000000" in result["message"]
