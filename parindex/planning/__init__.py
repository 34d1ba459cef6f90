"""Winning points back: plans, what-if scenarios, rank uncertainty and framework sensitivity.

Pure (no Django): everything is computed by the engine (`parindex.engine`) on
framework and result objects; the national plan reads `parindex.national` results.
See docs/planning.md.
"""

from .errors import PlanningError
from .levels import LeafOptions, entry_for, leaf_options, points_at_rate
from .national import (
    AreaPlan,
    NationalPlan,
    national_plan,
    plan_text,
    plan_to_dict,
    print_plan,
    render_plan_json,
)
from .planner import (
    DEFAULT_COSTS,
    ClassTarget,
    EffortModel,
    PlanStep,
    PointsTarget,
    RankTarget,
    Standing,
    Target,
    UnitPlan,
    needed_total,
    plan_unit,
)
from .sensitivity import SensitivityReport, SensitivityRow, framework_sensitivity, spearman
from .uncertainty import (
    Estimate,
    UncertaintyReport,
    UnitUncertainty,
    competition_ranks_rows,
    rank_uncertainty,
    rule_points,
)
from .whatif import (
    Change,
    GroupInputs,
    RemoveNode,
    ScaleMax,
    Scenario,
    ScenarioComparison,
    ScenarioResult,
    SetInputs,
    UnitDifference,
    apply_changes,
    compare_scenarios,
    rank_inputs,
    remove_node,
    run_scenario,
    scale_max,
)

__all__ = [
    "DEFAULT_COSTS",
    "AreaPlan",
    "Change",
    "ClassTarget",
    "EffortModel",
    "Estimate",
    "GroupInputs",
    "LeafOptions",
    "NationalPlan",
    "PlanStep",
    "PlanningError",
    "PointsTarget",
    "RankTarget",
    "RemoveNode",
    "ScaleMax",
    "Scenario",
    "ScenarioComparison",
    "ScenarioResult",
    "SensitivityReport",
    "SensitivityRow",
    "SetInputs",
    "Standing",
    "Target",
    "UncertaintyReport",
    "UnitDifference",
    "UnitPlan",
    "UnitUncertainty",
    "apply_changes",
    "compare_scenarios",
    "competition_ranks_rows",
    "entry_for",
    "framework_sensitivity",
    "leaf_options",
    "national_plan",
    "needed_total",
    "plan_text",
    "plan_to_dict",
    "plan_unit",
    "points_at_rate",
    "print_plan",
    "rank_inputs",
    "rank_uncertainty",
    "remove_node",
    "render_plan_json",
    "rule_points",
    "run_scenario",
    "scale_max",
    "spearman",
]
