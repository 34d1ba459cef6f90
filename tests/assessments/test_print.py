"""The printable self-assessment form: the unit's entries, points (with the framework's display
places), explanations and evidence, the totals and the unit head's signature block, A4 print
styles; "tạm tính" (provisional) only until the results are published."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.assessments.helpers import fill_and_submit, open_deadlines, to_published


def text(response) -> str:
    body = response.content.decode()
    body = body[body.index("<main") :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_the_printable_form_lists_entries_points_evidence_and_a_signature_block(login, province):
    open_deadlines(province)
    assessment = fill_and_submit(province)

    response = login("officer_a").get(reverse("assessments:self_print", args=[assessment.pk]))

    assert response.status_code == 200
    page = text(response)
    assert "BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025" in page
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
    assert "Tỷ lệ nhiệm vụ hoàn thành" in page
    assert "Tử số (số đạt) 9 · Mẫu số (tổng số) 10" in page  # the entry's values
    assert "9/10 = 90% → 4/4 điểm" in page  # the rule's explanation
    assert "ke-hoach-a.pdf (tr. 2)" in page  # the evidence, where it says so
    assert "Danh mục tài liệu kiểm chứng" in page
    assert "THỦ TRƯỞNG ĐƠN VỊ" in page
    assert "(Ký, ghi rõ họ tên, đóng dấu)" in page
    assert "điểm tự chấm tạm tính, chưa công bố" in page
    body = response.content.decode()
    assert "data-print" in body  # the print button (app.js), no inline script
    assert "onclick" not in body


def test_the_self_assessment_page_links_to_the_printable_form(login, province):
    assessment = province["assessment_a"]
    page = login("head_a").get(reverse("assessments:self", args=[assessment.pk]))
    assert reverse("assessments:self_print", args=[assessment.pk]) in page.content.decode()


def test_once_published_the_form_no_longer_says_provisional(login, province):
    open_deadlines(province)
    to_published(province)
    assessment = province["assessment_a"]

    page = text(login("officer_a").get(reverse("assessments:self_print", args=[assessment.pk])))
    self_page = text(login("officer_a").get(reverse("assessments:self", args=[assessment.pk])))

    assert "tạm tính" not in page
    assert "tạm tính" not in self_page
    assert "Đã công bố" in page
