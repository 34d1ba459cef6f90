"""Monthly trend charts of the service indicators, drawn on the server as SVG (matplotlib).

No JavaScript library and no CDN: the page embeds the SVG as a data URI. Glyphs are drawn as
paths so a chart looks the same on a computer without the fonts; labels are in the page's
language and numbers use a decimal comma. Drawing holds a lock (matplotlib's font objects are
not safe to share between threads) and is cached by its inputs and the language.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import get_language, gettext
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator

from parindex.common.svg import DRAW_LOCK, comma, svg
from parindex.engine import format_number
from parindex.servicedata.indicators import RATES_BY_NAME

from .labels import servicedata_text
from .selectors import Trend

# One colour per rate, kept across charts so that a reader learns them once.
RATE_COLOURS = {
    "on_time_rate": "#1e7b34",
    "online_rate": "#0b5cad",
    "online_payment_rate": "#c27c0e",
    "digitisation_rate": "#6b3fa0",
}
RECEIVED_COLOUR = "#9db7d5"
HANDLED_COLOUR = "#0b5cad"
LATE_COLOUR = "#b3261e"


def month_labels(trend: Trend) -> tuple[str, ...]:
    """ "T1" … "T12" (Tháng: month), with the year under the first month and under each
    January."""
    labels = []
    for position, month in enumerate(trend.months):
        label = gettext("T%(month)s") % {"month": month.start.month}
        if position == 0 or month.start.month == 1:
            label += f"\n{month.start.year}"
        labels.append(label)
    return tuple(labels)


def rates_chart(trend: Trend) -> str:
    """The main rates per month (%), one line each; a month without cases leaves a gap."""
    series = tuple(
        (name, tuple(None if value is None else str(value) for value in values))
        for name, values in trend.rates.items()
    )
    return _rates_chart(get_language(), month_labels(trend), series)


@lru_cache(maxsize=256)
def _rates_chart(
    language: str, labels: tuple[str, ...], series: tuple[tuple[str, tuple[str | None, ...]], ...]
) -> str:
    with DRAW_LOCK:
        figure = Figure(figsize=(7.6, 3.0))
        axes = figure.add_subplot()
        positions = list(range(len(labels)))
        for name, values in series:
            points = [float(value) if value is not None else float("nan") for value in values]
            axes.plot(
                positions,
                points,
                marker="o",
                markersize=3.5,
                linewidth=1.6,
                color=RATE_COLOURS.get(name, "#5b6878"),
                label=servicedata_text(RATES_BY_NAME[name].label),
            )
        axes.set_xticks(positions, labels)
        axes.set_ylim(0, 100)
        axes.yaxis.set_major_locator(MultipleLocator(20))
        axes.yaxis.set_major_formatter(FuncFormatter(comma))
        axes.set_ylabel("%")
        axes.grid(axis="y", color="#d9e0e8", linewidth=0.6)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.22),
            ncol=2,
            frameon=False,
            fontsize=8,
        )
        return svg(figure, title=_span_title(gettext("Tỷ lệ theo tháng (%)"), labels))


def volume_chart(trend: Trend) -> str:
    """Dossiers received and handled per month (bars), those handled late (a line)."""
    return _volume_chart(
        get_language(),
        month_labels(trend),
        tuple(trend.received),
        tuple(trend.handled),
        tuple(trend.late),
    )


@lru_cache(maxsize=256)
def _volume_chart(
    language: str,
    labels: tuple[str, ...],
    received: tuple[int, ...],
    handled: tuple[int, ...],
    late: tuple[int, ...],
) -> str:
    with DRAW_LOCK:
        figure = Figure(figsize=(7.6, 2.6))
        axes = figure.add_subplot()
        positions = list(range(len(labels)))
        width = 0.38
        received_bars = axes.bar(
            [p - width / 2 for p in positions],
            received,
            width,
            color=RECEIVED_COLOUR,
            label=gettext("Tiếp nhận mới"),
        )
        handled_bars = axes.bar(
            [p + width / 2 for p in positions],
            handled,
            width,
            color=HANDLED_COLOUR,
            label=gettext("Đã giải quyết"),
        )
        (late_line,) = axes.plot(
            positions,
            late,
            color=LATE_COLOUR,
            marker="o",
            markersize=3.5,
            label=gettext("Trễ hạn"),
        )
        axes.set_xticks(positions, labels)
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        axes.yaxis.set_major_formatter(FuncFormatter(comma))
        axes.set_ylabel(gettext("Hồ sơ"))
        axes.grid(axis="y", color="#d9e0e8", linewidth=0.6)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(
            handles=[received_bars, handled_bars, late_line],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.25),
            ncol=3,
            frameon=False,
            fontsize=8,
        )
        return svg(
            figure,
            title=_span_title(
                gettext("Số hồ sơ tiếp nhận, đã giải quyết và trễ hạn theo tháng"), labels
            ),
        )


def _span_title(what: str, labels: tuple[str, ...]) -> str:
    """A monthly chart's SVG title: what it shows, from its first to its last month (the page
    shows the figures in a table beside it)."""
    if not labels:
        return what
    first, last = (label.replace("\n", "/") for label in (labels[0], labels[-1]))
    return f"{what}: {first} – {last}"


@dataclass(frozen=True)
class TrendTable:
    """The figures of the two monthly charts as a table (shown beside them for readers who
    cannot see a chart): one row per month, the rates (%) then the dossier counts."""

    headings: list[str]
    rows: list[tuple[str, list[str], int, int, int]]


def trend_table(trend: Trend) -> TrendTable:
    names = list(trend.rates)
    headings = [servicedata_text(RATES_BY_NAME[name].label) for name in names]
    rows = [
        (
            f"{month.start.month}/{month.start.year}",
            [
                "—"
                if trend.rates[name][position] is None
                else format_number(trend.rates[name][position], 1)
                for name in names
            ],
            trend.received[position],
            trend.handled[position],
            trend.late[position],
        )
        for position, month in enumerate(trend.months)
    ]
    return TrendTable(headings, rows)
