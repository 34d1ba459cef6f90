"""A job's progress page (polled by htmx) and its result download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from parindex.jobs.models import Job, JobState


def _job_for(request: HttpRequest, pk: int) -> Job:
    job = Job.objects.filter(pk=pk).first()
    # A job's result is as private as its request: only its owner (or an administrator) sees it.
    if job is None or (job.created_by_id != request.user.pk and request.user.role != "admin"):
        raise Http404
    return job


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    template = "jobs/_progress.html" if request.htmx else "jobs/job_detail.html"
    return render(
        request, template, {"job": job, "finished": job.state in (JobState.DONE, JobState.FAILED)}
    )


@login_required
def job_result(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_for(request, pk)
    if job.state != JobState.DONE or not job.result:
        raise Http404
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name)
