"""The policy in templates: `{% load policy_tags %}` then `{% if user|can:"assessments.appraise" %}`.

Templates never compare roles themselves; a button or a hint appears when the policy says so.
"""

from __future__ import annotations

from typing import Any

from django import template

from parindex import policy

register = template.Library()


@register.filter(name="can")
def can_filter(user: Any, capability: str) -> bool:
    return policy.can(user, capability)
