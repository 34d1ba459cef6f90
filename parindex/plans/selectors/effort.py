"""The effort model of a unit's plan: cost per point and feasible ceiling of every leaf.

Costs, most specific first: the plan's own (the unit edits its plan's costs), the province's
per node (`PlanSettings.node_costs`), then by rule kind (`PlanSettings.rule_costs`, else the
planner's defaults, docs/planning.md). A survey- or data-scored leaf is a rate that moves only
through many cases or answers, whatever its rule: it costs what a `ratio` costs unless the
province names it.

Ceilings (the most points a leaf can be planned to):
- a data-scored rate: what the months left allow at the best monthly rate seen so far
  (`planning.project_rate(...).reachable`, turned into points by the node's rule); once the
  year's data are complete, the rate is what it is;
- a survey-scored node: the upper end of the survey estimate's interval (points); without an
  estimate it is held as it is (nothing says what it could become);
- any other leaf: its maximum.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

from parindex.criteria.models import Framework as StoredFramework
from parindex.engine import Framework, Node, format_number
from parindex.planning import (
    DEFAULT_COSTS,
    EffortModel,
    PlanningError,
    points_at_rate,
    project_rate,
)
from parindex.plans.models import PlanSettings
from parindex.plans.selectors.data import GroupData
from parindex.plans.selectors.sources import (
    data_nodes,
    default_as_of,
    monthly_series,
    months_elapsed,
    survey_figures,
)

RULE_KINDS = ("boolean", "choice", "manual", "deduction", "ratio", "bands")


def plan_settings(framework: StoredFramework) -> PlanSettings:
    """The framework's settings (unsaved defaults when the province has set none)."""
    found = PlanSettings.objects.filter(framework=framework).first()
    return found if found is not None else PlanSettings(framework=framework)


def _decimal(value: object) -> Decimal | None:
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and number >= 0 else None


def rule_costs(settings: PlanSettings) -> dict[str, Decimal]:
    costs = dict(DEFAULT_COSTS)
    for rule, value in (settings.rule_costs or {}).items():
        number = _decimal(value)
        if rule in costs and number is not None:
            costs[rule] = number
    return costs


@dataclass(frozen=True)
class LeafEffort:
    """One leaf as the plan's effort table shows it."""

    code: str
    title: str
    rule: str
    source: str
    current: Decimal
    max_points: Decimal
    cost: Decimal
    cost_basis: str  # "plan", "node", "source", "rule"
    ceiling: Decimal
    ceiling_note: str
    responsible: str

    @property
    def improvable(self) -> bool:
        return self.ceiling > self.current


def _default_cost(node: Node, costs: Mapping[str, Decimal]) -> tuple[Decimal, str]:
    if node.source in ("survey", "data"):
        return costs["ratio"], "source"
    rule = node.rule.name if node.rule is not None else ""
    return costs.get(rule, Decimal(1)), "rule"


def _points(value: Decimal) -> str:
    return format_number(value)


def unit_effort(
    data: GroupData,
    unit: str,
    *,
    plan_costs: Mapping[str, Decimal] | None = None,
    as_of: datetime.date | None = None,
    settings: PlanSettings | None = None,
) -> tuple[EffortModel, list[LeafEffort]]:
    """The effort model the planner gets, and every standard leaf's line for the page."""
    framework: Framework = data.framework
    settings = settings or plan_settings(data.group.framework)
    costs = rule_costs(settings)
    node_costs = {
        code: number
        for code, value in (settings.node_costs or {}).items()
        if (number := _decimal(value)) is not None
    }
    responsible = settings.responsible or {}
    own = dict(plan_costs or {})
    year = data.group.period.year
    as_of = as_of or default_as_of(year)
    elapsed = months_elapsed(year, as_of)
    assert data.ranking is not None
    result = data.ranking.results[unit]
    rates = data_nodes(framework)
    series = monthly_series([unit], set(rates.values()), year, as_of).get(unit, {})
    surveys = survey_figures(data.group, [unit]).get(unit, {})
    unit_name = data.units[unit].name if unit in data.units else unit

    chosen_costs: dict[str, Decimal] = {}
    ceilings: dict[str, Decimal] = {}
    lines: list[LeafEffort] = []
    for node in framework.leaves():
        if node.kind != "standard" or node.rule is None:
            continue
        current = result.nodes[node.code].base if node.code in result.nodes else Decimal(0)
        if node.code in own:
            cost, basis = own[node.code], "plan"
        elif node.code in node_costs:
            cost, basis = node_costs[node.code], "node"
        else:
            cost, basis = _default_cost(node, costs)
        chosen_costs[node.code] = cost
        ceiling, note = node.max_points, ""
        if node.code in rates:
            ceiling, note = _data_ceiling(node, current, series.get(rates[node.code], []), elapsed)
        elif node.source == "survey":
            figure = surveys.get(node.code)
            if figure is not None and figure.points_high is not None:
                ceiling = max(min(figure.points_high, node.max_points), current)
                note = gettext(
                    "khảo sát: tỷ lệ %(rate)s%% (khoảng %(low)s–%(high)s%%), tối đa %(points)s điểm"
                ) % {
                    "rate": _points(figure.rate),
                    "low": _points(figure.low),
                    "high": _points(figure.high),
                    "points": _points(ceiling),
                }
            else:
                ceiling = current
                note = gettext("chưa có ước lượng khảo sát: giữ nguyên")
        if ceiling < node.max_points:
            ceilings[node.code] = ceiling
        lines.append(
            LeafEffort(
                code=node.code,
                title=node.title,
                rule=node.rule.name,
                source=node.source,
                current=current,
                max_points=node.max_points,
                cost=cost,
                cost_basis=basis,
                ceiling=ceiling,
                ceiling_note=note,
                responsible=str(responsible.get(node.code) or unit_name),
            )
        )
    model = EffortModel(costs=chosen_costs, ceilings=ceilings, default_costs=costs)
    return model, lines


def _data_ceiling(node: Node, current: Decimal, months: list, elapsed: int) -> tuple[Decimal, str]:
    """A data-scored rate's ceiling from the unit's months so far (see the module notes)."""
    assert node.rule is not None
    if elapsed == 0:
        return node.max_points, gettext("chưa hết tháng nào: trần là điểm tối đa")
    projection = project_rate(months, as_of_month=elapsed)
    if projection.reachable is None:
        return current, gettext("chưa có hồ sơ phát sinh trong năm: giữ nguyên")
    try:
        reachable = points_at_rate(node.rule, Decimal(repr(round(projection.reachable, 4))))
    except PlanningError:
        return node.max_points, ""
    ceiling = max(current, min(reachable, node.max_points))
    if projection.final:
        return current, gettext("năm đã đủ số liệu (%(rate)s%%): không còn thay đổi được") % {
            "rate": _points(Decimal(repr(round(projection.rate or 0, 2))))
        }
    return ceiling, gettext(
        "hồ sơ: %(months)s tháng đạt %(rate)s%%, tháng tốt nhất %(best)s%%; "
        "%(left)s tháng còn lại tối đa đưa cả năm lên %(reachable)s%%"
    ) % {
        "months": elapsed,
        "rate": _points(Decimal(repr(round(projection.rate or 0, 2)))),
        "best": _points(Decimal(repr(round(projection.best_month or 0, 2)))),
        "left": 12 - elapsed,
        "reachable": _points(Decimal(repr(round(projection.reachable, 2)))),
    }
