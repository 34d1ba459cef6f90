"""The unit's pages: its assessments, the self-assessment form (one small htmx form per leaf),
evidence upload, reuse and download, submission by the head, and explanation answers.

Every view: access helper → form → service → render. A leaf's form posts with htmx and gets
its own row back (plus the progress box, out of band); without JavaScript the same views
answer with a message and a redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex.assessments import workflow
from parindex.assessments.errors import StaleEdit, WorkflowError
from parindex.assessments.evidence import EvidenceRejected, max_bytes
from parindex.assessments.forms import (
    AnswerForm,
    EvidenceUploadForm,
    SelfEntryForm,
    ValuesForm,
)
from parindex.assessments.models import (
    Assessment,
    EvidenceDocument,
    EvidenceLink,
    ExplanationItem,
    ExplanationRequest,
    NodeEntry,
)
from parindex.assessments.selectors import (
    NodeRow,
    Sheet,
    area_head,
    area_links,
    area_of_code,
    area_sheet,
    assessment_sheet,
    dom_id,
    engine_for_group,
    entries_of,
    leaf_sheet,
    open_areas,
    open_explanation,
    preview,
    self_progress,
    unit_deadline,
    unit_documents,
)
from parindex.assessments.services import evidence as evidence_services
from parindex.assessments.services import explanations as explanation_services
from parindex.assessments.services.entries import entry_save_self
from parindex.assessments.services.transitions import assessment_open, assessment_submit
from parindex.periods.models import PeriodStatus, UnitGroup
from parindex.policy import (
    assessment_for,
    can,
    evidence_for,
    explanation_edit_state,
    is_member,
    may_draft_self_report,
    self_edit_state,
    state_actions,
)
from parindex.tasks.selectors import linked_tasks, tasks_by_node
from parindex.web.assessments.sheet_cache import sheet_body, tasks_version
from parindex.web.assessments.views_common import (
    ASSESSMENT_STATE,
    CONFLICT,
    INVALID,
    area_of,
    done,
    fragment,
    leaf_or_404,
    self_url,
)
from parindex.web.http import AuthedRequest, query_id

INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


@login_required
def my_assessments(request: AuthedRequest) -> HttpResponse:
    """Unit users: their unit's assessment of each period (the current one opened on first
    visit). Provincial users are sent to the appraisal queue."""
    user = request.user
    if not can(user, "assessments.self_assess"):
        if can(user, "assessments.view_all"):
            return redirect("assessments:queue")
        raise Http404
    unit = user.unit
    if unit is None:  # never: a unit role has its unit (constraint `user_unit_matches_role`)
        raise Http404
    groups = list(
        UnitGroup.objects.filter(units=unit).select_related("period").order_by("-period__year")
    )
    current = next((g for g in groups if g.period.status != PeriodStatus.PUBLISHED), None)
    if current is not None:
        assessment_open(period=current.period, unit=unit)
    existing = {
        assessment.period_id: assessment
        for assessment in Assessment.objects.filter(unit=unit).select_related("group", "period")
    }
    cards = []
    for group in groups:
        assessment = existing.get(group.period_id)
        progress = None
        deadline = None
        if assessment is not None:
            progress = self_progress(engine_for_group(group), entries_of(assessment))
            deadline = unit_deadline(assessment)
        cards.append(
            {"group": group, "assessment": assessment, "progress": progress, "deadline": deadline}
        )
    return render(request, "assessments/my_assessments.html", {"cards": cards, "unit": unit})


def _self_form(row: NodeRow, editable: bool, data: Any = None) -> SelfEntryForm:
    entry = row.entry
    return SelfEntryForm(
        data,
        node=row.node,
        values=entry.self_values if entry is not None else None,
        disabled=not editable or row.node.source != "self",
        auto_id=f"{row.dom_id}-%s",
        initial={
            "note": entry.note if entry else "",
            "written_explanation": entry.written_explanation if entry else "",
            "version": row.version,
        },
    )


def _row_state(
    request: AuthedRequest, assessment: Assessment, *, page: bool = False
) -> dict[str, Any]:
    """What the rows show besides the sheet, decided per request: whether the user may edit
    now (and why not), the unit's deadline, the tasks on the criteria (this year's, and last
    year's through the framework's mapping; with their units and assignees for the `page`'s
    list of them)."""
    editable, lock_reason = self_edit_state(request.user, assessment)
    return {
        "assessment": assessment,
        "editable": editable,
        "lock_reason": lock_reason,
        "deadline": unit_deadline(assessment),
        "node_tasks": tasks_by_node(assessment, related=page),
        "max_upload": max_bytes(),
    }


def _state_key(state: dict[str, Any]) -> tuple[Any, ...]:
    """`_row_state` in a cache key (`sheet_cache`)."""
    return (
        state["editable"],
        str(state["lock_reason"]),
        state["deadline"].isoformat(),
        tasks_version(state["node_tasks"]),
        state["max_upload"],
    )


def _rows_context(state: dict[str, Any], sheet: Sheet) -> dict[str, Any]:
    """What a leaf's row needs, on the page, in an area fetched on demand and in a save's
    answer."""
    return {
        **state,
        "sheet": sheet,
        # The unit's documents, to cite again: only offered where evidence can be added.
        "documents": list(unit_documents(state["assessment"])) if state["editable"] else [],
    }


def _with_forms(rows: list[NodeRow] | None, editable: bool) -> None:
    for row in rows or ():
        if row.is_leaf:
            row.form = _self_form(row, editable)


def _progress_context(sheet: Sheet) -> dict[str, Any]:
    """The progress box: answered leaves, those missing evidence (each a link that opens its
    area) and the provisional total."""
    progress = self_progress(sheet.framework, sheet.entry_list)
    return {
        "progress": progress,
        "missing_links": area_links(sheet.framework, progress.missing_evidence),
    }


@login_required
def assessment_self(request: AuthedRequest, pk: int) -> HttpResponse:
    """The self-assessment: progress, then the framework area by area. The area the user was
    working in (`?area=`), else the first one left to do, is open with a form per leaf; the
    others show their totals and fetch their rows when opened (`self_area`). The sheet is
    rendered once per version of what it shows (`sheet_cache`)."""
    assessment = assessment_for(request.user, pk)
    state = _row_state(request, assessment, page=True)
    wanted = request.GET.get("area", "")

    def build(extra: dict[str, Any]) -> dict[str, str]:
        sheet = area_sheet(assessment)
        areas = open_areas(sheet, wanted, complete=lambda area: area.complete, adjusted=False)
        for area in areas:
            _with_forms(area.rows, state["editable"])
        context = {
            **_rows_context(state, sheet),
            **_progress_context(sheet),
            "areas": areas,
            **extra,
        }
        return {
            "progress": render_to_string("assessments/_self_progress.html", context),
            "areas": render_to_string("assessments/_self_areas.html", context),
        }

    body = sheet_body(request, assessment, "self", (_state_key(state), wanted), build)
    context = {
        **state,
        "body": body,
        "actions": state_actions(request.user, assessment),
        "is_member": is_member(request.user, assessment),
        "open_request": open_explanation(assessment),
        "state_label": workflow.STATE_LABELS[workflow.State(assessment.state)],
        "linked_tasks": linked_tasks(state["node_tasks"]),
        "may_draft_report": may_draft_self_report(request.user, assessment),
    }
    return render(request, "assessments/self.html", context)


@login_required
def self_area(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    """One area's rows, fetched by htmx when the area is opened; without htmx, the page with
    that area open."""
    assessment = assessment_for(request.user, pk)
    if code not in engine_for_group(assessment.group).roots:
        raise Http404
    if not request.htmx:
        return redirect(self_url(assessment, f"{dom_id(code)}-area", area=code))
    state = _row_state(request, assessment)

    def build(extra: dict[str, Any]) -> dict[str, str]:
        sheet = area_sheet(assessment)
        area = area_of_code(sheet, code, adjusted=False)
        _with_forms(area.rows if area else None, state["editable"])
        context = {**_rows_context(state, sheet), "area": area, **extra}
        return {"rows": render_to_string("assessments/_self_area_rows.html", context)}

    body = sheet_body(request, assessment, "self-area", (_state_key(state), code), build)
    return HttpResponse(body["rows"])


def _row_response(
    request: AuthedRequest,
    assessment: Assessment,
    code: str,
    *,
    status: int = 200,
    error: str = "",
    saved: str = "",
    data: Any = None,
    entry: NodeEntry | None = None,
) -> HttpResponse:
    """The leaf's row as it now is (with the user's unsaved input on error) and, out of band,
    what changed with it: its parents' totals, its area's head and the progress box. `entry`:
    the leaf's entry as the save just wrote it (the assessment is then as the save found it:
    not read again)."""
    if entry is None:
        assessment.refresh_from_db(fields=ASSESSMENT_STATE)
    sheet, row, parents = leaf_sheet(assessment, code, entry)
    context = _rows_context(_row_state(request, assessment), sheet)
    if data is not None:
        # Keep what the user typed, on the entry's current version: saving again is then a
        # deliberate overwrite of the change they have now been shown.
        data = data.copy()
        data["version"] = str(row.version)
        row.form = _self_form(row, context["editable"], data)
        row.form.is_valid()
    else:
        row.form = _self_form(row, context["editable"])
    area = area_head(sheet, code, adjusted=False)
    context.update(
        {
            "row": row,
            "parents": [parent for parent in parents if parent.code != area.code],
            "area": area,
            "error": error,
            "saved": saved,
            "oob": True,
            **_progress_context(sheet),
        }
    )
    return fragment(request, "assessments/_self_row.html", context, status)


@login_required
@require_POST
def entry_save(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    assessment = assessment_for(request.user, pk, action=workflow.Action.SAVE_DRAFT)
    node = leaf_or_404(assessment, code)
    form = SelfEntryForm(request.POST, node=node)
    error, status = "", 200
    entry = None
    if not form.is_valid():
        error = "; ".join(str(message) for messages in form.errors.values() for message in messages)
        status = INVALID
    else:
        try:
            entry = entry_save_self(
                actor=request.user,
                assessment=assessment,
                node_code=node.code,
                values=form.values(),
                note=form.cleaned_data["note"],
                written_explanation=form.cleaned_data["written_explanation"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit as stale:
            error, status = str(stale), CONFLICT
        except WorkflowError as refused:
            error, status = str(refused), INVALID
    if not request.htmx:
        url = self_url(assessment, dom_id(node.code), area=area_of(assessment, node.code))
        if status == CONFLICT:
            return done(request, url, error=error)
        return done(
            request,
            url,
            _("Đã lưu mục %(code)s.") % {"code": node.code},
            error,
        )
    return _row_response(
        request,
        assessment,
        node.code,
        status=status,
        error=error,
        saved="" if error else _("Đã lưu."),
        data=request.POST if error else None,
        entry=entry,
    )


@login_required
@require_POST
def entry_preview(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    """Points and the rule's explanation for what is typed, without saving (for the unit's
    and the appraiser's forms alike)."""
    assessment = assessment_for(request.user, pk)
    node = leaf_or_404(assessment, code)
    form = ValuesForm(request.POST, node=node)
    points, text = None, ""
    if not form.is_valid():
        text = "; ".join(str(message) for messages in form.errors.values() for message in messages)
    else:
        values = form.values()
        if values is None:
            text = _("Chưa nhập.")
        else:
            points, text = preview(node, values)
    return render(
        request,
        "assessments/_outcome.html",
        {"points": points, "text": text, "max_points": node.max_points},
    )


def _uploaded(request: HttpRequest) -> list[evidence_services.UploadedFile]:
    return [
        evidence_services.UploadedFile(upload.name or "", upload, upload.size)
        for upload in request.FILES.getlist("files")
    ]


@login_required
@require_POST
def evidence_upload(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    assessment = assessment_for(request.user, pk, action=workflow.Action.SAVE_DRAFT)
    node = leaf_or_404(assessment, code)
    form = EvidenceUploadForm(request.POST, request.FILES)
    error, saved, status = "", "", 200
    if not form.is_valid():
        error = "; ".join(str(message) for messages in form.errors.values() for message in messages)
        status = INVALID
    else:
        try:
            documents = evidence_services.evidence_upload_many(
                actor=request.user,
                assessment=assessment,
                files=_uploaded(request),
                node_code=node.code,
                location=form.cleaned_data["location"],
            )
            saved = _("Đã gắn %(count)s tài liệu.") % {"count": len(documents)}
        except (WorkflowError, EvidenceRejected) as refused:
            error, status = str(refused), INVALID
    return _evidence_answer(request, assessment, node.code, status, error, saved)


def _evidence_answer(
    request: AuthedRequest,
    assessment: Assessment,
    code: str,
    status: int,
    error: str,
    saved: str,
) -> HttpResponse:
    """After an evidence change: the row of the page the form was on (self-assessment or
    explanation), or a redirect there."""
    on_explanation = request.POST.get("page") == "explanation"
    request_pk = query_id(request.POST, "request")
    if not request.htmx:
        if on_explanation and request_pk is not None:
            url = reverse("assessments:explanation", args=[assessment.pk, request_pk])
        else:
            url = self_url(assessment, dom_id(code), area=area_of(assessment, code))
        return done(request, url, saved, error)
    if on_explanation:
        return _explanation_item_response(
            request,
            assessment,
            code,
            status,
            error,
            saved,
            request_pk=request_pk,
        )
    return _row_response(request, assessment, code, status=status, error=error, saved=saved)


@login_required
@require_POST
def evidence_link(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    """Cite a document the unit already uploaded this period (no second upload)."""
    assessment = assessment_for(request.user, pk, action=workflow.Action.SAVE_DRAFT)
    node = leaf_or_404(assessment, code)
    document_pk = query_id(request.POST, "document")
    document = (
        unit_documents(assessment).filter(pk=document_pk).first()
        if document_pk is not None
        else None
    )
    error, saved, status = "", "", 200
    if document is None:
        error, status = _("Chọn một tài liệu đã tải lên của đơn vị."), INVALID
    else:
        try:
            evidence_services.evidence_link(
                actor=request.user,
                assessment=assessment,
                node_code=node.code,
                document=document,
                location=request.POST.get("location", ""),
            )
            saved = _("Đã gắn «%(name)s».") % {"name": document.original_name}
        except WorkflowError as refused:
            error, status = str(refused), INVALID
    return _evidence_answer(request, assessment, node.code, status, error, saved)


@login_required
@require_POST
def evidence_unlink(request: AuthedRequest, pk: int, link_pk: int) -> HttpResponse:
    assessment = assessment_for(request.user, pk, action=workflow.Action.SAVE_DRAFT)
    link = (
        EvidenceLink.objects.select_related("entry__assessment", "document")
        .filter(pk=link_pk, entry__assessment=assessment)
        .first()
    )
    if link is None:
        raise Http404
    code = link.entry.node_code
    error, saved, status = "", "", 200
    try:
        evidence_services.evidence_unlink(actor=request.user, link=link)
        saved = _("Đã gỡ «%(name)s» khỏi mục.") % {"name": link.document.original_name}
    except WorkflowError as refused:
        error, status = str(refused), INVALID
    return _evidence_answer(request, assessment, code, status, error, saved)


@login_required
def evidence_download(request: AuthedRequest, pk: int) -> FileResponse:
    """The file, through the access check: never a public URL of the storage."""
    document: EvidenceDocument = evidence_for(request.user, pk)
    inline = document.content_type in INLINE_TYPES
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=not inline,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def submit(request: AuthedRequest, pk: int) -> HttpResponse:
    """The head's check before sending: what is missing, then "send"."""
    assessment = assessment_for(request.user, pk, action=workflow.Action.SUBMIT)
    if request.method == "POST":
        try:
            assessment_submit(actor=request.user, assessment=assessment)
        except WorkflowError as refused:
            return done(
                request, reverse("assessments:submit", args=[assessment.pk]), error=str(refused)
            )
        return done(
            request,
            self_url(assessment),
            _("Đã gửi kết quả tự đánh giá tới Sở Nội vụ."),
        )
    sheet = assessment_sheet(assessment)
    progress = self_progress(sheet.framework, entries_of(assessment))
    missing = [row for row in sheet.rows if row.code in set(progress.missing_evidence)]
    unanswered = [
        row for row in sheet.rows if row.is_leaf and row.node.source == "self" and not row.answered
    ]
    editable, lock_reason = self_edit_state(request.user, assessment)
    may_submit = editable and workflow.Action.SUBMIT in state_actions(request.user, assessment)
    return render(
        request,
        "assessments/submit.html",
        {
            "assessment": assessment,
            "sheet": sheet,
            "progress": progress,
            "missing": missing,
            "unanswered": unanswered,
            "may_submit": may_submit and not missing,
            "lock_reason": lock_reason,
            "deadline": unit_deadline(assessment),
            "late": timezone.now() > assessment.period.self_assessment_closes,
        },
    )


# --- explanation rounds: the unit's side -----------------------------------------------------


def _request_or_404(assessment: Assessment, request_pk: int) -> ExplanationRequest:
    explanation = (
        ExplanationRequest.objects.filter(pk=request_pk, assessment=assessment)
        .select_related("created_by")
        .first()
    )
    if explanation is None:
        raise Http404
    return explanation


def _explanation_items(
    request: HttpRequest, assessment: Assessment, explanation: ExplanationRequest
) -> list[dict[str, Any]]:
    items = list(explanation.items.all())
    sheet = assessment_sheet(assessment, codes=[item.node_code for item in items])
    rows = {row.code: row for row in sheet.rows}
    return [
        {
            "item": item,
            "row": rows.get(item.node_code),
            "form": AnswerForm(initial={"answer": item.answer}, prefix=f"item{item.pk}"),
            "dom_id": f"item-{item.pk}",
        }
        for item in items
    ]


def _explanation_context(
    request: AuthedRequest, assessment: Assessment, explanation: ExplanationRequest
) -> dict[str, Any]:
    is_open = explanation.sent_at is None
    answering = is_open and explanation_edit_state(request.user, assessment)
    return {
        "assessment": assessment,
        "explanation": explanation,
        "items": _explanation_items(request, assessment, explanation),
        "answering": answering,
        "may_send": answering
        and workflow.Action.SEND_EXPLANATION in state_actions(request.user, assessment),
        "documents": list(unit_documents(assessment)),
        "max_upload": max_bytes(),
        "now": timezone.now(),
    }


@login_required
def explanation(request: AuthedRequest, pk: int, request_pk: int) -> HttpResponse:
    """One explanation round: each question, the unit's answer and new evidence."""
    assessment = assessment_for(request.user, pk)
    round_ = _request_or_404(assessment, request_pk)
    return render(
        request,
        "assessments/explanation.html",
        _explanation_context(request, assessment, round_),
    )


def _explanation_item_response(
    request: AuthedRequest,
    assessment: Assessment,
    code: str,
    status: int,
    error: str,
    saved: str,
    *,
    request_pk: int | None,
    answer_data: Any = None,
) -> HttpResponse:
    """One question's block of the explanation page, as it now is."""
    assessment.refresh_from_db()
    round_ = (
        _request_or_404(assessment, request_pk)
        if request_pk is not None
        else open_explanation(assessment)
    )
    if round_ is None:
        raise Http404
    context = _explanation_context(request, assessment, round_)
    item = next((each for each in context["items"] if each["item"].node_code == code), None)
    if item is None:
        raise Http404
    if answer_data is not None:
        item["form"] = AnswerForm(answer_data, prefix=f"item{item['item'].pk}")
    context.update({"each": item, "error": error, "saved": saved})
    return render(request, "assessments/_explanation_item.html", context, status=status)


@login_required
@require_POST
def explanation_answer(request: AuthedRequest, pk: int, item_pk: int) -> HttpResponse:
    assessment = assessment_for(request.user, pk, action=workflow.Action.ANSWER_EXPLANATION)
    item = (
        ExplanationItem.objects.select_related("request__assessment")
        .filter(pk=item_pk, request__assessment=assessment)
        .first()
    )
    if item is None:
        raise Http404
    form = AnswerForm(request.POST, prefix=f"item{item.pk}")
    error, saved, status = "", "", 200
    if not form.is_valid():
        error, status = _("Hãy viết câu trả lời."), INVALID
    else:
        try:
            explanation_services.explanation_answer(
                actor=request.user,
                item=item,
                answer=form.cleaned_data["answer"],
            )
            saved = _("Đã lưu trả lời.")
        except WorkflowError as refused:
            error, status = str(refused), INVALID
    if not request.htmx:
        url = reverse("assessments:explanation", args=[assessment.pk, item.request_id])
        return done(request, url, saved, error)
    return _explanation_item_response(
        request,
        assessment,
        item.node_code,
        status,
        error,
        saved,
        request_pk=item.request_id,
        answer_data=request.POST if error else None,
    )


@login_required
@require_POST
def explanation_send(request: AuthedRequest, pk: int, request_pk: int) -> HttpResponse:
    assessment = assessment_for(request.user, pk, action=workflow.Action.SEND_EXPLANATION)
    round_ = _request_or_404(assessment, request_pk)
    url = reverse("assessments:explanation", args=[assessment.pk, round_.pk])
    try:
        explanation_services.explanation_send(actor=request.user, request=round_)
    except WorkflowError as refused:
        return done(request, url, error=str(refused))
    return done(request, url, _("Đã gửi giải trình tới Sở Nội vụ."))
