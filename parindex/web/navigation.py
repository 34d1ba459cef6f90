"""The menu each role sees. A link appears only when the role may open its page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parindex.policy import can


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    active: bool


# (label, URL name, capability needed or None for every signed-in user)
_ITEMS: list[tuple[Any, str, str | None]] = [
    (_("Tổng quan"), "home", None),
    # The stage of the workflow each provincial role works in comes first.
    (_("Thẩm định"), "assessments:queue", "assessments.appraise"),
    (_("Hội đồng"), "assessments:council", "assessments.approve"),
    (_("Công bố"), "assessments:publication", "assessments.publish"),
    (_("Kết quả"), "results:index", None),
    (_("Kỳ đánh giá"), "periods:list", "periods.view"),
    (_("Bộ tiêu chí"), "frameworks:list", "frameworks.view"),
    (_("Điều tra XHH"), "questionnaires:list", "surveys.view"),
    (_("Số liệu hồ sơ"), "dossiers:dashboard", "dossiers.view"),
    (_("Giao việc"), "tasks:list", "tasks.view"),
    (_("Văn bản"), "documents:index", "documents.province"),
    (_("Chỉ số cấp tỉnh"), "national:index", "national.view"),
    (_("Đơn vị"), "units:list", "units.view_all"),
    (_("Người dùng"), "accounts:list", "users.manage"),
    (_("Nhật ký"), "audit:list", "audit.view"),
]


def menu_for(user: Any, path: str) -> list[MenuItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    for label, url_name, capability in _ITEMS:
        if capability is not None and not can(user, capability):
            continue
        url = reverse(url_name)
        active = path == url if url == "/" else path.startswith(url)
        items.append(MenuItem(str(label), url, active))
    if can(user, "assessments.self_assess") and user.unit_id:
        url = reverse("units:detail", args=[user.unit_id])
        items.insert(1, MenuItem(str(_("Đơn vị của tôi")), url, path.startswith(url)))
        own = reverse("assessments:mine")
        items.insert(1, MenuItem(str(_("Tự đánh giá")), own, path.startswith(own)))
    return items
