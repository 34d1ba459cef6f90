"""Assessments and their entries (read as on the pages), the unit's self-assessment entries with
optimistic locking (`ETag`/`If-Match`), evidence uploads and the workflow's plain actions.

Every write asks the policy first (`assessment_for` with the action: 404 for another unit's
assessment, 403 for a role the workflow table never lets do it; `may_act`: may the account do
it now) and then calls the page's service, which checks the state, the deadline and the
version again and audits the change.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import File, Form, Header, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from parindex import policy
from parindex.api.auth import token, user_of
from parindex.api.errors import ApiError
from parindex.api.routers.common import NO_NUL, Id, Text, responses
from parindex.assessments import workflow
from parindex.assessments.errors import StaleEdit, WorkflowError
from parindex.assessments.forms import VALUE_PREFIX, SelfEntryForm
from parindex.assessments.models import Assessment, NodeEntry
from parindex.assessments.selectors import (
    NodeRow,
    assessment_sheet,
    engine_for_group,
    entries_of,
    leaf_sheet,
    open_explanation,
    self_progress,
    unit_deadline,
)
from parindex.assessments.services import evidence as evidence_services
from parindex.assessments.services.entries import entry_save_self
from parindex.assessments.services.explanations import explanation_send
from parindex.assessments.services.transitions import (
    PLAIN_ACTIONS,
    assessment_submit,
    assessment_transition,
)
from parindex.engine import Node, RuleInputError

router = Router(tags=["Hồ sơ đánh giá"])
READ = token("assessments.read")
WRITE = token("assessments.write")

NodeCode = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[^/\x00]+$")]
# `If-Match`: an ETag the entry or assessment gave ("3", W/"3"), or * to overwrite on purpose.
ETAG_PATTERN = r'^(\*|(W/)?"?[0-9]{1,12}"?)$'
IfMatch = Annotated[
    str,
    Header(
        alias="If-Match",
        description='ETag của lần đọc trước, ví dụ "3" (hoặc * để ghi đè có chủ ý).',
        pattern=ETAG_PATTERN,
    ),
]
OptionalIfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="ETag của hồ sơ (GET /assessments/{id}); sai phiên bản: 412.",
        pattern=ETAG_PATTERN,
    ),
]

# The workflow's actions the API performs: those that need nothing but an optional reason.
# Appraised scores, explanation questions and answers, approval per group, publication and
# amendments have their own pages (and data) and are not offered here.
ApiAction = Literal[
    "submit",
    "return_to_unit",
    "start_appraisal",
    "finalise",
    "reopen",
    "return_for_review",
    "send_explanation",
]


class ProgressOut(Schema):
    answered: int
    total: int
    missing_evidence: list[str]


class AssessmentOut(Schema):
    id: int
    year: int
    period_id: int
    group_id: int
    group_code: str
    unit_id: int
    unit_code: str
    unit_name: str
    state: str
    state_label: str
    version: int
    submitted_at: datetime.datetime | None
    actions: list[str]


class ExplanationRoundOut(Schema):
    id: int
    deadline: datetime.datetime
    questions: int


class AssessmentDetailOut(AssessmentOut):
    deadline: datetime.datetime
    editable: bool
    lock_reason: str
    progress: ProgressOut
    self_total: Decimal
    self_index: Decimal
    open_explanation: ExplanationRoundOut | None


class DocumentOut(Schema):
    id: int
    name: str
    sha256: str
    size: int
    content_type: str
    location: str = ""


class SideOut(Schema):
    values: dict[str, Any] | None
    points: Decimal | None
    explanation: str


class AppraisalOut(SideOut):
    reason_code: str
    comment: str
    finalised: bool
    provenance: dict[str, Any] | None


class EntryOut(Schema):
    code: str
    title: str
    max_points: Decimal
    source: str
    evidence_required: bool
    version: int
    answered: bool
    self: SideOut
    note: str
    written_explanation: str
    appraisal: AppraisalOut | None
    evidence: list[DocumentOut]
    updated_at: datetime.datetime | None


class EntryIn(Schema):
    values: dict[str, str | int | float | bool | None] | None = None
    note: str = Field("", max_length=20_000, pattern=NO_NUL)
    written_explanation: str = Field("", max_length=20_000, pattern=NO_NUL)


class ActionIn(Schema):
    reason: str = Field("", max_length=20_000, pattern=NO_NUL)


def assessment_body(user: Any, assessment: Assessment) -> dict[str, Any]:
    return {
        "id": assessment.pk,
        "year": assessment.period.year,
        "period_id": assessment.period_id,
        "group_id": assessment.group_id,
        "group_code": assessment.group.code,
        "unit_id": assessment.unit_id,
        "unit_code": assessment.unit.code,
        "unit_name": assessment.unit.name,
        "state": assessment.state,
        "state_label": str(workflow.STATE_LABELS[workflow.State(assessment.state)]),
        "version": assessment.version,
        "submitted_at": assessment.submitted_at,
        "actions": [action.value for action in policy.state_actions(user, assessment)],
    }


def _etag(version: int) -> str:
    return f'"{version}"'


def _entry_body(row: NodeRow, show_appraisal: bool) -> dict[str, Any]:
    entry = row.entry
    node = row.node
    appraisal = None
    if entry is not None and (show_appraisal or node.source != "self"):
        appraisal = {
            "values": entry.appraised_values,
            "points": entry.appraised_points,
            "explanation": entry.appraised_explanation,
            "reason_code": entry.reason_code,
            "comment": entry.appraiser_comment,
            "finalised": entry.finalised,
            "provenance": entry.provenance,
        }
    return {
        "code": node.code,
        "title": node.title,
        "max_points": node.max_points,
        "source": node.source,
        "evidence_required": node.evidence_required,
        "version": row.version,
        "answered": row.answered,
        "self": {
            "values": entry.self_values if entry else None,
            "points": entry.self_points if entry else None,
            "explanation": entry.self_explanation if entry else "",
        },
        "note": entry.note if entry else "",
        "written_explanation": entry.written_explanation if entry else "",
        "appraisal": appraisal,
        "evidence": [
            {
                "id": link.document.pk,
                "name": link.document.original_name,
                "sha256": link.document.sha256,
                "size": link.document.size,
                "content_type": link.document.content_type,
                "location": link.location,
            }
            for link in row.links
        ],
        "updated_at": entry.updated_at if entry else None,
    }


def _leaf(assessment: Assessment, code: str) -> Node:
    node = engine_for_group(assessment.group).nodes.get(code)
    if node is None or not node.is_leaf:
        raise Http404
    return node


@router.get(
    "/assessments",
    response=responses(list[AssessmentOut]),
    auth=READ,
    summary="Các hồ sơ đánh giá",
)
def assessments(
    request: HttpRequest,
    year: Annotated[int | None, Query(ge=1900, le=9999)] = None,
    unit: Text = "",
    state: workflow.State | None = None,
) -> list[dict[str, Any]]:
    """Provincial accounts see every unit's assessments, unit accounts their own unit's."""
    user = user_of(request)
    found = policy.visible_assessments(
        user, Assessment.objects.select_related("unit", "period", "group")
    ).order_by("-period__year", "unit__code")
    if year is not None:
        found = found.filter(period__year=year)
    if unit:
        found = found.filter(unit__code=unit)
    if state:
        found = found.filter(state=state)
    return [assessment_body(user, assessment) for assessment in found]


def _detail(user: Any, assessment: Assessment) -> dict[str, Any]:
    sheet = assessment_sheet(assessment, codes=[])
    progress = self_progress(sheet.framework, entries_of(assessment))
    editable, lock_reason = policy.self_edit_state(user, assessment)
    explanation = open_explanation(assessment)
    return {
        **assessment_body(user, assessment),
        "deadline": unit_deadline(assessment),
        "editable": editable,
        "lock_reason": lock_reason,
        "progress": {
            "answered": progress.answered,
            "total": progress.total,
            "missing_evidence": progress.missing_evidence,
        },
        "self_total": sheet.self_result.total,
        "self_index": sheet.self_result.index,
        "open_explanation": (
            {
                "id": explanation.pk,
                "deadline": explanation.deadline,
                "questions": explanation.items.count(),
            }
            if explanation is not None
            else None
        ),
    }


@router.get(
    "/assessments/{assessment_id}",
    response=responses(AssessmentDetailOut),
    auth=READ,
    summary="Một hồ sơ đánh giá",
)
def assessment(request: HttpRequest, response: HttpResponse, assessment_id: Id) -> dict[str, Any]:
    """The state, what the account may do now (`actions`), the deadline and the progress.
    `ETag` is the assessment's version, for `If-Match` on an action."""
    user = user_of(request)
    found = policy.assessment_for(user, assessment_id)
    response["ETag"] = _etag(found.version)
    return _detail(user, found)


@router.get(
    "/assessments/{assessment_id}/entries",
    response=responses(list[EntryOut]),
    auth=READ,
    summary="Điểm từng mục của hồ sơ",
)
def entries(request: HttpRequest, assessment_id: Id) -> list[dict[str, Any]]:
    """Every leaf of the framework with the unit's entry (and the appraiser's, where the
    account may see it), its version and evidence."""
    user = user_of(request)
    found = policy.assessment_for(user, assessment_id)
    show = policy.may_see_appraisal(user, found)
    return [_entry_body(row, show) for row in assessment_sheet(found).rows if row.is_leaf]


@router.get(
    "/assessments/{assessment_id}/entries/{code}",
    response=responses(EntryOut),
    auth=READ,
    summary="Một mục của hồ sơ (với ETag)",
)
def entry(
    request: HttpRequest, response: HttpResponse, assessment_id: Id, code: NodeCode
) -> dict[str, Any]:
    user = user_of(request)
    found = policy.assessment_for(user, assessment_id)
    _leaf(found, code)
    _sheet, row, _parents = leaf_sheet(found, code)
    response["ETag"] = _etag(row.version)
    return _entry_body(row, policy.may_see_appraisal(user, found))


def _expected_version(if_match: str | None) -> int | None:
    """The version `If-Match` names (None for `*`); 428 without it, 400 when unreadable."""
    if if_match is None or not if_match.strip():
        raise ApiError(
            428,
            "precondition_required",
            gettext(
                "Cần tiêu đề If-Match với ETag của lần đọc mục trước khi sửa (hoặc * để ghi đè)."
            ),
            field="If-Match",
        )
    text = if_match.split(",")[0].strip()
    if text == "*":
        return None
    text = text.removeprefix("W/").strip().strip('"')
    if not text.isdigit() or len(text) > 12:
        raise ApiError(
            400,
            "invalid",
            gettext('If-Match phải là ETag đã nhận, ví dụ "3".'),
            field="If-Match",
        )
    return int(text)


def _form_data(node: Node, payload: EntryIn, version: int) -> dict[str, str]:
    """The JSON entry as the page's form posts it, so that it is read by the same form."""
    assert node.rule is not None
    fields = {field.name: field for field in node.rule.fields()}
    unknown = sorted(set(payload.values or {}) - set(fields))
    if unknown:
        raise ApiError(
            400,
            "invalid",
            gettext("Mục %(code)s không có giá trị «%(name)s» (có: %(known)s).")
            % {"code": node.code, "name": unknown[0], "known": ", ".join(fields)},
            field=f"values.{unknown[0]}",
        )
    data = {
        "note": payload.note,
        "written_explanation": payload.written_explanation,
        "version": str(version),
    }
    for name, value in (payload.values or {}).items():
        if value is None:
            text = ""
        elif isinstance(value, bool):
            text = "yes" if value else "no"
        else:
            text = str(value)
        data[VALUE_PREFIX + name] = text
    return data


@router.put(
    "/assessments/{assessment_id}/entries/{code}",
    response=responses(EntryOut),
    auth=WRITE,
    summary="Lưu phần tự chấm của một mục (If-Match bắt buộc)",
)
def entry_save(
    request: HttpRequest,
    response: HttpResponse,
    assessment_id: Id,
    code: NodeCode,
    payload: EntryIn,
    if_match: IfMatch,
) -> dict[str, Any]:
    """The unit's values for a self-scored leaf (officer or head, in draft, before the
    deadline), exactly as the self-assessment page saves them. `values` keys are the leaf's
    `inputs` (GET /frameworks/{id}); `values: null` clears the answer.

    412: `If-Match` is not the entry's version any more (someone saved in between); 409: the
    service refused a version that went stale meanwhile, or the workflow refused the edit. Both
    bodies say who changed what and when."""
    user = user_of(request)
    found = policy.assessment_for(user, assessment_id, action=workflow.Action.SAVE_DRAFT)
    node = _leaf(found, code)
    expected = _expected_version(if_match)
    current = (
        NodeEntry.objects.filter(assessment=found, node_code=code)
        .values_list("version", flat=True)
        .first()
    ) or 1
    form = SelfEntryForm(_form_data(node, payload, expected or current), node=node)
    if not form.is_valid():
        name, messages = next(iter(form.errors.items()))
        field = name.removeprefix(VALUE_PREFIX)
        raise ApiError(
            400,
            "invalid",
            "; ".join(str(message) for message in messages),
            field=f"values.{field}" if name.startswith(VALUE_PREFIX) else field,
        )
    values = form.values()
    if values is not None and node.source == "self":
        assert node.rule is not None
        try:
            node.rule.score(values)
        except RuleInputError as error:
            raise ApiError(
                400,
                "invalid",
                gettext("Mục %(code)s: %(message)s") % {"code": node.code, "message": error},
                field=f"values.{error.field}" if getattr(error, "field", None) else "values",
            ) from None
    try:
        entry_save_self(
            actor=user,
            assessment=found,
            node_code=node.code,
            values=values,
            note=form.cleaned_data["note"],
            written_explanation=form.cleaned_data["written_explanation"],
            expected_version=expected,
        )
    except StaleEdit as stale:
        if expected is not None and expected != current:
            raise ApiError(412, "precondition_failed", str(stale), field="If-Match") from None
        raise
    _sheet, row, _parents = leaf_sheet(found, code)
    response["ETag"] = _etag(row.version)
    return _entry_body(row, policy.may_see_appraisal(user, found))


@router.post(
    "/assessments/{assessment_id}/entries/{code}/evidence",
    response=responses(list[DocumentOut], status=201),
    auth=WRITE,
    summary="Tải tài liệu kiểm chứng lên cho một mục",
)
def evidence_upload(
    request: HttpRequest,
    assessment_id: Id,
    code: NodeCode,
    files: Annotated[list[UploadedFile], File(min_length=1)],
    location: Annotated[str, Form(max_length=200, pattern=NO_NUL)] = "",
) -> Status:
    """Files (multipart, field `files`, one or more) checked by content as on the page, stored
    once per unit and period (same SHA-256: same document) and cited for the leaf. If any file
    is refused, nothing is stored."""
    user = user_of(request)
    found = policy.assessment_for(user, assessment_id, action=workflow.Action.SAVE_DRAFT)
    node = _leaf(found, code)
    documents = evidence_services.evidence_upload_many(
        actor=user,
        assessment=found,
        files=[
            evidence_services.UploadedFile(upload.name or "", upload, upload.size)
            for upload in files
        ],
        node_code=node.code,
        location=location[:200],
    )
    return Status(
        201,
        [
            {
                "id": document.pk,
                "name": document.original_name,
                "sha256": document.sha256,
                "size": document.size,
                "content_type": document.content_type,
                "location": location[:200],
            }
            for document in documents
        ],
    )


@router.post(
    "/assessments/{assessment_id}/actions/{action}",
    response=responses(AssessmentDetailOut),
    auth=WRITE,
    summary="Chuyển bước hồ sơ (gửi, trả lại, bắt đầu/kết thúc thẩm định…)",
)
def act(
    request: HttpRequest,
    response: HttpResponse,
    assessment_id: Id,
    action: ApiAction,
    payload: ActionIn | None = None,
    if_match: OptionalIfMatch = None,
) -> dict[str, Any]:
    """A workflow action the transition table allows the account now (`actions` of GET
    /assessments/{id}). `reason` is required to send back (return_to_unit,
    return_for_review). With `If-Match` (the assessment's ETag), a stale version is refused
    with 412."""
    user = user_of(request)
    chosen = workflow.Action(action)
    found = policy.assessment_for(user, assessment_id, action=chosen)
    if if_match and if_match.strip() != "*":
        expected = _expected_version(if_match)
        if expected != found.version:
            raise ApiError(
                412,
                "precondition_failed",
                gettext(
                    "Hồ sơ đã đổi (phiên bản %(now)s, bạn gửi %(sent)s, trạng thái «%(state)s»); "
                    "hãy đọc lại rồi làm lại."
                )
                % {
                    "now": found.version,
                    "sent": expected,
                    "state": workflow.STATE_LABELS[workflow.State(found.state)],
                },
                field="If-Match",
            )
    if not policy.may_act(user, found, chosen):
        role = policy.acting_role(user, found)
        if role is None:
            raise WorkflowError(
                gettext("Chỉ cán bộ của đơn vị được làm việc này với hồ sơ của đơn vị mình.")
            )
        raise WorkflowError(
            str(workflow.IllegalTransition(workflow.State(found.state), chosen, role))
        )
    if chosen == workflow.Action.SUBMIT:
        assessment_submit(actor=user, assessment=found)
    elif chosen == workflow.Action.SEND_EXPLANATION:
        round_ = open_explanation(found)
        if round_ is None:
            raise WorkflowError(gettext("Không có yêu cầu giải trình nào đang mở."))
        explanation_send(actor=user, request=round_)
    else:
        assert chosen in PLAIN_ACTIONS
        assessment_transition(
            actor=user, assessment=found, action=chosen, reason=payload.reason if payload else ""
        )
    found.refresh_from_db()
    response["ETag"] = _etag(found.version)
    return _detail(user, found)
