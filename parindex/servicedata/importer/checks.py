"""Row checks: the reference lists, computed deadlines and every problem of a row.

The `checked` table joins each parsed row with the units and procedures lists, fills defaults
from them, computes a missing deadline with the working-day calendar (paused days move it),
and lists every problem of the row in Vietnamese (`problems`, empty for a row to import).
"""

from __future__ import annotations

from datetime import date

import duckdb

from ..calendar import WorkingCalendar
from ..db import clock, text, values_relation
from ..errors import ServiceDataError
from ..mapping import Mapping, human_format, normalise_value
from ..reference import Reference
from ..schema import (
    FIELDS_BY_NAME,
    PAUSED_STATUSES,
    RESULT_STATUSES,
    STATUSES,
    TERMINAL_STATUSES,
    UNDATED_END_STATUSES,
)
from .files import _Source
from .parsing import _vocabulary_case


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


def _column(mapping: Mapping, field: str) -> str:
    return f"cột «{mapping.columns.get(field, field)}»"


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
