"""Running jobs: one registry of job functions, one switch for how they run.

PARINDEX_JOB_RUNNER = "thread" (default): an in-process thread pool of the web
server — no extra service, right for a province's intranet server.
PARINDEX_JOB_RUNNER = "immediate": run inside the request (tests, the CLI).
PARINDEX_JOB_RUNNER = "celery": hand the job id to a Celery worker
(`parindex.jobs.celery_app`, broker in PARINDEX_CELERY_BROKER, e.g. Redis).

A job function receives the `Job` and a `progress(done, total, message)` callback,
and returns the result as (file name, bytes) or None; it may set `job.report`.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import close_old_connections, connection
from django.utils import timezone

from parindex.jobs.models import Job, JobState

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
JobFunction = Callable[[Job, Progress], "tuple[str, bytes] | None"]

REGISTRY: dict[str, JobFunction] = {}
_pool: ThreadPoolExecutor | None = None

# Asked before a job runs, possibly long after it was queued: raises PermissionDenied when
# its requester may no longer have it done. The policy installs it (`parindex.policy.
# job_may_run`, wired by the web app at start-up), so the decision stays there while this
# runner sits below the apps.
RunCheck = Callable[[Job], None]
_run_check: RunCheck | None = None


def set_run_check(check: RunCheck | None) -> None:
    global _run_check
    _run_check = check


def job(kind: str) -> Callable[[JobFunction], JobFunction]:
    """Register a job function under `kind`."""

    def register(function: JobFunction) -> JobFunction:
        REGISTRY[kind] = function
        return function

    return register


def _close_stale_connections() -> None:
    # A worker thread must not reuse a connection past its lifetime; but inside a
    # transaction (the "immediate" runner called from a request or a test) closing it
    # would break the caller's transaction.
    if not connection.in_atomic_block:
        close_old_connections()


def run_job(job_id: int) -> None:
    """Run one queued job to completion, recording progress, result and errors."""
    _close_stale_connections()
    job = Job.objects.get(pk=job_id)
    if job.state != JobState.QUEUED:
        return
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=timezone.now())

    def progress(done: int, total: int, message: str = "") -> None:
        Job.objects.filter(pk=job.pk).update(done=done, total=total, message=message[:300])

    try:
        if _run_check is not None:
            _run_check(job)
        outcome = REGISTRY[job.kind](job, progress)
    except Exception as error:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            state=JobState.FAILED,
            error=f"{error}\n\n{traceback.format_exc()}"[:20000],
            finished_at=timezone.now(),
        )
        return
    finally:
        _close_stale_connections()
    job.refresh_from_db()
    if outcome is not None:
        name, data = outcome
        job.result.save(name, ContentFile(data), save=False)
        job.result_name = name
    job.state = JobState.DONE
    job.finished_at = timezone.now()
    job.save()


def submit(*, kind: str, title: str, params: dict[str, Any], user: Any) -> Job:
    """Queue a job and start it with the configured runner."""
    if kind not in REGISTRY:
        raise KeyError(f"unknown job kind {kind}")
    created = Job.objects.create(
        kind=kind,
        title=title,
        params=params,
        created_by=user if getattr(user, "pk", None) else None,
    )
    runner = getattr(settings, "PARINDEX_JOB_RUNNER", "thread")
    if runner == "immediate":
        run_job(created.pk)
    elif runner == "celery":
        from parindex.jobs.celery_app import run_job_task  # optional dependency

        run_job_task.delay(created.pk)
    else:
        global _pool
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="parindex-job")
        _pool.submit(run_job, created.pk)
    created.refresh_from_db()
    return created
