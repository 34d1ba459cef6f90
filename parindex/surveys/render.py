"""Survey results for people: a terminal table, JSON, and an Excel workbook (Vietnamese)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from rich.console import Console
from rich.table import Table

from parindex.common.spreadsheet import save_workbook
from parindex.engine import format_number, format_percent

from .scoring import SurveyResults, UnitEstimate

METHOD_LABELS = {
    "normal": "xấp xỉ chuẩn, mô phỏng qua quy tắc chấm điểm",
    "bootstrap": "bootstrap theo tầng",
}


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _points_text(value: Decimal | None) -> str:
    return "—" if value is None else format_number(value, 2)


def _interval_text(low: Decimal | None, high: Decimal | None, percent: bool = False) -> str:
    if low is None or high is None:
        return "—"
    if percent:
        return f"{format_number(low, 1)}–{format_percent(high, 1)}"
    return f"{format_number(low, 2)}–{format_number(high, 2)}"


def results_json(results: SurveyResults) -> dict[str, Any]:
    """A stable JSON shape: numbers as numbers, rates in percent, intervals as [low, high]."""
    options = results.options
    return {
        "confidence": options.confidence,
        "method": options.method,
        "resamples": options.resamples,
        "seed": options.seed,
        "forms": list(results.forms),
        "nodes": list(results.nodes),
        "group_weights": {g: float(w) for g, w in results.group_weights.items()},
        "survey_max": _number(results.survey_max),
        "class_basis": results.class_basis,
        "warnings": list(results.warnings),
        "units": [_unit_json(unit) for unit in results.units],
    }


def _unit_json(unit: UnitEstimate) -> dict[str, Any]:
    return {
        "unit": unit.unit,
        "label": unit.label,
        "responses": unit.responses,
        "n_by_group": dict(unit.n_by_group),
        "points": _number(unit.points),
        "interval": [_number(unit.points_low), _number(unit.points_high)],
        "rank": unit.rank,
        "classes": list(unit.classes),
        "flags": [{"code": flag.code, "message": flag.message} for flag in unit.flags],
        "nodes": {
            code: {
                "n": node.n,
                "n_by_group": dict(node.n_by_group),
                "rate": _number(node.rate),
                "rate_interval": [_number(node.rate_low), _number(node.rate_high)],
                "points": _number(node.points),
                "points_interval": [_number(node.points_low), _number(node.points_high)],
                "max_points": _number(node.max_points),
                "rule": node.rule_name,
                "explanation": node.explanation,
            }
            for code, node in unit.nodes.items()
        },
    }


def _heading(results: SurveyResults) -> str:
    options = results.options
    confidence = format_percent(Decimal(str(options.confidence * 100)))
    method = METHOD_LABELS.get(options.method, options.method)
    return (
        f"Kết quả điều tra xã hội học — {len(results.units)} đơn vị, khoảng tin cậy {confidence}"
        f" ({method}, {options.resamples} lần, hạt giống {options.seed})"
    )


def print_results(results: SurveyResults, console: Console) -> None:
    """One row per unit: sample, rate per node, survey points with interval, rank, flags."""
    has_points = results.survey_max is not None
    table = Table(title=_heading(results), title_justify="left", show_lines=False)
    table.add_column("Hạng", justify="right")
    table.add_column("Đơn vị")
    table.add_column("Phiếu", justify="right")
    for code in results.nodes:
        table.add_column(f"TC {code} (%)", justify="right")
    if has_points:
        maximum = format_number(results.survey_max or Decimal(0))
        table.add_column(f"Điểm /{maximum}", justify="right")
        table.add_column("Khoảng tin cậy", justify="right")
    table.add_column("Cảnh báo")
    for unit in results.units:
        row = [
            str(unit.rank) if unit.rank is not None else "",
            unit.label,
            str(unit.responses),
        ]
        for code in results.nodes:
            node = unit.nodes[code]
            row.append(format_number(node.rate, 2) if node.rate is not None else "—")
        if has_points:
            row += [_points_text(unit.points), _interval_text(unit.points_low, unit.points_high)]
        row.append(", ".join(_FLAG_SHORT.get(flag.code, flag.code) for flag in unit.flags))
        table.add_row(*row)
    console.print(table)
    if results.warnings:
        for warning in results.warnings:
            console.print(f"[yellow]Lưu ý:[/] {warning}")
    legend = ", ".join(f"{short} = {text}" for short, text in _FLAG_LEGEND)
    console.print(f"Cảnh báo: {legend}.")


_FLAG_SHORT = {
    "class_uncertain": "loại?",
    "rank_overlap": "hạng?",
    "small_sample": "ít phiếu",
    "missing_node": "thiếu TC",
    "missing_group": "thiếu nhóm",
}
_FLAG_LEGEND = (
    ("loại?", "khoảng tin cậy trải qua hai loại trở lên"),
    ("hạng?", "khoảng tin cậy chồng lên đơn vị xếp liền kề"),
    ("ít phiếu", "dưới cỡ mẫu tối thiểu"),
    ("thiếu TC", "có tiêu chí chưa có phiếu"),
    ("thiếu nhóm", "thiếu nhóm người trả lời"),
)


def write_results_xlsx(results: SurveyResults, path: str | Path) -> None:
    """Sheets «Đơn vị» (one row per unit) and «Tiêu chí» (one row per unit and node)."""
    destination = Path(path)
    workbook = Workbook()
    units = workbook.active
    assert units is not None
    units.title = "Đơn vị"
    units.append(
        [
            "Hạng",
            "Mã đơn vị",
            "Đơn vị",
            "Số phiếu hợp lệ",
            "Điểm điều tra",
            "Cận dưới",
            "Cận trên",
            "Xếp loại có thể",
            "Cảnh báo",
        ]
    )
    for unit in results.units:
        units.append(
            [
                unit.rank,
                unit.unit,
                unit.label,
                unit.responses,
                _number(unit.points),
                _number(unit.points_low),
                _number(unit.points_high),
                ", ".join(unit.classes),
                "; ".join(flag.message for flag in unit.flags),
            ]
        )
    nodes = workbook.create_sheet("Tiêu chí")
    nodes.append(
        [
            "Mã đơn vị",
            "Tiêu chí",
            "Số phiếu",
            "Tỷ lệ hài lòng (%)",
            "Cận dưới (%)",
            "Cận trên (%)",
            "Điểm",
            "Điểm tối đa",
            "Cận dưới điểm",
            "Cận trên điểm",
            "Diễn giải",
        ]
    )
    for unit in results.units:
        for code, node in unit.nodes.items():
            nodes.append(
                [
                    unit.unit,
                    code,
                    node.n,
                    _number(node.rate),
                    _number(node.rate_low),
                    _number(node.rate_high),
                    _number(node.points),
                    _number(node.max_points),
                    _number(node.points_low),
                    _number(node.points_high),
                    node.explanation,
                ]
            )
    for sheet in (units, nodes):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, float):
                    cell.number_format = "0.00"
    info = workbook.create_sheet("Thông tin")
    info.append(["Nội dung", _heading(results)])
    info.append(["Biểu mẫu", ", ".join(results.forms)])
    for group, weight in results.group_weights.items():
        info.append([f"Trọng số nhóm {results.group_labels.get(group, group)}", float(weight)])
    temporary = destination.with_name(f".{destination.name}.tmp")
    try:
        save_workbook(workbook, temporary)  # typed names and labels as text, never formulas
        temporary.replace(destination)
    finally:
        temporary.unlink(missing_ok=True)
