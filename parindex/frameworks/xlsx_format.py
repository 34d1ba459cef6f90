"""The Excel framework workbook: sheets `framework`, `classes` and `nodes`.

- `framework`: rows of key | value | value_format (metadata; the rounding as the keys
  `rounding.index_places`, `rounding.points_places` and `rounding.display_places`). A value
  whose `value_format` is `yaml` is inline YAML; the writer uses it for what a cell cannot
  hold (lists, empty text).
- `classes`: label | min_percent, one class per row.
- `nodes`: a header row, then one row per node in document order (each parent before its
  children), with the columns of `NODE_FIELDS`; `rule_params` is inline YAML, `tags` and
  `previous_codes` are comma-separated.

Locations read `framework.xlsx!nodes!D7`: the file, the sheet and the cell to fix.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook as WorkbookType
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from parindex.common.spreadsheet import inert_cell, save_workbook
from parindex.engine import (
    RULES,
    Framework,
    FrameworkSpec,
    NodeSpec,
    Problem,
    framework_to_spec,
    to_decimal,
)

from .common import (
    INFO_KEYS,
    NODE_DEFAULTS,
    NODE_FIELDS,
    ROUNDING_KEYS,
    FrameworkFileError,
    SpecReading,
    split_list_text,
)
from .yaml_format import dump_inline, parse_inline

FRAMEWORK_SHEET = "framework"
CLASSES_SHEET = "classes"
NODES_SHEET = "nodes"
FRAMEWORK_HEADER = ("key", "value", "value_format")
CLASSES_HEADER = ("label", "min_percent")
YAML_FORMAT = "yaml"

_TEXT_INFO_KEYS = ("code", "name", "unit_group", "legal_basis", "status_note")
_REQUIRED_COLUMNS = ("code", "title", "max_points")
_TRUE_TEXT = {"true", "x", "1", "có", "yes", "đúng"}
_FALSE_TEXT = {"", "false", "0", "không", "no", "sai"}

_COLUMN_WIDTHS: dict[str, int] = {
    "code": 10,
    "parent": 9,
    "title": 60,
    "max_points": 11,
    "kind": 10,
    "rule": 11,
    "rule_params": 48,
    "source": 9,
    "evidence": 10,
    "evidence_hint": 40,
    "tags": 16,
    "guidance": 50,
    "previous_codes": 15,
    "alternatives": 12,
    "indicator": 28,
}
_WRAPPED = ("title", "rule_params", "evidence_hint", "guidance")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_AREA_FONT = Font(bold=True)


# --- reading ----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as text: numbers typed into a code cell (1.1) become "1.1", dates dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(to_decimal(value), "f")
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _number_or_text(value: Any) -> Any:
    """A numeric cell as an exact Decimal (through the float's shortest repr); others as is."""
    if isinstance(value, float):
        return to_decimal(value)
    if isinstance(value, dt.datetime | dt.date):
        return _text(value)
    return value


class _Reader:
    def __init__(self, label: str) -> None:
        self.label = label
        self.problems: list[Problem] = []

    def at(self, sheet: Worksheet, coordinate: str | None = None) -> str:
        where = f"{self.label}!{sheet.title}"
        return f"{where}!{coordinate}" if coordinate else where

    def problem(self, location: str, message: str) -> None:
        self.problems.append(Problem(location, message))

    def inline(self, sheet: Worksheet, cell: Cell, what: str) -> tuple[bool, Any]:
        """Inline YAML of a cell: (True, value) or (False, None) with a located problem."""
        try:
            return True, parse_inline(_text(cell.value))
        except yaml.YAMLError as error:
            detail = getattr(error, "problem", None) or str(error)
            self.problem(self.at(sheet, cell.coordinate), f"{what} không đọc được: {detail}")
            return False, None

    def read_info(
        self, workbook: WorkbookType, locations: dict[str, str]
    ) -> tuple[dict[str, Any], str]:
        if FRAMEWORK_SHEET not in workbook.sheetnames:
            self.problem(self.label, f"thiếu trang «{FRAMEWORK_SHEET}» (thông tin bộ tiêu chí)")
            return {}, self.label
        sheet = workbook[FRAMEWORK_SHEET]
        info: dict[str, Any] = {}
        rounding: dict[str, Any] = {}
        seen: dict[str, str] = {}
        for row in sheet.iter_rows(min_row=1):
            key_cell, value_cell = row[0], row[1] if len(row) > 1 else None
            format_cell = row[2] if len(row) > 2 else None
            key = _text(key_cell.value).strip()
            if not key or (key_cell.row == 1 and key == FRAMEWORK_HEADER[0]):
                continue
            key_at = self.at(sheet, key_cell.coordinate)
            if key in seen:
                self.problem(key_at, f"khóa «{key}» lặp lại (đã có ở {seen[key]})")
                continue
            seen[key] = key_at
            value = value_cell.value if value_cell is not None else None
            value_at = self.at(sheet, value_cell.coordinate) if value_cell else key_at
            value_format = _text(format_cell.value).strip() if format_cell else ""
            if value_format == YAML_FORMAT and value_cell is not None:
                ok, value = self.inline(sheet, value_cell, f"giá trị của «{key}»")
                if not ok:
                    continue
            elif value_format:
                self.problem(
                    self.at(sheet, format_cell.coordinate) if format_cell else key_at,
                    f"value_format «{value_format}» không có (để trống hoặc «{YAML_FORMAT}»)",
                )
                continue
            elif key in _TEXT_INFO_KEYS:
                value = _text(value)
            else:
                value = _number_or_text(value)
            if key in ("classes", "rounding"):
                self.problem(
                    key_at,
                    f"«{key}» không đặt ở đây: xếp loại ở trang «{CLASSES_SHEET}», làm tròn ở"
                    " các khóa rounding.index_places, rounding.points_places và"
                    " rounding.display_places",
                )
                continue
            if key.startswith("rounding."):
                name = key.removeprefix("rounding.")
                if name not in ROUNDING_KEYS:
                    self.problem(key_at, f"khóa «{key}» không có")
                    continue
                if isinstance(value, Decimal) and value == value.to_integral_value():
                    value = int(value)
                rounding[name] = value
                locations.setdefault("rounding", value_at)
                continue
            info[key] = value
            locations[key] = value_at
        if rounding:
            info["rounding"] = rounding
        return info, self.at(sheet)

    def read_classes(self, workbook: WorkbookType, locations: dict[str, str]) -> list[Any] | None:
        if CLASSES_SHEET not in workbook.sheetnames:
            return None  # the engine's default: the national classes A/B/C/D
        sheet = workbook[CLASSES_SHEET]
        locations["classes"] = self.at(sheet)
        classes: list[Any] = []
        for row in sheet.iter_rows(min_row=2, max_col=2):
            label_cell, minimum_cell = row[0], row[1]
            if label_cell.value is None and minimum_cell.value is None:
                continue
            label, minimum = _text(label_cell.value), _number_or_text(minimum_cell.value)
            classes.append({"label": label, "min_percent": minimum})
            locations[f"classes.{len(classes)}"] = self.at(sheet, label_cell.coordinate)
        return classes

    def read_nodes(self, workbook: WorkbookType) -> list[NodeSpec]:
        if NODES_SHEET not in workbook.sheetnames:
            self.problem(self.label, f"thiếu trang «{NODES_SHEET}» (danh sách mục)")
            return []
        sheet = workbook[NODES_SHEET]
        columns: dict[str, int] = {}
        for cell in next(sheet.iter_rows(min_row=1, max_row=1), ()):
            name = _text(cell.value).strip().lower()
            if not name:
                continue
            if name not in NODE_FIELDS:
                self.problem(
                    self.at(sheet, cell.coordinate),
                    f"cột «{name}» không có (có: {', '.join(NODE_FIELDS)})",
                )
            elif name in columns:
                self.problem(self.at(sheet, cell.coordinate), f"cột «{name}» lặp lại")
            else:
                columns[name] = cell.column - 1
        missing = [name for name in _REQUIRED_COLUMNS if name not in columns]
        if missing:
            self.problem(self.at(sheet, "A1"), f"thiếu cột: {', '.join(missing)}")
            return []
        nodes: list[NodeSpec] = []
        for row in sheet.iter_rows(min_row=2):
            cells = {name: row[index] for name, index in columns.items() if index < len(row)}
            if all(cell.value in (None, "") for cell in cells.values()):
                continue
            nodes.append(self.read_node(sheet, cells))
        return nodes

    def read_node(self, sheet: Worksheet, cells: Mapping[str, Cell]) -> NodeSpec:
        locations = {name: self.at(sheet, cell.coordinate) for name, cell in cells.items()}
        values = {name: cell.value for name, cell in cells.items()}
        fields: dict[str, Any] = {
            "code": _text(values.get("code")).strip(),
            "parent": _text(values.get("parent")).strip() or None,
            "title": _text(values.get("title")),
            "max_points": _number_or_text(values.get("max_points")),
            "rule": _text(values.get("rule")).strip() or None,
            "tags": split_list_text(_text(values.get("tags"))),
            "previous_codes": split_list_text(_text(values.get("previous_codes"))),
        }
        for name in ("kind", "source", "evidence"):
            fields[name] = _text(values.get(name)).strip() or NODE_DEFAULTS[name]
        for name in ("evidence_hint", "guidance", "indicator"):
            fields[name] = _text(values.get(name))
        fields["alternatives"] = self.read_flag(sheet, cells.get("alternatives"))
        fields["rule_params"] = self.read_params(sheet, cells.get("rule_params"), locations)
        return NodeSpec(**fields, location=locations["code"], field_locations=locations)

    def read_flag(self, sheet: Worksheet, cell: Cell | None) -> bool:
        if cell is None or cell.value is None or isinstance(cell.value, bool):
            return bool(cell.value) if cell is not None else False
        text = _text(cell.value).strip().lower()
        if text in _TRUE_TEXT:
            return True
        if text not in _FALSE_TEXT:
            self.problem(
                self.at(sheet, cell.coordinate),
                f"«alternatives» phải là TRUE/FALSE (hoặc x, có/không), không phải «{cell.value}»",
            )
        return False

    def read_params(
        self, sheet: Worksheet, cell: Cell | None, locations: dict[str, str]
    ) -> dict[str, Any]:
        if cell is None or cell.value is None or not _text(cell.value).strip():
            return {}
        where = self.at(sheet, cell.coordinate)
        ok, params = self.inline(sheet, cell, "«rule_params»")
        if not ok:
            return {}
        if not isinstance(params, Mapping):
            self.problem(where, "«rule_params» phải có dạng {tham_số: giá_trị, …}")
            return {}
        if "type" in params:
            self.problem(where, "tên quy tắc đặt ở cột «rule», không ở «rule_params»")
        for key in params:
            locations[f"rule.{key}"] = where
        return {str(key): value for key, value in params.items() if key != "type"}


def read_xlsx(path: Path | str) -> SpecReading:
    """Read an Excel framework workbook; raises `FrameworkFileError` when it cannot be opened."""
    label = str(path)
    try:
        workbook = load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise FrameworkFileError(path, "không tìm thấy tệp") from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError):
        raise FrameworkFileError(path, "không phải tệp Excel .xlsx đọc được") from None
    except OSError as error:
        raise FrameworkFileError(path, f"không đọc được ({error.strerror})") from None
    try:
        reader = _Reader(label)
        info_locations: dict[str, str] = {}
        info, location = reader.read_info(workbook, info_locations)
        classes = reader.read_classes(workbook, info_locations)
        if classes is not None:
            info["classes"] = classes
        nodes = reader.read_nodes(workbook)
    finally:
        workbook.close()
    spec = FrameworkSpec(info=info, nodes=nodes, location=location, info_locations=info_locations)
    return SpecReading(spec, reader.problems)


# --- writing ----------------------------------------------------------------------------------


def _fits_a_number_cell(value: Decimal) -> bool:
    """Excel keeps numbers as binary floats; only write a Decimal as a number if it comes back."""
    return to_decimal(float(value)) == value


def _set(cell: Cell, value: Any) -> None:
    cell.value = value
    inert_cell(cell)  # text that merely starts with "=", not a formula


def _set_info_value(value_cell: Cell, format_cell: Cell, value: Any) -> None:
    native = (
        (isinstance(value, str) and value != "")
        or isinstance(value, bool | int)
        or (isinstance(value, Decimal) and _fits_a_number_cell(value))
    )
    if native:
        _set(value_cell, value)
    else:
        _set(value_cell, dump_inline(value))
        format_cell.value = YAML_FORMAT


def _header(sheet: Worksheet, names: tuple[str, ...], widths: Mapping[str, int]) -> None:
    sheet.append(list(names))
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for index, name in enumerate(names, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(name, 14)


def _write_info_sheets(workbook: Workbook, spec: FrameworkSpec) -> None:
    sheet = workbook.create_sheet(FRAMEWORK_SHEET)
    _header(sheet, FRAMEWORK_HEADER, {"key": 24, "value": 80, "value_format": 14})
    sheet.freeze_panes = "A2"
    rows: list[tuple[str, Any]] = []
    for key in INFO_KEYS:
        if key == "classes":
            continue
        if key == "rounding":
            rounding = spec.info.get("rounding") or {}
            rows.extend(
                (f"rounding.{name}", rounding[name]) for name in ROUNDING_KEYS if name in rounding
            )
        else:
            rows.append((key, spec.info.get(key)))
    rows.extend((key, value) for key, value in spec.info.items() if key not in INFO_KEYS)
    for row_number, (key, value) in enumerate(rows, start=2):
        sheet.cell(row_number, 1, key)
        value_cell = sheet.cell(row_number, 2)
        value_cell.alignment = Alignment(wrap_text=True, vertical="top")
        if key in ("legal_basis", "status_note") and not value:
            continue  # empty optional text: an empty cell reads back as ""
        _set_info_value(value_cell, sheet.cell(row_number, 3), value)

    classes = workbook.create_sheet(CLASSES_SHEET)
    _header(classes, CLASSES_HEADER, {"label": 20, "min_percent": 14})
    classes.freeze_panes = "A2"
    for band in spec.info.get("classes") or []:
        minimum = band["min_percent"]
        classes.append([band["label"], minimum if _fits_a_number_cell(minimum) else str(minimum)])


def _write_nodes_sheet(workbook: Workbook, framework: Framework, spec: FrameworkSpec) -> None:
    sheet = workbook.create_sheet(NODES_SHEET)
    _header(sheet, NODE_FIELDS, _COLUMN_WIDTHS)
    sheet.freeze_panes = "D2"  # header row and code/parent/title stay visible
    column = {name: index for index, name in enumerate(NODE_FIELDS, start=1)}
    for row_number, node in enumerate(spec.nodes, start=2):
        values: dict[str, Any] = {
            "code": node.code,
            "parent": node.parent,
            "title": node.title,
            "max_points": node.max_points
            if _fits_a_number_cell(node.max_points)
            else str(node.max_points),
            "kind": node.kind,
            "rule": node.rule,
            "rule_params": dump_inline(node.rule_params) if node.rule_params else None,
            "source": node.source,
            "evidence": node.evidence,
            "evidence_hint": node.evidence_hint or None,
            "tags": ", ".join(node.tags) or None,
            "guidance": node.guidance or None,
            "previous_codes": ", ".join(node.previous_codes) or None,
            "alternatives": True if node.alternatives else None,
            "indicator": node.indicator or None,
        }
        depth = framework.nodes[node.code].depth
        for name, value in values.items():
            cell = sheet.cell(row_number, column[name])
            _set(cell, value)
            cell.alignment = Alignment(vertical="top", wrap_text=name in _WRAPPED)
            if name in ("code", "parent"):
                cell.number_format = "@"  # a typed 1.1 stays the text "1.1"
        # Indentation shows the tree to a reader; the `parent` column is what counts.
        title = sheet.cell(row_number, column["title"])
        title.alignment = Alignment(indent=depth - 1, wrap_text=True, vertical="top")
        if depth == 1:
            for name in ("code", "title"):
                sheet.cell(row_number, column[name]).font = _AREA_FONT
    last_row = max(sheet.max_row, 2)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(NODE_FIELDS))}{last_row}"
    choices = {
        "kind": ("standard", "bonus", "penalty"),
        "rule": tuple(sorted(RULES)),
        "source": ("self", "survey", "data", "system"),
        "evidence": ("optional", "required"),
    }
    for name, allowed in choices.items():
        letter = get_column_letter(column[name])
        validation = DataValidation(
            type="list", formula1=f'"{",".join(allowed)}"', allow_blank=True
        )
        validation.add(f"{letter}2:{letter}{last_row + 200}")
        sheet.add_data_validation(validation)


def build_workbook(framework: Framework) -> Workbook:
    """The workbook of a framework, ready to save."""
    spec = framework_to_spec(framework)
    workbook = Workbook()
    workbook.remove(workbook.active)
    _write_info_sheets(workbook, spec)
    _write_nodes_sheet(workbook, framework, spec)
    workbook.properties.title = framework.info.name
    return workbook


def write_xlsx(framework: Framework, path: Path | str) -> None:
    """Write the workbook (callers wanting all-or-nothing use `write_framework`)."""
    save_workbook(build_workbook(framework), path)
