"""Writes of the assessment workflow. Each service checks the transition table, the
deadline and the entry's version, writes, audits, and notifies.

Who may call a service on which assessment is decided before, by `parindex.policy` (a unit
user reaches only their own unit's assessment); the services trust that and keep the
workflow's rules (state × action × role) and the data's invariants.

Optimistic locking: every edit carries the version it was based on; an update whose
version is stale is refused with `StaleEdit`, naming who changed the entry and what,
so that no update is ever silently lost.

Times: services that depend on a deadline take `now` (default: the current time) so
that tests and imports can state the moment they act at.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from parindex.accounts.models import User
from parindex.assessments import workflow
from parindex.assessments.evidence import CheckedFile, EvidenceRejected, check_upload
from parindex.assessments.models import (
    AdjustmentReason,
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
    describe_changes,
    engine_for_group,
    entries_of,
    group_results,
    open_explanation,
    self_progress,
)
from parindex.audit.models import AuditEvent
from parindex.audit.services import audit_record
from parindex.engine import Node, RuleInputError, format_number
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


@dataclass(frozen=True)
class UploadedFile:
    """One file as a view received it: its name, a binary stream and its declared size."""

    name: str
    stream: IO[bytes]
    size: int | None = None


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # pages not installed (e.g. a command-line import)
        return ""


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
    """Change the state if nobody else changed the assessment since it was loaded."""
    old = assessment.state
    updated = Assessment.objects.filter(pk=assessment.pk, version=assessment.version).update(
        state=target.value, version=F("version") + 1, updated_at=timezone.now()
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


def notify(users: Iterable[User], message: str, url: str = "") -> None:
    """In-application notification and an e-mail (console backend by default).

    One e-mail per recipient, so that nobody sees the others' addresses.
    """
    recipients = [user for user in users if user.is_active]
    Notification.objects.bulk_create(
        Notification(user=user, message=message[:300], url=url) for user in recipients
    )
    subject = f"[parindex] {message[:120]}"
    body = f"{message}\n\n{url}" if url else message
    mails = [(subject, body, None, [user.email]) for user in recipients if user.email]
    if mails:
        send_mass_mail(mails, fail_silently=True)


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


def _check_self_deadline(assessment: Assessment, now: datetime.datetime | None) -> None:
    deadline = unit_deadline(assessment)
    if (now or timezone.now()) > deadline:
        raise WorkflowError(
            f"Đã quá hạn tự đánh giá ({_local(deadline)}); hồ sơ chỉ sửa hoặc gửi được "
            "khi Sở Nội vụ gia hạn cho đơn vị."
        )


def _check_unit_edit(
    assessment: Assessment, actor: User, now: datetime.datetime | None
) -> ExplanationRequest | None:
    """The unit may change its evidence: in draft before its deadline, or while answering an
    explanation request before that request's deadline. Returns the open request, if any."""
    if assessment.state == workflow.State.EXPLANATION_REQUESTED:
        _act(assessment, workflow.Action.ANSWER_EXPLANATION, actor)
        request = open_explanation(assessment)
        if request is not None and (now or timezone.now()) > request.deadline:
            raise WorkflowError(f"Đã quá hạn giải trình ({_local(request.deadline)}).")
        return request
    _act(assessment, workflow.Action.SAVE_DRAFT, actor)
    _check_self_deadline(assessment, now)
    return None


def _node(assessment: Assessment, code: str) -> Node:
    framework = engine_for_group(assessment.group)
    node = framework.nodes.get(code)
    if node is None or not node.is_leaf:
        raise WorkflowError(f"Mục «{code}» không phải là mục chấm điểm của bộ tiêu chí.")
    return node


def _entry(assessment: Assessment, code: str) -> NodeEntry:
    entry, _ = NodeEntry.objects.get_or_create(assessment=assessment, node_code=code)
    return entry


def _score(node: Node, values: Mapping[str, Any]) -> tuple[Decimal, str]:
    """Points and explanation of `values` under the node's rule, or a message naming the box."""
    assert node.rule is not None
    try:
        outcome = node.rule.score(values)
    except RuleInputError as error:
        message = str(error)
        for field in node.rule.fields():
            message = message.replace(f"«{field.name}»", f"«{field.label}»")
        raise WorkflowError(f"Mục {node.code}: {message}") from None
    return outcome.points, outcome.explanation


def _stale_message(entry: NodeEntry) -> str:
    event = (
        AuditEvent.objects.filter(
            object_type="nodeentry",
            object_id=str(entry.pk),
            action__in=("score", "system_value"),  # the changes that move the version
        )
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return f"Mục {entry.node_code} vừa được thay đổi; hãy tải lại trang."
    changed = "; ".join(describe_changes(event.changes))
    return (
        f"Mục {entry.node_code} vừa được {event.actor_name} sửa lúc {_local(event.at)} "
        f"({changed}). Thay đổi của bạn chưa được lưu; hãy xem lại rồi lưu lần nữa."
    )


def _save_entry(
    entry: NodeEntry,
    expected_version: int | None,
    actor: User,
    fields: dict[str, Any],
    reason: str = "",
) -> NodeEntry:
    """Update `fields` of `entry` only if nobody changed it since `expected_version`.

    The update and its audit event commit together, so that whoever is refused as stale
    can always read who made the change that beat them.
    """
    with transaction.atomic():
        current = NodeEntry.objects.get(pk=entry.pk)
        before = {name: getattr(current, name) for name in fields}
        version = current.version if expected_version is None else expected_version
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
    """The unit's entry for a self-assessed leaf (officer or head, in draft, before the
    deadline). `values=None` clears the answer."""
    _act(assessment, workflow.Action.SAVE_DRAFT, actor)
    _check_self_deadline(assessment, now)
    node = _node(assessment, node_code)
    if node.source != "self":
        raise WorkflowError(
            f"Mục {node.code} lấy điểm từ {_SOURCE_LABELS.get(node.source, node.source)}, "
            "đơn vị không tự chấm."
        )
    points: Decimal | None = None
    explanation = ""
    if values is not None:
        points, explanation = _score(node, values)
    entry = _entry(assessment, node_code)
    return _save_entry(
        entry,
        expected_version,
        actor,
        {
            "self_values": values,
            "self_points": points,
            "self_explanation": explanation,
            "note": note.strip(),
            "written_explanation": written_explanation.strip(),
        },
    )


_SOURCE_LABELS = {"survey": "điều tra xã hội học", "data": "số liệu hệ thống"}


def _store_checked(
    actor: User, assessment: Assessment, checked: CheckedFile, stored: list[str]
) -> EvidenceDocument:
    """The unit's document with this content: the existing one, or a new stored file."""
    existing = EvidenceDocument.objects.filter(
        unit=assessment.unit, period=assessment.period, sha256=checked.sha256
    ).first()
    if existing is not None:
        return existing
    document = EvidenceDocument(
        unit=assessment.unit,
        period=assessment.period,
        original_name=checked.name,
        sha256=checked.sha256,
        size=checked.size,
        content_type=checked.content_type,
        uploaded_by=actor,
    )
    # A generated name: the user's name never reaches the storage (no path tricks, no clashes).
    document.file.save(f"{uuid.uuid4().hex}.{checked.kind}", ContentFile(checked.data), save=False)
    stored.append(document.file.name)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        # Someone of the unit uploaded the same file at the same moment: keep theirs.
        default_storage.delete(document.file.name)
        stored.remove(document.file.name)
        return EvidenceDocument.objects.get(
            unit=assessment.unit, period=assessment.period, sha256=checked.sha256
        )
    audit_record(
        actor=actor,
        action="upload",
        instance=document,
        changes={"file": [None, checked.name], "sha256": [None, checked.sha256]},
        scope=assessment,
    )
    return document


def evidence_upload_many(
    *,
    actor: User,
    assessment: Assessment,
    files: Sequence[UploadedFile],
    node_code: str | None = None,
    location: str = "",
    now: datetime.datetime | None = None,
) -> list[EvidenceDocument]:
    """Check every file first, then store each once per unit and period (same SHA-256 →
    same document) and, if `node_code` is given, cite them for that node.

    If any file is refused, nothing is stored: `EvidenceRejected` lists every refusal.
    """
    _check_unit_edit(assessment, actor, now)
    if node_code:
        _check_citable(assessment, node_code)
    if not files:
        raise EvidenceRejected("Chưa chọn tệp nào.")
    checked: list[CheckedFile] = []
    refusals: list[str] = []
    for upload in files:
        try:
            checked.append(check_upload(upload.name, upload.stream, upload.size))
        except EvidenceRejected as error:
            refusals.append(str(error))
    if refusals:
        raise EvidenceRejected(" ".join(refusals))
    stored: list[str] = []
    try:
        with transaction.atomic():
            documents: list[EvidenceDocument] = []
            for item in checked:
                document = _store_checked(actor, assessment, item, stored)
                if document not in documents:
                    documents.append(document)
            if node_code:
                for document in documents:
                    evidence_link(
                        actor=actor,
                        assessment=assessment,
                        node_code=node_code,
                        document=document,
                        location=location,
                        now=now,
                    )
    except BaseException:
        # The database rolled back; files written for it must not stay behind.
        for name in stored:
            default_storage.delete(name)
        raise
    return documents


def evidence_upload(
    *,
    actor: User,
    assessment: Assessment,
    name: str,
    stream: IO[bytes],
    size: int | None = None,
    node_code: str | None = None,
    location: str = "",
    now: datetime.datetime | None = None,
) -> EvidenceDocument:
    """One file: see `evidence_upload_many`."""
    (document,) = evidence_upload_many(
        actor=actor,
        assessment=assessment,
        files=[UploadedFile(name, stream, size)],
        node_code=node_code,
        location=location,
        now=now,
    )
    return document


def _check_citable(assessment: Assessment, node_code: str) -> None:
    _node(assessment, node_code)
    if assessment.state == workflow.State.EXPLANATION_REQUESTED:
        request = open_explanation(assessment)
        asked = set() if request is None else {item.node_code for item in request.items.all()}
        if node_code not in asked:
            raise WorkflowError(
                f"Đang giải trình: chỉ bổ sung tài liệu cho các mục được hỏi "
                f"({', '.join(sorted(asked)) or 'không có'})."
            )


def evidence_link(
    *,
    actor: User,
    assessment: Assessment,
    node_code: str,
    document: EvidenceDocument,
    location: str = "",
    now: datetime.datetime | None = None,
) -> EvidenceLink:
    """Cite an already uploaded document for a node (no second upload), with its page/section."""
    _check_unit_edit(assessment, actor, now)
    if document.unit_id != assessment.unit_id or document.period_id != assessment.period_id:
        raise WorkflowError("Tài liệu thuộc đơn vị hoặc kỳ khác.")
    _check_citable(assessment, node_code)
    entry = _entry(assessment, node_code)
    link, created = EvidenceLink.objects.get_or_create(
        entry=entry,
        document=document,
        defaults={"location": location.strip()[:200], "linked_by": actor},
    )
    if created:
        audit_record(
            actor=actor,
            action="evidence",
            instance=entry,
            object_repr=f"{assessment.unit} / {node_code}",
            changes={"evidence": [None, f"{document.original_name} {link.location}".strip()]},
            scope=assessment,
        )
    return link


def evidence_unlink(
    *, actor: User, link: EvidenceLink, now: datetime.datetime | None = None
) -> None:
    """Stop citing a document for a node (the document itself stays, for other nodes)."""
    assessment = link.entry.assessment
    _act(assessment, workflow.Action.SAVE_DRAFT, actor)
    _check_self_deadline(assessment, now)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="evidence",
            instance=link.entry,
            object_repr=f"{assessment.unit} / {link.entry.node_code}",
            changes={"evidence": [f"{link.document.original_name} {link.location}".strip(), None]},
            scope=assessment,
        )
        link.delete()


def assessment_submit(
    *, actor: User, assessment: Assessment, now: datetime.datetime | None = None
) -> None:
    """The head sends the self-assessment; refused after the deadline and while required
    evidence (or a written explanation in its place) is missing."""
    target = _act(assessment, workflow.Action.SUBMIT, actor)
    _check_self_deadline(assessment, now)
    framework = engine_for_group(assessment.group)
    progress = self_progress(framework, entries_of(assessment))
    if progress.missing_evidence:
        raise MissingEvidence(progress.missing_evidence)
    with transaction.atomic():
        _move(assessment, target, actor, workflow.Action.SUBMIT)
        assessment.submitted_at, assessment.submitted_by = timezone.now(), actor
        assessment.save(update_fields=["submitted_at", "submitted_by"])
    notify(
        _role_users("appraiser"),
        f"{assessment.unit} đã gửi kết quả tự đánh giá {assessment.period.year}.",
        _url("assessments:appraise", assessment.pk),
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
            f"Thao tác «{workflow.ACTION_LABELS[action]}» có trang riêng, không làm ở đây."
        )
    target = _act(assessment, action, actor)
    if action in REASON_REQUIRED and not reason.strip():
        raise WorkflowError(f"Cần ghi lý do khi {workflow.ACTION_LABELS[action]}.")
    with transaction.atomic():
        _move(assessment, target, actor, action, reason.strip())
        if action == workflow.Action.FINALISE:
            # What the appraiser did not change is accepted as the unit entered it.
            NodeEntry.objects.filter(assessment=assessment).update(finalised=True)
        elif action in (workflow.Action.REOPEN, workflow.Action.RETURN_FOR_REVIEW):
            NodeEntry.objects.filter(assessment=assessment).update(finalised=False)
    if action == workflow.Action.RETURN_TO_UNIT:
        notify(
            _unit_users(assessment.unit),
            f"Hồ sơ tự đánh giá {assessment.period.year} được trả lại để bổ sung: {reason}",
            _url("assessments:self", assessment.pk),
        )
    elif action == workflow.Action.RETURN_FOR_REVIEW:
        notify(
            _role_users("appraiser"),
            f"Hội đồng trả lại hồ sơ {assessment} để thẩm định lại: {reason}",
            _url("assessments:appraise", assessment.pk),
        )


def _effective_points(
    node: Node, points: Decimal | None, has_evidence: bool, explanation_ok: bool
) -> Decimal:
    """What the engine will count for the node: nothing without evidence where it is required
    (unless an explanation stands in for it)."""
    if points is None:
        return Decimal(0)
    if node.evidence_required and not has_evidence and not explanation_ok:
        return Decimal(0)
    return points


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
    """The appraiser's score for a leaf.

    An appraised score that differs from what the unit's entry counts for needs a reason
    code. Survey- and data-sourced values (until those imports fill them) need a note
    saying where the figure comes from. `values=None` keeps the unit's own values.
    """
    _act(assessment, workflow.Action.APPRAISE, actor)
    node = _node(assessment, node_code)
    if reason_code and reason_code not in AdjustmentReason.values:
        raise WorkflowError(f"Mục {node.code}: lý do điều chỉnh «{reason_code}» không có.")
    points: Decimal | None = None
    explanation = ""
    if values is not None:
        points, explanation = _score(node, values)
    entry = _entry(assessment, node_code)
    comment = comment.strip()
    fields: dict[str, Any] = {
        "appraised_values": values,
        "appraised_points": points,
        "appraised_explanation": explanation,
        "reason_code": reason_code,
        "appraiser_comment": comment,
        "explanation_accepted": explanation_accepted,
        "finalised": finalised,
    }
    if node.source == "self":
        has_evidence = entry.evidence_links.exists()
        claimed = _effective_points(
            node, entry.self_points, has_evidence, bool(entry.written_explanation.strip())
        )
        given = _effective_points(
            node,
            entry.self_points if values is None else points,
            has_evidence,
            explanation_accepted,
        )
        if given != claimed and not reason_code:
            raise WorkflowError(
                f"Mục {node.code}: điểm thẩm định {format_number(given)} khác điểm tự chấm "
                f"{format_number(claimed)}, cần chọn lý do điều chỉnh."
            )
    elif values is not None:
        if not comment:
            raise WorkflowError(
                f"Mục {node.code}: số liệu nhập thay "
                f"{_SOURCE_LABELS.get(node.source, node.source)} cần ghi chú nguồn."
            )
        fields["provenance"] = {
            "source": node.source,
            "entered_by": str(actor),
            "note": comment,
            "indicator": node.indicator,
        }
    return _save_entry(entry, expected_version, actor, fields, reason=comment)


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
    target = _act(assessment, workflow.Action.REQUEST_EXPLANATION, actor)
    asked = [(code, question.strip()) for code, question in questions if question.strip()]
    if not asked:
        raise WorkflowError("Chọn ít nhất một mục cần giải trình và ghi câu hỏi.")
    codes = [code for code, _question in asked]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise WorkflowError(f"Mỗi mục chỉ hỏi một lần: {', '.join(repeated)}.")
    for code in codes:
        _node(assessment, code)
    if deadline <= (now or timezone.now()):
        raise WorkflowError(f"Hạn giải trình {_local(deadline)} đã qua; chọn một ngày sau.")
    with transaction.atomic():
        request = ExplanationRequest.objects.create(
            assessment=assessment, message=message.strip(), deadline=deadline, created_by=actor
        )
        ExplanationItem.objects.bulk_create(
            ExplanationItem(request=request, node_code=code, question=question)
            for code, question in asked
        )
        _move(
            assessment,
            target,
            actor,
            workflow.Action.REQUEST_EXPLANATION,
            "; ".join(f"{code}: {question}" for code, question in asked),
        )
    notify(
        _unit_users(assessment.unit),
        f"Sở Nội vụ yêu cầu giải trình {len(asked)} mục ({', '.join(codes)}), "
        f"hạn {_local(deadline)}.",
        _url("assessments:explanation", assessment.pk, request.pk),
    )
    return request


def explanation_answer(
    *, actor: User, item: ExplanationItem, answer: str, now: datetime.datetime | None = None
) -> ExplanationItem:
    """The unit's answer to one question (before sending the whole round)."""
    request = item.request
    assessment = request.assessment
    _act(assessment, workflow.Action.ANSWER_EXPLANATION, actor)
    current = _check_unit_edit(assessment, actor, now)
    if current is None or current.pk != request.pk:
        raise WorkflowError("Yêu cầu giải trình này đã gửi trả lời, không sửa được nữa.")
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
    target = _act(assessment, workflow.Action.SEND_EXPLANATION, actor)
    if request.sent_at is not None:
        raise WorkflowError("Các trả lời này đã được gửi.")
    unanswered = [item.node_code for item in request.items.all() if not item.answer.strip()]
    if unanswered:
        raise WorkflowError("Còn mục chưa trả lời: " + ", ".join(unanswered))
    with transaction.atomic():
        request.sent_at = now or timezone.now()
        request.save(update_fields=["sent_at"])
        _move(assessment, target, actor, workflow.Action.SEND_EXPLANATION)
    notify(
        _role_users("appraiser"),
        f"{assessment.unit} đã gửi giải trình {assessment.period.year}.",
        _url("assessments:appraise", assessment.pk),
    )


def group_approve(*, actor: User, group: UnitGroup, note: str = "") -> GroupApproval:
    """The council approves the group's appraised assessments at once.

    Every unit of the group must have been appraised (units already approved, e.g. before
    another was sent back for review, stay approved).
    """
    assessments = list(group.assessments.select_related("unit", "period"))
    opened = {assessment.unit_id for assessment in assessments}
    done = (workflow.State.APPRAISED, workflow.State.APPROVED)
    pending = [
        f"{a.unit.name} ({workflow.STATE_LABELS[workflow.State(a.state)]})"
        for a in assessments
        if a.state not in done
    ] + [f"{unit.name} (chưa có hồ sơ)" for unit in group.units.exclude(pk__in=opened)]
    to_approve = [a for a in assessments if a.state == workflow.State.APPRAISED]
    if pending or not to_approve:
        raise WorkflowError(
            "Chưa thể thông qua nhóm "
            f"{group.name}: "
            + (
                "các đơn vị chưa thẩm định xong: " + ", ".join(pending)
                if pending
                else "không có hồ sơ nào chờ thông qua"
            )
            + "."
        )
    with transaction.atomic():
        for assessment in to_approve:
            _move(
                assessment,
                _act(assessment, workflow.Action.APPROVE, actor),
                actor,
                workflow.Action.APPROVE,
                note,
            )
        approval = GroupApproval.objects.create(group=group, approved_by=actor, note=note.strip())
        audit_record(
            actor=actor,
            action="approve",
            instance=group,
            changes={"approved_units": [None, sorted(a.unit.code for a in to_approve)]},
            reason=note.strip(),
        )
    notify(
        _role_users("admin", "appraiser"),
        f"Hội đồng đã thông qua kết quả nhóm {group}.",
        _url("assessments:publish", group.period_id),
    )
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
    *,
    actor: User,
    period: AssessmentPeriod,
    decision_number: str,
    decision_date: datetime.date | None,
) -> int:
    """Publish every group's approved results: frozen rows with ranks and classes."""
    if period.status == PeriodStatus.PUBLISHED:
        raise WorkflowError(
            f"Kết quả {period} đã công bố ({period.decision_number}); sửa bằng điều chỉnh."
        )
    decision_number = decision_number.strip()
    if not decision_number:
        raise WorkflowError("Cần số quyết định công bố.")
    if decision_date is None:
        raise WorkflowError("Cần ngày của quyết định công bố.")
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
        for group in period.groups.all():
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
        before = {
            "status": period.status,
            "decision_number": period.decision_number,
            "decision_date": period.decision_date,
        }
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
                "decision_date": [before["decision_date"], decision_date],
            },
        )
    notify(
        User.objects.filter(is_active=True),
        f"Đã công bố kết quả Chỉ số CCHC {period.year} "
        f"(Quyết định {decision_number} ngày {decision_date:%d/%m/%Y}).",
        _url("home"),
    )
    return count


def result_amend(
    *,
    actor: User,
    assessment: Assessment,
    node_code: str,
    values: dict[str, Any],
    reason: str,
    expected_version: int | None = None,
) -> list[PublishedResult]:
    """Correct a published result: the entry changes with a reason, the group is re-ranked,
    and every unit whose published figures changed gets a new row that amends the old one
    (the old row stays as it was published)."""
    _act(assessment, workflow.Action.AMEND, actor)
    reason = reason.strip()
    if not reason:
        raise WorkflowError("Điều chỉnh kết quả đã công bố phải có lý do.")
    node = _node(assessment, node_code)
    points, explanation = _score(node, values)
    group = assessment.group
    with transaction.atomic():
        entry = _entry(assessment, node_code)
        _save_entry(
            entry,
            expected_version,
            actor,
            {
                "appraised_values": values,
                "appraised_points": points,
                "appraised_explanation": explanation,
                # The administrator's corrected figure counts as given (the decision behind it
                # is the evidence), whatever the original evidence was.
                "explanation_accepted": True,
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
            if old is not None and (old.total, old.rank, old.class_label, old.areas) == (
                row.total,
                row.rank,
                row.class_label,
                row.areas,
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
    notify(
        _unit_users(assessment.unit) + _role_users("leader", "council"),
        f"Kết quả công bố {assessment.period.year} của {assessment.unit} được điều chỉnh "
        f"(mục {node_code}): {reason}",
        _url("assessments:amend", assessment.pk),
    )
    return amended


def notification_read(*, user: User, notification: Notification) -> None:
    if notification.user_id != user.pk:
        raise WorkflowError("Thông báo của người khác.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_read_all(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


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
    or published: a correction then goes through `result_amend`.

    It bumps the entry's version like any edit, so that an appraiser's page loaded before
    the import is told, not silently overwritten."""
    if workflow.State(assessment.state) in workflow.LOCKED:
        raise WorkflowError(
            f"Hồ sơ {assessment} đã được thông qua; không cập nhật số liệu tự động."
        )
    node = _node(assessment, node_code)
    if node.source == "self":
        raise WorkflowError(f"Mục {node.code} do đơn vị tự chấm, không nhận số liệu tự động.")
    points, explanation = _score(node, values)
    values = {
        key: str(value) if isinstance(value, Decimal) else value for key, value in values.items()
    }
    fields = {
        "appraised_values": values,
        "appraised_points": points,
        "appraised_explanation": explanation,
        "provenance": provenance,
    }
    with transaction.atomic():
        entry = _entry(assessment, node_code)
        before = {name: getattr(entry, name) for name in fields}
        NodeEntry.objects.filter(pk=entry.pk).update(
            **fields, version=F("version") + 1, updated_by=actor, updated_at=timezone.now()
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
