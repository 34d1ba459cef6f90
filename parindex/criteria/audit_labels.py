"""How the audit trail words the frameworks' events (`parindex.audit.labels`): a node's
change is recorded on its framework, with the node's fields (a rule by its description, a
kind and a source by their labels)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.audit import labels
from parindex.criteria.labels import engine_text
from parindex.criteria.models import CriterionNode
from parindex.engine import RULES


def _node_value(key: str, value: Any, context: Any) -> str | None:
    if key == "rule" and isinstance(value, str) and value in RULES:
        return engine_text(RULES[value].description)
    if key in ("kind", "source") and isinstance(value, str):
        found = CriterionNode._meta.get_field(key)
        choices = dict(found.flatchoices) if isinstance(found, models.Field) else {}
        return str(choices[value]) if value in choices else None
    return None


def register() -> None:
    node_fields = {
        each.name: each.verbose_name
        for each in CriterionNode._meta.concrete_fields
        if each.name not in ("id", "framework")
    }
    labels.register(
        "framework",
        actions={
            "import": _("nhập bộ tiêu chí từ tệp"),
            "update": _("sửa mục tiêu chí"),
            "publish": _("công bố bộ tiêu chí"),
            "clone": _("sao chép sang năm sau"),
        },
        fields={
            **node_fields,
            "nodes": _("số mục"),
            "source": _("nguồn"),
            "from": _("sao chép từ bộ tiêu chí"),
            "year": _("năm"),
        },
        formatter=_node_value,
    )
