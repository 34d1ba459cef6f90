"""What an import killed mid-way leaves in the data stores (a `.staging-*` folder, temporary
files) is removed: by the next import, which holds the store's lock, and when the job worker
starts; a live writer's files are left alone."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import pytest

from parindex.common.atomic import leftovers, sweep_leftovers
from parindex.servicedata.store import Store

HOUR = 3600


def aged(path: Path, seconds: float) -> Path:
    moment = time.time() - seconds
    for inner in [path, *path.rglob("*")] if path.is_dir() else [path]:
        os.utime(inner, (moment, moment))
    return path


def staging(root: Path, name: str, age: float) -> Path:
    folder = root / f".staging-{name}"
    folder.mkdir(parents=True)
    (folder / "records.parquet").write_bytes(b"PAR1" * 1000)
    return aged(folder, age)


def test_the_next_import_removes_a_killed_imports_staging_folder(tmp_path):
    store = Store(tmp_path)
    killed = staging(tmp_path, "killed", age=60)  # young, but no writer holds the lock
    manifest_temporary = tmp_path / f".manifest.json.{'a' * 32}"
    manifest_temporary.write_text("{}")
    kept = tmp_path / "reference" / "units.csv"
    kept.parent.mkdir()
    kept.write_text("code,name\n")

    with store.writing() as writer:
        assert writer.staging.exists()
        assert not killed.exists()
        assert not manifest_temporary.exists()

    assert kept.exists()
    assert not leftovers(tmp_path)


def test_the_worker_sweep_takes_everything_when_no_import_runs(tmp_path):
    staging(tmp_path, "killed", age=60)

    removed = Store(tmp_path).sweep()

    assert [path.name for path in removed] == [".staging-killed"]


def test_while_an_import_runs_only_old_leftovers_go(tmp_path):
    old = staging(tmp_path, "old", age=2 * HOUR)
    live = staging(tmp_path, "live", age=10)
    with (tmp_path / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process's import holds the lock

        Store(tmp_path).sweep()

    assert not old.exists()
    assert live.exists()


def test_a_staging_folder_still_being_written_counts_as_young(tmp_path):
    folder = staging(tmp_path, "slow", age=2 * HOUR)
    (folder / "records.parquet").touch()  # the writer is still filling it

    assert sweep_leftovers(tmp_path) == []
    assert folder.exists()


def test_old_temporary_files_of_atomic_writes_are_removed_and_data_kept(tmp_path):
    forms = tmp_path / "forms"
    forms.mkdir()
    temporary = forms / ".khao_sat.abc123.tmp.xlsx"
    temporary.write_bytes(b"x")
    aged(temporary, 2 * HOUR)
    young = forms / ".khao_sat.def456.tmp.xlsx"
    young.write_bytes(b"x")
    data = forms / "khao_sat.xlsx"
    data.write_bytes(b"PK")
    aged(data, 2 * HOUR)
    lock = tmp_path / ".lock"
    lock.touch()
    aged(lock, 2 * HOUR)

    removed = sweep_leftovers(tmp_path)

    assert removed == [temporary]
    assert young.exists()
    assert data.exists()
    assert lock.exists()


def test_the_worker_sweeps_both_stores_when_it_starts(tmp_path, settings, monkeypatch):
    from django_tasks_db.management.commands.db_worker import Command as DbWorker

    from parindex.jobs.management.commands.jobs_worker import Command as JobsWorker

    settings.DATA_DIR = tmp_path
    dossiers = staging(tmp_path / "servicedata", "killed", age=60)
    survey_temporary = tmp_path / "surveys" / "responses" / ".000001.abc.tmp.parquet"
    survey_temporary.parent.mkdir(parents=True)
    survey_temporary.write_bytes(b"x")
    aged(survey_temporary, 2 * HOUR)
    monkeypatch.setattr(DbWorker, "handle", lambda self, *args, **options: None)
    monkeypatch.setattr("parindex.jobs.recovery.recover_interrupted_jobs", lambda: [])
    monkeypatch.setattr(
        "parindex.jobs.management.commands.jobs_worker.recover_interrupted_jobs", lambda: []
    )

    JobsWorker().handle(verbosity=0, batch=True, reload=False)

    assert not dossiers.exists()
    assert not survey_temporary.exists()


@pytest.mark.parametrize("name", [".lock", "manifest.json", ".staging", "staging-x", ".tmp"])
def test_names_that_only_look_alike_are_never_leftovers(tmp_path, name):
    (tmp_path / name).write_text("x")

    assert leftovers(tmp_path) == []
