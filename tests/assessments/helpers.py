"""Builders for the workflow tests: open deadlines, small valid files, a unit taken through
the workflow by the services themselves.

The province fixture (tests/web/conftest.py) has commune A (officer_a, head_a) and commune
B (officer_b) in the 2025 group; its framework's leaves are 1.1 (yes/no, 2 points, evidence
required), 1.2 (ratio, 4 points, full at 90 %) and 2.1 (bands, 4 points, from service data).
"""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

import pytest
from django.utils import timezone

from parindex.accounts.models import Role, User
from parindex.assessments.models import Assessment
from parindex.assessments.services.entries import entry_appraise, entry_save_self
from parindex.assessments.services.evidence import evidence_upload
from parindex.assessments.services.publication import group_approve, period_publish
from parindex.assessments.services.transitions import assessment_submit, assessment_transition

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def office_file(kind: str) -> bytes:
    """A minimal .docx ("word") or .xlsx ("xl") container: what the content check looks for."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{kind}/document.xml", "<doc/>")
    return buffer.getvalue()


def open_deadlines(province: dict[str, Any], days: int = 10) -> None:
    """Move the 2025 period's deadlines after today (the fixture's are in the past)."""
    period = province["period"]
    now = timezone.now()
    period.self_assessment_opens = now - datetime.timedelta(days=30)
    period.self_assessment_closes = now + datetime.timedelta(days=days)
    period.explanation_closes = now + datetime.timedelta(days=days + 10)
    period.appraisal_closes = now + datetime.timedelta(days=days + 20)
    period.save()


def fresh(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_related("unit", "period", "group").get(pk=assessment.pk)


def fill_and_submit(province: dict[str, Any], unit: str = "a") -> Assessment:
    """The unit's officer answers both self-assessed leaves (evidence for 1.1), the head submits."""
    users = province["users"]
    officer = users["officer_a"] if unit == "a" else users["officer_b"]
    head = users["head_a"] if unit == "a" else _head(province, unit)
    assessment = province[f"assessment_{unit}"]
    entry_save_self(actor=officer, assessment=assessment, node_code="1.1", values={"value": "yes"})
    entry_save_self(
        actor=officer,
        assessment=assessment,
        node_code="1.2",
        values={"numerator": "9", "denominator": "10"},
    )
    evidence_upload(
        actor=officer,
        assessment=assessment,
        name=f"ke-hoach-{unit}.pdf",
        stream=io.BytesIO(PDF + unit.encode()),
        node_code="1.1",
        location="tr. 2",
    )
    assessment_submit(actor=head, assessment=fresh(assessment))
    return fresh(assessment)


def _head(province: dict[str, Any], unit: str) -> User:
    head, _ = User.objects.get_or_create(
        username=f"head_{unit}",
        defaults={"role": Role.HEAD, "unit": province[f"unit_{unit}"], "full_name": "Head B"},
    )
    return head


def to_appraised(province: dict[str, Any], unit: str = "a") -> Assessment:
    """Submitted, appraised without changes (2.1 entered from the data with a note), finalised."""
    appraiser = province["users"]["appraiser"]
    assessment = fill_and_submit(province, unit)
    assessment_transition(actor=appraiser, assessment=assessment, action="start_appraisal")
    entry_appraise(
        actor=appraiser,
        assessment=fresh(assessment),
        node_code="2.1",
        values={"percent": "96"},
        comment="Số liệu một cửa tháng 11 (nhập tay)",
    )
    entry_appraise(
        actor=appraiser,
        assessment=fresh(assessment),
        node_code="1.1",
        values={"value": "yes"},
    )
    assessment_transition(actor=appraiser, assessment=fresh(assessment), action="finalise")
    return fresh(assessment)


def to_published(province: dict[str, Any]) -> None:
    """Both communes appraised, approved by the council and published by the administrator."""
    to_appraised(province, "a")
    to_appraised(province, "b")
    group_approve(actor=province["users"]["council"], group=province["group"])
    period_publish(
        actor=province["users"]["admin"],
        period=province["period"],
        decision_number="15/QĐ-UBND",
        decision_date=datetime.date(2026, 1, 20),
    )


@pytest.fixture
def open_province(province):
    open_deadlines(province)
    return province


def TZ_NOW() -> datetime.datetime:
    return timezone.now()
