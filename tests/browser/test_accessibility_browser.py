"""The main pages in Chromium, checked by axe-core and by the browser's Content-Security-Policy:
login, self-assessment, appraisal, ranking, scorecard and the public survey form have no
serious or critical accessibility violation, and the browser reports no policy violation.

axe-core comes from npm (package.json at the project's root; `make install` runs `npm ci`).
Without node_modules/axe-core/axe.min.js the axe checks are skipped, except under CI=true,
where they fail. axe is added to each page by Playwright as an init script (through the
DevTools protocol, which the page's policy does not govern), so the page runs under the
same policy as for a user.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.accounts.models import Role, User
from parindex.assessments.models import Assessment
from parindex.assessments.services.entries import entry_save_self
from parindex.assessments.services.transitions import (
    assessment_open,
    assessment_submit,
    assessment_transition,
)
from parindex.periods.models import UnitGroup

from .conftest import PASSWORD
from .test_personas_browser import log_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# Listens before any of the page's own code runs; what the browser refused is kept in the page.
WATCH_POLICY = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline")
    + " " + (event.sourceFile || "") + ":" + (event.lineNumber || ""));
});
"""


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.exists():
        message = f"{AXE} is missing (npm ci at the project's root; make install runs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"the accessibility checks must run under CI=true: {message}")
        pytest.skip(f"accessibility checks skipped: {message}")
    return AXE


@pytest.fixture
def main_pages(browser_province: dict[str, Any]) -> dict[str, tuple[str | None, str]]:
    """Each main page as the persona who works on it: unit A's open self-assessment, unit B's
    in appraisal, the published 2024 ranking and a scorecard, an open survey's public form."""
    from tests.web.matrix_questionnaires import _survey

    period = browser_province["period"]
    now = timezone.now()
    period.self_assessment_opens = now - datetime.timedelta(days=30)
    period.self_assessment_closes = now + datetime.timedelta(days=10)
    period.explanation_closes = now + datetime.timedelta(days=20)
    period.appraisal_closes = now + datetime.timedelta(days=30)
    period.save()
    users, units = browser_province["users"], browser_province["units"]
    own = assessment_open(period=period, unit=units["A"])
    entry_save_self(
        actor=users["officer_a"], assessment=own, node_code="1.1", values={"value": "yes"}
    )
    head_b = User(username="head_b", full_name="Head B", role=Role.HEAD, unit=units["B"])
    head_b.set_password(PASSWORD)
    head_b.save()
    other = assessment_open(period=period, unit=units["B"])
    for code in ("1.1", "2.1"):
        entry_save_self(
            actor=users["officer_b"], assessment=other, node_code=code, values={"value": "yes"}
        )
    entry_save_self(
        actor=users["officer_b"],
        assessment=other,
        node_code="1.2",
        values={"numerator": "17", "denominator": "20"},
    )
    assessment_submit(actor=head_b, assessment=Assessment.objects.get(pk=other.pk))
    assessment_transition(
        actor=users["appraiser"],
        assessment=Assessment.objects.get(pk=other.pk),
        action="start_appraisal",
    )
    published = UnitGroup.objects.get(period__year=2024)
    survey = _survey(
        {
            "period": period,
            "framework": browser_province["framework"],
            "users": users,
            "unit_a": units["A"],
            "unit_b": units["B"],
        }
    )
    return {
        "login": (None, reverse("login")),
        "self-assessment": ("officer_a", reverse("assessments:self", args=[own.pk])),
        "appraisal": ("appraiser", reverse("assessments:appraise", args=[other.pk])),
        "ranking": ("leader", reverse("results:group", args=[published.pk])),
        "scorecard": ("leader", reverse("results:scorecard", args=[published.pk, units["B"].pk])),
        "public survey": (None, reverse("public_survey:open", args=[survey.pk])),
    }


def _open(page: Any, base_url: str, persona: str | None, path: str) -> list[str]:
    """Opens `path` as `persona` (anonymous when None); the console's policy messages."""
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    if persona is not None:
        log_in(page, base_url, persona)
    response = page.goto(f"{base_url}{path}")
    assert response is not None
    assert response.status == 200, path
    assert "content-security-policy" in response.headers  # Playwright lowers the names
    page.wait_for_load_state("networkidle")
    return console


def _axe(page: Any) -> list[dict[str, Any]]:
    result = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
                count: v.nodes.length,
            }));
        }"""
    )
    return list(result)


def test_the_main_pages_have_no_serious_accessibility_or_policy_violation(
    axe_script: Path,
    main_pages: dict[str, tuple[str | None, str]],
    live_server: Any,
    new_page: Callable[..., Any],
) -> None:
    blocking, seen, policy = {}, {}, {}
    for name, (persona, path) in main_pages.items():
        page = new_page()
        page.context.add_init_script(script=WATCH_POLICY)
        page.context.add_init_script(path=str(axe_script))
        console = _open(page, live_server.url, persona, path)
        violations = _axe(page)
        seen[name] = [(v["impact"], v["id"], v["count"]) for v in violations]
        if found := [v for v in violations if v["impact"] in BLOCKING]:
            blocking[name] = found
        if refused := [*page.evaluate("window.__cspViolations"), *console]:
            policy[name] = refused
    # Every violation, whatever its impact, for the test report (pytest -s or on failure).
    print("axe violations by page (impact, rule, elements):", seen)
    assert policy == {}
    assert blocking == {}


def test_the_browser_refuses_nothing_the_pages_do_while_an_officer_works(
    main_pages: dict[str, tuple[str | None, str]],
    live_server: Any,
    new_page: Callable[..., Any],
) -> None:
    """Without axe: the language switch (app.js, no inline handler) and an htmx save run
    under the policy."""
    page = new_page()
    page.context.add_init_script(script=WATCH_POLICY)
    persona, path = main_pages["self-assessment"]
    console = _open(page, live_server.url, persona, path)
    row = page.locator("#node-1_1")
    row.locator("button:has-text('Lưu')").click()
    page.locator("#node-1_1 .row-status.ok").wait_for()
    with page.expect_navigation():
        page.select_option("form.lang select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert [*page.evaluate("window.__cspViolations"), *console] == []
