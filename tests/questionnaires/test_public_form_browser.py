"""The public form on a phone (390 × 844, Chromium through Playwright): nothing wider than
the screen, answers as large touch targets, a complete submission and the thank-you page.
The screenshots are kept for a person to look at ($PARINDEX_SCREENSHOTS, else a temporary
folder named in the output).

Playwright runs in a thread of its own: its sync API refuses to start where another
Playwright (the persona browser tests' session) already runs an event loop.
"""

from __future__ import annotations

import datetime
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.questionnaires.models import Response
from parindex.questionnaires.services.collection import invitations_create

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in a container has no user namespace for the sandbox
    "--disable-gpu",
    # Without these Chromium keeps trying to reach the internet.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def chromium_available() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: browser tests must run under CI=true")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")


@pytest.fixture
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("PARINDEX_SCREENSHOTS")
    folder = Path(configured) if configured else tmp_path_factory.mktemp("survey-screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def answer_on_a_phone(url: str, shots: Path) -> dict[str, Any]:
    """Open the form at phone size, send it incomplete, complete it, send it again."""
    from playwright.sync_api import sync_playwright

    seen: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            viewport=PHONE,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
        )
        context.set_default_timeout(15_000)
        phone = context.new_page()
        phone.goto(url)
        phone.screenshot(path=str(shots / "public-form-390.png"), full_page=True)
        phone.screenshot(path=str(shots / "public-form-390-top.png"))
        seen["overflow"] = phone.evaluate("document.documentElement.scrollWidth - innerWidth")
        seen["answer_box"] = phone.locator("#q-q1 label.q-choice").first.bounding_box()
        seen["title"] = phone.locator("h1").inner_text()

        phone.locator("#q-q1 label.q-choice", has_text="Mức 4").click()
        phone.locator("button.submit-answers").click()  # q2–q6 are still missing
        phone.wait_for_selector(".public-errors")
        seen["questions_marked"] = phone.locator(".q-error").count()
        phone.screenshot(path=str(shots / "public-form-390-errors.png"))
        phone.locator("#q-q2").screenshot(path=str(shots / "public-form-390-missing-answer.png"))

        for number, level in zip(range(2, 7), ("5", "3", "4", "5", "4"), strict=True):
            phone.locator(f"#q-q{number} label.q-choice", has_text=f"Mức {level}").click()
        phone.fill("#id_km", "3,5")
        with phone.expect_navigation():
            phone.locator("button.submit-answers").click()
        seen["thanks"] = phone.locator("h1").inner_text()
        phone.screenshot(path=str(shots / "public-thanks-390.png"))
        browser.close()
    return seen


def test_the_public_form_works_on_a_phone_sized_screen(
    chromium_available: None,
    live_server: Any,
    transactional_db: None,
    make_survey: Any,
    place: dict[str, Any],
    shots: Path,
) -> None:
    survey = make_survey()
    [(_, token)] = invitations_create(
        actor=place["users"]["appraiser"],
        survey=survey,
        unit=place["units"]["A"],
        respondent_group="dan",
        count=1,
        expires_at=timezone.now() + datetime.timedelta(days=5),
    )
    url = live_server.url + reverse("public_survey:token", args=[token])

    with ThreadPoolExecutor(max_workers=1) as worker:
        seen = worker.submit(answer_on_a_phone, url, shots).result(timeout=120)

    print(f"screenshots: {shots}")
    assert seen["overflow"] <= 0, f"the page is {seen['overflow']}px wider than the phone"
    assert seen["answer_box"]["height"] >= 44  # a thumb's target
    assert seen["answer_box"]["width"] >= 300
    assert seen["title"] == "Khảo sát thử"
    assert seen["questions_marked"] == 5
    assert seen["thanks"] == "Cảm ơn anh/chị!"
    response = Response.objects.get()
    assert response.answers["q1"] == "4"
    assert response.answers["km"] == "3.5"
    assert response.started_at is not None  # the signed start time came back
