"""Dossier uploads run as background jobs and end with a report that reconciles; other feeds."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parindex.audit.models import AuditEvent
from parindex.dossiers.services import IMPORT_JOB
from parindex.dossiers.sources import data_store, upload_folder
from parindex.jobs.models import JobState

from .helpers import ROWS, export_csv


def test_an_upload_runs_as_a_job_whose_report_reconciles(imported, login):
    assert imported.kind == IMPORT_JOB
    assert imported.state == JobState.DONE
    report = imported.report
    assert (report["read"], report["imported"], report["rejected"]) == (8, 7, 1)
    assert report["reconciles"] is True
    assert imported.message == "Đọc 8 dòng = nhập 7 + loại 1"
    (row,) = report["rejected_rows"]
    assert row == {
        "file": "ho-so-2025.csv",
        "row": "dòng 9",
        "dossier": "Z1",
        "columns": "unit_code",
        "reason": "cột «unit_code»: đơn vị «ZZ» không có trong danh sách đơn vị",
    }
    batches = data_store().batches("dossiers")
    assert [batch.id for batch in batches] == [report["batch"]]
    assert batches[0].counts["imported"] == 7
    assert list(upload_folder().iterdir()) == []  # the kept upload is gone once imported
    event = AuditEvent.objects.get(action="dossiers_import")
    assert event.object_id == report["batch"]

    page = login("appraiser").get(reverse("dossiers:report", args=[imported.pk]))
    text = page.content.decode()
    assert "Đọc 8 dòng = nhập 7 + loại 1" in text
    assert "đơn vị «ZZ» không có trong danh sách đơn vị" in text


def test_the_rejected_rows_download_as_csv_with_row_and_column(imported, login):
    response = login("admin").get(reverse("dossiers:report_csv", args=[imported.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows == [
        ["Tệp", "Dòng", "Mã hồ sơ", "Cột", "Lý do"],
        ["ho-so-2025.csv", "dòng 9", "Z1", "unit_code",
         "cột «unit_code»: đơn vị «ZZ» không có trong danh sách đơn vị"],
    ]  # fmt: skip


def test_the_report_page_polls_while_the_job_runs_and_reloads_when_it_is_over(imported, login):
    client = login("appraiser")
    url = reverse("dossiers:report", args=[imported.pk])
    imported.state = JobState.RUNNING
    imported.save()
    running = client.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in running.content.decode()
    imported.state = JobState.DONE
    imported.save()
    over = client.get(url, headers={"HX-Request": "true"})
    assert over.status_code == 204
    assert over["HX-Refresh"] == "true"


def test_importing_the_same_file_again_changes_nothing(imported, upload):
    again = upload()
    assert again.report["already_imported"] is True
    assert again.report["batch"] == imported.report["batch"]
    assert len(data_store().batches()) == 1
    assert again.message.startswith("Tệp đã được nhập trước đây, không thay đổi gì.")


def test_a_later_export_replaces_the_records_it_repeats(imported, upload):
    corrected = [(*ROWS[0][:5], "2025-03-07 10:00", *ROWS[0][6:])]  # A1 finished late after all
    later = upload(export_csv(corrected), name="ho-so-bo-sung.csv")
    assert later.report["superseded_earlier"] == 1
    assert len(data_store().batches("dossiers")) == 2


def test_a_file_without_a_required_column_is_refused_and_nothing_is_written(upload):
    content = b"dossier_code,unit_code,received_at\nA1,A,2025-03-03 09:00\n"
    job = upload(content, name="thieu-cot.csv")
    assert job.state == JobState.DONE
    assert job.report["refused"] is True
    messages = [problem["reason"] for problem in job.report["problems"]]
    assert any("thiếu cột «procedure_code»" in message for message in messages)
    assert {problem["file"] for problem in job.report["problems"]} == {"thieu-cot.csv"}
    assert data_store().batches() == []
    assert "dossier_code, received_at, unit_code" in messages[-1]  # what the file has instead
    assert job.message == f"Tệp bị từ chối: {len(messages)} vấn đề, không ghi gì."


def test_an_uploaded_mapping_with_a_mistake_is_refused_on_the_form(login, data_dir):
    mapping = b"name: broken\ncolumns:\n  dossier_code: Ma\n  no_such_field: X\n"
    response = login("appraiser").post(
        reverse("dossiers:upload"),
        {
            "file": SimpleUploadedFile("ho-so.csv", export_csv()),
            "mapping": "__upload__",
            "mapping_file": SimpleUploadedFile("anh-xa.yaml", mapping),
        },
    )
    assert response.status_code == 200
    assert "no_such_field" in response.content.decode()
    assert list(upload_folder().iterdir()) == []


def test_a_unit_officer_cannot_upload(login, data_dir):
    response = login("officer_a").post(
        reverse("dossiers:upload"),
        {"file": SimpleUploadedFile("x.csv", export_csv()), "mapping": "generic"},
    )
    assert response.status_code == 403
    assert data_store().batches() == []


def test_a_feed_file_is_imported_with_its_row_errors(login, data_dir):
    content = (
        b"unit,indicator,period,numerator,denominator,value\n"
        b"A,pakn_dung_han,2025-Q1,9,10,\n"
        b"ZZ,pakn_dung_han,2025-Q1,1,2,\n"
        b"B,pakn_dung_han,2025-13,1,2,\n"
    )
    response = login("appraiser").post(
        reverse("dossiers:feeds"), {"file": SimpleUploadedFile("pakn.csv", content)}
    )
    assert response.status_code == 200
    report = response.context["report"]
    assert (report["read"], report["imported"], report["rejected"]) == (3, 1, 2)
    rows = {row["row"]: row for row in report["rejected_rows"]}
    assert rows["dòng 3"]["columns"] == "unit"
    assert rows["dòng 3"]["file"] == "pakn.csv"
    assert rows["dòng 4"]["columns"] == "period"
    assert "dòng 3" in response.content.decode()
    assert len(data_store().batches("feeds")) == 1
