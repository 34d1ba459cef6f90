"""The audit trail as an Excel workbook (run as a background job: the trail only grows).

`events_workbook` writes the events it is given, newest first, one row each, and reports its
progress every few thousand rows; `jobs.py` runs it as a background job.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font

from parindex.audit.models import AuditEvent

AUDIT_EXCEL_JOB = "audit.excel"
EXPORT_NAME = "nhat-ky-thay-doi.xlsx"
HEADER = [
    _("Thời điểm"),
    _("Người thực hiện"),
    _("Hành động"),
    _("Loại"),
    _("Mã"),
    _("Đối tượng"),
    _("Thay đổi"),
    _("Lý do"),
]
# Progress is written every so many rows (one UPDATE each).
STEP = 2000

Progress = Callable[[int, int, str], None]


def filtered_events(object_type: str = "") -> QuerySet[AuditEvent]:
    """The trail, newest first; only one type of object if `object_type` is given."""
    events = AuditEvent.objects.all()
    return events.filter(object_type=object_type) if object_type else events


def _changes(event: AuditEvent) -> str:
    if all(isinstance(value, list) and len(value) == 2 for value in event.changes.values()):
        return "; ".join(f"{key}: {old} → {new}" for key, (old, new) in event.changes.items())
    return str(event.changes)


def events_workbook(events: QuerySet[AuditEvent], progress: Progress | None = None) -> bytes:
    total = events.count() + 1  # and one step to write the file
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "nhat-ky"
    sheet.append([str(heading) for heading in HEADER])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for done, event in enumerate(events.iterator(chunk_size=STEP)):
        if progress is not None and done % STEP == 0:
            progress(
                done,
                total,
                gettext("Đã ghi %(done)s / %(total)s sự kiện") % {"done": done, "total": total - 1},
            )
        sheet.append(
            [
                timezone.localtime(event.at).strftime("%d/%m/%Y %H:%M:%S"),
                event.actor_label,
                event.action,
                event.object_type,
                event.object_id,
                event.object_repr,
                _changes(event),
                event.reason,
            ]
        )
    if progress is not None:
        progress(total - 1, total, gettext("Đang ghi tệp Excel"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    if progress is not None:
        progress(
            total,
            total,
            ngettext("Đã ghi %(count)s sự kiện", "Đã ghi %(count)s sự kiện", total - 1)
            % {"count": total - 1},
        )
    return buffer.getvalue()
