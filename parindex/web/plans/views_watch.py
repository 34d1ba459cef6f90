"""Watching a group through the year: rank intervals (Monte Carlo), the year-end projection
with its backtest, early warnings (a warning made a task in one step), the monthly refresh as
a job, the framework's sensitivity and the province's effort settings per framework.
Permissions: `parindex.policy`."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from parindex.common.dates import parse_date_param
from parindex.criteria.models import Framework
from parindex.criteria.selectors import framework_engine
from parindex.jobs.runner import submit
from parindex.periods.models import AssessmentPeriod
from parindex.plans.models import EarlyWarning, ProjectionRun
from parindex.plans.selectors.data import group_data
from parindex.plans.selectors.effort import RULE_KINDS, plan_settings, rule_costs
from parindex.plans.selectors.projection import class_order
from parindex.plans.selectors.sensitivity import LEVELS, SHARES, sensitivity_lines
from parindex.plans.selectors.sources import default_as_of
from parindex.plans.selectors.uncertainty import current_run, latest_run
from parindex.plans.services import monitoring
from parindex.plans.services.plans import settings_save
from parindex.policy import (
    can,
    framework_for,
    projection_group_for,
    require,
    result_group_for,
    sensitivity_group_for,
    visible_warnings,
    warning_for,
)
from parindex.tasks.services import TaskError
from parindex.web.http import AuthedRequest
from parindex.web.plans.views import TASK_DAYS, rule_names

# --- rank intervals -------------------------------------------------------------------------------


def _note(code: str) -> str:
    texts = {
        "no_estimates": gettext(
            "Nhóm này không có mục nào chấm theo ước lượng (khảo sát, hoặc số liệu nếu được cấu "
            "hình): thứ hạng không có sai số mẫu để mô phỏng."
        ),
        "published_differs": gettext(
            "Điểm từ các mục nhập không khớp kết quả đã công bố (có điều chỉnh sau công bố): "
            "không mô phỏng trên kết quả khác với kết quả đã công bố."
        ),
        "no_results": gettext("Nhóm chưa có kết quả."),
    }
    return texts.get(code, "")


@login_required
def uncertainty(request: AuthedRequest, group: int) -> HttpResponse:
    chosen = result_group_for(request.user, group)
    run = current_run(chosen)
    if run is None:  # computed in a job; the immediate runner (tests) has done it already
        monitoring.uncertainty_request(chosen)
        run = current_run(chosen)
    pending = run is None
    shown = run or latest_run(chosen)
    data = group_data(chosen)
    rows = []
    labels = class_order(chosen)
    if shown is not None:
        for code, unit in sorted(shown.units.items(), key=lambda item: (item[1]["rank"], item[0])):
            classes = unit.get("classes", {})
            rows.append(
                {
                    "code": code,
                    "name": data.units[code].name if code in data.units else code,
                    **unit,
                    "same_rank": unit["ranks"].get(str(unit["rank"]), 0.0),
                    "classes": [
                        (label, classes.get(label, 0.0)) for label in labels if classes.get(label)
                    ],
                    "above_name": data.units[unit["above"]].name
                    if unit.get("above") in data.units
                    else "",
                    "below_name": data.units[unit["below"]].name
                    if unit.get("below") in data.units
                    else "",
                }
            )
    return render(
        request,
        "plans/uncertainty.html",
        {
            "group": chosen,
            "run": shown,
            "current": run is not None and shown is not None and run.pk == shown.pk,
            "pending": pending,
            "rows": rows,
            "note": _note(shown.note) if shown is not None else "",
            "can_manage": can(request.user, "plans.manage"),
            "undistinguished": sum(1 for row in rows if not row["distinguishable"]),
        },
    )


@login_required
@require_POST
def uncertainty_run(request: AuthedRequest, group: int) -> HttpResponse:
    chosen = result_group_for(request.user, group)
    require(request.user, "plans.manage")
    job = monitoring.uncertainty_request(chosen, actor=request.user)
    if job is None:
        messages.info(
            request, gettext("Khoảng hạng đang được tính; hãy tải lại trang sau ít giây.")
        )
        return redirect("plans:uncertainty", group=chosen.pk)
    return redirect("jobs:detail", pk=job.pk)


# --- projection and warnings -----------------------------------------------------------------


def _float(text: Any) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


@login_required
def projection(request: AuthedRequest, group: int) -> HttpResponse:
    chosen = projection_group_for(request.user, group)
    runs = list(ProjectionRun.objects.filter(group=chosen).order_by("-as_of"))
    wanted = request.GET.get("as_of", "")
    run = next(
        (each for each in runs if each.as_of.isoformat() == wanted), runs[0] if runs else None
    )
    data = group_data(chosen)
    labels = class_order(chosen)
    rows = []
    warned: dict[str, list[str]] = {}
    if run is not None:
        for warning in run.warnings.select_related("unit"):
            warned.setdefault(warning.unit.code, []).append(warning.get_kind_display())
        actual = (run.backtest or {}).get("actual", {})
        for code, unit in sorted(run.units.items(), key=lambda item: (item[1]["rank"], item[0])):
            classes = unit.get("classes", {})
            rows.append(
                {
                    "code": code,
                    "name": data.units[code].name if code in data.units else code,
                    **unit,
                    "total_low": _float(unit["total_low"]),
                    "total_high": _float(unit["total_high"]),
                    "index_low": _float(unit["index_low"]),
                    "index_high": _float(unit["index_high"]),
                    "classes": [
                        (label, classes.get(label, 0.0)) for label in labels if classes.get(label)
                    ],
                    "nodes": [
                        (node["code"], unit["nodes"].get(node["code"])) for node in run.nodes
                    ],
                    "warnings": warned.get(code, []),
                    "actual": actual.get(code),
                }
            )
    return render(
        request,
        "plans/projection.html",
        {
            "group": chosen,
            "runs": runs,
            "run": run,
            "rows": rows,
            "can_manage": can(request.user, "plans.manage"),
            "default_as_of": default_as_of(chosen.period.year),
            "actual_as_of": (
                datetime.date.fromisoformat(run.backtest["actual_as_of"])
                if run is not None and run.backtest
                else None
            ),
        },
    )


@login_required
def warnings(request: AuthedRequest) -> HttpResponse:
    latest: dict[int, ProjectionRun] = {}
    for run in ProjectionRun.objects.select_related("group__period").order_by("group_id", "-as_of"):
        latest.setdefault(run.group_id, run)
    shown = visible_warnings(
        request.user,
        EarlyWarning.objects.filter(run__in=list(latest.values())).select_related(
            "unit", "run__group__period"
        ),
    ).order_by("-run__group__period__year", "run__group__position", "-probability", "unit__name")
    can_task = can(request.user, "plans.manage") and can(request.user, "tasks.manage")
    return render(
        request,
        "plans/warnings.html",
        {
            "warnings": shown,
            "can_task": can_task,
            "can_manage": can(request.user, "plans.manage"),
            "sees_projection": can(request.user, "plans.view_all"),
            "deadline": timezone.localdate() + datetime.timedelta(days=TASK_DAYS),
            "periods": AssessmentPeriod.objects.order_by("-year"),
            "current": monitoring.current_period(),
        },
    )


@login_required
@require_POST
def warning_task(request: AuthedRequest, pk: int) -> HttpResponse:
    warning = warning_for(request.user, pk)
    deadline = parse_date_param(request.POST.get("deadline", "")) or (
        timezone.localdate() + datetime.timedelta(days=TASK_DAYS)
    )
    try:
        task = monitoring.warning_task(actor=request.user, warning=warning, deadline=deadline)
    except TaskError as error:
        messages.error(request, str(error))
        return redirect("plans:warnings")
    messages.success(request, gettext("Đã giao nhiệm vụ cho %(unit)s.") % {"unit": task.unit.name})
    return redirect("tasks:detail", pk=task.pk)


@login_required
@require_POST
def monthly(request: AuthedRequest) -> HttpResponse:
    """The monthly refresh as a job (projections, early warnings, rank intervals)."""
    require(request.user, "plans.manage")
    period = AssessmentPeriod.objects.filter(pk=request.POST.get("period") or 0).first()
    period = period or monitoring.current_period()
    if period is None:
        raise Http404
    params: dict[str, Any] = {"period": period.pk}
    as_of = parse_date_param(request.POST.get("as_of", ""))
    if as_of is not None:
        params["as_of"] = as_of.isoformat()
    job = submit(
        kind=monitoring.MONTHLY_JOB,
        title=gettext("Dự báo cuối năm và cảnh báo sớm: %(period)s") % {"period": period.name},
        params=params,
        user=request.user,
    )
    return redirect("jobs:detail", pk=job.pk)


# --- sensitivity ------------------------------------------------------------------------------


@login_required
def sensitivity(request: AuthedRequest, group: int) -> HttpResponse:
    chosen = sensitivity_group_for(request.user, group)
    try:
        share = Decimal(request.GET.get("share", "0.1"))
    except InvalidOperation:
        share = Decimal("0.1")
    share = share if share in SHARES else Decimal("0.1")
    level = request.GET.get("level", "area")
    level = level if level in LEVELS else "area"
    data = group_data(chosen)
    lines = sensitivity_lines(data, share, level)
    worst = max(lines, key=lambda line: line.mean_abs_shift, default=None)
    return render(
        request,
        "plans/sensitivity.html",
        {
            "group": chosen,
            "lines": lines,
            "share": share,
            "shares": SHARES,
            "level": level,
            "worst": worst if worst is not None and worst.mean_abs_shift > 0 else None,
            "units": len(data.inputs),
        },
    )


# --- the province's effort settings ----------------------------------------------------------------


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


@login_required
def settings_page(request: AuthedRequest, pk: int) -> HttpResponse:
    framework: Framework = framework_for(request.user, pk)
    require(request.user, "plans.manage")
    stored = plan_settings(framework)
    engine = framework_engine(framework)
    leaves = [node for node in engine.leaves() if node.rule is not None and node.kind == "standard"]
    errors: list[str] = []
    if request.method == "POST":
        post = request.POST
        costs: dict[str, Decimal] = {}
        for rule in RULE_KINDS:
            number = _number(post.get(f"rule-{rule}", ""))
            if number is None:
                errors.append(rule_names()[rule])
            else:
                costs[rule] = number
        node_costs: dict[str, Decimal] = {}
        responsible: dict[str, str] = {}
        for node in leaves:
            text = post.get(f"cost-{node.code}", "").strip()
            if text:
                number = _number(text)
                if number is None:
                    errors.append(node.code)
                else:
                    node_costs[node.code] = number
            responsible[node.code] = post.get(f"responsible-{node.code}", "")[:200]
        warning = post.get("warning_index", "").strip()
        warning_index = _number(warning) if warning else None
        if warning and (warning_index is None or warning_index > 100):
            errors.append(gettext("ngưỡng cảnh báo"))
        if not errors:
            settings_save(
                actor=request.user,
                framework=framework,
                rule_costs=costs,
                node_costs=node_costs,
                responsible=responsible,
                data_uncertainty=post.get("data_uncertainty") == "on",
                warning_index=warning_index,
            )
            messages.success(request, gettext("Đã lưu mô hình công sức của bộ tiêu chí."))
            return redirect("plans:settings", pk=framework.pk)
    costs_now = rule_costs(stored)
    return render(
        request,
        "plans/settings.html",
        {
            "framework": framework,
            "stored": stored,
            "rules": [(rule, rule_names()[rule], costs_now[rule]) for rule in RULE_KINDS],
            "leaves": [
                (
                    node,
                    (stored.node_costs or {}).get(node.code, ""),
                    (stored.responsible or {}).get(node.code, ""),
                )
                for node in leaves
            ],
            "errors": errors,
            "rule_names": rule_names(),
        },
    )
