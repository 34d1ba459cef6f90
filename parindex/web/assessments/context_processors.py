"""The unread-notification count for the menu bar (one small query per page)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from parindex.assessments.selectors import unread_notifications


def notifications(request: HttpRequest) -> dict[str, Any]:
    return {"unread_notifications": unread_notifications(getattr(request, "user", None))}
