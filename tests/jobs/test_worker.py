"""Durability with a real worker: `manage.py jobs_worker` in a process of its own, on a
database file shared with this test, killed with SIGKILL in the middle of a job.

The killed worker's job must end failed after the restart (its heartbeat stopped), never stay
"running"; a job queued while no worker ran is still there and runs when one starts."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
STALE_SECONDS = 2

pytestmark = pytest.mark.slow


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    """A project of the test's own: settings from the environment, a SQLite file in tmp_path,
    the database backend, and a heartbeat fast enough to see it stop."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARINDEX_")}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="parindex.web.settings",
        PARINDEX_SECRET_KEY="tests-only-not-secret",
        PARINDEX_DATA_DIR=str(tmp_path),
        PARINDEX_JOB_RUNNER="db",
        PARINDEX_JOB_HEARTBEAT_SECONDS="0.3",
        PARINDEX_JOB_STALE_SECONDS=str(STALE_SECONDS),
        PARINDEX_LOG_LEVEL="WARNING",
    )
    manage(env, "migrate", "--no-input")
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def submit(env: dict[str, str], kind: str, **params: Any) -> int:
    """Queue a job as the web server would (a process of its own, which then exits)."""
    code = (
        "import tests.jobs.kinds\n"
        "from parindex.jobs.runner import submit\n"
        f"print(submit(kind={kind!r}, title='Thử', params={params!r}, user=None).pk)\n"
    )
    return int(manage(env, "shell", "--no-imports", "-c", code).strip().splitlines()[-1])


@pytest.fixture
def workers(environment: dict[str, str], tmp_path: Path) -> Iterator[Callable[[], Any]]:
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        log = (tmp_path / f"worker-{len(started)}.log").open("wb")
        worker = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "jobs_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.2",
            ],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=30)


def job_row(tmp_path: Path, pk: int) -> dict[str, Any]:
    with sqlite3.connect(tmp_path / "parindex.sqlite3", timeout=20) as database:
        database.row_factory = sqlite3.Row
        row = database.execute("SELECT * FROM jobs_job WHERE id = ?", (pk,)).fetchone()
        task = database.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?",
            (row["task_id"].replace("-", ""),),
        ).fetchone()
    return {**dict(row), "task_status": task["status"] if task else None}


def wait_for(condition: Callable[[], bool], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_a_job_killed_with_its_worker_ends_failed_and_the_queue_survives(
    environment, workers, tmp_path
):
    from .kinds import BLOCKS, PROGRESS

    blocked = submit(environment, BLOCKS, seconds=120)
    worker = workers()
    wait_for(
        lambda: (
            job_row(tmp_path, blocked)["state"] == "running"
            and job_row(tmp_path, blocked)["done"] >= 3
        )
    )

    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    killed = job_row(tmp_path, blocked)
    assert killed["state"] == "running"  # nobody is left to say otherwise
    assert killed["task_status"] == "RUNNING"

    # Queued while no worker runs: kept in the database.
    waiting = submit(environment, PROGRESS)
    assert job_row(tmp_path, waiting)["state"] == "queued"

    time.sleep(STALE_SECONDS + 0.5)  # the heartbeat has been silent long enough
    workers()
    wait_for(lambda: job_row(tmp_path, waiting)["state"] == "done")
    failed = job_row(tmp_path, blocked)
    assert failed["state"] == "failed"
    assert failed["error"] == "Tác vụ bị gián đoạn do khởi động lại; hãy chạy lại."
    assert failed["task_status"] == "FAILED"
    done = job_row(tmp_path, waiting)
    assert (done["done"], done["total"]) == (4, 4)
