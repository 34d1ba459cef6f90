"""Permission-matrix entries for the planning pages (see tests/web/matrix.py).

Every unit's planner, saved plans, projections: appraisers, leaders, administrators; a unit's
own staff plan from published results (unit B in the published 2024 group here) and save and
recompute their own plans; Home Affairs saves for any unit and turns plan rows and warnings into
tasks. Scenarios: provincial roles read, Home Affairs writes. Sensitivity and the effort
settings: Home Affairs."""

from __future__ import annotations

from tests.plans.helpers import a_scenario, a_warning, b_assessed_2024, b_plan

from .matrix import ALL, HOME_AFFAIRS, PROVINCIAL, Entry

PLANNERS = {"appraiser", "leader", "admin"}
UNIT_B = {"officer_b"}

ENTRIES = {
    "plans:index": Entry(ALL),
    "plans:pick": Entry(ALL),
    "plans:planner": Entry(
        PLANNERS | UNIT_B, lambda p: [b_assessed_2024(p).group_id, p["unit_b"].pk]
    ),
    "plans:save": Entry(
        HOME_AFFAIRS | UNIT_B,
        lambda p: [b_assessed_2024(p).group_id, p["unit_b"].pk],
        method="post",
        data={"target_kind": "points", "target_value": "8"},
    ),
    "plans:list": Entry(ALL),
    "plans:detail": Entry(PLANNERS | UNIT_B, lambda p: [b_plan(p).pk]),
    "plans:recompute": Entry(
        HOME_AFFAIRS | UNIT_B, lambda p: [b_plan(p).pk], method="post", data={"version": "1"}
    ),
    "plans:delete": Entry(HOME_AFFAIRS | UNIT_B, lambda p: [b_plan(p).pk], method="post"),
    "plans:export": Entry(PLANNERS | UNIT_B, lambda p: [b_plan(p).pk], method="post"),
    "plans:step_task": Entry(
        HOME_AFFAIRS,
        lambda p: [b_plan(p).pk, b_plan(p).steps[0]["code"]],
        method="post",
        data={"deadline": "2026-03-31"},
    ),
    "plans:scenarios": Entry(PROVINCIAL, lambda p: [p["group"].pk]),
    "plans:preview": Entry(
        PROVINCIAL,
        lambda p: [p["group"].pk],
        method="post",
        data={
            "change-0-type": "set",
            "change-0-unit": "A",
            "change-0-node": "1.1",
            "change-0-value": "có",
        },
    ),
    "plans:compare": Entry(PROVINCIAL, lambda p: [p["group"].pk]),
    "plans:scenario": Entry(PROVINCIAL, lambda p: [a_scenario(p).pk]),
    "plans:scenario_delete": Entry(HOME_AFFAIRS, lambda p: [a_scenario(p).pk], method="post"),
    "plans:uncertainty": Entry(PROVINCIAL, lambda p: [p["group"].pk]),
    "plans:uncertainty_run": Entry(HOME_AFFAIRS, lambda p: [p["group"].pk], method="post"),
    "plans:projection": Entry(PLANNERS, lambda p: [p["group"].pk]),
    "plans:sensitivity": Entry(HOME_AFFAIRS, lambda p: [p["group"].pk]),
    "plans:warnings": Entry(ALL),
    "plans:warning_task": Entry(
        HOME_AFFAIRS, lambda p: [a_warning(p).pk], method="post", data={"deadline": "2026-03-31"}
    ),
    "plans:monthly": Entry(HOME_AFFAIRS, method="post", data={"as_of": "2025-06-30"}),
    "plans:settings": Entry(HOME_AFFAIRS, lambda p: [p["framework"].pk]),
}
