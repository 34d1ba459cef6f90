"""The indicator statements on a distributed engine give DuckDB's rows, row for row.

Same generated records (GENERATED demo data, several years' worth of statuses, pauses and
undated withdrawals), same statements; only the adapter of `engines.py` differs. Counts must
match exactly and rates to 1e-9. Run with `make scale-test` (installs the `scale` extra, starts
a throwaway PostgreSQL with scripts/with-postgres); skipped when pyspark/Java or a database is
missing.
"""

from __future__ import annotations

import logging
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from parindex.servicedata import (
    DossierSource,
    IndicatorRequest,
    IndicatorTable,
    WorkingCalendar,
    compute_indicators,
    load_reference,
)
from parindex.servicedata.db import connect, text
from parindex.servicedata.engines import (
    PostgresEngine,
    SparkEngine,
    parquet_relation,
    spark_session,
)
from parindex.servicedata.generate_demo import generate_records
from parindex.servicedata.indicators import compute_indicators_on

pytestmark = [pytest.mark.scale, pytest.mark.slow]
# py4j logs its own shutdown after pytest has closed the streams: keep that noise out.
logging.getLogger("py4j").setLevel(logging.ERROR)

ROWS = int(os.environ.get("PARINDEX_SCALE_ROWS", "60000"))
REQUESTS = (
    IndicatorRequest(date(2025, 1, 1), date(2025, 12, 31), ("unit", "month")),
    IndicatorRequest(date(2025, 2, 15), date(2025, 11, 20), ("group", "quarter")),
    IndicatorRequest(date(2025, 1, 1), date(2025, 12, 31), ("unit", "procedure", "year")),
    IndicatorRequest(date(2025, 3, 1), date(2025, 9, 30), ("province",)),
)


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Canonical records as Parquet, with what real exports hold: withdrawals and refusals
    without an end date, dossiers whose clock is stopped (no deadline), paused days."""
    folder = tmp_path_factory.mktemp("scale")
    path = folder / "records.parquet"
    connection = connect()
    try:
        generate_records(
            connection,
            reference=load_reference(),
            calendar=WorkingCalendar.default(),
            year=2025,
            dossiers=ROWS,
            seed=7,
        )
        connection.execute(
            f"""
            COPY (SELECT * REPLACE (
                      CASE WHEN status = 'withdrawn' OR (status = 'refused' AND source_row % 2 = 0)
                           THEN NULL ELSE finished_at END AS finished_at,
                      CASE WHEN status IN ('supplement', 'suspended') AND source_row % 3 = 0
                           THEN NULL ELSE deadline_at END AS deadline_at,
                      CASE WHEN source_row % 17 = 0 THEN 2 END AS paused_days,
                      CASE WHEN source_row % 11 = 0 THEN NULL ELSE digitised END AS digitised)
                  FROM generated)
            TO {text(str(path))} (FORMAT parquet)
            """
        )
    finally:
        connection.close()
    return path


@pytest.fixture(scope="module")
def expected(records: Path) -> list[IndicatorTable]:
    reference = load_reference()
    source = DossierSource.from_parquet([records])
    return [compute_indicators(source, request, reference=reference) for request in REQUESTS]


def assert_same(actual: IndicatorTable, expected: IndicatorTable) -> None:
    assert len(actual.rows) == len(expected.rows)
    for mine, theirs in zip(actual.rows, expected.rows, strict=True):
        assert (mine.keys, mine.period) == (theirs.keys, theirs.period)
        assert mine.counts == theirs.counts, (mine.keys, mine.period)
        for name, rate in theirs.rates.items():
            other = mine.rates[name]
            assert (other is None) == (rate is None), name
            if rate is not None and other is not None:
                assert abs(float(other) - float(rate)) <= 1e-9, name


def _spark_available() -> str:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed: `make scale-test` installs the scale extra"
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return "no Java runtime (JAVA_HOME or java on PATH)"
    return ""


def test_spark_sql_gives_duckdb_s_rows(records: Path, expected: list[IndicatorTable]) -> None:
    reason = _spark_available()
    if reason:
        pytest.skip(reason)
    session = spark_session(os.environ.get("SPARK_MASTER") or "local[2]")
    try:
        engine = SparkEngine(session)
        engine.register_parquet([records])
        reference = load_reference()
        for request, duck in zip(REQUESTS, expected, strict=True):
            table = compute_indicators_on(engine, request, reference=reference)
            assert_same(table, duck)
            # Unchanged statements: only the way statement 1 is kept differs.
            assert table.sql[1] == duck.sql[1]
            assert table.sql[0].split(" AS\n", 1)[1] == duck.sql[0].split(" AS\n", 1)[1]
    finally:
        session.stop()


def test_postgresql_gives_duckdb_s_rows(records: Path, expected: list[IndicatorTable]) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("DATABASE_URL is not a PostgreSQL database (scripts/with-postgres sets one)")
    import psycopg

    try:
        connection = psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL not reachable: {error}")
    with connection:
        engine = PostgresEngine(connection)
        assert engine.load_records(parquet_relation([records])) == ROWS
        reference = load_reference()
        for request, duck in zip(REQUESTS, expected, strict=True):
            table = compute_indicators_on(engine, request, reference=reference)
            assert_same(table, duck)
            assert table.sql[1] == duck.sql[1]
            assert table.sql[0].split(" AS\n", 1)[1] == duck.sql[0].split(" AS\n", 1)[1]
