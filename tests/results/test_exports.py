"""Excel and PDF exports, the background jobs that make them, and the charts they embed."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parindex.common.svg import data_uri
from parindex.jobs.models import Job, JobState
from parindex.jobs.runner import submit
from parindex.results import charts, selectors
from parindex.results.exports import FIRST_DATA_ROW, HEADER_ROW, sheet_title
from parindex.results.jobs import EXCEL_JOB, PROVINCE_PDF_JOB, province_pdf_job

pytestmark = pytest.mark.django_db

HEADERS = [
    "STT",
    "Mã đơn vị",
    "Đơn vị",
    "1. Công tác chỉ đạo, điều hành",
    "2. Cải cách thủ tục hành chính",
    "Tổng điểm",
    "Chỉ số (%)",
    "Xếp hạng",
    "Xếp loại",
    "Ghi chú",
]


def pdf_text(data: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def finished_job(response) -> Job:
    """The job a POST started (the immediate runner of the tests has finished it)."""
    assert response.status_code == 302
    job = Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.state == JobState.DONE, job.error
    return job


def test_the_excel_export_has_a_sheet_per_group_with_areas_totals_ranks_and_classes(scored, login):
    client = login("appraiser")
    job = finished_job(client.post(reverse("results:export_excel", args=[scored["period"].pk])))
    assert job.result_name == "ket-qua-chi-so-cchc-2025.xlsx"
    download = client.get(reverse("jobs:result", args=[job.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.sheetnames == ["Cấp xã"]
    sheet = workbook["Cấp xã"]
    assert sheet["A1"].value == "KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025"
    assert sheet["A3"].value.startswith("KẾT QUẢ TẠM TÍNH, CHƯA CÔNG BỐ")
    assert [cell.value for cell in sheet[HEADER_ROW]] == HEADERS
    assert [cell.value for cell in sheet[HEADER_ROW + 1]][2:7] == ["Điểm tối đa", 6, 4, 10, 100]
    rows = [
        [cell.value for cell in row]
        for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, max_row=FIRST_DATA_ROW + 2)
    ]
    assert rows == [
        [1, "B", "Xã Bình Minh", 6, 2, 8, 80, 1, "Khá", None],
        [2, "C", "Phường Cẩm Lộc", 6, 2, 8, 80, 1, "Khá", None],
        [3, "A", "Xã An Bình", 3.5556, 2, 5.5556, 55.56, 3, "Yếu", None],
    ]
    # The cells keep the exact points (5.5556 above); Excel shows the framework's two
    # display places, as official tables print them.
    assert sheet.cell(FIRST_DATA_ROW, 6).number_format == "0.00"
    assert sheet.cell(FIRST_DATA_ROW, 7).number_format == "0.00"
    footnote = sheet.cell(FIRST_DATA_ROW + 4, 1).value
    assert footnote.startswith("Xếp loại: Tốt: từ 90%; Khá: từ 80% đến dưới 90%")


def test_the_excel_export_of_a_published_period_cites_the_decision_and_amendments(scored, login):
    period = scored["period_2024"]
    period.decision_number = "15/QĐ-UBND"
    period.save()
    job = finished_job(login("officer_a").post(reverse("results:export_excel", args=[period.pk])))
    sheet = load_workbook(io.BytesIO(job.result.read()))["Cấp xã"]
    assert sheet["A3"].value == "(Kèm theo Quyết định số 15/QĐ-UBND)"
    assert [sheet.cell(row, 3).value for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 3)] == [
        "Xã An (cũ)",
        "Xã Bình Minh",
        "Xã Bình (cũ)",
    ]
    assert sheet.cell(FIRST_DATA_ROW, 4).value == 5.15


def test_sheet_names_are_valid_and_unique_in_excel():
    taken: set[str] = set()
    assert sheet_title("Nhóm 1/2: [xã]", taken) == "Nhóm 1-2- -xã-"
    assert len(sheet_title("x" * 40, taken)) == 31
    assert sheet_title("x" * 40, taken) == "x" * 27 + " (2)"


def test_the_province_report_is_a_zip_of_one_pdf_per_group_laid_out_unit_by_unit(
    scored, login, tmp_path
):
    client = login("admin")
    job = finished_job(client.post(reverse("results:export_pdf", args=[scored["period"].pk])))
    # The summary, then per group: its ranking, one step per unit, writing its file; the ZIP.
    assert (job.done, job.total, job.percent) == (7, 7, 100)
    assert job.result_name == "bao-cao-ket-qua-cchc-2025.zip"
    archive = zipfile.ZipFile(io.BytesIO(job.result.read()))
    assert archive.namelist() == ["00-tong-hop-2025.pdf", "01-cap-xa-2025.pdf"]
    summary = pdf_text(archive.read("00-tong-hop-2025.pdf"), tmp_path)
    assert "KẾT QUẢ TẠM TÍNH" in summary
    assert "01-cap-xa-2025.pdf" in summary
    group = archive.read("01-cap-xa-2025.pdf")
    assert group.startswith(b"%PDF")
    text = pdf_text(group, tmp_path)
    for expected in ("Xếp hạng Cấp xã", "Xã An Bình", "Xã Bình Minh", "Phường Cẩm Lộc"):
        assert expected in text
    # Laid out in parts, numbered on as one document.
    pages = text.count("\f")
    assert pages > 4
    numbers = [int(n) for n in re.findall(r"Trang (\d+)", text)]
    assert numbers == list(range(1, pages + 1))
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Hoàn thành" in page
    assert "100%" in page
    assert job.result_name in page


def test_the_province_report_reports_progress_before_each_unit(scored):
    task = Job.objects.create(
        kind=PROVINCE_PDF_JOB, title="PDF", params={"period": scored["period"].pk}
    )
    steps: list[tuple[int, int, str]] = []
    province_pdf_job(task, lambda done, total, message: steps.append((done, total, message)))
    assert [message for _done, _total, message in steps] == [
        "Xếp hạng Cấp xã",
        "Phiếu kết quả: Xã Bình Minh",
        "Phiếu kết quả: Phường Cẩm Lộc",
        "Phiếu kết quả: Xã An Bình",
        "Đang ghi tệp PDF Cấp xã (5 trang)",
        "Trang tổng hợp",
        "Đang đóng gói tệp ZIP",
        "Đã tạo 2 tệp PDF",
    ]
    assert [done for done, _total, _message in steps] == [0, 1, 2, 3, 4, 5, 6, 7]
    assert {total for _done, total, _message in steps} == {7}


def test_a_unit_pdf_is_produced_directly_in_vietnamese(scored, login, tmp_path):
    url = reverse("results:scorecard_pdf", args=[scored["group"].pk, scored["unit_a"].pk])
    response = login("leader").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="phieu-ket-qua-a-2025.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    assert "Xã An Bình" in text
    assert "Phiếu kết quả Chỉ số cải cách hành chính năm 2025" in text
    assert "Dư địa cải thiện" in text
    assert "5,56" in text
    assert "5,5556" not in text


def test_a_job_refuses_a_period_its_requester_may_no_longer_see(scored):
    job = submit(
        kind=EXCEL_JOB,
        title="Xuất Excel",
        params={"period": scored["period"].pk},
        user=scored["users"]["officer_a"],
    )
    assert job.state == JobState.FAILED
    assert "không còn quyền xem" in job.error
    assert not job.result


def test_charts_are_self_contained_deterministic_svg(scored):
    bands = selectors.group_standing(scored["group"]).framework.info.class_bands
    bars = [("1. Xã Bình Minh", Decimal("80"), "Khá"), ("3. Xã An Bình", Decimal("55.56"), "Yếu")]
    svg = charts.ranking_chart(bars, bands)
    assert svg.lstrip().startswith("<?xml")
    assert "<svg" in svg
    assert "<image" not in svg
    assert 'href="http' not in svg
    charts._ranking_chart.cache_clear()
    assert charts.ranking_chart(bars, bands) == svg  # same data, same file
    radar = charts.area_chart(
        ["A", "B", "C"],
        [Decimal(50), Decimal(60), None],
        [Decimal(40), Decimal(40), Decimal(40)],
        unit_label="Xã An Bình",
    )
    assert "<svg" in radar
    assert radar != svg
    assert data_uri(radar).startswith("data:image/svg+xml;base64,")
