"""Background jobs of the service data, on the project's one job mechanism.

`parindex.jobs.runner` queues them as tasks of Django's tasks API, run by the worker process
(`manage.py jobs_worker`), inside the request in tests, or here and now for the demo
(`dossiers_import_here`); the dossiers app imports this module when Django starts, so every
process knows the kinds. The report is written to `Job.report` by the job itself.
The page that starts a job asks the policy first (`dossiers.manage`).
"""

from __future__ import annotations

from parindex.jobs.models import Job
from parindex.jobs.runner import Progress, job
from parindex.periods.models import AssessmentPeriod

from .push import PUSH_JOB, dossiers_push_run
from .services import APPLY_JOB, IMPORT_JOB, data_apply, dossiers_import_run


@job(IMPORT_JOB)
def import_job(task: Job, progress: Progress) -> None:
    report = dossiers_import_run(task, progress)
    Job.objects.filter(pk=task.pk).update(report=report)


@job(APPLY_JOB)
def apply_job(task: Job, progress: Progress) -> None:
    period = AssessmentPeriod.objects.get(pk=task.params["period"])
    report = data_apply(period=period, actor=task.created_by, progress=progress)
    Job.objects.filter(pk=task.pk).update(report=report.as_json())


@job(PUSH_JOB)
def push_job(task: Job, progress: Progress) -> None:
    """A batch pushed through the REST API (`parindex.dossiers.push`)."""
    report = dossiers_push_run(task, progress)
    Job.objects.filter(pk=task.pk).update(report=report)
