"""`import_dossiers`: one export file through every step, written as one store batch.

Read (`files.py`), convert (`parsing.py`), check against the reference lists and the
calendar (`checks.py`), reconcile duplicates, count and write the batch (`results.py`);
all inside the store's write lock, nothing written when the file is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from ..calendar import WorkingCalendar
from ..db import connect
from ..errors import ServiceDataError
from ..mapping import Mapping
from ..reference import Reference
from ..store import Batch, Store, file_sha256, input_key, now_text
from .checks import _calendar_span, _create_checked, _register_reference
from .files import SUPPORTED_SUFFIXES, _load_raw, _present_only, _read_error
from .parsing import _create_parsed
from .results import (
    ImportResult,
    _counts,
    _create_superseded,
    _first_rejected,
    _statuses,
    _write_batch_files,
    already_imported,
    unknown_codes,
)

StageCallback = Callable[[str], None]


def import_dossiers(
    path: Path,
    mapping: Mapping,
    *,
    store: Store,
    reference: Reference,
    calendar: WorkingCalendar,
    report_path: Path | None = None,
    on_stage: StageCallback | None = None,
    shown_rejections: int = 10,
) -> ImportResult:
    """Import `path` into `store`; raises `ServiceDataError` (nothing written) for a bad file."""
    stage = on_stage or (lambda _: None)
    path = Path(path)
    if not path.is_file():
        raise ServiceDataError("không có tệp này", str(path))
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ServiceDataError(
            f"không đọc được loại tệp «{path.suffix}» (có: {', '.join(SUPPORTED_SUFFIXES)})",
            str(path),
        )
    sha256 = file_sha256(path)
    key = input_key(
        sha256,
        [
            mapping.location,
            reference.units_file,
            reference.procedures_file,
            calendar.config.location,
        ],
    )
    previous = store.find("dossiers", key)
    if previous is not None:
        return already_imported(path, previous)

    with store.writing() as writer:
        previous = store.find("dossiers", key)  # another import may have finished meanwhile
        if previous is not None:
            return already_imported(path, previous)
        batch_id = writer.batch_id(sha256)
        connection = connect()
        try:
            stage("Đọc tệp")
            source = _load_raw(connection, path, mapping)
            mapping = _present_only(mapping, source.absent_columns)
            stage("Kiểm tra từng dòng")
            _register_reference(connection, reference, mapping)
            _create_parsed(connection, mapping, source.numeric_fields)
            first_day, last_day = _calendar_span(connection, reference)
            calendar.register(connection, first_day, last_day)
            _create_checked(connection, mapping, calendar, source, batch_id)
            stage("Đối chiếu hồ sơ trùng")
            _create_superseded(connection, store, batch_id)
            stage("Ghi dữ liệu")
            counts = _counts(connection)
            _write_batch_files(connection, writer.staging, source)
            first_rejected = _first_rejected(connection, source, shown_rejections)
            unknown_units, unknown_procedures = unknown_codes(connection)
            statuses = _statuses(connection)
        except (
            duckdb.InvalidInputException,
            duckdb.ConversionException,
            duckdb.IOException,
        ) as error:
            # what the file holds, not a fault of the statements (those are raised as they are)
            raise ServiceDataError(
                _read_error(path, path.suffix.lower(), mapping, error), str(path)
            ) from None
        finally:
            connection.close()
        if report_path is not None:
            report_path.parent.mkdir(parents=True, exist_ok=True)
            report_path.write_bytes((writer.staging / "rejected.csv").read_bytes())
        batch = writer.commit(
            Batch(
                id=batch_id,
                kind="dossiers",
                sequence=writer.sequence,
                file_name=path.name,
                file_sha256=sha256,
                imported_at=now_text(),
                counts=counts,
                mapping=mapping.name,
                input_key=key,
                extra={
                    "units": reference.units_file,
                    "procedures": reference.procedures_file,
                    "statuses": statuses,
                    "unknown_units": [[u.code, u.name, u.rows] for u in unknown_units],
                    "unknown_procedures": [[u.code, u.name, u.rows] for u in unknown_procedures],
                },
            )
        )
    return ImportResult(
        file=str(path),
        sha256=sha256,
        batch=batch,
        already_imported=False,
        read=counts["read"],
        imported=counts["imported"],
        rejected=counts["rejected"],
        superseded_in_file=counts["superseded_in_file"],
        superseded_earlier=counts["superseded_earlier"],
        computed_deadlines=counts["computed_deadlines"],
        first_rejected=first_rejected,
        report_path=report_path,
        absent_columns=source.absent_columns,
        unknown_units=unknown_units,
        unknown_procedures=unknown_procedures,
        statuses=statuses,
    )
