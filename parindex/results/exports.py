"""The Excel workbook of a period's results, in the layout provinces publish.

One sheet per unit group: a title block (year, group, the decision or "provisional"), a
header row (STT, unit code, unit, one column per area, total, index, rank, class, note), a
row of maximum points, then one row per unit, best first, and a footnote with the class
thresholds and the source. Numbers are stored as exact numbers with Excel number formats
(Excel shows them with the reader's decimal comma); nothing is stored as text.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from parindex.common.spreadsheet import workbook_bytes
from parindex.criteria.labels import node_label
from parindex.periods.models import AssessmentPeriod
from parindex.results.selectors import Standing, class_band_texts

INDEX_FORMAT = "0.00"


def points_format(places: int) -> str:
    """The cells keep the exact points (9.0929); Excel shows them with the framework's display
    places (9,09), as official tables print them."""
    return "0." + "0" * places if places > 0 else "0"


HEADER_ROW = 6
MAX_ROW = HEADER_ROW + 1
FIRST_DATA_ROW = HEADER_ROW + 2

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_HEADER_FILL = PatternFill("solid", fgColor="EEF2F6")
_THIN = Side(style="thin", color="B8C3CF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def sheet_title(name: str, taken: set[str]) -> str:
    """An Excel sheet name: no []:*?/\\ characters, at most 31 characters, unique."""
    base = re.sub(r"[\[\]:*?/\\]", "-", name).strip("' ") or "Nhom"
    title = base[:31]
    number = 2
    while title.lower() in taken:
        suffix = f" ({number})"
        title = base[: 31 - len(suffix)] + suffix
        number += 1
    taken.add(title.lower())
    return title


def status_line(period: AssessmentPeriod, standing: Standing, when: datetime.datetime) -> str:
    if standing.published:
        if period.decision_number and period.decision_date is not None:
            return gettext("(Kèm theo Quyết định số %(decision)s ngày %(date)s)") % {
                "decision": period.decision_number,
                "date": f"{period.decision_date:%d/%m/%Y}",
            }
        if period.decision_number:
            return gettext("(Kèm theo Quyết định số %(decision)s)") % {
                "decision": period.decision_number
            }
        return gettext("(Kết quả đã công bố)")
    return gettext(
        "KẾT QUẢ TẠM TÍNH, CHƯA CÔNG BỐ — tính từ điểm thẩm định lúc %(time)s ngày %(date)s"
    ) % {"time": f"{when:%H:%M}", "date": f"{when:%d/%m/%Y}"}


def headers(standing: Standing) -> list[str]:
    framework = standing.framework
    areas = [node_label(framework, area.code, area.title) for area in framework.areas]
    return [
        gettext("STT"),
        gettext("Mã đơn vị"),
        gettext("Đơn vị"),
        *areas,
        gettext("Tổng điểm"),
        gettext("Chỉ số (%)"),
        gettext("Xếp hạng"),
        gettext("Xếp loại"),
        gettext("Ghi chú"),
    ]


def submission_note(submission: str) -> str:
    """What a report says of a unit that sent its self-assessment late or never."""
    if submission == "late":
        return gettext("Gửi tự đánh giá muộn")
    if submission == "not_submitted":
        return gettext("Không gửi tự đánh giá")
    return ""


def _write_group(
    sheet: Worksheet,
    period: AssessmentPeriod,
    standing: Standing,
    when: datetime.datetime,
    demo: bool,
) -> None:
    framework = standing.framework
    areas = framework.areas
    shown_points = points_format(framework.info.display_places)
    columns = headers(standing)
    last_column = get_column_letter(len(columns))
    sheet["A1"] = gettext("KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM %(year)s") % {
        "year": period.year
    }
    sheet["A1"].font = _TITLE
    sheet["A2"] = gettext("Nhóm: %(group)s") % {"group": standing.group.name}
    sheet["A2"].font = _BOLD
    sheet["A3"] = status_line(period, standing, when)
    sheet["A4"] = gettext("Bộ tiêu chí: %(framework)s") % {"framework": framework.info.name} + (
        f" ({framework.info.legal_basis})" if framework.info.legal_basis else ""
    )
    if demo:
        sheet["A5"] = gettext("DỮ LIỆU MINH HỌA (demo) — không phải số liệu chính thức")
        sheet["A5"].font = Font(bold=True, color="8C1D17")
    for row in range(1, 5):
        sheet.merge_cells(f"A{row}:{last_column}{row}")

    for column, title in enumerate(columns, start=1):
        cell = sheet.cell(HEADER_ROW, column, title)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = _CENTRE
        cell.border = _BORDER
    maxima = [
        None,
        None,
        gettext("Điểm tối đa"),
        *[area.max_points for area in areas],
        framework.info.max_total,
        100,
        None,
        None,
        None,
    ]
    for column, value in enumerate(maxima, start=1):
        cell = sheet.cell(MAX_ROW, column, value)
        cell.font = Font(italic=True)
        cell.border = _BORDER
        if 4 <= column <= 3 + len(areas) + 1:
            cell.number_format = shown_points

    ranking = standing.ranking
    row_number = FIRST_DATA_ROW
    for position, code in enumerate(standing.ordered(), start=1):
        assert ranking is not None
        result = ranking.results[code]
        unit = standing.units[code]
        amendment = standing.amendments.get(code)
        notes_of_unit = [submission_note(standing.submissions.get(code, ""))]
        if amendment is not None:
            notes_of_unit.append(
                gettext("Đã điều chỉnh: %(reason)s") % {"reason": amendment.reason}
            )
        note = "; ".join(text for text in notes_of_unit if text)
        values = [
            position,
            code,
            unit.name,
            *[
                result.nodes[area.code].points if area.code in result.nodes else None
                for area in areas
            ],
            result.total,
            result.index,
            ranking.ranks[code],
            ranking.classes[code],
            note,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row_number, column, value)
            cell.border = _BORDER
            if 4 <= column <= 3 + len(areas) + 1:
                cell.number_format = shown_points
            elif column == 3 + len(areas) + 2:
                cell.number_format = INDEX_FORMAT
        row_number += 1

    notes = [
        gettext("Xếp loại: %(classes)s. Đơn vị bằng điểm có cùng thứ hạng.")
        % {"classes": "; ".join(class_band_texts(framework.info.class_bands))},
        gettext("Nguồn: parindex, xuất lúc %(time)s ngày %(date)s.")
        % {"time": f"{when:%H:%M}", "date": f"{when:%d/%m/%Y}"},
    ]
    for offset, text in enumerate(notes, start=1):
        sheet.cell(row_number + offset, 1, text).font = Font(italic=True, size=9)

    widths = [6, 11, 36, *[14] * len(areas), 11, 11, 10, 12, 30]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[HEADER_ROW].height = 75
    for row in sheet.iter_rows(min_row=HEADER_ROW, max_row=row_number - 1, max_col=3):
        row[2].alignment = _WRAP
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 4)
    if row_number > FIRST_DATA_ROW:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{row_number - 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def period_workbook(
    period: AssessmentPeriod,
    standings: Sequence[Standing],
    *,
    when: datetime.datetime,
    demo: bool = False,
) -> bytes:
    """The workbook as bytes: one sheet per group that has results, in the groups' order."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for standing in standings:
        if standing.ranking is None:
            continue
        sheet = workbook.create_sheet(sheet_title(standing.group.name, taken))
        _write_group(sheet, period, standing, when, demo)
    if not workbook.sheetnames:
        sheet = workbook.create_sheet(gettext("Kết quả"))
        sheet["A1"] = gettext("Kỳ đánh giá %(year)s chưa có kết quả để xuất.") % {
            "year": period.year
        }
    workbook.properties.title = gettext("Kết quả Chỉ số CCHC năm %(year)s") % {"year": period.year}
    workbook.properties.creator = "parindex"
    # Fixed timestamps: the same results give the same file (the golden test compares it).
    workbook.properties.created = workbook.properties.modified = datetime.datetime(
        when.year, when.month, when.day
    )
    return workbook_bytes(workbook)
