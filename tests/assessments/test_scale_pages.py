"""The province's lists at scale, through Django's test client: filters of the appraisal
queue, the council's list and the publication page (a name without diacritics, state,
submission, appraiser, date), actions on many units at once (a confirmation listing them,
then a report of who succeeded and who was refused, with the reason), taking one unit in that
never submitted, and the confirmation of what cannot be undone (finalise, approve, publish)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.assessments.models import Assessment, Notification
from parindex.assessments.services.publication import group_approve
from parindex.assessments.services.transitions import (
    assessment_take_unsubmitted,
    assessment_transition,
)
from parindex.periods.models import DeadlineExtension
from parindex.units.models import Unit

from .helpers import fill_and_submit, fresh, open_deadlines, to_appraised


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def shown_units(response) -> list[str]:
    return sorted(item.row.unit_name for item in response.context["items"])


@pytest.fixture
def commune_c(province: dict[str, Any]) -> Unit:
    """A third commune, never opened, whose extension still runs for three days."""
    unit = Unit.objects.create(code="C", name="Xã Cẩm Đông", unit_type=province["unit_a"].unit_type)
    province["group"].units.add(unit)
    DeadlineExtension.objects.create(
        period=province["period"],
        unit=unit,
        closes_at=timezone.now() + datetime.timedelta(days=3),
        reason="Bão lũ",
    )
    return unit


def _queue(client, province, **params):
    return client.get(reverse("assessments:queue"), {"period": province["period"].pk, **params})


# --- filters -----------------------------------------------------------------------------------


def test_the_queue_finds_a_unit_by_its_name_without_diacritics(login, province, commune_c):
    client = login("appraiser")
    assert shown_units(_queue(client, province)) == ["Xã An Bình", "Xã Bình Minh", "Xã Cẩm Đông"]
    page = _queue(client, province, q="cam dong")
    assert shown_units(page) == ["Xã Cẩm Đông"]
    assert "Hiển thị 1/3 đơn vị" in text(page)
    assert shown_units(_queue(client, province, q="BINH")) == ["Xã An Bình", "Xã Bình Minh"]
    assert shown_units(_queue(client, province, q="khong co")) == []


def test_the_queue_filters_by_state_submission_appraiser_and_date(login, province, commune_c):
    users = province["users"]
    client = login("appraiser")
    # A and B passed their deadlines without sending; C never opened and is still extended.
    assert shown_units(_queue(client, province, state="overdue")) == ["Xã An Bình", "Xã Bình Minh"]
    assert shown_units(_queue(client, province, state="none")) == ["Xã Cẩm Đông"]
    assessment_take_unsubmitted(
        actor=users["appraiser"], period=province["period"], unit=province["unit_a"]
    )
    assert shown_units(_queue(client, province, state="in_appraisal")) == ["Xã An Bình"]
    assert shown_units(_queue(client, province, submission="not_submitted")) == ["Xã An Bình"]
    appraiser = users["appraiser"].pk
    assert shown_units(_queue(client, province, appraiser=appraiser)) == ["Xã An Bình"]
    open_deadlines(province)
    fill_and_submit(province, "b")
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert shown_units(_queue(client, province, submitted_from=today, submitted_to=today)) == [
        "Xã Bình Minh"
    ]
    page = _queue(client, province, submitted_from="31/02/2026")
    assert page.status_code == 200  # a date that does not exist filters nothing, and says so
    assert len(page.context["items"]) == 3


def test_the_queue_shows_every_group_at_once(login, province):
    page = _queue(login("council"), province, group="all")
    assert shown_units(page) == ["Xã An Bình", "Xã Bình Minh"]
    assert not page.context["may_bulk"]  # only appraisers act on many units
    assert 'name="units"' not in page.content.decode()


def test_the_council_and_the_publication_page_filter_their_units(login, province):
    council = login("council").get(
        reverse("assessments:council"), {"period": province["period"].pk, "q": "an binh"}
    )
    assert [item.row.unit_name for item in council.context["items"]] == ["Xã An Bình"]
    assert "Đơn vị khớp bộ lọc" in text(council)
    review = login("council").get(
        reverse("assessments:group_review", args=[province["group"].pk]), {"q": "minh"}
    )
    assert [row.unit_name for row in review.context["rows"]] == ["Xã Bình Minh"]
    publish = login("admin").get(
        reverse("assessments:publish", args=[province["period"].pk]), {"q": "minh"}
    )
    assert [row.unit_name for row in publish.context["groups"][0]["rows"]] == ["Xã Bình Minh"]


# --- taking one unit in ------------------------------------------------------------------------


def test_the_take_page_confirms_then_takes_a_unit_that_never_opened(login, province):
    unit = Unit.objects.create(code="C", name="Xã Cẩm Đông", unit_type=province["unit_a"].unit_type)
    province["group"].units.add(unit)
    client = login("appraiser")
    url = reverse("assessments:take", args=[province["period"].pk, unit.pk])
    page = client.get(url)
    body = text(page)
    assert "Thẩm định đơn vị không gửi tự đánh giá: Xã Cẩm Đông" in body
    assert "Đơn vị chưa mở hồ sơ: hồ sơ được tạo mới." in body
    assert not Assessment.objects.filter(unit=unit).exists()

    done = client.post(url, {"confirmed": "1", "reason": "Công văn đôn đốc số 7"}, follow=True)

    taken = Assessment.objects.get(unit=unit)
    assert (taken.state, taken.submission) == ("in_appraisal", "not_submitted")
    assert done.redirect_chain[-1][0] == reverse("assessments:appraise", args=[taken.pk])
    assert "với ghi nhận «không gửi tự đánh giá»" in text(done)
    assert "Đơn vị không gửi tự đánh giá (hạn" in text(done)


def test_the_take_page_says_why_not_before_the_deadline(login, province, commune_c):
    url = reverse("assessments:take", args=[province["period"].pk, commune_c.pk])
    page = login("appraiser").get(url)
    assert "Chưa hết hạn tự đánh giá của Xã Cẩm Đông" in text(page)
    assert "Đưa vào thẩm định" not in text(page)
    refused = login("appraiser").post(url, {"confirmed": "1"}, follow=True)
    assert "Chưa hết hạn tự đánh giá" in text(refused)
    assert not Assessment.objects.filter(unit=commune_c).exists()


def test_a_draft_past_its_deadline_offers_the_take_on_the_appraisal_page(login, province):
    page = login("appraiser").get(
        reverse("assessments:appraise", args=[province["assessment_a"].pk])
    )
    assert "Đơn vị chưa gửi tự đánh giá và đã hết hạn" in text(page)
    take = reverse("assessments:take", args=[province["period"].pk, province["unit_a"].pk])
    assert take in page.content.decode()


# --- many units at once ------------------------------------------------------------------------


def _bulk(client, province, action, units, **extra):
    return client.post(
        reverse("assessments:bulk"),
        {
            "action": action,
            "period": province["period"].pk,
            "units": [unit.pk for unit in units],
            "next": reverse("assessments:queue"),
            **extra,
        },
    )


def test_a_bulk_take_confirms_the_list_then_reports_each_unit(login, province, commune_c):
    client = login("appraiser")
    units = [province["unit_a"], province["unit_b"], commune_c]
    check = _bulk(client, province, "take_unsubmitted", units)
    body = text(check)
    assert "Thẩm định đơn vị không gửi tự đánh giá (đã hết hạn): 3 đơn vị" in body
    assert "Xã Cẩm Đông" in body
    assert set(Assessment.objects.values_list("state", flat=True)) == {"draft"}

    done = _bulk(client, province, "take_unsubmitted", units, confirmed="1")

    assert [unit.name for unit in done.context["succeeded"]] == ["Xã An Bình", "Xã Bình Minh"]
    [(refused, reason)] = done.context["refused"]
    assert refused == commune_c
    assert "Chưa hết hạn tự đánh giá của Xã Cẩm Đông" in reason
    assert "2 đơn vị đã thực hiện" in text(done)
    assert fresh(province["assessment_b"]).submission == "not_submitted"
    assert not Assessment.objects.filter(unit=commune_c).exists()


def test_bulk_start_and_finalise_go_through_the_workflow_one_unit_at_a_time(login, open_province):
    province = open_province
    fill_and_submit(province, "a")
    client = login("appraiser")
    units = [province["unit_a"], province["unit_b"]]
    started = _bulk(client, province, "start_appraisal", units, confirmed="1")
    assert [unit.code for unit in started.context["succeeded"]] == ["A"]
    [(unit, reason)] = started.context["refused"]
    assert unit.code == "B"
    assert "Không thể bắt đầu thẩm định khi hồ sơ ở trạng thái «Đang tự đánh giá»" in reason
    assert fresh(province["assessment_a"]).appraiser == province["users"]["appraiser"]

    check = _bulk(client, province, "finalise", [province["unit_a"]])
    assert "Điểm thẩm định được chốt" in text(check)
    assert fresh(province["assessment_a"]).state == "in_appraisal"
    _bulk(client, province, "finalise", [province["unit_a"]], confirmed="1")
    assert fresh(province["assessment_a"]).state == "appraised"


def test_bulk_reminders_reach_units_within_their_deadline_only(login, province, commune_c):
    client = login("appraiser")
    User = type(province["users"]["officer_a"])
    User.objects.create(username="officer_c", role="officer", unit=commune_c, full_name="C")
    done = _bulk(
        client,
        province,
        "remind",
        [],
        confirmed="1",
        scope="shown",
        shown=[province["unit_a"].pk, commune_c.pk],
    )
    assert [unit.code for unit in done.context["succeeded"]] == ["C"]
    assert "Đã hết hạn tự đánh giá của Xã An Bình" in done.context["refused"][0][1]
    assert Notification.objects.filter(user__username="officer_c").count() == 1


def test_a_bulk_action_without_units_or_from_a_non_appraiser_is_refused(login, province):
    empty = _bulk(login("appraiser"), province, "remind", [])
    assert empty.status_code == 302
    assert _bulk(login("council"), province, "remind", [province["unit_a"]]).status_code == 403
    assert _bulk(login("head_a"), province, "remind", [province["unit_a"]]).status_code == 403


# --- confirmation of what cannot be undone -----------------------------------------------------


def test_finalising_asks_for_a_confirmation_that_says_what_happens(login, open_province):
    assessment = fill_and_submit(open_province)
    assessment_transition(
        actor=open_province["users"]["appraiser"], assessment=assessment, action="start_appraisal"
    )
    client = login("appraiser")
    url = reverse("assessments:transition", args=[assessment.pk])
    check = client.post(url, {"action": "finalise"})
    assert check.status_code == 200
    assert "Kết thúc thẩm định: Xã An Bình" in text(check)
    assert "chờ hội đồng thông qua" in text(check)
    assert 'name="confirmed" value="1"' in check.content.decode()
    assert fresh(assessment).state == "in_appraisal"
    client.post(url, {"action": "finalise", "confirmed": "1"})
    assert fresh(assessment).state == "appraised"


def test_the_approval_summary_counts_units_that_never_submitted(login, province):
    appraiser = province["users"]["appraiser"]
    for unit in (province["unit_a"], province["unit_b"]):
        taken = assessment_take_unsubmitted(actor=appraiser, period=province["period"], unit=unit)
        assessment_transition(actor=appraiser, assessment=fresh(taken), action="finalise")
    check = login("council").post(
        reverse("assessments:group_review", args=[province["group"].pk]), {"note": ""}
    )
    body = text(check)
    assert "Trong nhóm có 2 đơn vị không gửi tự đánh giá và 0 đơn vị gửi muộn" in body
    assert "Thông qua 2 đơn vị" in body
    group_approve(actor=province["users"]["council"], group=province["group"])
    publish = login("admin").post(
        reverse("assessments:publish", args=[province["period"].pk]),
        {"decision_number": "15/QĐ-UBND", "decision_date": "20/01/2026"},
    )
    assert "2 đơn vị không gửi tự đánh giá được công bố với điểm thẩm định" in text(publish)


def test_the_unit_sees_it_was_taken_in_without_its_submission(login, province):
    assessment_take_unsubmitted(
        actor=province["users"]["appraiser"], period=province["period"], unit=province["unit_a"]
    )
    page = login("officer_a").get(reverse("assessments:self", args=[province["assessment_a"].pk]))
    assert "Đơn vị không gửi kết quả tự đánh giá trước hạn" in text(page)


def test_a_late_unit_is_marked_on_the_ranking(login, open_province):
    to_appraised(open_province, "a")
    Assessment.objects.filter(pk=open_province["assessment_a"].pk).update(submission="late")
    page = login("leader").get(reverse("results:group", args=[open_province["group"].pk]))
    assert "gửi muộn" in text(page)
