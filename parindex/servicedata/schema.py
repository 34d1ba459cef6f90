"""The canonical dossier record: the one shape every vendor export is mapped into.

A vendor mapping (see `mapping.py`) says which column of an export holds which
canonical field and how its values are spelled. The store keeps records in this
shape (plus `batch_id` and `source_row`, the provenance of each record), and the
indicator SQL reads only these columns.
"""

from __future__ import annotations

from dataclasses import dataclass

# Canonical vocabularies. Keys are what the store holds; values are the Vietnamese labels shown.
STATUSES: dict[str, str] = {
    "processing": "Đang xử lý",
    "supplement": "Yêu cầu bổ sung hồ sơ",
    "suspended": "Tạm dừng xử lý",
    "finished": "Đã có kết quả",
    "returned": "Đã trả kết quả",
    "refused": "Từ chối giải quyết",
    "withdrawn": "Người nộp rút hồ sơ",
}
# "End of processing" is the first terminal status (unofficial 766 reconstruction, row 5).
TERMINAL_STATUSES: tuple[str, ...] = ("finished", "returned", "refused", "withdrawn")
# Dossiers that end with a result document (the e-result rate counts among these); only these
# need an end time: real exports leave it empty for a withdrawal, often for a refusal too.
RESULT_STATUSES: tuple[str, ...] = ("finished", "returned")
# Terminal statuses that real exports carry without a date; such a dossier leaves the backlog
# at its reception (see indicators.py).
UNDATED_END_STATUSES: tuple[str, ...] = ("refused", "withdrawn")
# Open statuses whose clock may be stopped (the pause columns extend the deadline).
PAUSED_STATUSES: tuple[str, ...] = ("supplement", "suspended")
# Spellings every mapping understands besides the canonical keys and labels: the wording of
# common one-stop-shop exports (compared after folding case and diacritics, see mapping.py).
STATUS_SPELLINGS: dict[str, tuple[str, ...]] = {
    "processing": ("Đang giải quyết", "Mới tiếp nhận", "Đã tiếp nhận", "Đang thụ lý"),
    "supplement": (
        "Yêu cầu bổ sung",
        "Chờ bổ sung",
        "Trả lại bổ sung",
        "Trả lại để bổ sung",
        "Bổ sung hồ sơ",
        "Tạm dừng, chờ bổ sung",
    ),
    "suspended": ("Tạm dừng", "Dừng tạm thời", "Tạm ngừng xử lý"),
    "finished": ("Có kết quả", "Đã giải quyết", "Hoàn thành", "Chờ trả kết quả"),
    "returned": ("Đã trả", "Đã trả kết quả cho công dân", "Đã hoàn trả kết quả"),
    "refused": (
        "Từ chối",
        "Từ chối tiếp nhận",
        "Không giải quyết",
        "Dừng xử lý",
        "Từ chối, dừng xử lý",
    ),
    "withdrawn": ("Rút hồ sơ", "Đã rút hồ sơ", "Công dân rút hồ sơ", "Người dân rút hồ sơ"),
}

CHANNELS: dict[str, str] = {
    "online": "Trực tuyến",
    "in_person": "Trực tiếp",
    "postal": "Bưu chính công ích",
}
ONLINE_LEVELS: dict[str, str] = {
    "full": "Toàn trình",
    "partial": "Một phần",
    "none": "Không cung cấp trực tuyến",
}
SATISFACTION: dict[str, str] = {
    "satisfied": "Hài lòng",
    "neutral": "Bình thường",
    "dissatisfied": "Không hài lòng",
}
VOCABULARIES: dict[str, dict[str, str]] = {
    "status": STATUSES,
    "channel": CHANNELS,
    "online_level": ONLINE_LEVELS,
    "satisfaction": SATISFACTION,
}


@dataclass(frozen=True, slots=True)
class Field:
    """One canonical field: its value kind, whether a mapping must name it, its label."""

    name: str
    kind: str  # text | timestamp | integer | decimal | boolean | one of VOCABULARIES
    label: str
    required: bool = False


FIELDS: tuple[Field, ...] = (
    Field("dossier_code", "text", "Mã hồ sơ", required=True),
    Field("procedure_code", "text", "Mã thủ tục", required=True),
    Field("procedure_name", "text", "Tên thủ tục"),
    Field("unit_code", "text", "Đơn vị tiếp nhận", required=True),
    Field("unit_name", "text", "Tên đơn vị tiếp nhận"),
    Field("online_level", "online_level", "Mức độ dịch vụ công trực tuyến"),
    Field("received_at", "timestamp", "Thời điểm tiếp nhận", required=True),
    Field("deadline_at", "timestamp", "Hạn xử lý (ngày hẹn trả)"),
    Field("processing_days", "integer", "Thời hạn giải quyết (ngày làm việc)"),
    Field("finished_at", "timestamp", "Thời điểm có kết quả / kết thúc xử lý"),
    Field("returned_at", "timestamp", "Thời điểm trả kết quả"),
    Field("paused_from", "timestamp", "Bắt đầu tạm dừng (chờ bổ sung)"),
    Field("paused_until", "timestamp", "Kết thúc tạm dừng (tiếp tục xử lý)"),
    Field("paused_days", "integer", "Số ngày làm việc tạm dừng"),
    Field("channel", "channel", "Hình thức nộp"),
    Field("paid_online", "boolean", "Thanh toán trực tuyến"),
    Field("fee", "decimal", "Phí, lệ phí (đồng)"),
    Field("has_fee", "boolean", "Có phí, lệ phí (có/không)"),
    Field("status", "status", "Trạng thái"),
    Field("digitised", "boolean", "Đã số hóa thành phần hồ sơ"),
    Field("result_digitised", "boolean", "Có kết quả điện tử"),
    Field("satisfaction", "satisfaction", "Đánh giá mức độ hài lòng"),
    Field("complaint", "boolean", "Có phản ánh, kiến nghị"),
    Field("eid_level2", "boolean", "Nộp bằng tài khoản định danh điện tử mức 2"),
)
FIELDS_BY_NAME: dict[str, Field] = {field.name: field for field in FIELDS}

# The columns of a stored record, in order, with their SQL types. `has_fee`, `no_wait` and
# `deadline_computed` are derived on import (from the reference lists and the calendar), so
# the indicator queries never join the reference tables on the hot path.
#
# NULL means "the export does not have this": a boolean column the export has stores a blank
# cell as FALSE, one it lacks stores NULL, so a rate over a column the export lacks has no
# denominator (no data) instead of being 0. `feedback_known` says the export carries
# satisfaction ratings or complaints; `paused_days` are working days the clock was stopped
# (already added to `deadline_at`).
STORE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("dossier_code", "VARCHAR"),
    ("procedure_code", "VARCHAR"),
    ("procedure_name", "VARCHAR"),
    ("unit_code", "VARCHAR"),
    ("online_level", "VARCHAR"),
    ("channel", "VARCHAR"),
    ("received_at", "TIMESTAMP"),
    ("deadline_at", "TIMESTAMP"),
    ("deadline_computed", "BOOLEAN"),
    ("processing_days", "INTEGER"),
    ("paused_days", "INTEGER"),
    ("finished_at", "TIMESTAMP"),
    ("returned_at", "TIMESTAMP"),
    ("status", "VARCHAR"),
    ("paid_online", "BOOLEAN"),
    ("fee", "DECIMAL(18,2)"),
    ("has_fee", "BOOLEAN"),
    ("no_wait", "BOOLEAN"),
    ("digitised", "BOOLEAN"),
    ("result_digitised", "BOOLEAN"),
    ("satisfaction", "VARCHAR"),
    ("complaint", "BOOLEAN"),
    ("feedback_known", "BOOLEAN"),
    ("eid_level2", "BOOLEAN"),
    ("batch_id", "VARCHAR"),
    ("source_row", "BIGINT"),
)
STORE_COLUMN_NAMES: tuple[str, ...] = tuple(name for name, _ in STORE_COLUMNS)
