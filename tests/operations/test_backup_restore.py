"""`manage.py backup` and `manage.py restore`: one archive, restored only when all of it checks.

These run on the suite's database: SQLite in the default pass, PostgreSQL (pg_dump, a
verified psql transaction) when DATABASE_URL points at PostgreSQL.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parindex.operations import databases
from parindex.operations.errors import OperationRefused
from parindex.operations.services import backup_create, restore_archive

from .conftest import everything_under, stored_files, table_contents


def _members(archive: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(archive, "r:*") as tar:
        return [(member, tar.extractfile(member).read()) for member in tar]  # type: ignore[union-attr]


def _rewrite(archive: Path, destination: Path, change) -> Path:
    """A copy of `archive` with its members passed through `change(name, data)`: new bytes,
    or None to leave the member out."""
    with tarfile.open(destination, "w:gz") as tar:
        for member, data in _members(archive):
            changed = change(member.name, data)
            if changed is None:
                continue
            member.size = len(changed)
            tar.addfile(member, io.BytesIO(changed))
    return destination


def _manifest_changed(archive: Path, destination: Path, edit) -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()

    return _rewrite(archive, destination, change)


def _assert_untouched(target) -> None:
    assert everything_under(target.data_dir) == []
    if target.vendor == databases.SQLITE:
        assert databases.sqlite_tables(target.sqlite_path) == []
    else:
        assert databases.pg_tables(target.database) == []


@pytest.fixture
def archive(source, tmp_path) -> Path:
    return backup_create(tmp_path / "backups" / "parindex.tar.gz", instance=source).path


def test_a_backup_restored_into_a_fresh_instance_has_every_row_and_file(source, fresh, tmp_path):
    result = backup_create(tmp_path / "backups" / "parindex.tar.gz", instance=source)
    target = fresh()

    restored = restore_archive(result.path, instance=target)

    assert table_contents(target) == table_contents(source)
    assert stored_files(target) == stored_files(source)
    assert "servicedata/.lock" not in {entry["path"] for entry in result.manifest["files"]}
    assert restored.rows == sum(rows for rows, _ in table_contents(source).values())
    assert restored.pending_migrations == []


def test_the_manifest_describes_the_archive(archive, source):
    members = {member.name: data for member, data in _members(archive)}
    manifest = json.loads(members.pop("manifest.json"))
    vendor = source.vendor
    assert manifest["format"] == "parindex-backup"
    assert manifest["database"]["vendor"] == vendor
    assert manifest["database"]["file"] in members
    assert "0002_job_heartbeat_at_job_task_id" in manifest["database"]["migrations"]["jobs"]
    counts = {table: rows for table, (rows, _) in table_contents(source).items()}
    assert {t: v["rows"] for t, v in manifest["database"]["tables"].items()} == counts
    assert {entry["path"] for entry in manifest["files"]} == set(members)
    assert manifest["parts"]["media"]["files"] == 2
    assert manifest["created_at"]


def test_the_command_writes_a_dated_archive_in_a_folder(source, tmp_path, capsys, monkeypatch):
    from parindex.operations import services

    monkeypatch.setattr(services.Instance, "from_settings", classmethod(lambda cls: source))
    folder = tmp_path / "daily"
    folder.mkdir()

    call_command("backup", "--output", str(folder))

    written = list(folder.iterdir())
    assert len(written) == 1
    assert written[0].name.startswith("parindex-backup-")
    assert written[0].name.endswith(".tar.gz")
    assert written[0].stat().st_mode & 0o077 == 0  # holds password hashes: owner only
    assert str(written[0]) in capsys.readouterr().out


def test_a_truncated_archive_is_refused_and_nothing_is_written(archive, fresh, tmp_path):
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    target = fresh()

    with pytest.raises(OperationRefused, match="cắt cụt hoặc hỏng"):
        restore_archive(truncated, instance=target)

    _assert_untouched(target)


def test_an_archive_cut_before_its_manifest_is_refused(archive, fresh, tmp_path):
    cut = _rewrite(
        archive, tmp_path / "cut.tar.gz", lambda n, d: None if n == "manifest.json" else d
    )
    target = fresh()

    with pytest.raises(OperationRefused, match=r"thiếu bản kê manifest\.json"):
        restore_archive(cut, instance=target)

    _assert_untouched(target)


def test_a_tampered_part_is_refused(archive, fresh, tmp_path):
    tampered = _rewrite(
        archive,
        tmp_path / "tampered.tar.gz",
        lambda name, data: data.replace(b"%PDF", b"%PDX") if name.endswith(".pdf") else data,
    )
    target = fresh()

    with pytest.raises(OperationRefused, match=r"minh-chung\.pdf .*bị hỏng hoặc bị sửa"):
        restore_archive(tampered, instance=target)

    _assert_untouched(target)


def test_a_missing_part_is_refused(archive, fresh, tmp_path):
    missing = _rewrite(
        archive, tmp_path / "missing.tar.gz", lambda n, d: None if n.endswith(".parquet") else d
    )
    target = fresh()

    with pytest.raises(OperationRefused, match=r"thiếu 1 phần .*records\.parquet"):
        restore_archive(missing, instance=target)

    _assert_untouched(target)


def test_a_database_whose_rows_differ_from_the_manifest_is_refused(archive, fresh, tmp_path):
    def edit(manifest):
        manifest["database"]["tables"]["units_unit"]["rows"] += 1

    changed = _manifest_changed(archive, tmp_path / "rows.tar.gz", edit)
    target = fresh()

    with pytest.raises(OperationRefused, match="không khớp"):
        restore_archive(changed, instance=target)

    _assert_untouched(target)


def test_an_archive_of_another_database_vendor_is_refused(archive, fresh, tmp_path):
    def edit(manifest):
        manifest["database"]["vendor"] = "oracle"

    other = _manifest_changed(archive, tmp_path / "vendor.tar.gz", edit)
    target = fresh()

    with pytest.raises(OperationRefused, match="cơ sở dữ liệu oracle"):
        restore_archive(other, instance=target)

    _assert_untouched(target)


def test_an_archive_with_migrations_newer_than_the_code_is_refused(archive, fresh, tmp_path):
    def edit(manifest):
        manifest["database"]["migrations"]["jobs"].append("9999_from_the_future")

    newer = _manifest_changed(archive, tmp_path / "newer.tar.gz", edit)
    target = fresh()

    with pytest.raises(OperationRefused, match=r"chưa biết \(ví dụ jobs\.9999_from_the_future"):
        restore_archive(newer, instance=target)

    _assert_untouched(target)


def test_restore_into_a_non_empty_instance_is_refused(archive, fresh):
    target = fresh()
    target.parts["media"].mkdir(parents=True)
    (target.parts["media"] / "old.pdf").write_bytes(b"%PDF old")

    with pytest.raises(OperationRefused, match=r"không trống .*uploads có 1 tệp.*--force"):
        restore_archive(archive, instance=target)
    assert everything_under(target.data_dir) == ["uploads", "uploads/old.pdf"]

    restored = fresh("restored")
    restore_archive(archive, instance=restored)
    before = table_contents(restored)
    with pytest.raises(OperationRefused, match=r"cơ sở dữ liệu .* đã có \d+ bảng"):
        restore_archive(archive, instance=restored)
    assert table_contents(restored) == before


def test_force_sets_the_current_data_aside_and_restores(archive, source, fresh):
    target = fresh()
    restore_archive(archive, instance=target)
    (target.parts["media"] / "added-later.pdf").write_bytes(b"%PDF later")

    result = restore_archive(archive, instance=target, force=True)

    assert stored_files(target) == stored_files(source)
    aside = [Path(place) for place in result.set_aside if not place.startswith("PostgreSQL")]
    assert any((place / "added-later.pdf").exists() for place in aside)
    assert table_contents(target) == table_contents(source)


def test_the_restore_command_explains_a_refusal_in_vietnamese(fresh, tmp_path, monkeypatch):
    from parindex.operations import services

    target = fresh()
    monkeypatch.setattr(services.Instance, "from_settings", classmethod(lambda cls: target))
    damaged = tmp_path / "hong.tar.gz"
    damaged.write_bytes(b"\x1f\x8b not an archive")

    with pytest.raises(CommandError, match="Tệp sao lưu bị cắt cụt hoặc hỏng"):
        call_command("restore", str(damaged))
    _assert_untouched(target)


def test_a_manifest_of_the_wrong_shape_is_refused(archive, fresh, tmp_path):
    def edit(manifest):
        del manifest["database"]["tables"]

    malformed = _manifest_changed(archive, tmp_path / "malformed.tar.gz", edit)
    target = fresh()

    with pytest.raises(OperationRefused, match="thiếu mục hoặc sai kiểu"):
        restore_archive(malformed, instance=target)

    _assert_untouched(target)
