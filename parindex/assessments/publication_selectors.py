"""Reads for the council's approval and the publication: each unit group's state (its units
with their provisional ranks, how far it is from approval), the periods with how many of
their assessments the council approved, whether a period may be published, and what was
published.

The counts come from aggregate queries: one for every period of the publication list, one
for every group of a period, never one query per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q

from parindex.assessments import workflow
from parindex.assessments.models import Assessment, GroupApproval, Submission
from parindex.assessments.selectors import QueueRow, queue_rows
from parindex.periods.models import AssessmentPeriod, PeriodStatus, PublishedResult, UnitGroup


def state_counts(rows: list[QueueRow]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.state_label] = counts.get(row.state_label, 0) + 1
    return sorted(counts.items())


def group_summary(group: UnitGroup) -> dict[str, Any]:
    """The group's units (best first, as the council reads a ranking; units without an
    assessment last), their states, and whether the council may approve it or did."""
    rows = sorted(
        queue_rows(group),
        key=lambda row: (row.rank is None, row.rank or 0, row.unit_name),
    )
    states = {row.assessment.state if row.assessment else "" for row in rows}
    ready = bool(rows) and states <= {workflow.State.APPRAISED, workflow.State.APPROVED}
    return {
        "group": group,
        "rows": rows,
        "counts": state_counts(rows),
        "ready": ready and workflow.State.APPRAISED in states,
        "approved": bool(rows) and states == {workflow.State.APPROVED},
        "published": bool(rows) and states == {workflow.State.PUBLISHED},
        "approval": GroupApproval.objects.filter(group=group).select_related("approved_by").first(),
        "not_submitted": _submissions(rows, Submission.NOT_SUBMITTED),
        "late": _submissions(rows, Submission.LATE),
    }


def _submissions(rows: list[QueueRow], kind: str) -> int:
    return sum(
        1 for row in rows if row.assessment is not None and row.assessment.submission == kind
    )


@dataclass(frozen=True)
class PeriodPublication:
    """A period in the publication list: its assessments and how many the council approved."""

    period: AssessmentPeriod
    total: int
    approved: int

    @property
    def published(self) -> bool:
        return self.period.status == PeriodStatus.PUBLISHED


def publication_periods() -> list[PeriodPublication]:
    """Every period (newest first) with its assessment counts, in one query."""
    periods = AssessmentPeriod.objects.annotate(
        assessment_count=Count("assessments"),
        approved_count=Count("assessments", filter=Q(assessments__state=workflow.State.APPROVED)),
    ).order_by("-year")
    return [
        PeriodPublication(period, period.assessment_count, period.approved_count)
        for period in periods
    ]


def publication_ready(period: AssessmentPeriod) -> bool:
    """Whether the council approved every group of the period: each member unit of a group
    with members has an approved assessment in that group (one query for all groups)."""
    groups = list(
        UnitGroup.objects.filter(period=period)
        .annotate(
            members=Count("units", distinct=True),
            approved=Count(
                "units",
                distinct=True,
                filter=Q(
                    units__assessments__group=F("pk"),
                    units__assessments__state=workflow.State.APPROVED,
                ),
            ),
        )
        .values_list("members", "approved")
    )
    return bool(groups) and all(approved == members for members, approved in groups if members)


@dataclass(frozen=True)
class PublishedRow:
    """A published result with the assessment to amend it from and whether it was amended."""

    row: PublishedResult
    assessment_pk: int | None
    amended: bool
    submission: str = ""  # how the unit sent its self-assessment (`Submission`)


def published_rows(period: AssessmentPeriod) -> list[PublishedRow]:
    """Every published row of the period, amended ones and their amendments alike."""
    assessments = {
        unit_id: (pk, submission)
        for unit_id, pk, submission in Assessment.objects.filter(period=period).values_list(
            "unit_id", "pk", "submission"
        )
    }
    amended_ids = set(
        PublishedResult.objects.filter(period=period, amends__isnull=False).values_list(
            "amends_id", flat=True
        )
    )
    return [
        PublishedRow(
            row,
            assessments.get(row.unit_id, (None, ""))[0],
            row.pk in amended_ids,
            assessments.get(row.unit_id, (None, ""))[1],
        )
        for row in PublishedResult.objects.filter(period=period).select_related("unit", "group")
    ]
