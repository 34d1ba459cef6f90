"""The menu each role sees. A link appears only when the role may open its page.

Related pages are grouped (appraisal, results, data, administration) so that the menu fits one
line on a 1280 px screen; on a phone the whole menu opens from a button (`base.html`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parindex.policy import can


@dataclass(frozen=True)
class MenuItem:
    """A link, or a group of links (`children`) that opens under its label."""

    label: str
    url: str
    active: bool
    children: tuple[MenuItem, ...] = ()


# (label, URL name, capability needed or None for every signed-in user)
_Item = tuple[Any, str, str | None]
# The menu in order: a link, or a group (label, its links). A group of which the user may open
# one page only is that page's link; a group of none is left out. Eight entries at most, so
# that the menu fits one line at 1280 px (tests/web/test_layout.py).
_MENU: list[_Item | tuple[Any, tuple[_Item, ...]]] = [
    (_("Tổng quan"), "home", None),
    # The stage of the workflow each provincial role works in comes first.
    (
        _("Thẩm định"),
        (
            (_("Thẩm định"), "assessments:queue", "assessments.appraise"),
            (_("Hội đồng"), "assessments:council", "assessments.approve"),
            (_("Công bố"), "assessments:publication", "assessments.publish"),
        ),
    ),
    (
        _("Kết quả"),
        (
            (_("Kết quả"), "results:index", None),
            (_("Kế hoạch nâng hạng"), "plans:index", None),
            (_("Văn bản"), "documents:index", "documents.province"),
            (_("Chỉ số cấp tỉnh"), "national:index", "national.view"),
            (_("Tự đánh giá cấp tỉnh"), "nationalself:index", "nationalself.view"),
        ),
    ),
    (_("Kỳ đánh giá"), "periods:list", "periods.view"),
    (_("Bộ tiêu chí"), "frameworks:list", "frameworks.view"),
    (
        _("Số liệu"),
        (
            (_("Điều tra XHH"), "questionnaires:list", "surveys.view"),
            (_("Số liệu hồ sơ"), "dossiers:dashboard", "dossiers.view"),
        ),
    ),
    (_("Giao việc"), "tasks:list", "tasks.view"),
    (
        _("Quản trị"),
        (
            (_("Đơn vị"), "units:list", "units.view_all"),
            (_("Người dùng"), "accounts:list", "users.manage"),
            (_("Nhật ký"), "audit:list", "audit.view"),
        ),
    ),
]


def _link(user: Any, path: str, item: _Item) -> MenuItem | None:
    label, url_name, capability = item
    if capability is not None and not can(user, capability):
        return None
    url = reverse(url_name)
    active = path == url if url == "/" else path.startswith(url)
    return MenuItem(str(label), url, active)


def menu_for(user: Any, path: str) -> list[MenuItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    items: list[MenuItem] = []
    for entry in _MENU:
        if isinstance(entry[1], tuple):
            label, members = entry
            links = [link for each in members if (link := _link(user, path, each)) is not None]
            if len(links) == 1:
                items.append(links[0])
            elif links:
                active = any(link.active for link in links)
                items.append(MenuItem(str(label), links[0].url, active, tuple(links)))
        else:
            link = _link(user, path, entry)  # type: ignore[arg-type]
            if link is not None:
                items.append(link)
    if can(user, "assessments.self_assess") and user.unit_id:
        url = reverse("units:detail", args=[user.unit_id])
        items.insert(1, MenuItem(str(_("Đơn vị của tôi")), url, path.startswith(url)))
        own = reverse("assessments:mine")
        items.insert(1, MenuItem(str(_("Tự đánh giá")), own, path.startswith(own)))
    return items


def menu_links(items: list[MenuItem]) -> list[MenuItem]:
    """Every link of the menu, the groups' opened out (what a test or a site map lists)."""
    return [link for item in items for link in (item.children or (item,))]
