"""PDF reports: a unit's scorecard and the whole province's results (WeasyPrint).

HTML templates under `results/pdf/` are rendered by Django and laid out by WeasyPrint,
which embeds the fonts it uses (Noto Sans, else DejaVu Sans, found on the machine through
Pango/fontconfig) so that Vietnamese text prints anywhere. Charts are the same server-side
SVGs as on the pages, embedded as data URIs: nothing is fetched from the network.
"""

from __future__ import annotations

import datetime
import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from parindex.common.svg import data_uri
from parindex.periods.models import AssessmentPeriod
from parindex.results import charts
from parindex.results.selectors import (
    RankingPage,
    Scorecard,
    Standing,
    class_band_texts,
    page_scorecards,
)

Progress = Callable[[str], None]

# WeasyPrint logs every layout step at INFO; the project's root logger would print them all.
logging.getLogger("weasyprint").setLevel(logging.WARNING)


def area_chart_uri(card: Scorecard, *, text: bool = False) -> str:
    """The unit against its group's average, per area (% of the maximum), as a data URI;
    `text` for PDFs (see `charts.ranking_chart`)."""
    return data_uri(
        charts.area_chart(
            [f"{area.code}. {area.title}" for area in card.areas],
            [area.percent for area in card.areas],
            [area.average_percent for area in card.areas],
            unit_label=card.unit.name,
            text=text,
        )
    )


def ranking_chart_uri(standing: Standing, *, text: bool = False) -> str:
    ranking = standing.ranking
    if ranking is None:
        return ""
    return data_uri(
        charts.ranking_chart(
            [
                (
                    f"{ranking.ranks[code]}. {standing.units[code].name}",
                    ranking.results[code].index,
                    ranking.classes[code],
                )
                for code in standing.ordered()
            ],
            standing.framework.info.class_bands,
            text=text,
        )
    )


def slug(text: str) -> str:
    """An ASCII file-name part: "Xã An Bình" → "xa-an-binh"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "ket-qua"


def unit_pdf_name(card: Scorecard) -> str:
    return f"phieu-ket-qua-{slug(card.unit.code)}-{card.standing.period.year}.pdf"


def province_pdf_name(period: AssessmentPeriod) -> str:
    return f"bao-cao-ket-qua-cchc-{period.year}.pdf"


def render_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango on import, which pages without PDFs do not need.
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())


def _common(period: AssessmentPeriod, when: datetime.datetime, demo: bool) -> dict[str, Any]:
    return {"period": period, "when": when, "demo": demo}


def unit_pdf(card: Scorecard, *, when: datetime.datetime, demo: bool = False) -> bytes:
    html = render_to_string(
        "results/pdf/unit.html",
        {
            **_common(card.standing.period, when, demo),
            "card": card,
            "chart": area_chart_uri(card, text=True),
            "class_bands": class_band_texts(card.framework.info.class_bands),
        },
    )
    return render_pdf(html)


@dataclass(frozen=True)
class GroupSection:
    page: RankingPage
    chart: str
    cards: list[tuple[Scorecard, str]]  # each unit's scorecard and its area chart
    class_bands: list[str]
    colours: dict[str, str]


def group_section(page: RankingPage, progress: Progress | None = None) -> GroupSection:
    """A group's part of the province report: ranking, chart, and every unit's scorecard."""
    drawn = []
    for card in page_scorecards(page):
        if progress is not None:
            progress(card.unit.name)
        drawn.append((card, area_chart_uri(card, text=True)))
    return GroupSection(
        page=page,
        chart=ranking_chart_uri(page.standing, text=True),
        cards=drawn,
        class_bands=class_band_texts(page.framework.info.class_bands),
        colours=charts.class_colours(page.framework.info.class_bands),
    )


def province_pdf(
    period: AssessmentPeriod,
    sections: Sequence[GroupSection],
    *,
    when: datetime.datetime,
    demo: bool = False,
) -> bytes:
    html = render_to_string(
        "results/pdf/province.html",
        {**_common(period, when, demo), "sections": sections},
    )
    return render_pdf(html)
