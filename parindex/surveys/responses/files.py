"""Reading exports into text columns: CSV (`,`, `;` or tab; UTF-8 with or without BOM), XLSX
(first sheet; KoboToolbox puts each repeat group on a sheet of its own) and ODK Central's ZIP
(`<form>.csv` and one `<form>-<repeat>.csv` per repeat group), or plain rows.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from parindex.engine import Problem
from parindex.surveys.errors import ResponseFileError
from parindex.surveys.xlsform.sheets import cell_text

from .columns import RawResponses

_MAX_ZIP_MEMBER = 2 << 30  # refuse a ZIP member that would unpack to more than 2 GiB


def _sniff_delimiter(header_line: str) -> str:
    """Kobo exports CSV with ";" by default, ODK Central with ","."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=lambda delimiter: counts[delimiter])


def _check_headers(origin: str, headers: Sequence[str]) -> None:
    problems = []
    seen: set[str] = set()
    for index, header in enumerate(headers, start=1):
        if not header:
            problems.append(Problem(f"{origin}:1", f"cột thứ {index} không có tên"))
        elif header in seen:
            problems.append(Problem(f"{origin}:1", f"cột «{header}» xuất hiện hai lần"))
        seen.add(header)
    if problems:
        raise ResponseFileError(problems)


def read_response_file(path: str | Path) -> RawResponses:
    """Read an export: `.csv`/`.txt`, `.xlsx` or ODK Central's `.zip`."""
    path = Path(path)
    origin = str(path)
    if not path.exists():
        raise ResponseFileError([Problem(origin, "không tìm thấy tệp")])
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path, origin)
    if suffix == ".zip":
        return _read_zip(path, origin)
    if suffix not in (".csv", ".txt"):
        raise ResponseFileError(
            [Problem(origin, f"định dạng «{path.suffix}» không hỗ trợ: dùng .csv, .xlsx hoặc .zip")]
        )
    return read_csv_bytes(path.read_bytes(), origin)


def read_csv_bytes(content: bytes, origin: str) -> RawResponses:
    """A CSV export held in memory (a file, or a member of a ZIP)."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        text_start = content[:65536].decode("utf-8", errors="strict")
    except UnicodeDecodeError as error:
        if error.start < 65536 - 4:  # not just a character cut at the sample's end
            raise ResponseFileError([Problem(origin, "tệp không phải UTF-8")]) from None
        text_start = content[: error.start].decode("utf-8")
    first_line = text_start.splitlines()[0] if text_start.strip() else ""
    if not first_line.strip():
        raise ResponseFileError([Problem(f"{origin}:1", "tệp trống (không có dòng tiêu đề)")])
    delimiter = _sniff_delimiter(first_line)
    headers = [header.strip() for header in next(csv.reader([first_line], delimiter=delimiter))]
    _check_headers(origin, headers)
    try:
        table = pa_csv.read_csv(
            io.BytesIO(content),
            read_options=pa_csv.ReadOptions(column_names=headers, skip_rows=1),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(headers, pa.string()), strings_can_be_null=True
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        message = str(error)
        if "utf8" in message.lower() or "utf-8" in message.lower():
            message = "tệp không phải UTF-8"
        raise ResponseFileError([Problem(origin, f"không đọc được CSV: {message}")]) from None
    columns = {name: _clean_text(table.column(name)) for name in headers}
    return RawResponses(origin, tuple(headers), columns, np.arange(2, table.num_rows + 2))


def _read_zip(path: Path, origin: str) -> RawResponses:
    """ODK Central's export: the main table `<form>.csv` and `<form>-<repeat>.csv` files."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ResponseFileError([Problem(origin, f"không đọc được tệp ZIP: {error}")]) from None
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and info.filename.lower().endswith(".csv")
            and not PurePosixPath(info.filename).name.startswith(("._", "."))
            and "__MACOSX" not in info.filename
        ]
        if not members:
            raise ResponseFileError([Problem(origin, "tệp ZIP không có tệp CSV nào")])
        stems = {info.filename: PurePosixPath(info.filename).stem for info in members}

        def rank(info: zipfile.ZipInfo) -> tuple[bool, bool, int, int]:
            """The main table: no PARENT_KEY, Central's own columns, the most repeat tables
            named after it (`<form>-<repeat>.csv`), the shortest name."""
            with archive.open(info) as handle:
                header = handle.readline(65536).decode("utf-8", errors="replace")
            children = sum(
                stems[other.filename].startswith(stems[info.filename] + "-") for other in members
            )
            return (
                "PARENT_KEY" not in header,
                "SubmissionDate" in header or "KEY" in header,
                children,
                -len(stems[info.filename]),
            )

        main = max(members, key=rank)
        prefix = stems[main.filename] + "-"
        others = [info for info in members if info is not main]
        strays = [info.filename for info in others if not stems[info.filename].startswith(prefix)]
        if strays:
            raise ResponseFileError(
                [
                    Problem(
                        f"{origin}!{name}",
                        f"không phải bảng của biểu mẫu «{stems[main.filename]}» (tên bảng nhóm"
                        f" lặp phải là «{prefix}<nhóm lặp>.csv»)",
                    )
                    for name in strays
                ]
            )
        main_raw = read_csv_bytes(_member(archive, main, origin), f"{origin}!{main.filename}")
        repeats = {
            stems[info.filename][len(prefix) :]: read_csv_bytes(
                _member(archive, info, origin), f"{origin}!{info.filename}"
            )
            for info in others
        }
    return RawResponses(main_raw.origin, main_raw.headers, main_raw.columns, main_raw.rows, repeats)


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, origin: str) -> bytes:
    if info.file_size > _MAX_ZIP_MEMBER:
        raise ResponseFileError([Problem(f"{origin}!{info.filename}", "tệp quá lớn")])
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, RuntimeError) as error:
        raise ResponseFileError(
            [Problem(f"{origin}!{info.filename}", f"không giải nén được: {error}")]
        ) from None


def _read_xlsx(path: Path, origin: str) -> RawResponses:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise ResponseFileError([Problem(origin, f"không đọc được tệp Excel: {error}")]) from None
    try:
        sheets = list(workbook.worksheets)
        if not sheets:
            raise ResponseFileError([Problem(f"{origin}:1", "trang tính trống")])
        main = _read_sheet(sheets[0], origin)
        if main is None:
            raise ResponseFileError([Problem(f"{origin}:1", "trang tính trống")])
        repeats = {}
        for sheet in sheets[1:]:
            table = _read_sheet(sheet, f"{origin}!{sheet.title}")
            if table is not None:
                repeats[str(sheet.title)] = table
    finally:
        workbook.close()
    return RawResponses(main.origin, main.headers, main.columns, main.rows, repeats)


def _read_sheet(sheet: Any, origin: str) -> RawResponses | None:
    iterator = sheet.iter_rows(values_only=True)
    header_cells = next(iterator, None)
    if header_cells is None:
        return None
    headers = [cell_text(value) for value in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        return None
    _check_headers(origin, headers)
    values: list[list[str | None]] = [[] for _ in headers]
    rows: list[int] = []
    for number, cells in enumerate(iterator, start=2):
        texts = [cell_text(value) for value in cells[: len(headers)]]
        if not any(texts):
            continue
        texts += [""] * (len(headers) - len(texts))
        rows.append(number)
        for index, text in enumerate(texts):
            values[index].append(text or None)
    columns = {
        name: pa.array(values[index], type=pa.string()) for index, name in enumerate(headers)
    }
    return RawResponses(origin, tuple(headers), columns, np.array(rows, dtype=np.int64))


def rows_to_raw(rows: Iterable[Mapping[str, Any]], origin: str = "cơ sở dữ liệu") -> RawResponses:
    """Plain rows (e.g. from a database or a web form) as `RawResponses`; row numbers from 1."""
    materialised = list(rows)
    headers: list[str] = []
    for row in materialised:
        for key in row:
            if key not in headers:
                headers.append(key)
    columns = {
        name: pa.array(
            [(cell_text(row.get(name)) or None) for row in materialised], type=pa.string()
        )
        for name in headers
    }
    return RawResponses(origin, tuple(headers), columns, np.arange(1, len(materialised) + 1))


def _clean_text(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Trim spaces; an empty cell is a missing answer."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    trimmed = pc.utf8_trim_whitespace(array)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)
