"""Evidence, deadlines, open explanation rounds, previews and the appraisal queue."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext

from parindex.assessments import workflow
from parindex.assessments.models import (
    Assessment,
    EvidenceDocument,
    ExplanationRequest,
)
from parindex.assessments.selectors.results import APPRAISED, group_results
from parindex.engine import (
    Node,
    RuleInputError,
)
from parindex.periods.models import (
    AssessmentPeriod,
    DeadlineExtension,
    UnitGroup,
    self_assessment_deadline,
)


def unit_documents(assessment: Assessment) -> QuerySet[EvidenceDocument]:
    """The unit's documents of the period, to cite again without a second upload."""
    return EvidenceDocument.objects.filter(unit=assessment.unit, period=assessment.period)


# The annotation `with_extension` puts on assessments: the unit's latest extension's closing
# time in the assessment's period (None: no extension).
EXTENSION_CLOSES = "extension_closes_at"


def with_extension(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """`assessments` with their unit's latest extension read in the same query, so that
    `unit_deadline` asks nothing more (a page or a save asks it two or three times: the
    policy's check, the service's, the page's)."""
    latest = (
        DeadlineExtension.objects.filter(period=OuterRef("period_id"), unit=OuterRef("unit_id"))
        .order_by("-closes_at")
        .values("closes_at")[:1]
    )
    return assessments.annotate(**{EXTENSION_CLOSES: Subquery(latest)})


def unit_deadline(assessment: Assessment) -> datetime.datetime:
    """The unit's last moment to self-assess: the period's deadline or its latest extension
    (read with the assessment when it was loaded `with_extension`, else asked now)."""
    if EXTENSION_CLOSES in assessment.__dict__:
        closes = assessment.__dict__[EXTENSION_CLOSES]
        period = assessment.period
        if closes is not None and closes > period.self_assessment_closes:
            return closes  # type: ignore[no-any-return]
        return period.self_assessment_closes
    return period_unit_deadline(assessment.period, assessment.unit_id)


def period_unit_deadline(period: AssessmentPeriod, unit_id: int) -> datetime.datetime:
    """`unit_deadline` for a unit that may have no assessment yet."""
    extension = (
        DeadlineExtension.objects.filter(period=period, unit_id=unit_id)
        .order_by("-closes_at")
        .first()
    )
    return self_assessment_deadline(period, extension)


def unit_deadlines(period: AssessmentPeriod) -> dict[int, datetime.datetime]:
    """Every extended unit's deadline (by unit id), in one query; the others have the
    period's own (`deadlines.get(unit_id, period.self_assessment_closes)`)."""
    latest: dict[int, datetime.datetime] = {}
    for unit_id, closes_at in DeadlineExtension.objects.filter(period=period).values_list(
        "unit_id", "closes_at"
    ):
        if closes_at > latest.get(unit_id, period.self_assessment_closes):
            latest[unit_id] = closes_at
    return latest


def open_explanation(assessment: Assessment) -> ExplanationRequest | None:
    """The explanation round the unit has not sent yet, if any."""
    return (
        assessment.explanation_requests.filter(sent_at__isnull=True)
        .prefetch_related("items")
        .order_by("-created_at")
        .first()
    )


def preview(node: Node, values: Mapping[str, Any]) -> tuple[Decimal | None, str]:
    """Points and explanation of `values` without saving; (None, message) when they do not fit."""
    assert node.rule is not None
    try:
        outcome = node.rule.score(values)
    except RuleInputError as error:
        message = str(error)
        for input_field in node.rule.fields():
            message = message.replace(f"«{input_field.name}»", f"«{input_field.label}»")
        return None, message
    return outcome.points, outcome.explanation


@dataclass(frozen=True)
class QueueRow:
    unit_name: str
    unit_code: str
    assessment: Assessment | None
    self_total: Decimal | None
    appraised_total: Decimal | None
    index: Decimal | None
    rank: int | None
    class_label: str
    unit_id: int = 0
    group: UnitGroup | None = None

    @property
    def difference(self) -> Decimal | None:
        """Appraised minus self-assessed points (negative: the appraisal lowered the score)."""
        if self.self_total is None or self.appraised_total is None:
            return None
        return self.appraised_total - self.self_total

    @property
    def state_label(self) -> str:
        if self.assessment is None:
            return gettext("Chưa mở hồ sơ")
        return workflow.STATE_LABELS[workflow.State(self.assessment.state)]


def queue_rows(group: UnitGroup) -> list[QueueRow]:
    """Every unit of the group: state, self and appraised totals, and the provisional rank."""
    results = group_results(group, APPRAISED)
    rows = []
    for unit in group.units.order_by("name"):
        assessment = results.assessments.get(unit.code)
        if assessment is None or results.ranking is None:
            rows.append(
                QueueRow(unit.name, unit.code, None, None, None, None, None, "", unit.pk, group)
            )
            continue
        ranked = results.ranking.results[unit.code]
        rows.append(
            QueueRow(
                unit.name,
                unit.code,
                assessment,
                results.self_results[unit.code].total,
                ranked.total,
                ranked.index,
                results.ranking.ranks[unit.code],
                results.ranking.classes[unit.code],
                unit.pk,
                group,
            )
        )
    return rows
