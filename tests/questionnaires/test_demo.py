"""The demo survey: on a small stand-in for the demo province (the real loader takes half
a minute), `load_demo_survey` creates the 2025 communes' survey from the shipped example
form, collects responses through every channel, and feeds the assessments."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from parindex.accounts.models import User
from parindex.assessments.models import Assessment, NodeEntry
from parindex.criteria.services import framework_publish, framework_store
from parindex.frameworks import load_framework
from parindex.periods.models import AssessmentPeriod, UnitGroup
from parindex.questionnaires.demo import RESPONSES_PER_UNIT, SURVEY_NAME, load_demo_survey
from parindex.questionnaires.models import Channel, Invitation, SamplingTarget
from parindex.units.models import Unit, UnitType

FRAMEWORK = (
    Path(__file__).resolve().parents[2]
    / "parindex/data/frameworks/example_province_communes_2025.yaml"
)


@pytest.fixture
def demo_like(db):
    commune = UnitType.objects.create(code="xa", name="Xã", level="commune")
    units = [
        Unit.objects.create(code=f"X{n}", name=f"Xã Minh Họa {n}", unit_type=commune)
        for n in range(1, 4)
    ]
    admin = User.objects.create(username="admin", role="admin")
    User.objects.create(username="thamdinh", full_name="Thẩm Định", role="appraiser")
    User.objects.create(username="xa.canbo", full_name="Công Chức", role="officer", unit=units[0])
    framework = framework_store(actor=admin, engine=load_framework(FRAMEWORK))
    framework_publish(actor=admin, framework=framework)
    now = timezone.now()
    period = AssessmentPeriod.objects.create(
        year=2025,
        name="Kỳ 2025 (minh họa)",
        status="open",
        self_assessment_opens=now - datetime.timedelta(days=5),
        self_assessment_closes=now + datetime.timedelta(days=20),
        explanation_closes=now + datetime.timedelta(days=30),
        appraisal_closes=now + datetime.timedelta(days=40),
        publication_date=(now + datetime.timedelta(days=50)).date(),
    )
    group = UnitGroup.objects.create(
        period=period, code="cap-xa", name="Cấp xã", framework=framework
    )
    group.units.set(units)
    for unit in units:
        Assessment.objects.create(period=period, group=group, unit=unit)
    return units


def test_the_demo_survey_collects_responses_and_feeds_the_assessments(demo_like):
    lines: list[str] = []

    survey = load_demo_survey(lines.append)

    assert survey.name == SURVEY_NAME
    assert survey.state == "open"
    channels = {
        channel: survey.responses.filter(channel=channel).count() for channel in Channel.values
    }
    assert channels["import"] >= RESPONSES_PER_UNIT * 3  # plus the careless copies
    assert (channels["staff"], channels["token"]) == (3, 3)
    invitations = Invitation.objects.filter(survey=survey)
    assert invitations.filter(used_at__isnull=False).count() == 3
    assert invitations.filter(used_at__isnull=True, expires_at__lt=timezone.now()).count() == 1
    assert SamplingTarget.objects.filter(survey=survey).count() == 9
    assert survey.responses.exclude(flags=[]).exists()  # careless answers were caught
    assert survey.responses.filter(status_basis="appraiser").count() == 1
    entries = NodeEntry.objects.filter(assessment__unit__in=demo_like, node_code__in=["13", "28"])
    assert entries.count() == 6
    assert all(entry.provenance["survey_id"] == survey.pk for entry in entries)
    assert all(entry.provenance["summary"].startswith("Điều tra «") for entry in entries)
    assert "SYNTHETIC" in lines[-2]
    assert lines[-1].startswith("  Try the public form: /s/")
