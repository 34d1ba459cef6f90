"""`python manage.py jobs_worker`: the background-job worker.

django-tasks-db's `db_worker` (same options: `--interval`, `--batch`, `--max-tasks`,
`--no-reload`, …), which first marks failed the jobs a previous worker left running when it
died and removes what interrupted imports left in the data stores (staging folders, temporary
files), and keeps doing so while it runs (every PARINDEX_JOB_STALE_SECONDS, from a thread of its
own), for the jobs of workers that die beside it (`parindex.jobs.recovery`). Run one beside
the web server (`make run` does; in production, a service of its own, e.g. a systemd unit
with `Restart=always`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from parindex.jobs.recovery import recover_interrupted_jobs, sweep_data_leftovers

log = logging.getLogger(__name__)


def _keep_recovering(every: float) -> None:
    while True:
        time.sleep(every)
        try:
            recover_interrupted_jobs()
        except Exception:  # a busy database: next time
            log.warning("recovery of interrupted jobs failed", exc_info=True)
        finally:
            connections.close_all()  # this thread's own connection


class Command(DbWorkerCommand):
    help = "Run the background-job worker, recovering the jobs of workers that stopped."

    def handle(self, *args: Any, **options: Any) -> None:
        recovered = recover_interrupted_jobs()
        if recovered and options.get("verbosity", 1):
            self.stdout.write(
                "Jobs left running by a stopped worker, marked failed: "
                + ", ".join(map(str, recovered))
            )
        swept = sweep_data_leftovers()
        if swept and options.get("verbosity", 1):
            self.stdout.write("Leftovers of interrupted imports, removed: " + ", ".join(swept))
        # With --reload this process only restarts the one that works: that one recovers.
        working = not options.get("reload") or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        if working and not options.get("batch"):
            every = max(float(getattr(settings, "PARINDEX_JOB_STALE_SECONDS", 60)), 1.0)
            threading.Thread(
                target=_keep_recovering, args=(every,), name="parindex-job-recovery", daemon=True
            ).start()
        super().handle(*args, **options)
