"""The province's national position (`/national/`): the Ministry's published table imported by
Home Affairs, the province's index, rank, areas, headroom, the written analysis (edited, then
exported to Word), charts against the national and regional averages, and the national plan
for a target rank. The province is `PARINDEX_PROVINCE_NAME`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from parindex.common.svg import data_uri
from parindex.documents.forms import NarrativeForm
from parindex.documents.jobs import NATIONAL_JOB
from parindex.documents.national import national_page_data
from parindex.jobs.runner import submit
from parindex.national import NationalReportError, ResultsImportError
from parindex.nationaldata import selectors
from parindex.nationaldata.forms import NationalTableForm, NationalViewForm
from parindex.nationaldata.models import NationalTable
from parindex.nationaldata.services import national_table_import
from parindex.planning import PlanningError, national_plan
from parindex.policy import can, require
from parindex.web.http import AuthedRequest, query_id


def _province() -> str:
    return str(getattr(settings, "PARINDEX_PROVINCE_NAME", "") or "")


def _region() -> str:
    return str(getattr(settings, "PARINDEX_PROVINCE_REGION", "") or "")


def _table(request: AuthedRequest) -> NationalTable | None:
    wanted = query_id(request.GET, "table") or query_id(request.POST, "table")
    if wanted is not None:
        table = NationalTable.objects.filter(pk=wanted).first()
        if table is not None:
            return table
    return selectors.latest_table()


def _choices(request: AuthedRequest, years: list[int]) -> tuple[int, int | None, int | None]:
    form = NationalViewForm(request.GET or None, years=years)
    latest = max(years)
    year, compare, target = latest, None, None
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"] or latest
        compare = form.cleaned_data["compare"] or None
        target = form.cleaned_data["target"]
    if not (form.is_bound and "compare" in request.GET):
        earlier = [each for each in years if each < year]
        compare = max(earlier) if earlier else None
    if compare == year:
        compare = None
    return year, compare, target


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    require(request.user, "national.view")
    context: dict[str, Any] = {
        "province": _province(),
        "tables": selectors.tables(),
        "can_manage": can(request.user, "national.manage"),
    }
    table = _table(request)
    context["table"] = table
    if table is None or not _province():
        return render(request, "nationaldata/index.html", context)
    year, compare, target = _choices(request, list(table.years))
    try:
        page = national_page_data(
            table_pk=table.pk, year=year, compare_to=compare, unit=_province(), region=_region()
        )
    except NationalReportError as error:
        context["error"] = str(error)
        return render(request, "nationaldata/index.html", context)
    plan = None
    plan_error = ""
    if target is not None:
        try:
            plan = national_plan(page.results, year, page.report.unit, target)
        except (PlanningError, NationalReportError) as error:
            plan_error = str(error)
    context.update(
        {
            "page": page,
            "report": page.report,
            "year": year,
            "compare": compare,
            "target": target,
            "years": sorted(table.years, reverse=True),
            "form": NarrativeForm(initial={"text": page.narrative}),
            "years_chart": data_uri(str(page.years_chart())),
            "areas_chart": data_uri(str(page.areas_chart())),
            "area_national": page.area_national,
            "plan": plan,
            "plan_error": plan_error,
            "rank_fall": -(page.report.rank_change or 0),
        }
    )
    return render(request, "nationaldata/index.html", context)


@login_required
def upload(request: AuthedRequest) -> HttpResponse:
    require(request.user, "national.manage")
    form = NationalTableForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            table = national_table_import(
                actor=request.user,
                name=upload_file.name,
                data=upload_file.read(),
                source=form.cleaned_data["source"],
                is_example=form.cleaned_data["is_example"],
            )
        except ResultsImportError as error:
            problems = [str(problem) for problem in error.problems]
        else:
            messages.success(
                request,
                gettext("Đã nhập bảng «%(name)s» (%(years)s).")
                % {"name": table.name, "years": ", ".join(str(y) for y in table.years)},
            )
            return redirect(f"{reverse('national:index')}?table={table.pk}")
    return render(
        request,
        "nationaldata/upload.html",
        {"form": form, "problems": problems, "tables": selectors.tables()},
    )


@login_required
@require_POST
def report_docx(request: AuthedRequest) -> HttpResponse:
    """The analysis as it was edited on the page, with its tables and charts, as a Word file."""
    require(request.user, "national.view")
    table = _table(request)
    form = NarrativeForm(request.POST)
    year = query_id(request.POST, "year")
    compare = query_id(request.POST, "compare")
    if table is None or not _province() or year is None or not form.is_valid():
        messages.error(request, gettext("Không lập được văn bản: thiếu bảng, năm hoặc nội dung."))
        return redirect("national:index")
    job = submit(
        kind=NATIONAL_JOB,
        title=gettext("Phân tích Chỉ số CCHC cấp tỉnh năm %(year)s (Word)") % {"year": year},
        params={
            "table": table.pk,
            "year": year,
            "compare_to": compare,
            "unit": _province(),
            "region": _region(),
            "text": form.cleaned_data["text"],
        },
        user=request.user,
    )
    return redirect("jobs:detail", pk=job.pk)
