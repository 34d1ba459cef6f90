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
from .schema import FIELDS_BY_NAME, STATUSES, STORE_COLUMNS, TERMINAL_STATUSES
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
        except duckdb.Error as error:
            raise ServiceDataError(f"không đọc được tệp: {error}", str(path)) from None
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
                extra={"units": reference.units_file, "procedures": reference.procedures_file},
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
    )


def _present_only(mapping: Mapping, absent: tuple[str, ...]) -> Mapping:
    """The mapping without the optional columns this file does not have."""
    columns = {field: header for field, header in mapping.columns.items() if header not in absent}
    return replace(mapping, columns=columns)


def already_imported(path: Path, batch: Batch) -> ImportResult:
    counts = batch.counts
    return ImportResult(
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

    workbook = load_workbook(path, read_only=True, data_only=True)
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
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            rows = sheet.iter_rows(min_row=mapping.header_row, values_only=True)
            header = next(rows, None)
            if header is None:
                raise ServiceDataError("trang tính trống", str(path))
            writer.writerow(["__line", *(cell_text(value) for value in header)])
            for offset, values in enumerate(rows, start=1):
                if all(value is None or value == "" for value in values):
                    continue
                writer.writerow([mapping.header_row + offset, *(cell_text(v) for v in values)])
    finally:
        workbook.close()


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
    finally:
        if scratch is not None:
            scratch.cleanup()


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
            "SELECT line, error_message FROM csv_rejects ORDER BY line LIMIT 20"
        ).fetchall()
        if broken:
            total = connection.execute("SELECT count(*) FROM csv_rejects").fetchone()
            problems = [
                Problem(f"{file_name}, dòng {line_number}", f"dòng hỏng cấu trúc CSV: {message}")
                for line_number, message in broken
            ]
            count = total[0] if total else len(broken)
            problems.append(
                Problem(file_name, f"{count} dòng hỏng cấu trúc: tệp không được nhập, hãy xuất lại")
            )
            raise ServiceDataError(problems)
    return _Source(file_name, row_word, frozenset(numeric), tuple(absent))


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
    """The comparable form of a code; a blank cell matches no spelling and stays NULL."""
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
            columns.append(f"CASE {_key(raw)} {cases} END AS {field}")
        else:
            key = _key(raw)
            columns.append(f"{_vocabulary_case(key, mapping.vocabularies[spec.kind])} AS {field}")
    columns.append(f"{_key('t_unit_code')} AS unit_key")
    # A view: the parsing runs once, inside the `checked` table, instead of holding a third copy.
    connection.execute(f"CREATE TEMP VIEW parsed AS SELECT {', '.join(columns)} FROM raw")


def _problem(condition: str, message: str) -> str:
    return f"CASE WHEN {condition} THEN {message} END"


def _shown(expression: str) -> str:
    return f"strftime({expression}, '%d/%m/%Y %H:%M')"


def _create_checked(
    connection: duckdb.DuckDBPyConnection,
    mapping: Mapping,
    calendar: WorkingCalendar,
    source: _Source,
    batch_id: str,
) -> None:
    terminal = "(" + ", ".join(text(s) for s in TERMINAL_STATUSES) + ")"
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
    for field in ("received_at", "deadline_at", "finished_at", "returned_at"):
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
        if spec.kind == "integer":
            what = "số nguyên ngày làm việc ≥ 0"
            bad = f"d.raw_{field} IS NOT NULL AND (d.{field}_given IS NULL OR d.{field}_given < 0)"
        elif spec.kind == "decimal":
            what = "số tiền không âm"
            bad = f"d.raw_{field} IS NOT NULL AND (d.{field} IS NULL OR d.{field} < 0)"
        elif spec.kind == "boolean":
            what = "có/không theo bảng mã của ánh xạ"
            bad = f"d.raw_{field} IS NOT NULL AND d.{field} IS NULL"
        else:
            what = "giá trị có trong bảng mã «values." + spec.kind + "» của ánh xạ"
            given = f"d.{field}_given" if field in ("status", "online_level") else f"d.{field}"
            bad = f"d.raw_{field} IS NOT NULL AND {given} IS NULL"
        problems.append(
            _problem(
                bad,
                f"{text(_column(mapping, field) + ': «')} || d.raw_{field} || {text('» không phải ' + what)}",
            )
        )
    problems += [
        _problem(
            "d.deadline_at IS NULL AND d.raw_deadline_at IS NULL AND d.procedure_known IS NOT NULL"
            " AND d.received_at IS NOT NULL",
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
            "d.deadline_at < d.received_at",
            f"'hạn xử lý ' || {_shown('d.deadline_at')} || ' trước thời điểm tiếp nhận ' || "
            f"{_shown('d.received_at')}",
        ),
        _problem(
            f"d.status IS NOT NULL AND d.status NOT IN {terminal} AND d.finished_at_parsed IS NOT NULL",
            f"'trạng thái «' || {status_labels} || '» nhưng đã có thời điểm có kết quả'",
        ),
        _problem(
            f"d.status IN {terminal} AND d.finished_at IS NULL",
            f"'trạng thái «' || {status_labels} || '» nhưng thiếu thời điểm có kết quả/trả kết quả'",
        ),
    ]
    cutoff = clock(calendar.cutoff)
    deadline_time = clock(calendar.deadline_time)
    connection.execute(
        f"""
        CREATE TEMP TABLE checked AS
        WITH joined AS (
            SELECT p.*,
                   p.deadline_at AS deadline_at_parsed,
                   p.finished_at AS finished_at_parsed,
                   p.returned_at AS returned_at_parsed,
                   p.received_at AS received_at_parsed,
                   p.processing_days AS processing_days_given,
                   p.status AS status_given,
                   p.online_level AS online_level_given,
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
        d AS (
            SELECT t.* EXCLUDE (unit_code, procedure_code, procedure_name, deadline_at,
                                finished_at, status, online_level, processing_days),
                   t.unit_ref AS unit_code,
                   t.raw_procedure_code AS procedure_code,
                   COALESCE(t.raw_procedure_name, t.ref_name) AS procedure_name,
                   COALESCE(t.online_level_given, t.ref_online_level, 'none') AS online_level,
                   t.days_final AS processing_days,
                   t.status_final AS status,
                   CASE WHEN t.status_final IN {terminal}
                        THEN COALESCE(t.finished_at_parsed, t.returned_at_parsed)
                        ELSE t.finished_at_parsed END AS finished_at,
                   CASE
                       WHEN CAST(t.deadline_at_parsed AS TIME) = TIME '00:00:00'
                           THEN CAST(t.deadline_at_parsed AS DATE) + {deadline_time}
                       WHEN t.deadline_at_parsed IS NOT NULL THEN t.deadline_at_parsed
                       WHEN t.raw_deadline_at IS NULL AND t.days_final >= 0
                           THEN w.day + {deadline_time}
                   END AS deadline_at,
                   t.deadline_at_parsed IS NULL AND t.raw_deadline_at IS NULL AS deadline_computed
            FROM timed AS t
            LEFT JOIN working_calendar_days AS w ON w.ord = t.effective_ordinal + t.days_final
        )
        SELECT d.*,
               COALESCE(d.fee > 0, d.ref_has_fee, FALSE) AS has_fee,
               COALESCE(d.ref_no_wait, FALSE) AS no_wait,
               {text(batch_id)} AS batch_id,
               concat_ws('; ', {", ".join(problems)}) AS problems
        FROM d
        """
    )


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


__all__ = ["ImportResult", "RejectedRow", "import_dossiers"]
