"""Backup and restore of a whole instance, as one archive with a manifest.

An instance is its database and three folders: the media files (evidence, job results,
questionnaire forms: MEDIA_ROOT), the dossier store (`DATA_DIR/servicedata`: Parquet parts and
their manifest) and the survey store (`DATA_DIR/surveys`). Static files are not data
(`collectstatic` makes them again).

The archive (`.tar.gz`, `.tgz` or `.tar`) holds:

    database/parindex.sqlite3 | database/parindex.pgdump   (see `databases`)
    media/…   servicedata/…   surveys/…                     the folders' files
    manifest.json                                           the last member

The manifest records the format, the parindex version, the creation time, the database vendor
and server version, the applied migrations per app, the row count and content checksum of
every table, and the path, size and SHA-256 of every file, with totals per part.

Backup, while the application runs: the database first (a consistent snapshot), then the
folders. A file the database refers to was complete before its row was committed, so it is in
the folders when they are read after the snapshot; files added later are extra, never missing.
The dossier store is read under its own lock (imports wait a moment), the other files are
written once and never rewritten. The archive is written beside its destination and renamed
into place when complete (mode 0600: it holds password hashes and evidence).

Restore, into an empty instance (the database has no tables, the three folders hold no file):
every member is extracted into a staging folder in the data folder and checked against the
manifest (present, same size, same SHA-256, nothing extra), the database vendor must be the
instance's, and every applied migration must be known to this code; the SQLite copy must pass
`PRAGMA integrity_check` and match every table's fingerprint. Only then is anything moved into
place: the folders by renames, the SQLite file by one rename, PostgreSQL by one verified
transaction (`databases.pg_restore`). If a step of the move fails, the steps already done are
undone. A refused or failed restore leaves the instance as it was.

`--force` (restore over a non-empty instance) replaces without deleting: the current folders
move to `DATA_DIR/before-restore-<time>/`, the SQLite file to `<file>.before-restore-<time>`, the
PostgreSQL schema "public" is renamed `parindex_before_restore_<time>`. Stop the web server and
the worker first; delete the old data once the restored instance is checked.

Why not django-dbbackup: it writes the database and the media as separate archives with no
common manifest, restores in place (no staging, no verification against row counts), and its
SQLite connector dumps SQL text instead of using the online backup API. The rules here (one
archive, consistent while running, verify everything before touching the instance) are a few
hundred lines on the standard library and the PostgreSQL client programs.
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader

import parindex
from parindex.dossiers.sources import store_root

from . import databases
from .errors import OperationRefused

FORMAT = "parindex-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "database"
PARTS = ("media", "servicedata", "surveys")
SUFFIXES = {".tar.gz": "gz", ".tgz": "gz", ".tar": ""}
CHUNK = 1 << 20
MAX_MANIFEST_BYTES = 256 << 20

Report = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True)
class Instance:
    """Where an instance keeps its data: a Django DATABASES entry and the folders."""

    database: dict[str, Any]
    data_dir: Path
    parts: dict[str, Path]
    # The Django connection to read the database through (SQLite backups), if any.
    alias: str | None = None

    @classmethod
    def from_settings(cls, alias: str = "default") -> Instance:
        data_dir = Path(settings.DATA_DIR)
        return cls(
            database=dict(connections[alias].settings_dict),
            data_dir=data_dir,
            parts={
                "media": Path(settings.MEDIA_ROOT),
                "servicedata": store_root(),
                "surveys": data_dir / "surveys",
            },
            alias=alias,
        )

    @property
    def vendor(self) -> str:
        return databases.vendor_of(self.database)

    @property
    def sqlite_path(self) -> Path:
        return Path(str(self.database["NAME"]))


# Files ------------------------------------------------------------------------------------------


class _HashingReader:
    """A file read through: counts and hashes what tarfile copies into the archive."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


class _HashingWriter:
    """The archive file written through: its SHA-256 without reading it again."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.handle.write(data)


def _is_store_scratch(name: str) -> bool:
    """The stores' lock file, staging folders and temporary files (all start with a dot)."""
    return name.startswith(".")


def _part_files(part: str, root: Path) -> Iterator[tuple[Path, str]]:
    """Every regular file of a part, with its name in the archive (sorted, no symlinks)."""
    if not root.is_dir():
        return
    for folder, subfolders, files in os.walk(root):
        if part != "media":
            subfolders[:] = [name for name in subfolders if not _is_store_scratch(name)]
        subfolders.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if (part != "media" and _is_store_scratch(name)) or not path.is_file():
                continue
            if path.is_symlink():
                continue
            yield path, f"{part}/{path.relative_to(root).as_posix()}"


def _file_count(part: str, root: Path) -> int:
    return sum(1 for _ in _part_files(part, root))


@contextmanager
def _store_lock(part: str, root: Path) -> Iterator[None]:
    """Hold the dossier store's lock (shared) while it is read: an import writing a batch
    holds it exclusively, so the archive gets the store before or after, never between."""
    if part != "servicedata" or not root.is_dir():
        yield
        return
    with (root / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    with path.open("rb") as handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size = stat.st_size
        info.mtime = int(stat.st_mtime)
        info.mode = 0o640
        reader = _HashingReader(handle)
        tar.addfile(info, reader)  # type: ignore[arg-type]
    return {"path": name, "size": info.size, "sha256": reader.digest.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o640
    tar.addfile(info, io.BytesIO(data))


def _fsync_folder(folder: Path) -> None:
    with suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


# Backup -----------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    size: int
    sha256: str
    seconds: float
    manifest: dict[str, Any]


def _compression(path: Path) -> str:
    for suffix, compression in SUFFIXES.items():
        if path.name.endswith(suffix):
            return compression
    raise OperationRefused(
        f"Tên tệp sao lưu {path.name} phải kết thúc bằng .tar.gz, .tgz hoặc .tar."
    )


def backup_path(output: Path, now: datetime.datetime | None = None) -> Path:
    """`output` itself, or a dated file name inside it when it is a folder."""
    if output.is_dir() or str(output).endswith(os.sep):
        stamp = (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
        return output / f"parindex-backup-{stamp}.tar.gz"
    return output


def _manifest(
    snapshot: databases.Snapshot, files: list[dict[str, Any]], created_at: datetime.datetime
) -> dict[str, Any]:
    totals: dict[str, dict[str, int]] = {
        part: {"files": 0, "bytes": 0} for part in (DATABASE, *PARTS)
    }
    for entry in files:
        part = entry["path"].split("/", 1)[0]
        totals[part]["files"] += 1
        totals[part]["bytes"] += entry["size"]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "parindex_version": parindex.__version__,
        "created_at": created_at.isoformat(timespec="seconds"),
        "database": {
            "vendor": snapshot.vendor,
            "server_version": snapshot.server_version,
            "file": f"{DATABASE}/{databases.DUMP_NAMES[snapshot.vendor]}",
            "migrations": snapshot.migrations,
            "tables": snapshot.tables,
        },
        # The audit trail's hash-chain head in this copy: `manage.py audit_verify --anchor
        # HASH` on a later database proves its trail still passes through it.
        "audit_head": snapshot.audit_head,
        "parts": totals,
        "files": files,
    }


def _snapshot(instance: Instance, folder: Path) -> databases.Snapshot:
    vendor = instance.vendor
    destination = folder / databases.DUMP_NAMES[vendor]
    if vendor == databases.SQLITE:
        return databases.sqlite_snapshot(instance.alias or "default", destination)
    return databases.pg_snapshot(instance.database, destination)


def backup_create(
    output: Path, *, instance: Instance | None = None, report: Report = _quiet
) -> BackupResult:
    """Write the instance into one archive at `output` (a file, or a folder for a dated name)."""
    started = time.monotonic()
    instance = instance or Instance.from_settings()
    path = backup_path(Path(output)).absolute()
    compression = _compression(path)
    for part, root in instance.parts.items():
        if path.is_relative_to(root.absolute()):
            raise OperationRefused(
                f"Không ghi bản sao lưu vào {root} (thư mục {part} được sao lưu): hãy chọn nơi khác."
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    created_at = datetime.datetime.now(datetime.UTC)
    work = Path(tempfile.mkdtemp(prefix=".parindex-backup-", dir=path.parent))
    try:
        report("Sao lưu cơ sở dữ liệu…")
        snapshot = _snapshot(instance, work)
        partial = work / "archive.partial"
        with partial.open("wb") as handle:
            sink = _HashingWriter(handle)
            with tarfile.open(fileobj=sink, mode=f"w|{compression}") as tar:  # type: ignore[call-overload]
                files = [_add_file(tar, snapshot.path, f"{DATABASE}/{snapshot.path.name}")]
                for part in PARTS:
                    root = instance.parts[part]
                    report(f"Sao lưu {part} ({root})…")
                    with _store_lock(part, root):
                        files += [
                            _add_file(tar, file, name) for file, name in _part_files(part, root)
                        ]
                manifest = _manifest(snapshot, files, created_at)
                _add_bytes(
                    tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                )
            handle.flush()
            os.fsync(handle.fileno())
        partial.chmod(0o600)
        os.replace(partial, path)
        _fsync_folder(path.parent)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BackupResult(
        path=path,
        size=sink.size,
        sha256=sink.digest.hexdigest(),
        seconds=time.monotonic() - started,
        manifest=manifest,
    )


# Restore ----------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    files: int
    bytes: int
    tables: int
    rows: int
    seconds: float
    manifest: dict[str, Any]
    pending_migrations: list[str] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)


def instance_contents(instance: Instance) -> list[str]:
    """What makes the instance non-empty, in Vietnamese (nothing: an empty instance)."""
    found: list[str] = []
    if instance.vendor == databases.SQLITE:
        tables = databases.sqlite_tables(instance.sqlite_path)
        where = str(instance.sqlite_path)
        for suffix in ("-journal", "-wal"):
            journal = Path(f"{instance.sqlite_path}{suffix}")
            if journal.exists() and journal.stat().st_size > 0:
                found.append(f"tệp nhật ký {journal} của SQLite")
    else:
        tables = databases.pg_tables(instance.database)
        where = f"PostgreSQL {instance.database.get('NAME')}"
    if tables:
        found.append(f"cơ sở dữ liệu {where} đã có {len(tables)} bảng")
    for part, root in instance.parts.items():
        count = _file_count(part, root)
        if count:
            found.append(f"thư mục {root} có {count} tệp")
    return found


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        bool(name)
        and not path.is_absolute()
        and "\\" not in name
        and all(part not in ("", ".", "..") for part in name.split("/"))
    )


def _damaged(error: BaseException) -> OperationRefused:
    return OperationRefused(
        f"Tệp sao lưu bị cắt cụt hoặc hỏng ({type(error).__name__}: {error}): không khôi phục, "
        "không ghi gì."
    )


_READ_ERRORS = (tarfile.TarError, EOFError, zlib.error, OSError)


def _extract(archive: Path, staging: Path) -> tuple[dict[str, Any], dict[str, tuple[str, int]]]:
    """Every member into `staging`, with its SHA-256 and size; the manifest parsed."""
    extracted: dict[str, tuple[str, int]] = {}
    manifest_data: bytes | None = None
    try:
        tar = tarfile.open(archive, "r:*")  # noqa: SIM115 - closed below
    except _READ_ERRORS as error:
        raise _damaged(error) from error
    with tar:
        while True:
            try:
                member = tar.next()
            except _READ_ERRORS as error:
                raise _damaged(error) from error
            if member is None:
                break
            name = member.name
            if not _safe_member_name(name):
                raise OperationRefused(f"Tệp sao lưu chứa tên không hợp lệ: {name!r}.")
            if name in extracted or (name == MANIFEST and manifest_data is not None):
                raise OperationRefused(f"Tệp sao lưu chứa {name} hai lần.")
            if not member.isfile():
                raise OperationRefused(f"Tệp sao lưu chứa {name} không phải là tệp thường.")
            source = tar.extractfile(member)
            assert source is not None  # a regular file
            if name == MANIFEST:
                if member.size > MAX_MANIFEST_BYTES:
                    raise OperationRefused(
                        "Bản kê manifest.json quá lớn: tệp sao lưu không hợp lệ."
                    )
                try:
                    manifest_data = source.read()
                except _READ_ERRORS as error:
                    raise _damaged(error) from error
                if len(manifest_data) != member.size:
                    raise _damaged(EOFError("manifest.json"))
                continue
            if name.split("/", 1)[0] not in (DATABASE, *PARTS):
                raise OperationRefused(f"Tệp sao lưu chứa {name}, không thuộc phần nào đã biết.")
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            digest, size = hashlib.sha256(), 0
            with target.open("wb") as out:
                while True:
                    try:
                        chunk = source.read(CHUNK)
                    except _READ_ERRORS as error:
                        raise _damaged(error) from error
                    if not chunk:
                        break
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            if size != member.size:
                raise _damaged(EOFError(name))
            extracted[name] = (digest.hexdigest(), size)
    if manifest_data is None:
        raise OperationRefused(
            "Tệp sao lưu thiếu bản kê manifest.json (tệp bị cắt cụt hoặc không phải bản sao lưu "
            "parindex): không khôi phục, không ghi gì."
        )
    try:
        manifest = json.loads(manifest_data)
    except ValueError as error:
        raise OperationRefused(f"Bản kê manifest.json không đọc được: {error}.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise OperationRefused("Tệp này không phải bản sao lưu parindex (manifest.json lạ).")
    if not _well_formed(manifest):
        raise OperationRefused(
            "Bản kê manifest.json thiếu mục hoặc sai kiểu: tệp sao lưu không hợp lệ, không ghi gì."
        )
    return manifest, extracted


def _well_formed(manifest: dict[str, Any]) -> bool:
    database, files = manifest.get("database"), manifest.get("files")
    return (
        isinstance(database, dict)
        and isinstance(database.get("file"), str)
        and isinstance(database.get("tables"), dict)
        and all(
            isinstance(table, dict) and isinstance(table.get("rows"), int)
            for table in database["tables"].values()
        )
        and isinstance(database.get("migrations"), dict)
        and all(isinstance(names, list) for names in database["migrations"].values())
        and isinstance(files, list)
        and all(
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and isinstance(entry.get("sha256"), str)
            and isinstance(entry.get("size"), int)
            for entry in files
        )
    )


def _check_files(manifest: dict[str, Any], extracted: dict[str, tuple[str, int]]) -> None:
    listed = {entry["path"]: entry for entry in manifest.get("files", [])}
    missing = sorted(set(listed) - set(extracted))
    if missing:
        raise OperationRefused(
            f"Tệp sao lưu thiếu {len(missing)} phần được kê trong manifest.json "
            f"(ví dụ {', '.join(missing[:3])}): không khôi phục, không ghi gì."
        )
    extra = sorted(set(extracted) - set(listed))
    if extra:
        raise OperationRefused(
            f"Tệp sao lưu có {len(extra)} tệp không được kê trong manifest.json "
            f"(ví dụ {', '.join(extra[:3])}): không khôi phục, không ghi gì."
        )
    for name, (sha256, size) in sorted(extracted.items()):
        entry = listed[name]
        if entry.get("sha256") != sha256 or entry.get("size") != size:
            raise OperationRefused(
                f"Phần {name} của tệp sao lưu bị hỏng hoặc bị sửa (SHA-256 hoặc kích thước không "
                "khớp manifest.json): không khôi phục, không ghi gì."
            )


def _known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _check_compatible(manifest: dict[str, Any], instance: Instance) -> None:
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise OperationRefused(
            f"Bản sao lưu dùng định dạng {manifest.get('format_version')} mới hơn phiên bản "
            f"parindex này ({parindex.__version__}) hiểu được: hãy cập nhật parindex."
        )
    database = manifest.get("database") or {}
    if database.get("vendor") != instance.vendor:
        raise OperationRefused(
            f"Bản sao lưu là của cơ sở dữ liệu {database.get('vendor')}, còn phiên bản đích dùng "
            f"{instance.vendor}: không khôi phục (hãy dùng cùng loại cơ sở dữ liệu)."
        )
    known = _known_migrations()
    unknown = sorted(
        f"{app}.{name}"
        for app, names in (database.get("migrations") or {}).items()
        for name in names
        if (app, name) not in known
    )
    if unknown:
        raise OperationRefused(
            f"Bản sao lưu (parindex {manifest.get('parindex_version')}) có {len(unknown)} migration "
            f"mà mã nguồn này chưa biết (ví dụ {', '.join(unknown[:3])}): hãy cài phiên bản "
            "parindex đã tạo bản sao lưu (hoặc mới hơn) rồi khôi phục."
        )


def _pending_migrations(manifest: dict[str, Any]) -> list[str]:
    applied = {
        (app, name)
        for app, names in (manifest["database"].get("migrations") or {}).items()
        for name in names
    }
    return sorted(f"{app}.{name}" for app, name in _known_migrations() - applied)


def _check_sqlite(path: Path, manifest: dict[str, Any]) -> None:
    integrity = databases.sqlite_integrity(path)
    if integrity != "ok":
        raise OperationRefused(f"Tệp SQLite trong bản sao lưu không toàn vẹn: {integrity[:300]}.")
    tables, _ = databases.sqlite_fingerprint(path)
    expected = manifest["database"].get("tables") or {}
    if tables != expected:
        different = sorted(
            name for name in set(tables) | set(expected) if tables.get(name) != expected.get(name)
        )
        raise OperationRefused(
            "Cơ sở dữ liệu trong bản sao lưu không khớp số dòng/mã kiểm tra của manifest.json "
            f"(bảng {', '.join(different[:5])}): không khôi phục, không ghi gì."
        )


class _Moves:
    """Renames done during a restore, undone in reverse order if a later step fails."""

    def __init__(self) -> None:
        self.done: list[tuple[Path, Path]] = []

    def move(self, source: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        self.done.append((source, target))

    def undo(self) -> None:
        for source, target in reversed(self.done):
            with suppress(OSError):
                os.replace(target, source)
        self.done.clear()


def restore_archive(
    archive: Path,
    *,
    instance: Instance | None = None,
    force: bool = False,
    report: Report = _quiet,
) -> RestoreResult:
    """Restore `archive` into an empty instance (or replace a non-empty one with `force`)."""
    started = time.monotonic()
    instance = instance or Instance.from_settings()
    archive = Path(archive)
    if not archive.is_file():
        raise OperationRefused(f"Không có tệp sao lưu {archive}.")
    vendor = instance.vendor
    contents = instance_contents(instance)
    if contents and not force:
        raise OperationRefused(
            "Không khôi phục: phiên bản đích không trống ("
            + "; ".join(contents)
            + "). Hãy khôi phục vào một phiên bản trống (cơ sở dữ liệu chưa có bảng nào, chưa chạy "
            "migrate; các thư mục dữ liệu không có tệp), hoặc thêm --force để thay thế: dữ liệu "
            "hiện có được chuyển sang chỗ khác, không bị xoá (docs/operations.md)."
        )

    created_data_dir = not instance.data_dir.exists()
    instance.data_dir.mkdir(parents=True, exist_ok=True)
    staging = instance.data_dir / f".restore-{uuid.uuid4().hex[:12]}"
    staging.mkdir()
    moves = _Moves()
    cleanup: list[Path] = []
    database_restored = False
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside_schema = f"{databases.ASIDE_SCHEMA_PREFIX}{stamp.replace('-', '_')}" if force else None
    set_aside: list[str] = []
    try:
        report(f"Giải nén và kiểm tra {archive}…")
        manifest, extracted = _extract(archive, staging)
        _check_files(manifest, extracted)
        _check_compatible(manifest, instance)
        if manifest["database"]["file"] not in extracted:
            raise OperationRefused("Tệp sao lưu thiếu phần cơ sở dữ liệu.")
        dump = staging / manifest["database"]["file"]

        staged_db: Path | None = None
        if vendor == databases.SQLITE:
            # Staged beside its target, so that putting it in place is one rename.
            target_db = instance.sqlite_path
            target_db.parent.mkdir(parents=True, exist_ok=True)
            staged_db = target_db.parent / f".{target_db.name}{staging.name}"
            cleanup.append(staged_db)
            try:
                os.replace(dump, staged_db)
            except OSError:  # another file system
                shutil.copyfile(dump, staged_db)
            _check_sqlite(staged_db, manifest)
            with staged_db.open("rb+") as handle:
                os.fsync(handle.fileno())

        # Everything is verified: move into place.
        report("Đưa dữ liệu vào chỗ…")
        if force and contents:
            aside = instance.data_dir / f"before-restore-{stamp}"
            for part, root in instance.parts.items():
                if root.exists():
                    moves.move(root, aside / part)
                    set_aside.append(str(aside / part))
        if vendor == databases.POSTGRESQL:
            report("Khôi phục PostgreSQL (một giao dịch, kiểm tra từng bảng)…")
            if not databases.pg_tables(instance.database):
                aside_schema = None
            databases.pg_restore(
                dump,
                instance.database,
                manifest["database"].get("tables") or {},
                aside_schema=aside_schema,
            )
            database_restored = True
            if aside_schema:
                set_aside.append(f"PostgreSQL schema {aside_schema}")
        for part, root in instance.parts.items():
            staged_part = staging / part
            if root.exists():  # empty (checked above): out of the way, removed with the staging
                moves.move(root, staging / f"empty-{part}")
            if staged_part.exists():
                moves.move(staged_part, root)
            else:
                root.mkdir(parents=True, exist_ok=True)
        if staged_db is not None:
            target_db = instance.sqlite_path
            for suffix in ("", "-journal", "-wal", "-shm"):
                current = Path(f"{target_db}{suffix}")
                if not current.exists():
                    continue
                if force and contents:
                    moves.move(current, Path(f"{target_db}.before-restore-{stamp}{suffix}"))
                    set_aside.append(f"{target_db}.before-restore-{stamp}{suffix}")
                else:  # an empty database file and its empty journals
                    moves.move(current, staging / f"empty-database{suffix}")
            moves.move(staged_db, target_db)
            _fsync_folder(target_db.parent)
    except BaseException:
        moves.undo()
        for path in cleanup:
            path.unlink(missing_ok=True)
        if database_restored:
            with suppress(Exception):
                databases.pg_undo_restore(instance.database, aside_schema=aside_schema)
        shutil.rmtree(staging, ignore_errors=True)
        if created_data_dir:
            shutil.rmtree(instance.data_dir, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)
    tables = manifest["database"].get("tables") or {}
    return RestoreResult(
        files=len(extracted),
        bytes=sum(size for _, size in extracted.values()),
        tables=len(tables),
        rows=sum(int(table["rows"]) for table in tables.values()),
        seconds=time.monotonic() - started,
        manifest=manifest,
        pending_migrations=_pending_migrations(manifest),
        set_aside=set_aside,
    )
