"""Celery integration for production (optional: `pip install celery redis`).

    PARINDEX_JOB_RUNNER=celery PARINDEX_CELERY_BROKER=redis://127.0.0.1:6379/0 \
        celery -A parindex.jobs.celery_app worker --concurrency 2
"""

from __future__ import annotations

import os

import django
from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.web.settings")
django.setup()

app = Celery(
    "parindex", broker=os.environ.get("PARINDEX_CELERY_BROKER", "redis://127.0.0.1:6379/0")
)


@app.task(name="parindex.run_job")
def run_job_task(job_id: int) -> None:
    from parindex.jobs.runner import run_job

    run_job(job_id)
