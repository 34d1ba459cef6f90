"""A big framework's self-assessment in Chromium: the page opens the area left to do, the
keyboard opens another (its rows fetched by htmx), a save updates the row, its area's head and
the progress in place, a reload comes back to the area the officer was working in, and the
"missing evidence" link opens the row's area first."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.assessments.models import Assessment
from parindex.assessments.services.entries import entry_save_self
from parindex.criteria.services import framework_publish, framework_store
from parindex.engine import FrameworkSpec, NodeSpec, build_framework
from parindex.periods.models import UnitGroup

from .test_personas_browser import log_in

pytestmark = pytest.mark.browser
AREAS, LEAVES = 4, 6


def _wide_framework() -> Any:
    nodes: list[NodeSpec] = []
    for area in range(1, AREAS + 1):
        nodes.append(NodeSpec(str(area), f"Lĩnh vực {area}", LEAVES))
        nodes.extend(
            NodeSpec(
                f"{area}.{leaf}",
                f"Tiêu chí {area}.{leaf}",
                1,
                parent=str(area),
                rule="boolean",
                evidence="required" if leaf == 1 else "optional",
            )
            for leaf in range(1, LEAVES + 1)
        )
    info = {
        "code": "rong-2025",
        "name": "Bộ tiêu chí rộng (thử nghiệm)",
        "year": 2025,
        "unit_group": "UBND cấp xã",
        "max_total": AREAS * LEAVES,
        "classes": [{"label": "Tốt", "min_percent": 90}, {"label": "Yếu", "min_percent": 0}],
    }
    return build_framework(FrameworkSpec(info=info, nodes=nodes))


@pytest.fixture
def wide_assessment(browser_province: dict[str, Any]) -> Assessment:
    """Unit A's open 2025 assessment on a framework of 24 leaves in 4 areas; 3.1 answered
    without the evidence it needs."""
    admin = browser_province["users"]["admin"]
    framework = framework_store(actor=admin, engine=_wide_framework())
    framework_publish(actor=admin, framework=framework)
    group = UnitGroup.objects.get(period=browser_province["period"])
    group.framework = framework
    group.save()
    period = browser_province["period"]
    now = timezone.now()
    period.self_assessment_opens = now - datetime.timedelta(days=30)
    period.self_assessment_closes = now + datetime.timedelta(days=10)
    period.explanation_closes = now + datetime.timedelta(days=20)
    period.appraisal_closes = now + datetime.timedelta(days=30)
    period.save()
    assessment = Assessment.objects.create(
        period=period, group=group, unit=browser_province["units"]["A"]
    )
    entry_save_self(
        actor=browser_province["users"]["officer_a"],
        assessment=assessment,
        node_code="3.1",
        values={"value": "yes"},
    )
    return assessment


def test_an_officer_opens_an_area_from_the_keyboard_and_saves_a_row_in_place(
    wide_assessment: Assessment, live_server: Any, new_page: Callable[..., Any]
) -> None:
    page = new_page(width=1280)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server.url, "officer_a")
    url = reverse("assessments:self", args=[wide_assessment.pk])
    page.goto(f"{live_server.url}{url}")

    assert page.locator("#node-1-area").get_attribute("open") is not None
    assert page.locator("#node-1_2").is_visible()
    assert page.locator("#node-2_1").count() == 0  # not rendered until area 2 is opened

    page.focus("#node-2-area > summary")
    page.keyboard.press("Enter")
    page.locator("#node-2_1").wait_for()
    assert "area=2" in page.url

    row = page.locator("#node-2_2")
    row.locator("label:has-text('Có') input").check()
    row.locator("button:has-text('Lưu')").click()
    page.locator("#node-2_2 .row-status.ok").wait_for()
    assert "đã chấm 1/6" in page.locator("#node-2-head").inner_text()
    assert page.locator("#self-progress .stat").first.inner_text() == "2/24"

    page.reload()
    assert page.locator("#node-2-area").get_attribute("open") is not None
    assert page.locator("#node-2_2 input[value=yes]").is_checked()

    # "Missing evidence: 3.1" opens area 3, loads it and brings the row into view.
    page.click("#self-progress a:has-text('3.1')")
    page.locator("#node-3_1").wait_for()
    assert page.locator("#node-3-area").get_attribute("open") is not None
    assert page.locator("#node-3_1").is_visible()
    assert not errors
