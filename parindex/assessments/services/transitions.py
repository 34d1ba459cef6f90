"""An assessment's life before the council: opened on first use, submitted by the unit's head
(on time, or late inside an extension), taken into appraisal without a submission after the
unit's deadline, the plain state changes (return to unit, start appraisal, finalise, reopen,
return for review), and reminders to a unit.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from parindex.accounts.models import User
from parindex.assessments import workflow
from parindex.assessments.errors import MissingEvidence, WorkflowError
from parindex.assessments.models import Assessment, NodeEntry, Submission
from parindex.assessments.selectors import (
    engine_for_group,
    entries_of,
    open_explanation,
    period_unit_deadline,
    self_progress,
    unit_deadline,
)
from parindex.assessments.services.entries import entry_set_system_value
from parindex.assessments.services.notifications import notify, page_url, role_users, unit_users
from parindex.assessments.services.shared import act, check_self_deadline, local_time, move
from parindex.audit.services import audit_record
from parindex.periods.models import AssessmentPeriod, UnitGroup
from parindex.units.models import Unit


def assessment_open(*, period: AssessmentPeriod, unit: Unit) -> Assessment:
    """The unit's assessment for the period, created on first use."""
    group = UnitGroup.objects.filter(period=period, units=unit).first()
    if group is None:
        raise WorkflowError(
            gettext("%(unit)s không thuộc nhóm đơn vị nào của %(period)s.")
            % {"unit": unit, "period": period}
        )
    assessment, _ = Assessment.objects.get_or_create(
        period=period, unit=unit, defaults={"group": group}
    )
    return assessment


# What the submission node's provenance says (stored, like every provenance: data).
_SUBMISSION_SUMMARIES = {
    Submission.ON_TIME: "Gửi kết quả tự đánh giá đúng hạn",
    Submission.LATE: "Gửi kết quả tự đánh giá muộn (sau hạn chung, trong thời gian gia hạn)",
    Submission.NOT_SUBMITTED: "Không gửi kết quả tự đánh giá",
}


def submission_points_apply(
    *, assessment: Assessment, actor: User | None = None
) -> NodeEntry | None:
    """The framework's `submission` node (docs/framework-format.md), filled by the system from
    `assessment.submission` with its provenance; nothing when the framework has no such node or
    the unit has not sent (or missed) its self-assessment yet."""
    setting = engine_for_group(assessment.group).info.submission
    if setting is None or not assessment.submission:
        return None
    case = Submission(assessment.submission)
    period = assessment.period
    deadline = unit_deadline(assessment)
    provenance = {
        "source": "system",
        "submission": case.value,
        "summary": _SUBMISSION_SUMMARIES[case],
        "deadline": local_time(period.self_assessment_closes),
        "extended_to": local_time(deadline) if deadline > period.self_assessment_closes else "",
        "submitted_at": local_time(assessment.submitted_at) if assessment.submitted_at else "",
    }
    return entry_set_system_value(
        assessment=assessment,
        node_code=setting.node,
        values={"points": str(setting.points(case.value))},
        provenance=provenance,
        actor=actor,
    )


def assessment_submit(
    *, actor: User, assessment: Assessment, now: datetime.datetime | None = None
) -> None:
    """The head sends the self-assessment; refused after the unit's deadline and while
    required evidence (or a written explanation in its place) is missing. Sent after the
    period's deadline (inside the unit's extension), it is recorded as late."""
    target = act(assessment, workflow.Action.SUBMIT, actor)
    check_self_deadline(assessment, now)
    framework = engine_for_group(assessment.group)
    progress = self_progress(framework, entries_of(assessment))
    if progress.missing_evidence:
        raise MissingEvidence(progress.missing_evidence)
    moment = now or timezone.now()
    late = moment > assessment.period.self_assessment_closes
    case = Submission.LATE if late else Submission.ON_TIME
    with transaction.atomic():
        move(
            assessment,
            target,
            actor,
            workflow.Action.SUBMIT,
            changes={"submission": [assessment.submission, case.value]},
        )
        assessment.submitted_at, assessment.submitted_by = moment, actor
        assessment.submission = case.value
        assessment.save(update_fields=["submitted_at", "submitted_by", "submission"])
        submission_points_apply(assessment=assessment, actor=actor)
    if late:
        message = gettext_noop(
            "%(unit)s đã gửi kết quả tự đánh giá %(year)s muộn (sau hạn chung, trong thời gian "
            "gia hạn)."
        )
    else:
        message = gettext_noop("%(unit)s đã gửi kết quả tự đánh giá %(year)s.")
    notify(
        role_users("appraiser"),
        message,
        {"unit": assessment.unit, "year": assessment.period.year},
        page_url("assessments:appraise", assessment.pk),
    )


def assessment_take_unsubmitted(
    *,
    actor: User,
    period: AssessmentPeriod,
    unit: Unit,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Assessment:
    """After the unit's deadline (its extension included), the appraiser appraises a unit that
    never sent its self-assessment: the assessment (created if the unit never opened it) goes
    into appraisal marked `not_submitted`; the unit's unsent entries do not count, the
    framework's `submission` node gets its points, and the unit is told."""
    with transaction.atomic():
        assessment = assessment_open(period=period, unit=unit)
        target = act(assessment, workflow.Action.TAKE_UNSUBMITTED, actor)
        deadline = unit_deadline(assessment)
        if (now or timezone.now()) <= deadline:
            raise WorkflowError(
                gettext(
                    "Chưa hết hạn tự đánh giá của %(unit)s (%(deadline)s): đơn vị còn có thể "
                    "gửi; chỉ thẩm định đơn vị không gửi khi đã hết hạn."
                )
                % {"unit": unit.name, "deadline": local_time(deadline)}
            )
        move(
            assessment,
            target,
            actor,
            workflow.Action.TAKE_UNSUBMITTED,
            reason.strip(),
            changes={"submission": [assessment.submission, Submission.NOT_SUBMITTED.value]},
        )
        assessment.submission = Submission.NOT_SUBMITTED.value
        assessment.appraiser = actor
        assessment.save(update_fields=["submission", "appraiser"])
        submission_points_apply(assessment=assessment, actor=actor)
    notify(
        unit_users(unit),
        gettext_noop(
            "Đơn vị không gửi kết quả tự đánh giá %(year)s trước hạn %(deadline)s; Sở Nội vụ "
            "thẩm định hồ sơ của đơn vị theo tài liệu hiện có (phần tự chấm chưa gửi không được "
            "tính)."
        ),
        {"year": period.year, "deadline": local_time(deadline)},
        page_url("assessments:self", assessment.pk),
    )
    return assessment


def assessment_remind(
    *,
    actor: User,
    period: AssessmentPeriod,
    unit: Unit,
    now: datetime.datetime | None = None,
) -> int:
    """Remind the unit's users of what it owes now: its self-assessment before its deadline,
    or the answers to an open explanation request before that request's deadline. Refused
    when nothing is due (the reason says why). Returns how many users were told."""
    moment = now or timezone.now()
    assessment = Assessment.objects.filter(period=period, unit=unit).first()
    state = workflow.State(assessment.state) if assessment else workflow.State.DRAFT
    if state == workflow.State.DRAFT:
        deadline = period_unit_deadline(period, unit.pk)
        if moment > deadline:
            raise WorkflowError(
                gettext(
                    "Đã hết hạn tự đánh giá của %(unit)s (%(deadline)s): không còn gì để nhắc; "
                    "hãy gia hạn hoặc thẩm định đơn vị không gửi tự đánh giá."
                )
                % {"unit": unit.name, "deadline": local_time(deadline)}
            )
        message = gettext_noop(
            "Nhắc việc: hạn gửi kết quả tự đánh giá %(year)s của đơn vị là %(deadline)s; hồ sơ "
            "vẫn đang ở bước tự đánh giá."
        )
        url = page_url("assessments:self", assessment.pk) if assessment else ""
        url = url or page_url("assessments:mine")
    elif state == workflow.State.EXPLANATION_REQUESTED:
        assert assessment is not None
        request = open_explanation(assessment)
        if request is None or moment > request.deadline:
            raise WorkflowError(
                gettext("Yêu cầu giải trình của %(unit)s đã hết hạn: không còn gì để nhắc.")
                % {"unit": unit.name}
            )
        deadline = request.deadline
        message = gettext_noop(
            "Nhắc việc: hạn gửi giải trình kết quả tự đánh giá %(year)s là %(deadline)s."
        )
        url = page_url("assessments:explanation", assessment.pk, request.pk)
    else:
        raise WorkflowError(
            gettext("Không có việc gì của %(unit)s cần nhắc: hồ sơ ở trạng thái «%(state)s».")
            % {"unit": unit.name, "state": workflow.STATE_LABELS[state]}
        )
    recipients = unit_users(unit)
    if not recipients:
        raise WorkflowError(
            gettext("%(unit)s chưa có tài khoản nào để nhận nhắc việc.") % {"unit": unit.name}
        )
    params = {"year": period.year, "deadline": local_time(deadline)}
    notify(recipients, message, params, url)
    audit_record(
        actor=actor,
        action="remind",
        instance=assessment or unit,
        changes={"recipients": [None, sorted(user.username for user in recipients)]},
        reason=message % params,
        scope=assessment,
    )
    return len(recipients)


# Plain state changes: no data besides the state (and a reason for sending something back).
PLAIN_ACTIONS = frozenset(
    {
        workflow.Action.RETURN_TO_UNIT,
        workflow.Action.START_APPRAISAL,
        workflow.Action.FINALISE,
        workflow.Action.REOPEN,
        workflow.Action.RETURN_FOR_REVIEW,
    }
)
REASON_REQUIRED = frozenset({workflow.Action.RETURN_TO_UNIT, workflow.Action.RETURN_FOR_REVIEW})


def assessment_transition(
    *, actor: User, assessment: Assessment, action: workflow.Action | str, reason: str = ""
) -> None:
    """Return to unit, start appraisal, finalise, reopen, return for review."""
    action = workflow.Action(action)
    if action not in PLAIN_ACTIONS:
        raise WorkflowError(
            gettext("Thao tác «%(action)s» có trang riêng, không làm ở đây.")
            % {"action": workflow.ACTION_LABELS[action]}
        )
    target = act(assessment, action, actor)
    if action in REASON_REQUIRED and not reason.strip():
        raise WorkflowError(
            gettext("Cần ghi lý do khi %(action)s.") % {"action": workflow.ACTION_LABELS[action]}
        )
    with transaction.atomic():
        move(assessment, target, actor, action, reason.strip())
        if action == workflow.Action.START_APPRAISAL:
            assessment.appraiser = actor
            assessment.save(update_fields=["appraiser"])
        if action == workflow.Action.FINALISE:
            # What the appraiser did not change is accepted as the unit entered it.
            NodeEntry.objects.filter(assessment=assessment).update(finalised=True)
        elif action in (workflow.Action.REOPEN, workflow.Action.RETURN_FOR_REVIEW):
            NodeEntry.objects.filter(assessment=assessment).update(finalised=False)
    if action == workflow.Action.RETURN_TO_UNIT:
        notify(
            unit_users(assessment.unit),
            gettext_noop("Hồ sơ tự đánh giá %(year)s được trả lại để bổ sung: %(reason)s"),
            {"year": assessment.period.year, "reason": reason},
            page_url("assessments:self", assessment.pk),
        )
    elif action == workflow.Action.RETURN_FOR_REVIEW:
        notify(
            role_users("appraiser"),
            gettext_noop("Hội đồng trả lại hồ sơ %(assessment)s để thẩm định lại: %(reason)s"),
            {"assessment": assessment, "reason": reason},
            page_url("assessments:appraise", assessment.pk),
        )
