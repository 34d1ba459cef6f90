"""Results: published rows, a group's ranking and a unit's scorecard, as the results pages
show them (published periods to everyone, live figures before publication to provincial
roles only: `policy.result_group_for`)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from parindex import policy
from parindex.api.auth import token, user_of
from parindex.api.routers.common import Id, Text, responses
from parindex.periods.models import PeriodStatus, PublishedResult
from parindex.results import selectors
from parindex.results.selectors import PreviousYear
from parindex.units.models import Unit

router = Router(tags=["Kết quả"])
AUTH = token("results.read")


class PublishedOut(Schema):
    year: int
    period_id: int
    group_id: int
    group_code: str
    group_name: str
    unit_code: str
    unit_name: str
    total: Decimal
    max_total: Decimal
    index: Decimal
    rank: int
    ranked_units: int
    class_label: str
    areas: list[dict[str, Any]]
    published_at: datetime.datetime
    decision_number: str
    amended: bool
    amendment_reason: str


class AreaOut(Schema):
    code: str
    points: Decimal | None
    rank: int | None


class PreviousOut(Schema):
    year: int
    basis: str
    note: str
    unit_code: str | None
    index: Decimal | None
    rank: int | None
    ranked_units: int | None


class RankingRowOut(Schema):
    rank: int
    unit_id: int
    unit_code: str
    unit_name: str
    total: Decimal
    max_total: Decimal
    index: Decimal
    class_label: str
    areas: list[AreaOut]
    previous: PreviousOut | None
    index_change: Decimal | None
    rank_change: int | None
    amendment_reason: str | None


class RankingOut(Schema):
    group_id: int
    group_code: str
    group_name: str
    year: int
    published: bool
    framework_code: str
    areas: list[dict[str, Any]]
    class_bands: list[dict[str, Any]]
    average_index: Decimal | None
    rows: list[RankingRowOut]
    not_ranked: list[str]


class AreaLineOut(Schema):
    code: str
    title: str
    max_points: Decimal
    points: Decimal | None
    percent: Decimal | None
    rank: int | None
    group_average_percent: Decimal | None
    change: Decimal | None


class HeadroomOut(Schema):
    code: str
    title: str
    area_code: str
    max_points: Decimal
    points: Decimal
    lost: Decimal
    quick_win: bool
    cumulative: Decimal
    reaches_next_rank: bool
    reaches_next_class: bool


class ClaimOut(Schema):
    code: str
    title: str
    self_points: Decimal
    appraised_points: Decimal
    reason: str
    comment: str


class ScorecardOut(Schema):
    group_id: int
    year: int
    published: bool
    unit_code: str
    unit_name: str
    total: Decimal
    max_total: Decimal
    index: Decimal
    rank: int
    ranked_units: int
    class_label: str
    amendment_reason: str | None
    areas: list[AreaLineOut]
    previous: PreviousOut | None
    to_next_rank: Decimal | None
    next_class: str | None
    to_next_class: Decimal | None
    headroom: list[HeadroomOut]
    claims: list[ClaimOut]


def _previous(previous: PreviousYear | None) -> dict[str, Any] | None:
    if previous is None:
        return None
    figure = previous.figure
    return {
        "year": previous.year,
        "basis": previous.basis,
        "note": previous.note,
        "unit_code": figure.unit.code if figure else None,
        "index": figure.index if figure else None,
        "rank": figure.rank if figure else None,
        "ranked_units": figure.ranked_units if figure else None,
    }


@router.get(
    "/results/published",
    response=responses(list[PublishedOut]),
    auth=AUTH,
    summary="Kết quả đã công bố",
)
def published(
    request: HttpRequest,
    year: Annotated[int | None, Query(ge=1900, le=9999)] = None,
    group: Text = "",
    unit: Text = "",
) -> list[dict[str, Any]]:
    """The published rows as they stand (a corrected row replaces the one it amends), of every
    published period the account may see."""
    periods = [
        period
        for period in policy.visible_result_periods(user_of(request), selectors.result_periods())
        if period.status == PeriodStatus.PUBLISHED
    ]
    rows = PublishedResult.objects.filter(
        period__in=periods, amendments__isnull=True
    ).select_related("period", "group", "unit")
    if year is not None:
        rows = rows.filter(period__year=year)
    if group:
        rows = rows.filter(group__code=group)
    if unit:
        rows = rows.filter(unit__code=unit)
    return [
        {
            "year": row.period.year,
            "period_id": row.period_id,
            "group_id": row.group_id,
            "group_code": row.group.code,
            "group_name": row.group.name,
            "unit_code": row.unit.code,
            "unit_name": row.unit.name,
            "total": row.total,
            "max_total": row.max_total,
            "index": row.index,
            "rank": row.rank,
            "ranked_units": row.ranked_units,
            "class_label": row.class_label,
            "areas": list(row.areas or []),
            "published_at": row.published_at,
            "decision_number": row.period.decision_number,
            "amended": row.amends_id is not None,
            "amendment_reason": row.amendment_reason,
        }
        for row in rows.order_by("-period__year", "group__position", "rank", "unit__name")
    ]


@router.get(
    "/results/groups/{group_id}/ranking",
    response=responses(RankingOut),
    auth=AUTH,
    summary="Xếp hạng một nhóm đơn vị",
)
def ranking(request: HttpRequest, group_id: Id) -> dict[str, Any]:
    """Ranks (ties share a rank), classes, area points and ranks, and the year before through
    unit lineage, as the ranking page shows them."""
    user = user_of(request)
    group = policy.result_group_for(user, group_id)
    page = selectors.ranking_page(group, policy.may_view_previous_year(user, group.period))
    framework = page.framework
    return {
        "group_id": group.pk,
        "group_code": group.code,
        "group_name": group.name,
        "year": group.period.year,
        "published": page.standing.published,
        "framework_code": framework.info.code,
        "areas": [
            {"code": area.code, "title": area.title, "max_points": area.max_points}
            for area in framework.areas
        ],
        "class_bands": [
            {"label": band.label, "min_percent": band.min_percent}
            for band in framework.info.class_bands
        ],
        "average_index": page.average_index,
        "rows": [
            {
                "rank": row.rank,
                "unit_id": row.unit.pk,
                "unit_code": row.unit.code,
                "unit_name": row.unit.name,
                "total": row.result.total,
                "max_total": row.result.max_total,
                "index": row.result.index,
                "class_label": row.class_label,
                "areas": [
                    {"code": area.code, "points": cell.points, "rank": cell.rank}
                    for area, cell in zip(framework.areas, row.areas, strict=True)
                ],
                "previous": _previous(row.previous),
                "index_change": row.index_change,
                "rank_change": row.rank_change,
                "amendment_reason": row.amendment.reason if row.amendment else None,
            }
            for row in page.rows
        ],
        "not_ranked": [unit.code for unit in page.not_ranked],
    }


@router.get(
    "/results/groups/{group_id}/scorecards/{unit_id}",
    response=responses(ScorecardOut),
    auth=AUTH,
    summary="Phiếu điểm của một đơn vị",
)
def scorecard(request: HttpRequest, group_id: Id, unit_id: Id) -> dict[str, Any]:
    """Areas against the group's average, the year before, headroom (quick wins first) and
    where the appraisal changed the unit's own scores."""
    user = user_of(request)
    group = policy.result_group_for(user, group_id)
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    card = selectors.scorecard_for(group, unit, policy.may_view_previous_year(user, group.period))
    if card is None:
        raise Http404
    return {
        "group_id": group.pk,
        "year": group.period.year,
        "published": card.standing.published,
        "unit_code": unit.code,
        "unit_name": unit.name,
        "total": card.result.total,
        "max_total": card.result.max_total,
        "index": card.result.index,
        "rank": card.rank,
        "ranked_units": card.ranked_units,
        "class_label": card.class_label,
        "amendment_reason": card.amendment.reason if card.amendment else None,
        "areas": [
            {
                "code": line.code,
                "title": line.title,
                "max_points": line.max_points,
                "points": line.points,
                "percent": line.percent,
                "rank": line.rank,
                "group_average_percent": line.average_percent,
                "change": line.change.points_change if line.change else None,
            }
            for line in card.areas
        ],
        "previous": _previous(card.previous),
        "to_next_rank": card.to_next_rank,
        "next_class": card.next_class[0] if card.next_class else None,
        "to_next_class": card.next_class[1] if card.next_class else None,
        "headroom": [
            {
                "code": line.item.code,
                "title": line.item.title,
                "area_code": line.item.area_code,
                "max_points": line.item.max_points,
                "points": line.item.points,
                "lost": line.item.lost,
                "quick_win": line.item.quick_win,
                "cumulative": line.cumulative,
                "reaches_next_rank": line.reaches_next_rank,
                "reaches_next_class": line.reaches_next_class,
            }
            for line in card.headroom
        ],
        "claims": [
            {
                "code": claim.code,
                "title": claim.title,
                "self_points": claim.self_points,
                "appraised_points": claim.appraised_points,
                "reason": claim.reason,
                "comment": claim.comment,
            }
            for claim in card.claims
        ],
    }
