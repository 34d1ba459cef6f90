"""Document pages: the province's documents of a period (the decision announcing the results,
the results report with its written analysis, the improvement plan from the tasks), a unit's
self-assessment report and a unit's results report. Each written analysis is shown prefilled
from the data, edited, then made into a Word file by a job."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from parindex.documents import builders
from parindex.documents.forms import NarrativeForm, SelfReportForm
from parindex.documents.jobs import (
    DECISION_JOB,
    PLAN_JOB,
    REPORT_JOB,
    SELF_REPORT_JOB,
    UNIT_REPORT_JOB,
)
from parindex.documents.narrative import unit_narrative
from parindex.jobs.runner import submit
from parindex.periods.models import AssessmentPeriod
from parindex.policy import (
    assessment_for,
    may_draft_self_report,
    may_view_previous_year,
    require,
    result_group_for,
    result_period_for,
    visible_result_periods,
)
from parindex.results import selectors as results
from parindex.tasks.models import Task, TaskStatus
from parindex.units.models import Unit
from parindex.web.http import AuthedRequest


def _period(request: AuthedRequest, pk: int) -> AssessmentPeriod:
    require(request.user, "documents.province")
    return result_period_for(request.user, pk)


def _start(request: AuthedRequest, kind: str, title: str, params: dict[str, Any]) -> HttpResponse:
    job = submit(kind=kind, title=title, params=params, user=request.user)
    return redirect("jobs:detail", pk=job.pk)


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    require(request.user, "documents.province")
    periods = visible_result_periods(
        request.user, list(AssessmentPeriod.objects.prefetch_related("groups"))
    )
    counts = {
        period.pk: Task.objects.filter(period=period).exclude(status=TaskStatus.CANCELLED).count()
        for period in periods
    }
    return render(
        request,
        "documents/index.html",
        {"periods": [(period, counts[period.pk]) for period in periods]},
    )


@login_required
@require_POST
def decision(request: AuthedRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    return _start(
        request,
        DECISION_JOB,
        gettext("Quyết định công bố kết quả Chỉ số CCHC năm %(year)s (Word)")
        % {"year": period.year},
        {"period": period.pk},
    )


@login_required
@require_POST
def plan(request: AuthedRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    return _start(
        request,
        PLAN_JOB,
        gettext("Kế hoạch khắc phục sau kết quả năm %(year)s (Word)") % {"year": period.year},
        {"period": period.pk},
    )


@login_required
def report(request: AuthedRequest, pk: int) -> HttpResponse:
    """The results report: its written analysis prefilled from the results, edited, exported."""
    period = _period(request, pk)
    form = NarrativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _start(
            request,
            REPORT_JOB,
            gettext("Báo cáo kết quả Chỉ số CCHC năm %(year)s (Word)") % {"year": period.year},
            {"period": period.pk, "text": form.cleaned_data["text"]},
        )
    if not form.is_bound:
        standings = [results.group_standing(group) for group in results.period_groups(period)]
        form = NarrativeForm(initial={"text": builders.report_text(standings)})
    return render(
        request,
        "documents/narrative.html",
        {
            "form": form,
            "title": gettext("Báo cáo kết quả Chỉ số CCHC năm %(year)s") % {"year": period.year},
            "hint": gettext(
                "Văn bản gồm phần phân tích dưới đây, biểu đồ và bảng xếp hạng của từng nhóm."
            ),
        },
    )


@login_required
def self_report(request: AuthedRequest, pk: int) -> HttpResponse:
    """A unit's self-assessment report: the summary from its entries, its difficulties and
    proposals typed here; the score table and the explanations come from the entries."""
    assessment = assessment_for(request.user, pk)
    if not may_draft_self_report(request.user, assessment):
        raise PermissionDenied
    form = SelfReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _start(
            request,
            SELF_REPORT_JOB,
            gettext("Báo cáo tự đánh giá năm %(year)s của %(unit)s (Word)")
            % {"year": assessment.period.year, "unit": assessment.unit.name},
            {"assessment": assessment.pk, **form.cleaned_data},
        )
    if not form.is_bound:
        form = SelfReportForm(initial={"summary": builders.self_report_defaults(assessment)})
    return render(
        request,
        "documents/self_report.html",
        {"form": form, "assessment": assessment},
    )


@login_required
def unit_report(request: AuthedRequest, pk: int, unit_pk: int) -> HttpResponse:
    """A unit's results: the written analysis of its scorecard, edited, exported."""
    group = result_group_for(request.user, pk)
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None:
        raise Http404
    show_previous = may_view_previous_year(request.user, group.period)
    form = NarrativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _start(
            request,
            UNIT_REPORT_JOB,
            gettext("Kết quả Chỉ số CCHC năm %(year)s của %(unit)s (Word)")
            % {"year": group.period.year, "unit": unit.name},
            {
                "group": group.pk,
                "unit": unit.pk,
                "show_previous": show_previous,
                "text": form.cleaned_data["text"],
            },
        )
    card = results.scorecard_for(group, unit, show_previous)
    if card is None:
        raise Http404
    if not form.is_bound:
        form = NarrativeForm(initial={"text": unit_narrative(card)})
    return render(
        request,
        "documents/narrative.html",
        {
            "form": form,
            "title": gettext("Kết quả Chỉ số CCHC năm %(year)s của %(unit)s")
            % {"year": group.period.year, "unit": unit.name},
            "hint": gettext("Văn bản gồm phần nhận xét dưới đây và bảng điểm theo lĩnh vực."),
        },
    )
