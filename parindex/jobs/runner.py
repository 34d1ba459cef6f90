"""Running jobs: one registry of job functions, run as tasks of Django's tasks API.

A job is a `Job` row (what its requester sees: progress, result file, report, error) and one
task of the tasks framework (django-tasks, `run_job_task(job_id, module, language)`),
enqueued once the transaction that created the row commits: a request that fails after
`submit` leaves nothing queued. The backend is chosen once, by PARINDEX_JOB_RUNNER (settings.TASKS):

- "db" (default): django-tasks-db keeps the queue in the database; a worker process
  (`python manage.py jobs_worker`: recovery, then django-tasks-db's `db_worker`) runs it. A
  restart of the web server loses nothing, and a job whose worker died is marked failed
  (`parindex.jobs.recovery`), never left running.
- "immediate": the task runs at once in the process that asks (tests, one-off scripts).

A job function receives the `Job` and a `progress(done, total, message)` callback, and
returns the result as (file name, bytes) or None; it may write `Job.report` itself. When it
returns, the job is done and its progress reads total/total (100 %). It runs in the language
its requester's page was in when the job was submitted, so that its progress messages, report
and file read in that language.
"""

from __future__ import annotations

import importlib
import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import close_old_connections, connection, connections, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from parindex.jobs.models import Job, JobState

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
JobFunction = Callable[[Job, Progress], "tuple[str, bytes] | None"]

REGISTRY: dict[str, JobFunction] = {}
# The module that registers each kind: the worker imports it if no app has yet.
_MODULES: dict[str, str] = {}

# Asked before a job runs, possibly long after it was queued: raises PermissionDenied when
# its requester may no longer have it done. The policy installs it (`parindex.policy.
# job_may_run`, wired by the web app at start-up), so the decision stays there while this
# runner sits below the apps.
RunCheck = Callable[[Job], None]
_run_check: RunCheck | None = None


class JobFailed(RuntimeError):
    """A job run with `run_now` failed; the message is the first line of its error."""


def set_run_check(check: RunCheck | None) -> None:
    global _run_check
    _run_check = check


def job(kind: str) -> Callable[[JobFunction], JobFunction]:
    """Register a job function under `kind`."""

    def register(function: JobFunction) -> JobFunction:
        REGISTRY[kind] = function
        _MODULES[kind] = function.__module__
        return function

    return register


def interrupted_message() -> str:
    return gettext("Tác vụ bị gián đoạn do khởi động lại; hãy chạy lại.")


# Running one job -------------------------------------------------------------------------------


def _close_stale_connections() -> None:
    # A worker must not reuse a connection past its lifetime; but inside a transaction (the
    # immediate backend called from a request or a test) closing it would break the caller's.
    if not connection.in_atomic_block:
        close_old_connections()


class _Heartbeat:
    """Writes `Job.heartbeat_at` every PARINDEX_JOB_HEARTBEAT_SECONDS from a thread of its
    own while the job function runs, so that a long step without progress calls (a PDF's
    layout) still shows the job alive. Not inside a caller's transaction: there the job row
    is not yet visible to anyone else, and a second connection would wait on its locks."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.every = float(getattr(settings, "PARINDEX_JOB_HEARTBEAT_SECONDS", 10))
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> _Heartbeat:
        if self.every > 0 and not connection.in_atomic_block:
            self.thread = threading.Thread(
                target=self._beat, name=f"parindex-job-{self.job_id}-heartbeat", daemon=True
            )
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join()

    def _beat(self) -> None:
        try:
            while not self.stop.wait(self.every):
                try:
                    Job.objects.filter(pk=self.job_id, state=JobState.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # a busy database: the next beat tries again
                    log.warning("heartbeat of job %s not written", self.job_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connection


def _function(kind: str, module: str) -> JobFunction:
    if kind not in REGISTRY and module:
        importlib.import_module(module)  # registers the kind
    if kind not in REGISTRY:
        raise KeyError(f"unknown job kind {kind}")
    return REGISTRY[kind]


def _fail(job_id: int, error: str) -> None:
    Job.objects.filter(pk=job_id, state=JobState.RUNNING).update(
        state=JobState.FAILED, error=error[:20000], finished_at=timezone.now()
    )


def run_job(job_id: int, module: str = "", language: str = "") -> None:
    """Run one queued job to completion, recording progress, result and errors, in `language`
    (default: the project's). A job that is not queued any more (already run, or recovered as
    failed) is left alone."""
    with translation.override(language or settings.LANGUAGE_CODE):
        _run_job(job_id, module)


def _run_job(job_id: int, module: str) -> None:
    _close_stale_connections()
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)

    def progress(done: int, total: int, message: str = "") -> None:
        Job.objects.filter(pk=job_id).update(
            done=done, total=total, message=message[:300], heartbeat_at=timezone.now()
        )

    try:
        with _Heartbeat(job_id):
            function = _function(job.kind, module)
            if _run_check is not None:
                _run_check(job)
            outcome = function(job, progress)
    except Exception as error:
        log.exception("job %s (%s) failed", job_id, job.kind)
        _fail(job_id, f"{error}\n\n{traceback.format_exc()}")
        return
    except BaseException:
        # The worker is being stopped (a second Ctrl-C, SystemExit): say so, and let it stop.
        _fail(job_id, interrupted_message())
        raise
    finally:
        _close_stale_connections()
    _finish(job_id, outcome)


def _finish(job_id: int, outcome: tuple[str, bytes] | None) -> None:
    """Done: the result file stored, and the progress at total/total (100 %)."""
    fields: dict[str, Any] = {}
    stored = ""
    if outcome is not None:
        name, data = outcome
        field = Job._meta.get_field("result")
        # No instance: `upload_to` is a fixed folder, for which Django never reads it.
        stored = field.storage.save(field.generate_filename(None, name), ContentFile(data))  # type: ignore[arg-type]
        fields = {"result": stored, "result_name": name}
    now = timezone.now()
    finished = Job.objects.filter(pk=job_id, state=JobState.RUNNING).update(
        state=JobState.DONE, done=F("total"), finished_at=now, heartbeat_at=now, **fields
    )
    if not finished and stored:  # recovered as failed meanwhile: nobody will fetch the file
        Job._meta.get_field("result").storage.delete(stored)


@task()
def run_job_task(job_id: int, module: str = "", language: str = "") -> None:
    """The one task of the tasks framework: run a `Job` row (see `run_job`)."""
    run_job(job_id, module, language)


# Starting jobs ---------------------------------------------------------------------------------


# Jobs are queued only once the caller's transaction commits: a rolled-back request queues
# nothing. A test's database transaction is never committed, so the test suite replaces this
# with "at once" (tests/conftest.py); nothing else should.
enqueue_after_commit: Callable[[Callable[[], None]], None] = transaction.on_commit


def _enqueue(job_id: int, module: str, language: str = "") -> None:
    try:
        result = run_job_task.enqueue(job_id, module, language=language)
    except Exception as error:
        log.exception("job %s could not be queued", job_id)
        Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
            state=JobState.FAILED,
            error=gettext("Không đưa được tác vụ vào hàng đợi: %(error)s") % {"error": error},
            finished_at=timezone.now(),
        )
        return
    Job.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


def _create(*, kind: str, title: str, params: dict[str, Any], user: Any) -> Job:
    if kind not in REGISTRY:
        raise KeyError(f"unknown job kind {kind}")
    return Job.objects.create(
        kind=kind,
        title=title,
        params=params,
        created_by=user if getattr(user, "pk", None) else None,
    )


def submit(*, kind: str, title: str, params: dict[str, Any], user: Any) -> Job:
    """Record a job and queue its task once the current transaction commits (at once outside
    a transaction). With the immediate backend the returned job has already run."""
    created = _create(kind=kind, title=title, params=params, user=user)
    language = translation.get_language() or ""

    def enqueue() -> None:
        _enqueue(created.pk, _MODULES[kind], language)

    enqueue_after_commit(enqueue)
    created.refresh_from_db()
    return created


def run_now(*, kind: str, title: str, params: dict[str, Any], user: Any) -> Job:
    """Record a job and run it here and now through `run_job`, without a queue or worker
    (the demo loader, a test's setup): the same run check, progress and result as a queued
    job. Raises `JobFailed` if it fails; returns the finished job."""
    created = _create(kind=kind, title=title, params=params, user=user)
    run_job(created.pk, _MODULES[kind], translation.get_language() or "")
    created.refresh_from_db()
    if created.state != JobState.DONE:
        raise JobFailed(created.error.split("\n", 1)[0] or created.get_state_display())
    return created
