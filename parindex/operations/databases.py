"""The database half of a backup: a consistent copy, its fingerprint, and its restore.

SQLite
    The copy is made with SQLite's online backup API (`sqlite3.Connection.backup`, in one step):
    it holds a read lock for the copy, so it is consistent while the application writes (a
    writer waits a moment, within the 20 s busy timeout of the settings). The fingerprint is
    computed on the copy; the restore puts the verified copy in place with one rename.

PostgreSQL
    `pg_dump --format=custom` runs inside a snapshot that this module exports from a
    REPEATABLE READ transaction (`pg_export_snapshot`), and the fingerprint and migration state
    are read in that same transaction: the dump and the manifest describe the same instant,
    while the application keeps writing. The restore pipes `pg_restore --file=-` into one
    `psql --single-transaction` that ends with a check of every table against the manifest: a
    dump that does not restore to exactly the recorded rows raises, and PostgreSQL rolls the
    whole restore back (the database is then as it was). The PostgreSQL 15 client programs
    come from PARINDEX_PG_BINDIR, else the newest /usr/lib/postgresql/*/bin, else PATH.

The fingerprint of a table is its row count and a content checksum that does not depend on
row order: the sum, modulo a large power of two, of one hash per row (SQLite: SHA-256 of the
row's Python representation; PostgreSQL: MD5 of the row's text with fixed output settings).
Both sides of a comparison are always the same database vendor.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import OperationRefused

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
ENGINES = {
    "django.db.backends.sqlite3": SQLITE,
    "django.db.backends.postgresql": POSTGRESQL,
}
DUMP_NAMES = {SQLITE: "parindex.sqlite3", POSTGRESQL: "parindex.pgdump"}
# `restore --force` on PostgreSQL renames the schema it replaces to this prefix + a time stamp.
ASIDE_SCHEMA_PREFIX = "parindex_before_restore_"

Tables = dict[str, dict[str, Any]]
Migrations = dict[str, list[str]]


@dataclass
class Snapshot:
    """A consistent copy of the database in a file, and what it holds."""

    vendor: str
    path: Path
    tables: Tables = field(default_factory=dict)
    migrations: Migrations = field(default_factory=dict)
    server_version: str = ""
    # The audit trail's hash-chain head in the copy (`parindex.audit.chain`): last event id,
    # hash, count; None for a database from before the chain.
    audit_head: dict[str, Any] | None = None


# The one-row table of `parindex.audit.models.AuditHead`.
AUDIT_HEAD_QUERY = "SELECT event_id, hash, count FROM audit_audithead WHERE id = 1"


def _audit_head(row: Any) -> dict[str, Any]:
    if row is None:
        return {"event_id": None, "hash": "", "count": 0}
    event_id, digest, count = row
    return {"event_id": event_id, "hash": digest, "count": count}


def sqlite_audit_head(path: Path) -> dict[str, Any] | None:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return _audit_head(connection.execute(AUDIT_HEAD_QUERY).fetchone())
    except sqlite3.OperationalError:  # no such table: a database from before the chain
        return None
    finally:
        connection.close()


def vendor_of(database: dict[str, Any]) -> str:
    engine = str(database.get("ENGINE", ""))
    if engine not in ENGINES:
        raise OperationRefused(
            f"Cơ sở dữ liệu {engine or '(không rõ)'} không được hỗ trợ: chỉ SQLite và PostgreSQL."
        )
    return ENGINES[engine]


def _migrations(rows: Iterable[tuple[str, str]]) -> Migrations:
    applied: Migrations = {}
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


# SQLite --------------------------------------------------------------------------------------


def _row_hash(row: Iterable[Any]) -> int:
    values = tuple(bytes(value) if isinstance(value, memoryview) else value for value in row)
    return int.from_bytes(hashlib.sha256(repr(values).encode()).digest(), "big")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_open(path: Path, *, read_only: bool = True) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    return sqlite3.connect(path)


def sqlite_tables(path: Path) -> list[str]:
    """The user tables of a SQLite file; none when the file is missing or empty."""
    if not path.exists() or path.stat().st_size == 0:
        return []
    connection = _sqlite_open(path)
    try:
        rows = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        ).fetchall()
    except sqlite3.DatabaseError as error:
        raise OperationRefused(f"Không đọc được tệp cơ sở dữ liệu {path}: {error}") from error
    finally:
        connection.close()
    return [name for (name,) in rows]


def sqlite_fingerprint(path: Path) -> tuple[Tables, Migrations]:
    """Row count and content checksum of every table, and the applied migrations."""
    connection = _sqlite_open(path)
    try:
        tables: Tables = {}
        for name in sqlite_tables(path):
            count, total = 0, 0
            for row in connection.execute(f"SELECT * FROM {_quote(name)}"):
                count += 1
                total = (total + _row_hash(row)) % (1 << 256)
            tables[name] = {"rows": count, "checksum": f"{total:064x}"}
        rows = (
            connection.execute("SELECT app, name FROM django_migrations").fetchall()
            if "django_migrations" in tables
            else []
        )
        return tables, _migrations(rows)
    finally:
        connection.close()


def sqlite_integrity(path: Path) -> str:
    connection = _sqlite_open(path)
    try:
        return "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))
    except sqlite3.DatabaseError as error:
        return str(error)
    finally:
        connection.close()


def sqlite_snapshot(alias: str, destination: Path) -> Snapshot:
    """Copy the database of the Django connection `alias` with the online backup API."""
    from django.db import connections

    connection = connections[alias]
    connection.ensure_connection()
    target = sqlite3.connect(destination)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    tables, migrations = sqlite_fingerprint(destination)
    return Snapshot(
        SQLITE,
        destination,
        tables,
        migrations,
        sqlite3.sqlite_version,
        sqlite_audit_head(destination),
    )


# PostgreSQL ----------------------------------------------------------------------------------

# Row texts (and so the checksums) depend on these; both the backup and the restore set them.
DETERMINISTIC_OUTPUT = (
    "SET TimeZone TO 'UTC'",
    "SET DateStyle TO 'ISO, YMD'",
    "SET IntervalStyle TO 'postgres'",
    "SET extra_float_digits TO 1",
    "SET bytea_output TO 'hex'",
)
TABLES_SQL = (
    "SELECT c.relname::text FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
)
_LIBPQ_OPTIONS = (
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "passfile",
    "service",
    "connect_timeout",
    "target_session_attrs",
)


def _fingerprint_sql(table: str, into: str = "") -> str:
    return (
        "SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 16))::bit(64)::bigint"
        f"::numeric), 0)::text {into}FROM public.{_quote(table)} AS t"
    )


def pg_params(database: dict[str, Any]) -> dict[str, Any]:
    """libpq connection parameters from a Django DATABASES entry."""
    params: dict[str, Any] = {"dbname": database.get("NAME") or "postgres"}
    for key, name in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host")):
        if database.get(key):
            params[name] = database[key]
    if database.get("PORT"):
        params["port"] = str(database["PORT"])
    options = database.get("OPTIONS") or {}
    params.update({key: options[key] for key in _LIBPQ_OPTIONS if key in options})
    return params


def _pg_env(database: dict[str, Any]) -> dict[str, str]:
    """The environment of the client programs: the same connection, without a command line
    that would show the password to `ps`."""
    names = {
        "dbname": "PGDATABASE",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "host": "PGHOST",
        "port": "PGPORT",
        "sslmode": "PGSSLMODE",
        "sslrootcert": "PGSSLROOTCERT",
        "sslcert": "PGSSLCERT",
        "sslkey": "PGSSLKEY",
        "passfile": "PGPASSFILE",
        "service": "PGSERVICE",
        "connect_timeout": "PGCONNECT_TIMEOUT",
        "target_session_attrs": "PGTARGETSESSIONATTRS",
    }
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env.update({names[key]: str(value) for key, value in pg_params(database).items()})
    return env


def pg_program(name: str) -> str:
    """A PostgreSQL client program: PARINDEX_PG_BINDIR, the newest Debian installation, PATH."""
    folders: list[Path] = []
    if os.environ.get("PARINDEX_PG_BINDIR"):
        folders.append(Path(os.environ["PARINDEX_PG_BINDIR"]))

    def major(folder: Path) -> int:
        version = folder.parent.name
        return int(version) if version.isdigit() else 0

    folders += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=major, reverse=True)
    for folder in folders:
        if (folder / name).is_file():
            return str(folder / name)
    found = shutil.which(name)
    if found:
        return found
    raise OperationRefused(
        f"Không tìm thấy chương trình {name} của PostgreSQL: cài gói postgresql-client-15 "
        "hoặc đặt PARINDEX_PG_BINDIR."
    )


def _pg_connect(database: dict[str, Any]) -> Any:
    import psycopg

    try:
        return psycopg.connect(**pg_params(database), autocommit=True)
    except psycopg.OperationalError as error:
        raise OperationRefused(
            f"Không kết nối được cơ sở dữ liệu PostgreSQL {database.get('NAME')}: "
            f"{str(error).strip()}"
        ) from error


def pg_tables(database: dict[str, Any]) -> list[str]:
    with _pg_connect(database) as connection:
        return [name for (name,) in connection.execute(TABLES_SQL).fetchall()]


def _pg_fingerprint(connection: Any) -> tuple[Tables, Migrations]:
    tables: Tables = {}
    for (name,) in connection.execute(TABLES_SQL).fetchall():
        count, checksum = connection.execute(_fingerprint_sql(name)).fetchone()
        tables[name] = {"rows": int(count), "checksum": str(checksum)}
    rows = (
        connection.execute("SELECT app, name FROM public.django_migrations").fetchall()
        if "django_migrations" in tables
        else []
    )
    return tables, _migrations(rows)


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise OperationRefused(f"{what} thất bại: {completed.stderr.strip()[-2000:]}")


def pg_snapshot(database: dict[str, Any], destination: Path) -> Snapshot:
    """`pg_dump --format=custom` and the fingerprint, both inside one exported snapshot."""
    dump = pg_program("pg_dump")
    with _pg_connect(database) as connection:
        for statement in DETERMINISTIC_OUTPUT:
            connection.execute(statement)
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        (snapshot_id,) = connection.execute("SELECT pg_catalog.pg_export_snapshot()").fetchone()
        _run(
            [
                dump,
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot_id}",
                f"--exclude-schema={ASIDE_SCHEMA_PREFIX}*",
                f"--file={destination}",
            ],
            _pg_env(database),
            "pg_dump",
        )
        tables, migrations = _pg_fingerprint(connection)
        (version,) = connection.execute("SHOW server_version").fetchone()
        head = None
        if "audit_audithead" in tables:
            query = AUDIT_HEAD_QUERY.replace(" audit_audithead", " public.audit_audithead")
            head = _audit_head(connection.execute(query).fetchone())
        connection.execute("COMMIT")
    return Snapshot(POSTGRESQL, destination, tables, migrations, str(version), head)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _verification_sql(tables: Tables) -> str:
    """A DO block that raises unless the restored schema holds exactly `tables`."""
    names = sorted(tables)
    expected = "ARRAY[" + ", ".join(_literal(name) for name in names) + "]::text[]"
    lines = [f"{statement};" for statement in DETERMINISTIC_OUTPUT]
    lines += [
        "DO $parindex_verify$",
        "DECLARE found_rows bigint; found_sum text; found_tables text[];",
        "BEGIN",
        f"  SELECT coalesce(array_agg(relname ORDER BY relname), '{{}}') INTO found_tables "
        f"FROM ({TABLES_SQL}) AS listed(relname);",
        f"  IF found_tables IS DISTINCT FROM {expected} THEN",
        "    RAISE EXCEPTION 'parindex-verify: tables %', found_tables;",
        "  END IF;",
    ]
    for name in names:
        rows, checksum = int(tables[name]["rows"]), str(tables[name]["checksum"])
        lines += [
            f"  {_fingerprint_sql(name, into='INTO found_rows, found_sum ')};",
            f"  IF found_rows <> {rows} OR found_sum <> {_literal(checksum)} THEN",
            f"    RAISE EXCEPTION 'parindex-verify: table %', {_literal(name)};",
            "  END IF;",
        ]
    lines += ["END", "$parindex_verify$;", ""]
    return "\n".join(lines)


def pg_restore(
    dump: Path, database: dict[str, Any], tables: Tables, *, aside_schema: str | None
) -> None:
    """Restore `dump` into `database` in one transaction that checks every table against
    `tables` before it commits. With `aside_schema`, the current schema "public" is first
    renamed to it (kept, not dropped). On any failure nothing is changed."""
    restore_program, psql = pg_program("pg_restore"), pg_program("psql")
    env = _pg_env(database)
    with tempfile.TemporaryDirectory(prefix="parindex-restore-sql-") as folder:
        prelude, verification = Path(folder) / "prelude.sql", Path(folder) / "verify.sql"
        prelude.write_text(
            f"ALTER SCHEMA public RENAME TO {_quote(aside_schema)};\nCREATE SCHEMA public;\n"
            if aside_schema
            else "SELECT 1;\n",
            encoding="utf-8",
        )
        verification.write_text(_verification_sql(tables), encoding="utf-8")
        errors = Path(folder) / "pg_restore.err"
        with errors.open("w") as producer_errors:
            producer = subprocess.Popen(
                [restore_program, "--file=-", "--no-owner", "--no-privileges", str(dump)],
                stdout=subprocess.PIPE,
                stderr=producer_errors,
                env=env,
            )
            try:
                consumer = subprocess.run(
                    [
                        psql,
                        "--no-psqlrc",
                        "--quiet",
                        "--no-password",
                        "--set=ON_ERROR_STOP=1",
                        "--single-transaction",
                        "--output=/dev/null",
                        f"--file={prelude}",
                        "--file=-",
                        f"--file={verification}",
                    ],
                    stdin=producer.stdout,
                    capture_output=True,
                    text=True,
                    env=env,
                    check=False,
                )
            finally:
                if producer.stdout is not None:
                    producer.stdout.close()
                producer.wait()
        if consumer.returncode != 0:
            detail = consumer.stderr.strip()
            if "parindex-verify" in detail:
                raise OperationRefused(
                    "Cơ sở dữ liệu khôi phục không khớp với bản kê của bản sao lưu "
                    f"({detail.splitlines()[-1][-300:]}): PostgreSQL đã huỷ toàn bộ, không ghi gì."
                )
            problem = errors.read_text(errors="replace").strip() or detail
            raise OperationRefused(
                f"Khôi phục PostgreSQL thất bại, đã huỷ toàn bộ (không ghi gì): {problem[-1500:]}"
            )


def pg_undo_restore(database: dict[str, Any], *, aside_schema: str | None) -> None:
    """Take back a committed `pg_restore` (when a later step of the restore failed): the schema
    "public" is emptied again, or the one set aside by --force comes back."""
    with _pg_connect(database) as connection, connection.transaction():
        connection.execute("DROP SCHEMA public CASCADE")
        if aside_schema:
            connection.execute(f"ALTER SCHEMA {_quote(aside_schema)} RENAME TO public")
        else:
            connection.execute("CREATE SCHEMA public")
