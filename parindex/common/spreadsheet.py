"""Spreadsheet cells from people's data, written as text and never as formulas.

A unit name, an audit value, a survey answer or an imported cell may start with "=" (or "+",
"-", "@", a tab or a carriage return, which spreadsheet programs read as the start of a
formula too): written as is, `=HYPERLINK("http://…","bấm")` becomes a live formula in the
reader's Excel ("CSV/formula injection"). Every writer of a file meant for a spreadsheet goes
through this module (`tests/security/test_spreadsheets.py` checks that each `Workbook(`,
`csv.writer(` and `write_csv(` of the package is one of them, or a machine file listed there):

- Excel (openpyxl): `workbook_bytes(workbook)` / `save_workbook(workbook, destination)` turn
  every cell that openpyxl would write as a formula (a string starting with "=") into a text
  cell with Excel's "quote prefix" (the cell stays text even when someone edits it), keeping
  its text unchanged, so an exported file still imports back as it was (the units export is in
  the import format). The package writes no formula of its own.
- CSV: `inert(value)` puts an apostrophe before a text that starts with one of those
  characters (the spreadsheet convention for "this is text"); a plain number such as "-3" or
  "+84 912" is not a formula and stays as it is. `inert_row` does a row.

No Django here: the pure packages use it too (the national and dossier workbooks).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A number as people write it ("-3", "+84 912 345 678", "-1.234,5"): nothing to evaluate.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9 .,]*")


def looks_like_formula(value: Any) -> bool:
    """Whether a spreadsheet program could read `value` as a formula."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    )


def inert(value: Any) -> Any:
    """A CSV cell's value: text that could be read as a formula gets a leading apostrophe;
    anything else (numbers, dates, None, ordinary text) is returned unchanged."""
    return "'" + value if looks_like_formula(value) else value


def inert_row(values: Iterable[Any]) -> list[Any]:
    return [inert(value) for value in values]


def inert_cell(cell: Any) -> None:
    """An openpyxl cell holding a would-be formula (openpyxl stores a string starting with "="
    as one) becomes a text cell with the same text. Other strings are text cells in an .xlsx
    file already: Excel evaluates nothing in them when the file is opened."""
    if cell.data_type == "f":
        cell.data_type = "s"
        cell.quotePrefix = True


def inert_workbook(workbook: Any) -> Any:
    """Every cell of every sheet through `inert_cell`; returns the workbook."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    inert_cell(cell)
    return workbook


def save_workbook(workbook: Any, destination: str | Path | IO[bytes]) -> None:
    """Save an openpyxl workbook (to a path or a binary stream) with no live formula."""
    inert_workbook(workbook).save(destination)


def workbook_bytes(workbook: Any) -> bytes:
    """The workbook as the bytes of an .xlsx file, with no live formula."""
    buffer = io.BytesIO()
    save_workbook(workbook, buffer)
    return buffer.getvalue()


def inert_table(table: Any) -> Any:
    """A pyarrow table whose text columns went through `inert` (a survey export written with
    pyarrow's CSV writer); numbers and dates are left as they are. Returns the same table when
    no cell needed it."""
    import pyarrow as pa

    for index, name in enumerate(table.column_names):
        column = table.column(index)
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            continue
        values = column.to_pylist()
        if any(looks_like_formula(value) for value in values):
            table = table.set_column(
                index, name, pa.array([inert(value) for value in values], type=column.type)
            )
    return table
