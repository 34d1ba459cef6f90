"""Object questions: each `*_for(user, pk, write=…)` returns the object the user may reach
or raises Http404 / PermissionDenied; and whether a queued job may still run for its
requester."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.accounts.roles import UNIT_ROLES
from parindex.assessments import workflow
from parindex.assessments.models import Assessment, EvidenceDocument, Notification
from parindex.assessments.selectors import with_extension
from parindex.criteria.models import Framework
from parindex.periods.models import AssessmentPeriod, PeriodStatus, UnitGroup
from parindex.policy.assessments import is_member
from parindex.policy.capabilities import can, require
from parindex.questionnaires.models import Survey, SurveyState
from parindex.tasks.models import Task, TaskEvidence
from parindex.units.models import Unit


def unit_for(user: User, pk: int, *, write: bool = False) -> Unit:
    """A unit: provincial roles see all, unit users only their own; only administrators edit."""
    unit = Unit.objects.select_related("unit_type", "parent").filter(pk=pk).first()
    if unit is None:
        raise Http404
    if not (can(user, "units.view_all") or unit.pk == user.unit_id):
        raise Http404
    if write and not can(user, "units.manage"):
        raise PermissionDenied
    return unit


def user_for(user: User, pk: int, *, write: bool = False) -> User:
    """An account: administrators manage all accounts; nobody else sees this list."""
    require(user, "users.manage")
    account = User.objects.select_related("unit").filter(pk=pk).first()
    if account is None:
        raise Http404
    return account


def framework_for(user: User, pk: int, *, write: bool = False) -> Framework:
    """A framework: published ones are visible to all users, drafts to Home Affairs and the
    council; only Home Affairs edits, and only drafts."""
    framework = Framework.objects.filter(pk=pk).first()
    if framework is None:
        raise Http404
    if framework.is_draft and not can(user, "frameworks.view_drafts"):
        raise Http404
    if not can(user, "frameworks.view"):
        raise Http404
    if write:
        if not can(user, "frameworks.manage"):
            raise PermissionDenied
        if not framework.is_draft:
            raise PermissionDenied(gettext("Bộ tiêu chí đã ban hành, không thể sửa."))
    return framework


def period_for(user: User, pk: int, *, write: bool = False) -> AssessmentPeriod:
    """A period: visible to every user; Home Affairs manages it."""
    period = AssessmentPeriod.objects.filter(pk=pk).first()
    if period is None or not can(user, "periods.view"):
        raise Http404
    if write and not can(user, "periods.manage"):
        raise PermissionDenied
    return period


def assessment_for(user: User, pk: int, *, action: str | None = None) -> Assessment:
    """An assessment: provincial roles see every unit's, unit users only their own unit's.

    What a user may *do* with it is the workflow table's decision (`assessments.workflow`):
    with `action`, a role that may never do it raises `PermissionDenied`; a role that may do
    it, but not in the assessment's current state, gets the service's message instead.
    """
    # With the unit's latest extension: the deadline is asked again by the checks and pages.
    try:
        assessment = with_extension(
            Assessment.objects.select_related("unit", "period", "group__framework")
        ).get(pk=pk)
    except Assessment.DoesNotExist:
        raise Http404 from None
    if not (can(user, "assessments.view_all") or assessment.unit_id == user.unit_id):
        raise Http404
    if action is not None and not may_ever(user, action):
        raise PermissionDenied
    return assessment


def may_ever(user: Any, action: str) -> bool:
    """Whether the user's role appears for `action` anywhere in the workflow table."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.role:
        return False
    return user.role in workflow.roles_for(action)


def evidence_for(user: User, pk: int) -> EvidenceDocument:
    """An evidence file, downloadable by whoever may see its unit's assessment."""
    document = EvidenceDocument.objects.select_related("unit").filter(pk=pk).first()
    if document is None:
        raise Http404
    if not (can(user, "assessments.view_all") or document.unit_id == user.unit_id):
        raise Http404
    return document


def may_view_results(user: Any, period: AssessmentPeriod) -> bool:
    """Results (rankings, scorecards, exports) of a period: every user once it is published;
    before that only provincial roles, since live scores are not final."""
    if period.status == PeriodStatus.PUBLISHED:
        return can(user, "periods.view")
    return can(user, "results.view_unpublished")


def result_period_for(user: User, pk: int) -> AssessmentPeriod:
    """A period whose results the user may see (see `may_view_results`), else 404."""
    period = AssessmentPeriod.objects.filter(pk=pk).first()
    if period is None or not may_view_results(user, period):
        raise Http404
    return period


def result_group_for(user: User, pk: int) -> UnitGroup:
    """A unit group whose ranking and scorecards the user may see, else 404."""
    group = UnitGroup.objects.select_related("period", "framework").filter(pk=pk).first()
    if group is None or not may_view_results(user, group.period):
        raise Http404
    return group


def survey_for(user: User, pk: int, *, write: bool = False) -> Survey:
    """A survey: provincial roles see all; unit users see a survey once it is collecting and
    only when it covers their unit (its pages then show their unit alone); Home Affairs
    manages it."""
    survey = Survey.objects.select_related("period", "framework").filter(pk=pk).first()
    if survey is None or not can(user, "surveys.view"):
        raise Http404
    if not can(user, "surveys.view_all"):
        covered = UnitGroup.objects.filter(
            period_id=survey.period_id, framework_id=survey.framework_id, units=user.unit_id
        ).exists()
        if survey.state == SurveyState.DRAFT or not covered:
            raise Http404
    if write and not can(user, "surveys.manage"):
        raise PermissionDenied
    return survey


def task_for(user: User, pk: int, *, write: bool = False) -> Task:
    """A task: provincial roles see all, unit users their own unit's (404 otherwise); only Home
    Affairs changes it (`write`). Progress is `may_report_progress`'s question."""
    task = (
        Task.objects.select_related("unit", "assignee", "created_by", "framework", "period")
        .filter(pk=pk)
        .first()
    )
    if task is None or not can(user, "tasks.view"):
        raise Http404
    if not (can(user, "tasks.view_all") or task.unit_id == user.unit_id):
        raise Http404
    if write and not can(user, "tasks.manage"):
        raise PermissionDenied
    return task


def may_report_progress(user: Any, task: Task) -> bool:
    """The assigned unit's own staff report progress on an open task."""
    return bool(
        getattr(user, "is_active", False)
        and getattr(user, "role", None) in UNIT_ROLES
        and user.unit_id == task.unit_id
        and task.is_open
    )


def task_evidence_for(user: User, pk: int) -> TaskEvidence:
    """A task's evidence file, for whoever may see the task."""
    document = TaskEvidence.objects.select_related("task").filter(pk=pk).first()
    if document is None:
        raise Http404
    task_for(user, document.task_id)
    return document


def visible_tasks(user: Any, tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Every task for provincial roles; unit users see their unit's."""
    if can(user, "tasks.view_all"):
        return tasks
    if not can(user, "tasks.view"):
        return tasks.none()
    return tasks.filter(unit_id=user.unit_id)


def may_draft_self_report(user: Any, assessment: Assessment) -> bool:
    """A unit's self-assessment report: its own staff, and Home Affairs (who help units)."""
    return is_member(user, assessment) or can(user, "documents.province")


def notification_for(user: User, pk: int) -> Notification:
    """A notification: only its addressee sees it."""
    notification = Notification.objects.filter(pk=pk, user_id=user.pk).first()
    if notification is None:
        raise Http404
    return notification
