"""The national self-assessment's pages (docs/national-self-assessment.md): the years, a year's
sheet (the framework with the province's self-score, each leaf's department and state), the
progress board, and Home Affairs' set-up pages (the year, assignments, the checklist).
A leaf's own page is `views_node.py`; the package, the Ministry's result, the comparison and
the pre-survey's estimate are `views_after.py`. Permissions: `parindex.policy`
(`national_self_for`, `national_node_codes`, …)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from parindex.nationalself import selectors
from parindex.nationalself.errors import NationalSelfError
from parindex.nationalself.forms import AssignForm, ChecklistForm, CreateForm, EditForm
from parindex.nationalself.models import ChecklistItem, NationalSelfAssessment
from parindex.nationalself.services.daily import national_self_daily
from parindex.nationalself.services.setup import (
    assignment_set,
    checklist_add,
    checklist_remove,
    national_self_create,
    national_self_update,
)
from parindex.policy import (
    can,
    national_node_codes,
    national_self_for,
    require,
    visible_national_selves,
)
from parindex.units.models import Unit, UnitLevel
from parindex.web.http import AuthedRequest


def _departments() -> Any:
    """The units that may lead or support a sub-criterion: the province's active departments
    and other units (communes may hold figures too)."""
    return (
        Unit.objects.filter(valid_to__isnull=True)
        .select_related("unit_type")
        .order_by("unit_type__position", "name")
    )


def _leaf_choices(assessment: NationalSelfAssessment) -> list[tuple[str, str]]:
    engine = selectors.assessment_engine(assessment)
    return [
        (node.code, f"{node.code}. {node.title}")
        for node in engine.leaves()
        if selectors.assignable(node)
    ]


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    require(request.user, "nationalself.view")
    assessments = visible_national_selves(
        request.user, NationalSelfAssessment.objects.select_related("framework", "province")
    )
    return render(
        request,
        "nationalself/index.html",
        {
            "assessments": list(assessments),
            "can_manage": can(request.user, "nationalself.manage"),
        },
    )


@login_required
def create(request: AuthedRequest) -> HttpResponse:
    require(request.user, "nationalself.manage")
    provinces = Unit.objects.filter(
        unit_type__level=UnitLevel.PROVINCE, parent__isnull=True, valid_to__isnull=True
    ).order_by("name")
    form = CreateForm(
        request.POST or None,
        frameworks=selectors.national_frameworks(),
        provinces=provinces,
        initial={
            "year": timezone.localdate().year,
            "national_name": getattr(settings, "PARINDEX_PROVINCE_NAME", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = national_self_create(
                actor=request.user,
                year=data["year"],
                framework=data["framework"],
                province=data["province"],
                ministry_deadline=data["ministry_deadline"],
                national_name=data["national_name"],
                name=data["name"],
            )
        except NationalSelfError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, gettext("Đã tạo hồ sơ năm %(year)s.") % {"year": assessment.year}
            )
            return redirect("nationalself:assignments", pk=assessment.pk)
    return render(
        request,
        "nationalself/form.html",
        {"form": form, "title": gettext("Tự đánh giá Chỉ số CCHC cấp tỉnh: năm mới")},
    )


@login_required
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = national_self_for(request.user, pk, write=True)
    form = EditForm(
        request.POST or None,
        initial={
            "name": assessment.name,
            "national_name": assessment.national_name,
            "ministry_deadline": assessment.ministry_deadline,
            "note": assessment.note,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            national_self_update(actor=request.user, assessment=assessment, reason=reason, **data)
        except NationalSelfError as error:
            form.add_error(None, str(error))
        else:
            return redirect("nationalself:detail", pk=assessment.pk)
    return render(
        request,
        "nationalself/form.html",
        {"form": form, "assessment": assessment, "title": gettext("Sửa thông tin chung")},
    )


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = national_self_for(request.user, pk)
    codes = national_node_codes(request.user, assessment)
    today = timezone.localdate()
    result, rows = selectors.sheet(assessment, visible=codes, today=today)
    engine = selectors.assessment_engine(assessment)
    mine = [row for row in rows if row.node.is_leaf and codes is not None]
    return render(
        request,
        "nationalself/detail.html",
        {
            "assessment": assessment,
            "engine": engine,
            "result": result,
            "rows": rows,
            "mine": mine,
            "sees_all": codes is None,
            "can_manage": can(request.user, "nationalself.manage"),
            "example": assessment.is_example or "VÍ DỤ" in engine.info.name,
            "unit_id": request.user.unit_id,
        },
    )


@login_required
def board(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request.user, "nationalself.view_all")
    assessment = national_self_for(request.user, pk)
    return render(
        request,
        "nationalself/board.html",
        {
            "assessment": assessment,
            "board": selectors.progress_board(assessment, timezone.localdate()),
            "can_manage": can(request.user, "nationalself.manage"),
        },
    )


@login_required
def assignments(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = national_self_for(request.user, pk, write=True)
    form = AssignForm(request.POST or None, codes=_leaf_choices(assessment), units=_departments())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = assignment_set(
                actor=request.user,
                assessment=assessment,
                node_codes=data["codes"],
                lead=data["lead"],
                supporting=data["supporting"],
                deadline=data["deadline"],
                reason=data["reason"],
            )
        except NationalSelfError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                gettext("Đã phân công %(count)s tiêu chí thành phần.") % {"count": len(saved)},
            )
            return redirect("nationalself:assignments", pk=assessment.pk)
    engine = selectors.assessment_engine(assessment)
    rows = selectors.contribution_map(assessment)
    today = timezone.localdate()
    leaves = [
        {
            "node": node,
            "row": rows.get(node.code),
            "late": node.code in rows and selectors.is_late(rows[node.code], today),
        }
        for node in engine.leaves()
        if selectors.assignable(node)
    ]
    return render(
        request,
        "nationalself/assignments.html",
        {"assessment": assessment, "form": form, "leaves": leaves},
    )


@login_required
def checklist(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = national_self_for(request.user, pk, write=True)
    form = ChecklistForm(request.POST or None, codes=_leaf_choices(assessment))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            checklist_add(
                actor=request.user,
                assessment=assessment,
                node_code=data["node_code"],
                title=data["title"],
                required=data["required"],
                reason=data["reason"],
            )
        except NationalSelfError as error:
            form.add_error(None, str(error))
        else:
            return redirect("nationalself:checklist", pk=assessment.pk)
    engine = selectors.assessment_engine(assessment)
    items: dict[str, list[ChecklistItem]] = {}
    for item in assessment.checklist.all():
        items.setdefault(item.node_code, []).append(item)
    leaves = [
        {"node": node, "items": items.get(node.code, [])}
        for node in engine.leaves()
        if selectors.assignable(node)
    ]
    return render(
        request,
        "nationalself/checklist.html",
        {"assessment": assessment, "form": form, "leaves": leaves},
    )


@login_required
@require_POST
def checklist_delete(request: AuthedRequest, pk: int, item: int) -> HttpResponse:
    assessment = national_self_for(request.user, pk, write=True)
    found = get_object_or_404(ChecklistItem, pk=item, assessment=assessment)
    try:
        checklist_remove(actor=request.user, item=found, reason=request.POST.get("reason", ""))
    except NationalSelfError as error:
        messages.error(request, str(error))
    return redirect("nationalself:checklist", pk=assessment.pk)


@login_required
@require_POST
def remind(request: AuthedRequest, pk: int) -> HttpResponse:
    """The daily check now: reminders before deadlines, notices of lateness (once each)."""
    assessment = national_self_for(request.user, pk, write=True)
    report = national_self_daily(assessment=assessment)
    messages.success(
        request,
        gettext("Đã nhắc %(reminded)s tiêu chí sắp đến hạn, báo %(late)s tiêu chí quá hạn.")
        % {"reminded": len(report.reminded), "late": len(report.late)},
    )
    return redirect("nationalself:board", pk=assessment.pk)
