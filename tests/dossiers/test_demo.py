"""The demo's service data, on a small stand-in for the demo province (the real one has 80
units and 100 000 dossiers): generated dossiers and feeds imported as jobs, then the
data-scored criteria filled from them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from parindex.accounts.models import User
from parindex.assessments.models import Assessment, NodeEntry
from parindex.criteria.services import framework_publish, framework_store
from parindex.dossiers.demo import load_demo_dossiers
from parindex.dossiers.services import APPLY_JOB, IMPORT_JOB
from parindex.dossiers.sources import data_store
from parindex.jobs.models import Job
from parindex.periods.models import AssessmentPeriod, UnitGroup
from parindex.units.models import Unit, UnitType
from tests.web.conftest import small_framework


@pytest.fixture
def demo_like(db, data_dir):
    department = UnitType.objects.create(code="so", name="Sở", level="province")
    commune = UnitType.objects.create(code="xa", name="Xã", level="commune")
    units = [
        Unit.objects.create(code="S03", name="Sở Tài chính", unit_type=department),
        Unit.objects.create(code="S18", name="Đài Phát thanh và Truyền hình", unit_type=department),
        Unit.objects.create(code="X001", name="Xã Minh Họa", unit_type=commune),
    ]
    admin = User.objects.create(username="admin", role="admin")
    User.objects.create(username="thamdinh", full_name="Thẩm Định", role="appraiser")
    framework = framework_store(actor=admin, engine=small_framework())
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
    group = UnitGroup.objects.create(period=period, code="all", name="Tất cả", framework=framework)
    group.units.set(units)
    for unit in units:
        Assessment.objects.create(period=period, group=group, unit=unit)
    return units


def test_the_demo_imports_generated_dossiers_and_fills_the_data_criteria(demo_like):
    lines: list[str] = []

    report = load_demo_dossiers(lines.append, dossiers=1000)

    imported = Job.objects.get(kind=IMPORT_JOB).report
    assert imported["read"] == imported["imported"] + imported["rejected"] == 1004
    assert imported["rejected"] == 3  # the generator's deliberate faulty rows
    assert imported["superseded_in_file"] == 1  # and its one correction
    assert [batch.kind for batch in data_store().batches()] == ["dossiers", "feeds"]
    assert "GENERATED" in lines[0]
    # S03 and X001 handle procedures of the catalogue; the broadcaster handles none.
    assert report.written == 2
    assert report.problems == [
        "Đài Phát thanh và Truyền hình (S18), mục 2.1: "
        "chưa có số liệu «on_time_rate» của S18 kỳ Năm 2025"
    ]
    entries = NodeEntry.objects.filter(node_code="2.1").select_related("assessment__unit")
    assert {entry.assessment.unit.code for entry in entries} == {"S03", "X001"}
    for entry in entries:
        assert entry.provenance["source"] == "data"
        assert entry.provenance["batch_files"][0]["file_name"] == "dossiers_2025_generic.csv"
    # The demo's own dossier codes: a shipped sample imported later replaces none of them.
    assert Job.objects.get(kind=IMPORT_JOB).report["rejected_rows"][0]["dossier"].startswith("MH-")
    assert Job.objects.get(kind=APPLY_JOB).report["written"] == 2


def test_the_demo_is_deterministic_and_loading_it_twice_changes_nothing(demo_like):
    load_demo_dossiers(lambda _: None, dossiers=1000)
    first = {e.assessment_id: e.appraised_values for e in NodeEntry.objects.filter(node_code="2.1")}

    again = load_demo_dossiers(lambda _: None, dossiers=1000)

    assert Job.objects.filter(kind=IMPORT_JOB).latest("pk").report["already_imported"] is True
    assert len(data_store().batches()) == 2
    assert (again.written, again.unchanged) == (0, 2)
    assert {
        e.assessment_id: e.appraised_values for e in NodeEntry.objects.filter(node_code="2.1")
    } == first
