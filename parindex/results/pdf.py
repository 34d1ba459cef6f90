"""PDF reports: a unit's scorecard and the province's results, one PDF per group (WeasyPrint).

HTML templates under `results/pdf/` are rendered by Django and laid out by WeasyPrint,
which embeds the fonts it uses (Noto Sans, else DejaVu Sans, found on the machine through
Pango/fontconfig) so that Vietnamese text prints anywhere. Charts are the same server-side
SVGs as on the pages, embedded as data URIs: nothing is fetched from the network.

A group's PDF runs to hundreds of pages. It is laid out in parts, its cover and ranking, then
each unit's scorecard, each part a document of its own numbered on from the one before, and
the parts' pages are written as one PDF: no single layout takes minutes, and the job reports
progress after each unit. `layout_pdf` and `write_pdf` are the only calls into WeasyPrint.
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
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from parindex.common.svg import data_uri
from parindex.criteria.labels import node_label
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
            [node_label(card.framework, area.code, area.title) for area in card.areas],
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


def province_archive_name(period: AssessmentPeriod) -> str:
    return f"bao-cao-ket-qua-cchc-{period.year}.zip"


def summary_pdf_name(period: AssessmentPeriod) -> str:
    return f"00-tong-hop-{period.year}.pdf"


def group_pdf_name(period: AssessmentPeriod, number: int, page: RankingPage) -> str:
    return f"{number:02d}-{slug(page.standing.group.name)}-{period.year}.pdf"


def layout_pdf(html: str) -> Any:
    """WeasyPrint's layout of one HTML document (a `weasyprint.Document`, with its `pages`):
    the slow step."""
    # Imported here: WeasyPrint loads Pango on import, which pages without PDFs do not need.
    from weasyprint import HTML

    return HTML(string=html).render()


def write_pdf(documents: Sequence[Any]) -> bytes:
    """One PDF of laid-out documents, their pages one after the other."""
    pages = [page for document in documents for page in document.pages]
    return bytes(documents[0].copy(pages).write_pdf())


def render_pdf(html: str) -> bytes:
    return write_pdf([layout_pdf(html)])


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
    class_bands: list[str]
    colours: dict[str, str]


def group_section(page: RankingPage) -> GroupSection:
    """A group's ranking in the province report: the table, its chart and class bands."""
    return GroupSection(
        page=page,
        chart=ranking_chart_uri(page.standing, text=True),
        class_bands=class_band_texts(page.framework.info.class_bands),
        colours=charts.class_colours(page.framework.info.class_bands),
    )


def _css_string(text: str) -> str:
    """A CSS string literal; anything that could end it (or the style element) escaped."""
    return (
        '"'
        + "".join(
            char if char.isprintable() and char not in '"\\<>' else f"\\{ord(char):x} "
            for char in text
        )
        + '"'
    )


def _page_css(footer: str, first_page: int) -> SafeString:
    """The running footer of one part: the report's name and the page number, counted on from
    the part before (a part's total pages would not be the file's)."""
    # Safe: built here from an escaped string and an integer.
    return mark_safe(
        f"@page {{ @bottom-left {{ content: {_css_string(footer)}; }}\n"
        f'  @bottom-right {{ content: "Trang " counter(page); }} }}\n'
        f"@page :first {{ counter-reset: page {int(first_page)}; }}"
    )


class _Parts:
    """The laid-out parts of one PDF file, each numbered on from the pages before it."""

    def __init__(self, footer: str, common: dict[str, Any]) -> None:
        self.footer = footer
        self.common = common
        self.documents: list[Any] = []
        self.pages = 0

    def add(self, template: str, context: dict[str, Any]) -> None:
        html = render_to_string(
            template,
            {**self.common, **context, "page_css": _page_css(self.footer, self.pages + 1)},
        )
        document = layout_pdf(html)
        self.documents.append(document)
        self.pages += len(document.pages)

    def write(self) -> bytes:
        return write_pdf(self.documents)


def _report_title(period: AssessmentPeriod) -> str:
    return gettext("Báo cáo kết quả Chỉ số CCHC năm %(year)s") % {"year": period.year}


def summary_pdf(
    period: AssessmentPeriod,
    sections: Sequence[GroupSection],
    files: Sequence[str],
    *,
    when: datetime.datetime,
    demo: bool = False,
) -> bytes:
    """The report's cover: the summary of every group, and the files of the groups."""
    parts = _Parts(_report_title(period), _common(period, when, demo))
    parts.add("results/pdf/province.html", {"sections": sections, "files": files})
    return parts.write()


def group_pdf(
    section: GroupSection,
    *,
    when: datetime.datetime,
    demo: bool = False,
    progress: Progress | None = None,
) -> bytes:
    """One group's part of the province report: its cover and ranking, then every unit's
    scorecard, best first. `progress(message)` is called before each scorecard's layout and
    before the file is written."""
    period = section.page.standing.period
    group = section.page.standing.group.name
    parts = _Parts(f"{_report_title(period)} — {group}", _common(period, when, demo))
    parts.add("results/pdf/group.html", {"sections": [section], "section": section})
    for card in page_scorecards(section.page):
        if progress is not None:
            progress(gettext("Phiếu kết quả: %(unit)s") % {"unit": card.unit.name})
        parts.add(
            "results/pdf/group_card.html", {"card": card, "chart": area_chart_uri(card, text=True)}
        )
    if progress is not None:
        progress(
            ngettext(
                "Đang ghi tệp PDF %(group)s (%(pages)s trang)",
                "Đang ghi tệp PDF %(group)s (%(pages)s trang)",
                parts.pages,
            )
            % {"group": group, "pages": parts.pages}
        )
    return parts.write()
