"""The national self-assessment from the package on: the submission package (a job), sending it
(which locks the year), the Ministry's appraised result, self vs appraised with the points lost,
quick wins, tasks in one click and the national plan from the appraised areas, and the
pre-survey's estimate of the survey-based points."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from parindex.jobs.runner import submit
from parindex.national import NationalReportError
from parindex.nationaldata.models import NationalTable
from parindex.nationaldata.selectors import table_results
from parindex.nationalself import selectors
from parindex.nationalself.comparison import Comparison, comparison
from parindex.nationalself.errors import NationalSelfError
from parindex.nationalself.estimate import survey_estimate
from parindex.nationalself.forms import (
    AppraisedFileForm,
    AppraisedTableForm,
    PackageForm,
    SendForm,
    SurveyLinkForm,
    TargetForm,
)
from parindex.nationalself.importer import AppraisedImportError
from parindex.nationalself.jobs import PACKAGE_JOB
from parindex.nationalself.models import NationalSelfAssessment
from parindex.nationalself.services.appraised import (
    appraised_from_table,
    appraised_import,
    gap_task_create,
)
from parindex.nationalself.services.package import package_send
from parindex.nationalself.services.setup import survey_link
from parindex.planning import PlanningError, national_plan
from parindex.policy import can, national_package_for, national_self_for, require
from parindex.questionnaires.models import Survey
from parindex.web.http import AuthedRequest


def _provincial(request: AuthedRequest, pk: int, *, write: bool = False) -> NationalSelfAssessment:
    require(request.user, "nationalself.view_all")
    return national_self_for(request.user, pk, write=write)


# --- the package -----------------------------------------------------------------------------


@login_required
def package(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = _provincial(request, pk)
    manage = can(request.user, "nationalself.manage")
    form = PackageForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "nationalself.manage")
        if form.is_valid():
            if assessment.is_sent and not form.cleaned_data["reason"].strip():
                form.add_error("reason", gettext("Hồ sơ đã gửi: lập lại cần nêu lý do."))
            else:
                job = submit(
                    kind=PACKAGE_JOB,
                    title=gettext("Bộ hồ sơ Chỉ số CCHC cấp tỉnh năm %(year)s")
                    % {"year": assessment.year},
                    params={
                        "assessment": assessment.pk,
                        "proposals": form.cleaned_data["proposals"],
                        "reason": form.cleaned_data["reason"],
                    },
                    user=request.user,
                )
                return redirect("jobs:detail", pk=job.pk)
    packages = list(assessment.packages.select_related("created_by", "sent_by"))
    result = selectors.self_result(assessment)
    return render(
        request,
        "nationalself/package.html",
        {
            "assessment": assessment,
            "packages": packages,
            "latest": packages[0] if packages else None,
            "form": form if manage else None,
            "send_form": SendForm() if manage and packages else None,
            "result": result,
            "manage": manage,
        },
    )


@login_required
def package_file(request: AuthedRequest, pk: int, kind: str) -> FileResponse:
    found = national_package_for(request.user, pk)
    if kind == "report":
        return FileResponse(found.report.open("rb"), as_attachment=True, filename=found.report_name)
    if kind == "archive":
        return FileResponse(
            found.archive.open("rb"), as_attachment=True, filename=found.archive_name
        )
    raise Http404


@login_required
@require_POST
def package_send_view(request: AuthedRequest, pk: int) -> HttpResponse:
    found = national_package_for(request.user, pk)
    national_self_for(request.user, found.assessment_id, write=True)
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            package_send(
                actor=request.user,
                package=found,
                dispatch_number=form.cleaned_data["dispatch_number"],
                reason=form.cleaned_data["reason"],
            )
        except NationalSelfError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                gettext("Đã ghi nhận gửi Bộ Nội vụ; hồ sơ năm %(year)s được khóa.")
                % {"year": found.assessment.year},
            )
    return redirect("nationalself:package", pk=found.assessment_id)


# --- the Ministry's result ---------------------------------------------------------------------


def _tables_of(year: int) -> Any:
    """The imported national tables that hold `year`, newest first (a JSON list: read here,
    not by a lookup SQLite lacks)."""
    ids = [pk for pk, years in NationalTable.objects.values_list("pk", "years") if year in years]
    return NationalTable.objects.filter(pk__in=ids)


@login_required
def appraised(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = _provincial(request, pk, write=True)
    tables = _tables_of(assessment.year)
    if not tables.exists():
        tables = NationalTable.objects.all()
    file_form = AppraisedFileForm()
    table_form = AppraisedTableForm(tables=tables)
    problems: list[str] = []
    if request.method == "POST" and "table" in request.POST:
        table_form = AppraisedTableForm(request.POST, tables=tables)
        if table_form.is_valid():
            try:
                appraised_from_table(
                    actor=request.user,
                    assessment=assessment,
                    table=table_form.cleaned_data["table"],
                )
            except NationalSelfError as error:
                problems = [str(error)]
            else:
                return redirect("nationalself:compare", pk=assessment.pk)
    elif request.method == "POST":
        file_form = AppraisedFileForm(request.POST, request.FILES)
        if file_form.is_valid():
            upload = file_form.cleaned_data["file"]
            try:
                appraised_import(
                    actor=request.user,
                    assessment=assessment,
                    name=upload.name,
                    data=upload.read(),
                    source=file_form.cleaned_data["source"],
                    is_example=file_form.cleaned_data["is_example"],
                )
            except AppraisedImportError as error:
                problems = error.problems
            except NationalSelfError as error:
                problems = [str(error)]
            else:
                return redirect("nationalself:compare", pk=assessment.pk)
    return render(
        request,
        "nationalself/appraised.html",
        {
            "assessment": assessment,
            "file_form": file_form,
            "table_form": table_form,
            "problems": problems,
            "results": list(assessment.appraised_results.select_related("imported_by")),
        },
    )


def _plan(
    assessment: NationalSelfAssessment, compared: Comparison, target: int | None
) -> tuple[Any, str, NationalTable | None]:
    """The national plan of the year from the appraised areas, on the newest table of the
    year; (plan, error, table)."""
    table = compared.result.table or _tables_of(assessment.year).first()
    if target is None:
        return None, "", table
    if table is None:
        return (
            None,
            gettext("Chưa nhập bảng kết quả năm %(year)s của Bộ Nội vụ.")
            % {"year": assessment.year},
            None,
        )
    try:
        plan = national_plan(
            table_results(table),
            assessment.year,
            assessment.national_name,
            target,
            areas=compared.appraised_areas(),
        )
    except (PlanningError, NationalReportError) as error:
        return None, str(error), table
    return plan, "", table


@login_required
def compare(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = _provincial(request, pk)
    compared = comparison(assessment)
    context: dict[str, Any] = {
        "assessment": assessment,
        "compared": compared,
        "manage": can(request.user, "nationalself.manage"),
        "can_tasks": can(request.user, "tasks.manage"),
    }
    if compared is not None:
        form = TargetForm(request.GET or None)
        target = form.cleaned_data["target"] if form.is_bound and form.is_valid() else None
        plan, plan_error, table = _plan(assessment, compared, target)
        context.update(
            {"target_form": form, "plan": plan, "plan_error": plan_error, "table": table}
        )
    return render(request, "nationalself/compare.html", context)


@login_required
@require_POST
def gap_task(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    assessment = _provincial(request, pk, write=True)
    require(request.user, "tasks.manage")
    compared = comparison(assessment)
    row = next((line for line in compared.leaves if line.code == code), None) if compared else None
    if row is None:
        raise Http404
    try:
        task = gap_task_create(actor=request.user, assessment=assessment, row=row)
    except NationalSelfError as error:
        messages.error(request, str(error))
        return redirect("nationalself:compare", pk=assessment.pk)
    messages.success(
        request,
        gettext("Đã giao việc cho %(unit)s: «%(title)s».")
        % {"unit": task.unit.name, "title": task.title},
    )
    return redirect("tasks:detail", pk=task.pk)


# --- the pre-survey's estimate -------------------------------------------------------------------


@login_required
def estimate(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = _provincial(request, pk)
    manage = can(request.user, "nationalself.manage")
    surveys = Survey.objects.filter(framework=assessment.framework).select_related("period")
    form = SurveyLinkForm(
        request.POST or None, surveys=surveys, initial={"survey": assessment.survey_id}
    )
    if request.method == "POST":
        require(request.user, "nationalself.manage")
        if form.is_valid():
            try:
                survey_link(
                    actor=request.user,
                    assessment=assessment,
                    survey=form.cleaned_data["survey"],
                    reason=form.cleaned_data["reason"],
                )
            except NationalSelfError as error:
                form.add_error(None, str(error))
            else:
                return redirect("nationalself:estimate", pk=assessment.pk)
    return render(
        request,
        "nationalself/estimate.html",
        {
            "assessment": assessment,
            "outcome": survey_estimate(assessment),
            "form": form if manage else None,
            "has_surveys": surveys.exists(),
        },
    )
