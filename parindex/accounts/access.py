"""Every permission decision of the web platform, in one place.

`can(user, capability)` answers role-wide questions (may this user manage units?).
The `*_for(user, pk, write=…)` helpers answer object questions: each returns the
object or raises `Http404` (the user may not know it exists) or `PermissionDenied`
(the user may see it but not change it). Views call these and nothing else.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from parindex.accounts.models import User
from parindex.assessments import workflow
from parindex.assessments.models import Assessment, EvidenceDocument, Notification
from parindex.criteria.models import Framework
from parindex.jobs.models import Job
from parindex.periods.models import AssessmentPeriod, PeriodStatus, UnitGroup
from parindex.questionnaires.models import Survey, SurveyState
from parindex.units.models import Unit

# Role values as plain strings: Django's TextChoices members are strings at run time.
_ALL = frozenset({"officer", "head", "appraiser", "council", "leader", "admin"})
_HOME_AFFAIRS = frozenset({"admin", "appraiser"})
_PROVINCIAL = frozenset({"admin", "appraiser", "council", "leader"})
_ADMIN = frozenset({"admin"})

CAPABILITIES: dict[str, frozenset[str]] = {
    "units.view_all": _PROVINCIAL,
    "units.manage": _ADMIN,
    "users.manage": _ADMIN,
    "frameworks.view": _ALL,
    "frameworks.view_drafts": _HOME_AFFAIRS | {"council"},
    "frameworks.manage": _HOME_AFFAIRS,
    "frameworks.publish": _ADMIN,
    "periods.view": _ALL,
    "periods.manage": _HOME_AFFAIRS,
    "periods.view_extensions": _PROVINCIAL,
    "audit.view": _ADMIN,
    "assessments.view_all": _PROVINCIAL,
    "assessments.appraise": frozenset({"appraiser"}),
    "assessments.approve": frozenset({"council"}),
    "assessments.publish": _ADMIN,
    "results.view_unpublished": _PROVINCIAL,
    # Sociological surveys: Home Affairs runs them, the council and leaders read every unit's
    # progress and results, unit users their own unit's; unit users also type paper forms.
    "surveys.view": _ALL,
    "surveys.view_all": _PROVINCIAL,
    "surveys.manage": _HOME_AFFAIRS,
    "surveys.enter": _HOME_AFFAIRS | {"officer", "head"},
    # Service data (dossiers of the one-stop shops): every user sees indicators (unit users
    # their own unit's only), provincial roles every unit's and the drill-down; Home Affairs
    # imports files and writes the data-scored criteria into the assessments.
    "dossiers.view": _ALL,
    "dossiers.view_all": _PROVINCIAL,
    "dossiers.manage": _HOME_AFFAIRS,
    "admin.site": _ADMIN,
}


def can(user: Any, capability: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in CAPABILITIES[capability]


def require(user: Any, capability: str) -> None:
    if not can(user, capability):
        raise PermissionDenied


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
            raise PermissionDenied("Bộ tiêu chí đã ban hành, không thể sửa.")
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


def notification_for(user: User, pk: int) -> Notification:
    """A notification: only its addressee sees it."""
    notification = Notification.objects.filter(pk=pk, user_id=user.pk).first()
    if notification is None:
        raise Http404
    return notification
