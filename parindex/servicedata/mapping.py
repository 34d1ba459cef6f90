"""Vendor mappings: which column of an export holds which canonical field, and how values are spelled.

A mapping is a YAML file (see `parindex/data/servicedata/mappings/` and docs/service-data.md):

    name: generic
    label: "…"
    file: {delimiter: ",", encoding: utf-8, sheet: null, header_row: 1}
    timezone: Asia/Ho_Chi_Minh          # or UTC, or an offset like +07:00
    date_formats: ["%d/%m/%Y %H:%M", "%d/%m/%Y"]
    number_format: plain                # or vi: "50.000" is fifty thousand, "1,5" is 1.5
    match: {unit: code}                 # or name: the export names the unit instead of coding it
    columns: {dossier_code: "Mã hồ sơ", …}
    values:
      status: {processing: ["1", "Đang xử lý"], …}
      boolean: {true: ["Có"], false: ["Không"]}

Code values (statuses, channels, levels, ratings, yes/no) are compared trimmed, without case
and without diacritics ("folded"), so "Đã trả kết quả", "đã trả kết quả ", "DA TRA KET QUA"
and a decomposed spelling all match; headers and unit names are compared trimmed, without case,
after Unicode NFC normalisation (two communes may differ only by a tone mark). Each canonical
value also matches its own key, its Vietnamese label and the common spellings of
`schema.STATUS_SPELLINGS`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parindex.engine import Problem

from .errors import ServiceDataError
from .reference import FALSE_WORDS, TRUE_WORDS, data_path, fold_value
from .schema import FIELDS_BY_NAME, STATUS_SPELLINGS, VOCABULARIES
from .yamlfile import load_located_yaml

LOCAL_OFFSET_MINUTES = 7 * 60  # Vietnam: UTC+07:00 all year, no daylight saving
ISO_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
)


def normalise_value(value: str) -> str:
    """The form headers and unit names are compared in (the SQL does the same)."""
    return unicodedata.normalize("NFC", value).strip().lower()


@dataclass(frozen=True)
class Mapping:
    name: str
    label: str
    columns: dict[str, str]
    vocabularies: dict[str, dict[str, str]]
    true_values: frozenset[str]
    false_values: frozenset[str]
    date_formats: tuple[str, ...]
    source_offset_minutes: int = LOCAL_OFFSET_MINUTES
    number_format: str = "plain"
    unit_match: str = "code"
    delimiter: str = ","
    encoding: str = "utf-8"
    sheet: str | None = None
    header_row: int = 1
    location: str = ""
    note: str = ""

    @property
    def parse_formats(self) -> tuple[str, ...]:
        """The mapping's date formats, then ISO ones (XLSX date cells arrive as ISO text)."""
        return self.date_formats + tuple(fmt for fmt in ISO_FORMATS if fmt not in self.date_formats)

    @property
    def shift_minutes(self) -> int:
        """Minutes to add to a source timestamp to get Vietnam's local time."""
        return LOCAL_OFFSET_MINUTES - self.source_offset_minutes


def human_format(strptime_format: str) -> str:
    """ "%d/%m/%Y %H:%M" → "dd/mm/yyyy HH:MM", the way people read a date format."""
    for directive, shown in (("%d", "dd"), ("%m", "mm"), ("%Y", "yyyy"), ("%H", "HH")):
        strptime_format = strptime_format.replace(directive, shown)
    for directive, shown in (("%M", "MM"), ("%S", "ss"), ("%f", "ffffff"), ("%y", "yy")):
        strptime_format = strptime_format.replace(directive, shown)
    return strptime_format


def shipped_mappings() -> dict[str, Path]:
    folder = data_path("mappings")
    return {path.stem: path for path in sorted(folder.glob("*.yaml"))}


def resolve_mapping(name_or_path: str | Path) -> Mapping:
    """A mapping file, or the name of a shipped one ("generic", "vendor_vnpt_style")."""
    path = Path(name_or_path)
    if path.exists():
        return load_mapping(path)
    shipped = shipped_mappings()
    if str(name_or_path) in shipped:
        return load_mapping(shipped[str(name_or_path)])
    raise ServiceDataError(
        f"không có tệp ánh xạ «{name_or_path}» (ánh xạ có sẵn: {', '.join(shipped)})"
    )


def _offset_minutes(value: str) -> int | None:
    text = value.strip()
    if text in ("Asia/Ho_Chi_Minh", "Asia/Saigon", "local"):
        return LOCAL_OFFSET_MINUTES
    if text in ("UTC", "Z", "Etc/UTC"):
        return 0
    match = re.fullmatch(r"(?:UTC)?([+-])(\d{2}):?(\d{2})", text)
    if match:
        minutes = int(match[2]) * 60 + int(match[3])
        return minutes if match[1] == "+" else -minutes
    return None


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping; raises `ServiceDataError` listing every problem with its line."""
    located = load_located_yaml(path)
    raw = located.data
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise ServiceDataError("tệp ánh xạ phải là một bảng khóa: giá trị", located.where())

    known_keys = {"name", "label", "note", "file", "timezone", "date_formats", "number_format"}
    known_keys |= {"match", "columns", "values"}
    for key in raw:
        if key not in known_keys:
            problems.append(Problem(located.where(key), f"khóa «{key}» không có"))

    columns: dict[str, str] = {}
    raw_columns = raw.get("columns")
    if not isinstance(raw_columns, dict) or not raw_columns:
        problems.append(Problem(located.where("columns"), "thiếu «columns»: cột nào là trường nào"))
        raw_columns = {}
    for canonical, source in raw_columns.items():
        where = located.where("columns", canonical)
        if canonical not in FIELDS_BY_NAME:
            known = ", ".join(FIELDS_BY_NAME)
            problems.append(Problem(where, f"trường «{canonical}» không có (có: {known})"))
        elif source is None or not str(source).strip():
            problems.append(Problem(where, f"trường «{canonical}» chưa có tên cột"))
        else:
            columns[canonical] = str(source).strip()
    for canonical, spec in FIELDS_BY_NAME.items():
        if spec.required and canonical not in raw_columns:
            problems.append(
                Problem(located.where("columns"), f"thiếu cột cho trường bắt buộc «{canonical}»")
            )

    vocabularies = default_vocabularies()
    true_values = {fold_value(word) for word in TRUE_WORDS} - {""}
    false_values = {fold_value(word) for word in FALSE_WORDS} - {""}
    raw_values = raw.get("values") or {}
    if not isinstance(raw_values, dict):
        problems.append(Problem(located.where("values"), "«values» phải là bảng theo loại giá trị"))
        raw_values = {}
    for kind, table in raw_values.items():
        where = located.where("values", kind)
        if not isinstance(table, dict):
            problems.append(Problem(where, f"«values.{kind}» phải là bảng giá trị chuẩn: [mã]"))
            continue
        if kind == "boolean":
            for key, spellings in table.items():
                target = {"true": true_values, "false": false_values}.get(str(key).lower())
                if target is None:
                    problems.append(
                        Problem(located.where("values", kind, key), "chỉ có true/false")
                    )
                    continue
                target.update(fold_value(str(item)) for item in _as_list(spellings))
            continue
        if kind not in VOCABULARIES:
            known = ", ".join([*VOCABULARIES, "boolean"])
            problems.append(Problem(where, f"loại giá trị «{kind}» không có (có: {known})"))
            continue
        for canonical, spellings in table.items():
            if canonical not in VOCABULARIES[kind]:
                known = ", ".join(VOCABULARIES[kind])
                problems.append(
                    Problem(
                        located.where("values", kind, canonical),
                        f"giá trị chuẩn «{canonical}» không có (có: {known})",
                    )
                )
                continue
            for spelling in _as_list(spellings):
                vocabularies[kind][fold_value(str(spelling))] = canonical
    overlap = true_values & false_values
    if overlap:
        problems.append(
            Problem(
                located.where("values", "boolean"), f"vừa là có vừa là không: {sorted(overlap)}"
            )
        )

    formats = raw.get("date_formats") or list(ISO_FORMATS)
    if not isinstance(formats, list) or not all(
        isinstance(item, str) and "%" in item for item in formats
    ):
        problems.append(
            Problem(
                located.where("date_formats"),
                '«date_formats» phải là danh sách định dạng strptime, ví dụ "%d/%m/%Y %H:%M"',
            )
        )
        formats = list(ISO_FORMATS)

    offset = _offset_minutes(str(raw.get("timezone") or "Asia/Ho_Chi_Minh"))
    if offset is None:
        problems.append(
            Problem(
                located.where("timezone"),
                f"múi giờ «{raw.get('timezone')}» không đọc được (Asia/Ho_Chi_Minh, UTC, +07:00)",
            )
        )
        offset = LOCAL_OFFSET_MINUTES

    number_format = str(raw.get("number_format") or "plain")
    if number_format not in ("plain", "vi"):
        problems.append(Problem(located.where("number_format"), "«number_format» là plain hoặc vi"))

    match = raw.get("match") or {}
    unit_match = str(match.get("unit", "code")) if isinstance(match, dict) else "code"
    if unit_match not in ("code", "name"):
        problems.append(Problem(located.where("match", "unit"), "«match.unit» là code hoặc name"))

    file_options = raw.get("file") or {}
    if not isinstance(file_options, dict):
        problems.append(Problem(located.where("file"), "«file» phải là bảng tùy chọn đọc tệp"))
        file_options = {}
    delimiter = str(file_options.get("delimiter", ","))
    if len(delimiter) != 1:
        problems.append(
            Problem(located.where("file", "delimiter"), "dấu phân cách phải là 1 ký tự")
        )
    header_row = file_options.get("header_row", 1)
    if not isinstance(header_row, int) or header_row < 1:
        problems.append(Problem(located.where("file", "header_row"), "«header_row» phải là số ≥ 1"))
        header_row = 1

    if problems:
        raise ServiceDataError(problems)
    return Mapping(
        name=str(raw.get("name") or path.stem),
        label=str(raw.get("label") or ""),
        columns=columns,
        vocabularies=vocabularies,
        true_values=frozenset(true_values),
        false_values=frozenset(false_values),
        date_formats=tuple(formats),
        source_offset_minutes=offset,
        number_format=number_format,
        unit_match=unit_match,
        delimiter=delimiter,
        encoding=str(file_options.get("encoding", "utf-8")),
        sheet=file_options.get("sheet"),
        header_row=header_row,
        location=located.file_name,
        note=str(raw.get("note") or ""),
    )


def default_vocabularies() -> dict[str, dict[str, str]]:
    """folded spelling → canonical value, for every vocabulary: each canonical key, its label
    and (for statuses) the common spellings of real exports; a mapping adds the vendor's own."""
    vocabularies: dict[str, dict[str, str]] = {}
    for kind, canonical_values in VOCABULARIES.items():
        table: dict[str, str] = {}
        if kind == "status":
            for key, spellings in STATUS_SPELLINGS.items():
                table.update({fold_value(spelling): key for spelling in spellings})
        table.update({fold_value(label): key for key, label in canonical_values.items()})
        table.update({fold_value(key): key for key in canonical_values})
        vocabularies[kind] = table
    return vocabularies


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
