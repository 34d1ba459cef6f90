"""Reading published national PAR INDEX results in long form.

One row per year, unit (province) and area:

    year, unit, area, points | percent, max_points
    [, area_name, rank, area_rank, source, note]

`percent` is accepted instead of `points` where a source published the share of
the maximum (points = percent × max_points ÷ 100, exact). `rank` is the unit's
published overall rank in that year (repeat it on the unit's rows or give it on
one of them); `area_rank` is the unit's published rank in that row's area. Both
are only checked against the ranks computed from the points (see
`parindex.national.analysis`); the points decide.

CSV files are UTF-8 (a byte-order mark is accepted), separated by commas or by
semicolons (what Excel writes where the decimal separator is a comma); numbers
may use a decimal comma ("7,775"). XLSX files are read from their first sheet.
Row numbers in messages are those a spreadsheet shows: the header is row 1.

Every problem of every file is collected and reported together, each with its
file, row and column; nothing is returned unless all files are clean.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from parindex.engine import Problem, format_number, to_decimal
from parindex.engine.numbers import HUNDRED

REQUIRED_COLUMNS = ("year", "unit", "area", "max_points")
VALUE_COLUMNS = ("points", "percent")  # one of the two, on every row

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


class ResultsImportError(Exception):
    """The results could not be read; `problems` lists every problem with its location."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"{len(problems)} lỗi trong dữ liệu kết quả:\n{lines}")


@dataclass(frozen=True)
class ResultRow:
    """One validated row: a unit's points in one area of one year, and where it came from."""

    location: str  # "file:row"
    year: int
    unit: str
    area: str
    area_name: str
    points: Decimal
    max_points: Decimal
    published_percent: Decimal | None  # set when the row gave `percent` instead of `points`
    published_rank: int | None
    published_area_rank: int | None
    source: str
    note: str


@dataclass(frozen=True)
class Area:
    """An area (lĩnh vực) of one year's results, as the rows describe it."""

    code: str
    name: str
    max_points: Decimal


@dataclass(frozen=True)
class YearResults:
    """Every unit's area points of one year. Units and areas keep the order of the input."""

    year: int
    areas: tuple[Area, ...]
    units: tuple[str, ...]
    rows: Mapping[tuple[str, str], ResultRow]  # (unit, area code) → row

    @property
    def max_total(self) -> Decimal:
        return sum((area.max_points for area in self.areas), Decimal(0))

    def unit_rows(self, unit: str) -> tuple[ResultRow, ...]:
        return tuple(self.rows[unit, area.code] for area in self.areas)

    def total(self, unit: str) -> Decimal:
        return sum((row.points for row in self.unit_rows(unit)), Decimal(0))

    def published_rank(self, unit: str) -> tuple[int, str] | None:
        """The unit's published overall rank and the row that gave it, if any row did."""
        for row in self.unit_rows(unit):
            if row.published_rank is not None:
                return row.published_rank, row.location
        return None


@dataclass(frozen=True)
class NationalResults:
    """Published results of several years, merged from one or more files."""

    years: Mapping[int, YearResults]


# --- reading raw cells ------------------------------------------------------------------------


@dataclass(frozen=True)
class _RawRow:
    file: str
    number: int  # as a spreadsheet counts rows: the header is 1
    cells: Mapping[str, Any]
    cell_refs: Mapping[str, str]  # column → "E5" for spreadsheets; empty for CSV

    def where(self, column: str | None = None) -> str:
        location = f"{self.file}:{self.number}"
        if column is None:
            return location
        ref = self.cell_refs.get(column)
        return f"{location}, cột «{column}»" + (f" (ô {ref})" if ref else "")


def _header_name(value: Any) -> str:
    return str(value if value is not None else "").strip().lower()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table_rows(
    file: str, header: Sequence[Any], records: Iterable[tuple[int, Sequence[Any]]], *, xlsx: bool
) -> tuple[list[_RawRow], list[Problem]]:
    """Turn a header and numbered records into named rows, checking the header."""
    problems: list[Problem] = []
    columns = [_header_name(value) for value in header]
    positions: dict[str, int] = {}
    for position, name in enumerate(columns):
        if not name:
            continue
        if name in positions:
            problems.append(Problem(f"{file}:1", f"cột «{name}» xuất hiện hai lần trong tiêu đề"))
            continue
        positions[name] = position
    for name in REQUIRED_COLUMNS:
        if name not in positions:
            problems.append(Problem(f"{file}:1", f"thiếu cột «{name}»"))
    if not any(name in positions for name in VALUE_COLUMNS):
        problems.append(Problem(f"{file}:1", "thiếu cột «points» (hoặc «percent»)"))
    if problems:
        return [], problems

    letters: dict[str, str] = {}
    if xlsx:
        from openpyxl.utils import get_column_letter

        letters = {name: get_column_letter(position + 1) for name, position in positions.items()}
    rows: list[_RawRow] = []
    width = len(columns)
    for number, values in records:
        if all(_is_blank(value) for value in values):
            continue  # spreadsheets often carry empty rows; they hold nothing to check
        extra = [value for value in values[width:] if not _is_blank(value)]
        if extra:
            problems.append(
                Problem(
                    f"{file}:{number}",
                    f"dòng có {len(values)} ô nhưng tiêu đề chỉ có {width} cột (số thập phân "
                    "dùng dấu phẩy phải nằm trong ngoặc kép, hoặc dùng dấu chấm phẩy «;» "
                    "làm dấu phân cách)",
                )
            )
            continue
        cells = {
            name: values[position] if position < len(values) else None
            for name, position in positions.items()
        }
        refs = {name: f"{letter}{number}" for name, letter in letters.items()}
        rows.append(_RawRow(file, number, cells, refs))
    return rows, problems


def _csv_delimiter(header_line: str) -> str:
    """Commas, or semicolons when the header uses those (Excel's choice with decimal commas)."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=lambda delimiter: counts[delimiter]) if any(counts.values()) else ","


def _read_csv(path: Path, file: str) -> tuple[list[_RawRow], list[Problem]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [], [
            Problem(
                file,
                f"tệp không phải UTF-8 (byte thứ {error.start + 1}); hãy lưu lại dạng «CSV UTF-8»",
            )
        ]
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_csv_delimiter(first_line))
    records = list(enumerate(reader, start=1))
    if not records:
        return [], [Problem(file, "tệp rỗng: cần dòng tiêu đề và các dòng kết quả")]
    (_, header), body = records[0], records[1:]
    return _table_rows(file, header, body, xlsx=False)


def _read_xlsx(path: Path, file: str) -> tuple[list[_RawRow], list[Problem]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged or foreign file
        return [], [Problem(file, f"không mở được tệp Excel: {error}")]
    try:
        sheet = workbook.worksheets[0]
        records = list(enumerate(sheet.iter_rows(values_only=True), start=1))
    finally:
        workbook.close()
    if not records:
        return [], [Problem(file, "trang tính đầu tiên rỗng: cần dòng tiêu đề và các dòng kết quả")]
    (_, header), body = records[0], records[1:]
    return _table_rows(file, header, body, xlsx=True)


def _read_table(path: Path) -> tuple[list[_RawRow], list[Problem]]:
    file = str(path)
    if path.is_dir():
        return [], [Problem(file, "đây là thư mục, không phải tệp kết quả")]
    if not path.is_file():
        return [], [Problem(file, "không tìm thấy tệp")]
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, file)
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, file)
    return [], [
        Problem(file, f"định dạng «{suffix or path.name}» không hỗ trợ: dùng .csv hoặc .xlsx")
    ]


# --- validating cells -------------------------------------------------------------------------


def clean_name(value: Any) -> str:
    """A unit or area name as compared: NFC (one code point per accented letter), single spaces.

    Text pasted from some systems is decomposed (NFD): "Bắc Kạn" would then not
    equal "Bắc Kạn" typed on another machine.
    """
    text = _text(value)
    return " ".join(unicodedata.normalize("NFC", text).split())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a spreadsheet stores the area code 1 as 1.0
    return str(value).strip()


class _RowChecker:
    """Reads the typed values of one raw row, noting each problem with its column."""

    def __init__(self, row: _RawRow, problems: list[Problem]) -> None:
        self.row = row
        self.problems = problems
        self.ok = True

    def problem(self, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.row.where(column), message))
        self.ok = False

    def raw(self, column: str) -> Any:
        return self.row.cells.get(column)

    def required_text(self, column: str, what: str) -> str:
        value = clean_name(self.raw(column))
        if not value:
            self.problem(column, f"thiếu {what}")
        return value

    def number(self, column: str, *, required: bool) -> Decimal | None:
        value = self.raw(column)
        if _is_blank(value):
            if required:
                self.problem(column, "thiếu giá trị")
            return None
        try:
            return to_decimal(value)
        except ValueError:
            self.problem(column, f"«{_text(value)}» không phải là số")
            return None

    def whole_number(self, column: str, *, required: bool, minimum: int) -> int | None:
        number = self.number(column, required=required)
        if number is None:
            return None
        if number != number.to_integral_value() or number < minimum:
            self.problem(column, f"«{_text(self.raw(column))}» phải là số nguyên từ {minimum}")
            return None
        return int(number)


def _parse_row(
    row: _RawRow, problems: list[Problem], invalid: set[tuple[int, str, str]]
) -> ResultRow | None:
    """The typed row, or None after noting its problems (and its key in `invalid`)."""
    check = _RowChecker(row, problems)
    year = check.whole_number("year", required=True, minimum=1)
    unit = check.required_text("unit", "tên đơn vị")
    area = check.required_text("area", "mã lĩnh vực")
    max_points = check.number("max_points", required=True)
    if max_points is not None and max_points <= 0:
        check.problem("max_points", f"điểm tối đa {format_number(max_points)} phải lớn hơn 0")
        max_points = None

    points_given = not _is_blank(check.raw("points"))
    percent_given = not _is_blank(check.raw("percent"))
    points = check.number("points", required=False)
    percent = check.number("percent", required=False)
    if points_given and percent_given:
        check.problem(None, "chỉ điền một trong hai cột «points» và «percent»")
    elif not points_given and not percent_given:
        check.problem(None, "thiếu điểm: điền cột «points» (hoặc «percent»)")
    elif percent is not None:
        if not 0 <= percent <= HUNDRED:
            check.problem("percent", f"tỷ lệ {format_number(percent)} % phải từ 0 đến 100")
        elif max_points is not None:
            points = percent * max_points / HUNDRED  # exact: dividing by 100 only shifts digits
    elif points is not None:
        if points < 0:
            check.problem("points", f"điểm {format_number(points)} không được âm")
        elif max_points is not None and points > max_points:
            check.problem(
                "points",
                f"điểm {format_number(points)} vượt điểm tối đa {format_number(max_points)}",
            )
    rank = check.whole_number("rank", required=False, minimum=1)
    area_rank = check.whole_number("area_rank", required=False, minimum=1)
    if not check.ok or year is None or max_points is None or points is None:
        if year is not None and unit and area:
            invalid.add((year, unit, area))
        return None
    return ResultRow(
        location=row.where(),
        year=year,
        unit=unit,
        area=area,
        area_name=clean_name(row.cells.get("area_name")),
        points=points,
        max_points=max_points,
        published_percent=percent,
        published_rank=rank,
        published_area_rank=area_rank,
        source=_text(row.cells.get("source")),
        note=_text(row.cells.get("note")),
    )


# --- checks across rows -----------------------------------------------------------------------


def _codes(codes: Iterable[str]) -> str:
    return ", ".join(codes)


def _build_year(
    year: int,
    rows: list[ResultRow],
    invalid: set[tuple[int, str, str]],
    problems: list[Problem],
) -> YearResults:
    """One year's rows checked together; `invalid` rows were reported already."""
    by_key: dict[tuple[str, str], ResultRow] = {}
    areas: dict[str, ResultRow] = {}  # the first row of each area defines its maximum
    names: dict[str, ResultRow] = {}  # the first row that names each area
    units: dict[str, list[ResultRow]] = {}
    for row in rows:
        key = (row.unit, row.area)
        if key in by_key:
            problems.append(
                Problem(
                    row.location,
                    f"trùng dòng: «{row.unit}», lĩnh vực {row.area}, năm {year} đã có ở "
                    f"{by_key[key].location}",
                )
            )
            continue
        by_key[key] = row
        units.setdefault(row.unit, []).append(row)
        first = areas.setdefault(row.area, row)
        if row.max_points != first.max_points:
            problems.append(
                Problem(
                    f"{row.location}, cột «max_points»",
                    f"điểm tối đa của lĩnh vực {row.area} năm {year} là "
                    f"{format_number(row.max_points)}, khác {format_number(first.max_points)} "
                    f"ở {first.location}",
                )
            )
        if row.area_name:
            named = names.setdefault(row.area, row)
            if row.area_name != named.area_name:
                problems.append(
                    Problem(
                        f"{row.location}, cột «area_name»",
                        f"tên lĩnh vực {row.area} năm {year} «{row.area_name}» khác "
                        f"«{named.area_name}» ở {named.location}",
                    )
                )

    for unit, unit_rows in units.items():
        present = {row.area for row in unit_rows}
        missing = [
            code for code in areas if code not in present and (year, unit, code) not in invalid
        ]
        if missing:
            problems.append(
                Problem(
                    unit_rows[0].location,
                    f"«{unit}» năm {year} thiếu lĩnh vực {_codes(missing)} (mỗi đơn vị trong "
                    f"một năm phải có đủ các lĩnh vực {_codes(areas)})",
                )
            )
        ranked = [row for row in unit_rows if row.published_rank is not None]
        for row in ranked[1:]:
            if row.published_rank != ranked[0].published_rank:
                problems.append(
                    Problem(
                        f"{row.location}, cột «rank»",
                        f"hạng công bố của «{unit}» năm {year} là {row.published_rank}, khác "
                        f"{ranked[0].published_rank} ở {ranked[0].location}",
                    )
                )

    return YearResults(
        year=year,
        areas=tuple(
            Area(
                code=code,
                name=names[code].area_name if code in names else f"Lĩnh vực {code}",
                max_points=first.max_points,
            )
            for code, first in areas.items()
        ),
        units=tuple(units),
        rows=by_key,
    )


def read_results(paths: Sequence[Path | str]) -> NationalResults:
    """Read and merge results files; raises `ResultsImportError` listing every problem."""
    if not paths:
        raise ResultsImportError([Problem("", "chưa có tệp kết quả nào")])
    problems: list[Problem] = []
    rows: list[ResultRow] = []
    invalid: set[tuple[int, str, str]] = set()  # rows already reported: not "missing" too
    seen: dict[Path, str] = {}
    for path in paths:
        resolved = Path(path).resolve()
        if resolved in seen:
            # Reading it again would report each of its rows as a duplicate.
            problems.append(Problem(str(path), f"tệp đã được nêu ở trên ({seen[resolved]})"))
            continue
        seen[resolved] = str(path)
        raw_rows, file_problems = _read_table(Path(path))
        problems.extend(file_problems)
        for raw in raw_rows:
            parsed = _parse_row(raw, problems, invalid)
            if parsed is not None:
                rows.append(parsed)
    if not rows and not problems:
        problems.append(Problem(", ".join(str(path) for path in paths), "không có dòng kết quả"))

    by_year: dict[int, list[ResultRow]] = {}
    for row in rows:
        by_year.setdefault(row.year, []).append(row)
    years = {year: _build_year(year, by_year[year], invalid, problems) for year in sorted(by_year)}
    if problems:
        raise ResultsImportError(problems)
    return NationalResults(years=years)
