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
from parindex.assessments.models import Assessment, EvidenceDocument
from parindex.criteria.models import Framework
from parindex.periods.models import AssessmentPeriod
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


def assessment_for(user: User, pk: int) -> Assessment:
    """An assessment: provincial roles see every unit's, unit users only their own unit's.
    What a user may *do* with it is the workflow table's decision (`assessments.workflow`)."""
    assessment = (
        Assessment.objects.select_related("unit", "period", "group__framework")
        .filter(pk=pk)
        .first()
    )
    if assessment is None:
        raise Http404
    if not (can(user, "assessments.view_all") or assessment.unit_id == user.unit_id):
        raise Http404
    return assessment


def evidence_for(user: User, pk: int) -> EvidenceDocument:
    """An evidence file, downloadable by whoever may see its unit's assessment."""
    document = EvidenceDocument.objects.select_related("unit").filter(pk=pk).first()
    if document is None:
        raise Http404
    if not (can(user, "assessments.view_all") or document.unit_id == user.unit_id):
        raise Http404
    return document
