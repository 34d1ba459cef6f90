"""Reference lists the imports check against: the province's units and its procedures.

`units.csv`: code, name, group (the unit group used for roll-ups, e.g. departments, communes).
`procedures.csv`: code, name, online_level (full | partial | none), has_fee, no_wait
("không chờ": results the same day), processing_days (working days; 0 = the same day).
Other columns (a source note, the unit group a procedure belongs to) are kept but not required.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from parindex.engine import Problem

from .errors import ServiceDataError
from .schema import ONLINE_LEVELS

TRUE_WORDS = frozenset({"1", "true", "yes", "y", "x", "có", "đúng"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n", "không", "sai"})


def fold_value(value: str) -> str:
    """The form code values and yes/no words are compared in: trimmed, lower case, without
    diacritics ("đ" is "d"), so "Có", "co" and "CÓ" are one spelling. The importer does the
    same in SQL (`importer.parsing._key`)."""
    decomposed = unicodedata.normalize("NFD", value.strip().lower())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare).replace("đ", "d")


def data_path(*parts: str) -> Path:
    """A file shipped in `parindex/data/servicedata/`."""
    return Path(str(resources.files("parindex").joinpath("data", "servicedata", *parts)))


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    name: str
    group: str
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Procedure:
    code: str
    name: str
    online_level: str
    has_fee: bool
    no_wait: bool
    processing_days: int | None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reference:
    """The units and procedures of one province, with the files they came from."""

    units: dict[str, Unit]
    procedures: dict[str, Procedure]
    units_file: str = ""
    procedures_file: str = ""

    def unit_name(self, code: str) -> str:
        unit = self.units.get(code)
        return unit.name if unit else code

    def procedure_name(self, code: str) -> str:
        procedure = self.procedures.get(code)
        return procedure.name if procedure else code


def _read_rows(
    path: Path, required: tuple[str, ...]
) -> tuple[list[tuple[int, dict[str, str]]], str]:
    name = str(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [column.strip() for column in reader.fieldnames or []]
            missing = [column for column in required if column not in header]
            if missing:
                raise ServiceDataError(
                    f"thiếu cột {', '.join(missing)} (có: {', '.join(header) or 'không có cột'})",
                    f"{name}, dòng 1",
                )
            rows = [
                (
                    reader.line_num,
                    {key.strip(): (value or "").strip() for key, value in row.items()},
                )
                for row in reader
            ]
    except OSError as error:
        raise ServiceDataError(f"không đọc được tệp: {error.strerror}", name) from None
    return rows, name


def _flag(value: str, where: str, column: str, problems: list[Problem]) -> bool:
    word = fold_value(value)
    if word in {fold_value(w) for w in TRUE_WORDS}:
        return True
    if word in {fold_value(w) for w in FALSE_WORDS}:
        return False
    problems.append(Problem(where, f"cột «{column}»: «{value}» không phải có/không"))
    return False


def load_units(path: Path) -> dict[str, Unit]:
    rows, name = _read_rows(path, ("code", "name", "group"))
    problems: list[Problem] = []
    units: dict[str, Unit] = {}
    for line, row in rows:
        where = f"{name}, dòng {line}"
        code = row["code"]
        if not code:
            problems.append(Problem(where, "thiếu mã đơn vị"))
        elif code in units:
            problems.append(Problem(where, f"mã đơn vị «{code}» bị lặp"))
        elif not row["name"]:
            problems.append(Problem(where, f"đơn vị «{code}» thiếu tên"))
        else:
            extra = {k: v for k, v in row.items() if k not in ("code", "name", "group")}
            units[code] = Unit(code, row["name"], row["group"] or "(chưa phân nhóm)", extra)
    if problems:
        raise ServiceDataError(problems)
    return units


def load_procedures(path: Path) -> dict[str, Procedure]:
    required = ("code", "name", "online_level", "has_fee", "no_wait", "processing_days")
    rows, name = _read_rows(path, required)
    problems: list[Problem] = []
    procedures: dict[str, Procedure] = {}
    for line, row in rows:
        where = f"{name}, dòng {line}"
        code = row["code"]
        if not code:
            problems.append(Problem(where, "thiếu mã thủ tục"))
            continue
        if code in procedures:
            problems.append(Problem(where, f"mã thủ tục «{code}» bị lặp"))
            continue
        level = row["online_level"].lower() or "none"
        if level not in ONLINE_LEVELS:
            problems.append(
                Problem(where, f"cột «online_level»: «{level}» không có (full, partial, none)")
            )
        days: int | None = None
        if row["processing_days"]:
            try:
                days = int(row["processing_days"])
            except ValueError:
                days = -1
            if days < 0:
                problems.append(
                    Problem(where, "cột «processing_days» phải là số nguyên ngày làm việc ≥ 0")
                )
        extra = {key: value for key, value in row.items() if key not in required}
        procedures[code] = Procedure(
            code=code,
            name=row["name"],
            online_level=level,
            has_fee=_flag(row["has_fee"], where, "has_fee", problems),
            no_wait=_flag(row["no_wait"], where, "no_wait", problems),
            processing_days=days,
            extra=extra,
        )
    if problems:
        raise ServiceDataError(problems)
    return procedures


def load_reference(units: Path | None = None, procedures: Path | None = None) -> Reference:
    """Both lists; the demo province's shipped lists when no path is given."""
    units_path = units or data_path("units.csv")
    procedures_path = procedures or data_path("procedures.csv")
    problems: list[Problem] = []
    loaded_units: dict[str, Unit] = {}
    loaded_procedures: dict[str, Procedure] = {}
    try:
        loaded_units = load_units(units_path)
    except ServiceDataError as error:
        problems.extend(error.problems)
    try:
        loaded_procedures = load_procedures(procedures_path)
    except ServiceDataError as error:
        problems.extend(error.problems)
    if problems:
        raise ServiceDataError(problems)
    return Reference(loaded_units, loaded_procedures, str(units_path), str(procedures_path))
