"""The workflow pages through Django's test client: what each role sees and what a post
does, with htmx (a row back) and without (a message and a redirect)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from parindex.assessments import workflow
from parindex.assessments.models import ExplanationRequest, NodeEntry, Notification
from parindex.assessments.services.entries import entry_save_self, entry_set_system_value
from parindex.assessments.services.evidence import evidence_upload
from parindex.assessments.services.transitions import assessment_submit, assessment_transition
from parindex.periods.models import PublishedResult

from .helpers import PDF, fill_and_submit, fresh, to_appraised, to_published

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    """The page's visible text, tags removed and spaces collapsed (for reading assertions)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- the unit's pages --------------------------------------------------------------------------


def test_a_unit_user_lands_on_the_current_assessment_and_provincial_users_on_the_queue(
    login, open_province
):
    page = login("officer_a").get(reverse("assessments:mine"))
    assert page.status_code == 200
    assert "Mở phiếu tự đánh giá" in text(page)
    assert (
        reverse("assessments:self", args=[open_province["assessment_a"].pk])
        in page.content.decode()
    )

    redirect = login("appraiser").get(reverse("assessments:mine"))
    assert redirect.status_code == 302
    assert redirect["Location"] == reverse("assessments:queue")


def test_the_form_derives_each_leafs_boxes_from_its_rule(login, open_province):
    page = login("officer_a").get(
        reverse("assessments:self", args=[open_province["assessment_a"].pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    # 1.1 yes/no → radio buttons; 1.2 ratio → numerator and denominator; 2.1 from data → read-only.
    assert re.search(r'type="radio" name="v_value" value="yes"', html)
    assert 'name="v_numerator"' in html
    assert 'name="v_denominator"' in html
    assert "Điểm mục này lấy từ số liệu hệ thống" in html
    assert (
        'hx-post="'
        + reverse("assessments:entry_preview", args=[open_province["assessment_a"].pk, "1.2"])
        in html
    )
    assert "0/2" in text(page)  # progress: neither of the two self-assessed leaves answered
    assert "cần tài liệu kiểm chứng" in html


def test_saving_a_leaf_with_htmx_returns_its_row_with_points_and_the_progress(login, open_province):
    assessment = open_province["assessment_a"]
    client = login("officer_a")
    response = client.post(
        reverse("assessments:entry_save", args=[assessment.pk, "1.2"]),
        {"v_numerator": "9", "v_denominator": "10", "note": "Báo cáo quý IV", "version": "1"},
        **HTMX,
    )
    body = text(response)
    assert response.status_code == 200
    assert 'id="node-1_2"' in response.content.decode()
    assert "9/10 = 90% → 4/4 điểm" in body
    assert 'id="self-progress" class="grid" hx-swap-oob="true"' in response.content.decode()
    assert "Đã lưu." in body
    entry = NodeEntry.objects.get(assessment=assessment, node_code="1.2")
    assert (entry.self_points, entry.note, entry.version) == (4, "Báo cáo quý IV", 2)


def test_a_decimal_comma_is_accepted_and_shown_back_with_a_comma(login, open_province):
    assessment = open_province["assessment_a"]
    client = login("officer_a")
    client.post(
        reverse("assessments:entry_save", args=[assessment.pk, "1.2"]),
        {"v_numerator": "4,5", "v_denominator": "10", "version": "1"},
        **HTMX,
    )
    entry = NodeEntry.objects.get(assessment=assessment, node_code="1.2")
    assert entry.self_values == {"numerator": "4.5", "denominator": "10"}
    page = client.get(reverse("assessments:self", args=[assessment.pk])).content.decode()
    assert 'value="4,5"' in page


def test_a_value_that_does_not_fit_is_refused_in_the_row_and_what_was_typed_stays(
    login, open_province
):
    assessment = open_province["assessment_a"]
    response = login("officer_a").post(
        reverse("assessments:entry_save", args=[assessment.pk, "1.2"]),
        {"v_numerator": "12", "v_denominator": "10", "version": "1"},
        **HTMX,
    )
    assert response.status_code == 400
    assert "tử số 12 lớn hơn mẫu số 10" in text(response)
    assert 'value="12"' in response.content.decode()
    assert not NodeEntry.objects.filter(self_values__isnull=False).exists()


def test_the_preview_scores_without_saving(login, open_province):
    assessment = open_province["assessment_a"]
    response = login("officer_a").post(
        reverse("assessments:entry_preview", args=[assessment.pk, "1.2"]),
        {"v_numerator": "45", "v_denominator": "100"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "2/4" in text(response)
    assert "45/100 = 45%" in text(response)
    assert not NodeEntry.objects.exists()


def test_without_javascript_a_save_answers_with_a_message_and_a_redirect(login, open_province):
    assessment = open_province["assessment_a"]
    client = login("officer_a")
    response = client.post(
        reverse("assessments:entry_save", args=[assessment.pk, "1.1"]),
        {"v_value": "yes", "version": "1"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#node-1_1")
    page = client.get(response["Location"])
    assert "Đã lưu mục 1.1." in text(page)


def test_after_the_deadline_the_form_is_read_only_and_says_why(login, province):
    page = login("officer_a").get(reverse("assessments:self", args=[province["assessment_a"].pk]))
    body = text(page)
    assert "Đã quá hạn tự đánh giá (10/12/2025 17:00)" in body
    assert ">Lưu<" not in page.content.decode()
    assert 'name="files"' not in page.content.decode()


def test_the_head_sees_what_is_missing_before_submitting(login, open_province):
    assessment = open_province["assessment_a"]
    entry_save_self(
        actor=open_province["users"]["officer_a"],
        assessment=assessment,
        node_code="1.1",
        values={"value": "yes"},
    )
    client = login("head_a")
    page = client.get(reverse("assessments:submit", args=[assessment.pk]))
    body = text(page)
    assert "1.1 Ban hành kế hoạch CCHC" in body
    assert "Gửi kết quả tự đánh giá" not in re.sub("<title>.*?</title>", "", page.content.decode())

    refused = client.post(reverse("assessments:submit", args=[assessment.pk]), follow=True)
    assert "Các mục bắt buộc có tài liệu kiểm chứng hoặc giải trình còn thiếu: 1.1" in text(refused)
    assert fresh(assessment).state == "draft"


def test_the_head_submits_and_the_appraisers_are_notified(login, open_province):
    assessment = open_province["assessment_a"]
    entry_save_self(
        actor=open_province["users"]["officer_a"],
        assessment=assessment,
        node_code="1.2",
        values={"numerator": "1", "denominator": "2"},
    )
    response = login("head_a").post(
        reverse("assessments:submit", args=[assessment.pk]), follow=True
    )
    assert "Đã gửi kết quả tự đánh giá tới Sở Nội vụ." in text(response)
    assert fresh(assessment).state == "submitted"
    notification = Notification.objects.get(user=open_province["users"]["appraiser"])
    assert notification.url == reverse("assessments:appraise", args=[assessment.pk])


def test_evidence_uploaded_on_the_page_appears_in_the_row(login, open_province):
    assessment = open_province["assessment_a"]
    response = login("officer_a").post(
        reverse("assessments:evidence_upload", args=[assessment.pk, "1.1"]),
        {
            "files": [
                SimpleUploadedFile("ke-hoach.pdf", PDF, "application/pdf"),
                SimpleUploadedFile("phu-luc.pdf", PDF + b"2", "application/pdf"),
            ],
            "location": "tr. 2",
        },
        **HTMX,
    )
    assert response.status_code == 200
    body = text(response)
    assert "ke-hoach.pdf" in body
    assert "phu-luc.pdf" in body
    assert "tr. 2" in body
    assert "Đã gắn 2 tài liệu." in body


# --- the province's pages -------------------------------------------------------------------


def test_the_queue_lists_every_unit_with_state_and_totals(login, open_province):
    fill_and_submit(open_province)
    page = login("appraiser").get(reverse("assessments:queue"))
    body = text(page)
    assert "Xã An Bình Đã gửi, chờ thẩm định" in body
    assert "Xã Bình Minh Đang tự đánh giá" in body
    assert re.search(r"Xã An Bình .*? 6 6 ", body)  # self 6 = 2 + 4 and appraised so far 6


def test_the_appraisal_page_shows_both_sides_and_the_evidence_one_click_away(login, open_province):
    assessment = fill_and_submit(open_province)
    page = login("appraiser").get(reverse("assessments:appraise", args=[assessment.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Đơn vị tự chấm" in html
    assert "Thẩm định" in html
    assert (
        reverse(
            "assessments:evidence_download",
            args=[assessment.entries.get(node_code="1.1").evidence_links.get().document_id],
        )
        in html
    )
    assert "Tử số (số đạt) 9 · Mẫu số (tổng số) 10" in text(page)
    assert "Bắt đầu thẩm định" in html


def test_an_appraiser_lowers_a_score_with_a_reason_through_htmx(login, open_province):
    assessment = fill_and_submit(open_province)
    client = login("appraiser")
    client.post(
        reverse("assessments:transition", args=[assessment.pk]), {"action": "start_appraisal"}
    )
    url = reverse("assessments:appraise_entry", args=[assessment.pk, "1.2"])
    refused = client.post(url, {"v_numerator": "6", "v_denominator": "10", "version": "2"}, **HTMX)
    assert refused.status_code == 400
    assert "cần chọn lý do điều chỉnh" in text(refused)

    saved = client.post(
        url,
        {
            "v_numerator": "6",
            "v_denominator": "10",
            "reason_code": "wrong_figures",
            "comment": "Báo cáo ghi 6/10",
            "version": "2",
        },
        **HTMX,
    )
    assert saved.status_code == 200
    assert 'id="appraise-totals" class="grid" hx-swap-oob="true"' in saved.content.decode()
    assert "2,6667" in text(saved)


def test_requesting_an_explanation_from_the_page(login, open_province):
    assessment = fill_and_submit(open_province)
    assessment_transition(
        actor=open_province["users"]["appraiser"], assessment=assessment, action="start_appraisal"
    )
    client = login("appraiser")
    url = reverse("assessments:explanation_request", args=[assessment.pk])
    assert "Câu hỏi về mục 1.2" in text(client.get(url))
    response = client.post(
        url,
        {"deadline": "20/12/2099 17:00", "q_1.2": "Danh sách nhiệm vụ ở đâu?", "q_1.1": ""},
    )
    assert response.status_code == 302
    round_ = ExplanationRequest.objects.get()
    assert [(i.node_code, i.question) for i in round_.items.all()] == [
        ("1.2", "Danh sách nhiệm vụ ở đâu?")
    ]

    unit = login("officer_a")
    page = unit.get(reverse("assessments:explanation", args=[assessment.pk, round_.pk]))
    assert "Danh sách nhiệm vụ ở đâu?" in text(page)
    item = round_.items.get()
    answered = unit.post(
        reverse("assessments:explanation_answer", args=[assessment.pk, item.pk]),
        {f"item{item.pk}-answer": "Phụ lục 2"},
        **HTMX,
    )
    assert answered.status_code == 200
    assert "Đã lưu trả lời." in text(answered)
    sent = unit.post(
        reverse("assessments:explanation_send", args=[assessment.pk, round_.pk]), follow=True
    )
    assert "Đã gửi giải trình tới Sở Nội vụ." in text(sent)
    assert fresh(assessment).state == "explained"


def test_the_council_approves_a_group_and_the_administrator_publishes(login, open_province):
    to_appraised(open_province, "a")
    to_appraised(open_province, "b")
    group, period = open_province["group"], open_province["period"]

    council = login("council")
    review = council.get(reverse("assessments:group_review", args=[group.pk]))
    assert "Thông qua kết quả nhóm Cấp xã" in text(review)
    # The first post shows what the council approves (units, totals, classes) and changes
    # nothing; the confirmed post approves.
    summary = council.post(
        reverse("assessments:group_review", args=[group.pk]), {"note": "Nhất trí"}
    )
    assert summary.status_code == 200
    body = text(summary)
    assert "2 hồ sơ «Đã thẩm định» của nhóm Cấp xã chuyển sang «Hội đồng đã thông qua»" in body
    assert "Tốt: 2" in body
    assert "Ý kiến của hội đồng: Nhất trí" in body
    assert fresh(open_province["assessment_a"]).state == "appraised"
    approved = council.post(
        reverse("assessments:group_review", args=[group.pk]),
        {"note": "Nhất trí", "confirmed": "1"},
        follow=True,
    )
    assert "Hội đồng đã thông qua kết quả nhóm" in text(approved)
    assert fresh(open_province["assessment_a"]).state == "approved"

    admin = login("admin")
    decision = {"decision_number": "15/QĐ-UBND", "decision_date": "20/01/2026"}
    check = admin.post(reverse("assessments:publish", args=[period.pk]), decision)
    assert "Kết quả của 2 đơn vị ở 1 nhóm được công bố theo Quyết định 15/QĐ-UBND" in text(check)
    assert not PublishedResult.objects.filter(period=period).exists()
    page = admin.post(
        reverse("assessments:publish", args=[period.pk]),
        {**decision, "confirmed": "1"},
        follow=True,
    )
    body = text(page)
    assert "Đã công bố kết quả của 2 đơn vị." in body
    assert "Quyết định 15/QĐ-UBND ngày 20/01/2026" in body
    assert PublishedResult.objects.filter(period=period).count() == 2


def test_only_the_council_posts_an_approval(login, open_province):
    to_appraised(open_province, "a")
    response = login("appraiser").post(
        reverse("assessments:group_review", args=[open_province["group"].pk])
    )
    assert response.status_code == 403


def test_an_amendment_through_the_page_adds_a_row_and_keeps_the_old_one(login, open_province):
    to_published(open_province)
    assessment = open_province["assessment_a"]
    old = PublishedResult.objects.get(unit=open_province["unit_a"], period=open_province["period"])
    admin = login("admin")
    url = reverse("assessments:amend", args=[assessment.pk])
    form = admin.get(url, {"node": "1.2"})
    assert 'name="v_numerator"' in form.content.decode()
    change = {"node": "1.2", "v_numerator": "45", "v_denominator": "100", "reason": "QĐ 20/QĐ-UBND"}
    check = text(admin.post(url, change))
    assert "Mục 1.2: 4 → 2/4 điểm" in check
    assert "Lý do: QĐ 20/QĐ-UBND" in check
    assert PublishedResult.objects.filter(unit=open_province["unit_a"]).count() == 1
    response = admin.post(url, {**change, "confirmed": "1"}, follow=True)
    body = text(response)
    assert "Đã điều chỉnh" in body
    assert "Điều chỉnh QĐ 20/QĐ-UBND" in body
    rows = PublishedResult.objects.filter(unit=open_province["unit_a"]).order_by("pk")
    assert rows.count() == 2
    assert rows.last().amends == old


# --- audit and notifications ---------------------------------------------------------------


def test_the_history_of_a_node_lists_who_changed_what(login, open_province):
    assessment = fill_and_submit(open_province)
    page = login("appraiser").get(
        reverse("assessments:history", args=[assessment.pk]), {"node": "1.2"}
    )
    body = text(page)
    assert "Officer A" in body
    assert "điểm tự chấm: 4" in body  # recorded from nothing: the new value only
    assert "giá trị tự chấm: Tử số (số đạt) 9 · Mẫu số (tổng số) 10" in body
    assert "Head A" not in body  # the submission belongs to the assessment, not to node 1.2


def test_the_history_exports_to_excel(login, open_province):
    assessment = fill_and_submit(open_province)
    response = login("officer_a").get(reverse("assessments:history_export", args=[assessment.pk]))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    actions = {row[2] for row in rows}
    assert {
        "sửa điểm",
        "tải tài liệu kiểm chứng lên",
        "gắn hoặc gỡ tài liệu kiểm chứng",
        "gửi kết quả tự đánh giá",
    } <= actions
    assert any("trạng thái: Đang tự đánh giá → Đã gửi, chờ thẩm định" in row[4] for row in rows)


def test_notifications_show_an_unread_count_and_opening_one_marks_it_read(login, open_province):
    fill_and_submit(open_province)
    client = login("appraiser")
    page = client.get(reverse("assessments:notifications"))
    assert page.context["unread_notifications"] == 1
    assert "1 chưa đọc" in text(page)
    notification = Notification.objects.get(user=open_province["users"]["appraiser"])
    opened = client.post(reverse("assessments:notification_open", args=[notification.pk]))
    assert opened["Location"] == notification.url
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert client.get(reverse("home")).context["unread_notifications"] == 0


def test_a_notification_of_someone_else_cannot_be_opened(login, open_province):
    fill_and_submit(open_province)
    notification = Notification.objects.get(user=open_province["users"]["appraiser"])
    response = login("council").post(
        reverse("assessments:notification_open", args=[notification.pk])
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("persona", "label"),
    [
        ("officer_a", "Tự đánh giá"),
        ("appraiser", "Thẩm định"),
        ("council", "Hội đồng"),
        ("admin", "Công bố"),
    ],
)
def test_each_role_finds_its_workflow_page_in_the_menu(login, province, persona, label):
    labels = [item.label for item in login(persona).get(reverse("home")).context["menu"]]
    assert label in labels


def test_a_published_period_shows_its_decision_on_the_publication_list(login, open_province):
    to_published(open_province)
    page = login("admin").get(reverse("assessments:publication"))
    assert "15/QĐ-UBND · 20/01/2026" in text(page)


def test_the_form_and_appraisal_pages_run_a_bounded_number_of_queries(login, open_province):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assessment = open_province["assessment_a"]

    def count(client, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    self_url = reverse("assessments:self", args=[assessment.pk])
    appraise_url = reverse("assessments:appraise", args=[assessment.pk])
    empty = count(login("officer_a"), self_url)
    officer = open_province["users"]["officer_a"]
    for code, values in (
        ("1.1", {"value": "yes"}),
        ("1.2", {"numerator": "9", "denominator": "10"}),
    ):
        entry_save_self(
            actor=officer, assessment=assessment, node_code=code, values=values, note="x"
        )
        for number in range(3):
            evidence_upload(
                actor=officer,
                assessment=assessment,
                name=f"tai-lieu-{number}.pdf",
                stream=io.BytesIO(PDF + f"{code}-{number}".encode()),
                node_code=code,
            )
    filled = count(login("officer_a"), self_url)
    assert filled == empty  # no query per entry, link or document
    # The appraisal page: the same few queries (session, user, assessment, entries with their
    # evidence, questions, explanation rounds, the unread count, who submitted).
    assert count(login("appraiser"), appraise_url) <= 12


def test_the_menu_bar_include_shows_the_unread_count(open_province):
    from django.template.loader import render_to_string

    html = render_to_string(
        "assessments/_notifications_badge.html",
        {"user": open_province["users"]["officer_a"], "unread_notifications": 3},
    )
    assert reverse("assessments:notifications") in html
    assert ">3</span>" in html
    assert 'aria-label="3 chưa đọc"' in html


@pytest.mark.parametrize(
    "provenance",
    [{"source": "survey"}, {"summary": "Khảo sát 2025: 120 phiếu"}, {"note": "nhập tay"}],
)
def test_a_system_value_shows_its_source_whatever_its_provenance_holds(
    login, open_province, provenance
):
    """Survey and data feeds write different provenance keys; no page may break on a missing one."""
    assessment = open_province["assessment_a"]
    entry_set_system_value(
        assessment=assessment,
        node_code="2.1",
        values={"numerator": 90, "denominator": 100},
        provenance=provenance,
    )
    shown = next(iter(provenance.values()))

    unit_page = login("officer_a").get(reverse("assessments:self", args=[assessment.pk]))
    assert unit_page.status_code == 200
    assert shown in text(unit_page)

    assessment_submit(actor=open_province["users"]["head_a"], assessment=fresh(assessment))
    assessment_transition(
        actor=open_province["users"]["appraiser"],
        assessment=fresh(assessment),
        action=workflow.Action.START_APPRAISAL,
    )
    appraisal = login("appraiser").get(reverse("assessments:appraise", args=[assessment.pk]))
    assert appraisal.status_code == 200
    assert shown in text(appraisal)
