"""The Word documents, opened with python-docx as a reader would: the Decree 30 header (issuing
body, national motto), the number and symbol, place and date, the tables and annex rows."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from parindex.documents import builders
from parindex.documents.docx import OfficialDocument, TemplateError
from parindex.documents.national import national_page_data
from parindex.nationaldata.demo import load_demo_national
from parindex.nationaldata.models import NationalTable
from parindex.results import selectors as results
from parindex.tasks.models import Task
from tests.tasks.helpers import a_task

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def mm(*lengths) -> tuple[int, ...]:
    return tuple(round(length.mm) for length in lengths)


def read(data: bytes):
    return Document(io.BytesIO(data))


def header_text(document) -> str:
    return "\n".join(cell.text for row in document.tables[0].rows for cell in row.cells)


def body_text(document) -> str:
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def check_layout(document, symbol: str) -> None:
    header = header_text(document)
    assert MOTTO in header
    assert "Độc lập - Tự do - Hạnh phúc" in header
    assert f"/{symbol}" in header
    assert "Số:" in header
    assert "Minh Họa, ngày" in header
    assert "{{" not in header
    section = document.sections[0]
    assert mm(section.page_width, section.page_height) == (210, 297)  # A4
    assert mm(section.left_margin, section.right_margin) == (30, 15)
    assert mm(section.top_margin, section.bottom_margin) == (20, 20)
    assert "{{" not in body_text(document)
    assert "Nơi nhận:" in "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )


def test_the_decision_has_the_header_the_articles_and_one_annex_row_per_unit(province):
    period = province["period_2024"]
    period.decision_number = "15/QĐ-UBND"
    period.decision_date = datetime.date(2025, 1, 20)
    standings = [results.group_standing(g) for g in results.period_groups(period)]
    document = read(builders.decision_docx(period, standings))
    check_layout(document, "QĐ-UBND")
    header = header_text(document)
    assert "ỦY BAN NHÂN DÂN" in header
    assert "TỈNH MINH HỌA" in header
    assert "Số: 15/QĐ-UBND" in header
    assert "ngày 20 tháng 01 năm 2025" in header
    text = body_text(document)
    assert "QUYẾT ĐỊNH" in text
    assert "Điều 1." in text
    assert "Điều 3." in text
    assert "Phụ lục I" in text
    assert "(Kèm theo Quyết định số 15/QĐ-UBND ngày 20" in text
    annex = document.tables[-1]
    assert [cell.text for cell in annex.rows[0].cells][:2] == ["Thứ hạng", "Đơn vị"]
    assert len(annex.rows) == 1 + 3  # header + the group's three published units
    assert [row.cells[1].text for row in annex.rows[1:]] == [
        "Xã An (cũ)",
        "Xã Bình Minh",
        "Xã Bình (cũ)",
    ]
    assert annex.rows[1].cells[-2].text == "91,50"
    assert mm(document.sections[-1].page_width) == (297,)  # the annex is landscape


def test_the_results_report_carries_the_edited_text_a_chart_and_the_table(province):
    period = province["period_2024"]
    standings = [results.group_standing(g) for g in results.period_groups(period)]
    default = builders.report_text(standings)
    assert "nhóm Cấp xã có 03 đơn vị" in default
    assert "91,50%" in default
    document = read(builders.report_docx(period, standings, "Đoạn đã sửa.\n\nĐoạn hai."))
    check_layout(document, "BC-UBND")
    text = body_text(document)
    assert "Đoạn đã sửa." in text
    assert "Đoạn hai." in text
    assert len(document.inline_shapes) == 1  # the group's ranking chart (PNG)
    ranking = document.tables[1]
    assert len(ranking.rows) == 1 + 3


def test_the_self_assessment_report_lists_criteria_without_evidence(province):
    document = read(
        builders.self_report_docx(
            province["assessment_a"],
            summary=builders.self_report_defaults(province["assessment_a"]),
            difficulties="Thiếu cán bộ",
            proposals="",
        )
    )
    check_layout(document, "BC-…")
    assert "XÃ AN BÌNH" in header_text(document)
    text = body_text(document)
    assert "II. GIẢI TRÌNH CÁC TIÊU CHÍ" in text
    assert "Thiếu cán bộ" in text
    assert "(Đơn vị chưa nêu.)" in text  # proposals left empty: never invented
    scores = document.tables[1]
    assert [row.cells[0].text for row in scores.rows[1:4]] == ["1", "1.1", "1.2"]


def test_the_improvement_plan_has_one_row_per_task(province):
    a_task(province, period=province["period_2024"], framework=province["previous_framework"])
    a_task(
        province,
        period=province["period_2024"],
        framework=province["previous_framework"],
        title="Số hóa hồ sơ",
        node_codes=["2.1"],
    )
    tasks = list(Task.objects.filter(period=province["period_2024"]).select_related("unit"))
    document = read(builders.plan_docx(province["period_2024"], tasks))
    check_layout(document, "KH-UBND")
    table = document.tables[1]
    assert len(table.rows) == 1 + 2
    assert table.rows[1].cells[3].text == "Xã An Bình"


@pytest.mark.slow
def test_the_national_report_is_labelled_as_example_data(db, settings):
    settings.DEMO_MODE = False
    load_demo_national(lambda _line: None)
    table = NationalTable.objects.get()
    page = national_page_data(
        table_pk=table.pk,
        year=2022,
        compare_to=2021,
        unit="Bắc Kạn",
        region="Trung du miền núi phía Bắc",
    )
    assert page.regional[2022] == Decimal("85.00")  # published average of the region
    data = builders.national_docx(
        table,
        page.report,
        page.narrative,
        years_png=page.years_chart("png"),
        areas_png=page.areas_chart("png"),
    )
    document = read(data)
    text = body_text(document)
    assert "BẢNG SỐ LIỆU VÍ DỤ" in text
    assert "đạt 79,35%, xếp thứ 61/63" in text
    assert len(document.tables[1].rows) == 1 + 8
    assert len(document.inline_shapes) == 2


def test_a_template_without_the_body_marker_is_refused(tmp_path):
    (tmp_path / "docx").mkdir()
    Document().save(str(tmp_path / "docx" / "bao_cao.docx"))
    with pytest.raises(TemplateError, match="noi_dung"):
        OfficialDocument("bao_cao", {}, [tmp_path])


def test_the_shipped_templates_are_the_ones_make_templates_writes(tmp_path):
    from parindex.documents.docx import SHIPPED_FOLDER
    from parindex.documents.make_templates import write_all

    for path in write_all(tmp_path):
        shipped = Document(str(SHIPPED_FOLDER / path.name))
        rebuilt = Document(str(path))
        assert [p.text for p in shipped.paragraphs] == [p.text for p in rebuilt.paragraphs]
        assert header_text(shipped) == header_text(rebuilt)
    assert Path(SHIPPED_FOLDER / "quyet_dinh.docx").is_file()
