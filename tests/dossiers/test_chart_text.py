"""The dossiers' monthly charts are named images and their figures are a table beside them."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

from django.urls import reverse

YEAR = {"start": "2025-01-01", "end": "2025-12-31"}
CHART = re.compile(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"')


def test_the_monthly_charts_come_with_their_figures_as_a_table(imported, login):
    text = login("leader").get(reverse("dossiers:dashboard"), YEAR).content.decode()
    found = CHART.findall(text)
    assert len(found) == 2
    for data, alt in found:
        svg = ET.fromstring(base64.b64decode(data))
        assert svg.get("role") == "img"
        assert svg.get("aria-label", "").endswith("T1/2025 – T12")
        assert alt.startswith("Biểu đồ")
    details = text[text.index('<details class="chart-data">') :]
    details = details[: details.index("</details>")]
    assert details.count('<th scope="row">') == 12  # one row per month of the year
    assert "1/2025" in details
    assert "Tiếp nhận mới" in details
