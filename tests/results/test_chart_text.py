"""Every chart of the web pages has a text alternative: the `<img>` says what it shows, the SVG
is an image named by a summary (`role="img"`, `<title>`), and its figures stand beside it as a
table (a link to the page's own table, or a table in a <details>)."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse

from parindex.nationaldata import charts as national_charts

pytestmark = pytest.mark.django_db
CHART = re.compile(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"')
SVG = "{http://www.w3.org/2000/svg}"


def charts(html: str) -> list[tuple[ET.Element, str]]:
    """Each chart of the page: its SVG document and the <img>'s alt text."""
    return [(ET.fromstring(base64.b64decode(data)), alt) for data, alt in CHART.findall(html)]


def title(svg: ET.Element) -> str:
    assert svg.get("role") == "img"
    assert svg[0].tag == f"{SVG}title"
    assert svg.get("aria-label") == svg[0].text
    return svg[0].text or ""


def test_the_ranking_chart_is_summed_up_and_points_to_the_ranking_table(scored, login):
    html = login("leader").get(reverse("results:group", args=[scored["group"].pk])).content
    text = html.decode()
    [(svg, alt)] = charts(text)
    assert "3 đơn vị" in alt
    assert "cao nhất" in alt
    assert "thấp nhất Xã An Bình" in alt
    assert title(svg).startswith("Biểu đồ chỉ số của 3 đơn vị")
    assert '<a href="#ranking-table">' in text
    assert 'id="ranking-table"' in text


def test_the_scorecard_chart_names_each_area_and_points_to_the_areas_table(scored, login):
    url = reverse("results:scorecard", args=[scored["group"].pk, scored["unit_a"].pk])
    text = login("council").get(url).content.decode()
    [(svg, alt)] = charts(text)
    assert "trung bình nhóm" in alt
    summary = title(svg)
    assert summary.startswith("Tỷ lệ điểm đạt so với tối đa từng lĩnh vực (%): Xã An Bình")
    assert summary.count("(") >= 2  # each area with the group's average in brackets
    assert '<a href="#areas-table">' in text
    assert 'id="areas-table"' in text


def test_the_national_charts_are_named_images():
    years = national_charts.years_chart(
        "Tỉnh A", {2022: Decimal("85.1"), 2023: Decimal("86.2")}, {2022: Decimal("84")}, "", {}
    )
    areas = national_charts.areas_chart(
        ["Lĩnh vực 1", "Lĩnh vực 2"],
        [Decimal(80), Decimal(70)],
        [Decimal(75), Decimal(72)],
        "Tỉnh A",
    )
    assert "Tỉnh A" in title(ET.fromstring(str(years)))
    assert title(ET.fromstring(str(areas))).startswith("Tỷ lệ điểm theo lĩnh vực của Tỉnh A")
