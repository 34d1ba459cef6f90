"""Writes about accounts: create and update users (audited; passwords never logged)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from parindex.accounts.models import Role, User
from parindex.audit.services import audit_record, diff, snapshot

USER_FIELDS = ("username", "full_name", "email", "role", "unit", "phone", "is_active")


def _staff_flags(user: User) -> None:
    # The Django admin is for administrators only.
    user.is_staff = user.role == Role.ADMIN
    user.is_superuser = user.role == Role.ADMIN


def user_create(*, actor: Any, password: str, **fields: Any) -> User:
    user = User(**fields)
    _staff_flags(user)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        user.save()
        audit_record(
            actor=actor, action="create", instance=user, changes=snapshot(user, USER_FIELDS)
        )
    return user


def user_update(*, actor: Any, user: User, password: str = "", **fields: Any) -> User:
    # The stored row, not `user`: a ModelForm has already copied its input onto the instance.
    before = snapshot(User.objects.get(pk=user.pk), USER_FIELDS)
    for name, value in fields.items():
        setattr(user, name, value)
    _staff_flags(user)
    if password:
        validate_password(password, user)
        user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        user.save()
        changes = diff(before, snapshot(user, USER_FIELDS))
        if password:
            changes["password"] = ["***", "***"]
        if changes:
            audit_record(actor=actor, action="update", instance=user, changes=changes)
    return user
