"""Job kinds of the job tests, registered like an app's (the worker of the durability test
imports this module by the name the runner recorded)."""

from __future__ import annotations

import time

from parindex.jobs.models import Job
from parindex.jobs.runner import Progress, job

PROGRESS = "tests.progress"
RAISES = "tests.raises"
BLOCKS = "tests.blocks"

# The ids of the jobs whose function ran, in this process.
RAN: list[int] = []


@job(PROGRESS)
def stops_at_a_quarter(task: Job, progress: Progress) -> tuple[str, bytes]:
    """Reports 1/4 and returns: the runner finishes the progress."""
    RAN.append(task.pk)
    progress(1, 4, "Một phần tư")
    Job.objects.filter(pk=task.pk).update(report={"rows": 3})
    return "ket-qua.txt", b"xong"


@job(RAISES)
def raises(task: Job, progress: Progress) -> None:
    RAN.append(task.pk)
    progress(0, 2, "Đang đọc")
    raise ValueError("Không đọc được tệp «hong.csv»")


@job(BLOCKS)
def blocks(task: Job, progress: Progress) -> None:
    """Works for `seconds` (a worker is killed meanwhile), reporting progress as it goes."""
    RAN.append(task.pk)
    steps = int(task.params.get("seconds", 60) / 0.2)
    for step in range(steps):
        progress(step, steps, f"Bước {step}")
        time.sleep(0.2)
