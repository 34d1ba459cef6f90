"""Every permission decision of the platform, in one place.

- `can(user, capability)` answers role-wide questions (may this user manage units?).
- The `*_for(user, pk, write=…)` helpers answer object questions: each returns the object
  or raises `Http404` (the user may not know it exists) or `PermissionDenied` (the user may
  see it but not change it).
- The `visible_*` functions scope lists: they take the user and a queryset (or rows) and
  return what the user may see.
- The `may_*` functions answer "may this user do this to this object now" for pages and
  templates (buttons, edit modes); the workflow table (`assessments.workflow`) is the rule
  book they read for assessments.

This module sits above the apps it decides for (it reads their models and selectors) and
below the web layer; services trust their callers, so every page, command or API endpoint
that calls a service asks here first. The import-linter contract in `pyproject.toml`
keeps the order.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.accounts.roles import PROVINCIAL_ROLES, UNIT_ROLES, Role
from parindex.apitokens.models import ApiToken
from parindex.apitokens.scopes import is_read
from parindex.assessments import workflow
from parindex.assessments.models import Assessment, EvidenceDocument, Notification
from parindex.assessments.selectors import open_explanation, unit_deadline
from parindex.criteria.models import Framework, FrameworkStatus
from parindex.jobs.models import Job
from parindex.nationalself.models import (
    Contribution,
    ContributionStatus,
    Evidence,
    NationalSelfAssessment,
    Package,
)
from parindex.nationalself.selectors import assigned_codes
from parindex.periods.models import AssessmentPeriod, PeriodStatus, UnitGroup
from parindex.plans.models import EarlyWarning, Plan, Scenario
from parindex.questionnaires.models import Survey, SurveyState
from parindex.tasks.models import Task, TaskEvidence
from parindex.units.models import Unit

_ALL: frozenset[Role] = frozenset(Role)
_HOME_AFFAIRS: frozenset[Role] = frozenset({Role.ADMIN, Role.APPRAISER})
_PROVINCIAL = PROVINCIAL_ROLES
_ADMIN: frozenset[Role] = frozenset({Role.ADMIN})

CAPABILITIES: dict[str, frozenset[Role]] = {
    "units.view_all": _PROVINCIAL,
    "units.manage": _ADMIN,
    "users.manage": _ADMIN,
    "frameworks.view": _ALL,
    "frameworks.view_drafts": _HOME_AFFAIRS | {Role.COUNCIL},
    "frameworks.manage": _HOME_AFFAIRS,
    "frameworks.publish": _ADMIN,
    "periods.view": _ALL,
    "periods.manage": _HOME_AFFAIRS,
    "periods.view_extensions": _PROVINCIAL,
    "audit.view": _ADMIN,
    "assessments.view_all": _PROVINCIAL,
    # A unit's own staff fill in its self-assessment (and have a "my unit" page).
    "assessments.self_assess": UNIT_ROLES,
    "assessments.appraise": frozenset({Role.APPRAISER}),
    "assessments.approve": frozenset({Role.COUNCIL}),
    "assessments.publish": _ADMIN,
    "results.view_unpublished": _PROVINCIAL,
    # Sociological surveys: Home Affairs runs them, the council and leaders read every unit's
    # progress and results, unit users their own unit's; unit users also type paper forms.
    "surveys.view": _ALL,
    "surveys.view_all": _PROVINCIAL,
    "surveys.manage": _HOME_AFFAIRS,
    "surveys.enter": _HOME_AFFAIRS | UNIT_ROLES,
    # Service data (dossiers of the one-stop shops): every user sees indicators (unit users
    # their own unit's only), provincial roles every unit's and the drill-down; Home Affairs
    # imports files and writes the data-scored criteria into the assessments.
    "dossiers.view": _ALL,
    "dossiers.view_all": _PROVINCIAL,
    "dossiers.manage": _HOME_AFFAIRS,
    "admin.site": _ADMIN,
    # Every background job's page is open to an administrator, whoever started it.
    "jobs.view_all": _ADMIN,
    # Tasks (giao việc): Home Affairs creates and assigns them; the assigned unit's staff report
    # progress (`may_report_progress`); provincial roles read all, unit users their own unit's;
    # the overdue board is for Home Affairs and the province's leaders.
    "tasks.view": _ALL,
    "tasks.view_all": _PROVINCIAL,
    "tasks.manage": _HOME_AFFAIRS,
    "tasks.board": _HOME_AFFAIRS | {Role.LEADER},
    # The province's documents (decision, results report, improvement plan) are drafted by
    # Home Affairs; a unit's self-assessment report by its own staff (`may_draft_self_report`).
    "documents.province": _HOME_AFFAIRS,
    # The national PAR INDEX position: provincial roles read it, Home Affairs imports tables.
    "national.view": _PROVINCIAL,
    "national.manage": _HOME_AFFAIRS,
    # REST API tokens: every user may hold personal tokens (acting with their own rights);
    # administrators issue tokens for system accounts and see and revoke every token.
    "api.tokens": _ALL,
    "api.tokens.manage": _ADMIN,
    # Winning points back (docs/planning.md). Every unit's planner, saved plans, projections
    # and early warnings: appraisers, leaders and administrators; a unit's own staff see their
    # unit's (`may_plan`). Home Affairs saves plans for any unit, turns rows and warnings into
    # tasks, runs the monthly refresh and sets the effort defaults per framework. Scenarios
    # (what-if) are the province's analyses: provincial roles read them, Home Affairs writes
    # them. The framework's sensitivity is Home Affairs' question.
    "plans.view_all": frozenset({Role.APPRAISER, Role.LEADER, Role.ADMIN}),
    "plans.manage": _HOME_AFFAIRS,
    "plans.scenarios": _PROVINCIAL,
    "plans.scenarios.manage": _HOME_AFFAIRS,
    "plans.sensitivity": _HOME_AFFAIRS,
    # Two-factor sign-in: everyone may set up an authenticator app for their own account
    # (`two_factor_required` says who must); administrators reset another user's (a lost phone).
    "account.two_factor": _ALL,
    "users.two_factor_reset": _ADMIN,
    # The province's own national self-assessment (docs/national-self-assessment.md): Home
    # Affairs sets it up, assigns, reviews, consolidates, sends and imports the Ministry's
    # result; provincial roles read all of it; a department's staff see and edit only the
    # sub-criteria assigned to their department (`national_node_codes`, `may_contribute`).
    "nationalself.view": _ALL,
    "nationalself.view_all": _PROVINCIAL,
    "nationalself.manage": _HOME_AFFAIRS,
}


# The roles that must sign in with a second factor when PARINDEX_REQUIRE_2FA is on: those who
# change the whole province's data (administration, appraisal, the council's approval).
TWO_FACTOR_ROLES: frozenset[Role] = frozenset({Role.ADMIN, Role.APPRAISER, Role.COUNCIL})


def can(user: Any, capability: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in CAPABILITIES[capability]


def require(user: Any, capability: str) -> None:
    if not can(user, capability):
        raise PermissionDenied


# --- two-factor sign-in ----------------------------------------------------------------------


def two_factor_required(user: Any) -> bool:
    """Whether the user may use the site only after setting up a second factor."""
    return bool(
        getattr(settings, "PARINDEX_REQUIRE_2FA", False)
        and getattr(user, "is_authenticated", False)
        and getattr(user, "role", None) in TWO_FACTOR_ROLES
    )


def two_factor_step(user: Any, *, enrolled: bool) -> str | None:
    """What a user who has just given the right password still owes before the site opens:
    "verify" (a code: anybody who set up an app), "enrol" (set one up: required and not done),
    or None."""
    if enrolled:
        return "verify"
    if two_factor_required(user):
        return "enrol"
    return None


def two_factor_reset_for(user: User, pk: int) -> User:
    """The account whose second factor an administrator resets: any other account (their own
    is reset by another administrator, or `manage.py two_factor_reset`)."""
    if not can(user, "users.two_factor_reset"):
        raise PermissionDenied
    account = user_for(user, pk)
    if account.pk == user.pk:
        raise PermissionDenied(
            gettext("Không tự đặt lại xác thực hai bước của mình; hãy nhờ quản trị viên khác.")
        )
    return account


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
    assessment = (
        Assessment.objects.select_related("unit", "period", "group__framework")
        .filter(pk=pk)
        .first()
    )
    if assessment is None:
        raise Http404
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


# --- winning points back: plans, scenarios, projections ------------------------------------


def may_plan(user: Any, unit: Unit | int) -> bool:
    """A unit's rank-gain planner: appraisers, leaders, administrators, and the unit's own
    staff."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    if can(user, "plans.view_all"):
        return True
    return bool(
        getattr(user, "is_active", False)
        and getattr(user, "role", None) in UNIT_ROLES
        and user.unit_id == unit_id
    )


def may_save_plan(user: Any, unit: Unit | int) -> bool:
    """Saving a plan (and editing its costs): the unit's own staff, or Home Affairs."""
    if can(user, "plans.manage"):
        return True
    return may_plan(user, unit) and getattr(user, "role", None) in UNIT_ROLES


def plan_unit_for(user: User, group_pk: int, unit_pk: int) -> tuple[UnitGroup, Unit]:
    """The planner of a unit in a group: the group's results are visible to the user
    (`may_view_results`: a unit plans from published results), the unit belongs to the group,
    and the user may plan for it; else 404."""
    group = result_group_for(user, group_pk)
    unit = Unit.objects.filter(pk=unit_pk, assessments__group=group).first()
    if unit is None or not may_plan(user, unit):
        raise Http404
    return group, unit


def may_view_plan(user: Any, plan: Plan) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and may_plan(user, plan.unit_id)
        and may_view_results(user, plan.group.period)
    )


def plan_for(user: User, pk: int, *, write: bool = False) -> Plan:
    """A saved plan: whoever may plan for its unit sees it; its unit's staff and Home Affairs
    change it (`write`)."""
    plan = (
        Plan.objects.select_related("unit", "group__period", "group__framework", "created_by")
        .filter(pk=pk)
        .first()
    )
    if plan is None or not may_view_plan(user, plan):
        raise Http404
    if write and not may_save_plan(user, plan.unit_id):
        raise PermissionDenied
    return plan


def visible_plans(user: Any, plans: QuerySet[Plan]) -> QuerySet[Plan]:
    if can(user, "plans.view_all"):
        return plans
    if getattr(user, "role", None) not in UNIT_ROLES:
        return plans.none()
    return plans.filter(unit_id=user.unit_id, group__period__status=PeriodStatus.PUBLISHED)


def scenario_group_for(user: User, pk: int, *, write: bool = False) -> UnitGroup:
    """A group's what-if scenarios: provincial roles read them (the group's results must be
    visible to them), Home Affairs writes them."""
    if not can(user, "plans.scenarios"):
        raise Http404
    group = result_group_for(user, pk)
    if write and not can(user, "plans.scenarios.manage"):
        raise PermissionDenied
    return group


def scenario_for(user: User, pk: int, *, write: bool = False) -> Scenario:
    scenario = Scenario.objects.select_related("group__period", "group__framework").filter(pk=pk)
    found = scenario.first()
    if found is None:
        raise Http404
    scenario_group_for(user, found.group_id, write=write)
    return found


def sensitivity_group_for(user: User, pk: int) -> UnitGroup:
    """A group's framework sensitivity: Home Affairs."""
    if not can(user, "plans.sensitivity"):
        raise Http404
    return result_group_for(user, pk)


def projection_group_for(user: User, pk: int) -> UnitGroup:
    """A group's year-end projection (every unit of it): appraisers, leaders, administrators."""
    if not can(user, "plans.view_all"):
        raise Http404
    return result_group_for(user, pk)


def visible_warnings(user: Any, warnings: QuerySet[EarlyWarning]) -> QuerySet[EarlyWarning]:
    """Every early warning for appraisers, leaders and administrators; a unit's staff see
    their own unit's."""
    if can(user, "plans.view_all"):
        return warnings
    if getattr(user, "is_active", False) and getattr(user, "role", None) in UNIT_ROLES:
        return warnings.filter(unit_id=user.unit_id)
    return warnings.none()


def warning_for(user: User, pk: int) -> EarlyWarning:
    """An early warning to make a task of: Home Affairs (who assigns tasks)."""
    if not (can(user, "plans.manage") and can(user, "tasks.manage")):
        raise Http404
    warning = (
        EarlyWarning.objects.select_related("unit", "run__group__period", "run__group__framework")
        .filter(pk=pk)
        .first()
    )
    if warning is None:
        raise Http404
    return warning


# --- the national self-assessment: Home Affairs and the contributing departments --------------


def _contributor_unit(user: Any) -> int | None:
    """The department of a unit user (who may contribute), else None."""
    if getattr(user, "is_active", False) and getattr(user, "role", None) in UNIT_ROLES:
        return user.unit_id
    return None


def national_node_codes(user: Any, assessment: NationalSelfAssessment) -> set[str] | None:
    """The leaves of the year the user may see: None for every leaf (provincial roles), else
    those assigned to the user's department, as lead or as support (maybe none)."""
    if can(user, "nationalself.view_all"):
        return None
    return assigned_codes(assessment, _contributor_unit(user))


def national_self_for(user: Any, pk: int, *, write: bool = False) -> NationalSelfAssessment:
    """A year's national self-assessment: provincial roles see it, a department's staff when
    some sub-criterion is assigned to their department (404 otherwise); Home Affairs changes it
    (`write`)."""
    assessment = (
        NationalSelfAssessment.objects.select_related("framework", "province", "survey")
        .filter(pk=pk)
        .first()
    )
    if assessment is None or not getattr(user, "is_authenticated", False):
        raise Http404
    codes = national_node_codes(user, assessment)
    if codes is not None and not codes:
        raise Http404
    if write and not can(user, "nationalself.manage"):
        raise PermissionDenied
    return assessment


def visible_national_selves(
    user: Any, assessments: QuerySet[NationalSelfAssessment]
) -> QuerySet[NationalSelfAssessment]:
    if can(user, "nationalself.view_all"):
        return assessments
    unit = _contributor_unit(user)
    if unit is None:
        return assessments.none()
    return assessments.filter(
        Q(contributions__lead_id=unit) | Q(contributions__supporting=unit)
    ).distinct()


def national_node_for(
    user: Any, assessment: NationalSelfAssessment, code: str
) -> Contribution | None:
    """A leaf of the year (its contribution, None when nobody was assigned yet): every leaf
    for provincial roles, only its own for a department (404 otherwise)."""
    codes = national_node_codes(user, assessment)
    if codes is not None and code not in codes:
        raise Http404
    return (
        Contribution.objects.select_related("assessment", "lead")
        .filter(assessment=assessment, node_code=code)
        .first()
    )


def _is_contributor(user: Any, contribution: Contribution) -> bool:
    unit = _contributor_unit(user)
    if unit is None:
        return False
    return unit == contribution.lead_id or contribution.supporting.filter(pk=unit).exists()


def may_contribute(user: Any, contribution: Contribution | None) -> bool:
    """The lead and supporting departments' staff fill figures, upload evidence and explain,
    while the leaf is theirs (not sent to Home Affairs, or sent back) and the year not sent."""
    return bool(
        contribution is not None
        and not contribution.assessment.is_sent
        and contribution.status in (ContributionStatus.OPEN, ContributionStatus.RETURNED)
        and _is_contributor(user, contribution)
    )


def may_send_contribution(user: Any, contribution: Contribution | None) -> bool:
    """Sending the leaf to Home Affairs (and answering its requests) is the lead's (chủ trì)."""
    return bool(
        may_contribute(user, contribution)
        and contribution is not None
        and _contributor_unit(user) == contribution.lead_id
    )


def national_evidence_for(user: Any, pk: int) -> Evidence:
    """A document of the national self-assessment: provincial roles, and the staff of a
    department that provided it or to whose sub-criteria it is cited."""
    document = Evidence.objects.select_related("assessment").filter(pk=pk).first()
    if document is None or not getattr(user, "is_authenticated", False):
        raise Http404
    codes = national_node_codes(user, document.assessment)
    if codes is None:
        return document
    unit = _contributor_unit(user)
    cited = set(document.links.values_list("contribution__node_code", flat=True))
    if unit is None or not (document.department_id == unit or cited & codes):
        raise Http404
    return document


def national_package_for(user: Any, pk: int) -> Package:
    """A generated submission package: provincial roles."""
    package = Package.objects.select_related("assessment").filter(pk=pk).first()
    if package is None or not can(user, "nationalself.view_all"):
        raise Http404
    return package


# --- row scoping: what a user may see in a list ---------------------------------------------


def visible_units(user: Any, units: QuerySet[Unit]) -> QuerySet[Unit]:
    """Provincial roles see every unit, unit users their own."""
    return units if can(user, "units.view_all") else units.filter(pk=user.unit_id)


def visible_frameworks(user: Any, frameworks: QuerySet[Framework]) -> QuerySet[Framework]:
    """Published frameworks for everyone; drafts for Home Affairs and the council."""
    if can(user, "frameworks.view_drafts"):
        return frameworks
    return frameworks.filter(status=FrameworkStatus.PUBLISHED)


def visible_surveys(user: Any, surveys: QuerySet[Survey]) -> QuerySet[Survey]:
    """Every survey for provincial roles; unit users see collecting or closed surveys that
    cover their unit."""
    if can(user, "surveys.view_all"):
        return surveys
    groups = UnitGroup.objects.filter(units=user.unit_id).values_list("period_id", "framework_id")
    covered = Q(pk__in=[])
    for period_id, framework_id in groups:
        covered |= Q(period_id=period_id, framework_id=framework_id)
    return surveys.filter(covered).exclude(state=SurveyState.DRAFT)


def visible_survey_units(user: Any, units: QuerySet[Unit]) -> QuerySet[Unit]:
    """The units of a survey whose figures the user may see (unit users: their own)."""
    return units if can(user, "surveys.view_all") else units.filter(pk=user.unit_id)


def dossier_unit_code(user: Any) -> str | None:
    """Service data: None when the user sees every unit's rows, else the code of the one unit
    whose rows they may see ("" for a user without a unit, who then sees none)."""
    if can(user, "dossiers.view_all"):
        return None
    unit = getattr(user, "unit", None)
    return unit.code if unit is not None else ""


def visible_result_periods(
    user: Any, periods: QuerySet[AssessmentPeriod] | list[AssessmentPeriod]
) -> list[AssessmentPeriod]:
    """The periods whose results the user may see, in the given order."""
    return [period for period in periods if may_view_results(user, period)]


def may_view_previous_year(user: Any, period: AssessmentPeriod) -> bool:
    """Whether result pages of `period` may show the year before's figures to `user`."""
    previous = AssessmentPeriod.objects.filter(year=period.year - 1).first()
    return previous is not None and may_view_results(user, previous)


# --- assessments: what a user may do on a page now ------------------------------------------


def is_member(user: Any, assessment: Assessment) -> bool:
    """A unit user of the assessed unit."""
    return bool(getattr(user, "role", None) in UNIT_ROLES and user.unit_id == assessment.unit_id)


def acting_role(user: Any, assessment: Assessment) -> Role | None:
    """The role in which `user` acts on `assessment` in the workflow table: a unit role only
    for the unit's own staff, a provincial role as it is; None for anyone else."""
    role = getattr(user, "role", None)
    if not role or not getattr(user, "is_active", False):
        return None
    if role in UNIT_ROLES and not is_member(user, assessment):
        return None
    return Role(role)


def may_act(user: Any, assessment: Assessment, action: workflow.Action | str) -> bool:
    """Whether the workflow table lets `user` do `action` on `assessment` in its state now."""
    role = acting_role(user, assessment)
    return role is not None and workflow.Action(action) in workflow.allowed_actions(
        assessment.state, role
    )


def state_actions(user: Any, assessment: Assessment) -> list[workflow.Action]:
    """The workflow actions `user` may take on `assessment` now, in table order."""
    return workflow.allowed_actions(assessment.state, acting_role(user, assessment))


def self_edit_state(user: Any, assessment: Assessment) -> tuple[bool, str]:
    """Whether the user may change the self-assessment now, and if not, why (for the page)."""
    if not is_member(user, assessment):
        return False, gettext("Chỉ cán bộ của đơn vị tự chấm; trang này để xem.")
    state = workflow.State(assessment.state)
    if state != workflow.State.DRAFT:
        return False, gettext("Hồ sơ ở trạng thái «%(state)s»: phần tự chấm chỉ để xem.") % {
            "state": workflow.STATE_LABELS[state]
        }
    deadline = unit_deadline(assessment)
    if timezone.now() > deadline:
        when = timezone.localtime(deadline).strftime("%d/%m/%Y %H:%M")
        return False, gettext(
            "Đã quá hạn tự đánh giá (%(when)s); hồ sơ chỉ sửa được khi Sở Nội vụ gia hạn cho "
            "đơn vị."
        ) % {"when": when}
    return True, ""


def explanation_edit_state(user: Any, assessment: Assessment) -> bool:
    """Whether the unit may answer (and add evidence to) the open explanation round now."""
    if not is_member(user, assessment):
        return False
    if assessment.state != workflow.State.EXPLANATION_REQUESTED:
        return False
    request = open_explanation(assessment)
    return request is not None and timezone.now() <= request.deadline


def appraisal_edit_state(user: Any, assessment: Assessment) -> bool:
    """Whether the user may change appraised scores now."""
    return (
        getattr(user, "role", None) == Role.APPRAISER
        and workflow.State(assessment.state) in workflow.APPRAISER_EDITABLE
    )


# --- the REST API: tokens and what a token may reach ----------------------------------------


def api_token_for(user: Any, pk: int) -> ApiToken:
    """A token: its holder sees (and revokes) it; administrators see every token."""
    token = ApiToken.objects.select_related("user").filter(pk=pk).first()
    if token is None or not can(user, "api.tokens"):
        raise Http404
    if token.user_id != user.pk and not can(user, "api.tokens.manage"):
        raise Http404
    return token


def may_issue_token(actor: Any, account: User) -> bool:
    """A user issues tokens for themselves; an administrator also for any other active account
    (a system account: the one-stop-shop system, a survey server)."""
    if account.pk == getattr(actor, "pk", None):
        return can(actor, "api.tokens")
    return can(actor, "api.tokens.manage") and account.is_active


def token_allows(token: ApiToken, family: str) -> bool:
    """Whether `token` may call an endpoint of `family` (`apitokens.scopes.FAMILIES`): it is
    neither revoked nor expired, its account is active, the family is within its scopes (none:
    all), and a read-only token only reads. What the account may see or do inside the family is
    then asked here as for its pages (`assessment_for`, `may_act`, …)."""
    if not token.is_active or not token.user.is_active:
        return False
    if token.scopes and family not in token.scopes:
        return False
    return is_read(family) or not token.read_only


def may_see_appraisal(user: Any, assessment: Assessment) -> bool:
    """Whether the appraiser's values and comments on the unit's own (self-scored) criteria may
    be shown: to provincial roles always, to the unit once the period's results are published
    (its pages show the unit's side until then; system-filled criteria are shown to all)."""
    return can(user, "assessments.view_all") or assessment.period.status == PeriodStatus.PUBLISHED


def visible_assessments(user: Any, assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Provincial roles see every unit's assessments, unit users their own unit's."""
    if can(user, "assessments.view_all"):
        return assessments
    return assessments.filter(unit_id=getattr(user, "unit_id", None) or 0)
