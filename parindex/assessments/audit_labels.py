"""How the audit trail words the assessments' events (`parindex.audit.labels`).

Registered when the app starts (`apps.py`): the workflow's actions and the other actions on
assessments, the labels of a node entry's recorded keys, a node entry's values read through
its node's rule (an option code by its label: "Phương án: Đúng hạn", not "option late"), and
the events that concern a unit (its assessments').
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parindex.assessments import workflow
from parindex.assessments.models import Assessment, NodeEntry
from parindex.assessments.selectors import VALUE_LABELS, engine_for_group, values_text
from parindex.audit import labels
from parindex.audit.models import AuditEvent
from parindex.engine import Node, format_number, to_decimal

# The keys of a node entry's recorded changes (as the appraisal page names them).
FIELD_LABELS: dict[str, Any] = {
    "self_values": _("giá trị tự chấm"),
    "self_points": _("điểm tự chấm"),
    "self_explanation": _("diễn giải tự chấm"),
    "note": _("ghi chú"),
    "written_explanation": _("giải trình thay tài liệu"),
    "appraised_values": _("giá trị thẩm định"),
    "appraised_points": _("điểm thẩm định"),
    "appraised_explanation": _("diễn giải thẩm định"),
    "reason_code": _("lý do điều chỉnh"),
    "appraiser_comment": _("nhận xét thẩm định"),
    "explanation_accepted": _("chấp nhận giải trình"),
    "finalised": _("đã chốt"),
    "provenance": _("nguồn số liệu"),
    "evidence": _("tài liệu kiểm chứng"),
}
# Keys recorded on assessments, periods and groups by the workflow and the publication.
OTHER_FIELDS: dict[str, Any] = {
    "state": _("trạng thái"),
    "answer": _("trả lời giải trình"),
    "node": _("mục"),
    "amended_units": _("đơn vị được điều chỉnh"),
    "approved_units": _("đơn vị được thông qua"),
    "submission": _("gửi tự đánh giá"),
    "recipients": _("người nhận"),
}
ACTION_LABELS: dict[str, Any] = {
    "score": _("sửa điểm"),
    "upload": _("tải tài liệu kiểm chứng lên"),
    "evidence": _("gắn hoặc gỡ tài liệu kiểm chứng"),
    "explain": _("trả lời giải trình"),
    "publish": _("công bố"),
    "amend": _("điều chỉnh sau công bố"),
    "approve": _("thông qua"),
    "system_value": _("nhận số liệu tự động"),
    "remind": _("nhắc việc"),
    **{action.value: label for action, label in workflow.ACTION_LABELS.items()},
}
_VALUES = {"self_values", "appraised_values"}
_LONG_TEXT = {"self_explanation", "appraised_explanation"}


def entry_value_text(key: str, value: Any, node: Node | None) -> str | None:
    """A node entry's recorded value in words, or None for the generic rendering."""
    if value is None or value == "":
        return None
    if key in _VALUES and isinstance(value, Mapping):
        if node is not None and node.rule is not None:
            return values_text(node, value) or labels.empty_text()
        return ", ".join(
            f"{VALUE_LABELS.get(name, name)} {labels.value_text('', name, item)}"
            for name, item in value.items()
        )
    if key.endswith("_points"):
        try:
            return format_number(to_decimal(value))
        except ValueError:
            return str(value)
    if key in _LONG_TEXT:
        # A rule's explanation holds its own arrows ("9/10 = 90% → 4/4 điểm"): quoted, so
        # that "old → new" stays readable.
        return f"«{value}»"
    return None


def _entry_formatter(key: str, value: Any, context: Any) -> str | None:
    return entry_value_text(key, value, context if isinstance(context, Node) else None)


def _entry_nodes(events: Sequence[AuditEvent]) -> dict[int, Node]:
    """Each node-entry event's framework node (one query, one framework per group)."""
    ids = {int(event.object_id) for event in events if event.object_id.isdigit()}
    entries = {
        entry.pk: entry
        for entry in NodeEntry.objects.filter(pk__in=ids).select_related(
            "assessment__group__framework"
        )
    }
    frameworks: dict[int, Any] = {}
    found: dict[int, Node] = {}
    for event in events:
        entry = entries.get(int(event.object_id)) if event.object_id.isdigit() else None
        if entry is None:
            continue
        group = entry.assessment.group
        if group.pk not in frameworks:
            frameworks[group.pk] = engine_for_group(group)
        node = frameworks[group.pk].nodes.get(entry.node_code)
        if node is not None:
            found[event.pk] = node
    return found


def _unit_assessments(unit_pk: int) -> Q:
    assessments = Assessment.objects.filter(unit_id=unit_pk).values_list("pk", flat=True)
    return Q(scope_type="assessment", scope_id__in=[str(pk) for pk in assessments])


def register() -> None:
    labels.register_actions(
        {
            **{action.value: label for action, label in workflow.ACTION_LABELS.items()},
            # A reminder to a unit that never opened its assessment is recorded on the unit.
            "remind": ACTION_LABELS["remind"],
        }
    )
    labels.register_fields(OTHER_FIELDS)
    labels.register(
        "nodeentry",
        actions=ACTION_LABELS,
        fields={**FIELD_LABELS, **VALUE_LABELS},
        formatter=_entry_formatter,
        loader=_entry_nodes,
    )
    labels.register("assessment", actions=ACTION_LABELS, fields=OTHER_FIELDS)
    labels.register("evidencedocument", actions=ACTION_LABELS)
    labels.register(
        "explanationitem", name=_("câu hỏi giải trình"), actions=ACTION_LABELS, fields=OTHER_FIELDS
    )
    labels.register("evidencelink", name=_("tài liệu gắn với mục"))
    labels.register("groupapproval", name=_("thông qua của hội đồng"))
    labels.register_unit_scope(_unit_assessments)
