"""DuckDB connections and SQL literals shared by the importers and the indicator queries."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import date, time
from pathlib import Path

import duckdb


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection that spills to the system's temp directory, not the cwd."""
    connection = duckdb.connect(":memory:")
    spill = Path(tempfile.gettempdir()) / "parindex-duckdb"
    spill.mkdir(parents=True, exist_ok=True)
    connection.execute(f"SET temp_directory = {text(str(spill))}")
    # DuckDB's own progress bar would write into the CLI's output; the CLI draws its own.
    connection.execute("SET enable_progress_bar = false")
    return connection


def text(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def day(value: date) -> str:
    return f"DATE '{value.isoformat()}'"


def clock(value: time) -> str:
    return f"TIME '{value.isoformat()}'"


def literal(value: object) -> str:
    """A SQL literal for a Python value (None, bool, int, float, or text)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return str(value)
    return text(str(value))


def values_relation(rows: Sequence[Sequence[object]], columns: str) -> str:
    """`SELECT * FROM (VALUES …) AS t(columns)`: a small table sent with the query."""
    body = ", ".join("(" + ", ".join(literal(value) for value in row) + ")" for row in rows)
    return f"SELECT * FROM (VALUES {body}) AS t({columns})"


def path_list(paths: list[Path]) -> str:
    return "[" + ", ".join(text(str(path)) for path in paths) + "]"
