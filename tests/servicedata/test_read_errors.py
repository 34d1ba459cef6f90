"""Every refused file gets a Vietnamese message with its place, never a library's own words."""

from __future__ import annotations

import pytest

from parindex.servicedata import ServiceDataError

LIBRARY_WORDS = ("zip", "Error", "magic", "Invalid", "Binder", "Traceback", "duckdb", "openpyxl")


def refused(import_file, path, mapping: str = "generic") -> list[str]:
    with pytest.raises(ServiceDataError) as raised:
        import_file(path, mapping)
    messages = [str(problem) for problem in raised.value.problems]
    for message in messages:
        assert not any(word in message for word in LIBRARY_WORDS), message
    return messages


def test_a_csv_named_xlsx(tmp_path, import_file) -> None:
    path = tmp_path / "export.xlsx"
    path.write_text("dossier_code,unit_code\nA1,U1\n", encoding="utf-8")
    [message] = refused(import_file, path)
    assert message.startswith(f"{path}: tệp không phải bảng tính Excel .xlsx")


def test_an_old_xls_named_xlsx(tmp_path, import_file) -> None:
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    [message] = refused(import_file, path)
    assert "bảng tính Excel cũ (.xls)" in message


def test_a_csv_in_another_encoding_names_the_row_and_column(tmp_path, import_file) -> None:
    path = tmp_path / "export.csv"
    text = (
        "dossier_code,procedure_code,unit_code,received_at\n"
        "A1,P1,U1,2025-03-03 09:00\n"
        "A2,P1,Sở Một,2025-03-03 09:00\n"
    )
    path.write_bytes(
        text.encode("utf-8").replace("Sở Một".encode(), "S\xf5 M\xf4t".encode("latin-1"))
    )
    messages = refused(import_file, path)
    assert messages[0].startswith(
        f"{path}, dòng 3, cột «unit_code»: ký tự không đọc được theo mã utf-8"
    )
    assert "tệp không được nhập" in messages[-1]


def test_a_parquet_that_is_not_parquet(tmp_path, import_file) -> None:
    path = tmp_path / "export.parquet"
    path.write_text("dossier_code\nA1\n", encoding="utf-8")
    [message] = refused(import_file, path)
    assert message.startswith(f"{path}: tệp không phải Parquet")


@pytest.mark.parametrize("name", ["empty.csv", "empty.xlsx", "empty.parquet", "empty.jsonl"])
def test_an_empty_file(tmp_path, import_file, name) -> None:
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf\n")
    [message] = refused(import_file, path)
    assert message == f"{path}: tệp trống: không có dòng tiêu đề và dữ liệu nào"


def test_broken_json_lines(tmp_path, import_file) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text('{"dossier_code": "A1"}\nnot json\n', encoding="utf-8")
    [message] = refused(import_file, path)
    assert "tệp không phải JSON Lines" in message


def test_a_missing_mapped_column_names_the_column_the_field_and_the_mapping(
    tmp_path, import_file
) -> None:
    path = tmp_path / "export.csv"
    path.write_text("dossier_code,unit_code,received_at\nA1,U1,2025-03-03\n", encoding="utf-8")
    messages = refused(import_file, path)
    assert messages[0] == (
        f"{path}, dòng 1: thiếu cột «procedure_code» (trường «procedure_code» trong "
        f"{messages[0].split(' trong ', 1)[1]}"
    )
    assert "generic.yaml" in messages[0]


def test_an_empty_sheet_says_which_sheet(tmp_path, import_file) -> None:
    from openpyxl import Workbook

    path = tmp_path / "export.xlsx"
    workbook = Workbook()
    workbook.active.title = "Hồ sơ"
    workbook.save(path)
    [message] = refused(import_file, path)
    assert message.startswith(f"{path}, trang tính «Hồ sơ», dòng 1: trang tính trống")
