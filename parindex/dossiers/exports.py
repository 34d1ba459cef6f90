"""Downloads: the drill-down as an Excel list to assign, and rejected rows as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import SupportsFloat

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from parindex.common.spreadsheet import inert_row, workbook_bytes
from parindex.servicedata import Drilldown, DrillItem
from parindex.servicedata.store import Batch

from .labels import drill_text
from .services import reason_columns

DRILL_HEADINGS = (
    _("STT"),
    _("Nội dung (giao việc)"),
    _("Đơn vị"),
    _("Mã đơn vị"),
    _("Thủ tục"),
    _("Mã thủ tục"),
    _("Số hồ sơ"),
    _("Tỷ lệ của cặp (%)"),
    _("Tỷ trọng trong tỉnh (%)"),
    _("Điểm 766 tăng thêm (không chính thức)"),
    _("Giao cho"),
    _("Hạn hoàn thành"),
)


def _number(value: SupportsFloat | None) -> float | None:
    return None if value is None else float(value)


def drilldown_workbook(result: Drilldown, *, when: datetime, demo: bool) -> bytes:
    """Two sheets (late dossiers, online filing), one assignable item per row, with empty
    "assigned to" and "due" columns for the leader to fill in."""
    workbook = Workbook()
    sheets = (
        (gettext("Trễ hạn"), gettext("Hồ sơ trễ hạn hoặc đang quá hạn"), result.late),
        (
            gettext("Trực tuyến"),
            gettext("Hồ sơ nộp trực tiếp dù thủ tục có dịch vụ công trực tuyến"),
            result.online,
        ),
    )
    first = True
    for title, heading, items in sheets:
        sheet = workbook.active if first else workbook.create_sheet()
        assert sheet is not None
        first = False
        sheet.title = title
        sheet.append([f"{heading}, {result.start:%d/%m/%Y}–{result.end:%d/%m/%Y}"])
        sheet["A1"].font = Font(bold=True, size=12)
        note = gettext("Lập lúc %(when)s. Điểm 766 theo bản tái dựng không chính thức.") % {
            "when": f"{when:%d/%m/%Y %H:%M}"
        }
        if demo:
            note += " " + gettext("DỮ LIỆU MINH HỌA (demo), không phải số liệu thật.")
        sheet.append([note])
        sheet.append([str(heading) for heading in DRILL_HEADINGS])
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for position, item in enumerate(items, start=1):
            sheet.append(_item_row(position, item))
        for column, width in zip(
            "ABCDEFGHIJKL", (5, 70, 28, 10, 40, 12, 10, 12, 12, 14, 18, 14), strict=True
        ):
            sheet.column_dimensions[column].width = width
        for row in sheet.iter_rows(min_row=4, min_col=2, max_col=2):
            row[0].alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A4"
    return workbook_bytes(workbook)


def _item_row(position: int, item: DrillItem) -> list[object]:
    return [
        position,
        drill_text(item),
        item.unit_name,
        item.unit_code,
        item.procedure_name,
        item.procedure_code,
        item.count,
        _number(item.rate),
        _number(item.share_of_total),
        _number(item.points_gain),
        "",
        "",
    ]


REJECTED_HEADINGS = (_("Tệp"), _("Dòng"), _("Mã hồ sơ"), _("Cột"), _("Lý do"))


def rejected_csv(store_root: Path, batch: Batch) -> Iterator[str]:
    """The batch's rejected rows as CSV lines (UTF-8 with a BOM, for Excel): file, row,
    dossier code, the columns at fault and the reasons. Streams: a file may have many."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([str(heading) for heading in REJECTED_HEADINGS])
    yield "\ufeff" + flush()
    if not batch.rejected:
        return
    with (store_root / batch.rejected).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            place = row.get("vị trí", "")
            file_name = row.get("tệp") or place.rpartition(", ")[0]
            line = place.rpartition(", ")[2] if ", " in place else place
            reasons = row.get("lý do", "")
            writer.writerow(
                inert_row(
                    [
                        Path(file_name).name or batch.file_name,
                        line,
                        row.get("mã hồ sơ", ""),
                        reason_columns(reasons),
                        reasons,
                    ]
                )
            )
            yield flush()
