"""Reads of the tasks: lists with what a page shows, the overdue board, and the tasks linked to
each criterion of a later year's self-assessment (through the framework's `previous_codes`
and the unit's lineage). They take no user: the policy scopes what a user may see.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from parindex.assessments.models import Assessment
from parindex.criteria.models import CriterionNode, Framework
from parindex.tasks.models import OPEN_STATUSES, Task, TaskStatus
from parindex.units.models import Unit
from parindex.units.selectors import lineage_unit_ids


def task_queryset() -> QuerySet[Task]:
    return Task.objects.select_related("unit", "assignee", "created_by", "framework", "period")


def filtered(
    tasks: QuerySet[Task],
    *,
    status: str = "",
    unit: int | None = None,
    source: str = "",
    text: str = "",
) -> QuerySet[Task]:
    if status == "open":
        tasks = tasks.filter(status__in=OPEN_STATUSES)
    elif status:
        tasks = tasks.filter(status=status)
    if unit:
        tasks = tasks.filter(unit_id=unit)
    if source:
        tasks = tasks.filter(source_kind=source)
    if text:
        tasks = tasks.filter(
            Q(title__icontains=text)
            | Q(document_number__icontains=text)
            | Q(unit__name__icontains=text)
        )
    return tasks


@dataclass(frozen=True)
class BoardRow:
    unit: Unit
    overdue: int
    due_soon: int
    open: int
    done: int


@dataclass(frozen=True)
class Board:
    overdue: list[Task]
    due_soon: list[Task]
    units: list[BoardRow]
    counts: dict[str, int]


def overdue_board(tasks: QuerySet[Task], *, today: datetime.date, days: int) -> Board:
    """Overdue tasks (longest overdue first), tasks due within `days`, and per unit the counts,
    the units with most overdue work first."""
    soon = today + datetime.timedelta(days=days)
    overdue = list(tasks.filter(status=TaskStatus.OVERDUE).order_by("deadline", "unit__name"))
    due_soon = list(
        tasks.filter(
            status__in=(TaskStatus.NEW, TaskStatus.IN_PROGRESS),
            deadline__gte=today,
            deadline__lte=soon,
        ).order_by("deadline", "unit__name")
    )
    per_unit = (
        tasks.values("unit")
        .annotate(
            overdue=Count("id", filter=Q(status=TaskStatus.OVERDUE)),
            due_soon=Count(
                "id",
                filter=Q(
                    status__in=(TaskStatus.NEW, TaskStatus.IN_PROGRESS),
                    deadline__gte=today,
                    deadline__lte=soon,
                ),
            ),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
        )
        .filter(open__gt=0)
    )
    units = Unit.objects.in_bulk([row["unit"] for row in per_unit])
    rows = sorted(
        (
            BoardRow(units[row["unit"]], row["overdue"], row["due_soon"], row["open"], row["done"])
            for row in per_unit
        ),
        key=lambda row: (-row.overdue, -row.due_soon, row.unit.name),
    )
    counts = dict(tasks.values_list("status").annotate(count=Count("id")).order_by())
    return Board(overdue, due_soon, rows, counts)


def _node_codes(framework_id: int | None) -> set[str]:
    if framework_id is None:
        return set()
    return set(
        CriterionNode.objects.filter(framework_id=framework_id).values_list("code", flat=True)
    )


def tasks_by_node(assessment: Assessment, *, related: bool = True) -> dict[str, list[Task]]:
    """For each node code of the assessment's framework, the tasks that concern it: tasks on
    this framework's codes, and tasks on the previous year's framework mapped through each
    node's `previous_codes` (the same code by default), for the unit and the units it was
    formed from. Cancelled tasks are left out. `related=False` reads the tasks alone (a
    criterion's row shows their title, deadline and state, not their unit or assignee)."""
    framework: Framework = assessment.group.framework
    frameworks = [framework.pk] + ([framework.previous_id] if framework.previous_id else [])
    tasks = list(
        Task.objects.filter(
            unit_id__in=lineage_unit_ids(assessment.unit_id), framework_id__in=frameworks
        )
        .exclude(status=TaskStatus.CANCELLED)
        .order_by("deadline", "id")
    )
    if not tasks:
        return {}
    if related:
        # Their relations in a second query: joined with the lineage's subquery, they cost
        # the database more to plan than both queries to run.
        tasks = list(
            task_queryset()
            .filter(pk__in=[task.pk for task in tasks])
            .exclude(status=TaskStatus.CANCELLED)
            .order_by("deadline", "id")
        )
    nodes = list(
        CriterionNode.objects.filter(framework=framework).values_list("code", "previous_codes")
    )
    old_codes = _node_codes(framework.previous_id)
    found: dict[str, list[Task]] = {}
    for code, mapped in nodes:
        earlier = set(mapped or ([code] if code in old_codes else []))
        for task in tasks:
            codes = set(task.node_codes)
            if (task.framework_id == framework.pk and code in codes) or (
                task.framework_id == framework.previous_id and codes & earlier
            ):
                found.setdefault(code, []).append(task)
    return found


def linked_tasks(by_node: dict[str, list[Task]]) -> list[Task]:
    """Every task of `tasks_by_node`, once, by deadline."""
    seen: dict[int, Task] = {}
    for tasks in by_node.values():
        for task in tasks:
            seen.setdefault(task.pk, task)
    return sorted(seen.values(), key=lambda task: (task.deadline, task.pk))


def open_task_refs(unit_ids: Iterable[int]) -> set[tuple[int, str]]:
    """(unit, source ref) of open tasks: pages mark rows already assigned."""
    return set(
        Task.objects.filter(unit_id__in=list(unit_ids), status__in=OPEN_STATUSES)
        .exclude(source_ref="")
        .values_list("unit_id", "source_ref")
    )
