"""Dossiers pushed by another system as JSON records: the file import, idempotent per record.

A push is a batch of canonical records (docs/service-data.md, "The canonical record"), one JSON
object each, in a JSON Lines file the caller wrote (the REST API writes what it received). Each
record may carry `updated_at`, when the sending system last changed the dossier. Then:

1. records whose values are not JSON scalars, or whose `updated_at` cannot be read, are
   refused with their index and field;
2. the same batch pushed again (same bytes, same mapping, reference lists and calendar) changes
   nothing: its identity is remembered (`push/requests/`), as a file's is;
3. a record whose dossier code and version (its `updated_at`, else a hash of its content) were
   already imported is left out as *unchanged*; one older than a version already imported (an
   earlier `updated_at`) as *outdated*: a late retry never overwrites a newer record;
4. the rest go through `import_dossiers` as a CSV of the generic format: the same checks, the
   same "later record wins", the same counts and rejected rows (their CSV row translated back
   to the record's index in the batch);
5. the imported records' code, version and time are added to the push ledger
   (`push/ledger/*.parquet`, compacted when it grows), which step 3 reads.

Counts reconcile: pushed = imported + rejected + unchanged + outdated.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import math
import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .calendar import WorkingCalendar
from .db import connect, path_list, text
from .importer import ImportResult, import_dossiers
from .mapping import Mapping
from .reference import Reference
from .schema import FIELDS
from .store import Store, file_sha256, input_key

UPDATED_AT = "updated_at"
CANONICAL = tuple(field.name for field in FIELDS)
TIMESTAMPS = frozenset(field.name for field in FIELDS if field.kind == "timestamp")
KNOWN_FIELDS = frozenset(CANONICAL) | {UPDATED_AT}
# Ledger files before they are merged into one.
COMPACT_AFTER = 64
_ROW = re.compile(r"dòng (\d+)")


@dataclass(frozen=True, slots=True)
class PushProblem:
    """A record refused before the import: its 0-based index in the batch and the field."""

    index: int
    field: str
    dossier_code: str
    reason: str


@dataclass(frozen=True)
class PushResult:
    pushed: int
    unchanged: int
    outdated: int
    problems: tuple[PushProblem, ...]
    result: ImportResult | None  # None: nothing left to import (or the batch was pushed before)
    kept: tuple[int, ...]  # the batch index of each row of the imported CSV, in order
    ignored_fields: tuple[str, ...]
    already_pushed: bool = False
    earlier: dict[str, Any] = field(default_factory=dict)  # the first push's summary

    @property
    def imported(self) -> int:
        return self.result.imported if self.result else 0

    @property
    def rejected(self) -> int:
        return len(self.problems) + (self.result.rejected if self.result else 0)

    @property
    def reconciles(self) -> bool:
        return self.pushed == self.imported + self.rejected + self.unchanged + self.outdated

    def index_of(self, location: str) -> int | None:
        """The batch index of an imported-file location ("…, dòng 7" is the 6th data row)."""
        found = _ROW.search(location)
        if found is None:
            return None
        position = int(found[1]) - 2
        return self.kept[position] if 0 <= position < len(self.kept) else None


def cell(value: Any) -> str:
    """A JSON scalar as the CSV cell a file would carry."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(value)
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    if "\x00" in text:  # never a dossier's text; PostgreSQL's JSON refuses it in the report too
        raise ValueError(value)
    # One record, one CSV line: a line break inside a value would shift the row numbers.
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def _updated_at(value: Any, zone: tzinfo) -> datetime | None:
    """`updated_at` as a UTC time without zone; naive times are in the mapping's zone."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(value)
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC).replace(tzinfo=None)


def _version(record: dict[str, Any], moment: datetime | None) -> str:
    if moment is not None:
        return moment.isoformat()
    content = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(content.encode("utf-8")).hexdigest()


def _zone(mapping: Mapping) -> tzinfo:
    """The zone of the mapping's naive times (Vietnam's, for the generic format)."""
    return timezone(timedelta(minutes=mapping.source_offset_minutes))


def _local_time(value: str, zone: tzinfo) -> str:
    """An ISO time with an offset (2025-03-05T14:30:00+07:00, …Z) as the mapping's local time
    ("2025-03-05 14:30:00"), which the importer reads; any other text is left as it is."""
    text = value.strip()
    if len(text) < 16 or not ("+" in text[10:] or text.endswith("Z") or "-" in text[16:]):
        return value
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        return value
    return moment.astimezone(zone).replace(tzinfo=None).isoformat(sep=" ")


@contextmanager
def _ledger_lock(store: Store, exclusive: bool) -> Iterator[Path]:
    folder = store.root / "push"
    (folder / "ledger").mkdir(parents=True, exist_ok=True)
    (folder / "requests").mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield folder


def _ledger_files(folder: Path) -> list[Path]:
    return sorted((folder / "ledger").glob("*.parquet"))


def push_dossiers(
    path: Path,
    mapping: Mapping,
    *,
    store: Store,
    reference: Reference,
    calendar: WorkingCalendar,
    on_stage: Callable[[str], None] | None = None,
    shown_rejections: int = 10,
) -> PushResult:
    """Import the JSON Lines batch at `path` (one object per line) into `store`."""
    stage = on_stage or (lambda _: None)
    zone = _zone(mapping)
    key = input_key(
        file_sha256(path),
        [
            mapping.location,
            reference.units_file,
            reference.procedures_file,
            calendar.config.location,
        ],
    )
    with _ledger_lock(store, exclusive=False) as folder:
        marker = folder / "requests" / f"{key}.json"
        if marker.exists():
            earlier = json.loads(marker.read_text(encoding="utf-8"))
            return PushResult(
                pushed=int(earlier.get("pushed", 0)),
                unchanged=int(earlier.get("pushed", 0)),
                outdated=0,
                problems=(),
                result=None,
                kept=(),
                ignored_fields=(),
                already_pushed=True,
                earlier=earlier,
            )

    stage("Đọc tệp")
    records: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    problems: list[PushProblem] = []
    ignored: set[str] = set()
    indexes: list[int] = []
    codes: list[str | None] = []
    versions: list[str] = []
    moments: list[datetime | None] = []
    rows: list[dict[str, str]] = []
    for index, record in enumerate(records):
        code = record.get("dossier_code")
        code_text = code if isinstance(code, str) else ""
        ignored.update(name for name in record if name not in KNOWN_FIELDS)
        row: dict[str, str] = {}
        refused = False
        for name in CANONICAL:
            if name not in record:
                continue
            try:
                row[name] = cell(record[name])
            except (TypeError, ValueError):
                refused = True
            else:
                if name in TIMESTAMPS and isinstance(record[name], str):
                    row[name] = _local_time(row[name], zone)
            if isinstance(record[name], dict | list):
                refused = True
            if refused:
                problems.append(
                    PushProblem(
                        index,
                        name,
                        code_text,
                        f"cột «{name}»: giá trị phải là chuỗi (không có ký tự NUL), số hữu hạn, "
                        "true/false hoặc null",
                    )
                )
                break
        if refused:
            continue
        try:
            moment = _updated_at(record.get(UPDATED_AT), zone)
        except (TypeError, ValueError):
            problems.append(
                PushProblem(
                    index,
                    UPDATED_AT,
                    code_text,
                    f"cột «{UPDATED_AT}»: «{record.get(UPDATED_AT)}» không phải thời điểm ISO "
                    "(2025-03-05T14:30:00+07:00)",
                )
            )
            continue
        indexes.append(index)
        codes.append(cell(code).strip() or None if code is not None else None)
        versions.append(_version(record, moment))
        moments.append(moment)
        rows.append(row)

    stage("Kiểm tra từng dòng")
    same, older = _seen(store, indexes, codes, versions, moments)
    kept = [
        position
        for position, index in enumerate(indexes)
        if index not in same and index not in older
    ]
    result: ImportResult | None = None
    kept_index = tuple(indexes[position] for position in kept)
    if kept:
        folder = path.parent / f".push-{uuid.uuid4().hex}"
        folder.mkdir()
        csv_path = folder / "ho-so-day-len.csv"
        try:
            columns = [
                name for name in CANONICAL if any(name in rows[position] for position in kept)
            ]
            with csv_path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(columns)
                for position in kept:
                    writer.writerow([rows[position].get(name, "") for name in columns])
            result = import_dossiers(
                csv_path,
                mapping,
                store=store,
                reference=reference,
                calendar=calendar,
                on_stage=stage,
                shown_rejections=shown_rejections,
            )
        finally:
            for leftover in folder.glob("*"):
                leftover.unlink()
            folder.rmdir()
    pushed = PushResult(
        pushed=len(records),
        unchanged=len(same),
        outdated=len(older),
        problems=tuple(problems),
        result=result,
        kept=kept_index,
        ignored_fields=tuple(sorted(ignored)),
    )
    with _ledger_lock(store, exclusive=True) as folder:
        if result is not None and result.batch is not None and result.imported:
            _remember(
                store,
                folder,
                result,
                [(indexes[p], codes[p], versions[p], moments[p]) for p in kept],
            )
        summary = {
            "pushed": pushed.pushed,
            "imported": pushed.imported,
            "rejected": pushed.rejected,
            "unchanged": pushed.unchanged,
            "outdated": pushed.outdated,
            "batch": result.batch.id if result and result.batch else None,
            "at": datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        temporary = folder / "requests" / f".{key}.{uuid.uuid4().hex}"
        temporary.write_text(json.dumps(summary), encoding="utf-8")
        os.replace(temporary, folder / "requests" / f"{key}.json")
    return pushed


def _incoming(
    indexes: list[int],
    codes: list[str | None],
    versions: list[str],
    moments: list[datetime | None],
) -> pa.Table:
    return pa.table(
        {
            "idx": pa.array(indexes, pa.int64()),
            "code": pa.array(codes, pa.string()),
            "version": pa.array(versions, pa.string()),
            "ts": pa.array(moments, pa.timestamp("us")),
        }
    )


def _seen(
    store: Store,
    indexes: list[int],
    codes: list[str | None],
    versions: list[str],
    moments: list[datetime | None],
) -> tuple[set[int], set[int]]:
    """The batch indexes already imported with the same version, and those older than an
    imported version of the same dossier."""
    with _ledger_lock(store, exclusive=False) as folder:
        files = _ledger_files(folder)
        if not files or not indexes:
            return set(), set()
        connection = connect()
        try:
            incoming = _incoming(indexes, codes, versions, moments)
            connection.register("incoming", incoming)
            found = connection.execute(
                f"""
                SELECT i.idx,
                       bool_or(s.version = i.version) AS same,
                       bool_or(i.ts IS NOT NULL AND s.ts IS NOT NULL AND s.ts > i.ts) AS older
                FROM incoming AS i
                JOIN read_parquet({path_list(files)}) AS s ON s.code = i.code
                WHERE i.code IS NOT NULL
                GROUP BY i.idx
                """
            ).fetchall()
        finally:
            connection.close()
    same = {int(index) for index, is_same, _ in found if is_same}
    older = {int(index) for index, is_same, is_older in found if is_older and not is_same}
    return same, older


def _remember(
    store: Store,
    folder: Path,
    result: ImportResult,
    kept: list[tuple[int, str | None, str, datetime | None]],
) -> None:
    """Add the imported records' (code, version, time) to the ledger (under its lock)."""
    assert result.batch is not None
    records = store.root / result.batch.records
    connection = connect()
    try:
        table = pa.table(
            {
                "source_row": pa.array(range(1, len(kept) + 1), pa.int64()),
                "code": pa.array([code for _, code, _, _ in kept], pa.string()),
                "version": pa.array([version for _, _, version, _ in kept], pa.string()),
                "ts": pa.array([moment for _, _, _, moment in kept], pa.timestamp("us")),
            }
        )
        connection.register("kept", table)
        target = folder / "ledger" / f"{result.batch.id}.parquet"
        connection.execute(
            f"""
            COPY (
                SELECT k.code, k.version, k.ts
                FROM kept AS k JOIN read_parquet({text(str(records))}) AS r
                  ON r.source_row = k.source_row
                WHERE k.code IS NOT NULL
            ) TO {text(str(target))} (FORMAT parquet, COMPRESSION zstd)
            """
        )
        files = _ledger_files(folder)
        if len(files) > COMPACT_AFTER:
            merged = folder / "ledger" / f"000000-merged-{uuid.uuid4().hex[:8]}.parquet"
            connection.execute(
                f"""
                COPY (
                    SELECT code, version, max(ts) AS ts FROM read_parquet({path_list(files)})
                    GROUP BY code, version ORDER BY code
                ) TO {text(str(merged))} (FORMAT parquet, COMPRESSION zstd)
                """
            )
            for old in files:
                old.unlink()
    finally:
        connection.close()


def ledger_size(store: Store) -> int:
    """How many (dossier, version) pairs the ledger holds (tests, the bench)."""
    folder = store.root / "push" / "ledger"
    return sum(pq.ParquetFile(path).metadata.num_rows for path in sorted(folder.glob("*.parquet")))
