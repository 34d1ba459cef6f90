"""The page frame in Chromium: the main menu on one line at 1280 px, its groups opening and
closing as menus do; on a phone the menu behind its button and the ranking's extra columns
behind theirs, nothing wider than the screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from parindex.periods.models import UnitGroup

from .test_personas_browser import log_in

pytestmark = pytest.mark.browser


def _tops(page: Any) -> list[dict[str, float]]:
    entries = page.locator("nav.nav > a, nav.nav > details > summary")
    return [entries.nth(number).bounding_box() for number in range(entries.count())]


@pytest.mark.parametrize("persona", ["admin", "officer_a", "appraiser"])
def test_the_menu_fits_one_line_at_1280_px(
    persona: str,
    browser_province: dict[str, Any],
    live_server: Any,
    new_page: Callable[..., Any],
    screenshot_dir: Path,
) -> None:
    page = new_page(width=1280)
    log_in(page, live_server.url, persona)

    boxes = _tops(page)
    assert {round(box["y"]) for box in boxes} == {round(boxes[0]["y"])}
    assert max(box["x"] + box["width"] for box in boxes) <= 1280
    page.screenshot(path=str(screenshot_dir / f"{persona}-menu-1280.png"))


def test_a_menu_group_opens_under_its_label_and_closes_like_a_menu(
    browser_province: dict[str, Any], live_server: Any, new_page: Callable[..., Any]
) -> None:
    page = new_page(width=1280)
    log_in(page, live_server.url, "admin")
    audit = page.locator("nav.nav a", has_text="Nhật ký")

    assert not audit.is_visible()
    page.click("nav.nav summary:has-text('Quản trị')")
    assert audit.is_visible()
    page.keyboard.press("Escape")
    assert not audit.is_visible()
    page.click("nav.nav summary:has-text('Quản trị')")
    page.click("main h1")  # a click elsewhere closes it
    assert not audit.is_visible()
    page.click("nav.nav summary:has-text('Quản trị')")
    with page.expect_navigation():
        audit.click()
    assert page.url.endswith(reverse("audit:list"))


def test_on_a_phone_the_menu_opens_from_its_button(
    browser_province: dict[str, Any],
    live_server: Any,
    new_page: Callable[..., Any],
    screenshot_dir: Path,
) -> None:
    page = new_page(width=390, height=844)
    log_in(page, live_server.url, "officer_a")

    assert page.locator("label.menu-button").is_visible()
    assert not page.locator("nav.nav").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("label.menu-button")
    assert page.locator("nav.nav a", has_text="Tự đánh giá").first.is_visible()
    assert page.locator(".userbox .role").is_visible()
    page.screenshot(path=str(screenshot_dir / "officer_a-menu-open-390px.png"))
    page.click("label.menu-button")
    assert not page.locator("nav.nav").is_visible()


def test_on_a_phone_the_ranking_shows_rank_unit_total_and_class_first(
    browser_province: dict[str, Any],
    live_server: Any,
    new_page: Callable[..., Any],
    screenshot_dir: Path,
) -> None:
    group = UnitGroup.objects.get(period__year=2024)
    page = new_page(width=390, height=844)
    log_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}{reverse('results:group', args=[group.pk])}")

    def headings() -> list[str]:
        cells = page.locator("table.ranking thead th")
        return [
            cells.nth(number).inner_text().split("\n")[0].strip()
            for number in range(cells.count())
            if cells.nth(number).is_visible()
        ]

    assert headings() == ["Hạng", "Đơn vị", "Tổng điểm", "Xếp loại"]
    wrap = page.locator(".table-wrap", has=page.locator("table.ranking"))
    assert wrap.evaluate("wrap => wrap.scrollWidth <= wrap.clientWidth")
    page.screenshot(path=str(screenshot_dir / "leader-ranking-390px.png"), full_page=True)
    page.click("label.cols-toggle-label")
    assert "Chỉ số" in headings()
    assert len(headings()) > 4
