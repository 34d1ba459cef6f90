"""Which audit events concern a unit among the accounts': its users' (`parindex.audit.labels`;
a user's fields and role are worded from the model)."""

from __future__ import annotations

from django.db.models import Q

from parindex.accounts.models import User
from parindex.audit import labels


def _unit_users(unit_pk: int) -> Q:
    users = User.objects.filter(unit_id=unit_pk).values_list("pk", flat=True)
    return Q(object_type="user", object_id__in=[str(pk) for pk in users])


def register() -> None:
    labels.register_unit_scope(_unit_users)
