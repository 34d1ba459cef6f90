"""Builders for the planning tests: a 2024 assessment of unit B (so that a unit user may plan
from published results), saved plans, scenarios, a projection run with a warning."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from parindex.assessments.models import Assessment, NodeEntry
from parindex.plans.models import EarlyWarning, Plan, ProjectionRun, Scenario, WarningKind
from parindex.plans.services.plans import plan_save
from parindex.plans.services.scenarios import scenario_create


def b_assessed_2024(p: dict[str, Any]) -> Assessment:
    """Unit B's 2024 assessment in the published group, with entries (B ranked 2nd then)."""
    if "assessment_b_2024" not in p:
        group = p["period_2024"].groups.get()
        assessment = Assessment.objects.create(
            period=p["period_2024"], group=group, unit=p["unit_b"]
        )
        NodeEntry.objects.create(
            assessment=assessment, node_code="1.1", appraised_values={"value": True}
        )
        NodeEntry.objects.create(
            assessment=assessment,
            node_code="1.2",
            appraised_values={"numerator": 7, "denominator": 10},
        )
        p["assessment_b_2024"] = assessment
    assessment: Assessment = p["assessment_b_2024"]
    return assessment


def b_plan(p: dict[str, Any]) -> Plan:
    """A saved plan of unit B in the published 2024 group."""
    if "plan" not in p:
        assessment = b_assessed_2024(p)
        p["plan"] = plan_save(
            actor=p["users"]["officer_b"],
            group=assessment.group,
            unit=p["unit_b"],
            target_kind="points",
            target_value="8",
        )
    plan: Plan = p["plan"]
    return plan


def a_scenario(p: dict[str, Any]) -> Scenario:
    if "scenario" not in p:
        p["scenario"] = scenario_create(
            actor=p["users"]["appraiser"],
            group=p["group"],
            name="Xã An Bình ban hành kế hoạch",
            changes=[{"type": "set", "unit": "A", "node": "1.1", "value": "có"}],
        )
    scenario: Scenario = p["scenario"]
    return scenario


def a_warning(p: dict[str, Any]) -> EarlyWarning:
    if "warning" not in p:
        run = ProjectionRun.objects.create(
            group=p["group"], as_of=datetime.date(2025, 6, 30), computed_at=timezone.now()
        )
        p["warning"] = EarlyWarning.objects.create(
            run=run,
            unit=p["unit_a"],
            kind=WarningKind.CLASS_DROP,
            previous_class="Tốt",
            projected_class="Khá",
            projected_index=Decimal("85.00"),
            index_low=Decimal("80.10"),
            index_high=Decimal("89.90"),
            probability=0.8,
        )
    warning: EarlyWarning = p["warning"]
    return warning
