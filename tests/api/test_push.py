"""Dossiers pushed through the API: the file import's checks and report, idempotent per
record (dossier code + update time), the same batch twice a no-op, large batches as jobs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from parindex.apitokens.models import ApiAccessLog
from parindex.audit.models import AuditEvent
from parindex.dossiers import services
from parindex.dossiers.sources import data_store
from parindex.jobs import runner
from parindex.jobs.models import Job, JobState
from parindex.servicedata.push import ledger_size
from tests.dossiers.helpers import COLUMNS, ROWS


@pytest.fixture(autouse=True)
def _own_store(settings, tmp_path):
    """Each test its own data folder: the store and the push ledger start empty."""
    settings.DATA_DIR = tmp_path


def records(rows: list[tuple[str, ...]] = ROWS) -> list[dict[str, Any]]:
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows]


def store_state() -> tuple[Any, ...]:
    store = data_store()
    return (tuple((batch.id, tuple(sorted(batch.counts.items()))) for batch in store.batches()),)


def indicators(api) -> Any:
    response = api.get(
        "/dossiers/indicators", **{"from": "2025-01-01", "to": "2025-12-31", "by": "unit,year"}
    )
    assert response.status_code == 200, response.content
    return [
        {key: row[key] for key in ("unit_code", "received", "handled", "on_time", "late")}
        for row in response.json()["rows"]
    ]


def test_a_batch_is_imported_with_the_file_imports_report(api_as, province):
    api = api_as("appraiser")
    response = api.post("/dossiers/push", records())
    assert response.status_code == 200, response.content
    report = response.json()
    assert (report["read"], report["imported"], report["rejected"]) == (8, 7, 1)
    assert report["unchanged"] == report["outdated"] == 0
    assert report["reconciles"]
    [bad] = report["rejected_rows"]
    assert (bad["index"], bad["row"], bad["dossier"], bad["field"]) == (7, 8, "Z1", "unit_code")
    assert report["job"]["state"] == "done"
    assert [row["unit_code"] for row in indicators(api)] == ["A", "B"]
    assert indicators(api)[0]["handled"] == 5
    # Audited as an import, and the write is in the token's log.
    assert AuditEvent.objects.filter(action="dossiers_push").count() == 1
    assert ApiAccessLog.objects.filter(method="POST", path="/api/v1/dossiers/push").count() == 1


def test_pushing_the_same_batch_twice_changes_nothing(api_as, province):
    api = api_as("appraiser")
    assert api.post("/dossiers/push", records()).status_code == 200
    before = (store_state(), ledger_size(data_store()), indicators(api))
    again = api.post("/dossiers/push", records())
    assert again.status_code == 200
    report = again.json()
    assert report["already_imported"] is True
    assert report["imported"] == 0
    # The same records as JSON Lines: the same batch, nothing written either.
    lines = "\n".join(json.dumps(record) for record in records())
    third = api.post("/dossiers/push", raw=lines, content_type="application/x-ndjson")
    assert third.status_code == 200, third.content
    assert third.json()["already_imported"] is True
    assert (store_state(), ledger_size(data_store()), indicators(api)) == before
    assert AuditEvent.objects.filter(action="dossiers_push").count() == 1


def test_records_already_imported_are_left_out_of_a_later_batch(api_as, province):
    api = api_as("appraiser")
    api.post("/dossiers/push", records(ROWS[:4]))
    before = indicators(api)
    # A1..A4 again (unchanged) and A5, B1 new: only the new ones are imported.
    report = api.post("/dossiers/push", records(ROWS[:6])).json()
    assert (report["read"], report["unchanged"], report["imported"]) == (6, 4, 2)
    assert report["reconciles"]
    assert report["superseded_earlier"] == 0
    assert indicators(api) != before


def test_update_time_decides_which_record_wins(api_as, province):
    api = api_as("appraiser")
    first = records(ROWS[:1])[0] | {"updated_at": "2025-03-05T10:00:00+07:00"}
    assert api.post("/dossiers/push", [first]).json()["imported"] == 1
    # Same code and update time: the same version, left out even if a field differs.
    same = first | {"channel": "in_person"}
    report = api.post("/dossiers/push", [same]).json()
    assert (report["unchanged"], report["imported"]) == (1, 0)
    # Older than what is stored: a late retry never overwrites the newer record.
    older = first | {"updated_at": "2025-03-05T09:00:00+07:00", "status": "processing"}
    report = api.post("/dossiers/push", [older]).json()
    assert (report["outdated"], report["imported"]) == (1, 0)
    # Newer: imported, and it replaces the earlier record.
    newer = first | {"updated_at": "2025-03-06T08:00:00+07:00", "finished_at": ""}
    newer["status"] = "processing"
    report = api.post("/dossiers/push", [newer]).json()
    assert (report["imported"], report["superseded_earlier"]) == (1, 1)
    assert indicators(api)[0]["handled"] == 0


BAD_ROWS = [
    ("C1", "X001", "A", "2025-13-01 09:00", "", "", "", "online", "", "", "finished"),
    ("C2", "NOPE", "A", "2025-03-03 09:00", "2025-03-04 17:00", "2025-03-04 10:00", "", "online", "", "", "finished"),
    ("C3", "X001", "A", "", "", "", "", "online", "", "", "processing"),
    ("C4", "X001", "A", "2025-03-03 09:00", "2025-03-04 17:00", "2025-03-02 10:00", "", "online", "", "", "finished"),
]  # fmt: skip


def test_bad_rows_are_reported_with_their_index_and_field_as_a_file_import_reports_them(
    api_as, province, settings, tmp_path
):
    rows = [ROWS[0], *BAD_ROWS, ROWS[5]]
    # The file import of the same rows, in a store of its own.
    settings.DATA_DIR = tmp_path / "file"
    job = services.dossiers_import_here(
        actor=province["users"]["appraiser"],
        name="ho-so.csv",
        chunks=[_csv(rows)],
    )
    filed = job.report
    settings.DATA_DIR = tmp_path / "push"
    pushed = api_as("appraiser").post("/dossiers/push", records(rows)).json()
    assert (
        (pushed["read"], pushed["imported"], pushed["rejected"])
        == (
            filed["read"],
            filed["imported"],
            filed["rejected"],
        )
        == (6, 2, 4)
    )
    by_file = {row["dossier"]: row for row in filed["rejected_rows"]}
    for row in pushed["rejected_rows"]:
        twin = by_file[row["dossier"]]
        # The same reasons; "dòng N" of the file is the record N − 2 of the batch.
        assert row["reason"] == twin["reason"]
        assert row["index"] == int(twin["row"].split()[-1]) - 2
        assert (row["field"] or "") == twin["columns"].split(", ")[0]
    assert [row["index"] for row in pushed["rejected_rows"]] == [1, 2, 3, 4]
    assert [row["field"] for row in pushed["rejected_rows"]] == [
        "received_at",
        "procedure_code",
        "received_at",
        None,  # dates that contradict each other: the message names both, no one column
    ]


def _csv(rows: list[tuple[str, ...]]) -> bytes:
    from tests.dossiers.helpers import export_csv

    return export_csv(rows)


def test_values_that_are_not_scalars_and_unreadable_update_times_are_refused_per_record(
    api_as, province
):
    batch = records(ROWS[:3])
    batch[1]["fee"] = {"amount": 5}
    batch[2]["updated_at"] = "hôm qua"
    report = api_as("appraiser").post("/dossiers/push", batch).json()
    assert (report["imported"], report["rejected"]) == (1, 2)
    assert [(row["index"], row["field"]) for row in report["rejected_rows"]] == [
        (1, "fee"),
        (2, "updated_at"),
    ]


def test_times_with_an_offset_are_read_in_vietnam_time(api_as, province):
    record = records(ROWS[:1])[0] | {
        "received_at": "2025-03-03T02:00:00Z",
        "deadline_at": "2025-03-06T17:00:00+07:00",
        "finished_at": "2025-03-05T03:00:00Z",
    }
    report = api_as("appraiser").post("/dossiers/push", [record]).json()
    assert report["imported"] == 1, report


def test_a_broken_batch_is_refused_whole_with_the_place(api_as, province):
    api = api_as("appraiser")
    lines = json.dumps(records(ROWS[:1])[0]) + "\n{not json\n"
    response = api.post("/dossiers/push", raw=lines, content_type="application/x-ndjson")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["row"]) == ("invalid_json", 2)
    response = api.post("/dossiers/push", [records(ROWS[:1])[0], "A2"])
    assert (response.status_code, response.json()["row"]) == (400, 2)
    response = api.post("/dossiers/push", [])
    assert response.status_code == 400
    response = api.post("/dossiers/push", raw="a,b\n1,2", content_type="text/csv")
    assert response.status_code == 415
    # Records without the required columns: the import refuses the batch, nothing written.
    response = api.post("/dossiers/push", [{"dossier_code": "X"}])
    assert response.status_code == 400
    assert response.json()["code"] == "refused"
    assert data_store().batches() == []


def test_a_large_batch_is_a_job_whose_report_is_polled(api_as, province, settings, monkeypatch):
    settings.PARINDEX_API_PUSH_SYNC_LIMIT = 3
    queued: list[Any] = []
    monkeypatch.setattr(runner, "enqueue_after_commit", queued.append)
    api = api_as("appraiser")
    response = api.post("/dossiers/push", records())
    assert response.status_code == 202, response.content
    job_id = response.json()["job"]["id"]
    assert api.get(f"/jobs/{job_id}").json()["state"] == "queued"
    [enqueue] = queued
    enqueue()  # what the worker does once the request has committed
    assert Job.objects.get(pk=job_id).state == JobState.DONE
    polled = api.get(f"/jobs/{job_id}").json()
    assert polled["state"] == "done"
    assert (polled["report"]["read"], polled["report"]["imported"]) == (8, 7)
    # Only its requester (and administrators) may poll it.
    assert api_as("officer_a").get(f"/jobs/{job_id}").status_code == 404
