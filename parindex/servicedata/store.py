"""The service-data store: immutable Parquet parts per import batch, and a manifest.

Layout (default `$PARINDEX_DATA_DIR/servicedata`, else `var/servicedata`):

    manifest.json                      every batch: id, kind, file name and SHA-256, counts, time
    dossiers/000001-1a2b3c4d/records.parquet      the accepted records of one import
    dossiers/000001-1a2b3c4d/superseded.parquet   (batch_id, source_row) of records it replaces
    dossiers/000001-1a2b3c4d/rejected.csv         the rejected rows and why
    feeds/000002-…/…                              the same for other indicator feeds

Rules:
- a batch is written in a staging folder, renamed into place, then added to the manifest with
  an atomic rename: a failed import leaves nothing behind;
- a file whose SHA-256 is already in the manifest is not imported again;
- parts are never rewritten: "the later record wins" is kept by listing, in the new batch,
  the records it supersedes, and the queries leave those out (`active_records_sql`).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from parindex.common import atomic

from .db import path_list

MANIFEST = "manifest.json"
KINDS = ("dossiers", "feeds")


def default_store_dir() -> Path:
    base = os.environ.get("PARINDEX_DATA_DIR")
    return Path(base) / "servicedata" if base else Path("var") / "servicedata"


def input_key(file_sha256: str, configuration: list[str]) -> str:
    """The identity of an import: the file's SHA-256 and the bytes of its configuration files."""
    digest = hashlib.sha256(file_sha256.encode())
    for name in configuration:
        path = Path(name) if name else None
        digest.update(path.read_bytes() if path is not None and path.is_file() else b"-")
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Batch:
    """One import, as the manifest records it."""

    id: str
    kind: str
    sequence: int
    file_name: str
    file_sha256: str
    imported_at: str
    counts: dict[str, int]
    mapping: str = ""
    # SHA-256 of the file and of the configuration it was read with (mapping, reference lists,
    # calendar): the same file read the same way is not imported twice.
    input_key: str = ""
    records: str = ""
    superseded: str = ""
    rejected: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class Store:
    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_store_dir()

    # Reading ---------------------------------------------------------------------------------
    def batches(self, kind: str | None = None) -> list[Batch]:
        path = self.root / MANIFEST
        if not path.exists():
            return []
        raw = json.loads(path.read_text(encoding="utf-8"))
        batches = [Batch(**entry) for entry in raw.get("batches", [])]
        return [batch for batch in batches if kind is None or batch.kind == kind]

    def find(self, kind: str, input_key: str) -> Batch | None:
        """The batch imported from the same file read with the same configuration, if any."""
        return next(
            (b for b in self.batches(kind) if (b.input_key or b.file_sha256) == input_key), None
        )

    def record_files(self, kind: str) -> list[Path]:
        return [self.root / b.records for b in self.batches(kind) if b.records]

    def superseded_files(self, kind: str) -> list[Path]:
        return [self.root / b.superseded for b in self.batches(kind) if b.superseded]

    def active_records_sql(self, kind: str = "dossiers") -> str | None:
        """A SQL relation of the records not superseded by a later batch; None when empty."""
        records = self.record_files(kind)
        if not records:
            return None
        relation = f"read_parquet({path_list(records)}, union_by_name = true)"
        superseded = self.superseded_files(kind)
        if not superseded:
            return relation
        return (
            f"(SELECT r.* FROM {relation} AS r WHERE NOT EXISTS ("
            f"SELECT 1 FROM read_parquet({path_list(superseded)}) AS s "
            "WHERE s.batch_id = r.batch_id AND s.source_row = r.source_row))"
        )

    # Writing ---------------------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[BatchWriter]:
        """Hold the store's lock and a staging folder; `commit` publishes the batch. Under the
        lock no other writer runs: any staging folder or temporary file found is a killed
        import's, and is removed first."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._remove_unlocked_leftovers()
            staging = self.root / f"{atomic.STAGING_PREFIX}{uuid.uuid4().hex}"
            staging.mkdir()
            try:
                yield BatchWriter(self, staging)
            finally:
                shutil.rmtree(staging, ignore_errors=True)

    def sweep(self, *, older_than: float = atomic.DEFAULT_LEFTOVER_AGE) -> list[Path]:
        """Remove what killed imports left (staging folders, temporary files): all of it when
        no import holds the lock now, else only what is older than `older_than` seconds. The
        job worker calls it when it starts (`parindex.jobs.recovery.sweep_data_leftovers`)."""
        if not self.root.is_dir():
            return []
        with (self.root / ".lock").open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # an import runs: leave what may be its own
                return atomic.sweep_leftovers(self.root, older_than=older_than)
            removed = self._remove_unlocked_leftovers()
            return removed + atomic.sweep_leftovers(self.root, older_than=older_than)

    def _remove_unlocked_leftovers(self) -> list[Path]:
        """With the lock held: the staging folders and manifest temporaries at the root, which
        only a writer holding the lock makes, belong to no live writer. (Other temporary files,
        e.g. the reference lists', are written without this lock: only their age tells.)"""
        removed = []
        for path in sorted(self.root.iterdir()):
            if path.name.startswith(atomic.STAGING_PREFIX) and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            elif path.name.startswith(f".{MANIFEST}.") and path.is_file():
                path.unlink(missing_ok=True)
            else:
                continue
            removed.append(path)
        return removed


class BatchWriter:
    """Files of one batch being written; nothing is visible until `commit`."""

    def __init__(self, store: Store, staging: Path) -> None:
        self.store = store
        self.staging = staging
        existing = store.batches()
        self.sequence = max((batch.sequence for batch in existing), default=0) + 1

    def batch_id(self, sha256: str) -> str:
        return f"{self.sequence:06d}-{sha256[:8]}"

    def path(self, name: str) -> Path:
        return self.staging / name

    def commit(self, batch: Batch) -> Batch:
        root = self.store.root
        target = root / batch.kind / batch.id
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():  # a leftover of a crash between rename and manifest: not in use
            shutil.rmtree(target)
        os.rename(self.staging, target)
        self.staging.mkdir()  # so the cleanup in `Store.writing` finds something to remove

        def relative(name: str) -> str:
            return str((target / name).relative_to(root)) if (target / name).exists() else ""

        published = Batch(
            **{
                **asdict(batch),
                "records": relative("records.parquet"),
                "superseded": relative("superseded.parquet"),
                "rejected": relative("rejected.csv"),
            }
        )
        entries = [asdict(existing) for existing in self.store.batches()]
        entries.append(asdict(published))
        manifest = root / MANIFEST
        temporary = root / f".{MANIFEST}.{uuid.uuid4().hex}"
        temporary.write_text(
            json.dumps({"format": 1, "batches": entries}, ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
        os.replace(temporary, manifest)
        return published


def now_text() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
