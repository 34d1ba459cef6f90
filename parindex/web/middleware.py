"""Vietnamese unless the user chooses otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language header, so a
commune officer whose phone is set to English would get English pages. The
province's software speaks Vietnamese by default: only the language the user
picks with the switcher (a cookie) changes it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class IgnoreBrowserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
