"""Template context shared by every page: the role's menu and whether this is demo data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from parindex.web.accounts.two_factor import pending_step
from parindex.web.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    # A session that still owes its second sign-in step sees no menu: nothing else opens yet.
    second_step = pending_step(request) is not None
    return {
        "menu": [] if second_step else menu_for(request.user, request.path),
        "demo_mode": settings.DEMO_MODE,
        "second_step": second_step,
    }
