"""`/healthz`: 200 with the parts that work, 503 when the database or the storage does not."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from parindex.jobs.models import Job, JobState
from parindex.operations.health import worker_status

PARTS = {"status", "database", "storage", "worker", "worker_heartbeat_age_seconds"}


def test_it_answers_200_with_ok_parts_without_a_login(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == PARTS  # states only: no version, no counts, no paths
    assert body["status"] == body["database"] == body["storage"] == "ok"
    assert body["worker"] in {"ok", "stale", "unknown"}
    assert "no-store" in response["Cache-Control"]


def test_it_answers_head_and_refuses_post(client, db):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_it_answers_503_when_the_storage_is_not_writable(client, db, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.DATA_DIR = blocker / "data"  # cannot be written, even by root

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["storage"] == "error"
    assert body["database"] == "ok"
    assert str(tmp_path) not in response.content.decode()


def test_it_answers_503_when_the_database_fails(client, db, monkeypatch):
    from parindex.operations import health

    monkeypatch.setattr(health, "database_status", lambda: health.ERROR)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert response.json()["worker"] == "unknown"


@pytest.fixture
def db_worker(settings):
    settings.PARINDEX_JOB_RUNNER = "db"
    settings.PARINDEX_JOB_STALE_SECONDS = 60


def _job(state, *, beat_seconds_ago=None, created_seconds_ago=0):
    now = timezone.now()
    job = Job.objects.create(kind="export", title="x", state=state)
    Job.objects.filter(pk=job.pk).update(
        created_at=now - datetime.timedelta(seconds=created_seconds_ago),
        heartbeat_at=(
            None if beat_seconds_ago is None else now - datetime.timedelta(seconds=beat_seconds_ago)
        ),
    )
    return job


def test_the_worker_is_unknown_when_nothing_runs_or_waits(db, db_worker):
    _job(JobState.DONE, beat_seconds_ago=3600)
    assert worker_status() == ("unknown", None)


def test_the_worker_is_ok_while_a_running_job_beats(db, db_worker):
    _job(JobState.RUNNING, beat_seconds_ago=5)
    _job(JobState.QUEUED, created_seconds_ago=600)  # waits behind it: not a sign of trouble
    state, age = worker_status()
    assert state == "ok"
    assert 4 <= age <= 7


def test_the_worker_is_stale_when_a_running_job_stopped_beating(db, db_worker):
    _job(JobState.RUNNING, beat_seconds_ago=300)
    assert worker_status()[0] == "stale"


def test_the_worker_is_stale_when_a_job_waits_with_none_running(db, db_worker):
    _job(JobState.QUEUED, created_seconds_ago=300)
    assert worker_status() == ("stale", None)


def test_the_worker_is_unknown_when_jobs_run_in_process(db, settings):
    settings.PARINDEX_JOB_RUNNER = "immediate"
    _job(JobState.RUNNING, beat_seconds_ago=300)
    assert worker_status() == ("unknown", None)
