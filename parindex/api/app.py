"""The API object: version 1, its routers, the one error shape, the docs served locally."""

from __future__ import annotations

from ninja import NinjaAPI, Swagger
from ninja.renderers import JSONRenderer

from parindex.api import errors
from parindex.api.routers import (
    assessments,
    dossiers,
    frameworks,
    jobs,
    me,
    periods,
    results,
    surveys,
    units,
)

DESCRIPTION = """\
API của parindex cho hệ thống một cửa, công cụ thu phiếu (KoboToolbox, ODK) và các hệ thống
khác của tỉnh. Xác thực bằng khóa API: `Authorization: Bearer pit_…` (tạo ở trang Tài khoản →
Khóa API). Mỗi khóa mang quyền của tài khoản của nó, có thể giới hạn chỉ đọc hoặc một nhóm
điểm cuối. Lỗi luôn có dạng `{"code", "message", "field", "row", "errors"}`. Hướng dẫn:
docs/api.md.
"""


class Utf8Renderer(JSONRenderer):
    """JSON with Vietnamese letters as they are (UTF-8), not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=Utf8Renderer(),
    title="parindex API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    # Swagger UI from django-ninja's own static files ("ninja" is an installed app): no CDN.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": True}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
for module in (me, units, frameworks, periods, assessments, results, dossiers, surveys, jobs):
    api.add_router("", module.router)
