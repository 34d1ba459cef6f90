"""How an audit event's recorded values read on the page ("cũ → mới", not a Python list)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def value_text(value: Any) -> str:
    """A recorded value as plain text: nothing as "—", lists joined, yes/no in words."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("có") if value else gettext("không")
    if isinstance(value, list):
        return ", ".join(value_text(item) for item in value) or "—"
    return str(value)


@register.filter
def change_text(value: Any) -> str:
    """An update's `[old, new]` as "old → new"; any other recorded value as plain text."""
    if isinstance(value, list) and len(value) == 2:
        old, new = value
        return f"{value_text(old)} → {value_text(new)}"
    return value_text(value)
