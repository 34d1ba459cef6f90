"""How the audit trail words the surveys' events (`parindex.audit.labels`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from parindex.audit import labels
from parindex.audit.models import AuditEvent
from parindex.questionnaires.models import Survey
from parindex.units.models import Unit

FIELDS = {
    "form": _("biểu mẫu"),
    "invitations": _("số thư mời"),
    "unit": _("đơn vị"),
    "respondent_group": _("nhóm người trả lời"),
    "expires_at": _("hết hạn"),
    "flagged": _("số phiếu có cảnh báo"),
    "excluded": _("bị loại"),
    "targets_changed": _("số chỉ tiêu mẫu thay đổi"),
    "applied": _("số hồ sơ nhận điểm điều tra"),
    "locked": _("hồ sơ đã khóa, không nhận điểm"),
    "without_responses": _("số đơn vị chưa có phiếu"),
    "refused": _("không nhận được điểm"),
    "already_present": _("số phiếu đã có"),
    "replaced": _("phiếu được thay thế"),
    "version_id": _("phiên bản phiếu"),
    "changed_answers": _("câu trả lời thay đổi"),
    "changed_repeats": _("nhóm lặp thay đổi"),
    "paper": _("số phiếu giấy"),
}


def _survey_value(key: str, value: Any, context: Any) -> str | None:
    """A unit by its name, a respondent group by the questionnaire's label."""
    if not isinstance(context, dict) or not isinstance(value, str):
        return None
    if key == "unit":
        return context["units"].get(value)
    if key == "respondent_group":
        return context["groups"].get(value)
    return None


def _survey_context(events: Sequence[AuditEvent]) -> dict[int, Any]:
    """The units' names and the respondent groups' labels the events name by code."""
    codes = {
        str(code)
        for event in events
        for key, change in event.changes.items()
        if key == "unit" and isinstance(change, list) and len(change) == 2
        for code in change
        if code is not None
    }
    if not codes and not any("respondent_group" in event.changes for event in events):
        return {}
    units = dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))
    groups = {
        str(group.get("code")): str(group.get("label") or group.get("code"))
        for survey in Survey.objects.filter(
            pk__in={event.scope_id for event in events if event.scope_id.isdigit()}
        )
        for group in survey.respondent_groups
    }
    context = {"units": units, "groups": groups}
    return {event.pk: context for event in events}


def register() -> None:
    labels.register(
        "survey",
        actions={
            "create": _("tạo cuộc điều tra"),
            "replace_form": _("thay biểu mẫu"),
            "invite": _("tạo thư mời"),
            "targets": _("đặt chỉ tiêu mẫu"),
            "check": _("kiểm tra phiếu"),
            "apply": _("đưa điểm điều tra vào hồ sơ đánh giá"),
        },
        fields=FIELDS,
        formatter=_survey_value,
        loader=_survey_context,
    )
    labels.register(
        "response",
        actions={
            "enter_response": _("nhập phiếu giấy"),
            "replace_response": _("thay phiếu bằng bản đã sửa (ODK/KoboToolbox)"),
            "exclude_response": _("loại phiếu"),
            "reinstate_response": _("khôi phục phiếu"),
        },
        fields=FIELDS,
        formatter=_survey_value,
        loader=_survey_context,
    )
    labels.register(
        "importbatch", actions={"import_responses": _("nhập phiếu từ tệp")}, fields=FIELDS
    )
