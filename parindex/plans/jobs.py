"""Background jobs of the planning pages: a saved plan's Excel export, a group's rank
intervals (Monte Carlo, stored per results version) and the monthly refresh (projections,
early warnings, rank intervals; also `manage.py plans_monthly`).

The pages ask the policy before they submit; the policy checks again before a job runs
(`policy.job_may_run`).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from parindex.jobs.models import Job
from parindex.jobs.runner import Progress, job
from parindex.periods.models import AssessmentPeriod, UnitGroup
from parindex.plans import exports
from parindex.plans.models import Plan
from parindex.plans.services.monitoring import (
    MONTHLY_JOB,
    UNCERTAINTY_JOB,
    plans_monthly,
    uncertainty_compute,
)
from parindex.plans.services.plans import EXCEL_JOB


@job(EXCEL_JOB)
def excel_job(task: Job, progress: Progress) -> tuple[str, bytes]:
    plan = Plan.objects.select_related("unit", "group__period").get(pk=task.params["plan"])
    progress(0, 1, gettext("Đang ghi tệp Excel"))
    data = exports.plan_workbook(
        plan, when=timezone.localtime(), demo=getattr(settings, "DEMO_MODE", False)
    )
    return f"ke-hoach-{plan.unit.code}-{plan.pk}.xlsx", data


@job(UNCERTAINTY_JOB)
def uncertainty_job(task: Job, progress: Progress) -> None:
    group = UnitGroup.objects.select_related("period", "framework").get(pk=task.params["group"])
    progress(0, 1, gettext("Đang mô phỏng Monte Carlo"))
    run = uncertainty_compute(group)
    task.report = {
        "group": group.pk,
        "run": run.pk,
        "units": len(run.units),
        "seconds": run.seconds,
    }
    task.save(update_fields=["report"])


@job(MONTHLY_JOB)
def monthly_job(task: Job, progress: Progress) -> None:
    params = task.params
    period = AssessmentPeriod.objects.filter(pk=params.get("period")).first()
    as_of = datetime.date.fromisoformat(params["as_of"]) if params.get("as_of") else None
    progress(0, 1, gettext("Đang dự báo cuối năm và cập nhật cảnh báo sớm"))
    report = plans_monthly(period=period, as_of=as_of)
    warnings = sum(len(run.warnings) for run in report.runs)
    notified = sum(len(run.notified) for run in report.runs)
    task.report = {
        "period": report.period.pk if report.period else None,
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "groups": len(report.runs),
        "warnings": warnings,
        "notified": notified,
        "problems": report.problems,
    }
    task.save(update_fields=["report"])
    progress(
        1,
        1,
        ngettext(
            "%(count)s cảnh báo sớm; %(notified)s cảnh báo mới đã được thông báo",
            "%(count)s cảnh báo sớm; %(notified)s cảnh báo mới đã được thông báo",
            warnings,
        )
        % {"count": warnings, "notified": notified},
    )
