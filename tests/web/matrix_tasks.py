"""Permission-matrix entries for the task pages (see tests/web/matrix.py): Home Affairs creates
and edits, the assigned unit (unit A) reports progress, provincial roles read every task, unit
users their own unit's; the overdue board is for Home Affairs and leaders."""

from __future__ import annotations

import io
from typing import Any

from parindex.tasks.models import Task, TaskEvidence
from parindex.tasks.services import UploadedFile, task_report_progress
from tests.tasks.helpers import PDF, a_task

from .matrix import ALL, HOME_AFFAIRS, PROVINCIAL, UNIT_A, Entry


def _task(p: dict[str, Any]) -> Task:
    if "task" not in p:
        p["task"] = a_task(p)
    task: Task = p["task"]
    return task


def _evidence(p: dict[str, Any]) -> TaskEvidence:
    task = _task(p)
    if not task.evidence.exists():
        task_report_progress(
            actor=p["users"]["officer_a"],
            task=task,
            note="Đã làm",
            progress=20,
            files=[UploadedFile("ket-qua.pdf", io.BytesIO(PDF))],
        )
    return task.evidence.get()


ENTRIES = {
    "tasks:list": Entry(ALL),
    "tasks:board": Entry(HOME_AFFAIRS | {"leader"}),
    "tasks:create": Entry(HOME_AFFAIRS),
    "tasks:detail": Entry(PROVINCIAL | UNIT_A, lambda p: [_task(p).pk]),
    "tasks:edit": Entry(HOME_AFFAIRS, lambda p: [_task(p).pk]),
    "tasks:progress": Entry(
        UNIT_A, lambda p: [_task(p).pk], method="post", data={"note": "Đang làm", "progress": "30"}
    ),
    "tasks:evidence": Entry(PROVINCIAL | UNIT_A, lambda p: [_evidence(p).pk]),
    "tasks:export": Entry(ALL, method="post"),
    "tasks:daily": Entry(HOME_AFFAIRS, method="post"),
}
