"""Computed rows of the planning pages: rank intervals per results version, year-end
projections with their early warnings (the unit and its appraiser are notified), the monthly
refresh (`manage.py plans_monthly`, the `plans.monthly` job), and a warning made a task.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from parindex.accounts.models import User
from parindex.assessments.models import Assessment
from parindex.assessments.services.notifications import notify, page_url, role_users, unit_users
from parindex.engine import format_number
from parindex.jobs.models import Job, JobState
from parindex.jobs.runner import submit
from parindex.periods.models import AssessmentPeriod, PeriodStatus, UnitGroup
from parindex.planning import PlanningError, rank_uncertainty
from parindex.plans.models import EarlyWarning, ProjectionRun, RankUncertainty, WarningKind
from parindex.plans.selectors.data import group_data
from parindex.plans.selectors.effort import plan_settings
from parindex.plans.selectors.projection import (
    backtest,
    class_order,
    compute_projection,
    year_complete,
)
from parindex.plans.selectors.sources import default_as_of
from parindex.plans.selectors.uncertainty import (
    DRAWS,
    SEED,
    current_run,
    simulation_inputs,
    version_key,
)
from parindex.tasks.models import Task, TaskPriority, TaskSource
from parindex.tasks.services import TaskSourceRef, task_create_from

UNCERTAINTY_JOB = "plans.uncertainty"
MONTHLY_JOB = "plans.monthly"
KEEP_RUNS = 5
PENDING_MINUTES = 10


# --- rank intervals -----------------------------------------------------------------------------


def uncertainty_compute(
    group: UnitGroup, *, draws: int = DRAWS, seed: int = SEED
) -> RankUncertainty:
    """The group's rank intervals for its current version (computed once per version)."""
    key = version_key(group, plan_settings(group.framework))
    found = RankUncertainty.objects.filter(group=group, key=key).first()
    if found is not None:
        return found
    data = group_data(group)
    inputs = simulation_inputs(group, data)
    started = time.perf_counter()
    units: dict[str, Any] = {}
    nodes: list[str] = []
    note = inputs.note
    if inputs.estimates:
        report = rank_uncertainty(inputs.results, inputs.estimates, draws=draws, seed=seed)
        nodes = list(report.nodes)
        for unit in report.units:
            units[unit.unit] = {
                "rank": unit.rank,
                "low": unit.rank_low,
                "high": unit.rank_high,
                "mean": round(unit.mean_rank, 3),
                "distinguishable": unit.distinguishable,
                "above": unit.overlaps_above,
                "below": unit.overlaps_below,
                "ranks": {
                    str(rank): round(share, 4) for rank, share in unit.rank_probabilities.items()
                },
                "classes": {
                    label: round(share, 4) for label, share in unit.class_probabilities.items()
                },
            }
    elif not note:
        note = "no_estimates"
    seconds = time.perf_counter() - started
    try:
        with transaction.atomic():
            run = RankUncertainty.objects.create(
                group=group,
                key=key,
                computed_at=timezone.now(),
                seconds=seconds,
                draws=draws if units else 0,
                seed=seed,
                nodes=nodes,
                sources=inputs.sources,
                units=units,
                note=note,
            )
    except IntegrityError:  # another worker stored the same version meanwhile
        return RankUncertainty.objects.get(group=group, key=key)
    stale = RankUncertainty.objects.filter(group=group).order_by("-computed_at", "-id")[KEEP_RUNS:]
    RankUncertainty.objects.filter(pk__in=[row.pk for row in stale]).delete()
    return run


def uncertainty_request(
    group: UnitGroup, *, actor: User | None = None, current_missing: bool = False
) -> Job | None:
    """Queue the computation of the group's intervals unless they are current or queued.

    Asked by a page (`actor` None, a system job): at most one attempt per group every
    PENDING_MINUTES, so that a job that fails is not queued again on every page view. Asked by
    Home Affairs (the "compute again" button): unless one is queued or running.
    `current_missing`: the caller has just found no current intervals (not asked again)."""
    if actor is None and not current_missing and current_run(group) is not None:
        return None
    since = timezone.now() - datetime.timedelta(minutes=PENDING_MINUTES)
    recent = Job.objects.filter(kind=UNCERTAINTY_JOB, params__group=group.pk, created_at__gte=since)
    if actor is not None:
        recent = recent.filter(state__in=(JobState.QUEUED, JobState.RUNNING))
    if recent.exists():
        return None
    return submit(
        kind=UNCERTAINTY_JOB,
        title=gettext("Khoảng hạng (Monte Carlo) nhóm %(group)s %(year)s")
        % {"group": group.name, "year": group.period.year},
        params={"group": group.pk},
        user=actor,
    )


# --- projections and early warnings -------------------------------------------------------------


def _worse_share(classes: dict[str, float], order: list[str], label: str) -> float:
    """The probability of a class below `label` (order best first; "" below every class)."""
    if label not in order:
        return 0.0
    worse = order[order.index(label) + 1 :]
    return sum(classes.get(name, 0.0) for name in [*worse, ""])


def _warnings(payload: dict[str, Any], order: list[str]) -> list[dict[str, Any]]:
    found = []
    threshold = payload.get("threshold")
    for unit, figures in payload["units"].items():
        base = {
            "unit": unit,
            "previous_class": figures["previous_class"],
            "projected_class": figures["class"],
            "projected_index": Decimal(figures["index"]),
            "index_low": Decimal(figures["index_low"]).quantize(Decimal("0.01")),
            "index_high": Decimal(figures["index_high"]).quantize(Decimal("0.01")),
        }
        previous, projected = figures["previous_class"], figures["class"]
        if previous in order and (
            projected not in order or order.index(projected) > order.index(previous)
        ):
            found.append(
                {
                    **base,
                    "kind": WarningKind.CLASS_DROP,
                    "probability": _worse_share(figures["classes"], order, previous),
                }
            )
        if threshold is not None and Decimal(figures["index"]) < Decimal(threshold):
            found.append(
                {**base, "kind": WarningKind.THRESHOLD, "probability": figures["below"] or 0.0}
            )
    return found


@dataclass
class RunReport:
    group: UnitGroup
    run: ProjectionRun
    warnings: list[EarlyWarning] = field(default_factory=list)
    notified: list[EarlyWarning] = field(default_factory=list)


def _recipients(warning: EarlyWarning, group: UnitGroup) -> list[User]:
    assessment = (
        Assessment.objects.filter(group=group, unit=warning.unit)
        .select_related("appraiser")
        .first()
    )
    appraisers = (
        [assessment.appraiser]
        if assessment is not None and assessment.appraiser is not None
        else role_users("appraiser")
    )
    return [*unit_users(warning.unit), *appraisers]


def _notify(warning: EarlyWarning, group: UnitGroup, as_of: datetime.date) -> None:
    params = {
        "date": as_of.strftime("%d/%m/%Y"),
        "unit": warning.unit.name,
        "year": group.period.year,
        "projected": warning.projected_class or "—",
        "previous": warning.previous_class or "—",
        "index": format_number(warning.projected_index),
        "low": format_number(warning.index_low),
        "high": format_number(warning.index_high),
        "threshold": format_number(warning.run.threshold) if warning.run.threshold else "",
    }
    if warning.kind == WarningKind.CLASS_DROP:
        message = gettext_noop(
            "Cảnh báo sớm: theo số liệu đến %(date)s, %(unit)s có thể xuống loại %(projected)s "
            "cuối năm %(year)s (năm trước: %(previous)s; chỉ số dự báo %(index)s, "
            "khoảng %(low)s–%(high)s)."
        )
    else:
        message = gettext_noop(
            "Cảnh báo sớm: theo số liệu đến %(date)s, chỉ số cuối năm %(year)s của %(unit)s "
            "dự báo %(index)s, dưới ngưỡng %(threshold)s (khoảng %(low)s–%(high)s)."
        )
    notify(_recipients(warning, group), message, params, url=page_url("plans:warnings"))


def projection_run(group: UnitGroup, as_of: datetime.date, *, send: bool = True) -> RunReport:
    """Project the group to its year's end from the data up to `as_of`, store it (with a
    backtest when the year's data are complete), and refresh its early warnings. A warning is
    notified the first time it appears: not again while the unit keeps it month after month."""
    payload = compute_projection(group, as_of)
    year_end = datetime.date(group.period.year, 12, 31)
    checked = None
    if as_of < year_end and year_complete(group):
        checked = backtest(payload, compute_projection(group, year_end))
    threshold = payload["threshold"]
    with transaction.atomic():
        run, _ = ProjectionRun.objects.update_or_create(
            group=group,
            as_of=as_of,
            defaults={
                "computed_at": timezone.now(),
                "draws": payload["draws"],
                "units": payload["units"],
                "nodes": payload["nodes"],
                "backtest": checked,
                "threshold": Decimal(threshold) if threshold is not None else None,
            },
        )
        earlier = (
            ProjectionRun.objects.filter(group=group, as_of__lt=as_of).order_by("-as_of").first()
        )
        known = (
            set(EarlyWarning.objects.filter(run=earlier).values_list("unit__code", "kind"))
            if earlier is not None
            else set()
        )
        notified_before = {
            (code, kind): when
            for code, kind, when in EarlyWarning.objects.filter(run=run).values_list(
                "unit__code", "kind", "notified_at"
            )
        }
        EarlyWarning.objects.filter(run=run).delete()
        units = {unit.code: unit for unit in group_data(group).units.values()}
        report = RunReport(group, run)
        for found in _warnings(payload, class_order(group)):
            key = (found["unit"], str(found["kind"]))
            warning = EarlyWarning.objects.create(
                run=run,
                unit=units[found["unit"]],
                kind=found["kind"],
                previous_class=found["previous_class"],
                projected_class=found["projected_class"],
                projected_index=found["projected_index"],
                index_low=found["index_low"],
                index_high=found["index_high"],
                probability=found["probability"],
                notified_at=notified_before.get(key),
            )
            report.warnings.append(warning)
    for warning in report.warnings:
        key = (warning.unit.code, warning.kind)
        if not send or warning.notified_at is not None or key in known:
            continue
        _notify(warning, group, as_of)
        EarlyWarning.objects.filter(pk=warning.pk).update(notified_at=timezone.now())
        report.notified.append(warning)
    return report


def current_period() -> AssessmentPeriod | None:
    """The period the monthly refresh watches: the latest not yet published, else the latest."""
    periods = AssessmentPeriod.objects.order_by("-year")
    return periods.exclude(status=PeriodStatus.PUBLISHED).first() or periods.first()


@dataclass
class MonthlyReport:
    period: AssessmentPeriod | None
    as_of: datetime.date | None
    runs: list[RunReport] = field(default_factory=list)
    intervals: list[RankUncertainty] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def plans_monthly(
    *,
    period: AssessmentPeriod | None = None,
    as_of: datetime.date | None = None,
    send: bool = True,
) -> MonthlyReport:
    """Once a month: every group of the period projected to its year's end from the data up to
    the end of last month (or `as_of`), early warnings refreshed and notified, and rank
    intervals brought up to date. Running it twice the same month notifies nothing twice."""
    period = period or current_period()
    report = MonthlyReport(period, None)
    if period is None:
        return report
    as_of = as_of or default_as_of(period.year)
    report.as_of = as_of
    for group in period.groups.select_related("period", "framework").order_by("position", "name"):
        try:
            report.runs.append(projection_run(group, as_of, send=send))
        except PlanningError as error:
            report.problems.append(f"{group.name}: {error}")
        report.intervals.append(uncertainty_compute(group))
    return report


def warning_source(warning: EarlyWarning) -> TaskSourceRef:
    run = warning.run
    group = run.group
    codes = tuple(node["code"] for node in run.nodes if node.get("kind") == "data")
    if warning.kind == WarningKind.CLASS_DROP:
        title = gettext("Phòng tránh tụt xếp loại năm %(year)s (dự báo %(projected)s)") % {
            "year": group.period.year,
            "projected": warning.projected_class or "—",
        }
    else:
        title = gettext("Đưa chỉ số năm %(year)s lên trên ngưỡng cảnh báo") % {
            "year": group.period.year
        }
    description = gettext(
        "Cảnh báo sớm theo số liệu đến %(date)s: chỉ số dự báo %(index)s (khoảng %(low)s–%(high)s), "
        "xếp loại dự báo %(projected)s, năm trước %(previous)s."
    ) % {
        "date": run.as_of.strftime("%d/%m/%Y"),
        "index": format_number(warning.projected_index),
        "low": format_number(warning.index_low),
        "high": format_number(warning.index_high),
        "projected": warning.projected_class or "—",
        "previous": warning.previous_class or "—",
    }
    return TaskSourceRef(
        kind=TaskSource.WARNING,
        ref=f"warning:{group.pk}:{warning.kind}",
        unit=warning.unit,
        title=title[:300],
        description=description,
        node_codes=codes,
        framework=group.framework,
        period=group.period,
        detail={"warning": warning.pk, "run": run.pk, "kind": warning.kind},
    )


def warning_task(
    *,
    actor: User,
    warning: EarlyWarning,
    deadline: datetime.date,
    priority: str = TaskPriority.HIGH,
) -> Task:
    """An early warning made a task of the unit in one step."""
    return task_create_from(
        source=warning_source(warning), actor=actor, deadline=deadline, priority=priority
    )
