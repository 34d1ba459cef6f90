"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's
live server.

Chromium comes from apt (`apt-get install chromium`), never from Playwright's own download.
Without /usr/bin/chromium the browser tests are skipped, except under CI=true, where a
missing Chromium is a failure. Screenshots go to $PARINDEX_SCREENSHOTS if set, otherwise
to a temporary folder printed in the test report.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

# Playwright's sync API runs an event loop in this thread; the fixtures below use the ORM
# from the same thread, which Django's async-safety guard would otherwise refuse.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from parindex.accounts.models import Role, User
from parindex.criteria.services import framework_publish, framework_store
from parindex.engine import FrameworkSpec, NodeSpec, build_framework
from parindex.periods.models import AssessmentPeriod, PublishedResult, UnitGroup
from parindex.units.models import LineageKind, Unit, UnitLineage, UnitType

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
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "mat-khau-thu-nghiem-2025"
PERSONA_ROLES: dict[str, tuple[Role, str | None]] = {
    "officer_a": (Role.OFFICER, "A"),
    "head_a": (Role.HEAD, "A"),
    "officer_b": (Role.OFFICER, "B"),
    "appraiser": (Role.APPRAISER, None),
    "council": (Role.COUNCIL, None),
    "leader": (Role.LEADER, None),
    "admin": (Role.ADMIN, None),
}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run under CI=true: {message}")
        pytest.skip(f"browser tests skipped: {message}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """A page in a fresh browser context (no cookies), in Vietnamese, at a given width."""
    contexts: list[Any] = []

    def open_page(width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("PARINDEX_SCREENSHOTS")
    folder = Path(configured) if configured else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def add_users(
    rows: Iterable[tuple[str, str, Role, Unit | None]], password: str = PASSWORD
) -> dict[str, User]:
    """Users from (username, full name, role, unit) rows, all with `password`; the
    administrator is also staff and superuser (the admin site)."""
    users: dict[str, User] = {}
    for username, full_name, role, unit in rows:
        user = User(
            username=username,
            full_name=full_name,
            role=role,
            unit=unit,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        user.set_password(password)
        user.save()
        users[username] = user
    return users


def _framework(code: str, year: int) -> Any:
    nodes = [
        NodeSpec("1", "Công tác chỉ đạo, điều hành cải cách hành chính", 6),
        NodeSpec("1.1", "Ban hành kế hoạch CCHC năm", 2, parent="1", rule="boolean"),
        NodeSpec(
            "1.2",
            "Tỷ lệ nhiệm vụ hoàn thành",
            4,
            parent="1",
            rule="ratio",
            rule_params={"full_at_percent": 90},
        ),
        NodeSpec("2", "Cải cách thủ tục hành chính", 4),
        NodeSpec("2.1", "Hồ sơ giải quyết đúng hạn", 4, parent="2", rule="boolean"),
    ]
    info = {
        "code": code,
        "name": f"Bộ tiêu chí cấp xã {year} (thử nghiệm)",
        "year": year,
        "unit_group": "UBND cấp xã",
        "max_total": 10,
        "classes": [
            {"label": "Tốt", "min_percent": 90},
            {"label": "Khá", "min_percent": 80},
            {"label": "Trung bình", "min_percent": 65},
            {"label": "Yếu", "min_percent": 0},
        ],
    }
    return build_framework(FrameworkSpec(info=info, nodes=nodes))


@pytest.fixture
def browser_province(transactional_db: None) -> dict[str, Any]:
    """Two communes (A formed from two former communes), one account per role with a real
    password, a published and a draft framework, a published 2024 and an open 2025 period.
    Test data, not official figures."""
    commune = UnitType.objects.create(code="xa", name="Xã", level="commune", position=3)
    units = {
        "A": Unit.objects.create(
            code="A", name="Xã An Bình", unit_type=commune, valid_from=datetime.date(2025, 7, 1)
        ),
        "B": Unit.objects.create(
            code="B", name="Xã Bình Minh", unit_type=commune, valid_from=datetime.date(2025, 7, 1)
        ),
    }
    former = [
        Unit.objects.create(
            code=f"OA{number}",
            name=name,
            unit_type=commune,
            valid_to=datetime.date(2025, 6, 30),
        )
        for number, name in enumerate(("Xã An (cũ)", "Xã Bình (cũ)"), start=1)
    ]
    for position, old in enumerate(former):
        UnitLineage.objects.create(
            predecessor=old,
            successor=units["A"],
            kind=LineageKind.MERGED_INTO,
            effective_date=datetime.date(2025, 7, 1),
            is_primary=position == 0,
        )
    users = add_users(
        (username, username.replace("_", " ").title(), role, units[code] if code else None)
        for username, (role, code) in PERSONA_ROLES.items()
    )
    admin = users["admin"]
    previous = framework_store(actor=admin, engine=_framework("xa-2024", 2024))
    framework_publish(actor=admin, framework=previous)
    published = framework_store(actor=admin, engine=_framework("xa-2025", 2025), previous=previous)
    framework_publish(actor=admin, framework=published)
    draft = framework_store(actor=admin, engine=_framework("xa-2026-nhap", 2026))

    period_2024 = AssessmentPeriod.objects.create(
        year=2024,
        name="Kỳ đánh giá 2024 (thử nghiệm)",
        status="published",
        self_assessment_opens=datetime.datetime(2024, 11, 1, 8, tzinfo=TZ),
        self_assessment_closes=datetime.datetime(2024, 12, 10, 17, tzinfo=TZ),
        explanation_closes=datetime.datetime(2024, 12, 20, 17, tzinfo=TZ),
        appraisal_closes=datetime.datetime(2025, 1, 10, 17, tzinfo=TZ),
        publication_date=datetime.date(2025, 1, 20),
    )
    group_2024 = UnitGroup.objects.create(
        period=period_2024, code="xa", name="Cấp xã", framework=previous
    )
    group_2024.units.set([*former, units["B"]])
    for rank, (unit, index, class_label) in enumerate(
        (
            (former[0], "91.50", "Tốt"),
            (units["B"], "85.00", "Khá"),
            (former[1], "70.25", "Trung bình"),
        ),
        start=1,
    ):
        PublishedResult.objects.create(
            period=period_2024,
            group=group_2024,
            unit=unit,
            total=Decimal(index) / 10,
            max_total=10,
            index=Decimal(index),
            rank=rank,
            ranked_units=3,
            class_label=class_label,
            published_at=datetime.datetime(2025, 1, 20, 9, tzinfo=TZ),
        )
    period = AssessmentPeriod.objects.create(
        year=2025,
        name="Kỳ đánh giá 2025 (thử nghiệm)",
        status="open",
        self_assessment_opens=datetime.datetime(2025, 11, 1, 8, tzinfo=TZ),
        self_assessment_closes=datetime.datetime(2025, 12, 10, 17, tzinfo=TZ),
        explanation_closes=datetime.datetime(2025, 12, 20, 17, tzinfo=TZ),
        appraisal_closes=datetime.datetime(2026, 1, 10, 17, tzinfo=TZ),
        publication_date=datetime.date(2026, 1, 20),
    )
    group = UnitGroup.objects.create(
        period=period, code="xa", name="Cấp xã, phường", framework=published
    )
    group.units.set(units.values())
    return {
        "units": units,
        "former": former,
        "users": users,
        "framework": published,
        "draft": draft,
        "period": period,
    }
