"""Reads of the service data for the pages: indicator tables, a unit's months, the drill-down.

Every figure comes from `parindex.servicedata` (the DuckDB SQL and its exact `Decimal` rates);
this module only chooses what to compute for whom and keeps recent tables in memory. A table
is keyed by the store's batches, so a new import is seen at once and nothing stale is served.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parindex.assessments.models import Assessment, NodeEntry
from parindex.assessments.selectors import engine_for_group
from parindex.engine import format_number
from parindex.periods.models import AssessmentPeriod, UnitGroup
from parindex.servicedata import (
    Drilldown,
    IndicatorRequest,
    IndicatorRow,
    IndicatorTable,
    Period,
    Reference,
    active_feed_rows,
    attach_feeds,
    attach_points,
    compute_indicators,
    drilldown,
    periods_between,
)
from parindex.servicedata.db import connect
from parindex.servicedata.indicators import RATES_BY_NAME
from parindex.servicedata.qd766 import PointsResult
from parindex.servicedata.store import Batch, Store
from parindex.units.models import Unit

from .labels import servicedata_text
from .sources import data_store, display_reference, dossier_source, points_config

GROUPINGS = {"unit": _("Đơn vị"), "group": _("Nhóm đơn vị"), "province": _("Toàn tỉnh")}
GRAINS = {"month": _("Tháng"), "quarter": _("Quý"), "year": _("Năm")}

# The rates the dashboard shows, in this order, with a short heading (the full label is the
# heading's tooltip). Rates of the unofficial 766 reconstruction are marked as such.
SHOWN_RATES: tuple[tuple[str, Any], ...] = (
    ("on_time_rate", _("Đúng hạn")),
    ("timeliness_766", _("Đúng hạn kiểu 766")),
    ("online_rate", _("Trực tuyến")),
    ("fully_online_rate", _("Trực tuyến toàn trình")),
    ("online_payment_rate", _("Thanh toán trực tuyến")),
    ("digitisation_rate", _("Số hóa hồ sơ")),
    ("satisfaction_766", _("Hài lòng kiểu 766")),
)
# The trend chart's lines: the rates a unit most often has to improve.
TREND_RATES = ("on_time_rate", "online_rate", "online_payment_rate", "digitisation_rate")


def rate_text(value: Decimal | None) -> str:
    """A rate for a table cell (the heading says %): "94,50", or "—" without cases."""
    return "—" if value is None else format_number(value, 2)


def count_text(value: int) -> str:
    return format_number(Decimal(value))


def points_text(points: PointsResult | None) -> str:
    """ "45,2/58": the points over the maximum of the components that had data."""
    if points is None or not points.scored_max:
        return "—"
    return f"{format_number(points.total, 2)}/{format_number(points.scored_max)}"


# Indicator tables, cached ----------------------------------------------------------------------


@dataclass(frozen=True)
class Computed:
    """An indicator table with feeds and the unofficial 766 points attached, and its notes."""

    table: IndicatorTable
    notes: tuple[str, ...]


_cache: OrderedDict[Hashable, Any] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 24


T = TypeVar("T")


def _cached(key: Hashable, compute: Callable[[], T]) -> T:
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = compute()  # outside the lock: two pages may compute at once, both get a right answer
    with _cache_lock:
        _cache[key] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def _fingerprint(store: Store, reference: Reference) -> tuple[Hashable, ...]:
    units = tuple(sorted((u.code, u.name, u.group) for u in reference.units.values()))
    return (str(store.root), tuple(batch.id for batch in store.batches()), hash(units))


def indicator_table(
    start: date,
    end: date,
    by: tuple[str, ...],
    *,
    store: Store | None = None,
    reference: Reference | None = None,
) -> Computed:
    """Counts, rates, feed figures and 766 points for `by` over start..end."""
    store = store or data_store()
    reference = reference or display_reference()
    request = IndicatorRequest(start, end, by)

    def compute() -> Computed:
        source = dossier_source(store)
        if source is None:
            table = IndicatorTable(request, [], (), (), datetime.now().astimezone(), "")
        else:
            table = compute_indicators(source, request, reference=reference)
        notes = attach_feeds(table, active_feed_rows(store), reference)
        attach_points(table.rows, points_config())
        table.rows.sort(key=lambda row: (tuple(row.keys.values()), row.period.start))
        return Computed(table, tuple(notes))

    return _cached(("table", *_fingerprint(store, reference), request), compute)


def unit_rows(code: str, start: date, end: date, by: tuple[str, ...]) -> list[IndicatorRow]:
    """One unit's rows of the table `by` (which must group by unit)."""
    rows = indicator_table(start, end, by).table.rows
    return [row for row in rows if row.keys.get("unit_code") == code]


def data_years(store: Store | None = None) -> list[int]:
    """The years in which dossiers were received, newest first (empty before any import)."""
    store = store or data_store()
    source = dossier_source(store)
    if source is None:
        return []

    def compute() -> list[int]:
        connection = connect()
        try:
            rows = connection.execute(
                f"SELECT DISTINCT EXTRACT(YEAR FROM received_at) AS y FROM {source.relation} "
                "ORDER BY y DESC"
            ).fetchall()
        finally:
            connection.close()
        return [int(row[0]) for row in rows if row[0] is not None]

    return _cached(("years", str(store.root), source.batches), compute)


def default_range(store: Store | None = None) -> tuple[date, date]:
    """The latest year with dossiers, or the current year before any import."""
    years = data_years(store)
    year = years[0] if years else date.today().year
    return date(year, 1, 1), date(year, 12, 31)


# Rows as the pages show them --------------------------------------------------------------------


@dataclass(frozen=True)
class RowView:
    label: str
    unit_code: str
    period: Period
    received: str
    handled: str
    late: str
    overdue: str
    rates: tuple[str, ...]  # in SHOWN_RATES order
    points: str
    row: IndicatorRow


def key_label(row: IndicatorRow) -> str:
    keys = row.keys
    if "unit_name" in keys:
        return keys["unit_name"]
    if "unit_group" in keys:
        return keys["unit_group"]
    return keys.get("province") or gettext("Toàn tỉnh")


def row_views(rows: Iterable[IndicatorRow]) -> list[RowView]:
    return [
        RowView(
            label=key_label(row),
            unit_code=row.keys.get("unit_code", ""),
            period=row.period,
            received=count_text(row.counts["received"]),
            handled=count_text(row.counts["handled"]),
            late=count_text(row.counts["late"]),
            overdue=count_text(row.counts["overdue"]),
            rates=tuple(rate_text(row.rates[name]) for name, _ in SHOWN_RATES),
            points=points_text(row.points),
            row=row,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class RateHeading:
    name: str
    short: str
    label: str
    unofficial: bool


def rate_headings() -> list[RateHeading]:
    return [
        RateHeading(
            name,
            str(short),
            servicedata_text(RATES_BY_NAME[name].label),
            RATES_BY_NAME[name].unofficial,
        )
        for name, short in SHOWN_RATES
    ]


@dataclass(frozen=True)
class Trend:
    """Monthly series of one unit (or the province) for the charts: None where nothing ran."""

    months: list[Period]
    rates: dict[str, list[Decimal | None]]
    received: list[int]
    handled: list[int]
    late: list[int]


def trend(rows: Iterable[IndicatorRow], start: date, end: date) -> Trend:
    """Monthly rows → series over every month of start..end (a month without a row is empty)."""
    months = periods_between(start, end, "month")
    by_month = {row.period.start: row for row in rows if row.period.grain == "month"}
    picked = [by_month.get(month.start) for month in months]
    return Trend(
        months=months,
        rates={name: [row.rates[name] if row else None for row in picked] for name in TREND_RATES},
        received=[row.counts["received"] if row else 0 for row in picked],
        handled=[row.counts["handled"] if row else 0 for row in picked],
        late=[row.counts["late"] if row else 0 for row in picked],
    )


# The drill-down and the batches ------------------------------------------------------------------


def drilldown_for(start: date, end: date, limit: int) -> Drilldown | None:
    """The units × procedures behind late dossiers and low online use; None before any import."""
    store = data_store()
    source = dossier_source(store)
    if source is None:
        return None
    reference = display_reference()

    def compute() -> Drilldown:
        return drilldown(
            source, start, end, reference=reference, limit=limit, config=points_config()
        )

    return _cached(("drilldown", *_fingerprint(store, reference), start, end, limit), compute)


# Data-scored criteria ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataNodeView:
    code: str
    title: str
    indicator: str
    label: str


@dataclass(frozen=True)
class GroupCriteria:
    """A unit group's data-scored nodes, and each assessment's entry for each (or None)."""

    group: UnitGroup
    nodes: list[DataNodeView]
    rows: list[tuple[Assessment, list[NodeEntry | None]]]


def indicator_label(indicator: str) -> str:
    name = indicator.partition("@")[0].removeprefix("dossiers.")
    rate = RATES_BY_NAME.get(name)
    return servicedata_text(rate.label) if rate else indicator


def criteria_overview(period: AssessmentPeriod) -> list[GroupCriteria]:
    """Every group of the period with its frameworks' data nodes and what each unit holds."""
    assessments = list(
        Assessment.objects.filter(period=period)
        .select_related("unit")
        .prefetch_related("entries")
        .order_by("unit__code")
    )
    overview = []
    for group in period.groups.select_related("framework"):
        framework = engine_for_group(group)
        nodes = [
            DataNodeView(node.code, node.title, node.indicator, indicator_label(node.indicator))
            for node in framework.leaves()
            if node.source == "data"
        ]
        rows = []
        for assessment in assessments:
            if assessment.group_id != group.pk:
                continue
            entries = {entry.node_code: entry for entry in assessment.entries.all()}
            rows.append((assessment, [entries.get(node.code) for node in nodes]))
        overview.append(GroupCriteria(group, nodes, rows))
    return overview


@dataclass(frozen=True)
class CriterionView:
    assessment: Assessment
    entry: NodeEntry
    title: str


def unit_data_criteria(unit: Unit) -> list[CriterionView]:
    """The unit's nodes scored from the service data (with a snapshot), newest period first."""
    entries = (
        NodeEntry.objects.filter(assessment__unit=unit, provenance__isnull=False)
        .select_related("assessment__period")
        .order_by("-assessment__period__year", "node_code")
    )
    views = []
    for entry in entries:
        provenance = entry.provenance or {}
        if provenance.get("source") == "data" and "indicator" in provenance:
            title = provenance.get("node_title", entry.node_code)
            views.append(CriterionView(entry.assessment, entry, title))
    return views


def batches(kind: str | None = None) -> list[Batch]:
    """Imports, newest first."""
    return list(reversed(data_store().batches(kind)))


def batch(batch_id: str) -> Batch | None:
    return next((b for b in data_store().batches() if b.id == batch_id), None)


__all__ = [
    "GRAINS",
    "GROUPINGS",
    "SHOWN_RATES",
    "Computed",
    "CriterionView",
    "DataNodeView",
    "GroupCriteria",
    "RowView",
    "Trend",
    "batch",
    "batches",
    "criteria_overview",
    "data_years",
    "default_range",
    "drilldown_for",
    "indicator_table",
    "key_label",
    "rate_headings",
    "row_views",
    "trend",
    "unit_data_criteria",
    "unit_rows",
]
