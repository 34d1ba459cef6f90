"""Reading an export file into DuckDB's `raw` view: format detection, located errors.

CSV (and .txt), XLSX (copied to a CSV with the sheet's own row numbers), Parquet and JSON
Lines are read as text columns, one row per record, with its row number. A file that cannot
be read, a missing required column or a CSV with broken lines is refused with Vietnamese
messages located by file, row and column.
"""

from __future__ import annotations

import csv
import re
import tempfile
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path

import duckdb

from parindex.engine import Problem

from ..db import text
from ..errors import ServiceDataError
from ..mapping import Mapping, normalise_value
from ..schema import FIELDS_BY_NAME

SUPPORTED_SUFFIXES = (".csv", ".txt", ".xlsx", ".parquet", ".jsonl", ".ndjson")


def _present_only(mapping: Mapping, absent: tuple[str, ...]) -> Mapping:
    """The mapping without the optional columns this file does not have."""
    columns = {field: header for field, header in mapping.columns.items() if header not in absent}
    return replace(mapping, columns=columns)


@dataclass(frozen=True)
class _Source:
    file_name: str
    row_word: str  # "dòng" or "hàng"
    numeric_fields: frozenset[str]  # fields whose source column is already a number
    absent_columns: tuple[str, ...]  # optional columns of the mapping that the file lacks


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _xlsx_to_csv(path: Path, mapping: Mapping, target: Path) -> None:
    """Copy the sheet's rows into a CSV with a `__line` column: the sheet's own row numbers."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # zipfile.BadZipFile, KeyError, InvalidFileException…: not a workbook
        raise ServiceDataError(_not_xlsx(path), str(path)) from None
    try:
        if mapping.sheet:
            if mapping.sheet not in workbook.sheetnames:
                raise ServiceDataError(
                    f"không có trang tính «{mapping.sheet}» (có: {', '.join(workbook.sheetnames)})",
                    str(path),
                )
            sheet = workbook[mapping.sheet]
        else:
            sheet = workbook.worksheets[0]
        where = f"{path}, trang tính «{sheet.title}»"
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            rows = sheet.iter_rows(min_row=mapping.header_row, values_only=True)
            header = next(rows, None)
            if header is None or all(value is None or value == "" for value in header):
                raise ServiceDataError(
                    f"trang tính trống: dòng tiêu đề {mapping.header_row} không có tên cột nào "
                    "(xem «file.header_row» của ánh xạ)",
                    f"{where}, dòng {mapping.header_row}",
                )
            writer.writerow(["__line", *(cell_text(value) for value in header)])
            for offset, values in enumerate(rows, start=1):
                if all(value is None or value == "" for value in values):
                    continue
                writer.writerow([mapping.header_row + offset, *(cell_text(v) for v in values)])
    finally:
        workbook.close()


def _not_xlsx(path: Path) -> str:
    with path.open("rb") as handle:
        start = handle.read(8)
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        return (
            "tệp là bảng tính Excel cũ (.xls) dù mang đuôi .xlsx: mở bằng Excel, "
            "«Lưu thành» Excel Workbook (.xlsx) rồi nhập lại"
        )
    return (
        "tệp không phải bảng tính Excel .xlsx (có thể là CSV, HTML hay tệp hỏng được đổi đuôi): "
        "mở bằng Excel và lưu lại dạng .xlsx, hoặc đổi đuôi cho đúng loại tệp"
    )


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _load_raw(connection: duckdb.DuckDBPyConnection, path: Path, mapping: Mapping) -> _Source:
    """Create `raw(source_row, line, <field> VARCHAR …)` from the file."""
    suffix = path.suffix.lower()
    csv_options = (
        f"header = true, all_varchar = true, delim = {text(mapping.delimiter)}, quote = '\"', "
        f"escape = '\"', encoding = {text(mapping.encoding)}, ignore_errors = true, "
        "store_rejects = true, rejects_table = 'csv_rejects', rejects_scan = 'csv_reject_scans'"
    )
    line_column = ""
    row_word, line_offset = "dòng", 1
    scratch: tempfile.TemporaryDirectory[str] | None = None
    with path.open("rb") as handle:
        start = handle.read(4096)
    if not start.strip(b" \t\r\n\xef\xbb\xbf\x00"):
        raise ServiceDataError("tệp trống: không có dòng tiêu đề và dữ liệu nào", str(path))
    if suffix in (".csv", ".txt"):
        relation = f"read_csv({text(str(path))}, {csv_options})"
    elif suffix == ".xlsx":
        scratch = tempfile.TemporaryDirectory(prefix="parindex-xlsx-")
        converted = Path(scratch.name) / "sheet.csv"
        _xlsx_to_csv(path, mapping, converted)
        relation = f"read_csv({text(str(converted))}, {csv_options})"
        line_column = "__line"
    elif suffix == ".parquet":
        relation = f"read_parquet({text(str(path))})"
        row_word, line_offset = "hàng", 0
    else:
        relation = f"read_json({text(str(path))}, format = 'newline_delimited')"
        line_offset = 0
    try:
        return _create_raw(connection, relation, path, mapping, row_word, line_offset, line_column)
    except (duckdb.InvalidInputException, duckdb.ConversionException, duckdb.IOException) as error:
        raise ServiceDataError(_read_error(path, suffix, mapping, error), str(path)) from None
    finally:
        if scratch is not None:
            scratch.cleanup()


def _read_error(path: Path, suffix: str, mapping: Mapping, error: duckdb.Error) -> str:
    """A Vietnamese message for a file DuckDB cannot read (never the library's own text)."""
    message = str(error).lower()
    if suffix == ".parquet":
        return (
            "tệp không phải Parquet (hoặc bị hỏng, tải về chưa hết): xuất lại tệp, "
            "hoặc đổi đuôi cho đúng loại tệp"
        )
    if suffix in (".jsonl", ".ndjson"):
        line = re.search(r"line (\d+)", message)
        where = f" (dòng {line[1]})" if line else ""
        return (
            f"tệp không phải JSON Lines{where}: mỗi dòng phải là một đối tượng JSON "
            '{"tên cột": "giá trị", …}'
        )
    if "unicode" in message or "encoding" in message:
        return (
            f"tệp không đúng mã ký tự {mapping.encoding} của ánh xạ: lưu lại tệp dạng "
            "CSV UTF-8, hoặc sửa «file.encoding» của ánh xạ"
        )
    return (
        "tệp không đọc được dạng bảng (CSV có dấu phân cách "
        f"«{mapping.delimiter}», dòng đầu là tên cột): kiểm tra loại tệp và «file» của ánh xạ"
    )


def _create_raw(
    connection: duckdb.DuckDBPyConnection,
    relation: str,
    path: Path,
    mapping: Mapping,
    row_word: str,
    line_offset: int,
    line_column: str,
) -> _Source:
    file_name = str(path)
    described = connection.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    available = {normalise_value(str(row[0])): (str(row[0]), str(row[1])) for row in described}
    problems: list[Problem] = []
    selected: list[str] = []
    numeric: set[str] = set()
    absent: list[str] = []
    for field, header in mapping.columns.items():
        found = available.get(normalise_value(header))
        if found is None and not FIELDS_BY_NAME[field].required:
            absent.append(header)
            continue
        if found is None:
            problems.append(
                Problem(
                    f"{file_name}, dòng {mapping.header_row if row_word == 'dòng' else 1}",
                    f"thiếu cột «{header}» (trường «{field}» trong {mapping.location})",
                )
            )
            continue
        actual, column_type = found
        if column_type.startswith(("DECIMAL", "DOUBLE", "FLOAT", "INTEGER", "BIGINT", "HUGEINT")):
            numeric.add(field)
        selected.append(f"CAST({_identifier(actual)} AS VARCHAR) AS t_{field}")
    if problems:
        shown = ", ".join(sorted(name for name, _ in available.values()))
        problems.append(Problem(file_name, f"các cột có trong tệp: {shown}"))
        raise ServiceDataError(problems)
    if line_column:
        selected.append(f"CAST({line_column} AS BIGINT) AS line")
    connection.execute(
        f"CREATE TEMP TABLE raw_rows AS SELECT {', '.join(selected)} FROM {relation}"
    )
    # A table filled by one scan keeps the file's order (DuckDB preserves insertion order), so
    # `rowid` is the record's position: cheaper than a window over the whole file. An XLSX
    # brings its own row numbers (`line`), blank rows having been skipped.
    line = "" if line_column else f"rowid + 1 + {line_offset} AS line, "
    connection.execute(
        f"CREATE TEMP VIEW raw AS SELECT rowid + 1 AS source_row, {line}* FROM raw_rows"
    )
    if relation.startswith("read_csv"):
        broken = connection.execute(
            "SELECT line, CAST(error_type AS VARCHAR), column_name, column_idx FROM csv_rejects "
            "ORDER BY line LIMIT 20"
        ).fetchall()
        if broken:
            total = connection.execute("SELECT count(*) FROM csv_rejects").fetchone()
            headers = [str(row[0]) for row in described]
            problems = [
                Problem(
                    _csv_location(file_name, line_number, column, index, headers, line_column),
                    _csv_problem(kind, mapping, len(headers) - (1 if line_column else 0)),
                )
                for line_number, kind, column, index in broken
            ]
            count = total[0] if total else len(broken)
            problems.append(
                Problem(file_name, f"{count} dòng hỏng: tệp không được nhập, hãy xuất lại")
            )
            raise ServiceDataError(problems)
    return _Source(file_name, row_word, frozenset(numeric), tuple(absent))


def _csv_location(
    file_name: str,
    line: int,
    column: str | None,
    index: int | None,
    headers: list[str],
    line_column: str,
) -> str:
    if line_column:  # an XLSX sheet converted to CSV: its rows are not the CSV's lines
        return file_name
    where = f"{file_name}, dòng {line}"
    name = column or (headers[index - 1] if index and 0 < index <= len(headers) else None)
    return f"{where}, cột «{name}»" if name else where


def _csv_problem(kind: str, mapping: Mapping, columns: int) -> str:
    """Each kind of broken CSV line, in Vietnamese."""
    if kind == "INVALID ENCODING":
        return (
            f"ký tự không đọc được theo mã {mapping.encoding} (tệp lưu bằng mã khác, "
            "ví dụ Windows-1258 hay TCVN3): lưu lại dạng CSV UTF-8 hoặc sửa «file.encoding»"
        )
    if kind == "TOO MANY COLUMNS":
        return (
            f"dòng hỏng cấu trúc CSV: nhiều ô hơn {columns} cột của dòng tiêu đề (thiếu dấu "
            f"ngoặc kép quanh ô có dấu «{mapping.delimiter}»?)"
        )
    if kind == "MISSING COLUMNS":
        return f"dòng hỏng cấu trúc CSV: ít ô hơn {columns} cột của dòng tiêu đề"
    if kind == "UNQUOTED VALUE":
        return "dòng hỏng cấu trúc CSV: dấu ngoặc kép không đóng"
    if kind == "LINE SIZE OVER MAXIMUM":
        return "dòng quá dài (trên 2 MB): tệp có lẽ không phải CSV"
    return "dòng hỏng cấu trúc CSV"
