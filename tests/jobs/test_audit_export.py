"""The audit trail's Excel export runs as a job: the page starts it with its filters and shows
its progress; the workbook reads as the page does (`parindex.audit.labels`)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parindex.audit.exports import AUDIT_EXCEL_JOB, HEADER
from parindex.audit.services import audit_record
from parindex.jobs.models import Job, JobState

pytestmark = pytest.mark.django_db


def test_the_audit_export_is_a_job_whose_workbook_lists_the_events(administrator, client):
    audit_record(
        actor=administrator,
        action="update",
        object_type="unit",
        object_id="7",
        object_repr="Xã An Bình",
        changes={"name": ["Xã An", "Xã An Bình"]},
        reason="Đổi tên",
    )
    audit_record(
        actor=None, action="import", object_type="framework", object_id="1", object_repr="Bộ 2025"
    )
    client.force_login(administrator)
    assert client.get(reverse("audit:export")).status_code == 405  # starting a job is a POST

    response = client.post(reverse("audit:export"), {"type": "unit"})
    job = Job.objects.get(kind=AUDIT_EXCEL_JOB)
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert (job.state, job.percent) == (JobState.DONE, 100)
    assert job.params == {
        "actor": "",
        "unit": None,
        "action": "",
        "type": "unit",
        "start": "",
        "end": "",
    }
    assert job.created_by == administrator
    assert job.result_name == "nhat-ky-thay-doi.xlsx"
    download = client.get(reverse("jobs:result", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)))["nhat-ky"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [str(heading) for heading in HEADER]
    assert rows[1][1:] == [
        str(administrator),
        "sửa",
        "Đơn vị",
        "Xã An Bình",
        "tên đơn vị: Xã An → Xã An Bình",
        "Đổi tên",
    ]
    assert len(rows) == 2  # only the units', as filtered on the page


def test_the_audit_page_starts_the_export_with_a_form(administrator, client):
    client.force_login(administrator)
    page = client.get(reverse("audit:list") + "?type=unit").content.decode()
    assert f'method="post" action="{reverse("audit:export")}"' in page
    assert '<input type="hidden" name="type" value="unit">' in page


def test_an_audit_export_whose_requester_is_no_longer_an_administrator_does_not_run(
    administrator,
):
    from parindex.jobs.runner import submit

    administrator.role = "leader"  # demoted while the job waited in the queue
    administrator.save()
    job = submit(kind=AUDIT_EXCEL_JOB, title="Nhật ký", params={}, user=administrator)
    assert job.state == JobState.FAILED
    assert job.error.startswith("Người yêu cầu không còn quyền xem nhật ký.")
    assert not job.result
