"""Data-scored criteria: a `source: data` node gets the system's figures and a dated snapshot
as its evidence, the unit cannot edit it, the engine scores it, and locked assessments are
left alone.

The web fixture's framework has node 2.1 «Hồ sơ đúng hạn» (4 points, bands: ≥ 95% → 4,
≥ 80% → 2, source data, indicator dossiers.on_time_rate). From tests/dossiers/helpers.py:
unit A 4/5 = 80% → 2 points; unit B 2/2 = 100% → 4 points.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parindex.assessments.errors import WorkflowError
from parindex.assessments.models import Assessment, NodeEntry
from parindex.assessments.selectors import assessment_result
from parindex.assessments.services.entries import entry_save_self
from parindex.dossiers.services import APPLY_JOB, data_apply
from parindex.jobs.models import Job, JobState
from parindex.units.models import Unit

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DURING_SELF_ASSESSMENT = datetime.datetime(2025, 11, 15, 9, tzinfo=TZ)


def test_data_apply_fills_the_data_node_with_its_snapshot(imported, province):
    report = data_apply(period=province["period"], actor=province["users"]["appraiser"])
    assert (report.assessments, report.written, report.unchanged) == (2, 2, 0)
    assert report.refused == report.problems == []
    entry = NodeEntry.objects.get(assessment=province["assessment_a"], node_code="2.1")
    assert entry.appraised_values == {"numerator": "4", "denominator": "5"}
    assert entry.appraised_points == Decimal(2)
    snapshot = entry.provenance
    assert snapshot["source"] == "data"
    assert snapshot["editable"] is False
    assert snapshot["indicator"] == "on_time_rate"
    assert snapshot["period"]["code"] == "2025"
    assert (snapshot["numerator"], snapshot["denominator"], snapshot["rate_percent"]) == (
        "4",
        "5",
        "80",
    )
    assert snapshot["store_batches"] == [imported.report["batch"]]
    assert snapshot["batch_files"][0]["file_name"] == "ho-so-2025.csv"
    assert any("indicator_stage1" in statement for statement in snapshot["query"])
    assert snapshot["summary"].startswith("Tỷ lệ giải quyết đúng hạn: 4/5 đã giải quyết = 80%")
    assert "Năm 2025" in snapshot["summary"]


def test_the_engine_scores_the_assessment_with_the_data_value(imported, province):
    data_apply(period=province["period"], actor=None)
    assert assessment_result(province["assessment_a"]).nodes["2.1"].points == Decimal(2)
    assert assessment_result(province["assessment_b"]).nodes["2.1"].points == Decimal(4)
    # Data nodes count on the unit's own side too: they are not the unit's claim.
    assert assessment_result(province["assessment_b"], "self").nodes["2.1"].points == Decimal(4)


def test_the_unit_cannot_edit_a_data_scored_node(imported, province):
    data_apply(period=province["period"], actor=None)
    with pytest.raises(WorkflowError, match="số liệu hệ thống, đơn vị không tự chấm"):
        entry_save_self(
            actor=province["users"]["officer_a"],
            assessment=province["assessment_a"],
            node_code="2.1",
            values={"numerator": 5, "denominator": 5},
            now=DURING_SELF_ASSESSMENT,
        )
    entry = NodeEntry.objects.get(assessment=province["assessment_a"], node_code="2.1")
    assert entry.appraised_values == {"numerator": "4", "denominator": "5"}


def test_a_published_assessment_is_refused_and_the_others_are_filled(imported, province):
    locked = province["assessment_b"]
    locked.state = "published"
    locked.save()
    report = data_apply(period=province["period"], actor=None)
    assert report.written == 1
    assert len(report.refused) == 1
    assert report.refused[0].startswith("Xã Bình Minh: ")
    assert "đã được thông qua" in report.refused[0]
    assert not NodeEntry.objects.filter(assessment=locked, node_code="2.1").exists()


def test_applying_the_same_figures_again_leaves_the_entries_alone(imported, province):
    data_apply(period=province["period"], actor=None)
    entry = NodeEntry.objects.get(assessment=province["assessment_a"], node_code="2.1")
    again = data_apply(period=province["period"], actor=None)
    assert (again.written, again.unchanged) == (0, 2)
    entry.refresh_from_db()
    assert entry.version == 2  # created at 1, written once: an open appraisal page stays valid


def test_a_unit_without_dossiers_is_listed_as_a_problem(login, province, data_dir):
    report = data_apply(period=province["period"], actor=None)
    assert report.written == 0
    assert len(report.problems) == 2
    assert "chưa có số liệu «on_time_rate» của A kỳ Năm 2025" in report.problems[0]


def test_the_button_runs_the_data_apply_as_a_job(imported, province, login):
    client = login("appraiser")
    response = client.post(reverse("dossiers:apply", args=[province["period"].pk]))
    job = Job.objects.get(kind=APPLY_JOB)
    assert response["Location"] == reverse("dossiers:report", args=[job.pk])
    assert job.state == JobState.DONE
    assert job.report["written"] == 2
    page = client.get(response["Location"]).content.decode()
    assert "2 hồ sơ đánh giá: ghi 2 mục, 0 mục không đổi" in page
    criteria = client.get(reverse("dossiers:criteria")).content.decode()
    assert reverse("dossiers:provenance", args=[province["assessment_a"].pk, "2.1"]) in criteria


def test_the_provenance_page_shows_the_figures_to_the_unit_and_the_appraiser(
    imported, province, login
):
    data_apply(period=province["period"], actor=None)
    url = reverse("dossiers:provenance", args=[province["assessment_a"].pk, "2.1"])
    for persona in ("officer_a", "appraiser"):
        text = login(persona).get(url).content.decode()
        assert "đơn vị không sửa được" in text
        assert "Tỷ lệ giải quyết đúng hạn" in text
        assert "80%" in text
        assert "ho-so-2025.csv" in text
        assert "indicator_stage1" in text  # the query that produced the figures
    snapshot = json.loads(login("leader").get(url, {"format": "json"}).content)
    assert snapshot["numerator"] == "4"
    assert login("officer_b").get(url).status_code == 404
    not_data = reverse("dossiers:provenance", args=[province["assessment_a"].pk, "1.1"])
    assert login("appraiser").get(not_data).status_code == 404


def test_the_criteria_page_query_count_does_not_grow_with_the_assessments(
    imported, province, login
):
    data_apply(period=province["period"], actor=None)
    client = login("appraiser")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("dossiers:criteria")).status_code == 200
        return len(captured)

    before = queries()
    unit_type = province["unit_a"].unit_type
    for number in range(10):
        unit = Unit.objects.create(code=f"N{number}", name=f"Xã Mới {number}", unit_type=unit_type)
        Assessment.objects.create(period=province["period"], group=province["group"], unit=unit)
    assert queries() == before
