"""A job's progress page (polled by htmx until the job is done or failed) and its result."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

from parindex.jobs.models import JobState
from parindex.jobs.recovery import is_stale, recover_interrupted_jobs
from parindex.policy import job_for
from parindex.web.http import AuthedRequest


@login_required
def job_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    job = job_for(request.user, pk)
    # A job whose worker died must not read "running" for ever: the page that watches it
    # asks for its recovery (queued jobs too: their task may have failed before it started).
    unfinished_task = job.state == JobState.QUEUED and job.task_id
    if (is_stale(job) or unfinished_task) and recover_interrupted_jobs([job.pk]):
        job.refresh_from_db()
    template = "jobs/_progress.html" if request.htmx else "jobs/job_detail.html"
    return render(
        request, template, {"job": job, "finished": job.state in (JobState.DONE, JobState.FAILED)}
    )


@login_required
def job_result(request: AuthedRequest, pk: int) -> FileResponse:
    job = job_for(request.user, pk)
    if job.state != JobState.DONE or not job.result:
        raise Http404
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name)
