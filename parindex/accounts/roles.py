"""The roles of the platform: one type, used by the accounts, the workflow table and the policy.

Importable without the app registry (only Django's enum and lazy translation), so the pure
workflow table can name roles before Django has loaded the models.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Cán bộ đầu mối")
    HEAD = "head", _("Thủ trưởng đơn vị")
    APPRAISER = "appraiser", _("Thẩm định viên (Sở Nội vụ)")
    COUNCIL = "council", _("Thành viên Hội đồng thẩm định")
    LEADER = "leader", _("Lãnh đạo tỉnh")
    ADMIN = "admin", _("Quản trị hệ thống")


UNIT_ROLES: frozenset[Role] = frozenset({Role.OFFICER, Role.HEAD})
PROVINCIAL_ROLES: frozenset[Role] = frozenset(
    {Role.APPRAISER, Role.COUNCIL, Role.LEADER, Role.ADMIN}
)
