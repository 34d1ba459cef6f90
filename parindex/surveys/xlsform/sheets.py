"""An XLSForm's sheets as texts: cells as a person typed them, headers split from their
language, and a reader that locates every problem at its cell (`FORM.xlsx!survey!C7`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from parindex.engine import Problem, to_decimal
from parindex.surveys.errors import FormError

_HEADER_ALIASES = {"list name": "list_name", "begin group": "begin_group"}


def cell_text(value: Any) -> str:
    """A cell as the text a person typed: 1 stays "1", 0.75 stays "0.75"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def split_header(header: str) -> tuple[str, str]:
    """`label::Tiếng Việt (vi)` → ("label", "Tiếng Việt (vi)"); `type` → ("type", "")."""
    base, _, language = header.partition("::")
    base = base.strip().lower()
    return _HEADER_ALIASES.get(base, base), language.strip()


@dataclass
class Sheet:
    """A sheet as header texts and rows of cell texts, remembering the spreadsheet row numbers."""

    name: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]

    def column_of(self, base: str) -> int | None:
        for index, header in enumerate(self.headers):
            if split_header(header)[0] == base and not split_header(header)[1]:
                return index
        return None


class SheetReader:
    def __init__(self, path: Path, display: str) -> None:
        self.path = path
        self.display = display
        self.problems: list[Problem] = []

    def where(self, sheet: str, row: int | None = None, column: int | None = None) -> str:
        if row is None:
            return f"{self.display}!{sheet}"
        if column is None:
            return f"{self.display}!{sheet}!{row}"
        return f"{self.display}!{sheet}!{get_column_letter(column + 1)}{row}"

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def load_sheets(self) -> dict[str, Sheet]:
        try:
            workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except FileNotFoundError:
            raise FormError([Problem(self.display, "không tìm thấy tệp")]) from None
        except Exception as error:  # openpyxl raises many kinds for a non-workbook
            raise FormError(
                [Problem(self.display, f"không đọc được tệp Excel (.xlsx): {error}")]
            ) from None
        sheets: dict[str, Sheet] = {}
        try:
            for worksheet in workbook.worksheets:
                name = worksheet.title.strip().lower()
                if name not in ("survey", "choices", "settings"):
                    continue
                rows = [
                    [cell_text(value) for value in row]
                    for row in worksheet.iter_rows(values_only=True)
                ]
                headers = rows[0] if rows else []
                width = len(headers)
                while width and not headers[width - 1]:
                    width -= 1
                body = [
                    (number, (cells + [""] * width)[:width])
                    for number, cells in enumerate(rows[1:], start=2)
                    if any(cells[:width])
                ]
                for number, cells in enumerate(rows[1:], start=2):
                    if any(cells[width:]):
                        column = width + next(i for i, c in enumerate(cells[width:]) if c)
                        self.problem(
                            self.where(name, number, column), "ô có dữ liệu nhưng cột không có tên"
                        )
                sheets[name] = Sheet(name, headers[:width], body)
        finally:
            workbook.close()
        return sheets

    def check_headers(self, sheet: Sheet, required: Sequence[str]) -> None:
        seen: dict[str, int] = {}
        for index, header in enumerate(sheet.headers):
            if not header:
                self.problem(self.where(sheet.name, 1, index), "cột không có tên")
                continue
            key = header.strip().lower()
            if key in seen:
                self.problem(
                    self.where(sheet.name, 1, index),
                    f"cột «{header}» trùng với cột {get_column_letter(seen[key] + 1)}",
                )
            seen.setdefault(key, index)
        for base in required:
            if sheet.column_of(base) is None:
                self.problem(self.where(sheet.name, 1), f"thiếu cột «{base}»")

    def number(self, sheet: str, row: int, column: int, text: str, *, positive: bool) -> Decimal:
        where = self.where(sheet, row, column)
        try:
            value = to_decimal(text)
        except ValueError:
            self.problem(where, f"«{text}» không phải là số")
            return Decimal(0)
        if positive and value <= 0:
            self.problem(where, f"phải lớn hơn 0 (đang là «{text}»)")
        elif value < 0:
            self.problem(where, f"không được âm (đang là «{text}»)")
        return value
