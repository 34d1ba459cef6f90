"""Winning points back: who may see and save plans, scenarios, projections and warnings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from parindex.accounts.models import User
from parindex.accounts.roles import UNIT_ROLES
from parindex.periods.models import PeriodStatus, UnitGroup
from parindex.plans.models import EarlyWarning, Plan, Scenario
from parindex.policy.capabilities import can
from parindex.policy.objects import may_view_results, result_group_for
from parindex.units.models import Unit

# --- winning points back: plans, scenarios, projections ------------------------------------


def may_plan(user: Any, unit: Unit | int) -> bool:
    """A unit's rank-gain planner: appraisers, leaders, administrators, and the unit's own
    staff."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    if can(user, "plans.view_all"):
        return True
    return bool(
        getattr(user, "is_active", False)
        and getattr(user, "role", None) in UNIT_ROLES
        and user.unit_id == unit_id
    )


def may_save_plan(user: Any, unit: Unit | int) -> bool:
    """Saving a plan (and editing its costs): the unit's own staff, or Home Affairs."""
    if can(user, "plans.manage"):
        return True
    return may_plan(user, unit) and getattr(user, "role", None) in UNIT_ROLES


def plan_unit_for(user: User, group_pk: int, unit_pk: int) -> tuple[UnitGroup, Unit]:
    """The planner of a unit in a group: the group's results are visible to the user
    (`may_view_results`: a unit plans from published results), the unit belongs to the group,
    and the user may plan for it; else 404."""
    group = result_group_for(user, group_pk)
    unit = Unit.objects.filter(pk=unit_pk, assessments__group=group).first()
    if unit is None or not may_plan(user, unit):
        raise Http404
    return group, unit


def may_view_plan(user: Any, plan: Plan) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and may_plan(user, plan.unit_id)
        and may_view_results(user, plan.group.period)
    )


def plan_for(user: User, pk: int, *, write: bool = False) -> Plan:
    """A saved plan: whoever may plan for its unit sees it; its unit's staff and Home Affairs
    change it (`write`)."""
    plan = (
        Plan.objects.select_related("unit", "group__period", "group__framework", "created_by")
        .filter(pk=pk)
        .first()
    )
    if plan is None or not may_view_plan(user, plan):
        raise Http404
    if write and not may_save_plan(user, plan.unit_id):
        raise PermissionDenied
    return plan


def visible_plans(user: Any, plans: QuerySet[Plan]) -> QuerySet[Plan]:
    if can(user, "plans.view_all"):
        return plans
    if getattr(user, "role", None) not in UNIT_ROLES:
        return plans.none()
    return plans.filter(unit_id=user.unit_id, group__period__status=PeriodStatus.PUBLISHED)


def scenario_group_for(user: User, pk: int, *, write: bool = False) -> UnitGroup:
    """A group's what-if scenarios: provincial roles read them (the group's results must be
    visible to them), Home Affairs writes them."""
    if not can(user, "plans.scenarios"):
        raise Http404
    group = result_group_for(user, pk)
    if write and not can(user, "plans.scenarios.manage"):
        raise PermissionDenied
    return group


def scenario_for(user: User, pk: int, *, write: bool = False) -> Scenario:
    scenario = Scenario.objects.select_related("group__period", "group__framework").filter(pk=pk)
    found = scenario.first()
    if found is None:
        raise Http404
    scenario_group_for(user, found.group_id, write=write)
    return found


def sensitivity_group_for(user: User, pk: int) -> UnitGroup:
    """A group's framework sensitivity: Home Affairs."""
    if not can(user, "plans.sensitivity"):
        raise Http404
    return result_group_for(user, pk)


def projection_group_for(user: User, pk: int) -> UnitGroup:
    """A group's year-end projection (every unit of it): appraisers, leaders, administrators."""
    if not can(user, "plans.view_all"):
        raise Http404
    return result_group_for(user, pk)


def visible_warnings(user: Any, warnings: QuerySet[EarlyWarning]) -> QuerySet[EarlyWarning]:
    """Every early warning for appraisers, leaders and administrators; a unit's staff see
    their own unit's."""
    if can(user, "plans.view_all"):
        return warnings
    if getattr(user, "is_active", False) and getattr(user, "role", None) in UNIT_ROLES:
        return warnings.filter(unit_id=user.unit_id)
    return warnings.none()


def warning_for(user: User, pk: int) -> EarlyWarning:
    """An early warning to make a task of: Home Affairs (who assigns tasks)."""
    if not (can(user, "plans.manage") and can(user, "tasks.manage")):
        raise Http404
    warning = (
        EarlyWarning.objects.select_related("unit", "run__group__period", "run__group__framework")
        .filter(pk=pk)
        .first()
    )
    if warning is None:
        raise Http404
    return warning
