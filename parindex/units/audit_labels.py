"""How the audit trail words the units' events (`parindex.audit.labels`), and which events
concern a unit: its own (edits, lineage, deadline extensions)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parindex.audit import labels
from parindex.units.models import LineageKind


def _unit_value(key: str, value: Any, context: Any) -> str | None:
    if key == "kind" and value in LineageKind.values:
        return str(LineageKind(value).label)
    return None


def _own_events(unit_pk: int) -> Q:
    return Q(object_type="unit", object_id=str(unit_pk))


def register() -> None:
    labels.register(
        "unit",
        actions={"lineage": _("ghi nhận sáp nhập, chia tách, đổi tên")},
        fields={"predecessor": _("đơn vị trước"), "kind": _("hình thức")},
        formatter=_unit_value,
    )
    labels.register_unit_scope(_own_events)
