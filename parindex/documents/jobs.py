"""Documents as background jobs: each reads its parameters, gathers through the selectors and
returns a Word file. The page that starts a job asked the policy; the policy asks again just
before the job runs (`policy.job_may_run`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from parindex.assessments.models import Assessment
from parindex.documents import builders
from parindex.jobs.models import Job
from parindex.jobs.runner import Progress, job
from parindex.periods.models import AssessmentPeriod, UnitGroup
from parindex.results import selectors as results
from parindex.tasks.models import Task, TaskStatus
from parindex.units.models import Unit

DECISION_JOB = "documents.decision"
REPORT_JOB = "documents.report"
PLAN_JOB = "documents.plan"
SELF_REPORT_JOB = "documents.self_report"
UNIT_REPORT_JOB = "documents.unit_report"
NATIONAL_JOB = "documents.national"

DOCX = "docx"


def _period(task: Job) -> AssessmentPeriod:
    return AssessmentPeriod.objects.get(pk=task.params["period"])


def _standings(period: AssessmentPeriod, progress: Progress) -> list[Any]:
    groups = results.period_groups(period)
    standings = []
    for done, group in enumerate(groups):
        progress(done, len(groups) + 1, gettext("Đang tính nhóm %(group)s") % {"group": group.name})
        standings.append(results.group_standing(group))
    progress(len(groups), len(groups) + 1, gettext("Đang ghi văn bản"))
    return standings


@job(DECISION_JOB)
def decision_job(task: Job, progress: Progress) -> tuple[str, bytes]:
    period = _period(task)
    data = builders.decision_docx(period, _standings(period, progress))
    return f"quyet-dinh-cong-bo-chi-so-cchc-{period.year}.{DOCX}", data


@job(REPORT_JOB)
def report_job(task: Job, progress: Progress) -> tuple[str, bytes]:
    period = _period(task)
    standings = _standings(period, progress)
    text = task.params.get("text") or builders.report_text(standings)
    return f"bao-cao-ket-qua-chi-so-cchc-{period.year}.{DOCX}", builders.report_docx(
        period, standings, text
    )


@job(PLAN_JOB)
def plan_job(task: Job, progress: Progress) -> tuple[str, bytes]:
    period = _period(task)
    tasks = list(
        Task.objects.filter(period=period)
        .exclude(status=TaskStatus.CANCELLED)
        .select_related("unit")
        .order_by("unit__name", "deadline", "id")
    )
    progress(0, 1, gettext("Đang ghi văn bản"))
    return f"ke-hoach-khac-phuc-chi-so-cchc-{period.year}.{DOCX}", builders.plan_docx(period, tasks)


@job(SELF_REPORT_JOB)
def self_report_job(task: Job, progress: Progress) -> tuple[str, bytes]:
    assessment = Assessment.objects.select_related("unit", "period", "group__framework").get(
        pk=task.params["assessment"]
    )
    progress(0, 1, gettext("Đang ghi văn bản"))
    params = task.params
    data = builders.self_report_docx(
        assessment,
        summary=params.get("summary") or builders.self_report_defaults(assessment),
        difficulties=params.get("difficulties", ""),
        proposals=params.get("proposals", ""),
    )
    return (
        f"bao-cao-tu-danh-gia-{assessment.period.year}-{assessment.unit.code}.{DOCX}",
        data,
    )


@job(UNIT_REPORT_JOB)
def unit_report_job(task: Job, progress: Progress) -> tuple[str, bytes]:
    from parindex.documents.narrative import unit_narrative

    group = UnitGroup.objects.select_related("period", "framework").get(pk=task.params["group"])
    unit = Unit.objects.get(pk=task.params["unit"])
    card = results.scorecard_for(group, unit, bool(task.params.get("show_previous")))
    if card is None:
        raise ValueError(gettext("Đơn vị chưa có kết quả trong nhóm này."))
    progress(0, 1, gettext("Đang ghi văn bản"))
    text = task.params.get("text") or unit_narrative(card)
    return (
        f"ket-qua-chi-so-cchc-{group.period.year}-{unit.code}.{DOCX}",
        builders.unit_report_docx(card, text),
    )


@job(NATIONAL_JOB)
def national_job(task: Job, progress: Progress) -> tuple[str, bytes]:
    from parindex.documents.national import national_page_data

    params = task.params
    progress(0, 1, gettext("Đang ghi văn bản"))
    page = national_page_data(
        table_pk=params["table"],
        year=params["year"],
        compare_to=params.get("compare_to"),
        unit=params["unit"],
        region=params.get("region", ""),
    )
    text = params.get("text") or page.narrative
    data = builders.national_docx(
        page.table,
        page.report,
        text,
        years_png=page.years_chart("png"),  # type: ignore[arg-type]
        areas_png=page.areas_chart("png"),  # type: ignore[arg-type]
    )
    return f"phan-tich-par-index-{page.report.year}.{DOCX}", data
