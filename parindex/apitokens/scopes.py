"""The endpoint families a token may be narrowed to. Each API endpoint belongs to one family;
a family ending in `.read` only reads. Who may do what inside a family is still the policy's
decision for the token's user (`parindex.policy.token_allows`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

FAMILIES: dict[str, object] = {
    "units.read": _("Đơn vị và lịch sử sáp nhập (đọc)"),
    "frameworks.read": _("Bộ tiêu chí (đọc)"),
    "periods.read": _("Kỳ đánh giá, nhóm đơn vị (đọc)"),
    "assessments.read": _("Hồ sơ đánh giá và điểm từng mục (đọc)"),
    "assessments.write": _("Tự chấm, tài liệu kiểm chứng, chuyển bước hồ sơ"),
    "results.read": _("Kết quả công bố, xếp hạng, phiếu điểm (đọc)"),
    "dossiers.read": _("Chỉ số hồ sơ TTHC (đọc)"),
    "dossiers.push": _("Gửi hồ sơ TTHC từ hệ thống một cửa"),
    "surveys.read": _("Kết quả điều tra XHH (đọc)"),
    "surveys.push": _("Gửi phiếu điều tra từ KoboToolbox, ODK"),
    "jobs.read": _("Tiến độ tác vụ nền (đọc)"),
}


def is_read(family: str) -> bool:
    return family.endswith(".read")


def unknown(scopes: list[str]) -> list[str]:
    return [scope for scope in scopes if scope not in FAMILIES]
