"""The demo province's tasks: assigned from its 2024 appraisal conclusions, some done, some
in progress, some overdue relative to the day the demo is loaded (generated data)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone

from parindex.accounts.models import User
from parindex.assessments.models import NodeEntry
from parindex.periods.models import AssessmentPeriod
from parindex.tasks.models import Task
from parindex.tasks.services import (
    source_from_entry,
    task_create_from,
    task_report_progress,
    tasks_daily,
)

DEMO_TASKS = 24
OWN_TASKS = 6


def load_demo_tasks(log: Callable[[str], None] = print) -> None:
    period = AssessmentPeriod.objects.filter(year=2024).first()
    appraiser = User.objects.filter(username="thamdinh").first()
    if period is None or appraiser is None or Task.objects.exists():
        return
    # Conclusions of units that still exist (the departments; the former communes were merged
    # in July 2025), the demo department's own first so that its logins see some.
    concluded = (
        NodeEntry.objects.filter(assessment__period=period, assessment__unit__valid_to__isnull=True)
        .exclude(reason_code="")
        .select_related("assessment__unit", "assessment__period", "assessment__group__framework")
        .order_by("assessment__unit__code", "node_code")
    )
    own = User.objects.filter(username="so.canbo").values_list("unit_id", flat=True).first() or 0
    entries = [
        *concluded.filter(assessment__unit_id=own)[:OWN_TASKS],
        *concluded.exclude(assessment__unit_id=own)[: DEMO_TASKS - OWN_TASKS],
    ]
    today = timezone.localdate()
    document_date = datetime.date(2025, 3, 10)
    for number, entry in enumerate(entries):
        # Deadlines spread from two months ago to three months ahead: some overdue.
        deadline = today + datetime.timedelta(days=-60 + 7 * number)
        task = task_create_from(
            source=source_from_entry(entry),
            actor=appraiser,
            deadline=deadline,
            priority="high" if number % 5 == 0 else "normal",
            document_number="125/KH-UBND (minh họa)",
            document_date=min(document_date, deadline),
            now=timezone.now(),
        )
        staff = User.objects.filter(unit=task.unit).first()
        if staff is not None and number % 3 != 2:
            task_report_progress(
                actor=staff,
                task=task,
                note="Đã rà soát, bổ sung tài liệu (minh họa).",
                progress=100 if number % 3 == 0 else 50,
                done=number % 3 == 0,
            )
    report = tasks_daily()
    log(f"Demo tasks: {len(entries)} from the 2024 conclusions, {len(report.overdue)} overdue.")
