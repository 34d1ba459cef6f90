"""Template context shared by every page: the role's menu and whether this is demo data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from parindex.web.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"menu": menu_for(request.user, request.path), "demo_mode": settings.DEMO_MODE}
