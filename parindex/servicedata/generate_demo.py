"""Generate demo dossier data (GENERATED, not real figures) for a demo province.

    python -m parindex.servicedata.generate_demo --units parindex/data/servicedata/units.csv \\
        --year 2025 --out var/demo

writes a year of dossiers in the generic format and in the vendor-style example format. Every
value comes from a hash of the row number and a seed, computed in DuckDB SQL, so the same
arguments give the same files (with the same DuckDB version) and ten million rows take seconds.
The bench (`bench/dossiers.py`) uses `generate_records` for its canonical Parquet and CSV.

Each unit gets its own habits (share of late dossiers, of online filing, of digitisation), so
that the indicators and the drill-down have something to find.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import duckdb

from .calendar import WorkingCalendar
from .db import connect, text, values_relation
from .reference import Reference, load_reference
from .schema import CHANNELS, ONLINE_LEVELS, SATISFACTION, STATUSES, STORE_COLUMNS

GENERATED_NOTE = "Dữ liệu sinh tự động (GENERATED) cho tỉnh minh họa, không phải số liệu thật"


def _unit_procedures(reference: Reference) -> list[tuple[int, int, str]]:
    """(unit index, position, procedure code): which unit handles which procedure.

    A procedure's `handled_by` column names either a unit code or a unit group.
    """
    units = list(reference.units.values())
    rows: list[tuple[int, int, str]] = []
    for index, unit in enumerate(units):
        handled = [
            procedure.code
            for procedure in reference.procedures.values()
            if procedure.extra.get("handled_by") in (unit.code, unit.group)
        ]
        if not handled:  # a unit without its own procedures still receives general ones
            handled = list(reference.procedures)[:3]
        rows.extend((index, position, code) for position, code in enumerate(handled))
    return rows


def generate_records(
    connection: duckdb.DuckDBPyConnection,
    *,
    reference: Reference,
    calendar: WorkingCalendar,
    year: int,
    dossiers: int,
    seed: int = 1,
    months: tuple[int, int] = (1, 12),
    table: str = "generated",
    materialize: bool = True,
) -> None:
    """Create the temp table `table` with `dossiers` canonical records (the store's columns).

    With `materialize=False` it is a view instead, unordered: ten million rows can then be
    written straight to a file without being held in memory first (the bench does this).
    """
    first_day = date(year, months[0], 1)
    last_day = date(year + (months[1] == 12), months[1] % 12 + 1, 1)
    span_days = (last_day - first_day).days
    calendar.register(connection, date(year, 1, 1), date(year + 1, 12, 31), "demo_calendar")
    connection.execute(
        f"CREATE OR REPLACE TEMP MACRO u(i, k) AS (hash(i, k, {int(seed)}) % 1000003) / 1000003.0"
    )
    units = list(reference.units.values())
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE demo_units AS "
        + values_relation([(i, unit.code) for i, unit in enumerate(units)], "unit_index, unit_code")
    )
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE demo_unit_procedures AS "
        + values_relation(_unit_procedures(reference), "unit_index, position, procedure_code")
    )
    procedures = [
        (
            p.code,
            p.name,
            p.online_level,
            p.has_fee,
            p.no_wait,
            p.processing_days or 0,
            int(p.extra.get("fee") or 0),
        )
        for p in reference.procedures.values()
    ]
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE demo_procedures AS "
        + values_relation(procedures, "code, name, online_level, has_fee, no_wait, days, fee")
    )
    columns = ", ".join(f"CAST({name} AS {sql_type}) AS {name}" for name, sql_type in STORE_COLUMNS)
    connection.execute(
        f"""
        CREATE OR REPLACE TEMP {"TABLE" if materialize else "VIEW"} {table} AS
        WITH habits AS (          -- each unit's own habits, fixed by the seed
            SELECT unit_index, unit_code,
                   0.01 + 0.25 * pow(u(unit_index, 101), 3) AS late_share,
                   0.20 + 0.70 * u(unit_index, 102) AS online_share,
                   0.45 + 0.50 * u(unit_index, 103) AS digitised_share,
                   (SELECT count(*) FROM demo_unit_procedures p
                    WHERE p.unit_index = h.unit_index) AS procedure_count
            FROM demo_units AS h
        ),
        picked AS (
            SELECT i, h.*, u(i, 2) AS u_procedure
            FROM range({int(dossiers)}) AS r(i)
            JOIN habits AS h ON h.unit_index = floor(u(i, 1) * (SELECT count(*) FROM demo_units))
        ),
        base AS (
            SELECT p.i, p.unit_code, p.late_share, p.online_share, p.digitised_share,
                   pr.code AS procedure_code, pr.name AS procedure_name, pr.online_level,
                   pr.has_fee, pr.no_wait, pr.days, pr.fee,
                   DATE '{first_day.isoformat()}' + floor(u(p.i, 3) * {span_days})::INTEGER AS day0,
                   CASE WHEN pr.online_level <> 'none' AND u(p.i, 4) < p.online_share THEN 'online'
                        WHEN u(p.i, 5) < 0.03 THEN 'postal' ELSE 'in_person' END AS channel
            FROM picked AS p
            JOIN demo_unit_procedures AS up
              ON up.unit_index = p.unit_index
             AND up.position = floor(pow(p.u_procedure, 2) * p.procedure_count)
            JOIN demo_procedures AS pr ON pr.code = up.procedure_code
        ),
        received AS (             -- desks are closed on days off: counter filings move on
            SELECT b.*,
                   (CASE WHEN b.channel = 'online' THEN b.day0 ELSE open_day.day END)
                   + INTERVAL (450 + floor(u(b.i, 6) * 600)::INTEGER) MINUTE AS received_at
            FROM base AS b
            JOIN demo_calendar AS c ON c.day = b.day0
            JOIN demo_calendar_days AS open_day ON open_day.ord = c.ord_on_or_after
        ),
        timed AS (
            SELECT r.*,
                   CASE WHEN c.is_working AND CAST(r.received_at AS TIME) < TIME '17:00'
                        THEN c.ord_on_or_after ELSE c.ord_after END AS effective,
                   CASE WHEN u(r.i, 7) < r.late_share
                        THEN r.days + 1 + floor(u(r.i, 8) * 5)::INTEGER
                        ELSE floor(u(r.i, 8) * (r.days + 1))::INTEGER END AS used_days,
                   (r.received_at >= DATE '{last_day.isoformat()}' - INTERVAL 25 DAY
                        AND u(r.i, 9) < 0.5) OR u(r.i, 9) < 0.01 AS still_open,
                   u(r.i, 10) AS u_status
            FROM received AS r
            JOIN demo_calendar AS c ON c.day = CAST(r.received_at AS DATE)
        ),
        dated AS (
            SELECT t.*,
                   due.day + TIME '17:00' AS deadline_at,
                   CASE WHEN NOT t.still_open THEN greatest(
                        done.day + INTERVAL (480 + floor(u(t.i, 11) * 540)::INTEGER) MINUTE,
                        t.received_at + INTERVAL 20 MINUTE) END AS finished_at
            FROM timed AS t
            JOIN demo_calendar_days AS due ON due.ord = t.effective + t.days
            JOIN demo_calendar_days AS done ON done.ord = t.effective + t.used_days
        )
        SELECT {columns} FROM (
            SELECT 'HS{year}{months[0]:02d}' || lpad(CAST(i + 1 AS VARCHAR), 8, '0') AS dossier_code,
                   procedure_code, procedure_name, unit_code, online_level, channel,
                   received_at, deadline_at, FALSE AS deadline_computed,
                   days AS processing_days, CAST(NULL AS INTEGER) AS paused_days, finished_at,
                   CASE WHEN finished_at IS NOT NULL AND u_status < 0.85
                        THEN finished_at + INTERVAL (floor(u(i, 12) * 3)::INTEGER) DAY
                   END AS returned_at,
                   CASE WHEN finished_at IS NULL AND u_status < 0.04 THEN 'suspended'
                        WHEN finished_at IS NULL AND u_status < 0.1 THEN 'supplement'
                        WHEN finished_at IS NULL THEN 'processing'
                        WHEN u_status < 0.85 THEN 'returned'
                        WHEN u_status < 0.93 THEN 'finished'
                        WHEN u_status < 0.97 THEN 'refused'
                        ELSE 'withdrawn' END AS status,
                   has_fee AND channel = 'online' AND u(i, 13) < 0.75 AS paid_online,
                   CASE WHEN has_fee AND u(i, 14) >= 0.05 THEN fee ELSE 0 END AS fee,
                   has_fee AND u(i, 14) >= 0.05 AS has_fee,
                   no_wait,
                   u(i, 15) < digitised_share AS digitised,
                   finished_at IS NOT NULL AND u_status < 0.93 AND u(i, 16) < 0.55
                       AS result_digitised,
                   CASE WHEN finished_at IS NULL OR u(i, 17) >= 0.3 THEN NULL
                        WHEN u(i, 18) < 0.90 THEN 'satisfied'
                        WHEN u(i, 18) < 0.96 THEN 'neutral'
                        ELSE 'dissatisfied' END AS satisfaction,
                   u(i, 19) < 0.006 AS complaint,
                   TRUE AS feedback_known,
                   CASE WHEN channel = 'online' THEN u(i, 20) < 0.65 END AS eid_level2,
                   'generated' AS batch_id,
                   i + 1 AS source_row
            FROM dated
        )
        {"ORDER BY source_row" if materialize else ""}
        """
    )


# Export formats --------------------------------------------------------------------------------


def _vendor_select(table: str, units: Reference, *, statuses_as_text: bool = False) -> str:
    """The generated records in the vendor-style example's columns and codes.

    As real one-stop-shop exports do, a withdrawn dossier has no dates after its reception and
    every other refusal has none either. With `statuses_as_text` (the "vendor_statuses" style)
    the file is closer still to what a new province brings: statuses written out in words
    ("Người nộp rút hồ sơ", "Từ chối", "Tạm dừng"…), a yes/no fee column instead of amounts,
    the pause columns of dossiers waiting for a supplement or suspended, and no digitisation,
    electronic-result or rating columns at all.
    """
    status_codes = {
        "processing": "2",
        "supplement": "3",
        "suspended": "3",
        "finished": "4",
        "returned": "5",
        "refused": "6",
        "withdrawn": "7",
    }
    status_words = {
        "processing": "Đang giải quyết",
        "supplement": "Yêu cầu bổ sung",
        "suspended": "Tạm dừng",
        "finished": "Có kết quả",
        "returned": "Đã trả kết quả",
        "refused": "Từ chối",
    }
    if statuses_as_text:
        status = " ".join(f"WHEN {text(k)} THEN {text(v)}" for k, v in status_words.items())
        status += " WHEN 'withdrawn' THEN CASE WHEN u(source_row, 23) < 0.5 "
        status += "THEN 'Người nộp rút hồ sơ' ELSE 'Đã rút hồ sơ' END"
    else:
        status = " ".join(f"WHEN {text(k)} THEN {text(v)}" for k, v in status_codes.items())
    channel = " ".join(f"WHEN {text(k)} THEN {text(v)}" for k, v in CHANNELS.items())
    level = {"full": "Toàn trình", "partial": "Một phần", "none": "Không"}
    levels = " ".join(f"WHEN {text(k)} THEN {text(v)}" for k, v in level.items())
    ratings = " ".join(f"WHEN {text(k)} THEN {text(v)}" for k, v in SATISFACTION.items())
    assert set(level) == set(ONLINE_LEVELS)
    assert set(status_codes) == set(STATUSES)

    def shown(column: str) -> str:
        return f"strftime({column}, '%d/%m/%Y %H:%M')"

    def yes_no(column: str) -> str:
        return f"CASE WHEN {column} THEN 'Có' ELSE 'Không' END"

    def money(column: str) -> str:  # "50.000": dot as the thousands separator
        return f"replace(format('{{:,}}', CAST({column} AS BIGINT)), ',', '.')"

    # Real exports: no end date for a withdrawal, none for half of the refusals.
    undated = "(status = 'withdrawn' OR (status = 'refused' AND u(source_row, 22) < 0.5))"

    def end(column: str) -> str:
        return f"CASE WHEN {undated} THEN NULL ELSE {shown(column)} END"

    common = f"""dossier_code AS "Mã hồ sơ", procedure_code AS "Mã thủ tục",
               procedure_name AS "Tên thủ tục", coalesce(n.name, g.unit_code) AS "Đơn vị tiếp nhận",
               CASE online_level {levels} END AS "Mức độ DVC",
               {shown("received_at")} AS "Ngày tiếp nhận", {shown("deadline_at")} AS "Hạn xử lý",
               {end("finished_at")} AS "Ngày có kết quả",
               {end("returned_at")} AS "Ngày trả kết quả",
               CASE channel {channel} END AS "Hình thức nộp",
               {yes_no("paid_online")} AS "Thanh toán trực tuyến","""
    if statuses_as_text:
        # A pause: every dossier waiting for a supplement or suspended (still open: the clock
        # is stopped), and some long ones that resumed two days later.
        resumed = "finished_at > received_at + INTERVAL 6 DAY AND u(source_row, 21) < 0.3"
        start = "received_at + INTERVAL 1 DAY"
        return f"""
        SELECT {common}
               {yes_no("has_fee")} AS "Có phí",
               CASE status {status} END AS "Trạng thái",
               CASE WHEN status IN ('supplement', 'suspended') OR ({resumed})
                    THEN {shown(start)} END AS "Ngày tạm dừng",
               CASE WHEN {resumed} THEN {shown(start + " + INTERVAL 2 DAY")} END
                    AS "Ngày tiếp tục xử lý"
        FROM {table} AS g LEFT JOIN demo_unit_names AS n ON n.code = g.unit_code
        ORDER BY source_row
    """
    return f"""
        SELECT {common}
               {money("fee")} AS "Phí, lệ phí",
               CASE status {status} END AS "Trạng thái",
               {yes_no("digitised")} AS "Đã số hóa", {yes_no("result_digitised")} AS "Kết quả điện tử",
               CASE satisfaction {ratings} END AS "Đánh giá", {yes_no("complaint")} AS "Có PAKN"
        FROM {table} AS g LEFT JOIN demo_unit_names AS n ON n.code = g.unit_code
        ORDER BY source_row
    """


def _generic_select(table: str) -> str:
    def iso(column: str) -> str:
        return f"strftime({column}, '%Y-%m-%d %H:%M')"

    # One record in five leaves the deadline out: the importer computes it from the calendar.
    return f"""
        SELECT dossier_code, procedure_code, procedure_name, unit_code, online_level,
               {iso("received_at")} AS received_at,
               CASE WHEN source_row % 5 = 0 THEN NULL ELSE {iso("deadline_at")} END AS deadline_at,
               processing_days, {iso("finished_at")} AS finished_at,
               {iso("returned_at")} AS returned_at, channel, paid_online, fee, status, digitised,
               result_digitised, satisfaction, complaint, eid_level2
        FROM {table} ORDER BY source_row
    """


def _add_errors(connection: duckdb.DuckDBPyConnection, table: str) -> None:
    """Append a few realistic bad rows (and one correction) to show the import's checks."""
    connection.execute(
        f"""
        INSERT INTO {table}
        SELECT * EXCLUDE (k) REPLACE (
            CASE k WHEN 0 THEN 'KHONG-CO' ELSE unit_code END AS unit_code,
            CASE k WHEN 1 THEN received_at - INTERVAL 30 DAY ELSE finished_at END AS finished_at,
            CASE k WHEN 2 THEN 'TT.KHONG-CO' ELSE procedure_code END AS procedure_code,
            CASE k WHEN 3 THEN 'returned' ELSE status END AS status,
            CASE k WHEN 3 THEN coalesce(finished_at, received_at + INTERVAL 1 DAY)
                 ELSE returned_at END AS returned_at,
            (SELECT max(source_row) FROM {table}) + k + 1 AS source_row)
        FROM (SELECT *, row_number() OVER (ORDER BY source_row) - 1 AS k
              FROM {table} WHERE finished_at IS NOT NULL ORDER BY source_row LIMIT 4)
        """
    )


def write_demo_files(
    *,
    reference: Reference,
    calendar: WorkingCalendar,
    year: int,
    dossiers: int,
    out: Path,
    styles: tuple[str, ...] = ("generic", "vendor"),
    file_format: str = "csv",
    seed: int = 1,
    months: tuple[int, int] = (1, 12),
    with_errors: bool = False,
) -> list[Path]:
    """Generate and write the demo files; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    connection = connect()
    try:
        generate_records(
            connection,
            reference=reference,
            calendar=calendar,
            year=year,
            dossiers=dossiers,
            seed=seed,
            months=months,
        )
        if with_errors:
            _add_errors(connection, "generated")
        connection.execute(
            "CREATE TEMP TABLE demo_unit_names AS "
            + values_relation([(u.code, u.name) for u in reference.units.values()], "code, name")
        )
        suffix = f"_{months[0]:02d}-{months[1]:02d}" if months != (1, 12) else ""
        written: list[Path] = []
        for style in styles:
            if style == "generic":
                query, name = _generic_select("generated"), "generic"
            elif style == "vendor_statuses":
                query = _vendor_select("generated", reference, statuses_as_text=True)
                name = "vendor_statuses"
            else:
                query, name = _vendor_select("generated", reference), "vendor_style"
            target = out / f"dossiers_{year}{suffix}_{name}.{file_format}"
            _write(connection, query, target, file_format)
            written.append(target)
        return written
    finally:
        connection.close()


def _write(
    connection: duckdb.DuckDBPyConnection, query: str, target: Path, file_format: str
) -> None:
    if file_format == "csv":
        connection.execute(f"COPY ({query}) TO {text(str(target))} (HEADER)")
    elif file_format == "parquet":
        connection.execute(f"COPY ({query}) TO {text(str(target))} (FORMAT parquet)")
    elif file_format == "jsonl":
        connection.execute(f"COPY ({query}) TO {text(str(target))} (FORMAT json)")
    elif file_format == "xlsx":
        from openpyxl import Workbook

        result = connection.execute(query)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Hồ sơ")
        sheet.append([column[0] for column in result.description])
        for row in result.fetchall():
            sheet.append(list(row))
        workbook.save(target)
    else:
        raise ValueError(f"unknown format {file_format}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Sinh dữ liệu hồ sơ minh họa (GENERATED) cho một tỉnh minh họa."
    )
    parser.add_argument(
        "--units", type=Path, default=None, help="units.csv (mặc định: tỉnh minh họa)"
    )
    parser.add_argument("--procedures", type=Path, default=None, help="procedures.csv")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--months", default="1-12", help="tháng tiếp nhận, ví dụ 1-6")
    parser.add_argument("--dossiers", type=int, default=100_000, help="số hồ sơ")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="thư mục ghi tệp")
    parser.add_argument(
        "--style", choices=("generic", "vendor", "vendor_statuses", "both"), default="both"
    )
    parser.add_argument("--format", choices=("csv", "xlsx", "parquet", "jsonl"), default="csv")
    parser.add_argument(
        "--with-errors", action="store_true", help="thêm vài dòng lỗi để thử kiểm tra"
    )
    args = parser.parse_args(argv)
    first, _, last = args.months.partition("-")
    styles = ("generic", "vendor") if args.style == "both" else (args.style,)
    written = write_demo_files(
        reference=load_reference(args.units, args.procedures),
        calendar=WorkingCalendar.default(),
        year=args.year,
        dossiers=args.dossiers,
        out=args.out,
        styles=styles,
        file_format=args.format,
        seed=args.seed,
        months=(int(first), int(last or first)),
        with_errors=args.with_errors,
    )
    for path in written:
        print(f"{path}  ({GENERATED_NOTE})")


if __name__ == "__main__":
    main()
