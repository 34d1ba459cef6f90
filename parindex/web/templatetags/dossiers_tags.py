"""The service-data pages' tab bar, each tab shown only to whom may open it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parindex.dossiers import labels
from parindex.dossiers import selectors as dossier_selectors
from parindex.engine import format_number
from parindex.policy import can
from parindex.servicedata import Period

register = template.Library()

# (label, URL name, capability)
_TABS = (
    (_("Chỉ số phục vụ"), "dossiers:dashboard", "dossiers.view"),
    (_("Phân tích, giao việc"), "dossiers:drilldown", "dossiers.view_all"),
    (_("Tiêu chí chấm từ số liệu"), "dossiers:criteria", "dossiers.manage"),
    (_("Nhập hồ sơ"), "dossiers:upload", "dossiers.manage"),
    (_("Số liệu khác"), "dossiers:feeds", "dossiers.manage"),
    (_("Các lần nhập"), "dossiers:batches", "dossiers.manage"),
)


@register.inclusion_tag("dossiers/_tabs.html", takes_context=True)
def dossier_tabs(context: dict[str, Any], current: str) -> dict[str, Any]:
    user = context["request"].user
    tabs = [
        {"label": str(label), "url": reverse(name), "active": name == current}
        for label, name, capability in _TABS
        if can(user, capability)
    ]
    return {"tabs": tabs}


@register.filter
def at(sequence: Any, index: int) -> Any:
    """`row.rates|at:forloop.counter0`: an item of a sequence by position."""
    try:
        return sequence[index]
    except (IndexError, TypeError, KeyError):
        return ""


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def n(value: Any) -> str:
    """A count as officials write it: "1.234"."""
    if value is None or value == "":
        return "—"
    return format_number(Decimal(value))


@register.filter
def when(value: Any) -> str:
    """An ISO time from the store's manifest or a snapshot, as "28/11/2026 10:05" local time."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment:%d/%m/%Y %H:%M}"


@register.filter
def servicedata_text(text: Any) -> str:
    """A count's or rate's name in the page's language (`parindex.dossiers.labels`)."""
    return labels.servicedata_text(text)


@register.filter
def period_label(period: Any) -> str:
    """A period ("Tháng 03/2025") in the page's language: a `Period`, or a snapshot's JSON."""
    if isinstance(period, dict):
        return labels.snapshot_period_label(period)
    if isinstance(period, Period):
        return labels.period_label(period)
    return str(period)


@register.filter
def drill_text(item: Any) -> str:
    """A drill-down item as a sentence in the page's language (`parindex.dossiers.labels`)."""
    return labels.drill_text(item)


@register.filter
def indicator_label(indicator: Any) -> str:
    """A data-scored criterion's indicator by its name ("Tỷ lệ giải quyết đúng hạn"), never
    its key (`dossiers.on_time_rate`)."""
    return dossier_selectors.indicator_label(str(indicator or ""))
