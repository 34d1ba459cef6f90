"""Reading the Ministry's appraised result per sub-criterion, as the province receives it.

A CSV (UTF-8, commas or semicolons, decimal comma allowed) or an XLSX (first sheet), one row
per node:

    node,points,reason,category
    1.1.1,1,,
    1.1.2,0.75,Thiếu phụ lục kết quả từng nhiệm vụ,no_evidence
    2.4,2.41,,survey

`node` (also `code`, `mã`, `mã tiêu chí`) is a sub-criterion (leaf) or an area (top-level node)
of the year's framework; `points` (also `điểm`, `điểm thẩm định`) from 0 to its maximum;
`reason` (`lý do`) and `category` (`nhóm lý do`: no_evidence, late, below_target, survey, or
their Vietnamese labels) are optional. An area given with some of its sub-criteria must equal
their sum. Every problem is reported at once with its row; nothing is kept unless all are clean.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from parindex.engine import Framework as EngineFramework
from parindex.engine import format_number, to_decimal
from parindex.nationalself.comparison import aggregate
from parindex.nationalself.models import LossCategory

# Header names as `_fold` leaves them (lower case, "_" read as a space: "ma_tieu_chi" matches).
COLUMNS = {
    "node": ("node", "code", "ma", "mã", "mã tiêu chí", "ma tieu chi"),
    "points": ("points", "diem", "điểm", "điểm thẩm định", "diem tham dinh"),
    "reason": ("reason", "ly do", "lý do"),
    "category": ("category", "nhóm lý do", "nhom ly do"),
}


class AppraisedImportError(Exception):
    """The file cannot be imported; `problems` lists every problem with its location."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class AppraisedRow:
    location: str
    node: str
    points: Decimal
    reason: str
    category: str  # a LossCategory value or ""


def _fold(text: Any) -> str:
    value = unicodedata.normalize("NFC", str(text if text is not None else "")).strip().lower()
    return " ".join(value.replace("_", " ").split())


def _category(value: Any) -> str | None:
    """A category given in a cell: its code or its label, in either language; None if unknown."""
    text = _fold(value)
    if not text:
        return ""
    for choice in LossCategory:
        if text in (_fold(choice.value), _fold(choice.label), _fold(str(choice.label))):
            return str(choice.value)
    return None


def _records(name: str, data: bytes) -> list[tuple[int, Sequence[Any]]]:
    lower = name.lower()
    if lower.endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many types for a damaged or foreign file
            raise AppraisedImportError(
                [
                    gettext("%(file)s: không mở được tệp Excel (%(error)s).")
                    % {"file": name, "error": error}
                ]
            ) from error
        try:
            return list(enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1))
        finally:
            workbook.close()
    if not lower.endswith((".csv", ".txt")):
        raise AppraisedImportError(
            [gettext("%(file)s: chỉ nhận tệp .csv hoặc .xlsx.") % {"file": name}]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AppraisedImportError(
            [
                gettext("%(file)s: tệp không phải UTF-8; hãy lưu lại dạng «CSV UTF-8».")
                % {"file": name}
            ]
        ) from error
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    return list(enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1))


def _blank(values: Iterable[Any]) -> bool:
    return all(value is None or not str(value).strip() for value in values)


def read_appraised(name: str, data: bytes, engine: EngineFramework) -> list[AppraisedRow]:
    """The rows of the file, checked against the framework; raises `AppraisedImportError`."""
    records = _records(name, data)
    if not records:
        raise AppraisedImportError([gettext("%(file)s: tệp rỗng.") % {"file": name}])
    (_, header), body = records[0], records[1:]
    positions: dict[str, int] = {}
    for position, title in enumerate(header):
        for key, names in COLUMNS.items():
            if _fold(title) in names and key not in positions:
                positions[key] = position
    problems = [
        gettext("%(file)s:1: thiếu cột «%(column)s».") % {"file": name, "column": key}
        for key in ("node", "points")
        if key not in positions
    ]
    if problems:
        raise AppraisedImportError(problems)

    def cell(values: Sequence[Any], key: str) -> Any:
        position = positions.get(key)
        return values[position] if position is not None and position < len(values) else None

    rows: list[AppraisedRow] = []
    seen: dict[str, str] = {}
    for number, values in body:
        if _blank(values):
            continue
        where = f"{name}:{number}"
        code = str(cell(values, "node") or "").strip()
        node = engine.nodes.get(code)
        if node is None:
            problems.append(
                gettext("%(where)s: mã «%(code)s» không có trong bộ tiêu chí.")
                % {"where": where, "code": code}
            )
            continue
        if not node.is_leaf and node.parent is not None:
            problems.append(
                gettext(
                    "%(where)s: «%(code)s» là tiêu chí có mục con: ghi điểm từng tiêu chí thành "
                    "phần, hoặc điểm của cả lĩnh vực."
                )
                % {"where": where, "code": code}
            )
            continue
        if code in seen:
            problems.append(
                gettext("%(where)s: mã «%(code)s» đã có ở %(first)s.")
                % {"where": where, "code": code, "first": seen[code]}
            )
            continue
        seen[code] = where
        raw = cell(values, "points")
        try:
            points = to_decimal(raw if raw is not None else "")
        except ValueError:
            problems.append(
                gettext("%(where)s: điểm «%(value)s» không phải là số.")
                % {"where": where, "value": raw}
            )
            continue
        if points < 0 or points > node.max_points:
            problems.append(
                gettext("%(where)s: điểm %(points)s của «%(code)s» ngoài khoảng 0 – %(max)s.")
                % {
                    "where": where,
                    "points": format_number(points),
                    "code": code,
                    "max": format_number(node.max_points),
                }
            )
            continue
        category = _category(cell(values, "category"))
        if category is None:
            problems.append(
                gettext("%(where)s: nhóm lý do «%(value)s» không có (có: %(known)s).")
                % {
                    "where": where,
                    "value": cell(values, "category"),
                    "known": ", ".join(choice.value for choice in LossCategory),
                }
            )
            continue
        reason = str(cell(values, "reason") or "").strip()
        rows.append(AppraisedRow(where, code, points, reason, category))
    if not rows and not problems:
        problems.append(gettext("%(file)s: không có dòng kết quả nào.") % {"file": name})
    problems += _area_sums(engine, rows)
    if problems:
        raise AppraisedImportError(problems)
    return rows


def _area_sums(engine: EngineFramework, rows: list[AppraisedRow]) -> list[str]:
    """An area given beside some of its sub-criteria must equal their sum (alternatives: the
    best)."""
    given = {row.node: row for row in rows}
    leaves = {code: row.points for code, row in given.items() if engine.nodes[code].is_leaf}
    totals = aggregate(engine, leaves)
    problems = []
    for area in engine.roots:
        row = given.get(area)
        if row is None or area not in totals:
            continue
        if totals[area] != row.points:
            problems.append(
                gettext(
                    "%(where)s: điểm lĩnh vực %(code)s (%(points)s) khác tổng các tiêu chí thành "
                    "phần đã ghi (%(sum)s)."
                )
                % {
                    "where": row.location,
                    "code": area,
                    "points": format_number(row.points),
                    "sum": format_number(totals[area]),
                }
            )
    return problems
