"""The demo province's planning pages (generated data, labelled as such): the province's effort
settings, a saved plan that takes a commune up one class with the least effort (one of its rows
already a task), what-if scenarios, the rank intervals of the 2025 groups, the projection at
the end of June 2025 with its backtest against the year's figures, and the early warnings it
raises (notified to the units and their appraisers)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone

from parindex.accounts.models import User
from parindex.periods.models import UnitGroup
from parindex.plans.models import Plan, TargetKind
from parindex.plans.selectors.data import group_data
from parindex.plans.services.monitoring import projection_run, uncertainty_compute
from parindex.plans.services.plans import (
    PlanError,
    compute,
    plan_save,
    plan_step_task,
    settings_save,
)
from parindex.plans.services.scenarios import scenario_create

JUNE = datetime.date(2025, 6, 30)
# The commune tried first for the demo plan (the demo's own commune logins belong to X001).
PREFERRED = "X005"


def _class_up_plan(group: UnitGroup, actor: User) -> Plan | None:
    """A commune that one class up needs little: the preferred one if it can, else the one
    closest below its next class whose plan is reachable."""
    data = group_data(group)
    if data.ranking is None:
        return None
    bands = sorted(data.framework.info.class_bands, key=lambda band: band.min_percent)
    candidates = []
    for code, result in data.ranking.results.items():
        higher = [band for band in bands if band.min_percent > result.index]
        if higher:
            candidates.append((code != PREFERRED, higher[0].min_percent - result.index, code))
    for _, _, code in sorted(candidates):
        label = next(
            band.label for band in bands if band.min_percent > data.ranking.results[code].index
        )
        unit = data.units[code]
        try:
            outcome = compute(
                group=group, unit=unit, target_kind=TargetKind.CLASS, target_value=label
            )
        except PlanError:
            continue
        if not outcome.plan.reachable or not outcome.plan.steps:
            continue
        return plan_save(
            actor=actor,
            group=group,
            unit=unit,
            target_kind=TargetKind.CLASS,
            target_value=label,
            title=f"Lên loại {label} năm 2025 với ít công sức nhất (minh họa)",
            note="Kế hoạch minh họa trên dữ liệu sinh tự động.",
        )
    return None


def _typed(values: dict[str, object]) -> str:
    """A planned entry as a what-if value is typed."""
    if "option" in values:
        return str(values["option"])
    if "value" in values:
        return "có" if values["value"] else "không"
    key = next(iter(values))
    return str(values[key])


def _plan_changes(plan: Plan) -> list[dict[str, str]]:
    """The saved plan's entries as what-if changes of its unit."""
    outcome = compute(
        group=plan.group,
        unit=plan.unit,
        target_kind=plan.target_kind,
        target_value=plan.target_value,
    )
    return [
        {
            "type": "set",
            "unit": plan.unit.code,
            "node": step.code,
            "value": _typed(dict(step.values)),
        }
        for step in outcome.plan.steps
    ]


def load_demo_plans(log: Callable[[str], None] = print) -> None:
    appraiser = User.objects.filter(username="thamdinh").first()
    communes = UnitGroup.objects.filter(period__year=2025, code="cap-xa").first()
    departments = UnitGroup.objects.filter(period__year=2025, code="so-nganh").first()
    if appraiser is None or communes is None or departments is None:
        return
    # The departments' data-scored rates carry a binomial error in the rank intervals.
    settings_save(
        actor=appraiser,
        framework=departments.framework,
        rule_costs={},
        node_costs={},
        responsible={"11.1": "Bộ phận Một cửa của đơn vị", "24.2": "Bộ phận Một cửa của đơn vị"},
        data_uncertainty=True,
        warning_index=None,
    )
    plan = _class_up_plan(communes, appraiser)
    if plan is not None:
        first = plan.steps[0]["code"]
        plan_step_task(
            actor=appraiser,
            plan=plan,
            code=first,
            deadline=timezone.localdate() + datetime.timedelta(days=30),
        )
        log(
            f"Demo plan: {plan.unit.name} {plan.before['class']} → {plan.after['class']} "
            f"(effort {plan.effort}, {len(plan.steps)} criteria; a task from criterion {first})."
        )
    scenario_create(
        actor=appraiser,
        group=communes,
        name="Tăng trọng số khảo sát hài lòng (minh họa)",
        description="Thiết kế bộ tiêu chí năm sau: lĩnh vực VIII × 1,2; bỏ tiêu chí 29 "
        "(chưa có câu hỏi khảo sát).",
        changes=[
            {"type": "scale", "node": "VIII", "factor": "1,2"},
            {"type": "remove", "node": "29"},
        ],
    )
    if plan is not None:
        scenario_create(
            actor=appraiser,
            group=communes,
            name=f"{plan.unit.name} thực hiện kế hoạch lên loại (minh họa)",
            description="Các mục nhập của kế hoạch đã lưu, trong bảng xếp hạng của cả nhóm.",
            changes=_plan_changes(plan),
        )
    for group in (communes, departments):
        interval = uncertainty_compute(group)
        report = projection_run(group, JUNE)
        backtest = report.run.backtest or {}
        log(
            f"Demo {group.name}: rank intervals for {len(interval.units)} units "
            f"({interval.draws} draws, {interval.seconds:.2f} s); projection at {JUNE:%d/%m/%Y}: "
            f"backtest mean absolute error {backtest.get('mae_points')} points, class right "
            f"{backtest.get('class_right')}; {len(report.warnings)} early warnings."
        )
