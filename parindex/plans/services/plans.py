"""Writes of the saved plans and the province's effort settings: save, recompute, delete, a
plan row made a task in one step, the Excel export as a job. Every change is audited.

Services trust their callers: every page and command asks `parindex.policy` first.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.audit.services import audit_record, diff, snapshot
from parindex.criteria.models import Framework
from parindex.engine import format_number
from parindex.jobs.models import Job
from parindex.jobs.runner import submit
from parindex.periods.models import UnitGroup
from parindex.planning import PlanningError
from parindex.plans.models import Plan, PlanSettings
from parindex.plans.selectors.data import group_data
from parindex.plans.selectors.planner import (
    PlanOutcome,
    TargetError,
    parse_target,
    plan_rows,
    standing_json,
    target_text,
    unit_plan,
)
from parindex.tasks.models import Task, TaskPriority, TaskSource
from parindex.tasks.services import TaskSourceRef, task_create_from
from parindex.units.models import Unit

EXCEL_JOB = "plans.excel"
_PLAN_FIELDS = ("title", "target_kind", "target_value", "costs", "fixed", "as_of", "note")
_SETTINGS_FIELDS = ("rule_costs", "node_costs", "responsible", "data_uncertainty", "warning_index")


class PlanError(Exception):
    """A plan cannot be made or changed as asked; the message says why, in the user's language."""


def compute(
    *,
    group: UnitGroup,
    unit: Unit,
    target_kind: str,
    target_value: str,
    costs: Mapping[str, Decimal] | None = None,
    fixed: Sequence[str] = (),
    as_of: datetime.date | None = None,
) -> PlanOutcome:
    """The plan now (nothing saved), or `PlanError` saying why there is none."""
    data = group_data(group)
    if unit.code not in data.inputs:
        raise PlanError(gettext("Đơn vị chưa có kết quả trong nhóm này."))
    try:
        target = parse_target(data.framework, target_kind, target_value, len(data.inputs))
        return unit_plan(data, unit.code, target, plan_costs=costs, fixed=fixed, as_of=as_of)
    except (TargetError, PlanningError) as error:
        raise PlanError(str(error)) from None


def _fill(plan: Plan, outcome: PlanOutcome) -> None:
    plan.reachable = outcome.plan.reachable
    plan.needed_total = outcome.plan.needed_total
    plan.effort = outcome.plan.effort
    plan.before = standing_json(outcome.plan.before)
    plan.after = standing_json(outcome.plan.after)
    plan.steps = plan_rows(outcome)
    plan.as_of = outcome.as_of
    plan.computed_at = timezone.now()


def _plain_costs(costs: Mapping[str, Decimal] | None) -> dict[str, str]:
    return {code: str(value) for code, value in (costs or {}).items()}


def plan_save(
    *,
    actor: User,
    group: UnitGroup,
    unit: Unit,
    target_kind: str,
    target_value: str,
    title: str = "",
    note: str = "",
    costs: Mapping[str, Decimal] | None = None,
    fixed: Sequence[str] = (),
    as_of: datetime.date | None = None,
) -> Plan:
    """Compute the unit's plan and keep it, with what it was asked."""
    outcome = compute(
        group=group,
        unit=unit,
        target_kind=target_kind,
        target_value=target_value,
        costs=costs,
        fixed=fixed,
        as_of=as_of,
    )
    plan = Plan(
        group=group,
        unit=unit,
        title=(title.strip() or default_title(target_kind, target_value))[:200],
        target_kind=target_kind,
        target_value=target_value.strip(),
        costs=_plain_costs(costs),
        fixed=sorted(set(fixed)),
        note=note.strip(),
        created_by=actor,
    )
    _fill(plan, outcome)
    with transaction.atomic():
        plan.save()
        audit_record(
            actor=actor,
            action="create",
            instance=plan,
            changes={"plan": [None, snapshot(plan, (*_PLAN_FIELDS, "effort", "reachable"))]},
            scope=unit,
        )
    return plan


def default_title(target_kind: str, target_value: str) -> str:
    return gettext("Kế hoạch đạt %(target)s") % {"target": target_text(target_kind, target_value)}


def plan_update(
    *,
    actor: User,
    plan: Plan,
    version: int,
    title: str,
    note: str,
    target_kind: str,
    target_value: str,
    costs: Mapping[str, Decimal] | None,
    fixed: Sequence[str],
) -> Plan:
    """New costs, target or held leaves: the plan is computed again (optimistic locking)."""
    if version != plan.version:
        raise PlanError(gettext("Kế hoạch vừa được người khác sửa; hãy tải lại trang."))
    before = snapshot(plan, _PLAN_FIELDS)
    outcome = compute(
        group=plan.group,
        unit=plan.unit,
        target_kind=target_kind,
        target_value=target_value,
        costs=costs,
        fixed=fixed,
        as_of=None,
    )
    plan.title = (title.strip() or plan.title)[:200]
    plan.note = note.strip()
    plan.target_kind = target_kind
    plan.target_value = target_value.strip()
    plan.costs = _plain_costs(costs)
    plan.fixed = sorted(set(fixed))
    _fill(plan, outcome)
    with transaction.atomic():
        updated = Plan.objects.filter(pk=plan.pk, version=version).update(
            **{
                name: getattr(plan, name)
                for name in (
                    *_PLAN_FIELDS,
                    "reachable",
                    "needed_total",
                    "effort",
                    "before",
                    "after",
                    "steps",
                    "computed_at",
                )
            },
            version=version + 1,
            updated_at=timezone.now(),
        )
        if not updated:
            raise PlanError(gettext("Kế hoạch vừa được người khác sửa; hãy tải lại trang."))
        plan.version = version + 1
        audit_record(
            actor=actor,
            action="update",
            instance=plan,
            changes=diff(before, snapshot(plan, _PLAN_FIELDS)),
            scope=plan.unit,
        )
    return plan


def plan_delete(*, actor: User, plan: Plan) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="delete",
            instance=plan,
            changes={"plan": [snapshot(plan, _PLAN_FIELDS), None]},
            scope=plan.unit,
        )
        plan.delete()


def step_source(plan: Plan, code: str) -> TaskSourceRef:
    """A plan row as the source of a task: the unit, the criterion, from → to points."""
    step = next((row for row in plan.steps if row.get("code") == code), None)
    if step is None:
        raise PlanError(gettext("Kế hoạch không có mục «%(code)s».") % {"code": code})
    title = gettext("Nâng điểm tiêu chí %(code)s: %(title)s") % {
        "code": code,
        "title": step.get("title", ""),
    }
    description = gettext(
        "Theo kế hoạch «%(plan)s»: từ %(from)s lên %(to)s điểm (tối đa %(max)s), %(entry)s. "
        "Phụ trách: %(responsible)s."
    ) % {
        "plan": plan.title,
        "from": format_number(Decimal(step["from"])),
        "to": format_number(Decimal(step["to"])),
        "max": format_number(Decimal(step.get("max") or step["to"])),
        "entry": step.get("entry") or "—",
        "responsible": step.get("responsible") or plan.unit.name,
    }
    return TaskSourceRef(
        kind=TaskSource.PLAN,
        ref=f"plan:{plan.pk}:{code}",
        unit=plan.unit,
        title=title[:300],
        description=description,
        node_codes=(code,),
        framework=plan.group.framework,
        period=plan.group.period,
        detail={"plan": plan.pk, "step": dict(step)},
    )


def plan_step_task(
    *,
    actor: User,
    plan: Plan,
    code: str,
    deadline: datetime.date,
    priority: str = TaskPriority.NORMAL,
) -> Task:
    """A plan row made a task of the unit in one step (`tasks.services.task_create_from`);
    `TaskError` when the unit already has an open task from this row."""
    return task_create_from(
        source=step_source(plan, code), actor=actor, deadline=deadline, priority=priority
    )


def step_tasks(plan: Plan) -> dict[str, Task]:
    """The tasks made from the plan's rows, by node code (the latest of each)."""
    prefix = f"plan:{plan.pk}:"
    found: dict[str, Task] = {}
    for task in Task.objects.filter(source_ref__startswith=prefix).order_by("created_at", "pk"):
        found[task.source_ref.removeprefix(prefix)] = task
    return found


def plan_export_start(*, actor: User, plan: Plan) -> Job:
    return submit(
        kind=EXCEL_JOB,
        title=gettext("Kế hoạch nâng hạng (Excel): %(unit)s — %(title)s")
        % {"unit": plan.unit.name, "title": plan.title},
        params={"plan": plan.pk},
        user=actor,
    )


# --- the province's effort model ----------------------------------------------------------------


def settings_save(
    *,
    actor: User,
    framework: Framework,
    rule_costs: Mapping[str, Decimal],
    node_costs: Mapping[str, Decimal],
    responsible: Mapping[str, str],
    data_uncertainty: bool,
    warning_index: Decimal | None,
) -> PlanSettings:
    settings, _ = PlanSettings.objects.get_or_create(framework=framework)
    before = snapshot(settings, _SETTINGS_FIELDS)
    settings.rule_costs = {rule: str(value) for rule, value in rule_costs.items()}
    settings.node_costs = {code: str(value) for code, value in node_costs.items()}
    settings.responsible = {
        code: text.strip() for code, text in responsible.items() if text.strip()
    }
    settings.data_uncertainty = data_uncertainty
    settings.warning_index = warning_index
    settings.updated_by = actor
    changes = diff(before, snapshot(settings, _SETTINGS_FIELDS))
    if not changes:
        return settings
    with transaction.atomic():
        settings.version += 1
        settings.save()
        audit_record(actor=actor, action="update", instance=settings, changes=changes)
    return settings


def plan_json(plan: Plan) -> dict[str, Any]:
    """A saved plan as plain values (the command's and the export's shape)."""
    return {
        "plan": plan.pk,
        "title": plan.title,
        "unit": {"code": plan.unit.code, "name": plan.unit.name},
        "group": {"code": plan.group.code, "name": plan.group.name, "year": plan.group.period.year},
        "target": {"kind": plan.target_kind, "value": plan.target_value},
        "reachable": plan.reachable,
        "needed_total": str(plan.needed_total),
        "effort": str(plan.effort),
        "before": plan.before,
        "after": plan.after,
        "steps": plan.steps,
        "as_of": plan.as_of.isoformat() if plan.as_of else None,
        "computed_at": timezone.localtime(plan.computed_at).isoformat(timespec="seconds"),
    }
