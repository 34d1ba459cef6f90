"""Where the planning pages' uncertain figures come from: each unit's monthly dossier rates
(the data-scored criteria) and the survey module's estimates with their intervals (the
survey-scored criteria).
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from parindex.dossiers.selectors import indicator_table
from parindex.engine import Framework, Node
from parindex.periods.models import UnitGroup
from parindex.planning import MonthFigure
from parindex.questionnaires.models import (
    Response,
    ResponseReview,
    SamplingTarget,
    Survey,
    SurveyState,
)
from parindex.questionnaires.selectors import survey_results
from parindex.servicedata.data_criteria import canonical_indicator
from parindex.servicedata.indicators import RATES_BY_NAME

RATE_RULES = ("ratio", "bands")


# --- data-scored criteria: monthly dossier rates -----------------------------------------------


def month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def default_as_of(year: int, today: datetime.date | None = None) -> datetime.date:
    """The end of the last complete month before `today`, within `year` (its 31/12 once the
    year is over; its 31/01 before its first month is complete)."""
    today = today or timezone.localdate()
    if today.year > year:
        return datetime.date(year, 12, 31)
    if today.year < year or today.month == 1:
        return datetime.date(year, 1, 31)
    return month_end(year, today.month - 1)


def months_elapsed(year: int, as_of: datetime.date) -> int:
    if as_of.year > year:
        return 12
    if as_of.year < year:
        return 0
    return as_of.month if as_of == month_end(year, as_of.month) else as_of.month - 1


def dossier_rate(node: Node) -> str | None:
    """The dossier rate a data-scored leaf reads over its assessment year, or None (a feed, a
    period of its own, a rule that is not a rate)."""
    if node.source != "data" or node.rule is None or node.rule.name not in RATE_RULES:
        return None
    written, _, period = node.indicator.partition("@")
    name = canonical_indicator(written)
    return name if name in RATES_BY_NAME and not period.strip() else None


def data_nodes(framework: Framework) -> dict[str, str]:
    """Data-scored leaves read from a yearly dossier rate: code → rate name."""
    found = {}
    for node in framework.leaves():
        rate = dossier_rate(node)
        if rate is not None and node.kind == "standard":
            found[node.code] = rate
    return found


MonthlySeries = dict[str, dict[str, list[MonthFigure]]]  # unit → rate → months


def monthly_series(
    units: Iterable[str], rates: Iterable[str], year: int, as_of: datetime.date
) -> MonthlySeries:
    """Each unit's monthly figures of each rate, January to `as_of` (one indicator query)."""
    wanted = set(rates)
    series: MonthlySeries = {unit: {rate: [] for rate in wanted} for unit in units}
    months = months_elapsed(year, as_of)
    if not wanted or not series or months == 0:
        return series
    table = indicator_table(
        datetime.date(year, 1, 1), month_end(year, months), ("unit", "month")
    ).table
    for row in table.rows:
        unit = row.keys.get("unit_code")
        if unit not in series or row.period.start.year != year:
            continue
        for rate in wanted:
            fraction = row.fraction(rate)
            if fraction is not None:
                series[unit][rate].append(MonthFigure(row.period.start.month, *fraction))
    return series


# --- survey-scored criteria: the survey module's estimates -----------------------------------


@dataclass(frozen=True)
class SurveyFigure:
    """A unit's survey estimate for one node: rate, its interval, its standard error (all %),
    and the points the interval spans."""

    rate: Decimal
    low: Decimal
    high: Decimal
    standard_error: float
    points: Decimal | None
    points_low: Decimal | None
    points_high: Decimal | None
    n: int


SurveyFigures = dict[str, dict[str, SurveyFigure]]  # unit → node → figure


def group_surveys(group: UnitGroup) -> list[Survey]:
    return list(
        Survey.objects.filter(
            period_id=group.period_id,
            framework_id=group.framework_id,
            state__in=(SurveyState.OPEN, SurveyState.CLOSED),
        ).order_by("pk")
    )


def surveys_version(surveys: Iterable[Survey]) -> list[Any]:
    """What the surveys' results depend on, in three aggregate queries per survey."""
    parts: list[Any] = []
    for survey in surveys:
        responses = Response.objects.filter(survey=survey).aggregate(
            count=Count("id"), last=Max("id"), excluded=Count("id", filter=Q(excluded=True))
        )
        reviews = ResponseReview.objects.filter(response__survey=survey).aggregate(
            count=Count("id"), last=Max("id")
        )
        targets = SamplingTarget.objects.filter(survey=survey).aggregate(
            count=Count("id"), population=Sum("population")
        )
        parts.append((survey.pk, survey.state, str(survey.confidence), responses, reviews, targets))
    return parts


def survey_figures(group: UnitGroup, units: Iterable[str]) -> SurveyFigures:
    """Every unit's survey estimates for the group's survey-scored leaves (the first survey
    that gives a node wins when several cover the group)."""
    wanted = set(units)
    figures: SurveyFigures = {unit: {} for unit in wanted}
    for survey in group_surveys(group):
        outcome = survey_results(survey)
        if outcome.results is None:
            continue
        z = statistics.NormalDist().inv_cdf((1 + float(survey.confidence)) / 2)
        for estimate in outcome.results.units:
            if estimate.unit not in wanted:
                continue
            for code, node in estimate.nodes.items():
                if node.rate is None or node.rate_low is None or node.rate_high is None:
                    continue
                if code in figures[estimate.unit]:
                    continue
                error = float(node.rate_high - node.rate_low) / (2 * z) if z > 0 else 0.0
                figures[estimate.unit][code] = SurveyFigure(
                    rate=node.rate,
                    low=node.rate_low,
                    high=node.rate_high,
                    standard_error=max(error, 0.0),
                    points=node.points,
                    points_low=node.points_low,
                    points_high=node.points_high,
                    n=node.n,
                )
    return figures
