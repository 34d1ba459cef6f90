"""Named personas and a small province for the web tests.

officer_a / head_a work for unit A, officer_b for unit B; appraiser, council,
leader and admin are provincial; anonymous is not logged in.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from parindex.accounts.models import Role, User
from parindex.assessments.models import Assessment
from parindex.criteria.models import Framework
from parindex.criteria.services import framework_publish, framework_store
from parindex.engine import FrameworkSpec, NodeSpec, build_framework
from parindex.jobs.models import Job, JobState
from parindex.periods.models import AssessmentPeriod, DeadlineExtension, PublishedResult, UnitGroup
from parindex.units.models import LineageKind, Unit, UnitLineage, UnitType

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "correct-horse-battery-staple"
PERSONAS = (
    "officer_a",
    "head_a",
    "officer_b",
    "appraiser",
    "council",
    "leader",
    "admin",
    "anonymous",
)


def small_framework(code: str = "xa-2025", year: int = 2025, previous: bool = False):
    nodes = [
        NodeSpec("1", "Công tác chỉ đạo, điều hành", 6),
        NodeSpec(
            "1.1",
            "Ban hành kế hoạch CCHC",
            2,
            parent="1",
            rule="boolean",
            evidence="required",
            previous_codes=["1.1"] if previous else [],
        ),
        NodeSpec(
            "1.2",
            "Tỷ lệ nhiệm vụ hoàn thành",
            4,
            parent="1",
            rule="ratio",
            rule_params={"full_at_percent": 90},
            tags=["quick_win"],
        ),
        NodeSpec("2", "Cải cách thủ tục hành chính", 4),
        NodeSpec(
            "2.1",
            "Hồ sơ đúng hạn",
            4,
            parent="2",
            rule="bands",
            source="data",
            indicator="dossiers.on_time_rate",
            rule_params={
                "thresholds": [{"min_percent": 95, "points": 4}, {"min_percent": 80, "points": 2}]
            },
        ),
    ]
    spec = FrameworkSpec(
        info={
            "code": code,
            "name": f"Bộ tiêu chí xã {year}",
            "year": year,
            "unit_group": "communes",
            "max_total": 10,
            "classes": [
                {"label": "Tốt", "min_percent": 90},
                {"label": "Khá", "min_percent": 80},
                {"label": "Trung bình", "min_percent": 65},
                {"label": "Yếu", "min_percent": 0},
            ],
        },
        nodes=nodes,
    )
    return build_framework(spec)


@pytest.fixture
def province(db):
    commune = UnitType.objects.create(code="xa", name="Xã", level="commune", position=3)
    unit_a = Unit.objects.create(
        code="A", name="Xã An Bình", unit_type=commune, valid_from=datetime.date(2025, 7, 1)
    )
    unit_b = Unit.objects.create(
        code="B", name="Xã Bình Minh", unit_type=commune, valid_from=datetime.date(2025, 7, 1)
    )
    old_a1 = Unit.objects.create(
        code="OA1", name="Xã An (cũ)", unit_type=commune, valid_to=datetime.date(2025, 6, 30)
    )
    old_a2 = Unit.objects.create(
        code="OA2", name="Xã Bình (cũ)", unit_type=commune, valid_to=datetime.date(2025, 6, 30)
    )
    for old, primary in ((old_a1, True), (old_a2, False)):
        UnitLineage.objects.create(
            predecessor=old,
            successor=unit_a,
            kind=LineageKind.MERGED_INTO,
            effective_date=datetime.date(2025, 7, 1),
            is_primary=primary,
        )
    users = {}
    for name, role, unit in (
        ("officer_a", Role.OFFICER, unit_a),
        ("head_a", Role.HEAD, unit_a),
        ("officer_b", Role.OFFICER, unit_b),
        ("appraiser", Role.APPRAISER, None),
        ("council", Role.COUNCIL, None),
        ("leader", Role.LEADER, None),
        ("admin", Role.ADMIN, None),
    ):
        user = User(
            username=name,
            full_name=name.replace("_", " ").title(),
            role=role,
            unit=unit,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        user.set_password(PASSWORD)
        user.save()
        users[name] = user
    admin = users["admin"]
    previous = framework_store(actor=admin, engine=small_framework("xa-2024", 2024))
    framework_publish(actor=admin, framework=previous)
    published = framework_store(
        actor=admin, engine=small_framework("xa-2025", 2025, previous=True), previous=previous
    )
    framework_publish(actor=admin, framework=published)
    draft = framework_store(actor=admin, engine=small_framework("xa-2026-draft", 2026))
    period_2024 = AssessmentPeriod.objects.create(
        year=2024,
        name="Kỳ 2024",
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
    group_2024.units.set([old_a1, old_a2, unit_b])
    for rank, (unit, index) in enumerate(
        ((old_a1, "91.50"), (unit_b, "85.00"), (old_a2, "70.25")), start=1
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
            class_label="Tốt" if rank == 1 else "Khá",
            published_at=datetime.datetime(2025, 1, 20, 9, tzinfo=TZ),
        )
    period = AssessmentPeriod.objects.create(
        year=2025,
        name="Kỳ 2025",
        status="open",
        self_assessment_opens=datetime.datetime(2025, 11, 1, 8, tzinfo=TZ),
        self_assessment_closes=datetime.datetime(2025, 12, 10, 17, tzinfo=TZ),
        explanation_closes=datetime.datetime(2025, 12, 20, 17, tzinfo=TZ),
        appraisal_closes=datetime.datetime(2026, 1, 10, 17, tzinfo=TZ),
        publication_date=datetime.date(2026, 1, 20),
    )
    group = UnitGroup.objects.create(period=period, code="xa", name="Cấp xã", framework=published)
    group.units.set([unit_a, unit_b])
    DeadlineExtension.objects.create(
        period=period,
        unit=unit_b,
        closes_at=datetime.datetime(2025, 12, 20, 17, tzinfo=TZ),
        reason="Thiên tai",
        granted_by=users["appraiser"],
    )
    assessment_a = Assessment.objects.create(period=period, group=group, unit=unit_a)
    assessment_b = Assessment.objects.create(period=period, group=group, unit=unit_b)
    job = Job.objects.create(
        kind="test", title="Xuất báo cáo", state=JobState.DONE, created_by=users["appraiser"]
    )
    job.result.save("ket-qua.txt", ContentFile(b"ok"))
    job.result_name = "ket-qua.txt"
    job.save()
    return {
        "job": job,
        "assessment_a": assessment_a,
        "assessment_b": assessment_b,
        "unit_a": unit_a,
        "unit_b": unit_b,
        "old_a1": old_a1,
        "old_a2": old_a2,
        "users": users,
        "framework": published,
        "previous_framework": previous,
        "draft": draft,
        "period": period,
        "period_2024": period_2024,
        "group": group,
    }


STUB_PDF = b"%PDF-1.4\n% stub: the permission tests check who may ask, not the layout\n%%EOF\n"


@pytest.fixture
def stub_pdf_renderer(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace WeasyPrint (`parindex.results.pdf.layout_pdf`, HTML → laid-out pages, and
    `write_pdf`, pages → PDF bytes, which `render_pdf` and the province report call) by a
    constant PDF and return the HTML it was given. The templates are still rendered; real PDFs
    are tested once, in tests/results/test_exports.py."""
    from types import SimpleNamespace

    from parindex.results import pdf

    rendered: list[str] = []

    def layout_pdf(html: str) -> SimpleNamespace:
        rendered.append(html)
        return SimpleNamespace(pages=[html])

    def write_pdf(documents: object) -> bytes:
        return STUB_PDF

    monkeypatch.setattr(pdf, "layout_pdf", layout_pdf)
    monkeypatch.setattr(pdf, "write_pdf", write_pdf)
    return rendered


@pytest.fixture
def login(client: Client, province):
    def as_persona(persona: str) -> Client:
        client.logout()
        if persona != "anonymous":
            client.force_login(
                province["users"][persona], backend="parindex.accounts.backends.AccountBackend"
            )
        return client

    return as_persona


__all__ = ["PASSWORD", "PERSONAS", "Framework", "small_framework"]
