"""Winning points back: the index, the rank-gain planner of a unit, saved plans (a row made a
task in one step, the Excel export as a job). Scenarios are in `views_whatif`, rank intervals,
projections, warnings, sensitivity and the effort settings in `views_watch`.

Permissions: `parindex.policy` (`plan_unit_for`, `plan_for`, `may_save_plan`, …).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from parindex.assessments.selectors import engine_for_group
from parindex.common.dates import parse_date_param
from parindex.periods.models import PeriodStatus, UnitGroup
from parindex.plans.models import EarlyWarning, Plan, TargetKind
from parindex.plans.selectors.data import GroupData, group_data
from parindex.plans.selectors.effort import unit_effort
from parindex.plans.selectors.planner import PlanOutcome, plan_rows, standing_json, target_text
from parindex.plans.selectors.sources import default_as_of, month_end
from parindex.plans.services import plans as services
from parindex.policy import (
    can,
    may_save_plan,
    may_view_results,
    plan_for,
    plan_unit_for,
    visible_plans,
    visible_result_periods,
    visible_warnings,
)
from parindex.results import selectors as results
from parindex.results.charts import class_colours
from parindex.tasks.models import TaskPriority
from parindex.tasks.services import TaskError
from parindex.web.http import AuthedRequest, query_id

TASK_DAYS = 30


def rule_names() -> dict[str, str]:
    """The rules' kinds in a word or two (the effort table's column)."""
    return {
        "boolean": gettext("Có/không"),
        "choice": gettext("Chọn phương án"),
        "ratio": gettext("Tỷ lệ"),
        "bands": gettext("Mức tỷ lệ"),
        "deduction": gettext("Trừ điểm"),
        "manual": gettext("Chấm trực tiếp"),
    }


# --- the index ------------------------------------------------------------------------------------


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    user = request.user
    periods = visible_result_periods(user, results.result_periods())
    provincial = can(user, "plans.view_all") or can(user, "plans.scenarios")
    rows = []
    for period in periods:
        for group in period.groups.all().order_by("position", "name"):
            units: list[Any] = []
            if can(user, "plans.view_all"):
                units = list(group.units.filter(assessments__group=group).order_by("name"))
            elif user.unit_id and group.units.filter(pk=user.unit_id).exists():
                units = [user.unit]
            if units or provincial:
                rows.append({"group": group, "period": period, "units": units})
    plans = visible_plans(user, Plan.objects.select_related("unit", "group__period"))[:50]
    warnings = visible_warnings(user, EarlyWarning.objects.all()).count()
    return render(
        request,
        "plans/index.html",
        {
            "rows": rows,
            "plans": plans,
            "warning_count": warnings,
            "sees_warnings": can(user, "plans.view_all") or bool(user.unit_id),
            "can_national": can(user, "national.view"),
        },
    )


@login_required
def pick(request: AuthedRequest) -> HttpResponse:
    """The index's "plan for this unit" form: to the planner of the chosen unit."""
    group_pk, unit_pk = query_id(request.GET, "group"), query_id(request.GET, "unit")
    if group_pk is None or unit_pk is None:
        return redirect("plans:index")
    group, unit = plan_unit_for(request.user, group_pk, unit_pk)
    return redirect("plans:planner", group=group.pk, unit=unit.pk)


# --- the planner ------------------------------------------------------------------------------


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() and value >= 0 else None


def _as_of(params: QueryDict, group: UnitGroup) -> datetime.date:
    latest = default_as_of(group.period.year)
    month = params.get("as_of_month", "")
    if month.isdigit() and 1 <= int(month) <= 12:
        chosen = month_end(group.period.year, int(month))
        return min(chosen, latest)
    return latest


def _costs(
    params: QueryDict, defaults: Mapping[str, Decimal]
) -> tuple[dict[str, Decimal], list[str]]:
    """The costs a person changed from the defaults, and the refused values."""
    costs: dict[str, Decimal] = {}
    refused: list[str] = []
    for key in params:
        value = params.get(key, "")
        if not key.startswith("cost-") or not value.strip():
            continue
        code = key.removeprefix("cost-")
        if code not in defaults:
            continue
        number = _decimal(value)
        if number is None:
            refused.append(code)
        elif number != defaults[code]:
            costs[code] = number
    return costs, refused


def _default_target(data: GroupData, unit: str) -> tuple[str, str]:
    """The next class up when there is one, else one rank up, else the first rank."""
    assert data.ranking is not None
    bands = sorted(data.framework.info.class_bands, key=lambda band: band.min_percent)
    current = data.ranking.results[unit].index
    higher = [band.label for band in bands if band.min_percent > current]
    if higher:
        return TargetKind.CLASS, higher[0]
    rank = data.ranking.ranks[unit]
    return TargetKind.RANK, str(max(1, rank - 1))


def _month_choices(group: UnitGroup) -> list[int]:
    latest = default_as_of(group.period.year)
    return list(range(1, latest.month + 1)) if latest.year == group.period.year else []


@login_required
def planner(request: AuthedRequest, group: int, unit: int) -> HttpResponse:
    chosen_group, chosen_unit = plan_unit_for(request.user, group, unit)
    data = group_data(chosen_group)
    if data.ranking is None or chosen_unit.code not in data.ranking.results:
        raise Http404
    params = request.GET
    kind, value = params.get("target_kind", ""), params.get("target_value", "")
    if not kind:
        kind, value = _default_target(data, chosen_unit.code)
    as_of = _as_of(params, chosen_group)
    _, defaults = unit_effort(data, chosen_unit.code, as_of=as_of)
    costs, refused = _costs(params, {line.code: line.cost for line in defaults})
    held = [code for code in params.getlist("hold") if code in data.framework.nodes]
    outcome: PlanOutcome | None = None
    error = ""
    if refused:
        error = gettext("Công sức mỗi điểm phải là số không âm (mục %(codes)s).") % {
            "codes": ", ".join(refused)
        }
    else:
        try:
            outcome = services.compute(
                group=chosen_group,
                unit=chosen_unit,
                target_kind=kind,
                target_value=value,
                costs=costs,
                fixed=held,
                as_of=as_of,
            )
        except services.PlanError as problem:
            error = str(problem)
    lines = outcome.lines if outcome is not None else defaults
    return render(
        request,
        "plans/planner.html",
        {
            "group": chosen_group,
            "unit": chosen_unit,
            "framework": data.framework,
            "size": len(data.inputs),
            "target_kind": kind,
            "target_value": value,
            "target_text": target_text(kind, value) if value else "",
            "class_labels": [band.label for band in data.framework.info.class_bands],
            "outcome": outcome,
            "before": standing_json(outcome.plan.before) if outcome is not None else None,
            "after": standing_json(outcome.plan.after) if outcome is not None else None,
            "colours": class_colours(data.framework.info.class_bands),
            "rows": plan_rows(outcome) if outcome is not None else [],
            "lines": lines,
            "held": set(held),
            "as_of": as_of,
            "months": _month_choices(chosen_group),
            "error": error,
            "rule_names": rule_names(),
            "can_save": may_save_plan(request.user, chosen_unit),
            "saved_costs": json.dumps({code: str(cost) for code, cost in costs.items()}),
            "can_national": can(request.user, "national.view"),
            "scorecard": reverse("results:scorecard", args=[chosen_group.pk, chosen_unit.pk]),
            "demo_note": chosen_group.period.status != PeriodStatus.PUBLISHED,
        },
    )


def _posted_costs(text: str) -> dict[str, Decimal]:
    try:
        raw = json.loads(text or "{}")
    except ValueError:
        return {}
    costs = {}
    for code, value in raw.items() if isinstance(raw, dict) else ():
        number = _decimal(str(value))
        if number is not None:
            costs[str(code)] = number
    return costs


@login_required
@require_POST
def save(request: AuthedRequest, group: int, unit: int) -> HttpResponse:
    chosen_group, chosen_unit = plan_unit_for(request.user, group, unit)
    if not may_save_plan(request.user, chosen_unit):
        raise Http404
    post = request.POST
    as_of = _as_of(post, chosen_group)
    try:
        plan = services.plan_save(
            actor=request.user,
            group=chosen_group,
            unit=chosen_unit,
            target_kind=post.get("target_kind", ""),
            target_value=post.get("target_value", ""),
            title=post.get("title", ""),
            note=post.get("note", ""),
            costs=_posted_costs(post.get("costs", "")),
            fixed=post.getlist("hold"),
            as_of=as_of,
        )
    except services.PlanError as error:
        messages.error(request, str(error))
        return redirect("plans:planner", group=chosen_group.pk, unit=chosen_unit.pk)
    messages.success(request, gettext("Đã lưu kế hoạch «%(title)s».") % {"title": plan.title})
    return redirect("plans:detail", pk=plan.pk)


# --- saved plans --------------------------------------------------------------------------------


@login_required
def plan_list(request: AuthedRequest) -> HttpResponse:
    plans = visible_plans(
        request.user, Plan.objects.select_related("unit", "group__period", "created_by")
    )
    return render(request, "plans/list.html", {"plans": plans[:200]})


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = plan_for(request.user, pk)
    tasks = services.step_tasks(plan)
    can_task = can(request.user, "tasks.manage") and can(request.user, "plans.manage")
    steps = [{**step, "task": tasks.get(step["code"])} for step in plan.steps]
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "steps": steps,
            "target_text": target_text(plan.target_kind, plan.target_value),
            "can_edit": may_save_plan(request.user, plan.unit_id),
            "can_task": can_task,
            "deadline": timezone.localdate() + datetime.timedelta(days=TASK_DAYS),
            "priorities": TaskPriority.choices,
            "results_visible": may_view_results(request.user, plan.group.period),
            "colours": class_colours(engine_for_group(plan.group).info.class_bands),
            "planner_query": _planner_query(plan),
        },
    )


def _planner_query(plan: Plan) -> str:
    query = QueryDict(mutable=True)
    query["target_kind"] = plan.target_kind
    query["target_value"] = plan.target_value
    for code, cost in (plan.costs or {}).items():
        query[f"cost-{code}"] = str(cost)
    query.setlist("hold", list(plan.fixed or []))
    return query.urlencode()


@login_required
@require_POST
def recompute(request: AuthedRequest, pk: int) -> HttpResponse:
    """The plan again, on today's entries and data (same target, costs and held leaves)."""
    plan = plan_for(request.user, pk, write=True)
    version = query_id(request.POST, "version") or 0
    try:
        services.plan_update(
            actor=request.user,
            plan=plan,
            version=version,
            title=request.POST.get("title", plan.title),
            note=request.POST.get("note", plan.note),
            target_kind=plan.target_kind,
            target_value=plan.target_value,
            costs=_posted_costs(json.dumps(plan.costs)),
            fixed=list(plan.fixed or []),
        )
    except services.PlanError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, gettext("Đã tính lại kế hoạch theo số liệu hiện tại."))
    return redirect("plans:detail", pk=plan.pk)


@login_required
@require_POST
def delete(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = plan_for(request.user, pk, write=True)
    services.plan_delete(actor=request.user, plan=plan)
    messages.success(request, gettext("Đã xóa kế hoạch «%(title)s».") % {"title": plan.title})
    return redirect("plans:list")


@login_required
@require_POST
def export(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = plan_for(request.user, pk)
    job = services.plan_export_start(actor=request.user, plan=plan)
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def step_task(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    """A plan row made a task of the unit in one step (Home Affairs assigns tasks)."""
    plan = plan_for(request.user, pk)
    if not (can(request.user, "tasks.manage") and can(request.user, "plans.manage")):
        raise Http404
    deadline = parse_date_param(request.POST.get("deadline", "")) or (
        timezone.localdate() + datetime.timedelta(days=TASK_DAYS)
    )
    priority = request.POST.get("priority", TaskPriority.NORMAL)
    if priority not in TaskPriority.values:
        priority = TaskPriority.NORMAL
    try:
        task = services.plan_step_task(
            actor=request.user, plan=plan, code=code, deadline=deadline, priority=priority
        )
    except (services.PlanError, TaskError) as error:
        messages.error(request, str(error))
        return redirect("plans:detail", pk=plan.pk)
    messages.success(request, gettext("Đã giao nhiệm vụ cho %(unit)s.") % {"unit": task.unit.name})
    return redirect("tasks:detail", pk=task.pk)
