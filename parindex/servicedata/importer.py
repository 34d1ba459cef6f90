"""Import one-stop-shop dossier exports (CSV, XLSX, Parquet, JSON Lines) into the store.

The work is SQL in DuckDB, not a Python loop over rows:

1. the file is read as text columns, one row per record, with its row number;
2. one `SELECT` maps the vendor's columns and codes to the canonical record (`schema.py`),
   parses dates in the mapping's formats, looks units and procedures up in the reference lists,
   computes missing deadlines with the working-day calendar (a join, see `calendar.py`) and
   lists every problem of the row;
3. rows with problems are rejected, with file, row and reasons; the others are written as one
   immutable Parquet part; `read = imported + rejected` always holds and is printed.

The same file read with the same mapping, reference lists and calendar is not imported twice
(nothing changes). Read again after one of those changed (a unit added to units.csv, say), it
is imported again and its records replace the earlier ones.

Duplicate dossier codes: the later record wins. Inside a file the later row wins; across files
the later import wins. The replaced records are counted and listed in the new batch's
`superseded.parquet`, so earlier parts never change ("append without recomputing history").
A rejected row never replaces anything.

Row numbers ("dòng N") count the header as row 1, as a spreadsheet does; for XLSX they are the
sheet's row numbers, for JSON Lines the line number, for Parquet the record number ("hàng").
Blank lines in a CSV are skipped and not counted. A CSV whose structure is broken (a row with
too many or too few fields) is refused as a whole, listing those rows: its columns cannot be
trusted.
"""

from __future__ import annotations

import csv
import dataclasses
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path

import duckdb

from parindex.engine import Problem

from .calendar import WorkingCalendar
from .db import clock, connect, text, values_relation
from .errors import ServiceDataError
from .mapping import Mapping, human_format, normalise_value
from .reference import Reference
from .schema import (
    FIELDS_BY_NAME,
    PAUSED_STATUSES,
    RESULT_STATUSES,
    STATUSES,
    STORE_COLUMNS,
    TERMINAL_STATUSES,
    UNDATED_END_STATUSES,
)
from .store import Batch, Store, file_sha256, input_key, now_text

StageCallback = Callable[[str], None]
SUPPORTED_SUFFIXES = (".csv", ".txt", ".xlsx", ".parquet", ".jsonl", ".ndjson")


@dataclass(frozen=True, slots=True)
class RejectedRow:
    location: str
    dossier_code: str
    reasons: str

    def __str__(self) -> str:
        code = f" (hồ sơ {self.dossier_code})" if self.dossier_code else ""
        return f"{self.location}{code}: {self.reasons}"


@dataclass(frozen=True, slots=True)
class UnknownCode:
    """A unit or procedure of the export that is not in the reference lists: its rows are
    rejected until it is added (`discovery.reference_add`)."""

    kind: str  # "unit" or "procedure"
    code: str  # as the export writes it (a unit's name when the mapping matches units by name)
    name: str  # the name the export gives beside the code, if any
    rows: int

    def __str__(self) -> str:
        name = f" — {self.name}" if self.name and self.name != self.code else ""
        return f"{self.code}{name}: {self.rows} dòng"


@dataclass(frozen=True)
class ImportResult:
    """What an import did. `read == imported + rejected` always."""

    file: str
    sha256: str
    batch: Batch | None
    already_imported: bool
    read: int
    imported: int
    rejected: int
    superseded_in_file: int
    superseded_earlier: int
    computed_deadlines: int
    first_rejected: tuple[RejectedRow, ...] = ()
    report_path: Path | None = None
    absent_columns: tuple[str, ...] = ()
    unknown_units: tuple[UnknownCode, ...] = ()
    unknown_procedures: tuple[UnknownCode, ...] = ()
    statuses: dict[str, int] = dataclasses.field(default_factory=dict)  # imported rows per status

    @property
    def reconciles(self) -> bool:
        return self.read == self.imported + self.rejected


def import_dossiers(
    path: Path,
    mapping: Mapping,
    *,
    store: Store,
    reference: Reference,
    calendar: WorkingCalendar,
    report_path: Path | None = None,
    on_stage: StageCallback | None = None,
    shown_rejections: int = 10,
) -> ImportResult:
    """Import `path` into `store`; raises `ServiceDataError` (nothing written) for a bad file."""
    stage = on_stage or (lambda _: None)
    path = Path(path)
    if not path.is_file():
        raise ServiceDataError("không có tệp này", str(path))
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ServiceDataError(
            f"không đọc được loại tệp «{path.suffix}» (có: {', '.join(SUPPORTED_SUFFIXES)})",
            str(path),
        )
    sha256 = file_sha256(path)
    key = input_key(
        sha256,
        [
            mapping.location,
            reference.units_file,
            reference.procedures_file,
            calendar.config.location,
        ],
    )
    previous = store.find("dossiers", key)
    if previous is not None:
        return already_imported(path, previous)

    with store.writing() as writer:
        previous = store.find("dossiers", key)  # another import may have finished meanwhile
        if previous is not None:
            return already_imported(path, previous)
        batch_id = writer.batch_id(sha256)
        connection = connect()
        try:
            stage("Đọc tệp")
            source = _load_raw(connection, path, mapping)
            mapping = _present_only(mapping, source.absent_columns)
            stage("Kiểm tra từng dòng")
            _register_reference(connection, reference, mapping)
            _create_parsed(connection, mapping, source.numeric_fields)
            first_day, last_day = _calendar_span(connection, reference)
            calendar.register(connection, first_day, last_day)
            _create_checked(connection, mapping, calendar, source, batch_id)
            stage("Đối chiếu hồ sơ trùng")
            _create_superseded(connection, store, batch_id)
            stage("Ghi dữ liệu")
            counts = _counts(connection)
            _write_batch_files(connection, writer.staging, source)
            first_rejected = _first_rejected(connection, source, shown_rejections)
            unknown_units, unknown_procedures = unknown_codes(connection)
            statuses = _statuses(connection)
        except (
            duckdb.InvalidInputException,
            duckdb.ConversionException,
            duckdb.IOException,
        ) as error:
            # what the file holds, not a fault of the statements (those are raised as they are)
            raise ServiceDataError(
                _read_error(path, path.suffix.lower(), mapping, error), str(path)
            ) from None
        finally:
            connection.close()
        if report_path is not None:
            report_path.parent.mkdir(parents=True, exist_ok=True)
            report_path.write_bytes((writer.staging / "rejected.csv").read_bytes())
        batch = writer.commit(
            Batch(
                id=batch_id,
                kind="dossiers",
                sequence=writer.sequence,
                file_name=path.name,
                file_sha256=sha256,
                imported_at=now_text(),
                counts=counts,
                mapping=mapping.name,
                input_key=key,
                extra={
                    "units": reference.units_file,
                    "procedures": reference.procedures_file,
                    "statuses": statuses,
                    "unknown_units": [[u.code, u.name, u.rows] for u in unknown_units],
                    "unknown_procedures": [[u.code, u.name, u.rows] for u in unknown_procedures],
                },
            )
        )
    return ImportResult(
        file=str(path),
        sha256=sha256,
        batch=batch,
        already_imported=False,
        read=counts["read"],
        imported=counts["imported"],
        rejected=counts["rejected"],
        superseded_in_file=counts["superseded_in_file"],
        superseded_earlier=counts["superseded_earlier"],
        computed_deadlines=counts["computed_deadlines"],
        first_rejected=first_rejected,
        report_path=report_path,
        absent_columns=source.absent_columns,
        unknown_units=unknown_units,
        unknown_procedures=unknown_procedures,
        statuses=statuses,
    )


def _present_only(mapping: Mapping, absent: tuple[str, ...]) -> Mapping:
    """The mapping without the optional columns this file does not have."""
    columns = {field: header for field, header in mapping.columns.items() if header not in absent}
    return replace(mapping, columns=columns)


def already_imported(path: Path, batch: Batch) -> ImportResult:
    counts = batch.counts

    def unknown(kind: str) -> tuple[UnknownCode, ...]:
        entries = batch.extra.get(f"unknown_{kind}s") or []
        return tuple(UnknownCode(kind, str(c), str(n or ""), int(r)) for c, n, r in entries)

    return ImportResult(
        unknown_units=unknown("unit"),
        unknown_procedures=unknown("procedure"),
        statuses=dict(batch.extra.get("statuses") or {}),
        file=str(path),
        sha256=batch.file_sha256,
        batch=batch,
        already_imported=True,
        read=counts.get("read", 0),
        imported=counts.get("imported", 0),
        rejected=counts.get("rejected", 0),
        superseded_in_file=counts.get("superseded_in_file", 0),
        superseded_earlier=counts.get("superseded_earlier", 0),
        computed_deadlines=counts.get("computed_deadlines", 0),
    )


# Reading the file -----------------------------------------------------------------------------


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


# Reference lists ------------------------------------------------------------------------------


def _register_reference(
    connection: duckdb.DuckDBPyConnection, reference: Reference, mapping: Mapping
) -> None:
    if mapping.unit_match == "name":
        seen: dict[str, str] = {}
        for unit in reference.units.values():
            key = normalise_value(unit.name)
            if key in seen:
                raise ServiceDataError(
                    f"hai đơn vị cùng tên «{unit.name}» ({seen[key]}, {unit.code}): "
                    "không đối chiếu theo tên được",
                    reference.units_file,
                )
            seen[key] = unit.code
    units = [
        (
            unit.code,
            normalise_value(unit.name if mapping.unit_match == "name" else unit.code),
        )
        for unit in reference.units.values()
    ] or [("", "")]
    connection.execute(
        f"CREATE TEMP TABLE ref_units AS {values_relation(units, 'code, match_key')}"
    )
    procedures = [
        (p.code, p.name, p.online_level, p.has_fee, p.no_wait, p.processing_days)
        for p in reference.procedures.values()
    ] or [("", "", "none", False, False, None)]
    connection.execute(
        "CREATE TEMP TABLE ref_procedures AS "
        + values_relation(procedures, "code, name, online_level, has_fee, no_wait, processing_days")
    )


def _calendar_span(
    connection: duckdb.DuckDBPyConnection, reference: Reference
) -> tuple[date, date]:
    """Days the calendar table must cover: every receiving day plus the longest processing time."""
    row = connection.execute(
        "SELECT min(received_at), max(received_at), max(processing_days) FROM parsed"
    ).fetchone()
    today = date.today()
    first = row[0].date() if row and row[0] else today
    last = row[1].date() if row and row[1] else today
    longest = max(
        [row[2] or 0 if row else 0]
        + [p.processing_days or 0 for p in reference.procedures.values()]
    )
    # About 250 working days a year; a year of margin covers Tết and long holiday runs.
    years_after = 1 + longest // 240
    return date(first.year, 1, 1), date(last.year + years_after, 12, 31)


# Mapping and checking -------------------------------------------------------------------------


def _column(mapping: Mapping, field: str) -> str:
    return f"cột «{mapping.columns.get(field, field)}»"


def _key(expression: str) -> str:
    """The comparable form of a code value (`mapping.fold_value`: no case, no diacritics); a
    blank cell matches no spelling and stays NULL."""
    return f"replace(strip_accents(lower(nfc_normalize(trim({expression})))), 'đ', 'd')"


def _name_key(expression: str) -> str:
    """The comparable form of a unit code or name (`mapping.normalise_value`)."""
    return f"lower(nfc_normalize(trim({expression})))"


def _vocabulary_case(key: str, table: dict[str, str]) -> str:
    cases = " ".join(
        f"WHEN {text(spelling)} THEN {text(value)}" for spelling, value in table.items()
    )
    return f"CASE {key} {cases} END"


def _ranked_formats(
    connection: duckdb.DuckDBPyConnection, field: str, mapping: Mapping
) -> tuple[str, ...]:
    """The mapping's date formats, those that fit a sample of this column first.

    A failed `try_strptime` costs about ten times a successful one, so each row should meet
    the format it is written in first; formats that fit no sampled value stay at the end for
    the odd row.
    """
    formats = mapping.parse_formats
    counts = ", ".join(f"count(try_strptime(value, {text(fmt)}))" for fmt in formats)
    row = connection.execute(
        f"SELECT {counts} FROM (SELECT trim(t_{field}) AS value FROM raw "
        f"WHERE NULLIF(trim(t_{field}), '') IS NOT NULL LIMIT 2000)"
    ).fetchone()
    hits = list(row) if row else [0] * len(formats)
    order = sorted(range(len(formats)), key=lambda index: (-hits[index], index))
    return tuple(formats[index] for index in order)


def _create_parsed(
    connection: duckdb.DuckDBPyConnection, mapping: Mapping, numeric_fields: frozenset[str]
) -> None:
    """Typed canonical values (NULL when absent or unreadable) beside the raw text."""
    columns: list[str] = ["source_row", "line"]
    shift = mapping.shift_minutes
    for field, spec in FIELDS_BY_NAME.items():
        mapped = field in mapping.columns
        raw = f"NULLIF(trim(t_{field}), '')" if mapped else "CAST(NULL AS VARCHAR)"
        columns.append(f"{raw} AS raw_{field}")
        if spec.kind == "text":
            columns.append(f"{raw} AS {field}")
        elif spec.kind == "timestamp":
            formats = _ranked_formats(connection, field, mapping) if mapped else ()
            attempts = [f"try_strptime({raw}, {text(fmt)})" for fmt in formats]
            parsed = f"COALESCE({', '.join(attempts)})" if attempts else "CAST(NULL AS TIMESTAMP)"
            if shift:
                parsed = f"({parsed} + INTERVAL ({shift}) MINUTE)"
            columns.append(f"{parsed} AS {field}")
        elif spec.kind == "integer":
            columns.append(f"TRY_CAST({raw} AS INTEGER) AS {field}")
        elif spec.kind == "decimal":
            number = raw
            if mapping.number_format == "vi" and field not in numeric_fields:
                number = f"replace(replace({raw}, '.', ''), ',', '.')"
            columns.append(f"TRY_CAST(replace({number}, ' ', '') AS DECIMAL(18,2)) AS {field}")
        elif spec.kind == "boolean":
            # `CASE key WHEN …` evaluates the key once: several times faster than two IN lists.
            words = dict.fromkeys(mapping.true_values, "TRUE")
            words.update(dict.fromkeys(mapping.false_values, "FALSE"))
            cases = " ".join(f"WHEN {text(word)} THEN {value}" for word, value in words.items())
            # A blank cell of a column the export has is "no"; a column it lacks stays NULL
            # ("no data"). The identity flag is the exception: blank means unknown.
            blank = "FALSE" if mapped and field != "eid_level2" else "NULL"
            columns.append(
                f"CASE WHEN {raw} IS NULL THEN {blank} ELSE CASE {_key(raw)} {cases} END END AS {field}"
            )
        else:
            key = _key(raw)
            parsed = _vocabulary_case(key, mapping.vocabularies[spec.kind])
            if field == "channel" and mapped:  # blank is filed at the desk, as the portal counts
                parsed = f"CASE WHEN {raw} IS NULL THEN 'in_person' ELSE {parsed} END"
            columns.append(f"{parsed} AS {field}")
    columns.append(f"{_name_key('t_unit_code')} AS unit_key")
    # A view: the parsing runs once, inside the `checked` table, instead of holding a third copy.
    connection.execute(f"CREATE TEMP VIEW parsed AS SELECT {', '.join(columns)} FROM raw")


def _problem(condition: str, message: str) -> str:
    return f"CASE WHEN {condition} THEN {message} END"


def _shown(expression: str) -> str:
    return f"strftime({expression}, '%d/%m/%Y %H:%M')"


# Canonical fields whose typed value is renamed `<field>_given` inside the checks: the checked
# table's own column of that name is the final value (with defaults from the reference lists).
_GIVEN = ("status", "online_level", "processing_days", "paused_days", "has_fee")


def _create_checked(
    connection: duckdb.DuckDBPyConnection,
    mapping: Mapping,
    calendar: WorkingCalendar,
    source: _Source,
    batch_id: str,
) -> None:
    terminal = _sql_list(TERMINAL_STATUSES)
    results = _sql_list(RESULT_STATUSES)
    undated = _sql_list(UNDATED_END_STATUSES)
    paused_statuses = _sql_list(PAUSED_STATUSES)
    status_labels = _vocabulary_case("d.status", STATUSES)
    # A blank (or unmapped) status is read from the dates; an unknown code is a problem below.
    derived_status = (
        "CASE WHEN p.returned_at IS NOT NULL THEN 'returned' "
        "WHEN p.finished_at IS NOT NULL THEN 'finished' ELSE 'processing' END"
    )
    status_expression = f"CASE WHEN p.raw_status IS NULL THEN {derived_status} ELSE p.status END"
    unit_list = "danh sách đơn vị"
    problems: list[str] = [
        _problem(
            "d.raw_dossier_code IS NULL",
            text(f"thiếu mã hồ sơ ({_column(mapping, 'dossier_code')} trống)"),
        ),
        _problem(
            "d.raw_unit_code IS NULL",
            text(f"thiếu đơn vị tiếp nhận ({_column(mapping, 'unit_code')} trống)"),
        ),
        _problem(
            "d.raw_unit_code IS NOT NULL AND d.unit_code IS NULL",
            f"{text(_column(mapping, 'unit_code') + ': đơn vị «')} || d.raw_unit_code || "
            f"{text('» không có trong ' + unit_list)}",
        ),
        _problem(
            "d.raw_procedure_code IS NULL",
            text(f"thiếu mã thủ tục ({_column(mapping, 'procedure_code')} trống)"),
        ),
        _problem(
            "d.raw_procedure_code IS NOT NULL AND d.procedure_known IS NULL",
            f"{text(_column(mapping, 'procedure_code') + ': thủ tục «')} || d.raw_procedure_code || "
            "'» không có trong danh mục thủ tục'",
        ),
        _problem(
            "d.raw_received_at IS NULL",
            text(f"thiếu thời điểm tiếp nhận ({_column(mapping, 'received_at')} trống)"),
        ),
    ]
    timestamps = ("received_at", "deadline_at", "finished_at", "returned_at")
    for field in (*timestamps, "paused_from", "paused_until"):
        if field in mapping.columns:
            problems.append(
                _problem(
                    f"d.raw_{field} IS NOT NULL AND d.{field}_parsed IS NULL",
                    f"{text(_column(mapping, field) + ': «')} || d.raw_{field} || "
                    f"{text('» không phải ngày giờ dạng ' + ' hoặc '.join(map(human_format, mapping.date_formats)))}",
                )
            )
    for field, spec in FIELDS_BY_NAME.items():
        if field not in mapping.columns or spec.kind in ("text", "timestamp"):
            continue
        value = f"d.{field}_given" if field in _GIVEN else f"d.{field}"
        if spec.kind == "integer":
            what = "số nguyên ngày làm việc ≥ 0"
            bad = f"d.raw_{field} IS NOT NULL AND ({value} IS NULL OR {value} < 0)"
        elif spec.kind == "decimal":
            what = "số tiền không âm"
            bad = f"d.raw_{field} IS NOT NULL AND ({value} IS NULL OR {value} < 0)"
        elif spec.kind == "boolean":
            what = "có/không (có, không, x, yes, no, 1, 0, true, false hoặc bảng mã của ánh xạ)"
            bad = f"d.raw_{field} IS NOT NULL AND {value} IS NULL"
        else:
            what = "giá trị có trong bảng mã «values." + spec.kind + "» của ánh xạ"
            bad = f"d.raw_{field} IS NOT NULL AND {value} IS NULL"
        problems.append(
            _problem(
                bad,
                f"{text(_column(mapping, field) + ': «')} || d.raw_{field} || {text('» không phải ' + what)}",
            )
        )
    # A deadline is needed to judge a dossier on time; a withdrawal never is (it leaves the
    # on-time figures), an undated refusal cannot be, and a stopped clock has none yet.
    needs_deadline = (
        f"d.status <> 'withdrawn' AND NOT (d.status IN {undated} AND d.finished_at IS NULL) "
        "AND NOT d.clock_stopped"
    )
    problems += [
        _problem(
            "d.deadline_at IS NULL AND d.raw_deadline_at IS NULL AND d.procedure_known IS NOT NULL"
            f" AND d.received_at IS NOT NULL AND {needs_deadline}",
            "'thiếu hạn xử lý: ' || "
            + text(_column(mapping, "deadline_at") + " trống")
            + " || ' và thủ tục «' || d.procedure_code || '» không có thời hạn giải quyết'",
        ),
        _problem(
            "d.finished_at < d.received_at",
            f"'thời điểm có kết quả ' || {_shown('d.finished_at')} || ' trước thời điểm tiếp nhận ' || "
            f"{_shown('d.received_at')}",
        ),
        _problem(
            "d.returned_at < d.finished_at",
            f"'thời điểm trả kết quả ' || {_shown('d.returned_at')} || ' trước thời điểm có kết quả ' || "
            f"{_shown('d.finished_at')}",
        ),
        _problem(
            "d.deadline_unpaused < d.received_at",
            f"'hạn xử lý ' || {_shown('d.deadline_unpaused')} || ' trước thời điểm tiếp nhận ' || "
            f"{_shown('d.received_at')}",
        ),
        _problem(
            "d.paused_until_parsed < d.paused_from_parsed",
            f"'kết thúc tạm dừng ' || {_shown('d.paused_until_parsed')} || ' trước khi bắt đầu ' || "
            f"{_shown('d.paused_from_parsed')}",
        ),
        # "Đang xử lý" with an end time contradicts itself; a dossier waiting for a supplement
        # or suspended may carry the day it was handed back in the result columns: it stays open.
        _problem(
            "d.status = 'processing' AND d.finished_at_parsed IS NOT NULL",
            f"'trạng thái «' || {status_labels} || '» nhưng đã có thời điểm có kết quả'",
        ),
        _problem(
            f"d.status IN {results} AND d.finished_at IS NULL",
            f"'trạng thái «' || {status_labels} || '» nhưng thiếu thời điểm có kết quả/trả kết quả'",
        ),
    ]
    cutoff = clock(calendar.cutoff)
    deadline_time = clock(calendar.deadline_time)
    has_pause = bool({"paused_from", "paused_days"} & set(mapping.columns))
    if has_pause:
        # Working days the clock stopped: the export's own count, else from the pause's start
        # to its end (or to the end of processing); the first day is not counted, as for
        # processing times. A pause still open stops the clock: no deadline yet.
        pause_join = (
            "LEFT JOIN working_calendar AS pf ON pf.day = CAST(d.paused_from_parsed AS DATE) "
            "LEFT JOIN working_calendar AS pu "
            "ON pu.day = CAST(COALESCE(d.paused_until_parsed, d.finished_at) AS DATE)"
        )
        pause_days = (
            "COALESCE(d.paused_days_given, "
            "CASE WHEN pu.ord_on_or_after >= pf.ord_on_or_after "
            "THEN CAST(pu.ord_on_or_after - pf.ord_on_or_after AS INTEGER) END)"
        )
        stopped = (
            "d.paused_days_given IS NULL AND d.paused_from_parsed IS NOT NULL "
            f"AND d.paused_until_parsed IS NULL AND d.finished_at IS NULL AND d.status IN {paused_statuses}"
        )
    else:
        pause_join, pause_days, stopped = "", "CAST(NULL AS INTEGER)", "FALSE"
    has_feedback = "TRUE" if {"satisfaction", "complaint"} & set(mapping.columns) else "FALSE"
    connection.execute(
        f"""
        CREATE TEMP TABLE checked AS
        WITH joined AS (
            SELECT p.* EXCLUDE ({", ".join(_GIVEN)}),
                   p.deadline_at AS deadline_at_parsed,
                   p.finished_at AS finished_at_parsed,
                   p.returned_at AS returned_at_parsed,
                   p.received_at AS received_at_parsed,
                   p.paused_from AS paused_from_parsed,
                   p.paused_until AS paused_until_parsed,
                   {", ".join(f"p.{name} AS {name}_given" for name in _GIVEN)},
                   u.code AS unit_ref,
                   r.code AS procedure_known,
                   r.name AS ref_name,
                   r.online_level AS ref_online_level,
                   r.has_fee AS ref_has_fee,
                   r.no_wait AS ref_no_wait,
                   r.processing_days AS ref_processing_days,
                   {status_expression} AS status_final
            FROM parsed AS p
            LEFT JOIN ref_units AS u ON u.match_key = p.unit_key
            LEFT JOIN ref_procedures AS r ON r.code = p.raw_procedure_code
        ),
        timed AS (
            SELECT j.*,
                   CASE WHEN c.is_working AND CAST(j.received_at AS TIME) < {cutoff}
                        THEN c.ord_on_or_after ELSE c.ord_after END AS effective_ordinal,
                   COALESCE(j.processing_days_given, j.ref_processing_days) AS days_final
            FROM joined AS j
            LEFT JOIN working_calendar AS c ON c.day = CAST(j.received_at AS DATE)
        ),
        d0 AS (
            SELECT t.* EXCLUDE (unit_code, procedure_code, procedure_name, deadline_at,
                                finished_at, paused_from, paused_until),
                   t.unit_ref AS unit_code,
                   t.raw_procedure_code AS procedure_code,
                   COALESCE(t.raw_procedure_name, t.ref_name) AS procedure_name,
                   COALESCE(t.online_level_given, t.ref_online_level, 'none') AS online_level,
                   t.days_final AS processing_days,
                   t.status_final AS status,
                   -- the end of processing: a terminal status's first date; open statuses have
                   -- none, whatever the result columns say (a "processing" one is refused above)
                   CASE WHEN t.status_final IN {terminal}
                        THEN COALESCE(t.finished_at_parsed, t.returned_at_parsed)
                        WHEN t.status_final = 'processing' THEN t.finished_at_parsed
                   END AS finished_at,
                   CASE
                       WHEN CAST(t.deadline_at_parsed AS TIME) = TIME '00:00:00'
                           THEN CAST(t.deadline_at_parsed AS DATE) + {deadline_time}
                       WHEN t.deadline_at_parsed IS NOT NULL THEN t.deadline_at_parsed
                       WHEN t.raw_deadline_at IS NULL AND t.days_final >= 0
                           THEN w.day + {deadline_time}
                   END AS deadline_unpaused,
                   t.deadline_at_parsed IS NULL AND t.raw_deadline_at IS NULL AS deadline_computed
            FROM timed AS t
            LEFT JOIN working_calendar_days AS w ON w.ord = t.effective_ordinal + t.days_final
        ),
        d1 AS (
            SELECT d.*, {pause_days} AS paused_days, {stopped} AS clock_stopped
            FROM d0 AS d {pause_join}
        ),
        d AS (
            SELECT d.*,
                   CASE WHEN d.clock_stopped THEN NULL
                        WHEN d.paused_days > 0 THEN pw.day + CAST(d.deadline_unpaused AS TIME)
                        ELSE d.deadline_unpaused END AS deadline_at
            FROM d1 AS d
            LEFT JOIN working_calendar AS pc ON pc.day = CAST(d.deadline_unpaused AS DATE)
            LEFT JOIN working_calendar_days AS pw ON pw.ord = pc.ord_on_or_after + d.paused_days
        )
        SELECT d.*,
               COALESCE(d.has_fee_given, d.fee > 0, d.ref_has_fee, FALSE) AS has_fee,
               COALESCE(d.ref_no_wait, FALSE) AS no_wait,
               {has_feedback} AS feedback_known,
               {text(batch_id)} AS batch_id,
               concat_ws('; ', {", ".join(problems)}) AS problems
        FROM d
        """
    )


def _sql_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(text(value) for value in values) + ")"


def _create_superseded(connection: duckdb.DuckDBPyConnection, store: Store, batch_id: str) -> None:
    """Records this batch replaces: earlier rows of the same file, and earlier batches' records."""
    connection.execute(
        f"""
        CREATE TEMP TABLE superseded AS
        SELECT {text(batch_id)} AS batch_id, source_row, 'file' AS reason FROM (
            SELECT source_row,
                   row_number() OVER (PARTITION BY dossier_code ORDER BY source_row DESC) AS rank
            FROM checked WHERE problems = ''
        ) WHERE rank > 1
        """
    )
    earlier = store.active_records_sql("dossiers")
    if earlier is not None:
        connection.execute(
            f"""
            INSERT INTO superseded
            SELECT r.batch_id, r.source_row, 'earlier' FROM {earlier} AS r
            WHERE r.dossier_code IN (SELECT dossier_code FROM checked WHERE problems = '')
            """
        )


def _counts(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    row = connection.execute(
        """
        SELECT (SELECT count(*) FROM raw),
               count(*) FILTER (WHERE problems = ''),
               count(*) FILTER (WHERE problems <> ''),
               (SELECT count(*) FROM superseded WHERE reason = 'file'),
               (SELECT count(*) FROM superseded WHERE reason = 'earlier'),
               count(*) FILTER (WHERE problems = '' AND deadline_computed)
        FROM checked
        """
    ).fetchone()
    assert row is not None
    names = ("read", "imported", "rejected", "superseded_in_file", "superseded_earlier")
    counts = dict(zip((*names, "computed_deadlines"), (int(value) for value in row), strict=True))
    if counts["read"] != counts["imported"] + counts["rejected"]:  # pragma: no cover - invariant
        raise AssertionError(f"counts do not reconcile: {counts}")
    return counts


def _write_batch_files(
    connection: duckdb.DuckDBPyConnection, staging: Path, source: _Source
) -> None:
    columns = ", ".join(f"CAST({name} AS {sql_type}) AS {name}" for name, sql_type in STORE_COLUMNS)
    records = staging / "records.parquet"
    connection.execute(
        f"COPY (SELECT {columns} FROM checked WHERE problems = '' ORDER BY source_row) "
        f"TO {text(str(records))} (FORMAT parquet, COMPRESSION zstd)"
    )
    connection.execute(
        f"COPY (SELECT batch_id, source_row FROM superseded ORDER BY batch_id, source_row) "
        f"TO {text(str(staging / 'superseded.parquet'))} (FORMAT parquet)"
    )
    connection.execute(
        f"""
        COPY (SELECT {text(source.file_name)} AS "tệp", {text(source.row_word)} || ' ' || line AS "vị trí",
                     raw_dossier_code AS "mã hồ sơ", problems AS "lý do"
              FROM checked WHERE problems <> '' ORDER BY source_row)
        TO {text(str(staging / "rejected.csv"))} (HEADER)
        """
    )


def unknown_codes(
    connection: duckdb.DuckDBPyConnection,
) -> tuple[tuple[UnknownCode, ...], tuple[UnknownCode, ...]]:
    """Units and procedures of the file missing from the reference lists, most rows first."""

    def listed(kind: str, code: str, name: str, missing: str) -> tuple[UnknownCode, ...]:
        rows = connection.execute(
            f"SELECT {code}, mode({name}), count(*) FROM checked WHERE {missing} "
            f"GROUP BY {code} ORDER BY count(*) DESC, {code}"
        ).fetchall()
        return tuple(UnknownCode(kind, str(c), str(n or ""), int(r)) for c, n, r in rows)

    return (
        listed(
            "unit",
            "raw_unit_code",
            "raw_unit_name",
            "raw_unit_code IS NOT NULL AND unit_code IS NULL",
        ),
        listed(
            "procedure",
            "raw_procedure_code",
            "raw_procedure_name",
            "raw_procedure_code IS NOT NULL AND procedure_known IS NULL",
        ),
    )


def _statuses(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = connection.execute(
        "SELECT status, count(*) FROM checked WHERE problems = '' GROUP BY status ORDER BY status"
    ).fetchall()
    return {str(status): int(count) for status, count in rows}


def _first_rejected(
    connection: duckdb.DuckDBPyConnection, source: _Source, limit: int
) -> tuple[RejectedRow, ...]:
    rows = connection.execute(
        f"SELECT line, raw_dossier_code, problems FROM checked WHERE problems <> '' "
        f"ORDER BY source_row LIMIT {int(limit)}"
    ).fetchall()
    return tuple(
        RejectedRow(f"{source.file_name}, {source.row_word} {line}", code or "", reasons)
        for line, code, reasons in rows
    )


__all__ = ["ImportResult", "RejectedRow", "UnknownCode", "import_dossiers"]
