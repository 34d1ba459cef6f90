"""An instance with some data to back up, and fresh instances to restore it into.

The source is the test database (SQLite in the default pass, PostgreSQL when DATABASE_URL
points at it) with folders of its own; a fresh target is a new SQLite file, or a new
PostgreSQL database on the same server (dropped afterwards). The comparisons read both
databases through Django connections, so that both sides convert values the same way, and
hash every file themselves: they share no code with the backup they check.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connections
from django.db.utils import load_backend

from parindex.jobs.models import Job, JobState
from parindex.operations.services import Instance
from parindex.units.models import Unit, UnitType


def folders(root: Path) -> dict[str, Path]:
    return {
        "media": root / "uploads",
        "servicedata": root / "servicedata",
        "surveys": root / "surveys",
    }


@pytest.fixture
def source(transactional_db, tmp_path, settings, django_user_model) -> Instance:
    """The test database, committed (the PostgreSQL dump reads it from another connection),
    with rows in a few apps, an evidence-like media file and the two stores' files."""
    root = tmp_path / "source"
    parts = folders(root)
    settings.DATA_DIR = root
    settings.MEDIA_ROOT = parts["media"]
    kind = UnitType.objects.create(code="so", name="Sở", level="province")
    unit = Unit.objects.create(code="STC", name="Sở Tài chính – thử", unit_type=kind)
    django_user_model.objects.create_user(
        username="canbo", full_name="Nguyễn Văn Á", role="officer", unit=unit
    )
    job = Job.objects.create(
        kind="export", title="Xuất “thử”", params={"năm": 2025, "đơn_vị": [unit.pk]}
    )
    job.result.save("ket-qua.xlsx", ContentFile(b"PK\x03\x04 not really a workbook"))
    Job.objects.filter(pk=job.pk).update(state=JobState.DONE, report={"rows": 3, "ratio": 0.1})
    (parts["media"] / "evidence" / "2025").mkdir(parents=True)
    (parts["media"] / "evidence" / "2025" / "minh-chung.pdf").write_bytes(b"%PDF-1.4 " * 500)
    batch = parts["servicedata"] / "dossiers" / "000001-abcd"
    batch.mkdir(parents=True)
    (batch / "records.parquet").write_bytes(bytes(range(256)) * 40)
    (parts["servicedata"] / "manifest.json").write_text('{"batches": []}', encoding="utf-8")
    (parts["servicedata"] / ".lock").touch()  # the store's lock: not data
    (parts["surveys"] / "forms").mkdir(parents=True)
    (parts["surveys"] / "forms" / "khao-sat.xlsx").write_bytes(b"form" * 100)
    return Instance(
        database=dict(connections["default"].settings_dict),
        data_dir=root,
        parts=parts,
        alias="default",
    )


def _new_postgres_database(settings_dict: dict[str, Any]) -> str:
    import psycopg

    from parindex.operations.databases import pg_params

    name = f"test_parindex_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(**pg_params(settings_dict), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return name


def _drop_postgres_database(settings_dict: dict[str, Any], name: str) -> None:
    import psycopg

    from parindex.operations.databases import pg_params

    with psycopg.connect(**pg_params(settings_dict), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh(tmp_path) -> Iterator[Any]:
    """A factory of empty instances of the source's database vendor."""
    made: list[str] = []
    default = dict(connections["default"].settings_dict)

    def make(name: str = "target") -> Instance:
        root = tmp_path / name
        if connections["default"].vendor == "postgresql":
            database = dict(default, NAME=_new_postgres_database(default))
            made.append(database["NAME"])
        else:
            database = dict(default, NAME=str(root / "parindex.sqlite3"))
        return Instance(database=database, data_dir=root, parts=folders(root))

    yield make
    for name in made:
        _drop_postgres_database(default, name)


def connect(instance: Instance) -> Any:
    """A Django connection to an instance's database (closed by the caller)."""
    settings_dict = dict(instance.database)
    backend = load_backend(settings_dict["ENGINE"])
    return backend.DatabaseWrapper(settings_dict, alias=f"check-{uuid.uuid4().hex[:6]}")


def table_contents(instance: Instance) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of its sorted rows."""
    connection = connections["default"] if instance.alias else connect(instance)
    try:
        with connection.cursor() as cursor:
            tables = sorted(connection.introspection.table_names(cursor))
            contents = {}
            for table in tables:
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                rows = sorted(repr(row) for row in cursor.fetchall())
                digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
                contents[table] = (len(rows), digest)
            return contents
    finally:
        if not instance.alias:
            connection.close()


def stored_files(instance: Instance) -> dict[str, str]:
    """Every data file (not the stores' lock files) by part and path, with its SHA-256."""
    found = {}
    for part, root in instance.parts.items():
        for path in sorted(root.rglob("*")) if root.exists() else []:
            if path.is_file() and path.name != ".lock":
                relative = path.relative_to(root).as_posix()
                found[f"{part}/{relative}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def everything_under(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*")) if root.exists() else []
