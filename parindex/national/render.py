"""The national report as a terminal table, as JSON and as an Excel workbook.

All three read a `NationalReport` and compute nothing. Text is Vietnamese with
decimal commas; JSON follows the stable contract in docs/national-report.md,
with numbers as JSON numbers that carry the exact decimal value.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from parindex.common.spreadsheet import workbook_bytes
from parindex.engine import format_number, format_percent, format_signed

from .analysis import NationalReport

JSON_FORMAT_VERSION = 1


# --- shared sentences -------------------------------------------------------------------------


def class_text(label: str | None) -> str:
    """ "loại C", or what to say of an index below the lowest class."""
    return f"loại {label}" if label else "chưa đạt loại C (dưới 70 %)"


def summary_line(report: NationalReport) -> str:
    """ "Bắc Kạn — Chỉ số CCHC 2022: 79,35/100 điểm, xếp thứ 61/63, loại C"."""
    return (
        f"{report.unit} — Chỉ số CCHC {report.year}: "
        f"{format_number(report.total, 2)}/{format_number(report.max_total)} điểm, "
        f"xếp thứ {report.rank}/{report.of}, {class_text(report.class_)}"
    )


def _places(change: int) -> str:
    if change > 0:
        return f"tăng {change} bậc"
    if change < 0:
        return f"giảm {-change} bậc"
    return "giữ nguyên hạng"


def comparison_line(report: NationalReport) -> str | None:
    """ "So với 2021: 81,10 điểm (-1,75), xếp thứ 58/63 → 61/63 (giảm 3 bậc), loại B → C"."""
    if (
        report.compare_to is None
        or report.previous_total is None
        or report.previous_rank is None
        or report.total_change is None
        or report.rank_change is None
    ):
        return None
    previous_class = class_text(report.previous_class)
    classes = (
        class_text(report.class_)
        if previous_class == class_text(report.class_)
        else f"{previous_class} → {class_text(report.class_)}"
    )
    return (
        f"So với {report.compare_to}: {format_number(report.previous_total, 2)} điểm "
        f"({format_signed(report.total_change, 2)}), xếp thứ {report.previous_rank}/"
        f"{report.previous_of} → {report.rank}/{report.of} ({_places(report.rank_change)}), "
        f"{classes}"
    )


def counts_sentence(report: NationalReport) -> str | None:
    """ "2 lĩnh vực tăng hạng, 6 lĩnh vực giảm hạng; 2 tăng điểm, 6 giảm điểm so với 2021"."""
    if (
        report.compare_to is None
        or report.areas_up_in_rank is None
        or report.areas_down_in_rank is None
        or report.areas_up_in_points is None
        or report.areas_down_in_points is None
    ):
        return None
    ranks = (
        f"{report.areas_up_in_rank} lĩnh vực tăng hạng, "
        f"{report.areas_down_in_rank} lĩnh vực giảm hạng"
    )
    if report.areas_same_rank:
        ranks += f", {report.areas_same_rank} giữ hạng"
    points = f"{report.areas_up_in_points} tăng điểm, {report.areas_down_in_points} giảm điểm"
    if report.areas_same_points:
        points += f", {report.areas_same_points} giữ điểm"
    return f"{ranks}; {points} so với {report.compare_to}"


def targets_sentence(report: NationalReport) -> str:
    """How many points the next rank and the next class need."""
    parts = []
    if report.points_to_next_rank is not None:
        parts.append(
            f"cần thêm {format_number(report.points_to_next_rank)} điểm để lên hạng "
            f"{report.rank - 1}"
        )
    else:
        parts.append("đang đứng đầu")
    if report.next_class is not None and report.points_to_next_class is not None:
        parts.append(
            f"{format_number(report.points_to_next_class)} điểm để đạt loại {report.next_class}"
        )
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


def _signed_or_blank(value: Decimal | int | None) -> str:
    return "" if value is None else format_signed(value)


# --- table ------------------------------------------------------------------------------------


def say(console: Console, text: str, style: str = "") -> None:
    """A line as written: no markup (names and sources may hold "[…]"), wrapped by the terminal."""
    console.print(Text(text, style=style), soft_wrap=True)


def _table(title: str) -> Table:
    # No vertical rules: the eight columns then fit an 80-column terminal with the area
    # names wrapped, instead of the last column being cut off.
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)


def _areas_text(codes: tuple[str, ...], report: NationalReport) -> str:
    if len(codes) == len(report.areas):
        return "tất cả lĩnh vực"
    return f"lĩnh vực {', '.join(codes)}"


def print_table(report: NationalReport, console: Console) -> None:
    """The report for a person: summary, areas, movement, headroom, sources, warnings."""
    say(console, summary_line(report), style="bold")
    comparison = comparison_line(report)
    if comparison:
        say(console, comparison)
    console.print()

    compared = report.compare_to is not None
    areas = _table(f"Điểm các lĩnh vực năm {report.year}")
    areas.add_column("Mã", justify="right")
    areas.add_column("Lĩnh vực", ratio=1, min_width=20)
    for header in ("Điểm", "Tối đa", "%", "Hạng"):
        areas.add_column(header, justify="right", no_wrap=True)
    if compared:
        areas.add_column("± điểm", justify="right", no_wrap=True)
        areas.add_column("± hạng", justify="right", no_wrap=True)
    for area in report.areas:
        cells: list[str | Text] = [
            Text(area.code),
            Text(area.name),
            format_number(area.points),
            format_number(area.max_points),
            format_number(area.percent, 2),
            str(area.rank),
        ]
        if compared:
            cells += [_signed_or_blank(area.points_change), _signed_or_blank(area.rank_change)]
        areas.add_row(*cells)
    total_cells = [
        "",
        "Tổng",
        format_number(report.total),
        format_number(report.max_total),
        format_number(report.index, 2),
        str(report.rank),
    ]
    if compared:
        total_cells += [_signed_or_blank(report.total_change), _signed_or_blank(report.rank_change)]
    areas.add_section()
    areas.add_row(*total_cells, style="bold")
    console.print(areas)
    if compared:
        say(
            console,
            f"± so với {report.compare_to}; ± hạng dương là tăng bậc, âm là giảm bậc.",
            style="dim",
        )
    counts = counts_sentence(report)
    if counts:
        console.print()
        say(console, counts + ".")

    console.print()
    headroom = _table("Dư địa cải thiện: điểm còn thiếu so với tối đa (nhiều nhất trước)")
    headroom.add_column("Mã", justify="right")
    headroom.add_column("Lĩnh vực", ratio=1, min_width=20)
    headroom.add_column("Điểm thiếu", justify="right", no_wrap=True)
    headroom.add_column("Tỷ trọng", justify="right", no_wrap=True)
    for item in report.headroom:
        headroom.add_row(
            Text(item.code),
            Text(item.name),
            format_number(item.points_lost),
            format_percent(item.share, 2),
        )
    console.print(headroom)
    say(console, targets_sentence(report))

    if report.sources:
        console.print()
        say(console, "Nguồn số liệu:", style="bold")
        for source in report.sources:
            say(console, f"  {source.year}, {_areas_text(source.areas, report)}: {source.source}")
    if report.warnings:
        console.print()
        say(console, "Cảnh báo (hạng công bố khác hạng tính được):", style="bold yellow")
        for warning in report.warnings:
            say(console, f"  {warning}")


def table_text(report: NationalReport, width: int = 120) -> str:
    """The table as plain text (for `--output`)."""
    buffer = io.StringIO()
    print_table(report, Console(file=buffer, width=width, color_system=None, emoji=False))
    return buffer.getvalue()


# --- JSON -------------------------------------------------------------------------------------


def json_number(value: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number with the same decimal digits.

    Python writes a float with the shortest digits that read back as the same
    float; any decimal of up to 15 significant digits therefore comes out exactly
    as written (9.0929, not 9.092899999999999). Larger precision is refused
    rather than silently altered.
    """
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    if Decimal(repr(number)) != value:
        raise ValueError(f"{value} has more digits than a JSON number keeps exactly")
    return number


def report_to_dict(report: NationalReport) -> dict[str, Any]:
    """The JSON contract (docs/national-report.md): the documented keys first, then extras."""
    return {
        "unit": report.unit,
        "year": report.year,
        "total": json_number(report.total),
        "max_total": json_number(report.max_total),
        "index": json_number(report.index),
        "rank": report.rank,
        "of": report.of,
        "class": report.class_,
        "areas": [
            {
                "code": area.code,
                "name": area.name,
                "points": json_number(area.points),
                "max_points": json_number(area.max_points),
                "percent": json_number(area.percent),
                "rank": area.rank,
                "points_change": json_number(area.points_change),
                "rank_change": area.rank_change,
                "previous_points": json_number(area.previous_points),
                "previous_rank": area.previous_rank,
                "source": area.source,
            }
            for area in report.areas
        ],
        "compare_to": report.compare_to,
        "areas_up_in_rank": report.areas_up_in_rank,
        "areas_down_in_rank": report.areas_down_in_rank,
        "areas_up_in_points": report.areas_up_in_points,
        "areas_down_in_points": report.areas_down_in_points,
        "headroom": [
            {
                "code": item.code,
                "name": item.name,
                "points_lost": json_number(item.points_lost),
                "share": json_number(item.share),
            }
            for item in report.headroom
        ],
        "areas_same_rank": report.areas_same_rank,
        "areas_same_points": report.areas_same_points,
        "previous_total": json_number(report.previous_total),
        "previous_index": json_number(report.previous_index),
        "previous_rank": report.previous_rank,
        "previous_of": report.previous_of,
        "previous_class": report.previous_class,
        "total_change": json_number(report.total_change),
        "index_change": json_number(report.index_change),
        "rank_change": report.rank_change,
        "points_to_next_rank": json_number(report.points_to_next_rank),
        "next_class": report.next_class,
        "points_to_next_class": json_number(report.points_to_next_class),
        "warnings": list(report.warnings),
        "sources": [
            {"year": source.year, "areas": list(source.areas), "source": source.source}
            for source in report.sources
        ],
        "format_version": JSON_FORMAT_VERSION,
    }


def render_json(report: NationalReport) -> str:
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"


# --- Excel ------------------------------------------------------------------------------------

POINTS_FORMAT = "0.00##"  # at least 2 decimals, and the 4 a published 9.0929 needs
TWO_DECIMALS = "0.00"
SIGNED_POINTS_FORMAT = "+0.00##;-0.00##;0"
SIGNED_INTEGER_FORMAT = "+0;-0;0"


def render_xlsx(report: NationalReport) -> bytes:
    """A workbook with a summary sheet, an areas sheet and a headroom sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    workbook = Workbook()

    summary = workbook.active
    assert summary is not None
    summary.title = "Tổng quan"
    summary.append(["Chỉ tiêu", "Giá trị"])
    rows: list[tuple[str, Any, str | None]] = [
        ("Đơn vị", report.unit, None),
        ("Năm", report.year, None),
        ("Tổng điểm", report.total, TWO_DECIMALS),
        ("Điểm tối đa", report.max_total, TWO_DECIMALS),
        ("Chỉ số (%)", report.index, TWO_DECIMALS),
        ("Xếp hạng", report.rank, None),
        ("Số đơn vị được xếp hạng", report.of, None),
        ("Xếp loại", report.class_ or class_text(report.class_), None),
        ("Điểm cần thêm để lên một hạng", report.points_to_next_rank, POINTS_FORMAT),
        ("Loại kế tiếp", report.next_class, None),
        ("Điểm cần thêm để đạt loại kế tiếp", report.points_to_next_class, POINTS_FORMAT),
    ]
    if report.compare_to is not None:
        rows += [
            ("Năm so sánh", report.compare_to, None),
            (f"Tổng điểm {report.compare_to}", report.previous_total, TWO_DECIMALS),
            (f"Xếp hạng {report.compare_to}", report.previous_rank, None),
            (f"Xếp loại {report.compare_to}", report.previous_class, None),
            ("Thay đổi tổng điểm", report.total_change, SIGNED_POINTS_FORMAT),
            ("Thay đổi hạng (+ là tăng bậc)", report.rank_change, SIGNED_INTEGER_FORMAT),
            ("Số lĩnh vực tăng hạng", report.areas_up_in_rank, None),
            ("Số lĩnh vực giảm hạng", report.areas_down_in_rank, None),
            ("Số lĩnh vực tăng điểm", report.areas_up_in_points, None),
            ("Số lĩnh vực giảm điểm", report.areas_down_in_points, None),
        ]
    for label, value, number_format in rows:
        summary.append([label, value])
        if number_format and value is not None:
            summary.cell(row=summary.max_row, column=2).number_format = number_format
    for warning in report.warnings:
        summary.append(["Cảnh báo", warning])
    for source in report.sources:
        summary.append([f"Nguồn {source.year}, lĩnh vực {', '.join(source.areas)}", source.source])
    summary.column_dimensions["A"].width = 40
    summary.column_dimensions["B"].width = 24

    areas = workbook.create_sheet("Lĩnh vực")
    headers = ["Mã", "Lĩnh vực", "Điểm", "Điểm tối đa", "Tỷ lệ (%)", "Hạng"]
    formats: list[str | None] = [None, None, POINTS_FORMAT, POINTS_FORMAT, TWO_DECIMALS, None]
    if report.compare_to is not None:
        headers += [f"Điểm {report.compare_to}", "± điểm", f"Hạng {report.compare_to}", "± hạng"]
        formats += [POINTS_FORMAT, SIGNED_POINTS_FORMAT, None, SIGNED_INTEGER_FORMAT]
    areas.append(headers)
    for area in report.areas:
        values: list[Any] = [
            area.code,
            area.name,
            area.points,
            area.max_points,
            area.percent,
            area.rank,
        ]
        if report.compare_to is not None:
            values += [area.previous_points, area.points_change]
            values += [area.previous_rank, area.rank_change]
        areas.append(values)
        for column, number_format in enumerate(formats, start=1):
            if number_format:
                areas.cell(row=areas.max_row, column=column).number_format = number_format
    areas.column_dimensions["B"].width = 60
    for letter in "CDEFGHIJ":
        areas.column_dimensions[letter].width = 12

    headroom = workbook.create_sheet("Dư địa")
    headroom.append(["Mã", "Lĩnh vực", "Điểm còn thiếu", "Tỷ trọng (%)"])
    for item in report.headroom:
        headroom.append([item.code, item.name, item.points_lost, item.share])
        headroom.cell(row=headroom.max_row, column=3).number_format = POINTS_FORMAT
        headroom.cell(row=headroom.max_row, column=4).number_format = TWO_DECIMALS
    headroom.column_dimensions["B"].width = 60
    headroom.column_dimensions["C"].width = 16
    headroom.column_dimensions["D"].width = 14

    for sheet in (summary, areas, headroom):
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for row in sheet.iter_rows(min_col=2, max_col=2, min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")

    return workbook_bytes(workbook)
