"""A sub-criterion's work: the department's figures, proposed score and explanation, its
evidence (checked by content as every upload is, stored once per content), sending it to Home
Affairs, and Home Affairs' review: accept (the values become the province's, consolidated),
ask for more (a `NodeRequest` the lead answers), or set the consolidated values directly."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from parindex.accounts.models import User
from parindex.assessments.evidence import CheckedFile, EvidenceRejected
from parindex.assessments.evidence_store import UploadedFile, check_uploads, store_once
from parindex.assessments.selectors import preview
from parindex.audit.services import diff
from parindex.engine import Node
from parindex.nationalself import selectors
from parindex.nationalself.errors import NationalSelfError
from parindex.nationalself.models import (
    ChecklistItem,
    Contribution,
    ContributionStatus,
    Evidence,
    EvidenceLink,
    NodeRequest,
)
from parindex.nationalself.services.shared import (
    audit,
    check_open,
    contribution_label,
    home_affairs_users,
    moment,
    notify,
    page_url,
    units_users,
)
from parindex.units.models import Unit

_CONTRIBUTOR_EDITABLE = (ContributionStatus.OPEN, ContributionStatus.RETURNED)


def _node(contribution: Contribution) -> Node:
    engine = selectors.assessment_engine(contribution.assessment)
    node = engine.nodes[contribution.node_code]
    assert node.rule is not None
    return node


def _scored(node: Node, values: Mapping[str, Any] | None) -> Any:
    """The points of `values` through the leaf's rule; refused with the rule's own words."""
    if values is None:
        return None
    points, message = preview(node, values)
    if points is None:
        raise NationalSelfError(message)
    return points


def _check_contributor_state(contribution: Contribution) -> None:
    if contribution.assessment.is_sent:
        raise NationalSelfError(gettext("Hồ sơ đã gửi Bộ Nội vụ: các cơ quan không sửa được nữa."))
    if contribution.status not in _CONTRIBUTOR_EDITABLE:
        raise NationalSelfError(
            gettext("Tiêu chí %(code)s ở tình trạng «%(status)s»: không sửa được.")
            % {"code": contribution.node_code, "status": contribution.get_status_display()}
        )


def _locked(contribution: Contribution, expected_version: int | None) -> Contribution:
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if expected_version is not None and locked.version != expected_version:
        raise NationalSelfError(
            gettext("Tiêu chí vừa được người khác cập nhật; hãy tải lại trang rồi sửa lại.")
        )
    return locked


def contribution_save(
    *,
    actor: User,
    contribution: Contribution,
    values: Mapping[str, Any] | None,
    gap_explanation: str = "",
    expected_version: int | None = None,
) -> Contribution:
    """The department's figures (the rule's inputs), which give the proposed score, and its
    explanation of what is missing or below target."""
    _check_contributor_state(contribution)
    node = _node(contribution)
    points = _scored(node, values)
    with transaction.atomic():
        locked = _locked(contribution, expected_version)
        before = {
            "values": locked.values,
            "proposed_points": locked.proposed_points,
            "gap_explanation": locked.gap_explanation,
        }
        locked.values = dict(values) if values is not None else None
        locked.proposed_points = points
        locked.gap_explanation = gap_explanation.strip()
        after = {
            "values": locked.values,
            "proposed_points": points,
            "gap_explanation": locked.gap_explanation,
        }
        changed = diff(
            {key: str(value) if value is not None else None for key, value in before.items()},
            {key: str(value) if value is not None else None for key, value in after.items()},
        )
        if not changed:
            return locked
        locked.version += 1
        locked.updated_by = actor
        locked.save()
        audit(
            actor,
            "contribute",
            locked,
            locked.assessment,
            changed,
            label=contribution_label(locked),
        )
    contribution.refresh_from_db()
    return contribution


# --- evidence ----------------------------------------------------------------------------------


def _store(
    actor: User,
    contribution: Contribution,
    checked: CheckedFile,
    meta: dict[str, Any],
    stored: list[str],
) -> Evidence:
    assessment = contribution.assessment
    document, created = store_once(
        Evidence, checked, stored, owner={"assessment": assessment}, uploaded_by=actor, **meta
    )
    if created:
        audit(
            actor,
            "upload",
            document,
            assessment,
            {"file": [None, checked.name], "sha256": [None, checked.sha256]},
        )
    return document


def _check_item(contribution: Contribution, item: ChecklistItem | None) -> None:
    if item is not None and (
        item.assessment_id != contribution.assessment_id or item.node_code != contribution.node_code
    ):
        raise NationalSelfError(gettext("Tài liệu theo hướng dẫn thuộc tiêu chí khác."))


def evidence_upload(
    *,
    actor: User,
    contribution: Contribution,
    files: Sequence[UploadedFile],
    department: Unit | None,
    document_number: str = "",
    document_date: datetime.date | None = None,
    document_title: str = "",
    checklist_item: ChecklistItem | None = None,
    location: str = "",
    reason: str = "",
) -> list[Evidence]:
    """Check every file first (type read from the content, size, name), then store each once
    per self-assessment and cite it for the leaf. If any file is refused nothing is stored."""
    if actor.unit_id is not None:
        _check_contributor_state(contribution)
    reason = check_open(contribution.assessment, reason)
    _check_item(contribution, checklist_item)
    if not files:
        raise NationalSelfError(gettext("Chưa chọn tệp nào."))
    try:
        checked = check_uploads(files)
    except EvidenceRejected as error:
        raise NationalSelfError(str(error)) from None
    meta = {
        "department": department,
        "document_number": document_number.strip()[:80],
        "document_date": document_date,
        "document_title": document_title.strip()[:300],
    }
    stored: list[str] = []
    try:
        with transaction.atomic():
            documents: list[Evidence] = []
            for item in checked:
                document = _store(actor, contribution, item, meta, stored)
                if document not in documents:
                    documents.append(document)
            for document in documents:
                evidence_link(
                    actor=actor,
                    contribution=contribution,
                    evidence=document,
                    checklist_item=checklist_item,
                    location=location,
                    reason=reason,
                )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return documents


def evidence_link(
    *,
    actor: User,
    contribution: Contribution,
    evidence: Evidence,
    checklist_item: ChecklistItem | None = None,
    location: str = "",
    reason: str = "",
) -> EvidenceLink:
    """Cite an uploaded document for the leaf (and the checklist item it answers)."""
    if actor.unit_id is not None:
        _check_contributor_state(contribution)
    reason = check_open(contribution.assessment, reason)
    if evidence.assessment_id != contribution.assessment_id:
        raise NationalSelfError(gettext("Tài liệu thuộc năm khác."))
    _check_item(contribution, checklist_item)
    link, created = EvidenceLink.objects.get_or_create(
        evidence=evidence,
        contribution=contribution,
        defaults={
            "location": location.strip()[:200],
            "linked_by": actor,
            "checklist_item": checklist_item,
        },
    )
    if not created and checklist_item is not None and link.checklist_item_id is None:
        link.checklist_item = checklist_item
        link.save(update_fields=["checklist_item"])
        created = True
    if created:
        audit(
            actor,
            "evidence",
            contribution,
            contribution.assessment,
            {"evidence": [None, f"{evidence.original_name} {link.location}".strip()]},
            reason=reason,
            label=contribution_label(contribution),
        )
    return link


def evidence_unlink(*, actor: User, link: EvidenceLink, reason: str = "") -> None:
    contribution = link.contribution
    if actor.unit_id is not None:
        _check_contributor_state(contribution)
    reason = check_open(contribution.assessment, reason)
    with transaction.atomic():
        audit(
            actor,
            "evidence",
            contribution,
            contribution.assessment,
            {"evidence": [f"{link.evidence.original_name} {link.location}".strip(), None]},
            reason=reason,
            label=contribution_label(contribution),
        )
        link.delete()


# --- sending and reviewing ---------------------------------------------------------------------


def contribution_submit(
    *, actor: User, contribution: Contribution, now: datetime.datetime | None = None
) -> Contribution:
    """The lead department sends the leaf to Home Affairs: its figures (or an explanation
    of why there are none), and for every required document it lacks, an explanation. Open
    requests must be answered first."""
    _check_contributor_state(contribution)
    node = _node(contribution)
    if contribution.requests.filter(answered_at__isnull=True).exists():
        raise NationalSelfError(gettext("Hãy trả lời đề nghị bổ sung của Sở Nội vụ trước khi gửi."))
    if contribution.values is None and not contribution.gap_explanation.strip():
        raise NationalSelfError(
            gettext("Hãy nhập số liệu, hoặc giải trình vì sao chưa có, trước khi gửi.")
        )
    count = contribution.evidence_links.count()
    missing = selectors.missing_documents(
        node, selectors.checklist_of(contribution.assessment, node.code), count
    )
    if missing and not contribution.gap_explanation.strip():
        raise NationalSelfError(
            gettext("Còn thiếu tài liệu: %(missing)s. Hãy tải lên hoặc giải trình phần còn thiếu.")
            % {"missing": "; ".join(missing)}
        )
    when = moment(now)
    with transaction.atomic():
        locked = _locked(contribution, None)
        before = locked.status
        locked.status = ContributionStatus.SUBMITTED
        locked.submitted_at = when
        locked.submitted_by = actor
        locked.version += 1
        locked.save()
        audit(
            actor,
            "submit",
            locked,
            locked.assessment,
            {"status": [before, locked.status]},
            label=contribution_label(locked),
        )
    # The deadline is a date in the province (a leaf sent at 06:00 the next morning is late).
    late = contribution.deadline is not None and timezone.localdate(when) > contribution.deadline
    notify(
        home_affairs_users(),
        gettext_noop("%(unit)s gửi tiêu chí %(code)s (Chỉ số CCHC cấp tỉnh %(year)s)%(late)s."),
        {
            "unit": contribution.lead.name if contribution.lead else str(actor),
            "code": contribution.node_code,
            "year": contribution.assessment.year,
            "late": gettext(", quá hạn") if late else "",
        },
        url=page_url("nationalself:node", contribution.assessment_id, contribution.node_code),
    )
    contribution.refresh_from_db()
    return contribution


def _reviewed(locked: Contribution, actor: User, now: datetime.datetime | None) -> None:
    locked.reviewed_at = moment(now)
    locked.reviewed_by = actor
    locked.version += 1
    locked.save()


def contribution_accept(
    *,
    actor: User,
    contribution: Contribution,
    values: Mapping[str, Any] | None = None,
    explanation_accepted: bool = False,
    note: str = "",
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Contribution:
    """Home Affairs accepts the leaf: the consolidated values are the given ones, else the
    department's figures; they are what the province claims and the engine scores."""
    reason = check_open(contribution.assessment, reason)
    node = _node(contribution)
    chosen = dict(values) if values is not None else contribution.values
    points = _scored(node, chosen)
    with transaction.atomic():
        locked = _locked(contribution, None)
        before = {
            "status": locked.status,
            "consolidated_values": locked.consolidated_values,
            "explanation_accepted": locked.explanation_accepted,
        }
        locked.status = ContributionStatus.ACCEPTED
        locked.consolidated_values = chosen
        locked.consolidated_points = points
        locked.explanation_accepted = explanation_accepted
        locked.review_note = note.strip()
        _reviewed(locked, actor, now)
        audit(
            actor,
            "accept",
            locked,
            locked.assessment,
            diff(
                before,
                {
                    "status": locked.status,
                    "consolidated_values": chosen,
                    "explanation_accepted": explanation_accepted,
                },
            ),
            reason=reason,
            label=contribution_label(locked),
        )
    if locked.lead is not None:
        notify(
            units_users([locked.lead]),
            gettext_noop(
                "Sở Nội vụ đã chấp nhận tiêu chí %(code)s (Chỉ số CCHC cấp tỉnh %(year)s)."
            ),
            {"code": locked.node_code, "year": locked.assessment.year},
            url=page_url("nationalself:node", locked.assessment_id, locked.node_code),
        )
    contribution.refresh_from_db()
    return contribution


def contribution_consolidate(
    *,
    actor: User,
    contribution: Contribution,
    values: Mapping[str, Any] | None,
    explanation_accepted: bool = False,
    note: str = "",
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Contribution:
    """Home Affairs sets the values the province claims for the leaf directly (a figure it
    holds itself, a correction) without changing the department's own."""
    reason = check_open(contribution.assessment, reason)
    points = _scored(_node(contribution), values)
    with transaction.atomic():
        locked = _locked(contribution, None)
        before = {
            "consolidated_values": locked.consolidated_values,
            "explanation_accepted": locked.explanation_accepted,
            "review_note": locked.review_note,
        }
        locked.consolidated_values = dict(values) if values is not None else None
        locked.consolidated_points = points
        locked.explanation_accepted = explanation_accepted
        locked.review_note = note.strip()
        changed = diff(
            before,
            {
                "consolidated_values": locked.consolidated_values,
                "explanation_accepted": explanation_accepted,
                "review_note": locked.review_note,
            },
        )
        if not changed:
            return locked
        _reviewed(locked, actor, now)
        audit(
            actor,
            "consolidate",
            locked,
            locked.assessment,
            changed,
            reason=reason,
            label=contribution_label(locked),
        )
    contribution.refresh_from_db()
    return contribution


def contribution_return(
    *,
    actor: User,
    contribution: Contribution,
    question: str,
    deadline: datetime.date,
    now: datetime.datetime | None = None,
) -> NodeRequest:
    """Home Affairs asks the leaf's departments for more (a document, a figure, a reason);
    the leaf goes back to them until the lead answers and sends it again."""
    if contribution.assessment.is_sent:
        # The departments can no longer answer (they are locked out once the package is
        # sent): Home Affairs corrects the leaf itself, with a reason.
        raise NationalSelfError(
            gettext(
                "Hồ sơ đã gửi Bộ Nội vụ: không đề nghị bổ sung được nữa. Sở Nội vụ tự cập nhật "
                "tiêu chí và nêu lý do."
            )
        )
    if not question.strip():
        raise NationalSelfError(gettext("Hãy ghi nội dung cần bổ sung."))
    with transaction.atomic():
        locked = _locked(contribution, None)
        request = NodeRequest.objects.create(
            contribution=locked, question=question.strip(), deadline=deadline, asked_by=actor
        )
        before = locked.status
        locked.status = ContributionStatus.RETURNED
        _reviewed(locked, actor, now)
        audit(
            actor,
            "request",
            locked,
            locked.assessment,
            {"status": [before, locked.status], "question": [None, request.question]},
            label=contribution_label(locked),
        )
    departments = [unit for unit in [locked.lead, *locked.supporting.all()] if unit is not None]
    notify(
        units_users(departments),
        gettext_noop(
            "Sở Nội vụ đề nghị bổ sung tiêu chí %(code)s (Chỉ số CCHC cấp tỉnh %(year)s), hạn "
            "%(deadline)s."
        ),
        {
            "code": locked.node_code,
            "year": locked.assessment.year,
            "deadline": deadline.strftime("%d/%m/%Y"),
        },
        url=page_url("nationalself:node", locked.assessment_id, locked.node_code),
    )
    return request


def request_answer(
    *, actor: User, request: NodeRequest, answer: str, now: datetime.datetime | None = None
) -> NodeRequest:
    """The lead department answers a request (then sends the leaf again)."""
    _check_contributor_state(request.contribution)
    if not answer.strip():
        raise NationalSelfError(gettext("Hãy ghi nội dung trả lời."))
    if not request.is_open:
        raise NationalSelfError(gettext("Đề nghị này đã được trả lời."))
    request.answer = answer.strip()
    request.answered_at = moment(now)
    request.answered_by = actor
    request.save(update_fields=["answer", "answered_at", "answered_by"])
    contribution = request.contribution
    audit(
        actor,
        "answer",
        contribution,
        contribution.assessment,
        {"answer": [None, request.answer]},
        label=contribution_label(contribution),
    )
    return request
