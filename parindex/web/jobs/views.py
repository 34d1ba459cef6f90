"""A job's progress page (polled by htmx) and its result download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from parindex.jobs.models import JobState
from parindex.policy import job_for


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_for(request.user, pk)
    template = "jobs/_progress.html" if request.htmx else "jobs/job_detail.html"
    return render(
        request, template, {"job": job, "finished": job.state in (JobState.DONE, JobState.FAILED)}
    )


@login_required
def job_result(request: HttpRequest, pk: int) -> FileResponse:
    job = job_for(request.user, pk)
    if job.state != JobState.DONE or not job.result:
        raise Http404
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name)
