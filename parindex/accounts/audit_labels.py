"""Which audit events concern a unit among the accounts': its users' (`parindex.audit.labels`;
a user's fields and role are worded from the model), and the words of the two-factor events."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parindex.accounts.models import User
from parindex.audit import labels


def _unit_users(unit_pk: int) -> Q:
    users = User.objects.filter(unit_id=unit_pk).values_list("pk", flat=True)
    return Q(object_type="user", object_id__in=[str(pk) for pk in users])


def register() -> None:
    labels.register_unit_scope(_unit_users)
    labels.register(
        "user",
        actions={
            "two_factor_enable": _("bật xác thực hai bước"),
            "two_factor_codes": _("tạo mã khôi phục mới"),
            "two_factor_reset": _("đặt lại xác thực hai bước"),
            "two_factor_recovery": _("đăng nhập bằng mã khôi phục"),
        },
        fields={
            "two_factor": _("xác thực hai bước"),
            "recovery_codes": _("số mã khôi phục"),
        },
    )
