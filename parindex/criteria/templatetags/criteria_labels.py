"""`{{ node.rule.description|engine_text }}`: the engine's fixed words in the page's language
(see `parindex.criteria.labels`)."""

from __future__ import annotations

from typing import Any

from django import template

from parindex.criteria.labels import engine_text as translate_engine_text

register = template.Library()


@register.filter
def engine_text(text: Any) -> str:
    return translate_engine_text(text)
