"""Background jobs: who may open a job's page, and whether a queued job may still run for
its requester (the runner asks `job_may_run` just before running it)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.assessments.models import Assessment
from parindex.jobs.models import Job
from parindex.periods.models import AssessmentPeriod, UnitGroup
from parindex.plans.models import Plan
from parindex.policy.capabilities import can, require
from parindex.policy.objects import may_draft_self_report, may_view_results
from parindex.policy.plans import may_view_plan


def dossier_job_for(user: User, pk: int) -> Job:
    """A service-data job (an import, the data-scored criteria): its report concerns the
    province's data, not the person who started it, so every Home Affairs user may read it."""
    require(user, "dossiers.manage")
    task = Job.objects.filter(pk=pk, kind__startswith="dossiers.").first()
    if task is None:
        raise Http404
    return task


def job_for(user: User, pk: int) -> Job:
    """A job's progress page and result: as private as the request that started it (its
    owner, or an administrator). Service-data jobs also have their own report page
    (`dossier_job_for`)."""
    task = Job.objects.filter(pk=pk).first()
    if task is None or not getattr(user, "is_authenticated", False):
        raise Http404
    if task.created_by_id != user.pk and not can(user, "jobs.view_all"):
        raise Http404
    return task


def job_may_run(task: Job) -> None:
    """Checked by the job runner just before a job runs (it may have waited in the queue):
    its requester must still hold the right that let them start it."""
    requester = task.created_by
    if task.kind.startswith("results."):
        period = AssessmentPeriod.objects.filter(pk=task.params.get("period")).first()
        if period is None or not may_view_results(requester, period):
            raise PermissionDenied(gettext("Người yêu cầu không còn quyền xem kết quả kỳ này."))
    elif (
        task.kind.startswith("dossiers.")
        and requester is not None
        and not can(requester, "dossiers.manage")
    ):
        raise PermissionDenied(gettext("Người yêu cầu không còn quyền nhập số liệu hồ sơ."))
    elif task.kind.startswith("audit.") and not can(requester, "audit.view"):
        raise PermissionDenied(gettext("Người yêu cầu không còn quyền xem nhật ký."))
    elif task.kind.startswith("tasks."):
        _task_job_may_run(task, requester)
    elif task.kind.startswith("documents."):
        _document_job_may_run(task, requester)
    elif task.kind.startswith("plans."):
        _plans_job_may_run(task, requester)
    elif task.kind.startswith("nationalself.") and not can(requester, "nationalself.manage"):
        raise PermissionDenied(gettext("Người yêu cầu không còn quyền lập bộ hồ sơ này."))


def _task_job_may_run(task: Job, requester: Any) -> None:
    if task.kind == "tasks.daily":
        if requester is not None and not can(requester, "tasks.manage"):
            raise PermissionDenied(gettext("Người yêu cầu không còn quyền quản lý giao việc."))
        return
    unit = task.params.get("unit")
    allowed = can(requester, "tasks.view_all") or (
        can(requester, "tasks.view") and unit is not None and unit == requester.unit_id
    )
    if not allowed:
        raise PermissionDenied(gettext("Người yêu cầu không còn quyền xem các nhiệm vụ này."))


def _document_job_may_run(task: Job, requester: Any) -> None:
    refused = PermissionDenied(gettext("Người yêu cầu không còn quyền lập văn bản này."))
    params = task.params
    if task.kind == "documents.national":
        if not can(requester, "national.view"):
            raise refused
    elif task.kind == "documents.self_report":
        assessment = Assessment.objects.filter(pk=params.get("assessment")).first()
        if assessment is None or not may_draft_self_report(requester, assessment):
            raise refused
    elif task.kind == "documents.unit_report":
        group = UnitGroup.objects.select_related("period").filter(pk=params.get("group")).first()
        if group is None or not may_view_results(requester, group.period):
            raise refused
    else:
        period = AssessmentPeriod.objects.filter(pk=params.get("period")).first()
        if (
            period is None
            or not can(requester, "documents.province")
            or not may_view_results(requester, period)
        ):
            raise refused


def _plans_job_may_run(task: Job, requester: Any) -> None:
    if task.kind == "plans.excel":
        plan = Plan.objects.select_related("unit", "group__period").filter(
            pk=task.params.get("plan")
        )
        found = plan.first()
        if found is None or not may_view_plan(requester, found):
            raise PermissionDenied(gettext("Người yêu cầu không còn quyền xem kế hoạch này."))
    elif requester is not None and not can(requester, "plans.manage"):
        # Rank intervals and the monthly refresh: the system (a page's cache fill, the command)
        # or Home Affairs.
        raise PermissionDenied(gettext("Người yêu cầu không còn quyền cập nhật dự báo."))
