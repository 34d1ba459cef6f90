"""A first import without hand-written lists: the units and procedures an export contains.

`discover_reference(path, mapping, calendar=…)` reads an export with a mapping, as the import
does, and lists every unit and procedure it finds, with what the export says of them:

- units: code and name (a name column, or the code itself); when the mapping matches units by
  name, the export has no codes and `DV001`, `DV002`… are proposed in the order of the names;
  the group is guessed from the name ("Xã…", "Phường…" → communes and wards; "Sở…", "Ban…" →
  departments) and marked for review;
- procedures: code, name, online level (the export's own column; else "partial" when some of
  its dossiers were filed online, else "none"), fee flag (a yes/no column, else any amount > 0),
  processing days (the export's column, else the most frequent number of working days between
  reception and the promised date, with the working-day calendar), "không chờ" when that is 0.

`write_reference_files(found, folder)` writes `units.csv` and `procedures.csv` in the format
`reference.load_reference` reads, each row saying where it came from (`source`) and how many
dossiers it has (`dossiers`), for a person to review before the first import. Later imports list
the codes missing from the lists (`ImportResult.unknown_units`, `unknown_procedures`);
`reference_add` appends reviewed ones to the lists, all or nothing.
"""

from __future__ import annotations

import csv
import fcntl
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from parindex.common import atomic
from parindex.engine import Problem

from .calendar import WorkingCalendar
from .db import clock, connect
from .errors import ServiceDataError
from .mapping import Mapping
from .reference import Procedure, Unit, load_procedures, load_units
from .schema import ONLINE_LEVELS

UNIT_COLUMNS = ("code", "name", "group", "dossiers", "source")
PROCEDURE_COLUMNS = (
    "code", "name", "online_level", "has_fee", "no_wait", "processing_days", "dossiers", "source",
)  # fmt: skip
UNGROUPED = "(chưa phân nhóm)"
# Unit groups guessed from the start of a name (lower case, NFC); the first that fits wins.
GROUP_GUESSES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("xã ", "phường ", "thị trấn ", "đặc khu ", "ubnd xã", "ubnd phường"), "UBND xã, phường"),
    (
        ("sở ", "ban ", "văn phòng ", "thanh tra ", "chi cục ", "công an ", "bộ chỉ huy "),
        "Sở, ban, ngành",
    ),
)


@dataclass(frozen=True)
class FoundReference:
    """What an export contains, ready to be written as reference lists for review."""

    file: str
    read: int
    units: tuple[Unit, ...]
    procedures: tuple[Procedure, ...]
    unit_rows: dict[str, int]
    procedure_rows: dict[str, int]
    notes: tuple[str, ...]


def guess_group(name: str) -> str:
    lowered = name.strip().lower() + " "
    for prefixes, group in GROUP_GUESSES:
        if lowered.startswith(prefixes):
            return group
    return UNGROUPED


def discover_reference(
    path: Path, mapping: Mapping, *, calendar: WorkingCalendar
) -> FoundReference:
    """Units and procedures of the export at `path`; raises `ServiceDataError` for a file that
    cannot be read (the same messages as an import)."""
    from .importer.files import _load_raw, _present_only
    from .importer.parsing import _create_parsed

    path = Path(path)
    if not path.is_file():
        raise ServiceDataError("không có tệp này", str(path))
    connection = connect()
    try:
        source = _load_raw(connection, path, mapping)
        mapping = _present_only(mapping, source.absent_columns)
        _create_parsed(connection, mapping, source.numeric_fields)
        connection.execute("CREATE TEMP TABLE found AS SELECT * FROM parsed")
        read_row = connection.execute("SELECT count(*) FROM found").fetchone()
        read = int(read_row[0]) if read_row else 0
        units, unit_rows, unit_notes = _units(connection, mapping)
        procedures, procedure_rows, procedure_notes = _procedures(connection, mapping, calendar)
    finally:
        connection.close()
    return FoundReference(
        file=str(path),
        read=read,
        units=units,
        procedures=procedures,
        unit_rows=unit_rows,
        procedure_rows=procedure_rows,
        notes=(*unit_notes, *procedure_notes),
    )


def _units(
    connection: duckdb.DuckDBPyConnection, mapping: Mapping
) -> tuple[tuple[Unit, ...], dict[str, int], list[str]]:
    notes: list[str] = []
    by_name = mapping.unit_match == "name"
    name = "raw_unit_name" if "unit_name" in mapping.columns else "raw_unit_code"
    key = "unit_key" if by_name else "raw_unit_code"
    rows = connection.execute(
        f"SELECT mode(raw_unit_code), mode({name}), count(*) FROM found "
        f"WHERE raw_unit_code IS NOT NULL GROUP BY {key} ORDER BY 2, 1"
    ).fetchall()
    source = "Trích từ tệp xuất — cần rà soát"
    if by_name:
        notes.append(
            "Ánh xạ đối chiếu đơn vị theo tên: tệp không có mã đơn vị, mã DV001, DV002… là mã đề "
            "xuất (sửa tùy ý, việc nhập chỉ dùng tên)"
        )
    units: list[Unit] = []
    counts: dict[str, int] = {}
    for index, (code, unit_name, count) in enumerate(rows, start=1):
        shown = str(unit_name or code)
        unit_code = f"DV{index:03d}" if by_name else str(code)
        group = guess_group(shown)
        note = source + ("; nhóm đoán theo tên" if group != UNGROUPED else "; chưa có nhóm")
        units.append(Unit(unit_code, shown, group, {"source": note}))
        counts[unit_code] = int(count)
    if any(unit.group == UNGROUPED for unit in units):
        notes.append(f"Đơn vị chưa đoán được nhóm: ghi cột «group» ({UNGROUPED} nếu để trống)")
    return tuple(units), counts, notes


def _procedures(
    connection: duckdb.DuckDBPyConnection, mapping: Mapping, calendar: WorkingCalendar
) -> tuple[tuple[Procedure, ...], dict[str, int], list[str]]:
    notes: list[str] = []
    columns = mapping.columns
    name = "mode(raw_procedure_name)" if "procedure_name" in columns else "NULL"
    if "online_level" in columns:
        level = "mode(online_level)"
        level_note = "mức DVC theo tệp"
    else:
        level = "CASE WHEN bool_or(channel = 'online') THEN 'partial' ELSE 'none' END"
        level_note = "mức DVC đoán theo hồ sơ nộp trực tuyến"
        notes.append(
            "Tệp không có cột mức độ DVC: thủ tục có hồ sơ nộp trực tuyến được ghi «partial», "
            "còn lại «none» — sửa thành «full» cho thủ tục toàn trình"
        )
    if "has_fee" in columns:
        fee = "bool_or(has_fee)"
    elif "fee" in columns:
        fee = "bool_or(fee > 0)"
    else:
        fee = "FALSE"
        notes.append("Tệp không có cột phí: «has_fee» ghi 0, sửa cho thủ tục có phí, lệ phí")
    join = ""
    if "processing_days" in columns:
        days = "mode(processing_days)"
        days_note = "thời hạn theo tệp"
    elif "deadline_at" in columns:
        span = connection.execute(
            "SELECT min(received_at), max(GREATEST(received_at, deadline_at)) FROM found"
        ).fetchone()
        first = span[0].date() if span and span[0] else date.today()
        last = span[1].date() if span and span[1] else first
        calendar.register(connection, date(first.year, 1, 1), date(last.year + 1, 12, 31))
        cutoff = clock(calendar.cutoff)
        connection.execute(
            f"""
            CREATE TEMP TABLE found_days AS
            SELECT f.raw_procedure_code,
                   CAST(dl.ord_on_or_after AS BIGINT) - CASE
                       WHEN c.is_working AND CAST(f.received_at AS TIME) < {cutoff}
                       THEN c.ord_on_or_after ELSE c.ord_after END AS days
            FROM found AS f
            JOIN working_calendar AS c ON c.day = CAST(f.received_at AS DATE)
            JOIN working_calendar AS dl ON dl.day = CAST(f.deadline_at AS DATE)
            WHERE f.deadline_at >= f.received_at
            """
        )
        connection.execute(
            "CREATE TEMP TABLE found_days_mode AS SELECT raw_procedure_code, mode(days) AS days "
            "FROM found_days WHERE days >= 0 GROUP BY raw_procedure_code"
        )
        days = "any_value(m.days)"
        join = "LEFT JOIN found_days_mode AS m USING (raw_procedure_code)"
        days_note = "thời hạn tính từ hạn xử lý (số ngày làm việc thường gặp nhất)"
    else:
        days = "NULL"
        days_note = "chưa có thời hạn"
        notes.append(
            "Tệp không có hạn xử lý hay thời hạn: ghi «processing_days» (ngày làm việc) cho "
            "từng thủ tục, nếu không hồ sơ không có hạn sẽ bị loại"
        )
    rows = connection.execute(
        f"SELECT raw_procedure_code, {name}, {level}, {fee}, {days}, count(*) FROM found {join} "
        "WHERE raw_procedure_code IS NOT NULL GROUP BY raw_procedure_code "
        "ORDER BY raw_procedure_code"
    ).fetchall()
    procedures: list[Procedure] = []
    counts: dict[str, int] = {}
    for code, procedure_name, online_level, has_fee, processing_days, count in rows:
        level_value = str(online_level) if online_level in ONLINE_LEVELS else "none"
        day_count = int(processing_days) if processing_days is not None else None
        source = f"Trích từ tệp xuất — cần rà soát ({level_note}; {days_note})"
        procedures.append(
            Procedure(
                code=str(code),
                name=str(procedure_name or code),
                online_level=level_value,
                has_fee=bool(has_fee),
                no_wait=day_count == 0,
                processing_days=day_count,
                extra={"source": source},
            )
        )
        counts[str(code)] = int(count)
    return tuple(procedures), counts, notes


# Writing the lists -----------------------------------------------------------------------------


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _unit_row(unit: Unit, rows: int | None = None) -> dict[str, str]:
    return {
        "code": unit.code,
        "name": unit.name,
        "group": "" if unit.group == UNGROUPED else unit.group,
        "dossiers": "" if rows is None else str(rows),
        **{key: value for key, value in unit.extra.items() if key not in ("code", "name")},
    }


def _procedure_row(procedure: Procedure, rows: int | None = None) -> dict[str, str]:
    days = procedure.processing_days
    return {
        **procedure.extra,
        "code": procedure.code,
        "name": procedure.name,
        "online_level": procedure.online_level,
        "has_fee": _flag(procedure.has_fee),
        "no_wait": _flag(procedure.no_wait),
        "processing_days": "" if days is None else str(days),
        "dossiers": "" if rows is None else str(rows),
    }


def _csv_text(header: Iterable[str], rows: Iterable[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(header), lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def write_reference_files(
    found: FoundReference, folder: Path, *, overwrite: bool = False
) -> tuple[Path, Path]:
    """`units.csv` and `procedures.csv` of `found` in `folder` (each written all or nothing)."""
    folder.mkdir(parents=True, exist_ok=True)
    units_path, procedures_path = folder / "units.csv", folder / "procedures.csv"
    existing = [str(p) for p in (units_path, procedures_path) if p.exists()]
    if existing and not overwrite:
        raise ServiceDataError(
            f"đã có {', '.join(existing)}: chọn thư mục khác hoặc cho phép ghi đè (--force)",
            str(folder),
        )
    atomic.write_text(
        units_path,
        _csv_text(UNIT_COLUMNS, (_unit_row(u, found.unit_rows.get(u.code)) for u in found.units)),
    )
    atomic.write_text(
        procedures_path,
        _csv_text(
            PROCEDURE_COLUMNS,
            (_procedure_row(p, found.procedure_rows.get(p.code)) for p in found.procedures),
        ),
    )
    return units_path, procedures_path


@dataclass(frozen=True)
class ReferenceAdded:
    units: tuple[str, ...]
    procedures: tuple[str, ...]


def reference_add(
    *,
    units_file: Path | None = None,
    procedures_file: Path | None = None,
    units: Iterable[Unit] = (),
    procedures: Iterable[Procedure] = (),
) -> ReferenceAdded:
    """Append reviewed units and procedures to the reference files, all or nothing.

    Each file is rewritten through a temporary file that must load as a valid list before it
    replaces the old one (`parindex.common.atomic`); a code already listed, or a file that would
    not load, refuses the whole call with every problem. Columns the file has beyond the
    standard ones are kept (left empty for the new rows unless the object's `extra` fills them).
    Concurrent calls on the same file wait for each other (a lock file beside it).
    """
    new_units, new_procedures = list(units), list(procedures)
    if new_units and units_file is None:
        raise ServiceDataError("thiếu tệp danh sách đơn vị (units.csv) để thêm vào")
    if new_procedures and procedures_file is None:
        raise ServiceDataError("thiếu tệp danh mục thủ tục (procedures.csv) để thêm vào")
    plans: list[tuple[Path, list[dict[str, str]], tuple[str, ...], str]] = []
    if new_units and units_file is not None:
        plans.append(
            (units_file, [_unit_row(unit) for unit in new_units], UNIT_COLUMNS[:3], "units")
        )
    if new_procedures and procedures_file is not None:
        plans.append(
            (
                procedures_file,
                [_procedure_row(procedure) for procedure in new_procedures],
                PROCEDURE_COLUMNS[:6],
                "procedures",
            )
        )
    problems: list[Problem] = []
    with _locked([path for path, *_ in plans]):
        texts: list[tuple[Path, str, str]] = []
        for path, rows, standard, kind in plans:
            header, existing = _read_existing(path, standard)
            known = {row.get("code", "").strip() for row in existing}
            seen: set[str] = set()
            for row in rows:
                code = row["code"].strip()
                if not code:
                    problems.append(Problem(str(path), "thiếu mã"))
                elif code in known or code in seen:
                    problems.append(Problem(str(path), f"mã «{code}» đã có trong danh sách"))
                seen.add(code)
            header = header + [column for column in standard if column not in header]
            texts.append((path, _csv_text(header, [*existing, *rows]), kind))
        if problems:
            raise ServiceDataError(problems)
        checked: list[tuple[Path, str]] = []
        for path, content, kind in texts:
            probe = path.with_name(f".{path.name}.check")
            probe.write_text(content, encoding="utf-8")
            try:
                (load_units if kind == "units" else load_procedures)(probe)
            except ServiceDataError as error:
                problems.extend(
                    Problem(problem.location.replace(str(probe), str(path)), problem.message)
                    for problem in error.problems
                )
            finally:
                probe.unlink(missing_ok=True)
            checked.append((path, content))
        if problems:
            raise ServiceDataError(problems)
        for path, content in checked:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic.write_text(path, content)
    return ReferenceAdded(
        tuple(unit.code for unit in new_units), tuple(p.code for p in new_procedures)
    )


def _read_existing(path: Path, standard: tuple[str, ...]) -> tuple[list[str], list[dict[str, str]]]:
    if not path.exists():
        return list(standard), []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [column.strip() for column in reader.fieldnames or []]
        rows = [
            {(key or "").strip(): (value or "") for key, value in row.items()} for row in reader
        ]
    return header, rows


class _locked:
    """Exclusive locks on `<file>.lock` beside each file, taken in a fixed order."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = sorted({path.resolve() for path in paths})
        self.handles: list[io.TextIOWrapper] = []

    def __enter__(self) -> None:
        for path in self.paths:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = path.with_name(f".{path.name}.lock").open("w")
            fcntl.flock(handle, fcntl.LOCK_EX)
            self.handles.append(handle)

    def __exit__(self, *exc: object) -> None:
        for handle in reversed(self.handles):
            handle.close()
        self.handles.clear()


__all__ = [
    "FoundReference",
    "ReferenceAdded",
    "discover_reference",
    "guess_group",
    "reference_add",
    "write_reference_files",
]
