"""`/api/v1/…`: the API's views, each wrapped to log writes made with a token and to answer
in the one error shape where Django would answer in HTML (an unknown path, a method the
path does not take). Included from `parindex/web/urls.py` by name (the web and the API are
sibling adapters and do not import each other)."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.translation import gettext

from parindex.api.app import api
from parindex.api.auth import client_address
from parindex.api.errors import error_body, error_response
from parindex.apitokens.services import access_log

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
View = Callable[..., HttpResponseBase]


def logged(view: View) -> View:
    """Log every write made with a token (and every request the rate limit refused), and
    answer a method the path does not take with the error shape (405, `Allow` kept)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        started = time.monotonic()
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            response = error_response(
                405,
                error_body(
                    "method_not_allowed",
                    gettext("Địa chỉ này không nhận phương thức %(method)s (nhận: %(allowed)s).")
                    % {"method": request.method, "allowed": allowed},
                ),
                {"Allow": allowed},
            )
        token = getattr(request, "api_token", None)
        if token is not None and (
            request.method not in SAFE_METHODS or getattr(request, "api_rate_limited", False)
        ):
            access_log(
                token,
                method=request.method or "",
                path=request.path,
                status=response.status_code,
                address=client_address(request),
                duration_ms=int((time.monotonic() - started) * 1000),
            )
        return response

    return wrapper


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error_response(
        404,
        error_body(
            "not_found",
            gettext("Không có địa chỉ này trong API (xem /api/v1/docs)."),
        ),
    )


def _wrapped(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = logged(pattern.callback)
    return patterns


_patterns, _app_name, _namespace = api.urls
urlpatterns = [
    path("", (_wrapped(list(_patterns)), _app_name, _namespace)),
    re_path(r"^(?P<rest>.*)$", not_found),
]
