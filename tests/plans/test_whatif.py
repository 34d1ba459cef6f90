"""What-if scenarios: the group re-scored on copies (entries changed, a node's maximum scaled,
a node removed), the live table through htmx, scenarios side by side, and the guarantee that
nothing official changes — only audit events of the type "scenario" are written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from parindex.assessments.models import NodeEntry
from parindex.audit.models import AuditEvent
from parindex.criteria.models import CriterionNode
from parindex.periods.models import PublishedResult
from parindex.plans.selectors.data import group_data
from parindex.plans.selectors.whatif import run_changes
from parindex.plans.services.scenarios import (
    ScenarioError,
    scenario_create,
    scenario_delete,
    scenario_update,
)
from parindex.results.selectors import group_standing
from parindex.results.selectors.standings import entries_fingerprint


def official(province):
    """Everything a scenario must leave as it is."""
    standing = group_standing(province["group"])
    assert standing.ranking is not None
    return (
        list(NodeEntry.objects.order_by("pk").values_list("pk", "self_values", "appraised_values")),
        list(CriterionNode.objects.order_by("pk").values_list("pk", "max_points", "rule_params")),
        list(PublishedResult.objects.order_by("pk").values_list("pk", "total", "rank")),
        entries_fingerprint(province["group"]),
        {code: result.total for code, result in standing.ranking.results.items()},
    )


def test_a_change_of_entries_moves_the_group_on_copies(scored):
    data = group_data(scored["group"])
    result = run_changes(data, [{"type": "set", "unit": "A", "node": "1.1", "value": "có"}])
    rows = {row.code: row for row in result.rows}
    assert not result.applied.errors
    assert rows["A"].before.total == Decimal("5.5556")
    assert rows["A"].after.total == Decimal("7.5556")
    assert (rows["A"].before.class_label, rows["A"].after.class_label) == ("Yếu", "Trung bình")
    assert rows["B"].after == rows["B"].before
    assert result.moved == 0  # third before and after


def test_the_frameworks_maxima_can_change(scored):
    data = group_data(scored["group"])
    removed = run_changes(data, [{"type": "remove", "node": "2"}])
    assert removed.max_total_after == Decimal(6)
    rows = {row.code: row for row in removed.rows}
    assert rows["A"].after.total == Decimal("3.5556")
    scaled = run_changes(data, [{"type": "scale", "node": "1", "factor": "1,5"}])
    assert scaled.max_total_after == Decimal(13)
    assert {row.code: row for row in scaled.rows}["B"].after.total == Decimal(
        11
    )  # area 1: 6 × 1,5; area 2: 2


def test_changes_that_do_not_fit_are_listed_not_applied(scored):
    data = group_data(scored["group"])
    result = run_changes(
        data,
        [
            {"type": "set", "unit": "A", "node": "1.1", "value": "có lẽ"},
            {"type": "set", "unit": "Z", "node": "1.1", "value": "có"},
            {"type": "scale", "node": "1", "factor": "-1"},
        ],
    )
    assert len(result.applied.errors) == 3
    assert all(row.after == row.before for row in result.rows)


def test_scenarios_never_touch_official_data_and_are_audited(scored, login):
    before = official(scored)
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    appraiser = scored["users"]["appraiser"]
    scenario = scenario_create(
        actor=appraiser,
        group=scored["group"],
        name="Bỏ lĩnh vực 2",
        changes=[{"type": "remove", "node": "2"}],
    )
    scenario = scenario_update(
        actor=appraiser,
        scenario=scenario,
        version=scenario.version,
        name=scenario.name,
        description="Thử",
        changes=[
            {"type": "remove", "node": "2"},
            {"type": "set", "unit": "A", "node": "1.2", "value": "9/10"},
        ],
    )
    client = login("appraiser")
    page = client.get(reverse("plans:scenario", args=[scenario.pk]))
    assert page.status_code == 200
    preview = client.post(
        reverse("plans:preview", args=[scored["group"].pk]),
        {
            "change-0-type": "set",
            "change-0-unit": "A",
            "change-0-node": "1.1",
            "change-0-value": "có",
        },
        HTTP_HX_REQUEST="true",
    )
    assert preview.status_code == 200
    assert "7,56" in preview.content.decode()  # A's new total, re-rendered
    compared = client.get(reverse("plans:compare", args=[scored["group"].pk]))
    assert compared.status_code == 200
    pk = scenario.pk
    scenario_delete(actor=appraiser, scenario=scenario)
    assert official(scored) == before
    events = AuditEvent.objects.filter(object_type="scenario", object_id=str(pk))
    assert sorted(events.values_list("action", flat=True)) == ["create", "delete", "update"]
    # Nothing else was written: every event since is a scenario's.
    since = AuditEvent.objects.filter(pk__gt=last_event)
    assert set(since.values_list("object_type", flat=True)) == {"scenario"}


def test_a_scenario_name_is_unique_in_its_group(scored):
    appraiser = scored["users"]["appraiser"]
    scenario_create(actor=appraiser, group=scored["group"], name="Một")
    with pytest.raises(ScenarioError):
        scenario_create(actor=appraiser, group=scored["group"], name="Một")
    with pytest.raises(ScenarioError):
        scenario_create(
            actor=appraiser,
            group=scored["group"],
            name="Hai",
            changes=[{"type": "set", "unit": "A", "node": "9.9", "value": "1"}],
        )
