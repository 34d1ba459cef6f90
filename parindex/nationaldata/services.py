"""Importing a national table: the file is read and checked by the pure importer
(`parindex.national.read_results`, every problem located), then stored with its source."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from parindex.audit.services import audit_record
from parindex.engine import Problem
from parindex.national import NationalResults, ResultsImportError, read_results
from parindex.nationaldata.models import NationalRow, NationalTable

MAX_BYTES = 10 * 1024 * 1024


def _rows(results: NationalResults) -> list[NationalRow]:
    rows = []
    for year in results.years.values():
        for unit in year.units:
            for row in year.unit_rows(unit):
                rows.append(
                    NationalRow(
                        location=row.location[:300],
                        year=row.year,
                        unit=row.unit,
                        area=row.area,
                        area_name=row.area_name,
                        points=row.points,
                        max_points=row.max_points,
                        published_percent=row.published_percent,
                        published_rank=row.published_rank,
                        published_area_rank=row.published_area_rank,
                        source=row.source,
                        note=row.note,
                    )
                )
    return rows


def national_table_import(
    *, actor: Any, name: str, data: bytes, source: str, is_example: bool = False
) -> NationalTable:
    """Check and store one results file. Raises `ResultsImportError` (every problem, located
    by the file's own name) and stores nothing if the file is not clean."""
    clean_name = Path(name).name or "ket-qua.csv"
    if not source.strip():
        raise ValueError("a national table needs its source")
    if len(data) > MAX_BYTES:
        raise ResultsImportError([Problem(clean_name, gettext("tệp lớn hơn 10 MB"))])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / clean_name
        path.write_bytes(data)
        try:
            results = read_results([path])
        except ResultsImportError as error:
            # Locations name the uploaded file, not the temporary folder.
            for problem in error.problems:
                problem.location = problem.location.replace(str(path), clean_name)
            raise ResultsImportError(error.problems) from None
    rows = _rows(results)
    for position, row in enumerate(rows):
        row.position = position
        row.location = row.location.replace(str(path), clean_name)
    with transaction.atomic():
        table = NationalTable.objects.create(
            name=clean_name,
            source=source.strip(),
            is_example=is_example,
            years=sorted(results.years),
            units=max(len(year.units) for year in results.years.values()),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=actor,
        )
        for row in rows:
            row.table = table
        NationalRow.objects.bulk_create(rows, batch_size=1000)
        audit_record(
            actor=actor,
            action="import",
            instance=table,
            changes={
                "file": [None, clean_name],
                "source": [None, table.source],
                "years": [None, table.years],
                "rows": [None, len(rows)],
                "is_example": [None, is_example],
            },
        )
    return table
