"""Figures of the planning pages: probabilities, simulated (float) points and rates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from parindex.engine import format_number, format_percent

register = template.Library()


@register.filter
def prob(value: Any) -> str:
    """A probability (0–1) as a whole percentage: "73%", "<1%" for a small non-zero one."""
    if value is None or value == "":
        return "—"
    share = float(value)
    if 0 < share < 0.005:
        return "<1%"
    if 0.995 < share < 1:
        return ">99%"
    return format_percent(Decimal(round(share * 100)))


@register.filter
def fnum(value: Any, places: Any = 2) -> str:
    """A simulated figure (a float or its text) with `places` decimals and a decimal comma."""
    if value is None or value == "":
        return "—"
    return format_number(Decimal(str(round(float(value), int(places)))), int(places))


@register.filter
def fpct(value: Any, places: Any = 1) -> str:
    """A simulated rate in percent: "93,5%"."""
    if value is None or value == "":
        return "—"
    return format_percent(Decimal(str(round(float(value), int(places)))), int(places))


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None
