"""Task pages (giao việc): the list (each unit sees its own), the overdue board, creating a task
(directly, or in one step from an appraisal conclusion or a dossier drill-down row), a task's
page with its progress reports and evidence, Home Affairs' edits, the Excel export and the
daily check as jobs. Permissions: `parindex.policy` (`task_for`, `may_report_progress`, …)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from parindex.assessments.models import Assessment, NodeEntry
from parindex.common.ids import parse_id
from parindex.jobs.runner import submit
from parindex.policy import (
    assessment_for,
    can,
    may_report_progress,
    require,
    task_evidence_for,
    task_for,
    visible_tasks,
    visible_units,
)
from parindex.tasks import selectors, services
from parindex.tasks.forms import ProgressForm, TaskEditForm, TaskFilterForm, TaskForm
from parindex.tasks.jobs import DAILY_JOB, EXCEL_JOB
from parindex.tasks.models import TaskSource, TaskStatus
from parindex.units.models import Unit
from parindex.web.http import AuthedRequest

PAGE_SIZE = 50
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def _filters(request: AuthedRequest) -> tuple[TaskFilterForm, dict[str, Any]]:
    units = visible_units(request.user, Unit.objects.filter(tasks__isnull=False).distinct())
    form = TaskFilterForm(request.GET or None, units=units.order_by("name"))
    values: dict[str, Any] = {"status": "", "source": "", "unit": None, "q": ""}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        values = {
            "status": data["status"],
            "source": data["source"],
            "unit": data["unit"].pk if data["unit"] else None,
            "q": data["q"],
        }
    return form, values


@login_required
def task_list(request: AuthedRequest) -> HttpResponse:
    require(request.user, "tasks.view")
    form, values = _filters(request)
    tasks = selectors.filtered(
        visible_tasks(request.user, selectors.task_queryset()),
        status=values["status"],
        unit=values["unit"],
        source=values["source"],
        text=values["q"],
    ).order_by("deadline", "id")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tasks/list.html",
        {
            "form": form,
            "page": page,
            "tasks": page.object_list,
            "query": request.GET.urlencode(),
            "can_manage": can(request.user, "tasks.manage"),
            "can_board": can(request.user, "tasks.board"),
            "sees_all": can(request.user, "tasks.view_all"),
        },
    )


@login_required
def board(request: AuthedRequest) -> HttpResponse:
    require(request.user, "tasks.board")
    days = services.reminder_days()
    data = selectors.overdue_board(
        visible_tasks(request.user, selectors.task_queryset()),
        today=timezone.localdate(),
        days=days,
    )
    return render(
        request,
        "tasks/board.html",
        {"board": data, "days": days, "can_manage": can(request.user, "tasks.manage")},
    )


# --- creating ----------------------------------------------------------------------------


def _entry_source(request: AuthedRequest, pk: str) -> services.TaskSourceRef:
    entry = (
        NodeEntry.objects.select_related(
            "assessment__unit", "assessment__period", "assessment__group__framework"
        )
        .filter(pk=parse_id(pk) or 0)
        .first()
    )
    if entry is None:
        raise Http404
    assessment_for(request.user, entry.assessment_id)  # 404 for what the user may not see
    return services.source_from_entry(entry)


def _dossier_source(params: Any) -> services.TaskSourceRef:
    unit = Unit.objects.filter(code=params.get("unit_code", "")).first()
    if unit is None:
        raise Http404
    try:
        return services.source_from_dossier_item(
            unit=unit,
            kind=params.get("dossier", ""),
            procedure_code=params.get("procedure", "")[:60],
            text=params.get("text", "")[:1000],
            period_text=params.get("range", "")[:100],
        )
    except services.TaskError as error:
        raise Http404 from error


def _source(request: AuthedRequest, params: Any) -> tuple[str, services.TaskSourceRef | None]:
    """The source named by the page that proposed the task, as a hidden value to post back."""
    if params.get("entry"):
        return f"entry={params['entry']}", _entry_source(request, str(params["entry"]))
    if params.get("dossier"):
        keys = ("dossier", "unit_code", "procedure", "text", "range")
        return urlencode({key: params.get(key, "") for key in keys}), _dossier_source(params)
    return "", None


def _framework_of(unit: Unit) -> Any:
    latest = (
        Assessment.objects.filter(unit=unit)
        .select_related("group__framework")
        .order_by("-period__year")
        .first()
    )
    return latest.group.framework if latest is not None else None


@login_required
def create(request: AuthedRequest) -> HttpResponse:
    require(request.user, "tasks.manage")
    if request.method == "POST":
        hidden = QueryDict(request.POST.get("source", ""))
        encoded, source = _source(request, hidden)
    else:
        encoded, source = _source(request, request.GET)
    units = Unit.objects.filter(valid_to__isnull=True).order_by("name")
    initial: dict[str, Any] = {"source": encoded}
    if source is not None:
        initial.update(
            {
                "title": source.title,
                "description": source.description,
                "unit": source.unit,
                "node_codes": list(source.node_codes),
                "indicator_keys": list(source.indicator_keys),
            }
        )
        units = Unit.objects.filter(pk=source.unit.pk)
    form = TaskForm(request.POST or None, initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if source is not None:
                task = services.task_create_from(
                    source=replace(
                        source,
                        node_codes=tuple(data["node_codes"]) or source.node_codes,
                        indicator_keys=tuple(data["indicator_keys"]) or source.indicator_keys,
                    ),
                    actor=request.user,
                    title=data["title"],
                    description=data["description"],
                    deadline=data["deadline"],
                    priority=data["priority"],
                    assignee=data["assignee"],
                    document_number=data["document_number"],
                    document_date=data["document_date"],
                )
            else:
                unit = data["unit"]
                task = services.task_create(
                    actor=request.user,
                    title=data["title"],
                    description=data["description"],
                    unit=unit,
                    deadline=data["deadline"],
                    priority=data["priority"],
                    assignee=data["assignee"],
                    node_codes=data["node_codes"],
                    indicator_keys=data["indicator_keys"],
                    framework=_framework_of(unit) if data["node_codes"] else None,
                    document_number=data["document_number"],
                    document_date=data["document_date"],
                )
        except services.TaskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, gettext("Đã giao nhiệm vụ cho %(unit)s.") % {"unit": task.unit.name}
            )
            return redirect("tasks:detail", pk=task.pk)
    return render(
        request,
        "tasks/form.html",
        {
            "form": form,
            "source": source,
            "source_label": TaskSource(source.kind).label if source is not None else "",
            "creating": True,
        },
    )


# --- one task --------------------------------------------------------------------------------


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    task = task_for(request.user, pk)
    return render(
        request,
        "tasks/detail.html",
        {
            "task": task,
            "updates": task.updates.select_related("created_by").prefetch_related("documents"),
            "evidence": task.evidence.all(),
            "progress_form": ProgressForm(initial={"progress": task.progress})
            if may_report_progress(request.user, task)
            else None,
            "can_manage": can(request.user, "tasks.manage"),
        },
    )


@login_required
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    task = task_for(request.user, pk, write=True)
    status = task.status if task.status != TaskStatus.OVERDUE else TaskStatus.IN_PROGRESS
    form = TaskEditForm(
        request.POST or None,
        unit=task.unit,
        initial={
            "title": task.title,
            "description": task.description,
            "assignee": task.assignee,
            "document_number": task.document_number,
            "document_date": task.document_date,
            "deadline": task.deadline,
            "priority": task.priority,
            "status": status,
            "version": task.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {
            name: data[name]
            for name in (
                "title",
                "description",
                "assignee",
                "document_number",
                "document_date",
                "deadline",
                "priority",
            )
        }
        if data["status"] != status:
            changes["status"] = data["status"]
        try:
            services.task_edit(
                actor=request.user,
                task=task,
                changes=changes,
                reason=data["reason"],
                expected_version=data["version"],
            )
        except services.TaskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, gettext("Đã lưu nhiệm vụ."))
            return redirect("tasks:detail", pk=task.pk)
    return render(request, "tasks/form.html", {"form": form, "task": task, "creating": False})


@login_required
@require_POST
def progress(request: AuthedRequest, pk: int) -> HttpResponse:
    task = task_for(request.user, pk)
    if not may_report_progress(request.user, task):
        raise PermissionDenied
    form = ProgressForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "; ".join(str(message) for errors in form.errors.values() for message in errors),
        )
        return redirect("tasks:detail", pk=task.pk)
    files = [
        services.UploadedFile(upload.name or "", upload, upload.size)
        for upload in request.FILES.getlist("files")
    ]
    try:
        services.task_report_progress(
            actor=request.user,
            task=task,
            note=form.cleaned_data["note"],
            progress=form.cleaned_data["progress"],
            done=form.cleaned_data["done"],
            files=files,
        )
    except services.TaskError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, gettext("Đã gửi báo cáo tiến độ."))
    return redirect("tasks:detail", pk=task.pk)


@login_required
def evidence(request: AuthedRequest, pk: int) -> FileResponse:
    document = task_evidence_for(request.user, pk)
    inline = document.content_type in INLINE_TYPES
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=not inline,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- jobs ---------------------------------------------------------------------------------------


@login_required
@require_POST
def export(request: AuthedRequest) -> HttpResponse:
    require(request.user, "tasks.view")
    _form, values = _filters(request)
    if not can(request.user, "tasks.view_all"):
        values["unit"] = request.user.unit_id  # unit users export their own unit's tasks
    job = submit(
        kind=EXCEL_JOB,
        title=gettext("Danh sách nhiệm vụ giao việc (Excel)"),
        params=values,
        user=request.user,
    )
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def daily(request: AuthedRequest) -> HttpResponse:
    require(request.user, "tasks.manage")
    job = submit(
        kind=DAILY_JOB,
        title=gettext("Kiểm tra hạn nhiệm vụ: đánh dấu quá hạn, nhắc việc"),
        params={},
        user=request.user,
    )
    return redirect("jobs:detail", pk=job.pk)
