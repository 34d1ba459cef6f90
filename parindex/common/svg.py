"""Shared ground for server-side charts: matplotlib's settings, one drawing lock, SVG (pages)
and PNG (Word documents) output.

Every chart of the platform (results, service data) is drawn with matplotlib and embedded as
an SVG data URI: no JavaScript, no internet. matplotlib's global settings and font objects
are shared by the whole process and are not thread-safe, while gunicorn and the job runner
draw from several threads, so every drawing in every app holds `DRAW_LOCK`.
"""

from __future__ import annotations

import base64
import html
import io
import threading
from decimal import Decimal

import matplotlib
from matplotlib.figure import Figure

from parindex.engine import format_number

matplotlib.rcParams.update(
    {
        # A list, so that a glyph missing from Noto Sans (e.g. "≥") falls back to DejaVu Sans.
        "font.family": ["Noto Sans", "DejaVu Sans"],
        "font.size": 9,
        "axes.unicode_minus": False,
        "svg.hashsalt": "parindex",  # stable element ids: the same data gives the same SVG
        "svg.fonttype": "path",
    }
)

DRAW_LOCK = threading.Lock()


def comma(value: float, _position: object = None) -> str:
    """A tick label with the Vietnamese decimal comma (for `FuncFormatter`)."""
    return format_number(Decimal(str(round(float(value), 2))))


def svg(figure: Figure, *, text: bool = False, title: str = "") -> str:
    """The figure as SVG. Glyphs are drawn as outlines, so a chart looks the same on a machine
    without the fonts; with `text`, labels stay text (for WeasyPrint, which has the fonts and
    draws text far faster than thousands of outlines). `title`, a sentence that sums the chart
    up, makes it an image with that name (`labelled`). Call it holding `DRAW_LOCK`."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none" if text else "path"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return labelled(buffer.getvalue(), title) if title else buffer.getvalue()


def labelled(svg_text: str, title: str) -> str:
    """The SVG as an image named `title` for assistive technology: `role="img"` and
    `aria-label` on the root element and a `<title>` as its first child (shown as a tooltip
    when the chart is opened on its own). The page that shows the chart gives the same
    summary as the `<img>`'s alt text and its figures as a table beside it."""
    start = svg_text.index("<svg")
    end = svg_text.index(">", start)
    escaped = html.escape(title, quote=True)
    return (
        f'{svg_text[:end]} role="img" aria-label="{escaped}">'
        f"<title>{escaped}</title>{svg_text[end + 1 :]}"
    )


def data_uri(svg_text: str) -> str:
    """The SVG as an `<img src>` value (pages and WeasyPrint both read it)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg_text.encode("utf-8")).decode("ascii")


def png(figure: Figure, *, dpi: int = 200) -> bytes:
    """The figure as PNG (for Word documents, which do not all show SVG). Call it holding
    `DRAW_LOCK`."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()
