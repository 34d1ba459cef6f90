"""Service data: the Decision 766 indicators (the CLI's `parindex dossiers indicators`, scoped
as the dashboard is) and the push of dossiers from one-stop-shop systems."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Query, Router, Schema, Status
from pydantic import Field

from parindex import policy
from parindex.api.auth import token, user_of
from parindex.api.errors import ApiError
from parindex.api.routers.common import responses
from parindex.api.routers.jobs import JobOut, job_body
from parindex.dossiers import selectors
from parindex.dossiers.push import dossiers_push_start, sync_limit
from parindex.jobs.models import JobState
from parindex.servicedata.export import provenance, records
from parindex.servicedata.indicators import IndicatorRequest
from parindex.servicedata.push import KNOWN_FIELDS, UPDATED_AT

router = Router(tags=["Hồ sơ TTHC"])

JSON_LINES = (
    "application/x-ndjson",
    "application/jsonl",
    "application/json-lines",
    "application/x-jsonlines",
)
_DIMENSION = "(unit|group|procedure|province|month|quarter|year)"
BY_PATTERN = rf"^{_DIMENSION}(,{_DIMENSION})*$"
# The longest range one request may ask indicators for.
MAX_YEARS = 20


class IndicatorsOut(Schema):
    model_config = {"extra": "allow"}

    from_: datetime.date = Field(alias="from")
    to: datetime.date
    by: list[str]
    computed_at: str
    source: str
    store_batches: list[str]
    note: str
    notes: list[str]
    rows: list[dict[str, Any]]


@router.get(
    "/dossiers/indicators",
    response=responses(IndicatorsOut),
    auth=token("dossiers.read"),
    by_alias=True,
    summary="Chỉ số hồ sơ TTHC (như lệnh parindex dossiers indicators)",
)
def indicators(
    request: HttpRequest,
    start: Annotated[datetime.date, Query(alias="from", description="Từ ngày (YYYY-MM-DD).")],
    end: Annotated[datetime.date, Query(alias="to", description="Đến ngày (tính cả ngày này).")],
    by: Annotated[
        str,
        Query(
            max_length=60,
            pattern=BY_PATTERN,
            description="Nhóm theo: unit, group, procedure, province và month, quarter hoặc year.",
        ),
    ] = "unit,month",
) -> dict[str, Any]:
    """Counts, rates (percent, exact decimals; null: no data) and the unofficial 766-style
    points per key and period, with the same columns as `--format json`. Unit accounts see
    their own unit's rows only (`by` must then include `unit`)."""
    user = user_of(request)
    policy.require(user, "dossiers.view")
    grouping = tuple(part.strip() for part in by.split(",") if part.strip())
    try:
        asked = IndicatorRequest(start, end, grouping)
    except ValueError as error:
        field = "to" if end < start else "by"
        raise ApiError(400, "invalid", str(error), field=field) from None
    if (end - start).days > MAX_YEARS * 366:
        raise ApiError(
            400,
            "invalid",
            gettext("Khoảng ngày dài quá %(years)s năm.") % {"years": MAX_YEARS},
            field="to",
        )
    own = policy.dossier_unit_code(user)
    if own is not None and "unit" not in asked.by:
        raise ApiError(
            403,
            "forbidden",
            gettext("Tài khoản đơn vị chỉ xem số liệu của đơn vị mình: hãy nhóm theo unit."),
            field="by",
        )
    computed = selectors.indicator_table(start, end, asked.by)
    rows = records(computed.table)
    if own is not None:
        rows = [row for row in rows if row.get("unit_code") == own]
    about = provenance(computed.table)
    about.pop("sql", None)
    return {**about, "notes": list(computed.notes), "rows": rows}


class DossierRecord(Schema):
    """One dossier in the canonical format (docs/service-data.md): the four required fields,
    any optional ones, and `updated_at` (when the sending system last changed it)."""

    model_config = {"extra": "allow"}

    dossier_code: str
    procedure_code: str
    unit_code: str
    received_at: str
    updated_at: str | None = None


class RejectedRowOut(Schema):
    index: int | None
    row: int | None
    dossier: str
    field: str | None
    fields: list[str]
    reason: str


class PushReportOut(Schema):
    job: JobOut
    already_imported: bool
    batch: str | None
    read: int
    imported: int
    rejected: int
    unchanged: int
    outdated: int
    superseded_in_file: int
    superseded_earlier: int
    computed_deadlines: int
    absent_columns: list[str]
    ignored_fields: list[str]
    unknown_units: list[list[Any]]
    unknown_procedures: list[list[Any]]
    reconciles: bool
    rejected_rows: list[RejectedRowOut]


class PushQueuedOut(Schema):
    job: JobOut
    read: int


def _record_schema() -> dict[str, Any]:
    scalar = {"type": ["string", "number", "boolean", "null"]}
    properties: dict[str, Any] = dict.fromkeys(sorted(KNOWN_FIELDS), scalar)
    properties[UPDATED_AT] = {
        "type": ["string", "null"],
        "description": "ISO 8601, ví dụ 2025-03-05T14:30:00+07:00",
    }
    return {
        "type": "object",
        "required": ["dossier_code", "procedure_code", "unit_code", "received_at"],
        "properties": properties,
    }


_PUSH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            # JSON Lines (application/x-ndjson, one record per line) is taken too; it has no
            # JSON Schema of its own, so only the array form is described here.
            "application/json": {
                "schema": {
                    "type": "array",
                    "items": _record_schema(),
                    "minItems": 1,
                    "maxItems": 1_000_000,
                }
            },
        },
    }
}


def _read_body(request: HttpRequest) -> bytes:
    limit = int(getattr(settings, "PARINDEX_API_PUSH_MAX_MB", 200)) * 1024 * 1024
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > limit:
        raise ApiError(
            413,
            "too_large",
            gettext("Lô quá lớn (tối đa %(mb)s MB): chia thành nhiều lô.")
            % {"mb": limit // (1024 * 1024)},
        )
    data = request.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, "too_large", gettext("Lô quá lớn: chia thành nhiều lô."))
    return data


def _json_records(data: bytes, lines: bool) -> list[dict[str, Any]]:
    """The batch's records; the whole batch is refused, with the place, when it is not JSON
    objects (as a broken JSON Lines file is)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_json", gettext("Nội dung không phải UTF-8.")) from None
    found: list[Any] = []
    if lines:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                found.append(json.loads(line, parse_float=Decimal))
            except ValueError:
                raise ApiError(
                    400,
                    "invalid_json",
                    gettext("Dòng %(row)s không phải một đối tượng JSON.") % {"row": number},
                    row=number,
                ) from None
            if not isinstance(found[-1], dict):
                raise ApiError(
                    400,
                    "invalid_json",
                    gettext("Dòng %(row)s không phải một đối tượng JSON.") % {"row": number},
                    row=number,
                )
        return found
    try:
        payload = json.loads(text, parse_float=Decimal)
    except ValueError as error:
        where = getattr(error, "lineno", None)
        raise ApiError(
            400,
            "invalid_json",
            gettext("Nội dung không phải JSON hợp lệ (dòng %(line)s).") % {"line": where},
            row=where if isinstance(where, int) else None,
        ) from None
    if isinstance(payload, dict) and isinstance(payload.get("records"), list):
        payload = payload["records"]
    if not isinstance(payload, list):
        raise ApiError(
            400,
            "invalid_json",
            gettext('Nội dung phải là một danh sách hồ sơ [{…}, …] (hoặc {"records": […]}).'),
        )
    for index, record in enumerate(payload):
        if not isinstance(record, dict):
            raise ApiError(
                400,
                "invalid_json",
                gettext("Phần tử %(index)s không phải một đối tượng JSON.") % {"index": index},
                row=index + 1,
            )
    return payload


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """Decimals parsed exactly back to JSON numbers (a fee of 50000.00 stays 50000.00)."""
    return {
        key: (int(value) if value == value.to_integral_value() else float(value))
        if isinstance(value, Decimal) and value.is_finite()
        else (str(value) if isinstance(value, Decimal) else value)
        for key, value in record.items()
    }


@router.post(
    "/dossiers/push",
    response=responses(PushReportOut, others={202: PushQueuedOut}),
    auth=token("dossiers.push"),
    openapi_extra=_PUSH_BODY,
    summary="Gửi hồ sơ TTHC (JSON hoặc JSON Lines) từ hệ thống một cửa",
)
def push(
    request: HttpRequest,
    source: Annotated[str, Query(max_length=60, pattern=r"^[A-Za-z0-9_.\-]*$")] = "api",
) -> Any:
    """A batch of dossiers in the canonical format: a JSON array (or `{"records": [...]}`), or
    JSON Lines (`Content-Type: application/x-ndjson`). The same checks and report as a file
    import; idempotent per record on `dossier_code` + `updated_at` (without `updated_at`: on
    the record's content); the same batch pushed twice changes nothing. Up to
    PARINDEX_API_PUSH_SYNC_LIMIT records are imported in the request (200, the report); a
    larger batch becomes a job (202): poll `GET /jobs/{id}` for its report."""
    user = user_of(request)
    policy.require(user, "dossiers.manage")
    content_type = (request.content_type or "").lower()
    lines = content_type in JSON_LINES
    if not lines and content_type not in ("application/json", ""):
        raise ApiError(
            415,
            "unsupported_media_type",
            gettext("Gửi application/json (danh sách) hoặc application/x-ndjson (JSON Lines)."),
        )
    found = [_plain(record) for record in _json_records(_read_body(request), lines)]
    if not found:
        raise ApiError(400, "invalid", gettext("Lô không có hồ sơ nào."))
    task = dossiers_push_start(actor=user, records=found, count=len(found), source=source or "api")
    task.refresh_from_db()
    if task.state != JobState.DONE:
        return Status(202, {"job": job_body(task), "read": len(found)})
    report = task.report or {}
    if report.get("refused"):
        problems = report.get("problems") or []
        raise ApiError(
            400,
            "refused",
            gettext("Lô bị từ chối, không ghi gì: %(first)s")
            % {"first": problems[0]["reason"] if problems else ""},
            errors=[
                {"code": "refused", "message": problem["reason"], "field": None, "row": None}
                for problem in problems
            ],
        )
    return {"job": job_body(task), **report}


__all__ = ["router", "sync_limit"]
