"""The workflow services on their own: deadlines and extensions, submission checks,
read-only sources, reasons for adjustments, explanation rounds, approval, publication and
the notifications each step sends."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.http import Http404
from django.utils import timezone

from parindex import policy
from parindex.assessments.errors import MissingEvidence, WorkflowError
from parindex.assessments.models import ExplanationRequest, NodeEntry, Notification
from parindex.assessments.services.entries import entry_appraise, entry_save_self
from parindex.assessments.services.evidence import evidence_upload
from parindex.assessments.services.explanations import (
    explanation_answer,
    explanation_request,
    explanation_send,
)
from parindex.assessments.services.publication import group_approve, period_publish
from parindex.assessments.services.transitions import assessment_submit, assessment_transition
from parindex.periods.models import PublishedResult

from .helpers import PDF, TZ_NOW, fill_and_submit, fresh, to_appraised

# --- deadlines -------------------------------------------------------------------------------

BETWEEN_DEADLINES = datetime.datetime(2025, 12, 15, 9, tzinfo=datetime.UTC)


def test_a_unit_cannot_save_after_its_deadline(province):
    with pytest.raises(WorkflowError, match=r"Đã quá hạn tự đánh giá \(10/12/2025 17:00\)"):
        entry_save_self(
            actor=province["users"]["officer_a"],
            assessment=province["assessment_a"],
            node_code="1.1",
            values={"value": "yes"},
        )
    assert not NodeEntry.objects.exists()


def test_a_unit_with_an_extension_can_still_save_when_the_others_cannot(province):
    # Commune B's extension runs to 20/12/2025 17:00; commune A's deadline passed on 10/12.
    entry = entry_save_self(
        actor=province["users"]["officer_b"],
        assessment=province["assessment_b"],
        node_code="1.2",
        values={"numerator": "8", "denominator": "10"},
        now=BETWEEN_DEADLINES,
    )
    assert entry.self_points == Decimal("3.5556")
    with pytest.raises(WorkflowError, match="quá hạn"):
        entry_save_self(
            actor=province["users"]["officer_a"],
            assessment=province["assessment_a"],
            node_code="1.2",
            values={"numerator": "8", "denominator": "10"},
            now=BETWEEN_DEADLINES,
        )


def test_evidence_cannot_be_added_after_the_deadline_either(province):
    with pytest.raises(WorkflowError, match="quá hạn"):
        evidence_upload(
            actor=province["users"]["officer_a"],
            assessment=province["assessment_a"],
            name="ke-hoach.pdf",
            stream=io.BytesIO(PDF),
            node_code="1.1",
        )


def test_a_draft_saved_before_the_deadline_keeps_its_points_and_explanation(open_province):
    entry = entry_save_self(
        actor=open_province["users"]["officer_a"],
        assessment=open_province["assessment_a"],
        node_code="1.2",
        values={"numerator": "9", "denominator": "10"},
        note="Báo cáo quý IV",
    )
    assert entry.self_points == 4
    assert entry.self_explanation == "9/10 = 90% → 4/4 điểm (đủ điểm từ 90%)"
    assert entry.note == "Báo cáo quý IV"
    assert entry.version == 2


def test_an_entry_that_does_not_fit_its_rule_is_refused_naming_the_box(open_province):
    with pytest.raises(WorkflowError, match=r"Mục 1.2: chưa nhập «Mẫu số \(tổng số\)»"):
        entry_save_self(
            actor=open_province["users"]["officer_a"],
            assessment=open_province["assessment_a"],
            node_code="1.2",
            values={"numerator": "9", "denominator": ""},
        )


# --- who may do what -------------------------------------------------------------------------


def test_data_and_survey_nodes_are_read_only_for_units(open_province):
    with pytest.raises(WorkflowError, match=re.escape("Mục 2.1 lấy điểm từ số liệu hệ thống")):
        entry_save_self(
            actor=open_province["users"]["officer_a"],
            assessment=open_province["assessment_a"],
            node_code="2.1",
            values={"percent": "99"},
        )


def test_a_unit_user_cannot_touch_another_units_assessment(open_province):
    outsider, assessment = open_province["users"]["officer_b"], open_province["assessment_a"]
    assert policy.acting_role(outsider, assessment) is None
    assert not policy.may_act(outsider, assessment, "save_draft")
    assert policy.may_act(open_province["users"]["officer_a"], assessment, "save_draft")
    with pytest.raises(Http404):
        policy.assessment_for(outsider, assessment.pk, action="save_draft")


def test_only_the_head_submits(open_province):
    entry_save_self(
        actor=open_province["users"]["officer_a"],
        assessment=open_province["assessment_a"],
        node_code="1.2",
        values={"numerator": "1", "denominator": "2"},
    )
    with pytest.raises(WorkflowError, match="Chỉ thủ trưởng đơn vị mới được gửi"):
        assessment_submit(
            actor=open_province["users"]["officer_a"], assessment=open_province["assessment_a"]
        )
    assert fresh(open_province["assessment_a"]).state == "draft"


def test_submit_is_refused_with_the_list_of_nodes_missing_evidence(open_province):
    officer, head = open_province["users"]["officer_a"], open_province["users"]["head_a"]
    assessment = open_province["assessment_a"]
    entry_save_self(actor=officer, assessment=assessment, node_code="1.1", values={"value": "yes"})

    with pytest.raises(MissingEvidence) as refused:
        assessment_submit(actor=head, assessment=assessment)

    assert refused.value.codes == ["1.1"]
    assert "1.1" in str(refused.value)
    assert fresh(assessment).state == "draft"


def test_a_written_explanation_stands_in_for_missing_evidence_at_submission(open_province):
    officer, head = open_province["users"]["officer_a"], open_province["users"]["head_a"]
    assessment = open_province["assessment_a"]
    entry_save_self(
        actor=officer,
        assessment=assessment,
        node_code="1.1",
        values={"value": "yes"},
        written_explanation="Kế hoạch đang chờ ký, sẽ bổ sung.",
    )
    assessment_submit(actor=head, assessment=assessment)

    submitted = fresh(assessment)
    assert submitted.state == "submitted"
    assert submitted.submitted_by == head
    assert submitted.submitted_at is not None


def test_submit_after_the_deadline_is_refused(province):
    with pytest.raises(WorkflowError, match="quá hạn"):
        assessment_submit(actor=province["users"]["head_a"], assessment=province["assessment_a"])


def test_the_appraiser_must_give_a_reason_code_when_lowering_a_score(open_province):
    appraiser = open_province["users"]["appraiser"]
    assessment = fill_and_submit(open_province)
    assessment_transition(actor=appraiser, assessment=assessment, action="start_appraisal")

    with pytest.raises(WorkflowError, match="khác điểm tự chấm 4, cần chọn lý do điều chỉnh"):
        entry_appraise(
            actor=appraiser,
            assessment=fresh(assessment),
            node_code="1.2",
            values={"numerator": "6", "denominator": "10"},
        )
    entry = entry_appraise(
        actor=appraiser,
        assessment=fresh(assessment),
        node_code="1.2",
        values={"numerator": "6", "denominator": "10"},
        reason_code="wrong_figures",
        comment="Báo cáo ghi 6/10 nhiệm vụ",
    )
    assert entry.appraised_points == Decimal("2.6667")
    assert entry.reason_code == "wrong_figures"


def test_confirming_the_units_score_needs_no_reason(open_province):
    appraiser = open_province["users"]["appraiser"]
    assessment = fill_and_submit(open_province)
    assessment_transition(actor=appraiser, assessment=assessment, action="start_appraisal")
    entry = entry_appraise(
        actor=appraiser,
        assessment=fresh(assessment),
        node_code="1.2",
        values={"numerator": "9", "denominator": "10"},
    )
    assert entry.appraised_points == 4


def test_an_appraiser_enters_a_data_value_only_with_a_note_of_its_source(open_province):
    appraiser = open_province["users"]["appraiser"]
    assessment = fill_and_submit(open_province)
    assessment_transition(actor=appraiser, assessment=assessment, action="start_appraisal")
    with pytest.raises(WorkflowError, match="cần ghi chú nguồn"):
        entry_appraise(
            actor=appraiser,
            assessment=fresh(assessment),
            node_code="2.1",
            values={"percent": "96"},
        )
    entry = entry_appraise(
        actor=appraiser,
        assessment=fresh(assessment),
        node_code="2.1",
        values={"percent": "96"},
        comment="Cổng một cửa, báo cáo tháng 11",
    )
    assert entry.appraised_points == 4
    assert entry.provenance["note"] == "Cổng một cửa, báo cáo tháng 11"


def test_plain_transitions_cannot_skip_the_pages_that_carry_data(open_province):
    assessment = fill_and_submit(open_province)
    with pytest.raises(WorkflowError, match="có trang riêng"):
        assessment_transition(
            actor=open_province["users"]["appraiser"],
            assessment=assessment,
            action="request_explanation",
        )


def test_returning_a_submission_to_the_unit_needs_a_reason_and_tells_the_unit(open_province):
    appraiser = open_province["users"]["appraiser"]
    assessment = fill_and_submit(open_province)
    with pytest.raises(WorkflowError, match="Cần ghi lý do"):
        assessment_transition(actor=appraiser, assessment=assessment, action="return_to_unit")
    assessment_transition(
        actor=appraiser, assessment=assessment, action="return_to_unit", reason="Thiếu mục 1.2"
    )
    assert fresh(assessment).state == "draft"
    assert Notification.objects.filter(
        user=open_province["users"]["officer_a"], message__contains="Thiếu mục 1.2"
    ).exists()


# --- explanation rounds ----------------------------------------------------------------------


def _in_appraisal(province):
    assessment = fill_and_submit(province)
    assessment_transition(
        actor=province["users"]["appraiser"], assessment=assessment, action="start_appraisal"
    )
    return fresh(assessment)


def test_an_explanation_round_goes_to_the_unit_and_back(open_province):
    appraiser, officer = open_province["users"]["appraiser"], open_province["users"]["officer_a"]
    assessment = _in_appraisal(open_province)
    mail.outbox.clear()

    request = explanation_request(
        actor=appraiser,
        assessment=assessment,
        questions=[("1.2", "Danh sách nhiệm vụ hoàn thành ở đâu?"), ("1.1", "")],
        deadline=TZ_NOW() + datetime.timedelta(days=3),
        message="Đề nghị giải trình",
    )
    assert [item.node_code for item in request.items.all()] == ["1.2"]  # empty questions skipped
    assert fresh(assessment).state == "explanation_requested"
    assert Notification.objects.filter(user=officer, message__contains="giải trình 1 mục").exists()
    assert officer.email == "" or mail.outbox

    item = request.items.get()
    with pytest.raises(WorkflowError, match=re.escape("Còn mục chưa trả lời: 1.2")):
        explanation_send(actor=officer, request=request)
    explanation_answer(actor=officer, item=item, answer="Phụ lục 2 của báo cáo")
    evidence_upload(
        actor=officer,
        assessment=fresh(assessment),
        name="phu-luc-2.pdf",
        stream=io.BytesIO(PDF + b"annex"),
        node_code="1.2",
        location="Phụ lục 2",
    )
    with pytest.raises(WorkflowError, match="chỉ bổ sung tài liệu cho các mục được hỏi"):
        evidence_upload(
            actor=officer,
            assessment=fresh(assessment),
            name="khac.pdf",
            stream=io.BytesIO(PDF + b"other"),
            node_code="1.1",
        )
    explanation_send(actor=officer, request=ExplanationRequest.objects.get())

    assert fresh(assessment).state == "explained"
    assert Notification.objects.filter(user=appraiser, message__contains="đã gửi giải trình")
    with pytest.raises(WorkflowError, match=r"đã gửi trả lời|Không thể"):
        explanation_answer(actor=officer, item=item, answer="Sửa lại")


def test_an_explanation_deadline_must_be_in_the_future(open_province):
    assessment = _in_appraisal(open_province)
    with pytest.raises(WorkflowError, match="đã qua"):
        explanation_request(
            actor=open_province["users"]["appraiser"],
            assessment=assessment,
            questions=[("1.2", "?")],
            deadline=timezone.now() - datetime.timedelta(hours=1),
        )


def test_answers_after_the_explanation_deadline_are_refused(open_province):
    assessment = _in_appraisal(open_province)
    request = explanation_request(
        actor=open_province["users"]["appraiser"],
        assessment=assessment,
        questions=[("1.2", "Vì sao?")],
        deadline=timezone.now() + datetime.timedelta(days=1),
    )
    with pytest.raises(WorkflowError, match="Đã quá hạn giải trình"):
        explanation_answer(
            actor=open_province["users"]["officer_a"],
            item=request.items.get(),
            answer="Trễ",
            now=timezone.now() + datetime.timedelta(days=2),
        )


# --- council and publication -----------------------------------------------------------------


def test_the_council_cannot_approve_a_group_with_a_unit_still_in_appraisal(open_province):
    to_appraised(open_province, "a")
    with pytest.raises(WorkflowError, match="Xã Bình Minh \\(Đang tự đánh giá\\)"):
        group_approve(actor=open_province["users"]["council"], group=open_province["group"])
    assert fresh(open_province["assessment_a"]).state == "appraised"


def test_only_the_council_approves(open_province):
    to_appraised(open_province, "a")
    to_appraised(open_province, "b")
    with pytest.raises(WorkflowError, match="Chỉ thành viên hội đồng"):
        group_approve(actor=open_province["users"]["appraiser"], group=open_province["group"])


def test_publication_freezes_ranked_results_with_the_decision(open_province):
    to_appraised(open_province, "a")
    to_appraised(open_province, "b")
    admin = open_province["users"]["admin"]
    with pytest.raises(WorkflowError, match="hội đồng chưa thông qua"):
        period_publish(
            actor=admin,
            period=open_province["period"],
            decision_number="15/QĐ-UBND",
            decision_date=datetime.date(2026, 1, 20),
        )
    group_approve(actor=open_province["users"]["council"], group=open_province["group"])
    with pytest.raises(WorkflowError, match="Cần số quyết định"):
        period_publish(
            actor=admin,
            period=open_province["period"],
            decision_number=" ",
            decision_date=datetime.date(2026, 1, 20),
        )

    count = period_publish(
        actor=admin,
        period=open_province["period"],
        decision_number="15/QĐ-UBND",
        decision_date=datetime.date(2026, 1, 20),
    )

    assert count == 2
    rows = PublishedResult.objects.filter(period=open_province["period"]).order_by("rank")
    assert [(row.unit.code, row.rank, row.total) for row in rows] == [("A", 1, 10), ("B", 1, 10)]
    assert fresh(open_province["assessment_a"]).state == "published"
    period = open_province["period"]
    period.refresh_from_db()
    assert (period.status, period.decision_number) == ("published", "15/QĐ-UBND")
    assert Notification.objects.filter(
        user=open_province["users"]["leader"], message__contains="15/QĐ-UBND"
    ).exists()


def test_each_step_notifies_in_the_application_and_by_email(open_province):
    users = open_province["users"]
    for user in users.values():
        user.email = f"{user.username}@example.vn"
        user.save()
    mail.outbox.clear()

    fill_and_submit(open_province)

    assert Notification.objects.filter(user=users["appraiser"], message__contains="đã gửi")
    assert [message.to for message in mail.outbox] == [["appraiser@example.vn"]]
    assert "Xã An Bình đã gửi kết quả tự đánh giá 2025" in mail.outbox[0].subject
