"""What the workflow pages share: finding a leaf, who may edit what now, and answering an
htmx request or a plain form post with the same view."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from parindex.assessments import workflow
from parindex.assessments.models import Assessment
from parindex.assessments.selectors import engine_for_group, open_explanation
from parindex.assessments.services import unit_deadline
from parindex.engine import Node

# Status codes whose body htmx swaps in (see the htmx-config meta tag in _htmx_config.html):
# 400 for input that does not fit, 409 for an edit based on a stale version.
INVALID = 400
CONFLICT = 409


def leaf_or_404(assessment: Assessment, code: str) -> Node:
    node = engine_for_group(assessment.group).nodes.get(code)
    if node is None or not node.is_leaf:
        raise Http404
    return node


def role_of(user: Any) -> str | None:
    return getattr(user, "role", None) or None


def is_member(user: Any, assessment: Assessment) -> bool:
    return bool(
        getattr(user, "is_unit_user", False) and user.unit_id == assessment.unit_id  # type: ignore[union-attr]
    )


def self_edit_state(user: Any, assessment: Assessment) -> tuple[bool, str]:
    """Whether the user may change the self-assessment now, and if not, why (for the page)."""
    if not is_member(user, assessment):
        return False, "Chỉ cán bộ của đơn vị tự chấm; trang này để xem."
    state = workflow.State(assessment.state)
    if state != workflow.State.DRAFT:
        return False, (
            f"Hồ sơ ở trạng thái «{workflow.STATE_LABELS[state]}»: phần tự chấm chỉ để xem."
        )
    deadline = unit_deadline(assessment)
    if timezone.now() > deadline:
        when = timezone.localtime(deadline).strftime("%d/%m/%Y %H:%M")
        return False, (
            f"Đã quá hạn tự đánh giá ({when}); hồ sơ chỉ sửa được khi Sở Nội vụ gia hạn cho đơn vị."
        )
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
    return (
        role_of(user) == workflow.Role.APPRAISER
        and workflow.State(assessment.state) in workflow.APPRAISER_EDITABLE
    )


def done(request: HttpRequest, url: str, text: str = "", error: str = "") -> HttpResponse:
    """A plain form post's answer: a message and back to the page (post/redirect/get)."""
    if error:
        messages.error(request, error)
    elif text:
        messages.success(request, text)
    return redirect(url)


def self_url(assessment: Assessment, anchor: str = "") -> str:
    url = reverse("assessments:self", args=[assessment.pk])
    return f"{url}#{anchor}" if anchor else url


def appraise_url(assessment: Assessment, anchor: str = "") -> str:
    url = reverse("assessments:appraise", args=[assessment.pk])
    return f"{url}#{anchor}" if anchor else url


def state_actions(user: Any, assessment: Assessment) -> list[workflow.Action]:
    return workflow.allowed_actions(assessment.state, role_of(user))
