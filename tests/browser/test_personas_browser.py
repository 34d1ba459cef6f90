"""Each persona logs in through the real login form in Chromium, sees exactly its own menu,
and is refused a page its role may not open. Screenshots are kept for a person to look at.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from .conftest import PASSWORD

pytestmark = pytest.mark.browser

# Each role's menu, in order (parindex/web/navigation.py): the workflow stage of the role
# first (appraisal, council, publication), then the shared pages; related pages are grouped
# (results, data, administration) and a group of one page is that page's link.
SHARED = ["Kết quả", "Kỳ đánh giá", "Bộ tiêu chí", "Số liệu", "Giao việc"]
UNIT_MENU = ["Tổng quan", "Tự đánh giá", "Đơn vị của tôi", *SHARED]

EXPECTED_MENU = {
    "officer_a": UNIT_MENU,
    "head_a": UNIT_MENU,
    "officer_b": UNIT_MENU,
    "appraiser": ["Tổng quan", "Thẩm định", *SHARED, "Đơn vị"],
    "council": ["Tổng quan", "Hội đồng", *SHARED, "Đơn vị"],
    "leader": ["Tổng quan", *SHARED, "Đơn vị"],
    "admin": ["Tổng quan", "Công bố", *SHARED, "Quản trị"],
}

# One page each persona may not open, and the status it must get there.
FORBIDDEN: dict[str, tuple[Callable[[dict[str, Any]], str], int]] = {
    "officer_a": (lambda p: reverse("units:list"), 403),
    "head_a": (lambda p: reverse("audit:list"), 403),
    "officer_b": (lambda p: reverse("units:detail", args=[p["units"]["A"].pk]), 404),
    "appraiser": (lambda p: reverse("accounts:list"), 403),
    "council": (lambda p: reverse("frameworks:import"), 403),
    "leader": (lambda p: reverse("periods:create"), 403),
    # Nobody edits a published framework, not even the administrator.
    "admin": (lambda p: reverse("frameworks:node_edit", args=[p["framework"].pk, "1.1"]), 403),
}
REFUSAL_HEADINGS = {403: "Không có quyền truy cập", 404: "Không tìm thấy trang"}


def log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}{reverse('login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    assert page.url == f"{base_url}{reverse('home')}", f"{username} was not logged in"


def menu_labels(page: Any) -> list[str]:
    """The menu's top-level entries: its links and its groups' labels."""
    entries = page.locator("nav.nav > a, nav.nav > details > summary")
    return [label.strip() for label in entries.all_text_contents()]


@pytest.mark.parametrize("persona", list(EXPECTED_MENU))
def test_each_persona_logs_in_and_sees_its_own_menu_and_nothing_else(
    persona: str,
    browser_province: dict[str, Any],
    live_server: Any,
    new_page: Callable[..., Any],
    screenshot_dir: Path,
) -> None:
    page = new_page()
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    log_in(page, live_server.url, persona)

    assert failed == []  # the style sheet, htmx and everything else the page asks for load
    assert menu_labels(page) == EXPECTED_MENU[persona]
    assert page.locator("html").get_attribute("lang") == "vi"
    user = browser_province["users"][persona]
    assert page.locator(".userbox .role").inner_text().startswith(user.role_label)
    if user.unit is not None:
        my_unit = page.locator("nav.nav a", has_text="Đơn vị của tôi")
        assert my_unit.get_attribute("href") == reverse("units:detail", args=[user.unit.pk])
        assert page.locator("main h1").inner_text() == user.unit.name
    page.screenshot(path=str(screenshot_dir / f"{persona}-home.png"), full_page=True)

    url, status = FORBIDDEN[persona]
    response = page.goto(f"{live_server.url}{url(browser_province)}")

    assert response is not None
    assert response.status == status
    assert page.locator("main h1").inner_text() == REFUSAL_HEADINGS[status]
    assert menu_labels(page) == EXPECTED_MENU[persona]  # the refusal page keeps the menu


def test_a_commune_officer_can_work_on_a_phone_screen(
    browser_province: dict[str, Any],
    live_server: Any,
    new_page: Callable[..., Any],
    screenshot_dir: Path,
) -> None:
    page = new_page(width=390, height=844)

    log_in(page, live_server.url, "officer_a")

    assert menu_labels(page) == UNIT_MENU
    # Nothing is wider than the screen: no sideways scrolling of the whole page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(screenshot_dir / "officer_a-home-390px.png"), full_page=True)

    page.click("label.menu-button")  # the menu opens from its button on a phone
    page.locator("nav.nav a", has_text="Đơn vị của tôi").click()
    page.wait_for_load_state()

    assert page.locator("main h1").inner_text() == "Xã An Bình"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The results table fits the screen: the index and rank are seen without scrolling it.
    results = page.locator(".table-wrap", has=page.get_by_text("91,50"))
    assert results.evaluate("wrap => wrap.scrollWidth <= wrap.clientWidth")
    index = page.get_by_text("91,50").bounding_box()
    assert index is not None
    assert index["x"] + index["width"] <= 390
    page.screenshot(path=str(screenshot_dir / "officer_a-unit-390px.png"), full_page=True)


def test_a_wrong_password_keeps_the_visitor_on_the_login_page_with_a_message(
    browser_province: dict[str, Any], live_server: Any, new_page: Callable[..., Any]
) -> None:
    page = new_page()
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("#id_username", "officer_a")
    page.fill("#id_password", "sai-mat-khau")

    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")

    assert page.url.startswith(f"{live_server.url}{reverse('login')}")
    assert page.locator(".errorlist").is_visible()
    assert menu_labels(page) == []


def test_logging_out_returns_to_the_login_page_and_closes_the_session(
    browser_province: dict[str, Any], live_server: Any, new_page: Callable[..., Any]
) -> None:
    page = new_page()
    log_in(page, live_server.url, "leader")

    with page.expect_navigation():
        page.click(".userbox button.linkbutton")
    page.goto(f"{live_server.url}{reverse('units:list')}")

    assert page.url.startswith(f"{live_server.url}{reverse('login')}")
    assert menu_labels(page) == []


ENGLISH_PAGES = (
    "home",
    "assessments:queue",
    "results:index",
    "periods:list",
    "frameworks:list",
    "questionnaires:list",
    "dossiers:dashboard",
    "units:list",
)


def test_an_appraiser_who_switches_to_english_reads_no_vietnamese_but_data(
    browser_province: dict[str, Any],
    live_server: Any,
    new_page: Callable[..., Any],
    screenshot_dir: Path,
) -> None:
    """The language menu of the page bar, then the appraiser's main pages as rendered by
    Chromium: what a person reads (the text, without elements marked `lang="vi"`) holds no
    Vietnamese besides the data (tests/web/test_english_ui.py says what counts as data)."""
    from tests.web.test_english_ui import database_texts, vietnamese_left

    page = new_page()
    log_in(page, live_server.url, "appraiser")

    with page.expect_navigation():
        page.select_option("form.lang select", "en")

    assert page.locator("html").get_attribute("lang") == "en"
    assert menu_labels(page)[:2] == ["Overview", "Appraisal"]
    data = database_texts()
    problems = []
    for name in ENGLISH_PAGES:
        page.goto(f"{live_server.url}{reverse(name)}")
        text = page.evaluate(
            """() => {
                const copy = document.body.cloneNode(true);
                copy.querySelectorAll('[lang="vi"], script, style, textarea').forEach(e => e.remove());
                return copy.innerText;
            }"""
        )
        left = vietnamese_left([line for line in text.splitlines() if line.strip()], data)
        if left:
            problems.append(f"{name}: {left}")
    page.screenshot(path=str(screenshot_dir / "appraiser-units-en.png"), full_page=True)

    assert not problems, "\n".join(problems)
