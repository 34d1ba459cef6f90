"""Assessment periods with their deadlines and unit groups."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from parindex import policy
from parindex.api.auth import token, user_of
from parindex.api.routers.common import Id, responses
from parindex.periods.models import AssessmentPeriod
from parindex.periods.selectors import period_list

router = Router(tags=["Kỳ đánh giá"])
AUTH = token("periods.read")


class GroupOut(Schema):
    id: int
    code: str
    name: str
    framework_id: int
    framework_code: str
    units: list[str]


class PeriodOut(Schema):
    id: int
    year: int
    name: str
    status: str
    self_assessment_opens: datetime.datetime
    self_assessment_closes: datetime.datetime
    explanation_closes: datetime.datetime
    appraisal_closes: datetime.datetime
    publication_date: datetime.date
    decision_number: str
    decision_date: datetime.date | None
    groups: list[GroupOut]


def period_body(period: AssessmentPeriod) -> dict[str, Any]:
    groups = sorted(period.groups.all(), key=lambda group: (group.position, group.name))
    return {
        "id": period.pk,
        "year": period.year,
        "name": period.name,
        "status": period.status,
        "self_assessment_opens": period.self_assessment_opens,
        "self_assessment_closes": period.self_assessment_closes,
        "explanation_closes": period.explanation_closes,
        "appraisal_closes": period.appraisal_closes,
        "publication_date": period.publication_date,
        "decision_number": period.decision_number,
        "decision_date": period.decision_date,
        "groups": [
            {
                "id": group.pk,
                "code": group.code,
                "name": group.name,
                "framework_id": group.framework_id,
                "framework_code": group.framework.code,
                "units": sorted(unit.code for unit in group.units.all()),
            }
            for group in groups
        ],
    }


@router.get("/periods", response=responses(list[PeriodOut]), auth=AUTH, summary="Các kỳ đánh giá")
def periods(request: HttpRequest) -> list[dict[str, Any]]:
    policy.require(user_of(request), "periods.view")
    return [period_body(period) for period in period_list().prefetch_related("groups__units")]


@router.get(
    "/periods/{period_id}", response=responses(PeriodOut), auth=AUTH, summary="Một kỳ đánh giá"
)
def period(request: HttpRequest, period_id: Id) -> dict[str, Any]:
    found = policy.period_for(user_of(request), period_id)
    return period_body(
        AssessmentPeriod.objects.prefetch_related("groups__framework", "groups__units").get(
            pk=found.pk
        )
    )
