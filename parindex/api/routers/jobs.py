"""Background jobs started through the API (a large dossier push): progress and report."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from parindex import policy
from parindex.api.auth import token, user_of
from parindex.api.routers.common import Id, responses
from parindex.jobs.models import Job

router = Router(tags=["Tác vụ nền"])


class JobOut(Schema):
    id: int
    kind: str
    title: str
    state: str
    done: int
    total: int
    message: str
    error: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    url: str


class JobDetailOut(JobOut):
    report: dict[str, Any] | None


def job_body(task: Job) -> dict[str, Any]:
    return {
        "id": task.pk,
        "kind": task.kind,
        "title": task.title,
        "state": task.state,
        "done": task.done,
        "total": task.total,
        "message": task.message,
        "error": task.error.split("\n", 1)[0],
        "created_at": task.created_at,
        "finished_at": task.finished_at,
        "url": f"/api/v1/jobs/{task.pk}",
    }


@router.get(
    "/jobs/{job_id}",
    response=responses(JobDetailOut),
    auth=token("jobs.read"),
    summary="Một tác vụ nền",
)
def job(request: HttpRequest, job_id: Id) -> dict[str, Any]:
    """A job the account started (administrators: any job): its progress, then its report."""
    task = policy.job_for(user_of(request), job_id)
    return {**job_body(task), "report": task.report}
