"""Users and their roles.

Unit officers (cán bộ đầu mối) and unit heads (thủ trưởng) belong to exactly one
unit; appraisers, council members, leaders and administrators work for the whole
province. What each role may do is decided in `parindex.policy`.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parindex.accounts.roles import PROVINCIAL_ROLES, UNIT_ROLES, Role

__all__ = ["PROVINCIAL_ROLES", "UNIT_ROLES", "Role", "User"]


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("đơn vị"),
    )
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    is_demo = models.BooleanField(
        _("tài khoản minh họa"),
        default=False,
        help_text=_("Tài khoản của dữ liệu demo: chỉ đăng nhập được ở chế độ phát triển."),
    )

    class Meta:
        ordering = ["full_name", "username"]
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role__in=sorted(UNIT_ROLES)) & Q(unit__isnull=False))
                | (~Q(role__in=sorted(UNIT_ROLES)) & Q(unit__isnull=True)),
                name="user_unit_matches_role",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_unit_user(self) -> bool:
        return self.role in UNIT_ROLES

    @property
    def is_provincial(self) -> bool:
        return self.role in PROVINCIAL_ROLES

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role else ""
