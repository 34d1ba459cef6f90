"""One JSON error shape for every refusal of the API, and the handlers that produce it.

    {"code": "invalid", "message": "<Vietnamese sentence>", "field": "values.numerator",
     "row": 3, "errors": [...]}

`code` is a stable machine word (table in docs/api.md), `message` says what is wrong in
Vietnamese, `field` names the parameter or body field when there is one, `row` the record of a
batch (1-based) when there is one, `errors` lists further problems of the same request in the
same shape. Bad input is never a 500: validation, unknown objects, refusals of the policy and
of the services all map to 4xx here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from parindex.assessments.errors import StaleEdit, WorkflowError
from parindex.assessments.evidence import EvidenceRejected

log = logging.getLogger(__name__)


class ErrorItem(Schema):
    code: str
    message: str
    field: str | None = None
    row: int | None = None


class ErrorOut(ErrorItem):
    errors: list[ErrorItem] = []


class ApiError(Exception):
    """A refusal with its status and the fields of `ErrorOut`."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        row: int | None = None,
        errors: Iterable[Mapping[str, Any]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.row = row
        self.errors = [dict(error) for error in errors]
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.field, self.row, self.errors)


def error_body(
    code: str,
    message: str,
    field: str | None = None,
    row: int | None = None,
    errors: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    return {"code": code, "message": message, "field": field, "row": row, "errors": list(errors)}


def error_response(
    status: int, body: dict[str, Any], headers: Mapping[str, str] | None = None
) -> HttpResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# Pydantic's error types → what a person reads (the field is named beside it).
def _message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return gettext("thiếu giá trị bắt buộc")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return gettext("phải là số nguyên")
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type"):
        return gettext("phải là số")
    if kind in ("bool_parsing", "bool_type"):
        return gettext("phải là true hoặc false")
    if kind.startswith(("date_", "datetime_")):
        return gettext("phải là ngày dạng YYYY-MM-DD (giờ: YYYY-MM-DDTHH:MM)")
    if kind in ("string_type", "string_unicode"):
        return gettext("phải là chuỗi ký tự")
    if kind in ("enum", "literal_error"):
        return gettext("phải là một trong: %(values)s") % {"values": ctx.get("expected", "")}
    if kind == "json_invalid":
        return gettext("nội dung không phải JSON hợp lệ")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return gettext("phải là một đối tượng JSON")
    if kind in ("list_type", "tuple_type"):
        return gettext("phải là một danh sách")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = next(iter(ctx.values()), "")
        sign = {"greater_than": ">", "greater_than_equal": "≥", "less_than": "<"}.get(kind, "≤")
        return gettext("phải %(sign)s %(bound)s") % {"sign": sign, "bound": bound}
    if kind == "string_too_long":
        return gettext("dài quá %(limit)s ký tự") % {"limit": ctx.get("max_length", "")}
    if kind == "string_too_short":
        return gettext("ngắn quá (ít nhất %(limit)s ký tự)") % {"limit": ctx.get("min_length", "")}
    if kind == "extra_forbidden":
        return gettext("trường này không có")
    return gettext("giá trị không hợp lệ")


# The first element of a ninja error location says where the value was (body, query, path…);
# body parameters are named `payload` in every endpoint, which a client never sees.
_PLACES = {"body", "query", "path", "header", "form", "file", "cookie"}


def _field(location: Iterable[Any]) -> str | None:
    parts = [str(part) for part in location]
    if parts and parts[0] in _PLACES:
        parts = parts[1:]
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or None


def validation_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    items = []
    for error in errors:
        field = _field(error.get("loc") or ())
        message = _message(error)
        items.append(
            {
                "code": "invalid",
                "message": f"«{field}»: {message}" if field else message,
                "field": field,
                "row": None,
            }
        )
    return items


def install(api: NinjaAPI) -> None:
    """Every exception the API can meet, as the one error shape."""

    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(exc.status, exc.body(), exc.headers)

    @api.exception_handler(ValidationError)
    def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        items = validation_errors(exc.errors) or [
            {"code": "invalid", "message": gettext("giá trị không hợp lệ"), "field": None}
        ]
        first = items[0]
        if first["field"] == "If-Match" and any(
            error.get("type") == "missing" for error in exc.errors
        ):
            return error_response(
                428,
                error_body(
                    "precondition_required",
                    gettext(
                        "Cần tiêu đề If-Match với ETag của lần đọc mục trước khi sửa (hoặc * để "
                        "ghi đè)."
                    ),
                    "If-Match",
                ),
            )
        return error_response(
            400, error_body("invalid", first["message"], first["field"], None, items[1:])
        )

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            401,
            error_body(
                "unauthenticated",
                gettext(
                    "Cần khóa API: gửi tiêu đề «Authorization: Bearer pit_…» (tạo khóa ở trang "
                    "Tài khoản → Khóa API)."
                ),
            ),
            {"WWW-Authenticate": 'Bearer realm="parindex"'},
        )

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(404, error_body("not_found", gettext("Không tìm thấy.")))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or gettext("Tài khoản của khóa này không có quyền làm việc này.")
        return error_response(403, error_body("forbidden", message))

    @api.exception_handler(StaleEdit)
    def _stale(request: HttpRequest, exc: StaleEdit) -> HttpResponse:
        return error_response(409, error_body("stale", str(exc)))

    @api.exception_handler(WorkflowError)
    def _refused(request: HttpRequest, exc: WorkflowError) -> HttpResponse:
        return error_response(409, error_body("refused", str(exc)))

    @api.exception_handler(EvidenceRejected)
    def _evidence(request: HttpRequest, exc: EvidenceRejected) -> HttpResponse:
        return error_response(400, error_body("invalid", str(exc), "files"))

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return error_response(413, error_body("too_large", gettext("Nội dung gửi lên quá lớn.")))

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(exc.status_code, error_body("http_error", str(exc)))

    @api.exception_handler(Exception)
    def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API error on %s %s", request.method, request.path)
        return error_response(
            500,
            error_body(
                "server_error",
                gettext("Lỗi của máy chủ; đã ghi nhật ký. Hãy báo quản trị hệ thống."),
            ),
        )
