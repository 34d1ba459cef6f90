"""An assessment's life before the council: opened on first use, submitted by the unit's head,
and the plain state changes (return to unit, start appraisal, finalise, reopen, return for
review).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from parindex.accounts.models import User
from parindex.assessments import workflow
from parindex.assessments.errors import MissingEvidence, WorkflowError
from parindex.assessments.models import Assessment, NodeEntry
from parindex.assessments.selectors import engine_for_group, entries_of, self_progress
from parindex.assessments.services.notifications import notify, page_url, role_users, unit_users
from parindex.assessments.services.shared import act, check_self_deadline, move
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


def assessment_submit(
    *, actor: User, assessment: Assessment, now: datetime.datetime | None = None
) -> None:
    """The head sends the self-assessment; refused after the deadline and while required
    evidence (or a written explanation in its place) is missing."""
    target = act(assessment, workflow.Action.SUBMIT, actor)
    check_self_deadline(assessment, now)
    framework = engine_for_group(assessment.group)
    progress = self_progress(framework, entries_of(assessment))
    if progress.missing_evidence:
        raise MissingEvidence(progress.missing_evidence)
    with transaction.atomic():
        move(assessment, target, actor, workflow.Action.SUBMIT)
        assessment.submitted_at, assessment.submitted_by = timezone.now(), actor
        assessment.save(update_fields=["submitted_at", "submitted_by"])
    notify(
        role_users("appraiser"),
        gettext_noop("%(unit)s đã gửi kết quả tự đánh giá %(year)s."),
        {"unit": assessment.unit, "year": assessment.period.year},
        page_url("assessments:appraise", assessment.pk),
    )


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
