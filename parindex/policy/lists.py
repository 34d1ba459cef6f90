"""Row scoping: what a user may see in a list."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from parindex.criteria.models import Framework, FrameworkStatus
from parindex.periods.models import AssessmentPeriod, UnitGroup
from parindex.policy.capabilities import can
from parindex.policy.objects import may_view_results
from parindex.questionnaires.models import Survey, SurveyState
from parindex.units.models import Unit

# --- row scoping: what a user may see in a list ---------------------------------------------


def visible_units(user: Any, units: QuerySet[Unit]) -> QuerySet[Unit]:
    """Provincial roles see every unit, unit users their own."""
    return units if can(user, "units.view_all") else units.filter(pk=user.unit_id)


def visible_frameworks(user: Any, frameworks: QuerySet[Framework]) -> QuerySet[Framework]:
    """Published frameworks for everyone; drafts for Home Affairs and the council."""
    if can(user, "frameworks.view_drafts"):
        return frameworks
    return frameworks.filter(status=FrameworkStatus.PUBLISHED)


def visible_surveys(user: Any, surveys: QuerySet[Survey]) -> QuerySet[Survey]:
    """Every survey for provincial roles; unit users see collecting or closed surveys that
    cover their unit."""
    if can(user, "surveys.view_all"):
        return surveys
    groups = UnitGroup.objects.filter(units=user.unit_id).values_list("period_id", "framework_id")
    covered = Q(pk__in=[])
    for period_id, framework_id in groups:
        covered |= Q(period_id=period_id, framework_id=framework_id)
    return surveys.filter(covered).exclude(state=SurveyState.DRAFT)


def visible_survey_units(user: Any, units: QuerySet[Unit]) -> QuerySet[Unit]:
    """The units of a survey whose figures the user may see (unit users: their own)."""
    return units if can(user, "surveys.view_all") else units.filter(pk=user.unit_id)


def dossier_unit_code(user: Any) -> str | None:
    """Service data: None when the user sees every unit's rows, else the code of the one unit
    whose rows they may see ("" for a user without a unit, who then sees none)."""
    if can(user, "dossiers.view_all"):
        return None
    unit = getattr(user, "unit", None)
    return unit.code if unit is not None else ""


def visible_result_periods(
    user: Any, periods: QuerySet[AssessmentPeriod] | list[AssessmentPeriod]
) -> list[AssessmentPeriod]:
    """The periods whose results the user may see, in the given order."""
    return [period for period in periods if may_view_results(user, period)]


def may_view_previous_year(
    user: Any, period: AssessmentPeriod, periods: list[AssessmentPeriod] | None = None
) -> bool:
    """Whether result pages of `period` may show the year before's figures to `user`.
    `periods`: every period, when the caller has read them already (not asked again)."""
    if periods is None:
        previous = AssessmentPeriod.objects.filter(year=period.year - 1).first()
    else:
        previous = next((each for each in periods if each.year == period.year - 1), None)
    return previous is not None and may_view_results(user, previous)
