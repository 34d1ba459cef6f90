"""Two-factor sign-in: who must set it up, what a signed-in user still owes, who resets it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.policy.capabilities import TWO_FACTOR_ROLES, can
from parindex.policy.objects import user_for

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
