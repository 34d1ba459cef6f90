"""Reads for the province's lists at the scale of a whole province (80 units and more): the
appraisal queue, the council's list and the publication page filter their units by group,
state, how the unit sent its self-assessment, name (without diacritics, the same on SQLite
and PostgreSQL: `parindex.units.search`), appraiser and date of submission.

The database picks the matching units (one query); the rows come from `queue_rows`, which
scores each group as a whole (provisional ranks need every unit of the group).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parindex.accounts.models import User
from parindex.assessments import workflow
from parindex.assessments.models import Assessment, Submission
from parindex.assessments.selectors import QueueRow, queue_rows, unit_deadlines
from parindex.periods.models import AssessmentPeriod, UnitGroup
from parindex.units.models import Unit
from parindex.units.search import name_search

# States a filter may ask for besides the workflow's own.
NOT_OPENED = "none"  # the unit never opened its assessment
OVERDUE = "overdue"  # not sent, and the unit's deadline (extension included) has passed

STATE_FILTERS: list[tuple[str, Any]] = [
    (OVERDUE, _("Quá hạn, chưa gửi")),
    (NOT_OPENED, _("Chưa mở hồ sơ")),
    *((state.value, label) for state, label in workflow.STATE_LABELS.items()),
]


@dataclass(frozen=True)
class QueueFilters:
    """What a list is filtered by; empty values filter nothing."""

    state: str = ""
    submission: str = ""
    q: str = ""
    appraiser: int | None = None
    submitted_from: datetime.date | None = None
    submitted_to: datetime.date | None = None

    @property
    def active(self) -> bool:
        return any(
            (
                self.state,
                self.submission,
                self.q.strip(),
                self.appraiser,
                self.submitted_from,
                self.submitted_to,
            )
        )


@dataclass(frozen=True)
class QueueItem:
    """A unit's row with what the bulk actions and the "take in" button need."""

    row: QueueRow
    group: UnitGroup
    deadline: datetime.datetime
    overdue: bool  # not sent and past its deadline: the appraiser may take it in

    @property
    def unit_id(self) -> int:
        return self.row.unit_id

    @property
    def assessment(self) -> Assessment | None:
        return self.row.assessment

    @property
    def submission(self) -> str:
        return self.row.assessment.submission if self.row.assessment else ""


def appraisers() -> list[User]:
    return list(User.objects.filter(role="appraiser", is_active=True).order_by("full_name"))


def _not_sent(period: AssessmentPeriod) -> Q:
    """Units of the period without a sent assessment (none, or a draft)."""
    sent = Assessment.objects.filter(period=period).exclude(state=workflow.State.DRAFT)
    return ~Q(pk__in=sent.values("unit_id"))


def matching_unit_ids(
    period: AssessmentPeriod,
    groups: Sequence[UnitGroup],
    filters: QueueFilters,
    now: datetime.datetime | None = None,
) -> set[int]:
    """The ids of the groups' units that pass every filter."""
    units = name_search(Unit.objects.filter(unit_groups__in=list(groups)), filters.q)
    of_period = Assessment.objects.filter(period=period)
    if filters.state == NOT_OPENED:
        units = units.exclude(pk__in=of_period.values("unit_id"))
    elif filters.state == OVERDUE:
        units = units.filter(_not_sent(period))
    elif filters.state:
        units = units.filter(pk__in=of_period.filter(state=filters.state).values("unit_id"))
    conditions = Q()
    if filters.submission:
        conditions &= Q(submission=filters.submission)
    if filters.appraiser:
        conditions &= Q(appraiser_id=filters.appraiser)
    if filters.submitted_from:
        conditions &= Q(submitted_at__date__gte=filters.submitted_from)
    if filters.submitted_to:
        conditions &= Q(submitted_at__date__lte=filters.submitted_to)
    if conditions:
        units = units.filter(pk__in=of_period.filter(conditions).values("unit_id"))
    ids = set(units.values_list("pk", flat=True))
    if filters.state == OVERDUE:
        deadlines = unit_deadlines(period)
        moment = now or timezone.now()
        ids = {pk for pk in ids if moment > deadlines.get(pk, period.self_assessment_closes)}
    return ids


def queue_items(
    period: AssessmentPeriod,
    groups: Iterable[UnitGroup],
    filters: QueueFilters | None = None,
    now: datetime.datetime | None = None,
) -> tuple[list[QueueItem], list[QueueItem]]:
    """(every unit of the groups, the units that pass the filters), group by group in
    document order, units by name within a group."""
    groups = list(groups)
    moment = now or timezone.now()
    deadlines = unit_deadlines(period)
    chosen = (
        matching_unit_ids(period, groups, filters, moment)
        if filters is not None and filters.active
        else None
    )
    every: list[QueueItem] = []
    shown: list[QueueItem] = []
    for group in groups:
        for row in queue_rows(group):
            deadline = deadlines.get(row.unit_id, period.self_assessment_closes)
            not_sent = row.assessment is None or row.assessment.state == workflow.State.DRAFT
            item = QueueItem(row, group, deadline, not_sent and moment > deadline)
            every.append(item)
            if chosen is None or row.unit_id in chosen:
                shown.append(item)
    return every, shown


def submission_counts(items: Iterable[QueueItem]) -> dict[str, int]:
    """How many units sent late, and how many never sent (for the council's summary)."""
    counts = {Submission.LATE.value: 0, Submission.NOT_SUBMITTED.value: 0}
    for item in items:
        if item.submission in counts:
            counts[item.submission] += 1
    return counts
