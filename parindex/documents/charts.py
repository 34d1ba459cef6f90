"""Charts for Word documents, as PNG: a group's index per unit, coloured by class."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MultipleLocator

from parindex.common.svg import DRAW_LOCK, comma, png
from parindex.engine import ClassBand
from parindex.results.charts import UNCLASSED_COLOUR, class_colours


def ranking_png(bars: Sequence[tuple[str, Decimal, str]], bands: Sequence[ClassBand]) -> bytes:
    """One horizontal bar per unit (best first), its index, coloured by its class, with the
    class thresholds as dashed lines; sized for a portrait A4 page."""
    colours = class_colours(bands)
    with DRAW_LOCK:
        height = min(9.5, max(1.8, 0.16 * len(bars) + 0.9))
        figure = Figure(figsize=(6.3, height))
        axes = figure.add_subplot()
        positions = list(range(len(bars)))
        axes.barh(
            positions,
            [float(index) for _label, index, _class in bars],
            color=[colours.get(label, UNCLASSED_COLOUR) for _name, _index, label in bars],
            height=0.75,
        )
        size = 7 if len(bars) <= 30 else 5
        axes.set_yticks(positions, [name for name, _index, _class in bars], fontsize=size)
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        axes.xaxis.set_major_locator(MultipleLocator(10))
        axes.xaxis.set_major_formatter(FuncFormatter(comma))
        axes.set_xlabel(gettext("Chỉ số (%)"))
        for band in bands:
            if band.min_percent > 0:
                axes.axvline(float(band.min_percent), color="#5b6878", lw=0.7, ls="--")
        axes.margins(y=0.01)
        return png(figure)
