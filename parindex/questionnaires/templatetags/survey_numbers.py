"""Numbers of the survey pages as officials write them (decimal comma, "87,5%")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from parindex.engine import format_number, format_percent, round_half_up

register = template.Library()

FLAG_LABELS = {
    "small_sample": _("ít phiếu"),
    "class_uncertain": _("chưa chắc xếp loại"),
    "rank_overlap": _("thứ hạng chưa tách bạch"),
    "missing_node": _("thiếu tiêu chí"),
    "missing_group": _("thiếu nhóm"),
}


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _shown(value: Decimal, places: Any) -> str:
    """At most `places` decimals, trailing zeros dropped ("8,51", "10")."""
    if places in (None, ""):
        return format_number(value)
    return format_number(round_half_up(value, int(places)).normalize())


@register.filter
def num(value: Any, places: Any = None) -> str:
    """`{{ x|num }}` as given; `{{ x|num:2 }}` at most two decimals."""
    number = _decimal(value)
    return "—" if number is None else _shown(number, places)


@register.filter
def pct(value: Any, places: Any = None) -> str:
    """A percentage: `{{ x|pct }}` as given, `{{ x|pct:0 }}` rounded to whole percents."""
    number = _decimal(value)
    if number is None:
        return "—"
    if places in (None, ""):
        return format_percent(number.normalize())
    return format_percent(round_half_up(number, int(places)).normalize())


@register.simple_tag
def interval(low: Any, high: Any, places: Any = 2, unit: str = "") -> str:
    """ "75,1–81,95" (at most `places` decimals, then `unit`), or a dash when unknown."""
    low_number, high_number = _decimal(low), _decimal(high)
    if low_number is None or high_number is None:
        return "—"
    return f"{_shown(low_number, places)}–{_shown(high_number, places)}{unit}"


@register.filter
def flag_label(code: str) -> str:
    return str(FLAG_LABELS.get(code, code))
