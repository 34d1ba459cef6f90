"""Service indicators per unit, group, procedure or the province, per month, quarter, year or range.

The heavy work is two SQL statements over the canonical records (`dossiers`), portable
standard SQL (`CASE`, `EXTRACT`, `GREATEST`, window sums; no engine-specific functions), so
the same text runs on DuckDB here and on a distributed engine for national volumes
(docs/scaling.md). Python only turns the few aggregated rows into exact `Decimal` rates and
points.

How a dossier counts in a period P (the formulas; docs/service-data.md has examples):

- received (tiếp nhận mới): received_at in P — every dossier, whatever its status;
- closed: the dossier leaves the backlog in P: its end of processing (finished_at, the first
  terminal status: result, return, refusal, withdrawal) in P; a withdrawal or a refusal that
  the export gives no date for leaves at its reception (it is never counted open or overdue);
- handled (đã giải quyết): closed in P with an end time, withdrawals excepted (a withdrawal is
  the applicant's act: neither on time nor late); withdrawn (rút hồ sơ) and refused (từ chối)
  are counted in the period they close;
- on time (đúng hạn): handled in P with finished_at ≤ deadline_at (the exact deadline minute
  counts as on time; the deadline already moved by the working days the clock was stopped);
  early (trước hạn): finished on a day before the deadline's day; late = handled − on time;
- processing (đang giải quyết) at the end of P: received by the end of P, not closed by then;
  overdue (quá hạn) at the end of P: processing with deadline_at before the end of P (a
  dossier whose clock is stopped has no deadline: never overdue);
  carried over (tồn kỳ trước): processing at the end of the previous period.

The snapshot counts use running sums, so one pass over the records serves every period:
processing(P) = Σ received up to P − Σ closed up to P, and
overdue(P) = Σ (deadline passed) up to P − Σ (deadline passed and closed) up to P.
The first statement groups the records by key × received period × closed period × deadline
period (a few thousand rows for ten million dossiers); the second turns those into the counts.

Rates are in percent, rounded half-up to 2 decimals; `None` when the denominator is zero. A
rate over data the export may lack (channel, digitisation, electronic results, payment,
ratings) counts only the dossiers that carry it, so an export without such a column gives no
rate ("no data", `IndicatorRow.measured`) instead of 0.

Engines: the statements are plain SELECTs; `engines.py` holds the only engine-specific part,
how the first one's result is kept for the second (a temporary table or a cached view).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from parindex.engine.numbers import percent_of

from .db import connect, day, path_list, text, values_relation
from .periods import BEFORE, Period, key_sql, periods_between
from .reference import Reference
from .schema import RESULT_STATUSES, STORE_COLUMNS, UNDATED_END_STATUSES
from .store import Store

DIMENSIONS = ("unit", "group", "procedure", "province", "month", "quarter", "year")
TIME_DIMENSIONS = ("month", "quarter", "year")


@dataclass(frozen=True, slots=True)
class Count:
    """A number of dossiers meeting `condition`, counted in the period of `attribution`."""

    name: str
    label: str
    attribution: str  # "received" (by received_at) or "closed" (by the end of processing)
    condition: str  # SQL over the canonical columns


_RESULTS = "(" + ", ".join(f"'{status}'" for status in RESULT_STATUSES) + ")"
_ONLINE = "channel = 'online'"
# Handled: closed with an end time, withdrawals excepted (see the module's docstring).
HANDLED = "finished_at IS NOT NULL AND status <> 'withdrawn'"

# Counted in SQL; "received" and "closed" themselves and the snapshot counts (processing,
# overdue) come from the running sums described above. A `_known` count is the same dossiers
# restricted to those whose export carries the figure a rate needs: the rate's denominator.
COUNTS: tuple[Count, ...] = (
    Count("handled", "Đã giải quyết", "closed", HANDLED),
    Count("withdrawn", "Người nộp rút hồ sơ", "closed", "status = 'withdrawn'"),
    Count("refused", "Từ chối giải quyết", "closed", "status = 'refused'"),
    Count("on_time", "Đúng hạn", "closed", f"{HANDLED} AND finished_at <= deadline_at"),
    Count(
        "early",
        "Trước hạn",
        "closed",
        f"{HANDLED} AND CAST(finished_at AS DATE) < CAST(deadline_at AS DATE)",
    ),
    # Online services: only procedures offered online can be filed online.
    Count("online_offered", "Hồ sơ của TTHC có DVCTT", "received", "online_level <> 'none'"),
    Count(
        "online_offered_known",
        "Hồ sơ của TTHC có DVCTT, có dữ liệu hình thức nộp",
        "received",
        "online_level <> 'none' AND channel IS NOT NULL",
    ),
    Count(
        "online_offered_online",
        "Hồ sơ trực tuyến của TTHC có DVCTT",
        "received",
        f"online_level <> 'none' AND {_ONLINE}",
    ),
    Count("full_level", "Hồ sơ của TTHC toàn trình", "received", "online_level = 'full'"),
    Count(
        "full_level_known",
        "Hồ sơ của TTHC toàn trình, có dữ liệu hình thức nộp",
        "received",
        "online_level = 'full' AND channel IS NOT NULL",
    ),
    Count(
        "full_level_online",
        "Hồ sơ trực tuyến toàn trình",
        "received",
        f"online_level = 'full' AND {_ONLINE}",
    ),
    Count("channel_known", "Hồ sơ có dữ liệu hình thức nộp", "received", "channel IS NOT NULL"),
    Count("online", "Hồ sơ nộp trực tuyến", "received", _ONLINE),
    Count("with_fee", "Hồ sơ có phí, lệ phí", "received", "has_fee"),
    Count(
        "with_fee_known",
        "Hồ sơ có phí, có dữ liệu thanh toán",
        "received",
        "has_fee AND paid_online IS NOT NULL",
    ),
    Count("paid_online", "Hồ sơ thanh toán trực tuyến", "received", "has_fee AND paid_online"),
    Count("digitised_known", "Hồ sơ có dữ liệu số hóa", "received", "digitised IS NOT NULL"),
    Count("digitised", "Hồ sơ được số hóa", "received", "digitised"),
    Count(
        "online_eid_known",
        "Hồ sơ trực tuyến có thông tin định danh",
        "received",
        f"{_ONLINE} AND eid_level2 IS NOT NULL",
    ),
    Count(
        "online_eid2",
        "Hồ sơ trực tuyến bằng định danh mức 2",
        "received",
        f"{_ONLINE} AND eid_level2",
    ),
    Count("with_result", "Hồ sơ có kết quả", "closed", f"status IN {_RESULTS}"),
    Count(
        "with_result_known",
        "Hồ sơ có kết quả, có dữ liệu kết quả điện tử",
        "closed",
        f"status IN {_RESULTS} AND result_digitised IS NOT NULL",
    ),
    Count(
        "e_result",
        "Hồ sơ có kết quả điện tử",
        "closed",
        f"status IN {_RESULTS} AND result_digitised",
    ),
    Count("rated", "Hồ sơ được đánh giá", "closed", f"{HANDLED} AND satisfaction IS NOT NULL"),
    Count("satisfied", "Đánh giá hài lòng", "closed", f"{HANDLED} AND satisfaction = 'satisfied'"),
    Count(
        "feedback_handled",
        "Hồ sơ đã giải quyết, có dữ liệu đánh giá hoặc PAKN",
        "closed",
        f"{HANDLED} AND feedback_known",
    ),
    # Decision 766 row 23: dissatisfied, complained about, or handled late.
    Count(
        "unsatisfactory",
        "Không hài lòng, có PAKN hoặc trễ hạn",
        "closed",
        f"{HANDLED} AND feedback_known AND (satisfaction = 'dissatisfied' OR complaint "
        "OR finished_at > deadline_at)",
    ),
    Count("complaints", "Hồ sơ có PAKN", "closed", f"{HANDLED} AND complaint"),
    Count("no_wait", "Hồ sơ TTHC «không chờ»", "closed", f"{HANDLED} AND no_wait"),
    Count(
        "no_wait_same_day",
        "Hồ sơ «không chờ» có kết quả trong ngày",
        "closed",
        f"{HANDLED} AND no_wait AND CAST(finished_at AS DATE) = CAST(received_at AS DATE)",
    ),
)
SNAPSHOT_COUNTS = ("received", "closed", "processing", "overdue", "carried_over")
COUNT_LABELS: dict[str, str] = {
    "received": "Tiếp nhận mới",
    "closed": "Kết thúc xử lý (kể cả rút, từ chối)",
    "carried_over": "Tồn kỳ trước",
    "late": "Trễ hạn",
    "processing": "Đang giải quyết",
    "overdue": "Quá hạn",
    "within_deadline": "Đang giải quyết trong hạn",
    **{count.name: count.label for count in COUNTS},
}


@dataclass(frozen=True, slots=True)
class Rate:
    """numerator ÷ denominator × 100; all three are names of counts (derived ones included).

    `population` is what the denominator would be if the export carried every column; a zero
    denominator over a non-zero population means the data is missing ("no data"), not that
    nothing happened ("no cases"). Empty: the denominator itself.
    """

    name: str
    label: str
    numerator: str
    denominator: str
    unofficial: bool = False
    note: str = ""
    population: str = ""


RATES: tuple[Rate, ...] = (
    # The plain rate: finished on time ÷ finished (withdrawals are not handled).
    Rate("on_time_rate", "Tỷ lệ giải quyết đúng hạn", "on_time", "handled"),
    # 766 row 5 (unofficial reconstruction): dossiers still in progress within their deadline
    # count as on time; (on time + processing within deadline) ÷ (handled + processing).
    Rate(
        "timeliness_766",
        "Tỷ lệ đúng hạn kiểu 766 (kể cả đang xử lý trong hạn)",
        "on_time_or_within",
        "handled_or_processing",
        unofficial=True,
    ),
    Rate(
        "online_rate",
        "Tỷ lệ hồ sơ trực tuyến (TTHC có DVCTT)",
        "online_offered_online",
        "online_offered_known",
        population="online_offered",
    ),
    # 766 row 6: fully-online dossiers among dossiers of procedures offered fully online.
    Rate(
        "fully_online_rate",
        "Tỷ lệ hồ sơ trực tuyến toàn trình",
        "full_level_online",
        "full_level_known",
        unofficial=True,
        population="full_level",
    ),
    # 766 row 10: online filings among all received.
    Rate(
        "online_submission_share",
        "Tỷ lệ hồ sơ nộp trực tuyến (trên tổng số)",
        "online",
        "channel_known",
        unofficial=True,
        population="received",
    ),
    Rate(
        "online_payment_rate",
        "Tỷ lệ thanh toán trực tuyến (hồ sơ có phí)",
        "paid_online",
        "with_fee_known",
        population="with_fee",
    ),
    Rate(
        "digitisation_rate",
        "Tỷ lệ hồ sơ được số hóa",
        "digitised",
        "digitised_known",
        population="received",
    ),
    # 766 row 11: electronic results among dossiers with a result.
    Rate(
        "e_result_rate",
        "Tỷ lệ hồ sơ có kết quả điện tử",
        "e_result",
        "with_result_known",
        unofficial=True,
        population="with_result",
    ),
    Rate("satisfaction_rate", "Tỷ lệ hài lòng (trên số đánh giá)", "satisfied", "rated"),
    # 766 row 23: (handled − dissatisfied, complained or late) ÷ handled, over the handled
    # dossiers of exports that carry ratings or complaints.
    Rate(
        "satisfaction_766",
        "Tỷ lệ hài lòng kiểu 766",
        "handled_satisfactory",
        "feedback_handled",
        unofficial=True,
        population="handled",
    ),
    Rate("same_day_rate", "Tỷ lệ «không chờ» có kết quả trong ngày", "no_wait_same_day", "no_wait"),
    Rate(
        "eid_level2_rate",
        "Tỷ lệ hồ sơ trực tuyến dùng định danh mức 2",
        "online_eid2",
        "online_eid_known",
        note="chỉ tính hồ sơ mà tệp xuất có thông tin định danh",
    ),
)
RATES_BY_NAME: dict[str, Rate] = {rate.name: rate for rate in RATES}


def derived_counts(counts: Mapping[str, int]) -> dict[str, int]:
    """The counts computed from others (documented with the rates that use them)."""
    return {
        "late": counts["handled"] - counts["on_time"],
        "within_deadline": counts["processing"] - counts["overdue"],
        "on_time_or_within": counts["on_time"] + counts["processing"] - counts["overdue"],
        "handled_or_processing": counts["handled"] + counts["processing"],
        "handled_satisfactory": counts["feedback_handled"] - counts["unsatisfactory"],
    }


def rate_measured(rate: Rate, counts: Mapping[str, int]) -> bool:
    """False when the export lacks the data (a zero denominator over a non-zero population)."""
    return bool(counts[rate.denominator]) or not counts[rate.population or rate.denominator]


def percent(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """numerator ÷ denominator × 100, rounded half-up to 2 decimals; None without cases."""
    if not denominator:
        return None
    return percent_of(Decimal(numerator), Decimal(denominator), 2)


# Where the records come from ------------------------------------------------------------------


@dataclass(frozen=True)
class DossierSource:
    """A SQL relation of canonical records, and the batches it was read from (provenance)."""

    relation: str
    batches: tuple[str, ...] = ()
    label: str = ""

    @classmethod
    def from_store(cls, store: Store) -> DossierSource | None:
        relation = store.active_records_sql("dossiers")
        if relation is None:
            return None
        batches = tuple(batch.id for batch in store.batches("dossiers"))
        return cls(relation, batches, str(store.root))

    @classmethod
    def from_parquet(cls, paths: Iterable[Path]) -> DossierSource:
        files = list(paths)
        return cls(f"read_parquet({path_list(files)})", (), ", ".join(map(str, files)))

    @classmethod
    def from_csv(cls, paths: Iterable[Path]) -> DossierSource:
        """Canonical records in CSV (the store's columns, with a header)."""
        files = list(paths)
        types = ", ".join(f"{text(name)}: {text(sql_type)}" for name, sql_type in STORE_COLUMNS)
        relation = f"read_csv({path_list(files)}, header = true, columns = {{{types}}})"
        return cls(relation, (), ", ".join(map(str, files)))


# The query ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRequest:
    start: date
    end: date
    by: tuple[str, ...] = ("unit", "month")

    def __post_init__(self) -> None:
        unknown = [name for name in self.by if name not in DIMENSIONS]
        if unknown:
            raise ValueError(
                f"không nhóm theo được «{', '.join(unknown)}» (có: {', '.join(DIMENSIONS)})"
            )
        if len([name for name in self.by if name in TIME_DIMENSIONS]) > 1:
            raise ValueError("chỉ chọn một trong month, quarter, year")
        if self.end < self.start:
            raise ValueError("--to phải sau --from")

    @property
    def grain(self) -> str | None:
        return next((name for name in self.by if name in TIME_DIMENSIONS), None)

    @property
    def key_columns(self) -> tuple[str, ...]:
        """Output key columns, in SQL; the province is one constant key."""
        columns = []
        if "group" in self.by:
            columns.append("unit_group")
        if "unit" in self.by:
            columns.append("unit_code")
        if "procedure" in self.by:
            columns.append("procedure_code")
        return tuple(columns) or ("province",)

    @property
    def periods(self) -> list[Period]:
        return periods_between(self.start, self.end, self.grain)


@dataclass
class IndicatorRow:
    keys: dict[str, str]
    period: Period
    counts: dict[str, int]
    rates: dict[str, Decimal | None]
    feeds: dict[str, Any] = field(default_factory=dict)
    points: Any = None  # qd766.PointsResult when computed

    def fraction(self, name: str) -> tuple[int, int] | None:
        """(numerator, denominator) of a rate, for data-scored criteria and points; None for an
        unknown rate and for a rate the export has no data for (never a made-up 0 ÷ N)."""
        rate = RATES_BY_NAME.get(name)
        if rate is None or not rate_measured(rate, self.counts):
            return None
        return self.counts[rate.numerator], self.counts[rate.denominator]

    def measured(self, name: str) -> bool:
        """Whether the export carries the data of rate `name` for this row's dossiers."""
        return rate_measured(RATES_BY_NAME[name], self.counts)

    @property
    def unmeasured(self) -> list[str]:
        """The rates this row has no data for (shown as «không có dữ liệu»)."""
        return [rate.name for rate in RATES if not rate_measured(rate, self.counts)]


@dataclass
class IndicatorTable:
    request: IndicatorRequest
    rows: list[IndicatorRow]
    sql: tuple[str, ...]
    batches: tuple[str, ...]
    computed_at: datetime
    source: str

    def find(self, **keys: str) -> list[IndicatorRow]:
        return [row for row in self.rows if all(row.keys.get(k) == v for k, v in keys.items())]


STAGE1_TABLE = "indicator_stage1"
UNITS_TABLE = "indicator_units"


def stage1_select(request: IndicatorRequest) -> str:
    """Records → key × received period × closed period × deadline period, with counts.

    The period keys are computed in a derived table and grouped by name: grouping by a select
    alias is not portable (Trino refuses it).
    """
    start, grain = request.start, request.grain
    end_exclusive = day(request.end + timedelta(days=1))
    keys = []
    if "unit" in request.by or "group" in request.by:
        keys.append("unit_code")
    if "procedure" in request.by:
        keys.append("procedure_code")
    group_by = ", ".join([*keys, "received_period", "closed_period", "deadline_period"])
    counts = ",\n       ".join(
        f"COUNT(CASE WHEN {count.condition} THEN 1 END) AS {count.name}" for count in COUNTS
    )
    undated = ", ".join(f"'{status}'" for status in UNDATED_END_STATUSES)
    return f"""SELECT {group_by},
       COUNT(*) AS dossiers,
       {counts}
FROM (
    SELECT e.*,
           {key_sql("received_at", grain, start)} AS received_period,
           CASE WHEN closed_at < {end_exclusive} THEN {key_sql("closed_at", grain, start)} END
               AS closed_period,
           CASE WHEN deadline_at < {end_exclusive} THEN {key_sql("deadline_at", grain, start)} END
               AS deadline_period
    FROM (
        SELECT d.*,
               COALESCE(finished_at, CASE WHEN status IN ({undated}) THEN received_at END)
                   AS closed_at
        FROM dossiers AS d
    ) AS e
    WHERE received_at < {end_exclusive} AND (closed_at IS NULL OR closed_at >= {day(start)})
) AS periods
GROUP BY {group_by}"""


def stage2_select(request: IndicatorRequest) -> str:
    """Stage 1 → counts per output key and period, with the running (snapshot) counts."""
    keys = list(request.key_columns)
    key_select = ", ".join(keys)
    if "unit_group" in keys:
        keyed = (
            "SELECT COALESCE(u.grp, '(chưa phân nhóm)') AS unit_group, s.* "
            f"FROM {STAGE1_TABLE} AS s LEFT JOIN {UNITS_TABLE} AS u ON u.code = s.unit_code"
        )
    elif keys == ["province"]:
        keyed = f"SELECT 'province' AS province, s.* FROM {STAGE1_TABLE} AS s"
    else:
        keyed = f"SELECT * FROM {STAGE1_TABLE}"
    received = [c.name for c in COUNTS if c.attribution == "received"]
    closed = [c.name for c in COUNTS if c.attribution == "closed"]
    measures = ["received", "closed", "due", "due_closed", *received, *closed]

    def event(period: str, where: str, values: dict[str, str]) -> str:
        columns = ", ".join(f"{values.get(name, '0')} AS {name}" for name in measures)
        return (
            f"SELECT {key_select}, {period} AS period_key, {columns} FROM keyed "
            f"{where} GROUP BY {key_select}, {period}"
        )

    events = "\n    UNION ALL\n    ".join(
        [
            event(
                "received_period",
                "",
                {"received": "SUM(dossiers)", **{n: f"SUM({n})" for n in received}},
            ),
            event(
                "closed_period",
                "WHERE closed_period IS NOT NULL",
                {"closed": "SUM(dossiers)", **{n: f"SUM({n})" for n in closed}},
            ),
            event("deadline_period", "WHERE deadline_period IS NOT NULL", {"due": "SUM(dossiers)"}),
            event(
                "GREATEST(deadline_period, closed_period)",
                "WHERE deadline_period IS NOT NULL AND closed_period IS NOT NULL",
                {"due_closed": "SUM(dossiers)"},
            ),
        ]
    )
    period_keys = ", ".join(f"({key})" for key in [BEFORE, *(p.key for p in request.periods)])
    summed = ", ".join(f"COALESCE(SUM(e.{name}), 0) AS {name}" for name in measures)
    join_keys = " AND ".join(f"e.{key} = g.{key}" for key in keys)
    window = (
        f"PARTITION BY {key_select} ORDER BY period_key "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
    )
    return f"""WITH keyed AS ({keyed}),
events AS (
    {events}
),
grid AS (
    SELECT k.*, p.period_key
    FROM (SELECT DISTINCT {key_select} FROM events) AS k
    CROSS JOIN (VALUES {period_keys}) AS p(period_key)
),
filled AS (
    SELECT {", ".join(f"g.{key}" for key in keys)}, g.period_key, {summed}
    FROM grid AS g
    LEFT JOIN events AS e ON {join_keys} AND e.period_key = g.period_key
    GROUP BY {", ".join(f"g.{key}" for key in keys)}, g.period_key
),
running AS (
    SELECT f.*,
           SUM(received - closed) OVER w AS processing,
           SUM(due - due_closed) OVER w AS overdue,
           (SUM(received - closed) OVER w) - received + closed AS carried_over
    FROM filled AS f
    WINDOW w AS ({window})
)
SELECT * FROM running
WHERE period_key <> {BEFORE} AND (received > 0 OR closed > 0 OR processing > 0)
ORDER BY {key_select}, period_key"""


StageCallback = Callable[[str], None]


def compute_indicators(
    source: DossierSource,
    request: IndicatorRequest,
    *,
    reference: Reference | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
    on_stage: StageCallback | None = None,
) -> IndicatorTable:
    """Counts and rates for `request` over `source`, in DuckDB. Feeds and 766 points are added
    by callers (`feeds.attach_feeds`, `qd766.attach_points`) so that this stays the dossier
    computation. `compute_indicators_on` runs the same statements on another engine."""
    from .engines import DuckDBEngine

    own_connection = connection is None
    connection = connection or connect()
    try:
        engine = DuckDBEngine(connection)
        engine.register_dossiers(source.relation)
        return compute_indicators_on(
            engine,
            request,
            reference=reference,
            batches=source.batches,
            label=source.label,
            on_stage=on_stage,
        )
    finally:
        if own_connection:
            connection.close()


def compute_indicators_on(
    engine: Any,
    request: IndicatorRequest,
    *,
    reference: Reference | None = None,
    batches: tuple[str, ...] = (),
    label: str = "",
    on_stage: StageCallback | None = None,
) -> IndicatorTable:
    """The indicator statements on `engine` (an `engines.SqlEngine` whose relation `dossiers`
    holds the canonical records): the same SELECTs on DuckDB, Spark SQL or PostgreSQL; only
    the engine's way of keeping statement 1's result differs."""
    stage = on_stage or (lambda _: None)
    units = [(u.code, u.group) for u in reference.units.values()] if reference else []
    engine.materialize(UNITS_TABLE, values_relation(units or [("", "")], "code, grp"))
    stage("Quét hồ sơ")
    stage1 = engine.materialize(STAGE1_TABLE, stage1_select(request))
    stage("Tổng hợp theo kỳ")
    stage2 = stage2_select(request)
    names, fetched = engine.query(stage2)
    periods = {period.key: period for period in request.periods}
    key_columns = request.key_columns
    table_rows: list[IndicatorRow] = []
    for values in fetched:
        record = dict(zip(names, values, strict=True))
        counts = {name: int(record[name]) for name in SNAPSHOT_COUNTS}
        counts.update({count.name: int(record[count.name]) for count in COUNTS})
        counts.update(derived_counts(counts))
        rates = {
            rate.name: percent(counts[rate.numerator], counts[rate.denominator]) for rate in RATES
        }
        keys = {column: str(record[column]) for column in key_columns}
        table_rows.append(
            IndicatorRow(
                _describe_keys(keys, reference), periods[int(record["period_key"])], counts, rates
            )
        )
    return IndicatorTable(
        request=request,
        rows=table_rows,
        sql=(stage1, stage2),
        batches=batches,
        computed_at=datetime.now().astimezone(),
        source=label,
    )


def empty_row(keys: dict[str, str], period: Period, reference: Reference | None) -> IndicatorRow:
    """A row with no dossiers (for a unit that has only feed figures in the period)."""
    counts = dict.fromkeys(SNAPSHOT_COUNTS, 0)
    counts.update({count.name: 0 for count in COUNTS})
    counts.update(derived_counts(counts))
    rates: dict[str, Decimal | None] = dict.fromkeys(RATES_BY_NAME)
    return IndicatorRow(_describe_keys(keys, reference), period, counts, rates)


def _describe_keys(keys: dict[str, str], reference: Reference | None) -> dict[str, str]:
    """Add the names a reader needs beside the codes."""
    described = dict(keys)
    if "province" in keys:
        described["province"] = "Toàn tỉnh"
    if "unit_code" in keys:
        unit = reference.units.get(keys["unit_code"]) if reference else None
        described["unit_name"] = unit.name if unit else keys["unit_code"]
        described.setdefault("unit_group", unit.group if unit else "")
    if "procedure_code" in keys:
        described["procedure_name"] = (
            reference.procedure_name(keys["procedure_code"])
            if reference
            else keys["procedure_code"]
        )
    return described
