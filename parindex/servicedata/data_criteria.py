"""Data-scored criteria: framework nodes whose points come from computed indicators.

A leaf with `source: data` names an indicator in `indicator`, optionally with a period:

    indicator: dossiers.on_time_rate              # the assessment period given by the caller
    indicator: dossiers.online_rate@2025-Q4       # a period of its own (periods.parse_period)
    indicator: feeds.pakn_dung_han@2025           # a figure imported as a feed

The `dossiers.` prefix is optional (`on_time_rate` is the same indicator) and `feed:<code>` is
the same as `feeds.<code>`.

`data_inputs` (pure) turns figures into the engine's `NodeInput`s — numerator and denominator
(or a percentage, or a count) with `has_evidence=True` — and a JSON-serialisable snapshot per
node: the figures, the period, when and by which SQL they were computed, and the store batches
read. The snapshot is the node's evidence; the appraiser sees it, and the unit cannot edit it
(`editable: false`). The node's own rule (ratio, bands, deduction…) gives the points.

`compute_figures` is the one function here that runs queries: the figures of the units, one
indicator query per distinct period for all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from parindex.engine import Framework, NodeInput, Problem
from parindex.engine.numbers import normalized

from .feeds import (
    FeedIndicator,
    active_feed_rows,
    attach_feeds,
    load_feed_catalogue,
    rule_values,
)
from .indicators import (
    RATES_BY_NAME,
    DossierSource,
    IndicatorRequest,
    IndicatorTable,
    compute_indicators,
)
from .periods import Period, parse_period
from .reference import Reference
from .store import Store


@dataclass(frozen=True, slots=True)
class DataRequest:
    """One data-scored node: which indicator, over which period."""

    code: str
    indicator: str
    period: Period


@dataclass(frozen=True)
class Figure:
    """A computed figure for one unit, indicator and period, with its provenance."""

    unit: str
    indicator: str
    label: str
    kind: str  # rate | count
    period: Period
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None  # a percentage given directly, or a count
    rate: Decimal | None
    unofficial: bool
    computed_at: datetime
    query: tuple[str, ...]
    batches: tuple[str, ...]

    def rule_values(self) -> dict[str, Any]:
        return rule_values(self.kind, self.numerator, self.denominator, self.value)


@dataclass(frozen=True)
class DataInputs:
    inputs: dict[str, NodeInput]
    snapshots: dict[str, dict[str, Any]]
    problems: list[Problem]


def known_indicators(catalogue: Mapping[str, FeedIndicator] | None = None) -> set[str]:
    """Indicator names a node may use: dossier rates and `feed:<code>`."""
    feeds = catalogue if catalogue is not None else load_feed_catalogue()
    return set(RATES_BY_NAME) | {f"feed:{code}" for code in feeds}


def canonical_indicator(name: str) -> str:
    """ "dossiers.on_time_rate" → "on_time_rate"; "feeds.x" → "feed:x"; others unchanged."""
    name = name.strip()
    if name.startswith("dossiers."):
        return name.removeprefix("dossiers.")
    if name.startswith("feeds."):
        return "feed:" + name.removeprefix("feeds.")
    return name


def data_requests(
    framework: Framework, default_period: Period, known: set[str]
) -> tuple[list[DataRequest], list[Problem]]:
    """The data-scored leaves of `framework` and what each needs; problems for bad names."""
    requests: list[DataRequest] = []
    problems: list[Problem] = []
    for node in framework.leaves():
        if node.source != "data":
            continue
        where = f"{framework.info.code}/{node.code}"
        written, _, period_text = node.indicator.partition("@")
        name = canonical_indicator(written)
        if not name:
            problems.append(Problem(where, "mục chấm từ dữ liệu nhưng chưa ghi «indicator»"))
            continue
        if name not in known:
            problems.append(
                Problem(where, f"chỉ số «{name}» không có (có: {', '.join(sorted(known))})")
            )
            continue
        try:
            period = parse_period(period_text) if period_text.strip() else default_period
        except ValueError as error:
            problems.append(Problem(where, str(error)))
            continue
        requests.append(DataRequest(node.code, name, period))
    return requests, problems


FigureKey = tuple[str, date, date]  # indicator, first day, last day


def figure_key(indicator: str, period: Period) -> FigureKey:
    return (indicator, period.start, period.end)


def figures_from_table(
    unit: str, table: IndicatorTable, catalogue: Mapping[str, FeedIndicator]
) -> dict[FigureKey, Figure]:
    """Every figure of `unit` in a table computed with `by=("unit",)` over one period."""
    figures: dict[FigureKey, Figure] = {}
    period = Period(table.request.start, table.request.end)
    for row in table.find(unit_code=unit):

        def figure(name: str, label: str, kind: str, unofficial: bool, **numbers: Any) -> Figure:
            return Figure(
                unit=unit,
                indicator=name,
                label=label,
                kind=kind,
                period=period,
                numerator=numbers.get("numerator"),
                denominator=numbers.get("denominator"),
                value=numbers.get("value"),
                rate=numbers.get("rate"),
                unofficial=unofficial,
                computed_at=table.computed_at,
                query=table.sql,
                batches=table.batches,
            )

        for name, rate in RATES_BY_NAME.items():
            if not row.measured(name):  # the export lacks the data: no figure, never a 0
                continue
            figures[figure_key(name, period)] = figure(
                name,
                rate.label,
                "rate",
                rate.unofficial,
                numerator=Decimal(row.counts[rate.numerator]),
                denominator=Decimal(row.counts[rate.denominator]),
                rate=row.rates[name],
            )
        for code, feed in row.feeds.items():
            entry = catalogue.get(code)
            figures[figure_key(f"feed:{code}", period)] = figure(
                f"feed:{code}",
                entry.name if entry else code,
                feed.kind,
                False,
                numerator=feed.numerator,
                denominator=feed.denominator,
                value=feed.value,
                rate=feed.rate,
            )
    return figures


def _text(value: Decimal | None) -> str | None:
    """Exact decimal text ("646", "93.96"): JSON numbers would pass through binary floats."""
    return None if value is None else format(normalized(value), "f")


def snapshot(request: DataRequest, figure: Figure) -> dict[str, Any]:
    """The evidence of a data-scored node, as plain JSON values."""
    return {
        "source": "data",
        "editable": False,
        "node": request.code,
        "unit": figure.unit,
        "indicator": figure.indicator,
        "indicator_label": figure.label,
        "unofficial": figure.unofficial,
        "period": {
            "code": request.period.code,
            "label": request.period.label,
            "start": request.period.start.isoformat(),
            "end": request.period.end.isoformat(),
        },
        "numerator": _text(figure.numerator),
        "denominator": _text(figure.denominator),
        "value": _text(figure.value),
        "rate_percent": _text(figure.rate),
        "computed_at": figure.computed_at.isoformat(timespec="seconds"),
        "query": list(figure.query),
        "store_batches": list(figure.batches),
    }


def data_inputs(
    framework: Framework,
    unit: str,
    figures: Mapping[FigureKey, Figure],
    default_period: Period,
    known: set[str],
) -> DataInputs:
    """Engine inputs and evidence snapshots for every data-scored node with a figure."""
    requests, problems = data_requests(framework, default_period, known)
    inputs: dict[str, NodeInput] = {}
    snapshots: dict[str, dict[str, Any]] = {}
    for request in requests:
        figure = figures.get(figure_key(request.indicator, request.period))
        if figure is None:
            problems.append(
                Problem(
                    f"{framework.info.code}/{request.code}",
                    f"chưa có số liệu «{request.indicator}» của {unit} kỳ {request.period.label}",
                )
            )
            continue
        inputs[request.code] = NodeInput(values=figure.rule_values(), has_evidence=True)
        snapshots[request.code] = snapshot(request, figure)
    return DataInputs(inputs, snapshots, problems)


def compute_figures(
    units: Iterable[str],
    periods: Iterable[Period],
    *,
    source: DossierSource | None,
    store: Store | None,
    reference: Reference | None,
) -> dict[str, dict[FigureKey, Figure]]:
    """The figures of each unit for each period (dossiers and feeds): one query per period."""
    catalogue = load_feed_catalogue()
    feed_rows = active_feed_rows(store) if store is not None else []
    figures: dict[str, dict[FigureKey, Figure]] = {unit: {} for unit in units}
    for period in sorted({Period(p.start, p.end) for p in periods}):
        request = IndicatorRequest(period.start, period.end, ("unit",))
        if source is not None:
            table = compute_indicators(source, request, reference=reference)
        else:  # no dossiers yet: feeds alone
            table = IndicatorTable(request, [], (), (), datetime.now().astimezone(), "")
        attach_feeds(table, feed_rows, reference, catalogue)
        for unit, unit_figures in figures.items():
            unit_figures.update(figures_from_table(unit, table, catalogue))
    return figures
