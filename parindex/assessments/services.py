"""Writes of the assessment workflow. Each service checks the transition table, the
deadline and the entry's version, writes, audits, and notifies.

Optimistic locking: every edit carries the version it was based on; an update whose
version is stale is refused with `StaleEdit`, naming who changed the entry and what,
so that no update is ever silently lost.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from parindex.accounts.models import User
from parindex.assessments import workflow
from parindex.assessments.evidence import check_upload
from parindex.assessments.models import (
    Assessment,
    EvidenceDocument,
    EvidenceLink,
    ExplanationItem,
    ExplanationRequest,
    GroupApproval,
    NodeEntry,
    Notification,
)
from parindex.assessments.selectors import (
    APPRAISED,
    engine_for_group,
    entries_of,
    group_results,
    self_progress,
)
from parindex.audit.models import AuditEvent
from parindex.audit.services import audit_record
from parindex.engine import Node, RuleInputError
from parindex.periods.models import (
    AssessmentPeriod,
    DeadlineExtension,
    PeriodStatus,
    PublishedResult,
    UnitGroup,
    self_assessment_deadline,
)
from parindex.units.models import Unit


class WorkflowError(Exception):
    """An action refused by the workflow, a deadline or a rule; the message is for the user."""


class StaleEdit(WorkflowError):
    """The entry changed since the user loaded it."""


@dataclass(frozen=True)
class MissingEvidence(WorkflowError):
    codes: list[str]

    def __str__(self) -> str:
        return "Các mục bắt buộc có tài liệu kiểm chứng hoặc giải trình còn thiếu: " + ", ".join(
            self.codes
        )


def _act(assessment: Assessment, action: workflow.Action, actor: User) -> workflow.State:
    try:
        return workflow.next_state(assessment.state, action, actor.role)
    except workflow.IllegalTransition as error:
        raise WorkflowError(str(error)) from None


def _move(
    assessment: Assessment,
    target: workflow.State,
    actor: User,
    action: workflow.Action,
    reason: str = "",
) -> None:
    old = assessment.state
    updated = Assessment.objects.filter(pk=assessment.pk, version=assessment.version).update(
        state=target.value, version=F("version") + 1
    )
    if not updated:
        raise StaleEdit("Hồ sơ vừa được người khác thay đổi trạng thái; hãy tải lại trang.")
    assessment.refresh_from_db()
    audit_record(
        actor=actor,
        action=action.value,
        instance=assessment,
        changes={"state": [old, target.value]},
        reason=reason,
        scope=assessment,
    )


def _check_unit_member(assessment: Assessment, actor: User) -> None:
    if actor.role in ("officer", "head") and actor.unit_id != assessment.unit_id:
        raise WorkflowError("Bạn chỉ làm việc với hồ sơ của đơn vị mình.")


def notify(users: Iterable[User], message: str, url: str = "") -> None:
    """In-application notification and an e-mail (console backend by default)."""
    recipients = [user for user in users if user.is_active]
    Notification.objects.bulk_create(
        Notification(user=user, message=message[:300], url=url) for user in recipients
    )
    emails = [user.email for user in recipients if user.email]
    if emails:
        send_mail(
            f"[parindex] {message[:120]}", f"{message}\n\n{url}", None, emails, fail_silently=True
        )


def _unit_users(unit: Unit) -> list[User]:
    return list(User.objects.filter(unit=unit, is_active=True))


def _role_users(*roles: str) -> list[User]:
    return list(User.objects.filter(role__in=roles, is_active=True))


def assessment_open(*, period: AssessmentPeriod, unit: Unit) -> Assessment:
    """The unit's assessment for the period, created on first use."""
    group = UnitGroup.objects.filter(period=period, units=unit).first()
    if group is None:
        raise WorkflowError(f"{unit} không thuộc nhóm đơn vị nào của {period}.")
    assessment, _ = Assessment.objects.get_or_create(
        period=period, unit=unit, defaults={"group": group}
    )
    return assessment


def unit_deadline(assessment: Assessment) -> datetime.datetime:
    extension = (
        DeadlineExtension.objects.filter(period=assessment.period, unit=assessment.unit)
        .order_by("-closes_at")
        .first()
    )
    return self_assessment_deadline(assessment.period, extension)


def _node(assessment: Assessment, code: str) -> Node:
    framework = engine_for_group(assessment.group)
    node = framework.nodes.get(code)
    if node is None or not node.is_leaf:
        raise WorkflowError(f"Mục «{code}» không phải là mục chấm điểm của bộ tiêu chí.")
    return node


def _entry(assessment: Assessment, code: str) -> NodeEntry:
    entry, _ = NodeEntry.objects.get_or_create(assessment=assessment, node_code=code)
    return entry


def _stale_message(entry: NodeEntry) -> str:
    event = (
        AuditEvent.objects.filter(object_type="nodeentry", object_id=str(entry.pk))
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return "Mục này vừa được thay đổi; hãy tải lại trang."
    changed = ", ".join(f"{key}: {old} → {new}" for key, (old, new) in event.changes.items())
    when = timezone.localtime(event.at).strftime("%d/%m/%Y %H:%M")
    return (
        f"Mục {entry.node_code} vừa được {event.actor_name} sửa lúc {when} ({changed}). "
        "Thay đổi của bạn chưa được lưu; hãy xem lại rồi lưu lần nữa."
    )


def _save_entry(
    entry: NodeEntry,
    expected_version: int | None,
    actor: User,
    fields: dict[str, Any],
    reason: str = "",
) -> NodeEntry:
    """Update `fields` of `entry` only if nobody changed it since `expected_version`."""
    before = {name: getattr(entry, name) for name in fields}
    version = entry.version if expected_version is None else expected_version
    updated = NodeEntry.objects.filter(pk=entry.pk, version=version).update(
        **fields, version=F("version") + 1, updated_by=actor, updated_at=timezone.now()
    )
    if not updated:
        entry.refresh_from_db()
        raise StaleEdit(_stale_message(entry))
    entry.refresh_from_db()
    changes = {
        name: [before[name], fields[name]] for name in fields if before[name] != fields[name]
    }
    if changes:
        audit_record(
            actor=actor,
            action="score",
            instance=entry,
            object_repr=f"{entry.assessment.unit} / {entry.node_code}",
            changes=changes,
            reason=reason,
            scope=entry.assessment,
        )
    return entry


def entry_save_self(
    *,
    actor: User,
    assessment: Assessment,
    node_code: str,
    values: dict[str, Any] | None,
    note: str = "",
    written_explanation: str = "",
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> NodeEntry:
    """The unit's entry for a self-assessed leaf (officer or head, before the deadline)."""
    _check_unit_member(assessment, actor)
    _act(assessment, workflow.Action.SAVE_DRAFT, actor)
    deadline = unit_deadline(assessment)
    if (now or timezone.now()) > deadline:
        raise WorkflowError(
            f"Đã quá hạn tự đánh giá ({timezone.localtime(deadline):%d/%m/%Y %H:%M}); chỉ sửa được khi được gia hạn."
        )
    node = _node(assessment, node_code)
    if node.source != "self":
        raise WorkflowError(f"Mục {node.code} lấy điểm từ {node.source}, đơn vị không tự chấm.")
    points, explanation = None, ""
    if values is not None:
        assert node.rule is not None
        try:
            outcome = node.rule.score(values)
        except RuleInputError as error:
            raise WorkflowError(f"Mục {node.code}: {error}") from None
        points, explanation = outcome.points, outcome.explanation
    entry = _entry(assessment, node_code)
    return _save_entry(
        entry,
        expected_version,
        actor,
        {
            "self_values": values,
            "self_points": points,
            "self_explanation": explanation,
            "note": note,
            "written_explanation": written_explanation,
        },
    )


def evidence_upload(
    *,
    actor: User,
    assessment: Assessment,
    name: str,
    stream: Any,
    size: int | None = None,
    node_code: str | None = None,
    location: str = "",
) -> EvidenceDocument:
    """Store a checked file once per unit and period (same SHA-256 → same document) and,
    if `node_code` is given, cite it for that node."""
    _check_unit_member(assessment, actor)
    state = workflow.State(assessment.state)
    if state == workflow.State.EXPLANATION_REQUESTED:
        _act(assessment, workflow.Action.ANSWER_EXPLANATION, actor)
    else:
        _act(assessment, workflow.Action.SAVE_DRAFT, actor)
    checked = check_upload(name, stream, size)
    with transaction.atomic():
        document = EvidenceDocument.objects.filter(
            unit=assessment.unit, period=assessment.period, sha256=checked.sha256
        ).first()
        if document is None:
            document = EvidenceDocument(
                unit=assessment.unit,
                period=assessment.period,
                original_name=checked.name,
                sha256=checked.sha256,
                size=checked.size,
                content_type=checked.content_type,
                uploaded_by=actor,
            )
            document.file.save(
                f"{uuid.uuid4().hex}.{checked.kind}", ContentFile(checked.data), save=False
            )
            document.save()
            audit_record(
                actor=actor,
                action="upload",
                instance=document,
                changes={"file": [None, checked.name], "sha256": [None, checked.sha256]},
                scope=assessment,
            )
        if node_code:
            evidence_link(
                actor=actor,
                assessment=assessment,
                node_code=node_code,
                document=document,
                location=location,
            )
    return document


def evidence_link(
    *,
    actor: User,
    assessment: Assessment,
    node_code: str,
    document: EvidenceDocument,
    location: str = "",
) -> EvidenceLink:
    _check_unit_member(assessment, actor)
    if document.unit_id != assessment.unit_id or document.period_id != assessment.period_id:
        raise WorkflowError("Tài liệu thuộc đơn vị hoặc kỳ khác.")
    _node(assessment, node_code)
    entry = _entry(assessment, node_code)
    link, created = EvidenceLink.objects.get_or_create(
        entry=entry, document=document, defaults={"location": location, "linked_by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            action="evidence",
            instance=entry,
            object_repr=f"{assessment.unit} / {node_code}",
            changes={"evidence": [None, f"{document.original_name} {location}".strip()]},
            scope=assessment,
        )
    return link


def evidence_unlink(*, actor: User, link: EvidenceLink) -> None:
    assessment = link.entry.assessment
    _check_unit_member(assessment, actor)
    _act(assessment, workflow.Action.SAVE_DRAFT, actor)
    audit_record(
        actor=actor,
        action="evidence",
        instance=link.entry,
        object_repr=f"{assessment.unit} / {link.entry.node_code}",
        changes={"evidence": [link.document.original_name, None]},
        scope=assessment,
    )
    link.delete()


def assessment_submit(*, actor: User, assessment: Assessment) -> None:
    """The head sends the self-assessment; refused while required evidence is missing."""
    _check_unit_member(assessment, actor)
    target = _act(assessment, workflow.Action.SUBMIT, actor)
    framework = engine_for_group(assessment.group)
    progress = self_progress(framework, entries_of(assessment))
    if progress.missing_evidence:
        raise MissingEvidence(progress.missing_evidence)
    with transaction.atomic():
        _move(assessment, target, actor, workflow.Action.SUBMIT)
        Assessment.objects.filter(pk=assessment.pk).update(
            submitted_at=timezone.now(), submitted_by=actor
        )
    notify(
        _role_users("appraiser"),
        f"{assessment.unit} đã gửi kết quả tự đánh giá {assessment.period.year}.",
    )


def assessment_transition(
    *, actor: User, assessment: Assessment, action: workflow.Action, reason: str = ""
) -> None:
    """Plain state changes: return to unit, start appraisal, finalise, reopen, return for review."""
    if action in (workflow.Action.SUBMIT, workflow.Action.APPROVE, workflow.Action.PUBLISH):
        raise WorkflowError("Thao tác này có quy trình riêng.")
    target = _act(assessment, action, actor)
    with transaction.atomic():
        _move(assessment, target, actor, action, reason)
    if action in (workflow.Action.RETURN_TO_UNIT, workflow.Action.RETURN_FOR_REVIEW):
        recipients = (
            _unit_users(assessment.unit)
            if action == workflow.Action.RETURN_TO_UNIT
            else _role_users("appraiser")
        )
        notify(recipients, f"Hồ sơ {assessment} được trả lại: {reason}")


def entry_appraise(
    *,
    actor: User,
    assessment: Assessment,
    node_code: str,
    values: dict[str, Any] | None,
    reason_code: str = "",
    comment: str = "",
    explanation_accepted: bool = False,
    finalised: bool = False,
    expected_version: int | None = None,
) -> NodeEntry:
    """The appraiser's score for a leaf. A change from the self score needs a reason code."""
    _act(assessment, workflow.Action.APPRAISE, actor)
    node = _node(assessment, node_code)
    points, explanation = None, ""
    if values is not None:
        assert node.rule is not None
        try:
            outcome = node.rule.score(values)
        except RuleInputError as error:
            raise WorkflowError(f"Mục {node.code}: {error}") from None
        points, explanation = outcome.points, outcome.explanation
    entry = _entry(assessment, node_code)
    adjusted = node.source == "self" and values is not None and values != entry.self_values
    if adjusted and not reason_code:
        raise WorkflowError(
            f"Mục {node.code}: điểm thẩm định khác điểm tự chấm, cần chọn lý do điều chỉnh."
        )
    if node.source != "self" and values is not None and not comment:
        raise WorkflowError(f"Mục {node.code}: số liệu nhập thay hệ thống cần ghi chú nguồn.")
    return _save_entry(
        entry,
        expected_version,
        actor,
        {
            "appraised_values": values,
            "appraised_points": points,
            "appraised_explanation": explanation,
            "reason_code": reason_code,
            "appraiser_comment": comment,
            "explanation_accepted": explanation_accepted,
            "finalised": finalised,
        },
        reason=comment,
    )


def explanation_request(
    *,
    actor: User,
    assessment: Assessment,
    questions: Sequence[tuple[str, str]],
    deadline: datetime.datetime,
    message: str = "",
) -> ExplanationRequest:
    if not questions:
        raise WorkflowError("Chọn ít nhất một mục cần giải trình.")
    target = _act(assessment, workflow.Action.REQUEST_EXPLANATION, actor)
    for code, _question in questions:
        _node(assessment, code)
    with transaction.atomic():
        request = ExplanationRequest.objects.create(
            assessment=assessment, message=message, deadline=deadline, created_by=actor
        )
        ExplanationItem.objects.bulk_create(
            ExplanationItem(request=request, node_code=code, question=question)
            for code, question in questions
        )
        _move(assessment, target, actor, workflow.Action.REQUEST_EXPLANATION, message)
    notify(
        _unit_users(assessment.unit),
        f"Sở Nội vụ yêu cầu giải trình {len(questions)} mục, hạn {timezone.localtime(deadline):%d/%m/%Y %H:%M}.",
    )
    return request


def explanation_answer(*, actor: User, item: ExplanationItem, answer: str) -> ExplanationItem:
    assessment = item.request.assessment
    _check_unit_member(assessment, actor)
    _act(assessment, workflow.Action.ANSWER_EXPLANATION, actor)
    old = item.answer
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


def explanation_send(*, actor: User, request: ExplanationRequest) -> None:
    assessment = request.assessment
    _check_unit_member(assessment, actor)
    target = _act(assessment, workflow.Action.SEND_EXPLANATION, actor)
    unanswered = [item.node_code for item in request.items.all() if not item.answer.strip()]
    if unanswered:
        raise WorkflowError("Còn mục chưa trả lời: " + ", ".join(unanswered))
    with transaction.atomic():
        request.sent_at = timezone.now()
        request.save(update_fields=["sent_at"])
        _move(assessment, target, actor, workflow.Action.SEND_EXPLANATION)
    notify(_role_users("appraiser"), f"{assessment.unit} đã gửi giải trình.")


def group_approve(*, actor: User, group: UnitGroup, note: str = "") -> GroupApproval:
    """The council approves every appraised assessment of the group at once."""
    assessments = list(group.assessments.select_related("unit"))
    pending = [a.unit.name for a in assessments if a.state != workflow.State.APPRAISED]
    if not assessments or pending:
        raise WorkflowError(
            "Chưa thể thông qua: các đơn vị chưa thẩm định xong: "
            + ", ".join(pending or ["(chưa có hồ sơ)"])
        )
    with transaction.atomic():
        for assessment in assessments:
            _move(
                assessment,
                _act(assessment, workflow.Action.APPROVE, actor),
                actor,
                workflow.Action.APPROVE,
                note,
            )
        approval = GroupApproval.objects.create(group=group, approved_by=actor, note=note)
    notify(_role_users("admin", "appraiser"), f"Hội đồng đã thông qua kết quả nhóm {group}.")
    return approval


def _result_rows(group: UnitGroup, published_at: datetime.datetime) -> dict[str, PublishedResult]:
    results = group_results(group, APPRAISED)
    assert results.ranking is not None
    ranking = results.ranking
    rows = {}
    for unit_code, assessment in results.assessments.items():
        result = ranking.results[unit_code]
        rows[unit_code] = PublishedResult(
            period=group.period,
            group=group,
            unit=assessment.unit,
            total=result.total,
            max_total=result.max_total,
            index=result.index,
            rank=ranking.ranks[unit_code],
            ranked_units=ranking.size,
            class_label=ranking.classes[unit_code],
            areas=[
                {
                    "code": area.code,
                    "points": str(result.nodes[area.code].points),
                    "max_points": str(area.max_points),
                    "rank": ranking.area_ranks[area.code][unit_code],
                }
                for area in results.framework.areas
            ],
            published_at=published_at,
        )
    return rows


def period_publish(
    *, actor: User, period: AssessmentPeriod, decision_number: str, decision_date: datetime.date
) -> int:
    """Publish every group's approved results: frozen rows with ranks and classes."""
    if not decision_number.strip():
        raise WorkflowError("Cần số quyết định công bố.")
    groups = list(period.groups.all())
    assessments = list(Assessment.objects.filter(period=period).select_related("unit"))
    pending = [a.unit.name for a in assessments if a.state != workflow.State.APPROVED]
    if not assessments or pending:
        raise WorkflowError(
            "Chưa thể công bố: hội đồng chưa thông qua: "
            + ", ".join(pending or ["(chưa có hồ sơ)"])
        )
    now = timezone.now()
    with transaction.atomic():
        count = 0
        for group in groups:
            if not group.assessments.exists():
                continue
            rows = _result_rows(group, now)
            PublishedResult.objects.bulk_create(rows.values())
            count += len(rows)
        for assessment in assessments:
            _move(
                assessment,
                _act(assessment, workflow.Action.PUBLISH, actor),
                actor,
                workflow.Action.PUBLISH,
                decision_number,
            )
        before = {"status": period.status, "decision_number": period.decision_number}
        period.status = PeriodStatus.PUBLISHED
        period.decision_number = decision_number
        period.decision_date = decision_date
        period.save(update_fields=["status", "decision_number", "decision_date"])
        audit_record(
            actor=actor,
            action="publish",
            instance=period,
            changes={
                "status": [before["status"], period.status],
                "decision_number": [before["decision_number"], decision_number],
            },
        )
    notify(
        User.objects.filter(is_active=True),
        f"Đã công bố kết quả Chỉ số CCHC {period.year} ({decision_number}).",
    )
    return count


def result_amend(
    *, actor: User, assessment: Assessment, node_code: str, values: dict[str, Any], reason: str
) -> list[PublishedResult]:
    """Correct a published result: the entry changes with a reason, the group is re-ranked,
    and every unit whose published figures changed gets a new row that amends the old one."""
    if not reason.strip():
        raise WorkflowError("Điều chỉnh kết quả đã công bố phải có lý do.")
    _act(assessment, workflow.Action.AMEND, actor)
    node = _node(assessment, node_code)
    assert node.rule is not None
    try:
        outcome = node.rule.score(values)
    except RuleInputError as error:
        raise WorkflowError(f"Mục {node.code}: {error}") from None
    group = assessment.group
    with transaction.atomic():
        entry = _entry(assessment, node_code)
        _save_entry(
            entry,
            None,
            actor,
            {
                "appraised_values": values,
                "appraised_points": outcome.points,
                "appraised_explanation": outcome.explanation,
                "reason_code": "other",
                "appraiser_comment": reason,
            },
            reason=f"Điều chỉnh sau công bố: {reason}",
        )
        current = {
            row.unit.code: row
            for row in PublishedResult.objects.filter(
                group=group, amendments__isnull=True
            ).select_related("unit")
        }
        new_rows = _result_rows(group, timezone.now())
        amended = []
        for code, row in new_rows.items():
            old = current.get(code)
            if old is not None and (old.total, old.rank, old.class_label) == (
                row.total,
                row.rank,
                row.class_label,
            ):
                continue
            row.amends = old
            row.amendment_reason = reason
            row.save()
            amended.append(row)
        audit_record(
            actor=actor,
            action="amend",
            instance=assessment,
            changes={
                "node": [None, node_code],
                "amended_units": [None, [row.unit.code for row in amended]],
            },
            reason=reason,
            scope=assessment,
        )
    return amended


def entry_set_system_value(
    *,
    assessment: Assessment,
    node_code: str,
    values: dict[str, Any],
    provenance: dict[str, Any],
    actor: User | None = None,
) -> NodeEntry:
    """A survey- or data-sourced leaf's value computed by the system (survey results,
    dossier indicators), with where it came from. Refused once the assessment is approved
    or published: a correction then goes through `result_amend`."""
    if workflow.State(assessment.state) in workflow.LOCKED:
        raise WorkflowError(
            f"Hồ sơ {assessment} đã được thông qua; không cập nhật số liệu tự động."
        )
    node = _node(assessment, node_code)
    if node.source == "self":
        raise WorkflowError(f"Mục {node.code} do đơn vị tự chấm, không nhận số liệu tự động.")
    assert node.rule is not None
    try:
        outcome = node.rule.score(values)
    except RuleInputError as error:
        raise WorkflowError(f"Mục {node.code}: {error}") from None
    values = {
        key: str(value) if isinstance(value, Decimal) else value for key, value in values.items()
    }
    entry = _entry(assessment, node_code)
    fields = {
        "appraised_values": values,
        "appraised_points": outcome.points,
        "appraised_explanation": outcome.explanation,
        "provenance": provenance,
    }
    before = {name: getattr(entry, name) for name in fields}
    NodeEntry.objects.filter(pk=entry.pk).update(
        **fields, version=F("version") + 1, updated_at=timezone.now()
    )
    entry.refresh_from_db()
    changes = {
        name: [before[name], fields[name]]
        for name in ("appraised_values", "appraised_points")
        if before[name] != fields[name]
    }
    if changes:
        audit_record(
            actor=actor,
            action="system_value",
            instance=entry,
            object_repr=f"{assessment.unit} / {node_code}",
            changes=changes,
            reason=str(provenance.get("summary", provenance.get("source", ""))),
            scope=assessment,
        )
    return entry
