"""What an import did: duplicates reconciled, counts, the batch files, the report.

Records a batch replaces (a later row of the same file, a later import of the same dossier)
are listed in `superseded`; `read = imported + rejected` is checked; the records, the
replaced records and the rejected rows (`rejected.csv`) are written to the store's staging
folder; unknown units and procedures and the first rejected rows are reported.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..db import text
from ..schema import STORE_COLUMNS
from ..store import Batch, Store
from .files import _Source


@dataclass(frozen=True, slots=True)
class RejectedRow:
    location: str
    dossier_code: str
    reasons: str

    def __str__(self) -> str:
        code = f" (hồ sơ {self.dossier_code})" if self.dossier_code else ""
        return f"{self.location}{code}: {self.reasons}"


@dataclass(frozen=True, slots=True)
class UnknownCode:
    """A unit or procedure of the export that is not in the reference lists: its rows are
    rejected until it is added (`discovery.reference_add`)."""

    kind: str  # "unit" or "procedure"
    code: str  # as the export writes it (a unit's name when the mapping matches units by name)
    name: str  # the name the export gives beside the code, if any
    rows: int

    def __str__(self) -> str:
        name = f" — {self.name}" if self.name and self.name != self.code else ""
        return f"{self.code}{name}: {self.rows} dòng"


@dataclass(frozen=True)
class ImportResult:
    """What an import did. `read == imported + rejected` always."""

    file: str
    sha256: str
    batch: Batch | None
    already_imported: bool
    read: int
    imported: int
    rejected: int
    superseded_in_file: int
    superseded_earlier: int
    computed_deadlines: int
    first_rejected: tuple[RejectedRow, ...] = ()
    report_path: Path | None = None
    absent_columns: tuple[str, ...] = ()
    unknown_units: tuple[UnknownCode, ...] = ()
    unknown_procedures: tuple[UnknownCode, ...] = ()
    statuses: dict[str, int] = dataclasses.field(default_factory=dict)  # imported rows per status

    @property
    def reconciles(self) -> bool:
        return self.read == self.imported + self.rejected


def already_imported(path: Path, batch: Batch) -> ImportResult:
    counts = batch.counts

    def unknown(kind: str) -> tuple[UnknownCode, ...]:
        entries = batch.extra.get(f"unknown_{kind}s") or []
        return tuple(UnknownCode(kind, str(c), str(n or ""), int(r)) for c, n, r in entries)

    return ImportResult(
        unknown_units=unknown("unit"),
        unknown_procedures=unknown("procedure"),
        statuses=dict(batch.extra.get("statuses") or {}),
        file=str(path),
        sha256=batch.file_sha256,
        batch=batch,
        already_imported=True,
        read=counts.get("read", 0),
        imported=counts.get("imported", 0),
        rejected=counts.get("rejected", 0),
        superseded_in_file=counts.get("superseded_in_file", 0),
        superseded_earlier=counts.get("superseded_earlier", 0),
        computed_deadlines=counts.get("computed_deadlines", 0),
    )


def _create_superseded(connection: duckdb.DuckDBPyConnection, store: Store, batch_id: str) -> None:
    """Records this batch replaces: earlier rows of the same file, and earlier batches' records."""
    connection.execute(
        f"""
        CREATE TEMP TABLE superseded AS
        SELECT {text(batch_id)} AS batch_id, source_row, 'file' AS reason FROM (
            SELECT source_row,
                   row_number() OVER (PARTITION BY dossier_code ORDER BY source_row DESC) AS rank
            FROM checked WHERE problems = ''
        ) WHERE rank > 1
        """
    )
    earlier = store.active_records_sql("dossiers")
    if earlier is not None:
        connection.execute(
            f"""
            INSERT INTO superseded
            SELECT r.batch_id, r.source_row, 'earlier' FROM {earlier} AS r
            WHERE r.dossier_code IN (SELECT dossier_code FROM checked WHERE problems = '')
            """
        )


def _counts(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    row = connection.execute(
        """
        SELECT (SELECT count(*) FROM raw),
               count(*) FILTER (WHERE problems = ''),
               count(*) FILTER (WHERE problems <> ''),
               (SELECT count(*) FROM superseded WHERE reason = 'file'),
               (SELECT count(*) FROM superseded WHERE reason = 'earlier'),
               count(*) FILTER (WHERE problems = '' AND deadline_computed)
        FROM checked
        """
    ).fetchone()
    assert row is not None
    names = ("read", "imported", "rejected", "superseded_in_file", "superseded_earlier")
    counts = dict(zip((*names, "computed_deadlines"), (int(value) for value in row), strict=True))
    if counts["read"] != counts["imported"] + counts["rejected"]:  # pragma: no cover - invariant
        raise AssertionError(f"counts do not reconcile: {counts}")
    return counts


def _write_batch_files(
    connection: duckdb.DuckDBPyConnection, staging: Path, source: _Source
) -> None:
    columns = ", ".join(f"CAST({name} AS {sql_type}) AS {name}" for name, sql_type in STORE_COLUMNS)
    records = staging / "records.parquet"
    connection.execute(
        f"COPY (SELECT {columns} FROM checked WHERE problems = '' ORDER BY source_row) "
        f"TO {text(str(records))} (FORMAT parquet, COMPRESSION zstd)"
    )
    connection.execute(
        f"COPY (SELECT batch_id, source_row FROM superseded ORDER BY batch_id, source_row) "
        f"TO {text(str(staging / 'superseded.parquet'))} (FORMAT parquet)"
    )
    connection.execute(
        f"""
        COPY (SELECT {text(source.file_name)} AS "tệp", {text(source.row_word)} || ' ' || line AS "vị trí",
                     raw_dossier_code AS "mã hồ sơ", problems AS "lý do"
              FROM checked WHERE problems <> '' ORDER BY source_row)
        TO {text(str(staging / "rejected.csv"))} (HEADER)
        """
    )


def unknown_codes(
    connection: duckdb.DuckDBPyConnection,
) -> tuple[tuple[UnknownCode, ...], tuple[UnknownCode, ...]]:
    """Units and procedures of the file missing from the reference lists, most rows first."""

    def listed(kind: str, code: str, name: str, missing: str) -> tuple[UnknownCode, ...]:
        rows = connection.execute(
            f"SELECT {code}, mode({name}), count(*) FROM checked WHERE {missing} "
            f"GROUP BY {code} ORDER BY count(*) DESC, {code}"
        ).fetchall()
        return tuple(UnknownCode(kind, str(c), str(n or ""), int(r)) for c, n, r in rows)

    return (
        listed(
            "unit",
            "raw_unit_code",
            "raw_unit_name",
            "raw_unit_code IS NOT NULL AND unit_code IS NULL",
        ),
        listed(
            "procedure",
            "raw_procedure_code",
            "raw_procedure_name",
            "raw_procedure_code IS NOT NULL AND procedure_known IS NULL",
        ),
    )


def _statuses(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = connection.execute(
        "SELECT status, count(*) FROM checked WHERE problems = '' GROUP BY status ORDER BY status"
    ).fetchall()
    return {str(status): int(count) for status, count in rows}


def _first_rejected(
    connection: duckdb.DuckDBPyConnection, source: _Source, limit: int
) -> tuple[RejectedRow, ...]:
    rows = connection.execute(
        f"SELECT line, raw_dossier_code, problems FROM checked WHERE problems <> '' "
        f"ORDER BY source_row LIMIT {int(limit)}"
    ).fetchall()
    return tuple(
        RejectedRow(f"{source.file_name}, {source.row_word} {line}", code or "", reasons)
        for line, code, reasons in rows
    )
