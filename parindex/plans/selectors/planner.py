"""The rank-gain planner of one unit in its group, as the pages and the command show it.

`unit_plan` reads the group's entries (`data.group_data`), builds the effort model
(`effort.unit_effort`) and calls the pure planner (`parindex.planning.plan_unit`, exact MILP,
checked by the engine). `plan_rows` turns its result into plain values a page, a saved plan
(JSON) and the Excel export share.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext

from parindex.assessments.selectors import values_text
from parindex.engine import Framework, format_percent
from parindex.planning import (
    ClassTarget,
    EffortModel,
    PlanningError,
    PointsTarget,
    RankTarget,
    Standing,
    Target,
    UnitPlan,
    plan_unit,
)
from parindex.plans.models import TargetKind
from parindex.plans.selectors.data import GroupData
from parindex.plans.selectors.effort import LeafEffort, unit_effort
from parindex.plans.selectors.sources import default_as_of


class TargetError(ValueError):
    """A target that cannot be read; the message says why, in the user's language."""


def parse_target(framework: Framework, kind: str, value: str, size: int) -> Target:
    """The planner's target from a form's kind and value."""
    text = (value or "").strip()
    if kind == TargetKind.RANK:
        if not text.isdigit() or not 1 <= int(text) <= max(size, 1):
            raise TargetError(
                gettext("Hạng mục tiêu phải là số từ 1 đến %(size)s.") % {"size": size}
            )
        return RankTarget(int(text))
    if kind == TargetKind.CLASS:
        labels = [band.label for band in framework.info.class_bands]
        if text not in labels:
            raise TargetError(
                gettext("Xếp loại mục tiêu phải là một trong: %(labels)s.")
                % {"labels": ", ".join(labels)}
            )
        return ClassTarget(text)
    if kind == TargetKind.POINTS:
        try:
            points = Decimal(text.replace(",", "."))
        except InvalidOperation:
            points = Decimal(-1)
        if not points.is_finite() or not 0 < points <= framework.info.max_total:
            raise TargetError(
                gettext("Tổng điểm mục tiêu phải lớn hơn 0 và không quá %(max)s.")
                % {"max": framework.info.max_total}
            )
        return PointsTarget(points)
    raise TargetError(gettext("Hãy chọn loại mục tiêu: hạng, xếp loại hoặc tổng điểm."))


def target_text(kind: str, value: str) -> str:
    if kind == TargetKind.RANK:
        return gettext("hạng %(rank)s hoặc cao hơn") % {"rank": value}
    if kind == TargetKind.CLASS:
        return gettext("xếp loại %(label)s trở lên") % {"label": value}
    return gettext("tổng %(points)s điểm trở lên") % {"points": value}


@dataclass(frozen=True)
class PlanOutcome:
    """A computed plan with the effort lines it was made with."""

    plan: UnitPlan
    effort: EffortModel
    lines: list[LeafEffort]
    as_of: datetime.date


def unit_plan(
    data: GroupData,
    unit: str,
    target: Target,
    *,
    plan_costs: Mapping[str, Decimal] | None = None,
    fixed: Sequence[str] = (),
    as_of: datetime.date | None = None,
) -> PlanOutcome:
    """The least-effort plan of `unit` (a member of the group with entries) to `target`."""
    if data.ranking is None or unit not in data.ranking.results:
        raise PlanningError(gettext("Đơn vị chưa có kết quả trong nhóm này."))
    as_of = as_of or default_as_of(data.group.period.year)
    effort, lines = unit_effort(data, unit, plan_costs=plan_costs, as_of=as_of)
    held = frozenset(code for code in fixed if code in data.framework.nodes)
    effort = EffortModel(
        costs=effort.costs,
        ceilings=effort.ceilings,
        fixed=held,
        default_costs=effort.default_costs,
    )
    plan = plan_unit(
        data.framework,
        list(data.ranking.results.values()),
        unit,
        data.inputs.get(unit, {}),
        target,
        effort,
    )
    return PlanOutcome(plan, effort, lines, as_of)


def _shown(values: Mapping[str, Any]) -> dict[str, Any]:
    """A planned entry as a person reads it: a rate rounded up to 0.01 % (still enough for
    the planned points, the rules being monotone), whole numbers without decimals."""
    shown: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, Decimal):
            value = value.quantize(Decimal("0.01"), rounding=ROUND_CEILING).normalize()
            value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
            if key == "percent":  # no form box shows it: written here as a rate
                value = format_percent(value)
        shown[key] = value
    return shown


def standing_json(standing: Standing) -> dict[str, Any]:
    return {
        "total": str(standing.total),
        "index": str(standing.index),
        "rank": standing.rank,
        "of": standing.of,
        "class": standing.class_,
    }


def plan_rows(outcome: PlanOutcome) -> list[dict[str, Any]]:
    """The plan's steps as plain values (saved as JSON, shown, exported)."""
    framework = outcome.plan.result.framework
    lines = {line.code: line for line in outcome.lines}
    rows = []
    for step in outcome.plan.steps:
        node = framework.nodes[step.code]
        line = lines.get(step.code)
        rows.append(
            {
                "code": step.code,
                "title": step.title,
                "rule": step.rule,
                "source": node.source,
                "from": str(step.from_points),
                "to": str(step.to_points),
                "max": str(node.max_points),
                "gain": str(step.gain),
                "cost": str(line.cost if line else outcome.effort.cost(step.code, step.rule)),
                "effort": str(step.effort),
                "entry": values_text(node, _shown(step.values)),
                "responsible": line.responsible if line else "",
                "note": line.ceiling_note if line else "",
            }
        )
    return rows
