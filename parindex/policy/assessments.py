"""Assessments: what a user may do on a page now (the workflow table is the rule book)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from parindex.accounts.roles import UNIT_ROLES, Role
from parindex.assessments import workflow
from parindex.assessments.models import Assessment
from parindex.assessments.selectors import open_explanation, unit_deadline
from parindex.periods.models import PeriodStatus
from parindex.policy.capabilities import can

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
