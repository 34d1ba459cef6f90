"""The checks behind `/healthz`: cheap enough to be asked every few seconds.

- database: one `SELECT 1` on the default connection;
- storage: a small file written and deleted in the data folder (the SQLite file, uploads and
  the data stores live there: a full or read-only disk shows here first);
- worker: what the background jobs say about the worker (`parindex.jobs`). The jobs runner
  records a heartbeat per running job (`Job.heartbeat_at`, every
  PARINDEX_JOB_HEARTBEAT_SECONDS), not one per worker, so an idle worker cannot be told from a
  stopped one:
    "ok"       a job is running and its heartbeat is recent;
    "stale"    a running job's heartbeat is older than PARINDEX_JOB_STALE_SECONDS (its worker
               died), or a job has waited in the queue longer than that with none running (no
               worker is taking jobs);
    "unknown"  nothing runs and nothing waits (or jobs run in-process: PARINDEX_JOB_RUNNER=
               immediate), or the database did not answer.

The answer carries no data: states, and the heartbeat's age in whole seconds. What went wrong
is logged, never returned.
"""

from __future__ import annotations

import datetime
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from parindex.jobs.models import Job, JobState

log = logging.getLogger(__name__)

OK, ERROR = "ok", "error"
STALE, UNKNOWN = "stale", "unknown"


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        log.exception("health: the database did not answer")
        return ERROR
    return OK


def storage_status(folder: Path | None = None) -> str:
    folder = Path(folder if folder is not None else settings.DATA_DIR)
    try:
        descriptor, name = tempfile.mkstemp(prefix=".healthz-", dir=folder)
        try:
            os.write(descriptor, b"ok\n")
        finally:
            os.close(descriptor)
            os.unlink(name)
    except OSError:
        log.exception("health: the data folder %s is not writable", folder)
        return ERROR
    return OK


def worker_status(now: datetime.datetime | None = None) -> tuple[str, int | None]:
    """The worker's state and the age in seconds of the latest job heartbeat (None: none)."""
    if getattr(settings, "PARINDEX_JOB_RUNNER", "db") == "immediate":
        return UNKNOWN, None
    now = now or timezone.now()
    stale_after = datetime.timedelta(
        seconds=float(getattr(settings, "PARINDEX_JOB_STALE_SECONDS", 60))
    )
    cutoff = now - stale_after
    try:
        seen = Job.objects.filter(state__in=(JobState.QUEUED, JobState.RUNNING)).aggregate(
            beat=Max(Coalesce("heartbeat_at", "started_at"), filter=Q(state=JobState.RUNNING)),
            running=Max("pk", filter=Q(state=JobState.RUNNING)),
            waiting_since=Min("created_at", filter=Q(state=JobState.QUEUED)),
        )
    except Exception:
        log.exception("health: the jobs could not be read")
        return UNKNOWN, None
    beat: datetime.datetime | None = seen["beat"]
    age = max(0, int((now - beat).total_seconds())) if beat is not None else None
    if beat is not None and beat >= cutoff:
        return OK, age
    if seen["running"] is not None:
        return STALE, age
    waiting_since: datetime.datetime | None = seen["waiting_since"]
    if waiting_since is not None and waiting_since < cutoff:
        return STALE, age
    return UNKNOWN, age


def health() -> tuple[bool, dict[str, Any]]:
    """Whether the instance is healthy (database and storage), and the answer's body."""
    database = database_status()
    storage = storage_status()
    worker, age = worker_status() if database == OK else (UNKNOWN, None)
    healthy = database == OK and storage == OK
    return healthy, {
        "status": OK if healthy else ERROR,
        "database": database,
        "storage": storage,
        "worker": worker,
        "worker_heartbeat_age_seconds": age,
    }
