"""Where the indicator statements run: DuckDB here, Spark SQL or PostgreSQL at national scale.

The two statements of `indicators.py` are plain SELECTs in portable SQL. An engine only says
how to keep statement 1's result for statement 2 (`materialize`), how to run a query
(`query`), and where the relation `dossiers` (the canonical records, `schema.STORE_COLUMNS`)
comes from. That is the whole adapter (docs/scaling.md):

| engine | statement 1 is kept as | `dossiers` is |
|---|---|---|
| DuckDB | `CREATE OR REPLACE TEMP TABLE … AS` | a view over the store's Parquet parts |
| Spark SQL | `CREATE OR REPLACE TEMPORARY VIEW … AS` + `CACHE TABLE` | a view over Parquet files (`register_parquet`) |
| PostgreSQL | `DROP TABLE IF EXISTS`; `CREATE TEMP TABLE … AS` | a table (`load_records` copies the records in) |

    engine = SparkEngine(spark_session("spark://master:7077"))
    engine.register_parquet(store.record_files("dossiers"), store.superseded_files("dossiers"))
    table = compute_indicators_on(engine, IndicatorRequest(start, end, ("unit", "month")))

pyspark is optional (the `scale` extra) and imported only by `spark_session`; psycopg is a
dependency of the platform already. Neither imports Django: this stays a pure package.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

import duckdb

from .db import path_list
from .schema import STORE_COLUMNS

# Columns a store written by an earlier version lacks, and what they meant then.
_DEFAULTS = {"feedback_known": "TRUE"}


class SqlEngine(Protocol):
    name: str

    def materialize(self, name: str, select: str) -> str:
        """Keep the result of `select` as relation `name`; returns the statement run."""
        ...

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows of `sql`."""
        ...


def canonical_projection(available: Iterable[str]) -> str:
    """The store's columns, in order, with NULL (or the old meaning) for those a relation
    lacks: parts written before a column existed still read."""
    present = set(available)
    columns = []
    for name, sql_type in STORE_COLUMNS:
        if name in present:
            columns.append(name)
        else:
            columns.append(f"CAST({_DEFAULTS.get(name, 'NULL')} AS {sql_type}) AS {name}")
    return ", ".join(columns)


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.connection = connection

    def register_dossiers(self, relation: str) -> None:
        described = self.connection.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
        projection = canonical_projection(str(row[0]) for row in described)
        self.connection.execute(
            f"CREATE OR REPLACE TEMP VIEW dossiers AS SELECT {projection} FROM {relation}"
        )

    def materialize(self, name: str, select: str) -> str:
        statement = f"CREATE OR REPLACE TEMP TABLE {name} AS\n{select}"
        self.connection.execute(statement)
        return statement

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        result = self.connection.execute(sql)
        return [column[0] for column in result.description], result.fetchall()


# Spark SQL ------------------------------------------------------------------------------------


def spark_session(master: str | None = None, *, app_name: str = "parindex-indicators") -> Any:
    """A Spark session: `master` is a cluster's URL (spark://host:7077, yarn, k8s://…), else
    $SPARK_MASTER, else local mode on every core. Session time zone UTC: the records' times are
    Vietnam's local time without a zone, and must not be shifted."""
    from pyspark.sql import SparkSession  # optional: the `scale` extra

    builder = (
        SparkSession.builder.appName(app_name)
        .master(master or os.environ.get("SPARK_MASTER") or "local[*]")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", os.environ.get("SPARK_SHUFFLE_PARTITIONS", "8"))
        .config("spark.ui.enabled", "false")
    )
    return builder.getOrCreate()


class SparkEngine:
    name = "spark"

    def __init__(self, session: Any) -> None:
        self.session = session

    def register_parquet(
        self, records: Sequence[Path | str], superseded: Sequence[Path | str] = ()
    ) -> None:
        """`dossiers` = the records of these Parquet files (local paths or s3a://, hdfs://
        URLs) not listed in the `superseded` files: "the later record wins"."""
        frame = self.session.read.parquet(*map(str, records))
        frame.createOrReplaceTempView("dossiers_parts")
        projection = canonical_projection(frame.columns)
        where = ""
        if superseded:
            self.session.read.parquet(*map(str, superseded)).createOrReplaceTempView(
                "dossiers_superseded"
            )
            where = (
                " WHERE NOT EXISTS (SELECT 1 FROM dossiers_superseded AS s "
                "WHERE s.batch_id = r.batch_id AND s.source_row = r.source_row)"
            )
        self.session.sql(
            f"CREATE OR REPLACE TEMPORARY VIEW dossiers AS "
            f"SELECT {projection} FROM dossiers_parts AS r{where}"
        )

    def materialize(self, name: str, select: str) -> str:
        self.session.sql(f"UNCACHE TABLE IF EXISTS {name}")
        statement = f"CREATE OR REPLACE TEMPORARY VIEW {name} AS\n{select}"
        self.session.sql(statement)
        # Statement 2 reads statement 1's result four times: compute it once.
        self.session.sql(f"CACHE TABLE {name}")
        return statement

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        frame = self.session.sql(sql)
        return list(frame.columns), [tuple(row) for row in frame.collect()]


# PostgreSQL -----------------------------------------------------------------------------------

_PG_TYPES = {"VARCHAR": "text", "DECIMAL(18,2)": "numeric(18,2)"}


class PostgresEngine:
    """On a psycopg connection (psycopg.connect(DSN)); temporary tables live as long as it."""

    name = "postgresql"

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def load_records(self, relation: str, *, batch_rows: int = 50_000) -> int:
        """Copy the canonical records of a DuckDB `relation` (e.g. `Store.active_records_sql`)
        into the temporary table `dossiers`; returns the number of rows. A national database
        would hold them in a (partitioned) table of the same columns instead."""
        columns = ", ".join(f"{name} {_PG_TYPES.get(kind, kind)}" for name, kind in STORE_COLUMNS)
        names = ", ".join(name for name, _ in STORE_COLUMNS)
        self.connection.execute("DROP TABLE IF EXISTS dossiers")
        self.connection.execute(f"CREATE TEMP TABLE dossiers ({columns})")
        source = duckdb.connect(":memory:")
        try:
            described = source.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
            projection = canonical_projection(str(row[0]) for row in described)
            result = source.execute(f"SELECT {projection} FROM {relation}")
            count = 0
            with (
                self.connection.cursor() as cursor,
                cursor.copy(f"COPY dossiers ({names}) FROM STDIN") as copy,
            ):
                while rows := result.fetchmany(batch_rows):
                    for row in rows:
                        copy.write_row(row)
                    count += len(rows)
        finally:
            source.close()
        self.connection.execute("ANALYZE dossiers")
        return count

    def materialize(self, name: str, select: str) -> str:
        self.connection.execute(f"DROP TABLE IF EXISTS {name}")
        statement = f"CREATE TEMP TABLE {name} AS\n{select}"
        self.connection.execute(statement)
        return statement

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql)
            names = [column.name for column in cursor.description or ()]
            return names, [tuple(row) for row in cursor.fetchall()]


def parquet_relation(paths: Sequence[Path]) -> str:
    """A DuckDB relation over canonical Parquet files (for `PostgresEngine.load_records`)."""
    return f"read_parquet({path_list(list(paths))}, union_by_name = true)"


__all__ = [
    "DuckDBEngine",
    "PostgresEngine",
    "SparkEngine",
    "SqlEngine",
    "canonical_projection",
    "parquet_relation",
    "spark_session",
]
