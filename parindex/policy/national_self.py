"""The province's national self-assessment: Home Affairs and the contributing departments
(a department sees and edits only the sub-criteria assigned to it)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from parindex.accounts.roles import UNIT_ROLES
from parindex.nationalself.models import (
    Contribution,
    ContributionStatus,
    Evidence,
    NationalSelfAssessment,
    Package,
)
from parindex.nationalself.selectors import assigned_codes
from parindex.policy.capabilities import can

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
