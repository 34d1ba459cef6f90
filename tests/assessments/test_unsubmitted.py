"""A year that always finishes: units that never submit and units that submit late.

After its deadline (its extension included) the appraiser takes a unit that has not submitted
into appraisal (`assessment_take_unsubmitted`): the assessment is created if the unit never
opened it, recorded `not_submitted`, its unsent entries do not count, the framework's
`submission` node gets its points, the unit is told, everything is audited; the council and
the publication then proceed. A submission after the period's deadline, inside an extension,
is recorded as late. These tests use the database, so they run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from parindex.accounts.models import Role, User
from parindex.assessments.errors import WorkflowError
from parindex.assessments.models import Assessment, NodeEntry, Notification
from parindex.assessments.selectors import assessment_result, assessment_sheet
from parindex.assessments.services.entries import entry_appraise, entry_save_self
from parindex.assessments.services.evidence import evidence_upload
from parindex.assessments.services.publication import group_approve, period_publish
from parindex.assessments.services.transitions import (
    assessment_remind,
    assessment_submit,
    assessment_take_unsubmitted,
    assessment_transition,
)
from parindex.audit.models import AuditEvent
from parindex.criteria.services import framework_publish, framework_store
from parindex.engine import FrameworkSpec, NodeSpec, build_framework
from parindex.periods.models import DeadlineExtension, PublishedResult
from parindex.results import exports, selectors
from parindex.units.models import Unit

from .helpers import PDF, fresh, open_deadlines

# The province fixture's 2025 deadline is 10/12/2025 17:00; commune B has an extension to
# 20/12/2025 17:00; both have passed (the suite runs later).
BEFORE_DEADLINE = datetime.datetime(2025, 12, 9, 9, tzinfo=datetime.UTC)
INSIDE_EXTENSION = datetime.datetime(2025, 12, 15, 9, tzinfo=datetime.UTC)


def framework_with_submission(admin: User) -> Any:
    """The small commune framework with a penalty node the system fills from the submission:
    late −0,5, not sent −1 (test data)."""
    nodes = [
        NodeSpec("1", "Công tác chỉ đạo, điều hành", 6),
        NodeSpec("1.1", "Ban hành kế hoạch CCHC", 2, parent="1", rule="boolean"),
        NodeSpec(
            "1.2",
            "Tỷ lệ nhiệm vụ hoàn thành",
            4,
            parent="1",
            rule="ratio",
            rule_params={"full_at_percent": 90},
        ),
        NodeSpec("2", "Cải cách thủ tục hành chính", 4),
        NodeSpec("2.1", "Hồ sơ đúng hạn", 4, parent="2", rule="boolean"),
        NodeSpec("TRU", "Điểm trừ", 1, kind="penalty"),
        NodeSpec(
            "TRU.1",
            "Gửi tự đánh giá chậm hoặc không gửi",
            1,
            parent="TRU",
            kind="penalty",
            source="system",
            rule="manual",
            rule_params={"step": "0.5"},
        ),
    ]
    info = {
        "code": "xa-2025-nop",
        "name": "Bộ tiêu chí xã 2025 có điểm trừ gửi chậm",
        "year": 2025,
        "unit_group": "communes",
        "max_total": 10,
        "submission": {"node": "TRU.1", "late": "0.5", "not_submitted": 1},
    }
    framework = framework_store(actor=admin, engine=build_framework(FrameworkSpec(info, nodes)))
    framework_publish(actor=admin, framework=framework)
    return framework


@pytest.fixture
def timed(province: dict[str, Any]) -> dict[str, Any]:
    """The province whose 2025 group uses the framework with the submission penalty."""
    group = province["group"]
    group.framework = framework_with_submission(province["users"]["admin"])
    group.save()
    return province


def _unit_c(province: dict[str, Any]) -> Unit:
    """A third commune of the group that never opened its assessment."""
    unit = Unit.objects.create(code="C", name="Xã Cẩm Đông", unit_type=province["unit_a"].unit_type)
    province["group"].units.add(unit)
    return unit


# --- taking a unit that never submitted ------------------------------------------------------


def test_after_the_deadline_the_appraiser_takes_a_unit_that_never_submitted(timed):
    users = timed["users"]
    # The officer drafted two answers before the deadline; the head never sent them.
    entry_save_self(
        actor=users["officer_a"],
        assessment=timed["assessment_a"],
        node_code="1.1",
        values={"value": "yes"},
        now=BEFORE_DEADLINE,
    )
    assert assessment_result(fresh(timed["assessment_a"])).total == 2  # a draft counts as typed

    taken = assessment_take_unsubmitted(
        actor=users["appraiser"],
        period=timed["period"],
        unit=timed["unit_a"],
        reason="Đã nhắc bằng văn bản số 12",
    )

    assert (taken.state, taken.submission, taken.appraiser) == (
        "in_appraisal",
        "not_submitted",
        users["appraiser"],
    )
    assert taken.submitted_at is None
    # The unsent draft does not count; the framework takes 1 point off for not sending (a
    # total does not go below 0).
    result = assessment_result(fresh(taken))
    assert (result.base, result.penalty, result.total) == (0, 1, 0)
    sheet = assessment_sheet(fresh(taken))
    assert (sheet.self_result.base, sheet.self_result.penalty) == (0, 1)
    penalty = NodeEntry.objects.get(assessment=taken, node_code="TRU.1")
    assert penalty.appraised_values == {"points": "1"}
    assert penalty.provenance["submission"] == "not_submitted"
    assert penalty.provenance["deadline"] == "10/12/2025 17:00"
    # The unit is told; the step is audited with its reason and the new field.
    notices = Notification.objects.filter(user__unit=timed["unit_a"])
    assert {notice.user.username for notice in notices} == {"officer_a", "head_a"}
    assert "không gửi kết quả tự đánh giá 2025" in notices.first().message
    event = AuditEvent.objects.get(action="take_unsubmitted")
    assert event.changes["state"] == ["draft", "in_appraisal"]
    assert event.changes["submission"] == ["", "not_submitted"]
    assert event.reason == "Đã nhắc bằng văn bản số 12"
    assert AuditEvent.objects.filter(action="system_value", object_repr__contains="TRU.1").exists()


def test_a_unit_that_never_opened_its_assessment_gets_one_when_taken(timed):
    unit = _unit_c(timed)
    assert not Assessment.objects.filter(unit=unit).exists()

    taken = assessment_take_unsubmitted(
        actor=timed["users"]["appraiser"], period=timed["period"], unit=unit
    )

    assert taken.group == timed["group"]
    assert (taken.state, taken.submission) == ("in_appraisal", "not_submitted")


def test_before_the_units_deadline_the_take_is_refused_and_leaves_nothing(timed):
    open_deadlines(timed)
    unit = _unit_c(timed)
    with pytest.raises(WorkflowError, match="Chưa hết hạn tự đánh giá của Xã Cẩm Đông"):
        assessment_take_unsubmitted(
            actor=timed["users"]["appraiser"], period=timed["period"], unit=unit
        )
    assert not Assessment.objects.filter(unit=unit).exists()
    assert not AuditEvent.objects.filter(action="take_unsubmitted").exists()


def test_an_extension_still_running_keeps_the_unit_out_of_reach(timed):
    DeadlineExtension.objects.create(
        period=timed["period"],
        unit=timed["unit_a"],
        closes_at=timezone.now() + datetime.timedelta(days=3),
        reason="Bão lũ",
    )
    with pytest.raises(WorkflowError, match="đơn vị còn có thể gửi"):
        assessment_take_unsubmitted(
            actor=timed["users"]["appraiser"], period=timed["period"], unit=timed["unit_a"]
        )
    assert fresh(timed["assessment_a"]).state == "draft"


def test_only_the_appraiser_takes_and_only_a_draft(timed):
    users = timed["users"]
    for role in ("head_a", "council", "admin"):
        with pytest.raises(WorkflowError, match="Chỉ thẩm định viên"):
            assessment_take_unsubmitted(
                actor=users[role], period=timed["period"], unit=timed["unit_a"]
            )
    assessment_take_unsubmitted(
        actor=users["appraiser"], period=timed["period"], unit=timed["unit_a"]
    )
    with pytest.raises(WorkflowError, match="«Đang thẩm định»"):
        assessment_take_unsubmitted(
            actor=users["appraiser"], period=timed["period"], unit=timed["unit_a"]
        )


def test_any_points_for_a_unit_that_never_submitted_need_a_reason(timed):
    appraiser = timed["users"]["appraiser"]
    taken = assessment_take_unsubmitted(
        actor=appraiser, period=timed["period"], unit=timed["unit_a"]
    )
    with pytest.raises(WorkflowError, match="cần chọn lý do điều chỉnh"):
        entry_appraise(
            actor=appraiser, assessment=fresh(taken), node_code="1.1", values={"value": "yes"}
        )
    entry_appraise(
        actor=appraiser,
        assessment=fresh(taken),
        node_code="1.1",
        values={"value": "yes"},
        reason_code="not_submitted",
        comment="Kế hoạch số 5/KH-UBND có trên cổng thông tin",
    )
    assert assessment_result(fresh(taken)).total == Decimal(1)  # 2 − 1 for not sending


# --- late and on-time submissions ------------------------------------------------------------


def _fill(province: dict[str, Any], unit: str, now: datetime.datetime) -> None:
    officer = province["users"][f"officer_{unit}"]
    assessment = province[f"assessment_{unit}"]
    entry_save_self(
        actor=officer, assessment=assessment, node_code="1.1", values={"value": "yes"}, now=now
    )
    evidence_upload(
        actor=officer,
        assessment=assessment,
        name="ke-hoach.pdf",
        stream=io.BytesIO(PDF + unit.encode()),
        node_code="1.1",
        now=now,
    )


def _head_b(province: dict[str, Any]) -> User:
    return User.objects.create(
        username="head_b", role=Role.HEAD, unit=province["unit_b"], full_name="Head B"
    )


def test_a_submission_inside_an_extension_is_late_and_costs_what_the_framework_says(timed):
    _fill(timed, "b", INSIDE_EXTENSION)

    assessment_submit(
        actor=_head_b(timed), assessment=fresh(timed["assessment_b"]), now=INSIDE_EXTENSION
    )

    sent = fresh(timed["assessment_b"])
    assert (sent.state, sent.submission, sent.submitted_at) == (
        "submitted",
        "late",
        INSIDE_EXTENSION,
    )
    penalty = NodeEntry.objects.get(assessment=sent, node_code="TRU.1")
    assert penalty.appraised_points == Decimal("0.5")
    assert penalty.provenance["extended_to"] == "20/12/2025 17:00"
    assert assessment_result(sent).total == Decimal("1.5")  # 2 − 0,5
    event = AuditEvent.objects.get(action="submit")
    assert event.changes["submission"] == ["", "late"]
    appraiser_notice = Notification.objects.get(user=timed["users"]["appraiser"])
    assert "muộn" in appraiser_notice.message


def test_a_submission_before_the_deadline_is_on_time_and_costs_nothing(timed):
    _fill(timed, "a", BEFORE_DEADLINE)

    assessment_submit(
        actor=timed["users"]["head_a"], assessment=fresh(timed["assessment_a"]), now=BEFORE_DEADLINE
    )

    sent = fresh(timed["assessment_a"])
    assert sent.submission == "on_time"
    assert NodeEntry.objects.get(assessment=sent, node_code="TRU.1").appraised_points == 0
    assert assessment_result(sent).total == 2


def test_without_a_submission_node_lateness_is_recorded_and_scores_nothing(province):
    """The fixture's framework declares no `submission`: nothing is written for it."""
    _fill(province, "b", INSIDE_EXTENSION)
    assessment_submit(
        actor=_head_b(province), assessment=fresh(province["assessment_b"]), now=INSIDE_EXTENSION
    )
    sent = fresh(province["assessment_b"])
    assert sent.submission == "late"
    assert list(NodeEntry.objects.filter(assessment=sent).values_list("node_code", flat=True)) == [
        "1.1"
    ]


# --- the year still finishes -----------------------------------------------------------------


def test_the_council_approves_and_the_year_is_published_with_a_unit_that_never_submitted(timed):
    users = timed["users"]
    appraiser = users["appraiser"]
    _fill(timed, "b", INSIDE_EXTENSION)
    assessment_submit(
        actor=_head_b(timed), assessment=fresh(timed["assessment_b"]), now=INSIDE_EXTENSION
    )
    assessment_transition(
        actor=appraiser, assessment=fresh(timed["assessment_b"]), action="start_appraisal"
    )
    assessment_transition(
        actor=appraiser, assessment=fresh(timed["assessment_b"]), action="finalise"
    )
    absent = _unit_c(timed)
    for unit in (timed["unit_a"], absent):
        taken = assessment_take_unsubmitted(actor=appraiser, period=timed["period"], unit=unit)
        assessment_transition(actor=appraiser, assessment=fresh(taken), action="finalise")

    group_approve(actor=users["council"], group=timed["group"])
    count = period_publish(
        actor=users["admin"],
        period=timed["period"],
        decision_number="15/QĐ-UBND",
        decision_date=datetime.date(2026, 1, 20),
    )

    assert count == 3
    rows = PublishedResult.objects.filter(period=timed["period"]).order_by("rank", "unit__code")
    assert [(row.unit.code, row.rank, row.total) for row in rows] == [
        ("B", 1, Decimal("1.5")),
        ("A", 2, Decimal(0)),
        ("C", 2, Decimal(0)),
    ]
    # Reports say who sent late and who never sent: the standing, the Excel workbook.
    standing = selectors.group_standing(timed["group"])
    assert standing.submissions == {"A": "not_submitted", "B": "late", "C": "not_submitted"}
    workbook = exports.period_workbook(
        timed["period"], [standing], when=datetime.datetime(2026, 1, 21, 8)
    )
    sheet = load_workbook(io.BytesIO(workbook)).active
    notes = {
        row[1]: row[-1]
        for row in sheet.iter_rows(min_row=exports.FIRST_DATA_ROW, values_only=True)
        if row[1]
    }
    assert notes == {
        "B": "Gửi tự đánh giá muộn",
        "A": "Không gửi tự đánh giá",
        "C": "Không gửi tự đánh giá",
    }


# --- reminders -------------------------------------------------------------------------------


def test_a_reminder_goes_to_a_unit_still_within_its_deadline(province):
    open_deadlines(province)
    count = assessment_remind(
        actor=province["users"]["appraiser"], period=province["period"], unit=province["unit_a"]
    )
    assert count == 2
    notice = Notification.objects.get(user=province["users"]["head_a"])
    assert notice.message.startswith("Nhắc việc: hạn gửi kết quả tự đánh giá 2025")
    event = AuditEvent.objects.get(action="remind")
    assert event.changes["recipients"] == [None, ["head_a", "officer_a"]]


def test_a_reminder_is_refused_when_nothing_is_due(province):
    appraiser, period = province["users"]["appraiser"], province["period"]
    with pytest.raises(WorkflowError, match="Đã hết hạn tự đánh giá của Xã An Bình"):
        assessment_remind(actor=appraiser, period=period, unit=province["unit_a"])
    assessment_take_unsubmitted(actor=appraiser, period=period, unit=province["unit_a"])
    with pytest.raises(WorkflowError, match="Không có việc gì của Xã An Bình cần nhắc"):
        assessment_remind(actor=appraiser, period=period, unit=province["unit_a"])
    assert not Notification.objects.filter(message__startswith="Nhắc việc").exists()
