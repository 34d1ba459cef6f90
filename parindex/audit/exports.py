"""The audit trail as an Excel workbook (run as a background job: the trail only grows).

`events_workbook` writes the events it is given, newest first, one row each, in the words of
the audit page (`labels.describe_events`: the same action, type, field and value labels, the
same times in the province's time zone), and reports its progress every few thousand rows;
`jobs.py` runs it as a background job with the page's filters (`labels.EventFilter`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice

from django.db.models import QuerySet
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from parindex.audit import labels
from parindex.audit.models import AuditEvent
from parindex.common.spreadsheet import workbook_bytes

AUDIT_EXCEL_JOB = "audit.excel"
EXPORT_NAME = "nhat-ky-thay-doi.xlsx"
HEADER = [
    _("Thời điểm"),
    _("Người thực hiện"),
    _("Hành động"),
    _("Loại đối tượng"),
    _("Đối tượng"),
    _("Thay đổi"),
    _("Lý do"),
]
WIDTHS = (17, 24, 28, 22, 40, 70, 40)
# Progress is written every so many rows (one UPDATE each); the events are worded as many
# at a time (one query per type of object for the context of their values).
STEP = 2000

Progress = Callable[[int, int, str], None]


def filtered_events(wanted: labels.EventFilter | None = None) -> QuerySet[AuditEvent]:
    """The trail, newest first, filtered as the audit page filters it."""
    events = AuditEvent.objects.all()
    return labels.filter_events(events, wanted) if wanted is not None else events


def _chunks(events: QuerySet[AuditEvent]) -> Iterator[list[AuditEvent]]:
    rows = events.iterator(chunk_size=STEP)
    while chunk := list(islice(rows, STEP)):
        yield chunk


def events_workbook(events: QuerySet[AuditEvent], progress: Progress | None = None) -> bytes:
    total = events.count() + 1  # and one step to write the file
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "nhat-ky"
    sheet.append([str(heading) for heading in HEADER])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    done = 0
    for chunk in _chunks(events):
        if progress is not None:
            progress(
                done,
                total,
                gettext("Đã ghi %(done)s / %(total)s sự kiện") % {"done": done, "total": total - 1},
            )
        for text in labels.describe_events(chunk):
            sheet.append(
                [
                    text.at,
                    text.actor,
                    text.action,
                    text.object_type,
                    text.object,
                    text.changes_text,
                    text.reason,
                ]
            )
        done += len(chunk)
    for column, width in zip("ABCDEFG", WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    if progress is not None:
        progress(total - 1, total, gettext("Đang ghi tệp Excel"))
    data = workbook_bytes(workbook)
    if progress is not None:
        progress(
            total,
            total,
            ngettext("Đã ghi %(count)s sự kiện", "Đã ghi %(count)s sự kiện", total - 1)
            % {"count": total - 1},
        )
    return data
