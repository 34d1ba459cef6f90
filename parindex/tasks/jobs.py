"""Background jobs of the tasks: the Excel export, and the daily check (overdue, reminders).

The page that starts the export asks the policy first and passes the rows the requester may
see (all, or one unit's) in the job's parameters; the policy checks again before the job runs
(`policy.job_may_run`).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from parindex.jobs.models import Job
from parindex.jobs.runner import Progress, job
from parindex.tasks import exports, selectors, services

EXCEL_JOB = "tasks.excel"
DAILY_JOB = "tasks.daily"


@job(EXCEL_JOB)
def excel_job(task: Job, progress: Progress) -> tuple[str, bytes]:
    params = task.params
    rows = selectors.filtered(
        selectors.task_queryset(),
        status=params.get("status", ""),
        unit=params.get("unit"),
        source=params.get("source", ""),
        text=params.get("q", ""),
    ).order_by("deadline", "unit__name", "id")
    progress(0, 1, gettext("Đang ghi tệp Excel"))
    data = exports.tasks_workbook(
        rows, when=timezone.localtime(), demo=getattr(settings, "DEMO_MODE", False)
    )
    return f"giao-viec-{timezone.localdate():%Y%m%d}.xlsx", data


@job(DAILY_JOB)
def daily_job(task: Job, progress: Progress) -> None:
    report = services.tasks_daily()
    task.report = {"overdue": list(report.overdue), "reminded": list(report.reminded)}
    task.save(update_fields=["report"])
    progress(
        1,
        1,
        ngettext(
            "%(overdue)s nhiệm vụ chuyển quá hạn; đã nhắc %(reminded)s nhiệm vụ sắp đến hạn",
            "%(overdue)s nhiệm vụ chuyển quá hạn; đã nhắc %(reminded)s nhiệm vụ sắp đến hạn",
            len(report.overdue),
        )
        % {"overdue": len(report.overdue), "reminded": len(report.reminded)},
    )
