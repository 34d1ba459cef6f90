"""Charts as SVG, drawn on the server with matplotlib (no JavaScript, no internet).

Pages and PDFs embed the SVG as a data URI. Glyphs are drawn as paths, so a chart looks the
same on a machine without the fonts it was drawn with. Titles, axes and legends are in the
page's language, numbers use a decimal comma. Drawing is deterministic (fixed ids, no date),
cached by its inputs and the language, and serialised by a lock: matplotlib's font objects are not safe to share between threads, and
gunicorn runs several threads per worker.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from typing import cast

from django.utils.translation import get_language, gettext
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.projections.polar import PolarAxes
from matplotlib.ticker import FuncFormatter, MultipleLocator

from parindex.common.svg import DRAW_LOCK, comma, svg
from parindex.engine import ClassBand, format_number

# Class colours, best class first (the app's ok/accent/warn/bad palette), then greys.
CLASS_COLOURS = ("#1e7b34", "#0b5cad", "#c27c0e", "#b3261e", "#6b7280", "#9ca3af")
UNCLASSED_COLOUR = "#9ca3af"
UNIT_COLOUR = "#b3261e"
AVERAGE_COLOUR = "#0b5cad"
# Up to this many units the bars are horizontal and named; above, columns by rank.
NAMED_BARS = 40


def class_colours(bands: Sequence[ClassBand]) -> dict[str, str]:
    ordered = sorted(bands, key=lambda band: band.min_percent, reverse=True)
    return {
        band.label: CLASS_COLOURS[min(position, len(CLASS_COLOURS) - 1)]
        for position, band in enumerate(ordered)
    }


def _short(text: str, width: int, lines: int = 2) -> str:
    """Wrap a long Vietnamese title onto at most `lines` lines, with an ellipsis if cut."""
    wrapped = textwrap.wrap(text, width) or [""]
    if len(wrapped) > lines:
        wrapped = [
            *wrapped[: lines - 1],
            textwrap.shorten(" ".join(wrapped[lines - 1 :]), width, placeholder="…"),
        ]
    return "\n".join(wrapped)


# --- the ranking ------------------------------------------------------------------------------

Bar = tuple[str, Decimal, str]  # (unit label, index, class label)


def ranking_chart(
    bars: Sequence[Bar],
    bands: Sequence[ClassBand],
    *,
    highlight: str | None = None,
    text: bool = False,
) -> str:
    """The group's index per unit, best first, coloured by class, with the class thresholds.

    `text` keeps labels as SVG text (for PDFs); pages get glyph outlines, which look the same
    on a computer without Noto Sans or DejaVu Sans.
    """
    key = (
        tuple((label, str(index), class_label) for label, index, class_label in bars),
        tuple((band.label, str(band.min_percent)) for band in bands),
        highlight,
        text,
        get_language(),
    )
    return _ranking_chart(*key)


@lru_cache(maxsize=128)
def _ranking_chart(
    bars: tuple[tuple[str, str, str], ...],
    bands: tuple[tuple[str, str], ...],
    highlight: str | None,
    text: bool,
    language: str,
) -> str:
    class_bands = [ClassBand(label, Decimal(minimum)) for label, minimum in bands]
    colours = class_colours(class_bands)
    values = [float(index) for _label, index, _class in bars]
    colour_of = [colours.get(class_label, UNCLASSED_COLOUR) for _label, _index, class_label in bars]
    named = len(bars) <= NAMED_BARS
    with DRAW_LOCK:
        if named:
            height = max(1.6, 0.28 * len(bars) + 0.9)
            figure = Figure(figsize=(7.5, height))
            axes = figure.add_subplot()
            positions = list(range(len(bars)))
            drawn = axes.barh(positions, values, color=colour_of, height=0.72)
            axes.set_yticks(positions, [_short(label, 42, 1) for label, _index, _class in bars])
            axes.invert_yaxis()
            axes.set_xlim(0, 100)
            axes.xaxis.set_major_locator(MultipleLocator(10))
            axes.xaxis.set_major_formatter(FuncFormatter(comma))
            axes.set_xlabel(gettext("Chỉ số (%)"))
            for bar, value in zip(drawn, values, strict=True):
                axes.text(
                    bar.get_width() + 0.8,
                    bar.get_y() + bar.get_height() / 2,
                    format_number(Decimal(str(value)), 2),
                    va="center",
                    fontsize=7.5,
                )
            for band in class_bands:
                if band.min_percent > 0:
                    axes.axvline(float(band.min_percent), color="#5b6878", lw=0.7, ls="--")
            if highlight is not None:
                for tick, (label, _index, _class) in zip(axes.get_yticklabels(), bars, strict=True):
                    if label == highlight:
                        tick.set_fontweight("bold")
        else:
            figure = Figure(figsize=(9, 3.6))
            axes = figure.add_subplot()
            positions = list(range(1, len(bars) + 1))
            axes.bar(positions, values, color=colour_of, width=0.85)
            axes.set_xlim(0.3, len(bars) + 0.7)
            axes.set_ylim(0, 100)
            axes.yaxis.set_major_locator(MultipleLocator(10))
            axes.yaxis.set_major_formatter(FuncFormatter(comma))
            axes.set_ylabel(gettext("Chỉ số (%)"))
            axes.set_xlabel(gettext("Thứ tự trong bảng xếp hạng"))
            for band in class_bands:
                if band.min_percent > 0:
                    axes.axhline(float(band.min_percent), color="#5b6878", lw=0.7, ls="--")
        axes.spines[["top", "right"]].set_visible(False)
        legend = [
            Patch(
                color=colours[band.label],
                label=f"{band.label} (≥ {format_number(band.min_percent)}%)",
            )
            if band.min_percent > 0
            else Patch(color=colours[band.label], label=band.label)
            for band in class_bands
        ]
        figure.legend(
            handles=legend,
            loc="upper center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=len(legend),
            frameon=False,
            title=gettext("Xếp loại"),
            title_fontsize=8.5,
        )
        figure.subplots_adjust(top=1 - 0.55 / figure.get_figheight())
        return svg(figure, text=text, title=ranking_summary(bars))


def ranking_summary(bars: Sequence[tuple[str, Decimal | str, str]]) -> str:
    """The ranking chart in one sentence (its SVG title): how many units, the first and the last."""
    if not bars:
        return gettext("Biểu đồ chỉ số: chưa có đơn vị nào")
    (top, top_index, _top_class), (bottom, bottom_index, _bottom_class) = bars[0], bars[-1]
    return gettext(
        "Biểu đồ chỉ số của %(count)s đơn vị, tô màu theo xếp loại; cao nhất %(top)s: "
        "%(top_index)s%%, thấp nhất %(bottom)s: %(bottom_index)s%%"
    ) % {
        "count": len(bars),
        "top": top,
        "top_index": format_number(Decimal(str(top_index)), 2),
        "bottom": bottom,
        "bottom_index": format_number(Decimal(str(bottom_index)), 2),
    }


# --- a unit against its group ----------------------------------------------------------------


def area_chart(
    labels: Sequence[str],
    unit_percents: Sequence[Decimal | None],
    average_percents: Sequence[Decimal | None],
    *,
    unit_label: str,
    average_label: str | None = None,
    text: bool = False,
) -> str:
    """Each area's share of its maximum: the unit against the group average.

    A radar chart from three areas on; with fewer, a radar is a line, so bars instead.
    Missing values (an area without published points) are drawn as 0 and said in the label.
    """
    return _area_chart(
        tuple(labels),
        tuple(None if value is None else str(value) for value in unit_percents),
        tuple(None if value is None else str(value) for value in average_percents),
        unit_label,
        gettext("Trung bình nhóm") if average_label is None else average_label,
        text,
        get_language(),
    )


@lru_cache(maxsize=512)
def _area_chart(
    labels: tuple[str, ...],
    unit_percents: tuple[str | None, ...],
    average_percents: tuple[str | None, ...],
    unit_label: str,
    average_label: str,
    text: bool,
    language: str,
) -> str:
    unit_values = [float(value) if value is not None else 0.0 for value in unit_percents]
    average_values = [float(value) if value is not None else 0.0 for value in average_percents]
    shown = [
        label if unit is not None else gettext("%(area)s (không có số liệu)") % {"area": label}
        for label, unit in zip(labels, unit_percents, strict=True)
    ]
    with DRAW_LOCK:
        if len(labels) >= 3:
            figure = _radar(shown, unit_values, average_values, unit_label, average_label)
        else:
            figure = _paired_bars(shown, unit_values, average_values, unit_label, average_label)
        title = gettext(
            "Tỷ lệ điểm đạt so với tối đa từng lĩnh vực (%%): %(unit)s và %(average)s"
        ) % {"unit": unit_label, "average": average_label}
        figures = "; ".join(
            f"{label} {_percent(unit)} ({_percent(average)})"
            for label, unit, average in zip(labels, unit_percents, average_percents, strict=True)
        )
        return svg(figure, text=text, title=f"{title}: {figures}")


def _percent(value: str | None) -> str:
    return "—" if value is None else format_number(Decimal(value), 2)


def _radar(
    labels: Sequence[str],
    unit_values: Sequence[float],
    average_values: Sequence[float],
    unit_label: str,
    average_label: str,
) -> Figure:
    count = len(labels)
    # The first area at the top, the others clockwise, as radar charts are read.
    angles = [2 * math.pi * position / count for position in range(count)]
    closed = [*angles, angles[0]]
    figure = Figure(figsize=(6.2, 5.4))
    axes = cast(PolarAxes, figure.add_subplot(projection="polar"))
    axes.set_theta_offset(math.pi / 2)
    axes.set_theta_direction(-1)
    axes.plot(closed, [*average_values, average_values[0]], color=AVERAGE_COLOUR, lw=1.4, ls="--")
    axes.fill(closed, [*average_values, average_values[0]], color=AVERAGE_COLOUR, alpha=0.08)
    axes.plot(closed, [*unit_values, unit_values[0]], color=UNIT_COLOUR, lw=2)
    axes.fill(closed, [*unit_values, unit_values[0]], color=UNIT_COLOUR, alpha=0.15)
    axes.set_ylim(0, 100)
    axes.set_yticks([20, 40, 60, 80, 100], ["20%", "40%", "60%", "80%", "100%"], fontsize=7)
    axes.set_rlabel_position(180 / count)
    axes.set_xticks(angles, [_short(label, 22) for label in labels], fontsize=8)
    axes.tick_params(axis="x", pad=6)
    for tick, angle in zip(axes.get_xticklabels(), angles, strict=True):
        # Labels grow away from the circle: leftwards on the left half, rightwards on the right.
        side = math.sin(angle)
        tick.set_horizontalalignment("left" if side > 0.1 else "right" if side < -0.1 else "center")
    axes.legend(
        handles=[
            Patch(color=UNIT_COLOUR, label=unit_label),
            Patch(color=AVERAGE_COLOUR, label=average_label),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=2,
        frameon=False,
    )
    return figure


def _paired_bars(
    labels: Sequence[str],
    unit_values: Sequence[float],
    average_values: Sequence[float],
    unit_label: str,
    average_label: str,
) -> Figure:
    figure = Figure(figsize=(6.2, 0.9 + 0.8 * len(labels)))
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    axes.barh(
        [p - 0.18 for p in positions], unit_values, height=0.34, color=UNIT_COLOUR, label=unit_label
    )
    axes.barh(
        [p + 0.18 for p in positions],
        average_values,
        height=0.34,
        color=AVERAGE_COLOUR,
        label=average_label,
    )
    axes.set_yticks(positions, [_short(label, 30) for label in labels])
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _p: f"{comma(value)}%"))
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, frameon=False)
    return figure
