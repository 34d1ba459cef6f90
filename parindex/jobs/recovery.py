"""Jobs a dead worker left behind end failed, never stay "running".

A running job writes a heartbeat every few seconds (`runner._Heartbeat`); when its worker is
killed (a restart, the machine going down, the out-of-memory killer) the heartbeat stops.
`recover_interrupted_jobs` marks failed, with a message saying to run it again:

- a running job whose heartbeat is older than PARINDEX_JOB_STALE_SECONDS;
- a queued or running job whose task the tasks framework recorded as failed (its function
  could not even be started);
- a queued job that never reached the queue (its process died between the commit and the
  enqueue) and is older than the same delay.

A job is not retried automatically: an import or an export half done is safer run again by
the person who asked, who sees the message on the job's page. The worker runs this when it
starts (`manage.py jobs_worker`), the job's page when it is polled, and
`manage.py recover_jobs` on demand. Each update is conditional on the state it read, so a
job that finishes meanwhile keeps its result.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import TaskResultStatus, default_task_backend

from parindex.jobs.models import Job, JobState
from parindex.jobs.runner import interrupted_message

log = logging.getLogger(__name__)


class JobInterrupted(Exception):
    """Recorded on the task of a job whose worker died (django-tasks-db leaves it running)."""


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=float(getattr(settings, "PARINDEX_JOB_STALE_SECONDS", 60)))


def is_stale(job: Job, now: datetime.datetime | None = None) -> bool:
    """Whether a job looks abandoned: running without a recent heartbeat, or queued long ago
    without a task."""
    cutoff = (now or timezone.now()) - stale_after()
    if job.state == JobState.RUNNING:
        beat = job.heartbeat_at or job.started_at
        return beat is None or beat < cutoff
    return job.state == JobState.QUEUED and not job.task_id and job.created_at < cutoff


def _task_failed(task_id: str) -> bool:
    """The task framework's word on a task: failed. A backend that keeps no results (the
    immediate one) or has no record of the task says nothing."""
    if not task_id or not default_task_backend.supports_get_result:
        return False
    try:
        result = default_task_backend.get_result(task_id)
    except Exception:  # unknown id, another backend's id, a pruned result
        return False
    return result.status == TaskResultStatus.FAILED


def _close_task(task_id: str) -> None:
    """django-tasks-db leaves a killed worker's task "running" for ever: record it failed."""
    if not task_id or not default_task_backend.supports_get_result:
        return
    try:
        result = default_task_backend.get_result(task_id)
    except Exception:
        return
    stored = getattr(result, "db_result", None)
    if stored is not None and result.status == TaskResultStatus.RUNNING:
        stored.set_failed(JobInterrupted(interrupted_message()))


def recover_interrupted_jobs(
    job_ids: Iterable[int] | None = None, *, now: datetime.datetime | None = None
) -> list[int]:
    """Mark failed the jobs left behind by a worker that died (see the module's docstring);
    only among `job_ids` if given. Returns the ids of the jobs marked failed."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    unfinished = Job.objects.filter(state__in=(JobState.QUEUED, JobState.RUNNING))
    if job_ids is not None:
        unfinished = unfinished.filter(pk__in=list(job_ids))
    recovered: list[int] = []

    silent = (
        unfinished.filter(state=JobState.RUNNING)
        .annotate(beat=Coalesce("heartbeat_at", "started_at", "created_at"))
        .filter(beat__lt=cutoff)
    )
    for job_id, task_id in silent.values_list("pk", "task_id"):
        marked = Job.objects.filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True),
            pk=job_id,
            state=JobState.RUNNING,
        ).update(state=JobState.FAILED, error=interrupted_message(), finished_at=now)
        if marked:
            recovered.append(job_id)
            _close_task(task_id)

    never_queued = unfinished.filter(state=JobState.QUEUED, task_id="", created_at__lt=cutoff)
    for job_id in never_queued.values_list("pk", flat=True):
        if Job.objects.filter(pk=job_id, state=JobState.QUEUED, task_id="").update(
            state=JobState.FAILED,
            error=gettext("Tác vụ chưa được đưa vào hàng đợi; hãy chạy lại."),
            finished_at=now,
        ):
            recovered.append(job_id)

    for job_id, state, task_id in unfinished.exclude(task_id="").values_list(
        "pk", "state", "task_id"
    ):
        if (
            job_id not in recovered
            and _task_failed(task_id)
            and Job.objects.filter(pk=job_id, state=state).update(
                state=JobState.FAILED, error=interrupted_message(), finished_at=now
            )
        ):
            recovered.append(job_id)

    if recovered:
        log.warning("jobs left by a stopped worker marked failed: %s", recovered)
    return recovered


def sweep_data_leftovers() -> list[str]:
    """What imports killed mid-way left in the data stores: the dossier store's staging folders
    and temporary files (all of them when no import runs, `servicedata.store.Store.sweep`),
    the survey store's temporary files older than an hour. Run when the worker starts (the
    dossier imports run in it); returns the paths removed."""
    from parindex.common.atomic import sweep_leftovers
    from parindex.servicedata.store import Store

    data_dir = Path(settings.DATA_DIR)
    removed = Store(data_dir / "servicedata").sweep()
    removed += sweep_leftovers(data_dir / "surveys")
    for path in removed:
        log.info("removed a leftover of an interrupted import: %s", path)
    return [str(path) for path in removed]
