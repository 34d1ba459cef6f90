"""What the staff's survey pages share: CSV downloads, uploaded files, the survey's page context."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse

from parindex.policy import can
from parindex.questionnaires.models import Survey

CSV_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"  # Excel reads UTF-8 CSV as such only with a byte-order mark


def attachment(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def uploaded(upload: Any) -> tuple[str, bytes]:
    return upload.name, upload.read()


def survey_context(survey: Survey, request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user = request.user
    return {
        "survey": survey,
        "can_manage": can(user, "surveys.manage"),
        "can_view_all": can(user, "surveys.view_all"),
        "can_enter": can(user, "surveys.enter"),
        **extra,
    }
