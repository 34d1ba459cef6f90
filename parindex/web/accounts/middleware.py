"""Session middleware of the accounts: the second sign-in step, and the idle timeout.

`TwoFactorMiddleware` (after AuthenticationMiddleware): a session that still owes the second
step (`two_factor.STEP`, written at login) reaches only that step's page, logout, the language
switch and what needs no login; any other page is redirected there (the page asked for is kept
to go on to afterwards). No query: the step is in the session.

`SessionIdleMiddleware`: a signed-in session idle for longer than SESSION_COOKIE_AGE
(PARINDEX_SESSION_IDLE_MINUTES) is signed out; an active one is saved again at most once a
minute, which moves its expiry in the session table on.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from parindex.web.accounts import two_factor

LAST_SEEN = "parindex_seen"
REFRESH_SECONDS = 60
# Reached without a login, or needed to finish one.
_OPEN_PREFIXES = ("/s/", "/api/", "/healthz")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = two_factor.pending_step(request)
        if step is not None and not self._allowed(request, step):
            target = reverse("two_factor:verify" if step == "verify" else "two_factor:setup")
            if request.method == "GET":
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
            return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _allowed(request: HttpRequest, step: str) -> bool:
        path = request.path
        if path.startswith(_OPEN_PREFIXES) or path.startswith(settings.STATIC_URL):
            return True
        own = reverse("two_factor:verify" if step == "verify" else "two_factor:setup")
        return path in {own, reverse("logout"), reverse("set_language"), reverse("login")}


class SessionIdleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id"):
            now = int(time.time())
            seen = int(session.get(LAST_SEEN) or 0)
            if seen and now - seen > settings.SESSION_COOKIE_AGE:
                logout(request)
            elif now - seen >= REFRESH_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)


def on_login(sender: object, request: HttpRequest | None, user: object, **kwargs: object) -> None:
    """`user_logged_in`: the session's activity clock starts now."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())
