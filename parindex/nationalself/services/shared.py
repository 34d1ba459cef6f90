"""What the services share: the lock after sending, times, the audit record, notifications."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.accounts.roles import Role
from parindex.assessments.services.notifications import notify, page_url, role_users, unit_users
from parindex.audit.services import audit_record
from parindex.nationalself.errors import NationalSelfError
from parindex.nationalself.models import Contribution, NationalSelfAssessment
from parindex.units.models import Unit

__all__ = [
    "audit",
    "check_open",
    "home_affairs_users",
    "moment",
    "notify",
    "page_url",
    "today",
    "unit_users",
    "units_users",
]


def moment(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def today(now: datetime.datetime | None) -> datetime.date:
    return timezone.localtime(moment(now)).date()


def check_open(assessment: NationalSelfAssessment, reason: str) -> str:
    """Once the package is sent to the Ministry the assessment is locked: a later change needs
    a reason (recorded with it in the audit trail). Returns the reason, stripped."""
    reason = reason.strip()
    if assessment.is_sent and not reason:
        raise NationalSelfError(
            gettext("Hồ sơ năm %(year)s đã gửi Bộ Nội vụ: mọi thay đổi sau khi gửi cần nêu lý do.")
            % {"year": assessment.year}
        )
    return reason


def audit(
    actor: Any,
    action: str,
    instance: models.Model,
    assessment: NationalSelfAssessment,
    changes: dict[str, Any],
    *,
    reason: str = "",
    label: str | None = None,
) -> None:
    if assessment.is_sent and reason:
        reason = gettext("Thay đổi sau khi gửi Bộ Nội vụ: %(reason)s") % {"reason": reason}
    audit_record(
        actor=actor,
        action=action,
        instance=instance,
        object_repr=(label or str(instance))[:255],
        changes=changes,
        reason=reason,
        scope=assessment,
    )


def contribution_label(contribution: Contribution) -> str:
    return f"{contribution.assessment.year} / {contribution.node_code}"


def home_affairs_users() -> list[User]:
    """Who consolidates: the province's Home Affairs staff (appraisers)."""
    return role_users(Role.APPRAISER)


def units_users(units: list[Unit]) -> list[User]:
    users: list[User] = []
    for unit in units:
        users.extend(unit_users(unit))
    return users
