"""One sub-criterion of the national self-assessment: what the Ministry's guidance asks for,
the department's figures, proposed score, explanation and evidence, Home Affairs' requests and
review. A department sees only the leaves assigned to it (`policy.national_node_for`); its
staff edit while the leaf is theirs (`may_contribute`), the lead sends and answers
(`may_send_contribution`); Home Affairs reviews (`nationalself.manage`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from parindex.assessments.selectors import preview, values_text
from parindex.engine import Node
from parindex.nationalself import selectors
from parindex.nationalself.errors import NationalSelfError
from parindex.nationalself.forms import (
    AnswerForm,
    ContributionForm,
    EvidenceForm,
    LinkForm,
    ReviewForm,
)
from parindex.nationalself.models import (
    ChecklistItem,
    Contribution,
    EvidenceLink,
    NationalSelfAssessment,
    NodeRequest,
)
from parindex.nationalself.services import contributions as services
from parindex.nationalself.services.setup import assignment_set
from parindex.policy import (
    can,
    may_contribute,
    may_send_contribution,
    national_evidence_for,
    national_node_for,
    national_self_for,
)
from parindex.web.http import AuthedRequest

INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def _leaf(assessment: NationalSelfAssessment, code: str) -> Node:
    node = selectors.assessment_engine(assessment).nodes.get(code)
    if node is None or not node.is_leaf:
        raise Http404
    return node


def _back(assessment: NationalSelfAssessment, code: str) -> HttpResponse:
    return redirect("nationalself:node", pk=assessment.pk, code=code)


def _lineage(assessment: NationalSelfAssessment, node: Node) -> list[Node]:
    engine = selectors.assessment_engine(assessment)
    parents = []
    parent = node.parent
    while parent is not None:
        parents.append(engine.nodes[parent])
        parent = engine.nodes[parent].parent
    return list(reversed(parents))


def _documents(request: AuthedRequest, assessment: NationalSelfAssessment) -> Any:
    unit = request.user.unit_id
    return selectors.department_documents(
        assessment, None if can(request.user, "nationalself.view_all") else [unit or 0]
    )


def _items(assessment: NationalSelfAssessment, code: str) -> Any:
    return ChecklistItem.objects.filter(assessment=assessment, node_code=code)


@login_required
def node(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    assessment = national_self_for(request.user, pk)
    leaf = _leaf(assessment, code)
    contribution = national_node_for(request.user, assessment, code)
    manage = can(request.user, "nationalself.manage")
    contributes = may_contribute(request.user, contribution)
    sends = may_send_contribution(request.user, contribution)
    items = selectors.checklist_of(assessment, code)
    links = selectors.links_of(contribution) if contribution is not None else []
    requests = selectors.requests_of(contribution) if contribution is not None else []
    result = selectors.self_result(assessment).nodes[code]
    context: dict[str, Any] = {
        "assessment": assessment,
        "node": leaf,
        "lineage": _lineage(assessment, leaf),
        "contribution": contribution,
        "items": items,
        "links": links,
        "requests": requests,
        "result": result,
        "missing": selectors.missing_documents(leaf, items, len(links)),
        "late": contribution is not None and selectors.is_late(contribution, timezone.localdate()),
        "contributes": contributes,
        "sends": sends,
        "manage": manage,
        "survey_leaf": leaf.source == "survey",
        "values_text": values_text(leaf, contribution.values) if contribution else "",
        "consolidated_text": (
            values_text(leaf, contribution.consolidated_values) if contribution else ""
        ),
        "supporting": list(contribution.supporting.all()) if contribution else [],
    }
    if leaf.rule is not None and contribution is not None and contributes:
        context["contribution_form"] = ContributionForm(
            node=leaf,
            values=contribution.values,
            initial={
                "gap_explanation": contribution.gap_explanation,
                "version": contribution.version,
            },
        )
    if contribution is not None and (contributes or manage):
        todo = next(
            (item for item in items if item.required and not item.linked),  # type: ignore[attr-defined]  # annotated by checklist_of
            None,
        )
        context["evidence_form"] = EvidenceForm(
            items=_items(assessment, code), initial={"checklist_item": todo}
        )
        documents = _documents(request, assessment).exclude(links__contribution=contribution)
        if documents.exists():
            context["link_form"] = LinkForm(documents=documents, items=_items(assessment, code))
    if sends:
        context["answer_forms"] = [(item, AnswerForm()) for item in requests if item.is_open]
    if manage and leaf.rule is not None and not context["survey_leaf"]:
        base = (contribution.consolidated_values or contribution.values) if contribution else None
        context["review_form"] = ReviewForm(
            node=leaf,
            values=base,
            initial={
                "action": "accept",
                "explanation_accepted": contribution.explanation_accepted
                if contribution
                else False,
                "note": contribution.review_note if contribution else "",
            },
        )
    if contribution is not None and contribution.values is not None:
        context["proposed"] = preview(leaf, contribution.values)
    return render(request, "nationalself/node.html", context)


def _contribution(request: AuthedRequest, pk: int, code: str) -> Contribution:
    assessment = national_self_for(request.user, pk)
    _leaf(assessment, code)
    contribution = national_node_for(request.user, assessment, code)
    if contribution is None:
        raise Http404
    contribution.assessment = assessment
    return contribution


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
@require_POST
def node_save(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    contribution = _contribution(request, pk, code)
    _refuse_unless(may_contribute(request.user, contribution))
    leaf = _leaf(contribution.assessment, code)
    form = ContributionForm(request.POST, node=leaf)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(contribution.assessment, code)
    try:
        services.contribution_save(
            actor=request.user,
            contribution=contribution,
            values=form.values(),
            gap_explanation=form.cleaned_data["gap_explanation"],
            expected_version=form.cleaned_data["version"],
        )
    except NationalSelfError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, gettext("Đã lưu số liệu tiêu chí %(code)s.") % {"code": code})
    return _back(contribution.assessment, code)


@login_required
@require_POST
def node_evidence(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    contribution = _contribution(request, pk, code)
    _refuse_unless(
        may_contribute(request.user, contribution) or can(request.user, "nationalself.manage")
    )
    form = EvidenceForm(request.POST, request.FILES, items=_items(contribution.assessment, code))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(contribution.assessment, code)
    data = form.cleaned_data
    try:
        documents = services.evidence_upload(
            actor=request.user,
            contribution=contribution,
            files=[services.UploadedFile(f.name, f, f.size) for f in data["files"]],
            department=request.user.unit,
            document_number=data["document_number"],
            document_date=data["document_date"],
            document_title=data["document_title"],
            checklist_item=data["checklist_item"],
            location=data["location"],
            reason=data["reason"],
        )
    except NationalSelfError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, gettext("Đã tải lên %(count)s tài liệu.") % {"count": len(documents)}
        )
    return _back(contribution.assessment, code)


@login_required
@require_POST
def node_link(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    contribution = _contribution(request, pk, code)
    _refuse_unless(
        may_contribute(request.user, contribution) or can(request.user, "nationalself.manage")
    )
    form = LinkForm(
        request.POST,
        documents=_documents(request, contribution.assessment),
        items=_items(contribution.assessment, code),
    )
    if form.is_valid():
        try:
            services.evidence_link(
                actor=request.user,
                contribution=contribution,
                evidence=form.cleaned_data["evidence"],
                checklist_item=form.cleaned_data["checklist_item"],
                location=form.cleaned_data["location"],
                reason=form.cleaned_data["reason"],
            )
        except NationalSelfError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, gettext("Hãy chọn một tài liệu."))
    return _back(contribution.assessment, code)


@login_required
@require_POST
def node_unlink(request: AuthedRequest, pk: int, code: str, link: int) -> HttpResponse:
    contribution = _contribution(request, pk, code)
    _refuse_unless(
        may_contribute(request.user, contribution) or can(request.user, "nationalself.manage")
    )
    found = (
        EvidenceLink.objects.select_related("evidence", "contribution__assessment")
        .filter(pk=link, contribution=contribution)
        .first()
    )
    if found is None:
        raise Http404
    try:
        services.evidence_unlink(
            actor=request.user, link=found, reason=request.POST.get("reason", "")
        )
    except NationalSelfError as error:
        messages.error(request, str(error))
    return _back(contribution.assessment, code)


@login_required
@require_POST
def node_submit(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    contribution = _contribution(request, pk, code)
    _refuse_unless(may_send_contribution(request.user, contribution))
    try:
        services.contribution_submit(actor=request.user, contribution=contribution)
    except NationalSelfError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, gettext("Đã gửi tiêu chí %(code)s cho Sở Nội vụ.") % {"code": code}
        )
    return _back(contribution.assessment, code)


@login_required
@require_POST
def node_answer(request: AuthedRequest, pk: int, code: str, request_pk: int) -> HttpResponse:
    contribution = _contribution(request, pk, code)
    _refuse_unless(may_send_contribution(request.user, contribution))
    found = NodeRequest.objects.filter(pk=request_pk, contribution=contribution).first()
    if found is None:
        raise Http404
    found.contribution = contribution
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.request_answer(
                actor=request.user, request=found, answer=form.cleaned_data["answer"]
            )
        except NationalSelfError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, gettext("Hãy ghi nội dung trả lời."))
    return _back(contribution.assessment, code)


@login_required
@require_POST
def node_review(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    assessment = national_self_for(request.user, pk, write=True)
    leaf = _leaf(assessment, code)
    contribution = national_node_for(request.user, assessment, code)
    form = ReviewForm(request.POST, node=leaf)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(assessment, code)
    data = form.cleaned_data
    try:
        if contribution is None:
            # A leaf nobody provides (a figure Home Affairs holds itself): its row, unassigned
            # (refused for a survey leaf, which the Ministry scores, and once the package is sent).
            contribution = assignment_set(
                actor=request.user, assessment=assessment, node_codes=[code], lead=None
            )[0]
        contribution.assessment = assessment
        if data["action"] == "return":
            services.contribution_return(
                actor=request.user,
                contribution=contribution,
                question=data["question"],
                deadline=data["deadline"],
            )
        elif data["action"] == "accept":
            services.contribution_accept(
                actor=request.user,
                contribution=contribution,
                values=form.values(),
                explanation_accepted=data["explanation_accepted"],
                note=data["note"],
                reason=data["reason"],
            )
        else:
            services.contribution_consolidate(
                actor=request.user,
                contribution=contribution,
                values=form.values(),
                explanation_accepted=data["explanation_accepted"],
                note=data["note"],
                reason=data["reason"],
            )
    except NationalSelfError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, gettext("Đã cập nhật tiêu chí %(code)s.") % {"code": code})
    return _back(assessment, code)


@login_required
def evidence(request: AuthedRequest, pk: int) -> FileResponse:
    document = national_evidence_for(request.user, pk)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=document.content_type not in INLINE_TYPES,
        filename=document.original_name,
        content_type=document.content_type,
    )
