"""Rank uncertainty of a group: what the Monte Carlo draws from, the version it is valid for,
and the stored intervals the ranking and the scorecards show ("hạng 12 (10–15)").

What is drawn:
- every survey-scored leaf with an estimate of the survey module for the unit (rate and the
  standard error read back from its interval: (high − low) / (2 z), z of the survey's
  confidence), when the unit's entry for the leaf is there to move;
- when the province configured it for the framework (`PlanSettings.data_uncertainty`),
  every data-scored rate from its own figures: a binomial standard error √(p(1 − p)/n) on
  the n cases of the year.

The simulation itself (`parindex.planning.rank_uncertainty`, 10 000 draws) runs in a job
(`plans.uncertainty`) and is stored per version (`RankUncertainty.key`): the version is a
digest of the group's results (`standing_version`), its surveys' responses and decisions,
the settings and the simulation's parameters. A page only reads the stored row of the current
version: the ranking stays as fast as it was.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from parindex.engine import Framework, UnitResult, to_decimal
from parindex.periods.models import UnitGroup
from parindex.planning.uncertainty import DEFAULT_SEED, RATE_RULES
from parindex.plans.models import PlanSettings, RankUncertainty
from parindex.plans.selectors.data import GroupData
from parindex.plans.selectors.effort import plan_settings
from parindex.plans.selectors.sources import group_surveys, survey_figures, surveys_version
from parindex.results.selectors import RankInterval, group_standing
from parindex.results.selectors.page_versions import standing_version

DRAWS = 10_000
SEED = DEFAULT_SEED
KEY_TTL_SECONDS = 2.0
_keys: dict[int, tuple[float, str]] = {}


def eligible(framework: Framework, code: str) -> bool:
    """Whether a leaf's points move the total directly with a rate (what can be drawn)."""
    node = framework.nodes.get(code)
    if node is None or not node.is_leaf or node.kind != "standard" or node.rule is None:
        return False
    if node.rule.name not in RATE_RULES:
        return False
    parent = node.parent
    while parent is not None:
        if framework.nodes[parent].alternatives:
            return False
        parent = framework.nodes[parent].parent
    return True


def version_key(group: UnitGroup, settings: PlanSettings | None = None) -> str:
    """The digest of everything the group's intervals rest on (at most a few seconds old)."""
    now = time.monotonic()
    memo = _keys.get(group.pk)
    if memo is not None and now - memo[0] < KEY_TTL_SECONDS and settings is None:
        return memo[1]
    settings = settings or plan_settings(group.framework)
    parts: list[Any] = [
        standing_version(group, entries=True),
        surveys_version(group_surveys(group)),
        settings.data_uncertainty,
        settings.version,
        DRAWS,
        SEED,
    ]
    key = hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()
    if len(_keys) > 512:
        _keys.clear()
    _keys[group.pk] = (now, key)
    return key


def forget_keys() -> None:
    _keys.clear()


def current_run(group: UnitGroup) -> RankUncertainty | None:
    return RankUncertainty.objects.filter(group=group, key=version_key(group)).first()


def latest_run(group: UnitGroup) -> RankUncertainty | None:
    return RankUncertainty.objects.filter(group=group).order_by("-computed_at", "-id").first()


def intervals_of(run: RankUncertainty | None) -> dict[str, RankInterval]:
    if run is None:
        return {}
    return {
        code: RankInterval(int(unit["low"]), int(unit["high"]), bool(unit["distinguishable"]))
        for code, unit in (run.units or {}).items()
    }


def rank_intervals(group: UnitGroup) -> tuple[str, dict[str, RankInterval]]:
    """The intervals of the group's current results (empty until the job has run) and a key
    that changes with them (for cached page bodies)."""
    run = current_run(group)
    return (str(run.pk) if run is not None else "none"), intervals_of(run)


@dataclass
class Inputs:
    """What a simulation of the group draws from."""

    results: list[UnitResult]
    estimates: dict[str, dict[str, tuple[float, float]]]
    sources: dict[str, int]
    note: str = ""


def simulation_inputs(group: UnitGroup, data: GroupData) -> Inputs:
    """The group's results as ranked (published, or live) and the estimates to draw."""
    standing = group_standing(group)
    ranking = standing.full_ranking
    if ranking is None:
        note = (
            "no_results" if standing.ranking is None else "published_differs"
        )  # a code: the page words it
        return Inputs([], {}, {}, note)
    framework = ranking.framework
    settings = plan_settings(group.framework)
    units = list(ranking.results)
    estimates: dict[str, dict[str, tuple[float, float]]] = {unit: {} for unit in units}
    sources = {"survey": 0, "data": 0}
    for unit, by_node in survey_figures(group, units).items():
        for code, figure in by_node.items():
            if eligible(framework, code) and code in data.inputs.get(unit, {}):
                estimates[unit][code] = (float(figure.rate), figure.standard_error)
                sources["survey"] += 1
    if settings.data_uncertainty:
        for node in framework.leaves():
            if node.source != "data" or not eligible(framework, node.code):
                continue
            for unit in units:
                spread = binomial(data.inputs.get(unit, {}).get(node.code))
                if spread is not None:
                    estimates[unit][node.code] = spread
                    sources["data"] += 1
    estimates = {unit: found for unit, found in estimates.items() if found}
    return Inputs(list(ranking.results.values()), estimates, sources)


def binomial(entry: Any) -> tuple[float, float] | None:
    """A data-scored rate and its binomial standard error (percent), from its figures."""
    if entry is None:
        return None
    values: Mapping[str, Any] = entry.values
    top, bottom = values.get("numerator"), values.get("denominator")
    if top is None or bottom is None:
        return None  # a rate typed as a percentage: no count of cases to draw from
    try:
        numerator, denominator = float(to_decimal(top)), float(to_decimal(bottom))
    except (TypeError, ValueError):
        return None
    if denominator <= 0 or not 0 <= numerator <= denominator:
        return None
    share = numerator / denominator
    return 100 * share, 100 * math.sqrt(share * (1 - share) / denominator)
