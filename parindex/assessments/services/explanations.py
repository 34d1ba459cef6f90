"""Explanation rounds: the appraisers ask, the unit answers each question and sends them back."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from parindex.accounts.models import User
from parindex.assessments import workflow
from parindex.assessments.errors import WorkflowError
from parindex.assessments.models import Assessment, ExplanationItem, ExplanationRequest
from parindex.assessments.services.notifications import notify, page_url, role_users, unit_users
from parindex.assessments.services.shared import act, check_unit_edit, leaf_node, local_time, move
from parindex.audit.services import audit_record


def explanation_request(
    *,
    actor: User,
    assessment: Assessment,
    questions: Sequence[tuple[str, str]],
    deadline: datetime.datetime,
    message: str = "",
    now: datetime.datetime | None = None,
) -> ExplanationRequest:
    """Ask the unit to explain some nodes (a question each) before `deadline`."""
    target = act(assessment, workflow.Action.REQUEST_EXPLANATION, actor)
    asked = [(code, question.strip()) for code, question in questions if question.strip()]
    if not asked:
        raise WorkflowError(gettext("Chọn ít nhất một mục cần giải trình và ghi câu hỏi."))
    codes = [code for code, _question in asked]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise WorkflowError(
            gettext("Mỗi mục chỉ hỏi một lần: %(codes)s.") % {"codes": ", ".join(repeated)}
        )
    for code in codes:
        leaf_node(assessment, code)
    if deadline <= (now or timezone.now()):
        raise WorkflowError(
            gettext("Hạn giải trình %(deadline)s đã qua; chọn một ngày sau.")
            % {"deadline": local_time(deadline)}
        )
    with transaction.atomic():
        request = ExplanationRequest.objects.create(
            assessment=assessment, message=message.strip(), deadline=deadline, created_by=actor
        )
        ExplanationItem.objects.bulk_create(
            ExplanationItem(request=request, node_code=code, question=question)
            for code, question in asked
        )
        move(
            assessment,
            target,
            actor,
            workflow.Action.REQUEST_EXPLANATION,
            "; ".join(f"{code}: {question}" for code, question in asked),
        )
    notify(
        unit_users(assessment.unit),
        gettext_noop("Sở Nội vụ yêu cầu giải trình %(count)s mục (%(codes)s), hạn %(deadline)s."),
        {"count": len(asked), "codes": ", ".join(codes), "deadline": local_time(deadline)},
        page_url("assessments:explanation", assessment.pk, request.pk),
    )
    return request


def explanation_answer(
    *, actor: User, item: ExplanationItem, answer: str, now: datetime.datetime | None = None
) -> ExplanationItem:
    """The unit's answer to one question (before sending the whole round)."""
    request = item.request
    assessment = request.assessment
    act(assessment, workflow.Action.ANSWER_EXPLANATION, actor)
    current = check_unit_edit(assessment, actor, now)
    if current is None or current.pk != request.pk:
        raise WorkflowError(gettext("Yêu cầu giải trình này đã gửi trả lời, không sửa được nữa."))
    answer = answer.strip()
    old = item.answer
    if old == answer:
        return item
    with transaction.atomic():
        item.answer, item.answered_at, item.answered_by = answer, timezone.now(), actor
        item.save(update_fields=["answer", "answered_at", "answered_by"])
        audit_record(
            actor=actor,
            action="explain",
            instance=item,
            object_repr=f"{assessment.unit} / {item.node_code}",
            changes={"answer": [old, answer]},
            scope=assessment,
        )
    return item


def explanation_send(
    *, actor: User, request: ExplanationRequest, now: datetime.datetime | None = None
) -> None:
    """The unit sends every answer of the round back to the appraisers."""
    assessment = request.assessment
    target = act(assessment, workflow.Action.SEND_EXPLANATION, actor)
    if request.sent_at is not None:
        raise WorkflowError(gettext("Các trả lời này đã được gửi."))
    unanswered = [item.node_code for item in request.items.all() if not item.answer.strip()]
    if unanswered:
        raise WorkflowError(
            gettext("Còn mục chưa trả lời: %(codes)s") % {"codes": ", ".join(unanswered)}
        )
    with transaction.atomic():
        request.sent_at = now or timezone.now()
        request.save(update_fields=["sent_at"])
        move(assessment, target, actor, workflow.Action.SEND_EXPLANATION)
    notify(
        role_users("appraiser"),
        gettext_noop("%(unit)s đã gửi giải trình %(year)s."),
        {"unit": assessment.unit, "year": assessment.period.year},
        page_url("assessments:appraise", assessment.pk),
    )
