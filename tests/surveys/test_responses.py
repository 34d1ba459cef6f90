"""Importing responses: column mapping, row-level errors, reconciliation, anonymity."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from parindex.surveys.errors import ResponseFileError
from parindex.surveys.responses import (
    GROUP,
    SOURCE,
    UNIT,
    anonymise,
    parse_responses,
    read_response_file,
    rows_to_raw,
    source_hash,
)

from .helpers import SALT, row, small_form


def _write_csv(path: Path, rows: list[dict[str, object]], delimiter: str = ",") -> Path:
    headers: list[str] = []
    for values in rows:
        headers += [key for key in values if key not in headers]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=headers, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_kobo_export_with_group_prefixes_and_semicolons_is_imported(tmp_path: Path) -> None:
    rows = [row("U1", answers="43215"), row("U2", "dn", answers="44444", _id="7")]
    raw = read_response_file(_write_csv(tmp_path / "kobo.csv", rows, delimiter=";"))
    result = parse_responses(small_form(), raw, salt=SALT)
    assert result.read == 2
    assert result.imported == 2
    assert result.table.column(UNIT).to_pylist() == ["U1", "U2"]
    assert result.table.column(GROUP).to_pylist() == ["dan", "dn"]
    assert result.table.column("q1").to_pylist() == ["4", "4"]
    assert result.ignored_columns == ["_id"]
    assert "_id" not in result.table.column_names


def test_bad_rows_are_rejected_with_their_file_row_and_column(tmp_path: Path) -> None:
    rows = [
        row("U1"),
        row("U9"),  # row 3: unknown unit
        row("U1", answers="47"),  # row 4: 7 is not a choice
        row("U2", group=""),  # row 5: group missing
        row("U3", age="mười"),  # row 6: not an integer
        row("U3", start="hôm qua"),  # row 7: not a time
    ]
    path = _write_csv(tmp_path / "r.csv", rows)
    result = parse_responses(small_form(), read_response_file(path), salt=SALT)
    messages = [str(rejected) for rejected in result.rejected]
    assert messages == [
        f"{path}:3: cột «info/unit»: «U9» không phải là phương án của danh sách «units»",
        f"{path}:4: cột «q2»: «7» không phải là phương án của danh sách «likert»",
        f"{path}:5: cột «info/group»: thiếu câu trả lời bắt buộc",
        f"{path}:6: cột «age»: «mười» không phải là số nguyên",
        f"{path}:7: cột «start»: «hôm qua» không phải là ngày giờ;"
        " cột «end»: «hôm qua» không phải là ngày giờ",
    ]
    assert result.imported == 1
    assert result.reconciles


def test_a_file_without_a_column_the_scores_need_is_refused_whole(tmp_path: Path) -> None:
    rows = [{key: value for key, value in row().items() if key != "q4"}]
    path = _write_csv(tmp_path / "r.csv", rows)
    with pytest.raises(ResponseFileError) as caught:
        parse_responses(small_form(), read_response_file(path), salt=SALT)
    assert [str(p) for p in caught.value.problems] == [f"{path}:1: thiếu cột «q4» của biểu mẫu"]


def test_submissions_already_stored_are_counted_not_imported_again() -> None:
    rows = [row("U1", uuid="a"), row("U2", uuid="uuid:b")]
    result = parse_responses(small_form(), rows_to_raw(rows), salt=SALT, known_uuids=["b"])
    assert (result.read, result.imported, result.already_present) == (2, 1, 0 + 1)
    assert result.reconciles


def test_device_ids_are_stored_only_as_a_keyed_hash() -> None:
    result = parse_responses(
        small_form(), rows_to_raw([row(device="IMEI-123", uuid="u1")]), salt=SALT
    )
    stored = result.table.column(SOURCE).to_pylist()
    assert stored == [source_hash(SALT, "IMEI-123")]
    assert "IMEI-123" not in str(result.table.to_pylist())
    assert source_hash(b"other", "IMEI-123") != stored[0]


def test_the_anonymised_export_drops_ids_devices_times_and_personal_fields() -> None:
    form = small_form()
    result = parse_responses(form, rows_to_raw([row(phone="0912345678", minutes=7)]), salt=SALT)
    exported = anonymise(form, result.table)
    assert "phone" not in exported.column_names
    for column in ("_uuid", "_source", "_started_at", "_ended_at", "_submitted_at"):
        assert column not in exported.column_names
    record = exported.to_pylist()[0]
    assert record["duration_minutes"] == 7
    assert record["unit"] == "U1"
    assert record["q1"] == "4"


def test_xlsx_exports_are_read_like_csv(tmp_path: Path) -> None:
    import openpyxl

    values = row("U2", answers="12345")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(values))
    sheet.append(list(values.values()))
    workbook.save(tmp_path / "r.xlsx")
    result = parse_responses(small_form(), read_response_file(tmp_path / "r.xlsx"), salt=SALT)
    assert result.imported == 1
    assert result.table.column("q5").to_pylist() == ["5"]
