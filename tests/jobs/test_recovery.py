"""A job whose worker died ends failed, with a message saying to run it again; never
"running" for ever. (The same with a real worker killed mid-job: test_worker.py.)"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from parindex.jobs import runner
from parindex.jobs.models import Job, JobState
from parindex.jobs.recovery import recover_interrupted_jobs
from parindex.jobs.runner import submit

from .kinds import PROGRESS

pytestmark = pytest.mark.django_db

INTERRUPTED = "Tác vụ bị gián đoạn do khởi động lại; hãy chạy lại."


def running(seconds_ago: float, **fields) -> Job:
    beat = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    return Job.objects.create(
        kind=PROGRESS,
        title="Xuất thử",
        state=JobState.RUNNING,
        started_at=beat - datetime.timedelta(minutes=5),
        heartbeat_at=beat,
        **fields,
    )


def test_a_running_job_whose_heartbeat_stopped_is_marked_failed(settings):
    settings.PARINDEX_JOB_STALE_SECONDS = 60
    dead = running(seconds_ago=61)
    alive = running(seconds_ago=5)
    # A job the former in-process thread pool left running: no heartbeat at all.
    legacy = Job.objects.create(kind=PROGRESS, title="Trước khi có nhịp", state=JobState.RUNNING)
    Job.objects.filter(pk=legacy.pk).update(created_at=timezone.now() - datetime.timedelta(days=1))
    queued = Job.objects.create(kind=PROGRESS, title="Đang chờ", task_id="abc")

    assert sorted(recover_interrupted_jobs()) == [dead.pk, legacy.pk]

    dead.refresh_from_db()
    assert dead.state == JobState.FAILED
    assert dead.error == INTERRUPTED
    assert dead.finished_at is not None
    for untouched, state in ((alive, JobState.RUNNING), (queued, JobState.QUEUED)):
        untouched.refresh_from_db()
        assert untouched.state == state
    assert recover_interrupted_jobs() == []  # nothing twice


def test_the_job_page_shows_a_dead_workers_job_as_failed(settings, admin_user, client):
    settings.PARINDEX_JOB_STALE_SECONDS = 60
    dead = running(seconds_ago=120, created_by=admin_user)
    client.force_login(admin_user)
    page = client.get(reverse("jobs:detail", args=[dead.pk]), headers={"HX-Request": "true"})
    text = page.content.decode()
    assert "Lỗi" in text
    assert INTERRUPTED in text
    assert "hx-trigger" not in text


def test_the_task_of_a_recovered_job_is_closed_and_a_failed_task_fails_its_job(
    settings, admin_user, db_backend
):
    settings.PARINDEX_JOB_STALE_SECONDS = 60
    job = submit(kind=PROGRESS, title="Xuất thử", params={}, user=admin_user)
    # A worker claimed the task and started the job, then was killed.
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now())
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    Job.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, started_at=long_ago, heartbeat_at=long_ago
    )
    assert recover_interrupted_jobs() == [job.pk]
    task = DBTaskResult.objects.get()
    assert task.status == "FAILED"
    assert task.exception_class_path == "parindex.jobs.recovery.JobInterrupted"

    # A task the worker could not even start (its module gone, say) fails its queued job.
    other = submit(kind=PROGRESS, title="Xuất lần hai", params={}, user=admin_user)
    DBTaskResult.objects.filter(pk=other.task_id).update(status="FAILED")
    assert recover_interrupted_jobs() == [other.pk]
    assert Job.objects.get(pk=other.pk).state == JobState.FAILED


def test_a_job_that_never_reached_the_queue_is_marked_failed(settings):
    settings.PARINDEX_JOB_STALE_SECONDS = 60
    lost = Job.objects.create(kind=PROGRESS, title="Mất")
    Job.objects.filter(pk=lost.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    fresh = Job.objects.create(kind=PROGRESS, title="Vừa tạo")
    assert recover_interrupted_jobs() == [lost.pk]
    assert Job.objects.get(pk=fresh.pk).state == JobState.QUEUED


def test_a_recovered_job_stays_failed_if_its_function_returns_after_all(settings):
    settings.PARINDEX_JOB_STALE_SECONDS = 60
    job = running(seconds_ago=120)
    recover_interrupted_jobs()
    runner._finish(job.pk, ("muon.txt", b"muon"))
    job.refresh_from_db()
    assert (job.state, job.result_name, job.result.name) == (JobState.FAILED, "", "")


def test_the_recover_jobs_command(settings, capsys):
    settings.PARINDEX_JOB_STALE_SECONDS = 60
    job = running(seconds_ago=120)
    call_command("recover_jobs")
    assert f"Marked failed: {job.pk}" in capsys.readouterr().out
    call_command("recover_jobs")
    assert "Nothing to recover." in capsys.readouterr().out
