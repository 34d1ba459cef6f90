"""The project's middleware, and the request id that every log line carries.

Vietnamese unless the user chooses otherwise (`IgnoreBrowserLanguageMiddleware`).
Django's LocaleMiddleware follows the browser's Accept-Language header, so a
commune officer whose phone is set to English would get English pages. The
province's software speaks Vietnamese by default: only the language the user
picks with the switcher (a cookie) changes it. The public survey pages (/s/) are the
exception: a citizen's browser language is a fair guess for a one-off questionnaire.

Request ids (`RequestIdMiddleware`, first in MIDDLEWARE). Every request gets an id: the
reverse proxy's `X-Request-ID` when it sends a sane one (nginx: `$request_id`), else a new one.
It is returned in the response's `X-Request-ID` header, set on `request.request_id`, and put on
every log record written while the request runs (`RequestIdFilter`, installed on the log
handler by the settings), so the proxy's access log, the application's lines and an error
report can be matched. One line per request is logged to `parindex.request` (method, path,
status, duration, user id; never the query string). Records written outside a request (the job
worker, commands) carry "-". The log format is PARINDEX_LOG_FORMAT: "kv" (key=value, default)
or "json" (one object per line); both formatters are here (docs/deployment.md).
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from parindex.common import addresses

PUBLIC_PREFIXES = ("/s/",)


class IgnoreBrowserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PUBLIC_PREFIXES):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


# Request ids and structured logs ------------------------------------------------------------

REQUEST_ID_HEADER = "X-Request-ID"
NO_REQUEST = "-"
# What a proxy may hand us: nginx's $request_id is 32 hex digits; UUIDs and similar ids pass.
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "parindex_request_id", default=NO_REQUEST
)
request_log = logging.getLogger("parindex.request")


def current_request_id() -> str:
    """The id of the request being served ("-" outside a request)."""
    return _request_id.get()


def client_address(request: HttpRequest) -> str:
    """The client's real address: REMOTE_ADDR, or behind a trusted reverse proxy
    (PARINDEX_TRUSTED_PROXIES) the right-most X-Forwarded-For entry that is not a trusted proxy
    (`parindex.common.addresses`). Login throttling (AXES_CLIENT_IP_CALLABLE), the public
    survey's rate limit and the request log use it."""
    return addresses.client_address(
        request.META, addresses.as_networks(getattr(settings, "PARINDEX_TRUSTED_PROXIES", ()))
    )


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _SANE_ID.fullmatch(offered) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            user = getattr(request, "user", None)
            request_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": getattr(user, "pk", None),
                    "client": client_address(request),
                },
            )
            return response
        finally:
            _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts `request_id` on every record (set on the handler, so it sees every logger's).
    Django logs a failed response (`django.request`, `django.security`) once the middleware
    has returned, with the request attached: its id is taken from there."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or _request_id.get()
        return True


# The attributes every LogRecord has; anything else was passed with `extra=` and is printed.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "request_id",
}


def _fields(record: logging.LogRecord, formatter: logging.Formatter) -> dict[str, Any]:
    moment = datetime.datetime.fromtimestamp(record.created).astimezone()
    fields: dict[str, Any] = {
        "time": moment.isoformat(timespec="milliseconds"),
        "level": record.levelname,
        "logger": record.name,
        "request_id": getattr(record, "request_id", NO_REQUEST),
        "msg": record.getMessage(),
    }
    for key, value in vars(record).items():
        if key not in _STANDARD and not key.startswith("_"):
            fields[key] = value
    if record.exc_info:
        fields["exc"] = formatter.formatException(record.exc_info)
    elif record.exc_text:
        fields["exc"] = record.exc_text
    if record.stack_info:
        fields["stack"] = formatter.formatStack(record.stack_info)
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, request_id, msg, extras, exc."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_fields(record, self), ensure_ascii=False, default=str)


class KeyValueFormatter(logging.Formatter):
    """One line of key=value pairs; values with spaces, quotes or "=" are quoted (JSON style),
    so a line break in a message or a traceback never splits a record."""

    _PLAIN = re.compile(r"[^\s\"=\\]+")

    def format(self, record: logging.LogRecord) -> str:
        parts = []
        for key, value in _fields(record, self).items():
            text = NO_REQUEST if value is None else str(value)
            if not self._PLAIN.fullmatch(text):
                text = json.dumps(text, ensure_ascii=False)
            parts.append(f"{key}={text}")
        return " ".join(parts)
