"""What-if scenarios of a group: the list, one scenario with its changes and the whole group's
points, ranks and classes re-rendered live (htmx posts the form on each change to `preview`,
which runs the changes on copies with the batch engine), several side by side. Saving is
audited as a scenario; official data are never written. Permissions: `scenario_group_for`,
`scenario_for`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from parindex.periods.models import UnitGroup
from parindex.plans.models import Scenario
from parindex.plans.selectors.data import GroupData, group_data
from parindex.plans.selectors.whatif import (
    clean_changes,
    compare,
    describe,
    leaf_choices,
    node_choices,
    run_changes,
)
from parindex.plans.services.scenarios import (
    ScenarioError,
    scenario_create,
    scenario_delete,
    scenario_update,
)
from parindex.policy import can, scenario_for, scenario_group_for
from parindex.web.http import AuthedRequest, query_id, query_ids

BLANK_ROWS = 3
MAX_ROWS = 60


def _rows(post: QueryDict) -> list[dict[str, str]]:
    """The change rows of the form (`change-<n>-type`, `-unit`, `-node`, `-value`)."""
    rows = []
    for number in range(MAX_ROWS):
        prefix = f"change-{number}-"
        if f"{prefix}type" not in post:
            continue
        kind = post.get(f"{prefix}type", "")
        value = post.get(f"{prefix}value", "")
        rows.append(
            {
                "type": kind,
                "unit": post.get(f"{prefix}unit", ""),
                "node": post.get(f"{prefix}node", ""),
                "value": value,
                "factor": value,
            }
        )
    return clean_changes(rows)


def _form_rows(changes: list[dict[str, Any]], extra: int) -> list[dict[str, Any]]:
    shown = [
        {**change, "value": change.get("value") or change.get("factor") or ""} for change in changes
    ]
    return shown + [{"type": "", "unit": "", "node": "", "value": ""} for _ in range(extra)]


def _context(data: GroupData, changes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "result": run_changes(data, changes),
        "units": sorted(data.units.items(), key=lambda item: item[1].name),
        "leaves": leaf_choices(data.framework),
        "nodes": node_choices(data.framework),
    }


@login_required
def scenarios(request: AuthedRequest, group: int) -> HttpResponse:
    chosen = scenario_group_for(request.user, group)
    data = group_data(chosen)
    stored = list(Scenario.objects.filter(group=chosen).select_related("created_by"))
    can_manage = can(request.user, "plans.scenarios.manage")
    if request.method == "POST":
        if not can_manage:
            raise Http404
        try:
            scenario = scenario_create(
                actor=request.user,
                group=chosen,
                name=request.POST.get("name", ""),
                description=request.POST.get("description", ""),
            )
        except ScenarioError as error:
            messages.error(request, str(error))
        else:
            return redirect("plans:scenario", pk=scenario.pk)
    return render(
        request,
        "plans/scenarios.html",
        {
            "group": chosen,
            "scenarios": [(each, describe(each.changes, data)) for each in stored],
            "can_manage": can_manage,
        },
    )


@login_required
def scenario(request: AuthedRequest, pk: int) -> HttpResponse:
    found = scenario_for(request.user, pk)
    data = group_data(found.group)
    can_manage = can(request.user, "plans.scenarios.manage")
    changes = list(found.changes)
    if request.method == "POST":
        scenario_for(request.user, pk, write=True)
        changes = _rows(request.POST)
        try:
            scenario_update(
                actor=request.user,
                scenario=found,
                version=query_id(request.POST, "version") or 0,
                name=request.POST.get("name", found.name),
                description=request.POST.get("description", found.description),
                changes=changes,
            )
        except ScenarioError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, gettext("Đã lưu kịch bản «%(name)s».") % {"name": found.name})
            return redirect("plans:scenario", pk=found.pk)
    extra = request.GET.get("rows", "")
    blank = min(int(extra), 20) if extra.isdigit() else BLANK_ROWS
    return render(
        request,
        "plans/scenario.html",
        {
            "group": found.group,
            "scenario": found,
            "rows": _form_rows(changes, blank if can_manage else 0),
            "more_rows": blank + BLANK_ROWS,
            "can_manage": can_manage,
            **_context(data, changes),
        },
    )


@login_required
@require_POST
def preview(request: AuthedRequest, group: int) -> HttpResponse:
    """The group's table for the changes in the posted form (nothing is saved)."""
    chosen: UnitGroup = scenario_group_for(request.user, group)
    data = group_data(chosen)
    return render(request, "plans/_whatif_table.html", _context(data, _rows(request.POST)))


@login_required
@require_POST
def scenario_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    found = scenario_for(request.user, pk, write=True)
    scenario_delete(actor=request.user, scenario=found)
    messages.success(request, gettext("Đã xóa kịch bản «%(name)s».") % {"name": found.name})
    return redirect("plans:scenarios", group=found.group_id)


@login_required
def scenario_compare(request: AuthedRequest, group: int) -> HttpResponse:
    chosen = scenario_group_for(request.user, group)
    data = group_data(chosen)
    stored = list(Scenario.objects.filter(group=chosen))
    wanted = set(query_ids(request.GET, "s"))
    picked = [each for each in stored if each.pk in wanted] or stored[:3]
    rows, results = compare(data, [(each.name, each.changes) for each in picked])
    return render(
        request,
        "plans/compare.html",
        {
            "group": chosen,
            "stored": stored,
            "picked": picked,
            "columns": list(zip(picked, results, strict=True)),
            "rows": rows,
        },
    )
