"""Year-end projection of a group from the data so far (docs/planning.md, "Year-end
projection and early warning").

- Data-scored rates (a dossier rate over the assessment year): each unit's months up to the
  date → the year-to-date rate with its interval (`planning.project_rate`).
- Survey-scored nodes: the survey module's current estimate and interval (the responses so
  far; a survey does not say when each answer would have been known, so the backtest holds it).
- Every other criterion: the unit's entries as they stand (appraised, else self-assessed); a
  criterion the unit has not entered yet takes the entry of the group's median unit on it (the
  middle one by points among those that entered it), so that a unit still filling in is not
  projected at zero for what it has not typed. Nothing is imputed where nobody entered it.

`planning.project_group` scores the group at the projected rates with the engine and draws
the projected rates for each unit's total interval and class probabilities.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext

from parindex.engine import NodeInput
from parindex.periods.models import UnitGroup
from parindex.planning import PlanningError, project_group, project_rate
from parindex.planning.projection import DEFAULT_DRAWS, DEFAULT_SEED
from parindex.plans.selectors.data import GroupData, group_data
from parindex.plans.selectors.effort import plan_settings
from parindex.plans.selectors.sources import (
    data_nodes,
    monthly_series,
    months_elapsed,
    survey_figures,
)
from parindex.plans.selectors.uncertainty import eligible
from parindex.results.selectors import previous_year
from parindex.servicedata.indicators import RATES_BY_NAME


def _imputed(
    data: GroupData, skip: set[str]
) -> tuple[dict[str, dict[str, NodeInput]], dict[str, int]]:
    """Every unit's entries, with the median unit's entry where a self-scored leaf is missing."""
    inputs = {unit: dict(entries) for unit, entries in data.inputs.items()}
    counts = dict.fromkeys(inputs, 0)
    assert data.ranking is not None
    results = data.ranking.results
    for node in data.framework.leaves():
        if node.code in skip or node.source != "self" or node.rule is None:
            continue
        entered = [unit for unit in inputs if node.code in data.inputs[unit]]
        if not entered or len(entered) == len(inputs):
            continue
        entered.sort(key=lambda unit: (results[unit].nodes[node.code].base, unit))
        median = data.inputs[entered[len(entered) // 2]][node.code]
        for unit in inputs:
            if node.code not in inputs[unit]:
                inputs[unit][node.code] = median
                counts[unit] += 1
    return inputs, counts


def _number(value: float | None) -> str | None:
    return None if value is None else f"{value:.4f}"


def compute_projection(
    group: UnitGroup,
    as_of: datetime.date,
    *,
    data: GroupData | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> dict[str, Any]:
    """The group's projection as plain values (what `ProjectionRun` stores)."""
    data = data or group_data(group)
    year = group.period.year
    months = months_elapsed(year, as_of)
    if months == 0:
        raise PlanningError(gettext("Chưa hết tháng nào của năm %(year)s.") % {"year": year})
    if data.ranking is None:
        raise PlanningError(gettext("Nhóm chưa có kết quả nào để dự báo."))
    framework = data.framework
    units = list(data.inputs)
    rates = data_nodes(framework)
    series = monthly_series(units, set(rates.values()), year, as_of)
    surveys = survey_figures(group, units)
    survey_codes = {
        code
        for by_node in surveys.values()
        for code in by_node
        if eligible(framework, code) and framework.nodes[code].source == "survey"
    }
    inputs, imputed = _imputed(data, set(rates) | survey_codes)
    spreads: dict[str, dict[str, tuple[float, float]]] = {}
    details: dict[str, dict[str, Any]] = {unit: {} for unit in units}
    for unit in units:
        for code, rate_name in rates.items():
            projection = project_rate(series[unit].get(rate_name, []), as_of_month=months)
            if projection.rate is None:
                continue
            spreads.setdefault(unit, {})[code] = (projection.rate, projection.standard_error)
            details[unit][code] = {
                "kind": "data",
                "rate": _number(projection.rate),
                "se": _number(projection.standard_error),
                "low": _number(projection.low),
                "high": _number(projection.high),
                "numerator": projection.numerator,
                "denominator": projection.denominator,
            }
        for code, figure in surveys.get(unit, {}).items():
            if code in survey_codes and code in inputs[unit]:
                spreads.setdefault(unit, {})[code] = (float(figure.rate), figure.standard_error)
                details[unit][code] = {
                    "kind": "survey",
                    "rate": str(figure.rate),
                    "se": _number(figure.standard_error),
                    "low": str(figure.low),
                    "high": str(figure.high),
                    "n": figure.n,
                }
    threshold = plan_settings(group.framework).warning_index
    outcome = project_group(framework, inputs, spreads, draws=draws, seed=seed, threshold=threshold)
    members = [data.units[unit] for unit in units]
    previous = previous_year(group.period, members, True)
    payload_units: dict[str, Any] = {}
    for projected in outcome.units:
        member = data.units[projected.unit]
        last = previous.get(member.pk)
        last_figure = last.figure if last is not None else None
        payload_units[projected.unit] = {
            "total": str(projected.total),
            "index": str(projected.index),
            "rank": projected.rank,
            "class": projected.class_,
            "total_low": _number(projected.total_low),
            "total_high": _number(projected.total_high),
            "index_low": _number(projected.index_low),
            "index_high": _number(projected.index_high),
            "classes": dict(projected.class_probabilities),
            "below": projected.below_threshold,
            "current_total": str(data.ranking.results[projected.unit].total),
            "current_class": data.ranking.classes[projected.unit],
            "previous_class": last_figure.class_label if last_figure is not None else "",
            "previous_index": str(last_figure.index) if last_figure is not None else None,
            "imputed": imputed.get(projected.unit, 0),
            "nodes": details[projected.unit],
        }
    nodes = [
        {
            "code": code,
            "title": framework.nodes[code].title,
            "kind": "data" if code in rates else "survey",
            "indicator": rates.get(code, ""),
            "indicator_label": RATES_BY_NAME[rates[code]].label if code in rates else "",
        }
        for code in sorted(set(rates) | survey_codes, key=list(framework.nodes).index)
    ]
    return {
        "as_of": as_of.isoformat(),
        "months": months,
        "draws": draws,
        "threshold": str(threshold) if threshold is not None else None,
        "units": payload_units,
        "nodes": nodes,
    }


def class_order(group: UnitGroup) -> list[str]:
    """The framework's class labels, best first."""
    framework = group_data(group).framework
    bands = sorted(framework.info.class_bands, key=lambda band: band.min_percent, reverse=True)
    return [band.label for band in bands]


def backtest(projected: dict[str, Any], actual: dict[str, Any]) -> dict[str, Any]:
    """A projection against the year's figures: mean absolute error of the total (points),
    share of units whose class was projected right, share whose year total fell inside its
    90 % interval."""
    errors: list[float] = []
    right = inside = 0
    for unit, figures in projected["units"].items():
        real = actual["units"].get(unit)
        if real is None:
            continue
        total, real_total = float(figures["total"]), float(real["total"])
        errors.append(abs(total - real_total))
        right += figures["class"] == real["class"]
        low, high = float(figures["total_low"]), float(figures["total_high"])
        inside += low - 1e-9 <= real_total <= high + 1e-9
    count = len(errors)
    return {
        "as_of": projected["as_of"],
        "actual_as_of": actual["as_of"],
        "units": count,
        "mae_points": round(sum(errors) / count, 4) if count else None,
        "max_error": round(max(errors), 4) if count else None,
        "class_right": round(right / count, 4) if count else None,
        "coverage": round(inside / count, 4) if count else None,
        "actual": {
            unit: {"total": real["total"], "class": real["class"]}
            for unit, real in actual["units"].items()
        },
    }


def year_complete(group: UnitGroup) -> bool:
    """Whether the dossier data reach the last month of the group's year."""
    data = group_data(group)
    rates = set(data_nodes(data.framework).values())
    year = group.period.year
    if not rates:
        return False
    series = monthly_series(list(data.inputs), rates, year, datetime.date(year, 12, 31))
    return any(
        figure.month == 12
        for by_rate in series.values()
        for months in by_rate.values()
        for figure in months
    )
