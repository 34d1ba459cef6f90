"""Charts of the national position: the province's PAR INDEX over the years against the
national and regional averages, and its areas against the national average. Drawn with
matplotlib under the one drawing lock; SVG for the page, PNG for the Word report."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from django.utils.translation import gettext
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from parindex.common.svg import DRAW_LOCK, comma, png, svg

PROVINCE_COLOUR = "#b3261e"
NATIONAL_COLOUR = "#0b5cad"
REGION_COLOUR = "#1e7b34"


def _render(draw: Callable[[], Figure], output: str, title: str) -> str | bytes:
    with DRAW_LOCK:
        figure = draw()
        return png(figure) if output == "png" else svg(figure, title=title)


def years_chart(
    province: str,
    series: Mapping[int, Decimal],
    national: Mapping[int, Decimal],
    region: str,
    regional: Mapping[int, Decimal],
    *,
    output: str = "svg",
) -> str | bytes:
    """PAR INDEX by year: the province, the national average of the table, the region's
    published average (for the years it has one)."""

    def draw() -> Figure:
        figure = Figure(figsize=(7, 3.2))
        axes = figure.add_subplot()
        years = sorted(set(series) | set(national) | set(regional))
        for label, values, colour, style, offset in (
            (province, series, PROVINCE_COLOUR, "-o", 7),
            (gettext("Trung bình cả nước (bảng đã nhập)"), national, NATIONAL_COLOUR, "--s", -13),
            (
                gettext("Trung bình vùng %(region)s (công bố)") % {"region": region},
                regional,
                REGION_COLOUR,
                ":^",
                7,
            ),
        ):
            shown = [year for year in years if year in values]
            if not shown:
                continue
            points = [float(values[year]) for year in shown]
            axes.plot(shown, points, style, color=colour, label=label, lw=1.6, ms=5)
            for year, value in zip(shown, points, strict=True):
                axes.annotate(
                    comma(value),
                    (year, value),
                    textcoords="offset points",
                    xytext=(0, offset),
                    ha="center",
                    fontsize=7.5,
                    color=colour,
                )
        axes.set_xticks(years, [str(year) for year in years])
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.yaxis.set_major_formatter(FuncFormatter(comma))
        axes.set_ylabel(gettext("Chỉ số CCHC (%)"))
        axes.grid(axis="y", color="#e5e7eb")
        axes.legend(fontsize=7.5, loc="lower left", frameon=False)
        axes.margins(x=0.15, y=0.25)
        return figure

    title = gettext(
        "Chỉ số CCHC của %(province)s, trung bình cả nước và trung bình vùng qua các năm"
    ) % {"province": province}
    return _render(draw, output, title)


def areas_chart(
    names: Sequence[str],
    province: Sequence[Decimal],
    national: Sequence[Decimal],
    province_label: str,
    *,
    output: str = "svg",
) -> str | bytes:
    """Each area's share of its maximum: the province against the national average."""

    def draw() -> Figure:
        figure = Figure(figsize=(7, 0.55 * len(names) + 1.0))
        axes = figure.add_subplot()
        positions = list(range(len(names)))
        height = 0.38
        axes.barh(
            [p - height / 2 for p in positions],
            [float(v) for v in province],
            height,
            color=PROVINCE_COLOUR,
            label=province_label,
        )
        axes.barh(
            [p + height / 2 for p in positions],
            [float(v) for v in national],
            height,
            color=NATIONAL_COLOUR,
            label=gettext("Trung bình cả nước"),
        )
        for position, value in zip(positions, province, strict=True):
            axes.text(
                float(value) + 0.8,
                position - height / 2,
                comma(float(value)),
                va="center",
                fontsize=7,
            )
        axes.set_yticks(
            positions, ["\n".join(textwrap.wrap(name, 38)[:2]) for name in names], fontsize=7.5
        )
        axes.invert_yaxis()
        axes.set_xlim(0, 105)
        axes.xaxis.set_major_formatter(FuncFormatter(comma))
        axes.set_xlabel(gettext("Tỷ lệ điểm đạt so với điểm tối đa (%)"))
        axes.legend(fontsize=7.5, loc="lower right", frameon=True)
        return figure

    title = gettext("Tỷ lệ điểm theo lĩnh vực của %(province)s và trung bình cả nước") % {
        "province": province_label
    }
    return _render(draw, output, title)
