"""Request ids: in the response header, on every log record of the request, in both formats."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from parindex.web.middleware import (
    JsonFormatter,
    KeyValueFormatter,
    RequestIdFilter,
    RequestIdMiddleware,
    client_address,
)


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.addFilter(RequestIdFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _serve(request, message="inside the view"):
    keep = _Keep()
    logger = logging.getLogger("tests.operations.view")
    logger.addHandler(keep)
    logger.setLevel(logging.INFO)

    def view(request):
        logger.warning(message, extra={"unit": "STC"})
        return HttpResponse("ok")

    try:
        response = RequestIdMiddleware(view)(request)
    finally:
        logger.removeHandler(keep)
    return response, keep.records


def test_the_middleware_sets_the_header_and_the_log_record_attribute():
    request = RequestFactory().get("/somewhere")

    response, records = _serve(request)

    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    assert request.request_id == request_id
    assert [record.request_id for record in records] == [request_id]


def test_a_sane_id_from_the_proxy_is_kept_and_a_strange_one_replaced():
    kept, _ = _serve(
        RequestFactory().get("/", HTTP_X_REQUEST_ID="0f1e2d3c4b5a69788796a5b4c3d2e1f0")
    )
    assert kept["X-Request-ID"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"

    replaced, _ = _serve(RequestFactory().get("/", HTTP_X_REQUEST_ID='x" level=ERROR'))
    assert replaced["X-Request-ID"] != 'x" level=ERROR'
    assert len(replaced["X-Request-ID"]) == 32


def test_djangos_own_error_line_after_the_middleware_gets_the_id_too(client, db, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/no-such-page/")
    record = next(r for r in caplog.records if r.name == "django.request")
    RequestIdFilter().filter(record)
    assert record.request_id == response["X-Request-ID"]


def test_records_outside_a_request_carry_a_dash():
    record = logging.LogRecord("worker", logging.INFO, __file__, 1, "job done", (), None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_both_formats_put_the_request_id_on_one_line():
    _, records = _serve(RequestFactory().get("/"), message='two\nlines "quoted"')
    record = records[0]

    line = KeyValueFormatter().format(record)
    assert "\n" not in line
    assert f"request_id={record.request_id}" in line
    assert "level=WARNING" in line
    assert 'msg="two\\nlines \\"quoted\\""' in line
    assert "unit=STC" in line

    parsed = json.loads(JsonFormatter().format(record))
    assert parsed["request_id"] == record.request_id
    assert parsed["msg"] == 'two\nlines "quoted"'
    assert parsed["unit"] == "STC"


def test_the_settings_install_the_filter_and_a_configurable_format():
    handler = settings.LOGGING["handlers"]["console"]
    assert handler["filters"] == ["request_id"]
    assert handler["formatter"] in {"kv", "json"}
    assert settings.MIDDLEWARE[0] == "parindex.web.middleware.RequestIdMiddleware"


def test_the_client_address_comes_from_the_proxy_only_when_trusted(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1"
    )
    settings.PARINDEX_TRUSTED_PROXIES = ()
    assert client_address(request) == "127.0.0.1"
    settings.PARINDEX_TRUSTED_PROXIES = ("127.0.0.1",)  # nginx here; 10.0.0.1 is not ours
    assert client_address(request) == "10.0.0.1"
    settings.PARINDEX_TRUSTED_PROXIES = ("127.0.0.1", "10.0.0.0/8")
    assert client_address(request) == "203.0.113.7"
