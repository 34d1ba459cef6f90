"""`{{ node.rule.description|engine_text }}`: the engine's fixed words in the page's language
(see `parindex.criteria.labels`)."""

from __future__ import annotations

from typing import Any

from django import template

from parindex.criteria.labels import display_code, node_label
from parindex.criteria.labels import engine_text as translate_engine_text

register = template.Library()


@register.filter
def engine_text(text: Any) -> str:
    return translate_engine_text(text)


@register.filter
def shown_code(code: Any, framework: Any) -> str:
    """`{{ row.code|shown_code:sheet.framework }}`: "Thưởng 1", not "THUONG.1"
    (`parindex.criteria.labels.display_code`)."""
    if framework is None or not hasattr(framework, "nodes"):
        return str(code)
    return display_code(framework, str(code))


@register.filter
def area_label(code: Any, framework: Any) -> str:
    """`{{ area.code|area_label:card.framework }}`: "I. Cải cách thể chế", "Điểm thưởng"."""
    if framework is None or not hasattr(framework, "nodes"):
        return str(code)
    return node_label(framework, str(code))
