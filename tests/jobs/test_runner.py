"""The job runner: one path for every job (submit → task → run_job), its progress, its
failures, the run check, and nothing queued by a transaction that is rolled back."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from parindex.jobs.models import Job, JobState
from parindex.jobs.runner import JobFailed, run_now, submit

from . import kinds
from .kinds import BLOCKS, PROGRESS, RAISES

pytestmark = pytest.mark.django_db


def run_queue() -> None:
    """What `manage.py jobs_worker` does with the queue, here, until it is empty.

    The worker checks its connection between tasks like a request does; inside the test's
    transaction PostgreSQL's connection is not in autocommit mode, which that check takes
    for a broken connection and closes, so the check is left out here."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(db_worker, "close_old_connections", lambda: None)
        _worker().run()


def _worker() -> Worker:
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )


def submit_in_a_failing_request(user) -> None:
    """A request that starts a job, then fails: its transaction is rolled back."""
    with transaction.atomic():
        submit(kind=PROGRESS, title="Bỏ dở", params={}, user=user)
        raise RuntimeError("the request failed after starting the job")


def test_a_finished_job_reads_done_and_100_percent(ran, admin_user, client):
    job = submit(kind=PROGRESS, title="Xuất thử", params={}, user=admin_user)
    assert ran == [job.pk]
    assert job.state == JobState.DONE
    assert (job.done, job.total, job.percent) == (4, 4, 100)  # the function stopped at 1/4
    assert job.message == "Một phần tư"
    assert job.report == {"rows": 3}
    assert job.result_name == "ket-qua.txt"
    assert job.result.read() == b"xong"
    assert job.task_id
    assert job.started_at <= job.heartbeat_at <= job.finished_at
    client.force_login(admin_user)
    page = client.get(reverse("jobs:detail", args=[job.pk]), headers={"HX-Request": "true"})
    text = page.content.decode()
    assert "4/4 · 100%" in text
    assert "hx-trigger" not in text  # finished: the page stops polling


def test_a_job_page_polls_while_the_job_is_unfinished(admin_user, client, db_backend):
    job = submit(kind=PROGRESS, title="Xuất thử", params={}, user=admin_user)
    client.force_login(admin_user)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "Tác vụ đang chờ đến lượt chạy." in page


def test_a_job_that_raises_ends_failed_with_its_error(ran, admin_user):
    job = submit(kind=RAISES, title="Nhập thử", params={}, user=admin_user)
    assert ran == [job.pk]
    assert job.state == JobState.FAILED
    assert job.error.startswith("Không đọc được tệp «hong.csv»")
    assert "ValueError" in job.error  # the traceback, for the server's administrator
    assert job.finished_at is not None
    assert not job.result


def test_the_run_check_refusing_ends_the_job_failed_before_its_function_runs(
    ran, admin_user, run_check
):
    def refuse(task: Job) -> None:
        raise PermissionDenied("Người yêu cầu không còn quyền.")

    run_check(refuse)
    job = submit(kind=PROGRESS, title="Xuất thử", params={}, user=admin_user)
    assert job.state == JobState.FAILED
    assert job.error.startswith("Người yêu cầu không còn quyền.")
    assert ran == []


@pytest.mark.real_commit
def test_a_job_queued_in_a_transaction_that_is_rolled_back_runs_nothing(ran, admin_user):
    with pytest.raises(RuntimeError):
        submit_in_a_failing_request(admin_user)
    assert ran == []
    assert not Job.objects.exists()


@pytest.mark.real_commit
def test_a_job_is_queued_only_when_its_transaction_commits(
    ran, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        job = submit(kind=PROGRESS, title="Xuất thử", params={}, user=admin_user)
    assert len(callbacks) == 1
    assert ran == []
    assert Job.objects.get(pk=job.pk).state == JobState.QUEUED
    callbacks[0]()  # the commit
    assert ran == [job.pk]
    assert Job.objects.get(pk=job.pk).state == JobState.DONE


def test_the_database_backend_keeps_the_queue_until_a_worker_runs_it(ran, admin_user, db_backend):
    with pytest.raises(RuntimeError):
        submit_in_a_failing_request(admin_user)
    assert not DBTaskResult.objects.exists()

    job = submit(kind=PROGRESS, title="Xuất thử", params={}, user=admin_user)
    (task,) = DBTaskResult.objects.all()
    assert str(task.id) == job.task_id
    assert task.task_path == "parindex.jobs.runner.run_job_task"
    assert task.args_kwargs["args"] == [job.pk, kinds.__name__]
    assert job.state == JobState.QUEUED
    assert ran == []

    run_queue()
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert ran == [job.pk]
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"


def test_a_job_runs_once_even_if_its_task_is_run_twice(ran, admin_user, db_backend):
    job = submit(kind=PROGRESS, title="Xuất thử", params={}, user=admin_user)
    run_queue()
    DBTaskResult.objects.update(status="READY")
    run_queue()
    assert ran == [job.pk]


def test_run_now_runs_a_job_here_through_the_same_runner(ran, admin_user, db_backend):
    job = run_now(kind=PROGRESS, title="Tải mẫu", params={}, user=admin_user)
    assert ran == [job.pk]
    assert (job.state, job.done, job.total) == (JobState.DONE, 4, 4)
    assert not DBTaskResult.objects.exists()  # no queue, no worker
    with pytest.raises(JobFailed, match="Không đọc được tệp"):
        run_now(kind=RAISES, title="Nhập mẫu", params={}, user=admin_user)
    assert Job.objects.get(kind=RAISES).state == JobState.FAILED


def test_an_unknown_kind_is_refused_when_submitted(admin_user):
    with pytest.raises(KeyError):
        submit(kind="no.such.kind", title="?", params={}, user=admin_user)
    assert BLOCKS  # registered by the kinds module, used by the worker test
