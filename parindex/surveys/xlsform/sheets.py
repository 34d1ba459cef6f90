"""An XLSForm's sheets as texts: cells as a person typed them, headers split from their
language, and a reader that locates every problem at its cell (`FORM.xlsx!survey!C7`).

The sheets are read the way pyxform reads them: sheet names, column names and settings keys
in any case (`SURVEY`, `FORM_ID`, `List Name`), languages after `::` or, when no column of
the sheet uses `::`, after a single colon (`label:English`); a workbook of one sheet is the
survey whatever its name; columns after 20 empty column names and rows after 60 empty rows
are not part of the form. Cells under a column without a name are ignored with a warning.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from parindex.engine import Problem, to_decimal
from parindex.surveys.errors import FormError

FORM_SHEETS = ("survey", "choices", "settings")
# pyxform stops reading a sheet after this many empty column names / empty rows in a row.
_MAX_EMPTY_COLUMNS = 20
_MAX_EMPTY_ROWS = 60
_LOOK_PAST_END = 1000  # rows read past that end, only to warn that they are ignored
# Columns whose texts come in languages (pyxform.aliases.TRANSLATABLE_*_COLUMNS).
_TRANSLATABLE = frozenset(
    {
        "label",
        "hint",
        "guidance_hint",
        "image",
        "big-image",
        "audio",
        "video",
        "constraint_message",
        "required_message",
        "jr:constraintmsg",
        "jr:requiredmsg",
        "media",
    }
)
# Other spellings pyxform accepts for the columns parindex reads (pyxform.aliases).
_HEADER_ALIASES = {
    "caption": "label",
    "relevance": "relevant",
    "list": "list_name",
    "begin group": "begin_group",
}
_SETTING_ALIASES = {
    "set_form_id": "form_id",
    "id_string": "form_id",
    "set_form_title": "form_title",
    "title": "form_title",
}


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


def form_cell_text(value: Any) -> str:
    """A form's cell as pyxform reads it (TRUE/FALSE for logical cells, dates as `str`)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime | time):
        return str(value)
    return cell_text(value).replace("\u00a0", " ")


def snake_case(text: str) -> str:
    """`List Name` → `list_name` (pyxform's spelling of a column name)."""
    return "_".join(text.split()).lower()


def split_header(header: str, double_colon: bool | None = None) -> tuple[str, str]:
    """`label::Tiếng Việt (vi)` → ("label", "Tiếng Việt (vi)"); `TYPE` → ("type", "").

    A single colon separates the language (`label:English`) only when the sheet has no
    `::` column (`double_colon` False; None = judge from this header alone), as in pyxform.
    """
    text = " ".join(str(header).split())
    if double_colon is None:
        double_colon = "::" in text
    base, language = text, ""
    if "::" in text:
        base, _, language = text.partition("::")
    elif not double_colon and ":" in text:
        first, _, rest = text.partition(":")
        if snake_case(first) in _TRANSLATABLE:
            base, language = first, rest
    key = snake_case(base.strip())
    return _HEADER_ALIASES.get(key, key), language.strip()


def setting_key(header: str) -> str:
    """A settings column as its key: `FORM_ID` → `form_id`, `set_form_title` → `form_title`."""
    key = snake_case(header)
    return _SETTING_ALIASES.get(key, key)


@dataclass
class Sheet:
    """A sheet as header texts and rows of cell texts, remembering the spreadsheet row numbers."""

    name: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    double_colon: bool = field(default=False)

    def __post_init__(self) -> None:
        self.double_colon = any("::" in header for header in self.headers)

    def split(self, index: int) -> tuple[str, str]:
        return split_header(self.headers[index], self.double_colon)

    def column_of(self, base: str) -> int | None:
        for index in range(len(self.headers)):
            if self.headers[index] and self.split(index) == (base, ""):
                return index
        return None


class SheetReader:
    def __init__(self, path: Path, display: str) -> None:
        self.path = path
        self.display = display
        self.problems: list[Problem] = []
        self.warnings: list[str] = []

    def where(self, sheet: str, row: int | None = None, column: int | None = None) -> str:
        if row is None:
            return f"{self.display}!{sheet}"
        if column is None:
            return f"{self.display}!{sheet}!{row}"
        return f"{self.display}!{sheet}!{get_column_letter(column + 1)}{row}"

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(f"{where}: {message}")

    def load_sheets(self) -> dict[str, Sheet]:
        # openpyxl warns "Unknown extension is not supported" (harmless) while it opens the
        # workbook and while it reads the rows.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return self._load_sheets()

    def _load_sheets(self) -> dict[str, Sheet]:
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
            worksheets = list(workbook.worksheets)
            for worksheet in worksheets:
                name = str(worksheet.title).strip().lower()
                if name not in FORM_SHEETS:
                    if len(worksheets) != 1:
                        continue
                    name = "survey"  # pyxform: a lone sheet is the survey, whatever its name
                if name in sheets:
                    continue
                sheet = self._read_sheet(name, worksheet)
                if sheet.headers or str(worksheet.title).strip().lower() == name:
                    sheets[name] = sheet
        except FormError:
            raise
        except Exception as error:  # a damaged sheet inside a readable workbook
            raise FormError(
                [Problem(self.display, f"không đọc được tệp Excel (.xlsx): {error}")]
            ) from None
        finally:
            workbook.close()
        return sheets

    def _read_sheet(self, name: str, worksheet: Any) -> Sheet:
        first = next(worksheet.iter_rows(max_row=1, values_only=True), ())
        header_cells = [form_cell_text(value) for value in first]
        width, empty_run = 0, 0
        for index, text in enumerate(header_cells):
            if text:
                width, empty_run = index + 1, 0
            else:
                empty_run += 1
                if empty_run > _MAX_EMPTY_COLUMNS:
                    break
        headers = header_cells[:width]
        body: list[tuple[int, list[str]]] = []
        unnamed: dict[int, list[int]] = {}  # column → rows with a value under no name
        empty_rows, cut_at, beyond = 0, 0, 0
        # Like pyxform, look no further than 20 columns past the last name (a sheet may be
        # formatted to its last column and row: reading every cell would take minutes).
        rows = worksheet.iter_rows(min_row=2, max_col=width + _MAX_EMPTY_COLUMNS, values_only=True)
        for number, values in enumerate(rows, start=2):
            cells = [form_cell_text(value) for value in values]
            if cut_at:
                beyond += any(cells)
                if number - cut_at > _LOOK_PAST_END:
                    break
                continue
            cells = (cells + [""] * width)[: max(width, len(cells))]
            named = any(text for text, header in zip(cells, headers, strict=False) if header)
            for column, text in enumerate(cells):
                if text and (column >= width or not headers[column]):
                    unnamed.setdefault(column, []).append(number)
            if not named:  # pyxform counts a row with nothing under a named column as empty
                empty_rows += 1
                if empty_rows > _MAX_EMPTY_ROWS:
                    cut_at = number
                continue
            empty_rows = 0
            body.append((number, cells[:width]))
        for column, numbers in sorted(unnamed.items()):
            letter = get_column_letter(column + 1)
            shown = ", ".join(f"{letter}{n}" for n in numbers[:3]) + (
                "…" if len(numbers) > 3 else ""
            )
            self.warn(
                self.where(name, 1, column),
                f"cột không có tên: bỏ qua {len(numbers)} ô có dữ liệu ({shown})",
            )
        if beyond:
            self.warn(
                self.where(name, cut_at),
                f"sau {_MAX_EMPTY_ROWS} dòng trống liền nhau, {beyond} dòng còn lại không thuộc"
                " biểu mẫu (pyxform, ODK và Kobo cũng bỏ qua)",
            )
        return Sheet(name, headers, body)

    def check_headers(self, sheet: Sheet, required: Sequence[str]) -> bool:
        """Duplicate and missing columns; False when a required column is missing."""
        seen: dict[tuple[str, str], int] = {}
        for index, header in enumerate(sheet.headers):
            if not header:
                continue
            key = sheet.split(index)
            if key in seen:
                self.problem(
                    self.where(sheet.name, 1, index),
                    f"cột «{header}» trùng với cột {get_column_letter(seen[key] + 1)}",
                )
            seen.setdefault(key, index)
        complete = True
        for base in required:
            if sheet.column_of(base) is None:
                self.problem(self.where(sheet.name, 1), f"thiếu cột «{base}»")
                complete = False
        return complete

    def number(self, sheet: str, row: int, column: int, text: str, *, positive: bool) -> Decimal:
        where = self.where(sheet, row, column)
        try:
            value = to_decimal(text)
        except (ValueError, ArithmeticError):
            self.problem(where, f"«{text}» không phải là số")
            return Decimal(0)
        if positive and value <= 0:
            self.problem(where, f"phải lớn hơn 0 (đang là «{text}»)")
        elif value < 0:
            self.problem(where, f"không được âm (đang là «{text}»)")
        return value
