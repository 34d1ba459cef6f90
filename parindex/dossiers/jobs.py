"""Background jobs of the service data, on the project's one job mechanism.

`parindex.jobs.runner` runs them in a thread of the web server by default, inside the request
in tests, or on a Celery worker (`PARINDEX_JOB_RUNNER=celery`); the dossiers app imports this
module when Django starts, so every runner knows the kinds. The report is written to
`Job.report` by the job itself (the runner reloads the job after the function returns).
The user's right is checked again here: a worker may run the job long after the request.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from parindex.accounts.access import can
from parindex.jobs.models import Job
from parindex.jobs.runner import Progress, job
from parindex.periods.models import AssessmentPeriod

from .services import APPLY_JOB, IMPORT_JOB, data_apply, dossiers_import_run


def _check(task: Job) -> None:
    if not can(task.created_by, "dossiers.manage"):
        raise PermissionDenied("Người yêu cầu không còn quyền nhập số liệu hồ sơ.")


@job(IMPORT_JOB)
def import_job(task: Job, progress: Progress) -> None:
    _check(task)
    report = dossiers_import_run(task, progress)
    Job.objects.filter(pk=task.pk).update(report=report)


@job(APPLY_JOB)
def apply_job(task: Job, progress: Progress) -> None:
    _check(task)
    period = AssessmentPeriod.objects.get(pk=task.params["period"])
    report = data_apply(period=period, actor=task.created_by, progress=progress)
    Job.objects.filter(pk=task.pk).update(report=report.as_json())
