"""Vietnamese unless the user chooses otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language header, so a
commune officer whose phone is set to English would get English pages. The
province's software speaks Vietnamese by default: only the language the user
picks with the switcher (a cookie) changes it. The public survey pages (/s/) are the
exception: a citizen's browser language is a fair guess for a one-off questionnaire.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

PUBLIC_PREFIXES = ("/s/",)


class IgnoreBrowserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PUBLIC_PREFIXES):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
