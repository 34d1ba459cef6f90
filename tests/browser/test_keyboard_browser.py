"""The self-assessment with the keyboard only: the skip link leads to the content, Tab reaches
an area that is not loaded yet, Enter opens it (htmx fetches its rows), Space answers a
criterion, Enter saves it in place, the saved state is shown, the focus stays on the row, and
every focused control shows a visible focus ring."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from parindex.assessments.models import Assessment, NodeEntry

from . import test_areas_browser
from .test_personas_browser import log_in

pytestmark = pytest.mark.browser
MAX_TABS = 80
# A framework of 4 areas × 6 criteria: the sheet opens the first area with work left and
# loads the others when they are opened.
wide_assessment = test_areas_browser.wide_assessment


def _focused(page: Any, selector: str) -> bool:
    return bool(
        page.evaluate(
            "s => !!document.activeElement && document.activeElement.matches(s)", selector
        )
    )


def _tab_to(page: Any, selector: str, key: str = "Tab") -> None:
    """Presses Tab until the focus is on `selector` (fails after MAX_TABS presses), checking
    on the way that every focused control shows a focus ring."""
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        _assert_visible_focus(page)
        if _focused(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _assert_visible_focus(page: Any) -> None:
    ring = page.evaluate(
        """() => {
            const element = document.activeElement;
            if (!element || element === document.body) return null;
            const style = getComputedStyle(element);
            // A visually hidden checkbox or radio shows its ring on its label (:focus-visible + label).
            return {tag: element.tagName, outline: style.outlineStyle, width: style.outlineWidth,
                    shadow: style.boxShadow, hidden: style.opacity === "0"};
        }"""
    )
    if ring is None or ring["hidden"]:
        return
    visible = (ring["outline"] != "none" and ring["width"] != "0px") or ring["shadow"] != "none"
    assert visible, f"no visible focus on {ring}"


def test_an_officer_answers_and_saves_a_criterion_with_the_keyboard_only(
    wide_assessment: Assessment, live_server: Any, new_page: Callable[..., Any]
) -> None:
    page = new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server.url, "officer_a")
    page.goto(f"{live_server.url}{reverse('assessments:self', args=[wide_assessment.pk])}")
    assert page.locator("#node-2_1").count() == 0  # area 2 is loaded when it is opened

    # The first Tab stop is the skip link; Enter moves the focus to the page's content.
    page.keyboard.press("Tab")
    assert _focused(page, "a.skip-link")
    assert page.locator("a.skip-link").is_visible()
    page.keyboard.press("Enter")
    assert _focused(page, "main#main")

    _tab_to(page, "#node-2-area > summary")
    page.keyboard.press("Enter")
    page.locator("#node-2_1").wait_for()
    assert page.locator("#node-2-area").get_attribute("open") is not None

    _tab_to(page, "#node-2_1 input[type=radio]")
    # The first radio of the group has the focus; the arrow keys move within the group.
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Space")
    assert page.locator("#node-2_1 input[value=yes]").is_checked()

    _tab_to(page, "#node-2_1 button[type=submit]")
    page.keyboard.press("Enter")
    page.locator("#node-2_1 .row-status.ok").wait_for()
    # The row was replaced in place; the focus went back to its save button, not the top.
    page.wait_for_function(
        "s => document.activeElement && document.activeElement.matches(s)",
        arg="#node-2_1 button[type=submit]",
        timeout=3000,
    )
    entry = NodeEntry.objects.get(assessment=wide_assessment, node_code="2.1")
    assert entry.self_values == {"value": "yes"}

    # Shift+Tab walks back to the answer, which the saved row shows.
    _tab_to(page, "#node-2_1 input[type=radio]", key="Shift+Tab")
    assert page.locator("#node-2_1 input[value=yes]").is_checked()
    assert not errors
