"""Saved plans: the least-effort plan of a unit computed on its entries, saved with its audit
event, each row made a task in one step; unreachable targets said plainly; a data-scored
rate's ceiling from the unit's months; the planner reachable from the scorecard."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from parindex.audit.models import AuditEvent
from parindex.planning import MonthFigure
from parindex.plans.models import Plan
from parindex.plans.selectors import effort as effort_selectors
from parindex.plans.selectors.data import group_data
from parindex.plans.selectors.effort import unit_effort
from parindex.plans.services.plans import compute, plan_save, plan_step_task, step_tasks
from parindex.tasks.models import TaskSource
from parindex.tasks.services import TaskError
from tests.plans.helpers import b_assessed_2024

DEADLINE = datetime.date(2026, 3, 31)


def test_a_plan_is_saved_and_a_row_becomes_a_task(scored):
    appraiser = scored["users"]["appraiser"]
    plan = plan_save(
        actor=appraiser,
        group=scored["group"],
        unit=scored["unit_a"],
        target_kind="class",
        target_value="Khá",
    )
    # A: 5,5556 (Yếu). Khá is an index of 80 rounded half-up, 7,9995 points: 1.1 yes with
    # its evidence (+2, cost 1 per point) and 1.2 to 3,9995 (+0,4439, cost 2); the
    # data-scored 2.1 has no months left to change.
    assert plan.reachable
    assert [step["code"] for step in plan.steps] == ["1.1", "1.2"]
    assert plan.before["class"] == "Yếu"
    assert plan.after["class"] == "Khá"
    assert Decimal(plan.after["total"]) == Decimal("7.9995")
    assert plan.effort == Decimal("2.8878")
    assert AuditEvent.objects.filter(object_type="plan", object_id=str(plan.pk), action="create")

    task = plan_step_task(actor=appraiser, plan=plan, code="1.1", deadline=DEADLINE)
    assert task.source_kind == TaskSource.PLAN
    assert task.source_ref == f"plan:{plan.pk}:1.1"
    assert task.unit == scored["unit_a"]
    assert task.node_codes == ["1.1"]
    assert task.framework_id == scored["group"].framework_id
    assert step_tasks(plan) == {"1.1": task}
    with pytest.raises(TaskError):  # one open task per plan row
        plan_step_task(actor=appraiser, plan=plan, code="1.1", deadline=DEADLINE)


def test_a_row_becomes_a_task_from_the_plan_page(scored, login):
    plan = plan_save(
        actor=scored["users"]["appraiser"],
        group=scored["group"],
        unit=scored["unit_a"],
        target_kind="class",
        target_value="Khá",
    )
    client = login("appraiser")
    page = client.get(reverse("plans:detail", args=[plan.pk]))
    assert page.status_code == 200
    assert reverse("plans:step_task", args=[plan.pk, "1.2"]).encode() in page.content
    response = client.post(
        reverse("plans:step_task", args=[plan.pk, "1.2"]), {"deadline": "2026-03-31"}
    )
    task = step_tasks(plan)["1.2"]
    assert response.status_code == 302
    assert response["Location"] == reverse("tasks:detail", args=[task.pk])
    assert task.deadline == DEADLINE
    assert (
        f"Nhiệm vụ số {task.pk}".encode()
        in client.get(reverse("plans:detail", args=[plan.pk])).content
    )


def test_an_unreachable_target_gives_the_best_reachable_plan(scored):
    outcome = compute(
        group=scored["group"], unit=scored["unit_a"], target_kind="class", target_value="Tốt"
    )
    plan = outcome.plan
    assert not plan.reachable
    assert plan.after.total == Decimal(8)  # 2 + 4 + the data-scored 2 it cannot change
    assert plan.after.class_ == "Khá"


def test_the_page_says_unreachable_plainly(scored, login):
    url = reverse("plans:planner", args=[scored["group"].pk, scored["unit_a"].pk])
    page = login("leader").get(url, {"target_kind": "class", "target_value": "Tốt"})
    text = page.content.decode()
    assert "Không thể đạt mục tiêu này." in text
    assert "Lưu kế hoạch" not in text  # a leader reads plans, does not save them


def test_a_data_scored_rate_is_capped_by_the_months_left(scored, monkeypatch):
    def series(units, rates, year, as_of):
        months = [MonthFigure(month, 90, 100) for month in range(1, 6)]
        months.append(MonthFigure(6, best, 100))
        return {unit: dict.fromkeys(rates, months) for unit in units}

    monkeypatch.setattr(effort_selectors, "monthly_series", series)
    data = group_data(scored["group"])
    june = datetime.date(2025, 6, 30)
    # 2.1: bands (≥ 80 % → 2, ≥ 95 % → 4). 546 of 600 so far; 600 cases to come at best.
    best = 96  # the year can reach (546 + 576) / 1200 = 93,5 %: still 2 points
    _, lines = unit_effort(data, "A", as_of=june)
    line = next(line for line in lines if line.code == "2.1")
    assert line.ceiling == Decimal(2)
    assert not line.improvable
    best = 100  # (550 + 600) / 1200 = 95,8 %: 4 points within reach
    _, lines = unit_effort(data, "A", as_of=june)
    line = next(line for line in lines if line.code == "2.1")
    assert line.ceiling == Decimal(4)
    assert "95,83" in line.ceiling_note
    # Once the year's data are complete, the rate is what it is.
    _, lines = unit_effort(data, "A", as_of=datetime.date(2025, 12, 31))
    assert next(line for line in lines if line.code == "2.1").ceiling == Decimal(2)


def test_the_planner_is_reachable_from_the_scorecard(scored, login):
    url = reverse("results:scorecard", args=[scored["group"].pk, scored["unit_a"].pk])
    planner = reverse("plans:planner", args=[scored["group"].pk, scored["unit_a"].pk])
    assert planner.encode() in login("appraiser").get(url).content
    assert planner.encode() not in login("council").get(url).content


def test_a_unit_saves_its_own_plan_with_its_own_costs(province, login):
    assessment = b_assessed_2024(province)
    client = login("officer_b")
    response = client.post(
        reverse("plans:save", args=[assessment.group_id, province["unit_b"].pk]),
        {"target_kind": "points", "target_value": "5", "costs": '{"1.1": "9"}'},
    )
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert plan.costs == {"1.1": "9"}
    assert plan.created_by == province["users"]["officer_b"]
    # B (2024): 1.1 at 0 for want of evidence, 1.2 at 3,1111. 5 points need +1,8889: 1.1 alone
    # (+2 at 9 a point) is cheaper than 1.1 with 1.2 too.
    assert [step["code"] for step in plan.steps] == ["1.1"]
    assert plan.effort == Decimal(18)
    # Another unit's staff do not see it.
    assert login("officer_a").get(reverse("plans:detail", args=[plan.pk])).status_code == 404
