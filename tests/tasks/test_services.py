"""Tasks: creation (directly and from a source), progress with evidence, the daily check with a
frozen clock, the link to next year's criteria, and the Excel export's escaping."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from parindex.assessments.models import NodeEntry, Notification
from parindex.audit.models import AuditEvent
from parindex.tasks import exports
from parindex.tasks.models import Task, TaskEvidence, TaskStatus
from parindex.tasks.selectors import tasks_by_node
from parindex.tasks.services import (
    TaskError,
    UploadedFile,
    source_from_dossier_item,
    source_from_entry,
    task_create_from,
    task_edit,
    task_report_progress,
    tasks_daily,
)

from .helpers import PDF, a_task

UTC = datetime.UTC


def at(day: int, month: int = 3, year: int = 2026) -> datetime.datetime:
    return datetime.datetime(year, month, day, 1, tzinfo=UTC)  # 08:00 in Vietnam


def test_a_task_is_created_audited_and_its_unit_told(province):
    task = a_task(province)
    assert task.status == TaskStatus.NEW
    assert AuditEvent.objects.filter(object_type="task", object_id=str(task.pk), action="create")
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert {"officer_a", "head_a"} <= told
    assert "officer_b" not in told


def test_an_assignee_of_another_unit_is_refused(province):
    with pytest.raises(TaskError):
        a_task(province, assignee=province["users"]["officer_b"])


def test_a_criterion_the_framework_does_not_have_is_refused(province):
    with pytest.raises(TaskError, match=r"9\.9"):
        a_task(province, node_codes=["9.9"])


def test_reminders_go_once_within_the_window_then_the_task_becomes_overdue(province):
    task = a_task(province)  # due 31/03/2026
    Notification.objects.all().delete()
    assert tasks_daily(now=at(20), days=7).reminded == ()  # 11 days before: not yet
    assert tasks_daily(now=at(25), days=7).reminded == (task.pk,)
    assert Notification.objects.filter(user__username="officer_a").count() == 1
    assert tasks_daily(now=at(26), days=7).reminded == ()  # once per deadline
    assert tasks_daily(now=at(31), days=7).overdue == ()  # due today: not overdue yet
    report = tasks_daily(now=at(1, month=4), days=7)
    assert report.overdue == (task.pk,)
    task.refresh_from_db()
    assert task.status == TaskStatus.OVERDUE
    # The unit and Home Affairs hear of it; a second run the same day changes nothing.
    assert Notification.objects.filter(user__username="appraiser").exists()
    assert tasks_daily(now=at(1, month=4), days=7).overdue == ()
    assert AuditEvent.objects.filter(object_id=str(task.pk), action="overdue").count() == 1


def test_moving_the_deadline_takes_an_overdue_task_back_to_work_and_reminds_again(province):
    task = a_task(province)
    tasks_daily(now=at(1, month=4))
    task.refresh_from_db()
    task_edit(
        actor=province["users"]["appraiser"],
        task=task,
        changes={"deadline": datetime.date(2026, 4, 30)},
        reason="Gia hạn",
        now=at(2, month=4),
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.NEW
    assert task.reminded_for is None
    assert tasks_daily(now=at(25, month=4), days=7).reminded == (task.pk,)


def test_cancelling_needs_a_reason(province):
    task = a_task(province)
    with pytest.raises(TaskError):
        task_edit(actor=province["users"]["appraiser"], task=task, changes={"status": "cancelled"})


def test_the_unit_reports_progress_with_evidence_and_then_done(province):
    task = a_task(province)
    officer = province["users"]["officer_a"]
    task_report_progress(
        actor=officer,
        task=task,
        note="Đã dự thảo kế hoạch",
        progress=40,
        files=[UploadedFile("du-thao.pdf", io.BytesIO(PDF))],
    )
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 40)
    assert TaskEvidence.objects.get(task=task).original_name == "du-thao.pdf"
    task_report_progress(actor=officer, task=task, note="Đã ban hành", progress=80, done=True)
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.DONE, 100)
    with pytest.raises(TaskError):
        task_report_progress(actor=officer, task=task, note="thêm", progress=100)


def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_stored(province):
    task = a_task(province)
    with pytest.raises(TaskError, match=r"du-thao\.pdf"):
        task_report_progress(
            actor=province["users"]["officer_a"],
            task=task,
            note="x",
            progress=10,
            files=[UploadedFile("du-thao.pdf", io.BytesIO(b"MZ not a pdf"))],
        )
    assert not TaskEvidence.objects.exists()
    task.refresh_from_db()
    assert task.status == TaskStatus.NEW


def test_a_task_from_an_appraisal_conclusion_in_one_step(province):
    assessment = province["assessment_a"]
    entry = NodeEntry.objects.create(
        assessment=assessment,
        node_code="1.1",
        self_values={"value": "yes"},
        appraised_values={"value": "no"},
        reason_code="no_evidence",
        appraiser_comment="Không có kế hoạch kèm theo",
    )
    source = source_from_entry(entry)
    task = task_create_from(
        source=source, actor=province["users"]["appraiser"], deadline=datetime.date(2026, 6, 30)
    )
    assert task.unit == province["unit_a"]
    assert task.node_codes == ["1.1"]
    assert task.framework == province["framework"]
    assert task.source_kind == "appraisal"
    assert task.assessment == assessment
    assert "Không có kế hoạch kèm theo" in task.description
    with pytest.raises(TaskError, match="Đã giao việc từ nguồn này"):
        task_create_from(
            source=source, actor=province["users"]["appraiser"], deadline=datetime.date(2026, 7, 1)
        )


def test_a_task_from_a_dossier_row_names_the_766_indicator(province):
    source = source_from_dossier_item(
        unit=province["unit_a"], kind="late", procedure_code="X001", text="12 hồ sơ trễ hạn"
    )
    task = task_create_from(
        source=source, actor=province["users"]["appraiser"], deadline=datetime.date(2026, 6, 30)
    )
    assert task.indicator_keys == ["timeliness_766"]
    assert task.source_ref == "dossier:late:A:X001"


def test_next_years_criteria_show_last_years_tasks_through_the_mapping_and_lineage(province):
    # Assigned on the 2024 framework to a commune merged into unit A in July 2025.
    old = a_task(
        province,
        unit=province["old_a1"],
        framework=province["previous_framework"],
        period=province["period_2024"],
        node_codes=["1.1"],
    )
    this_year = a_task(province, node_codes=["1.2"])
    a_task(province, unit=province["unit_b"], node_codes=["1.1"])  # another unit: not shown
    found = tasks_by_node(province["assessment_a"])
    assert [task.pk for task in found["1.1"]] == [old.pk]
    assert [task.pk for task in found["1.2"]] == [this_year.pk]
    assert "2.1" not in found


def test_the_excel_export_writes_typed_values_as_text_never_formulas(province):
    a_task(province, title='=HYPERLINK("http://x","bấm")', document_number="+1-2")
    data = exports.tasks_workbook(Task.objects.select_related("unit", "assignee"), when=at(1))
    sheet = load_workbook(io.BytesIO(data)).active
    row = [cell.value for cell in sheet[3]]
    assert row[1] == '\'=HYPERLINK("http://x","bấm")'
    assert row[6] == "'+1-2"
    assert all(cell.data_type != "f" for cell in sheet[3])
