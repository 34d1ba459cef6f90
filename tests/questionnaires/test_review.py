"""Integrity rules over the survey's stored responses, and the appraiser's audited,
reversible exclusions (nothing is ever deleted)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from parindex.audit.models import AuditEvent
from parindex.questionnaires import selectors
from parindex.questionnaires.errors import QuestionnaireError
from parindex.questionnaires.models import Response, ResponseReview
from parindex.questionnaires.services.review import response_decide, survey_check

from .conftest import TZ, add_response, answers

T0 = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=TZ)


def rules_of(response):
    response.refresh_from_db()
    return [flag["rule"] for flag in response.flags]


@pytest.fixture
def survey(make_survey):
    return make_survey()


def test_a_copy_of_a_submission_is_flagged_and_excluded(survey, place):
    first = add_response(survey, place["units"]["A"], submission_id="uuid-1")
    copy = add_response(survey, place["units"]["A"], submission_id="uuid-1", at=T0.replace(hour=10))

    survey_check(survey=survey)

    assert rules_of(first) == []
    assert rules_of(copy) == ["duplicate_submission"]
    assert copy.excluded
    assert copy.status_basis == "rule:duplicate_submission"


def test_the_same_answers_from_one_source_soon_after_are_flagged(survey, place):
    unit = place["units"]["B"]
    first = add_response(survey, unit, source="s1", at=T0)
    again = add_response(survey, unit, source="s1", at=T0 + datetime.timedelta(minutes=5))
    later = add_response(survey, unit, source="s1", at=T0 + datetime.timedelta(hours=3))

    survey_check(survey=survey)

    assert rules_of(first) == []
    assert rules_of(later) == []
    assert rules_of(again) == ["duplicate_answers"]
    assert again.excluded


def test_one_source_repeating_a_pattern_across_units_is_flagged_for_review(survey, place):
    sent = [
        add_response(
            survey, place["units"][code], source="s2", at=T0 + datetime.timedelta(minutes=m)
        )
        for code, m in (("A", 0), ("B", 10), ("C", 20))
    ]

    survey_check(survey=survey)

    assert all(rules_of(response) == ["repeated_pattern"] for response in sent)
    assert not any(response.excluded for response in sent)  # a review flag, not an exclusion


def test_one_answer_to_every_scale_question_is_flagged_for_review(survey, place):
    liner = add_response(survey, place["units"]["A"], values=answers("5"))
    varied = add_response(survey, place["units"]["A"])

    survey_check(survey=survey)

    assert rules_of(liner) == ["straight_lining"]
    assert not liner.excluded
    assert rules_of(varied) == []


def test_a_form_completed_too_fast_is_excluded(survey, place):
    fast = add_response(survey, place["units"]["C"], seconds=8)  # 8 choices (with unit, group)
    steady = add_response(survey, place["units"]["C"], seconds=90)

    survey_check(survey=survey)

    assert rules_of(fast) == ["too_fast"]
    assert fast.excluded
    assert fast.flags[0]["reason"] == "hoàn thành trong 8 giây cho 8 câu (dưới 2 giây/câu)"
    assert rules_of(steady) == []


def test_exclusion_is_audited_and_reversible_and_deletes_nothing(survey, place):
    response = add_response(survey, place["units"]["A"])
    appraiser = place["users"]["appraiser"]
    survey_check(survey=survey)

    response_decide(
        actor=appraiser, response=response, action="exclude", reason="Phiếu ghi sai đơn vị"
    )
    response.refresh_from_db()
    assert response.excluded
    assert response.status_basis == "appraiser"
    assert selectors.survey_results(survey).valid == 0

    response_decide(
        actor=appraiser, response=response, action="reinstate", reason="Đã xác minh lại"
    )
    response.refresh_from_db()
    assert not response.excluded
    assert selectors.survey_results(survey).valid == 1
    assert Response.objects.count() == 1
    reviews = list(ResponseReview.objects.values_list("action", "reason", "actor_name"))
    assert reviews == [
        ("exclude", "Phiếu ghi sai đơn vị", "Appraiser"),
        ("reinstate", "Đã xác minh lại", "Appraiser"),
    ]
    events = AuditEvent.objects.filter(object_type="response", object_id=str(response.pk))
    assert sorted(events.values_list("action", "reason")) == [
        ("exclude_response", "Phiếu ghi sai đơn vị"),
        ("reinstate_response", "Đã xác minh lại"),
    ]


def test_a_decision_outlives_a_new_integrity_check(survey, place):
    fast = add_response(survey, place["units"]["C"], seconds=5)
    survey_check(survey=survey)
    response_decide(
        actor=place["users"]["appraiser"],
        response=fast,
        action="reinstate",
        reason="Phiếu giấy nhập nhanh, đã đối chiếu",
    )

    survey_check(survey=survey)

    fast.refresh_from_db()
    assert rules_of(fast) == ["too_fast"]
    assert not fast.excluded
    assert fast.status_basis == "appraiser"


def test_a_decision_needs_a_reason_and_must_change_something(survey, place):
    response = add_response(survey, place["units"]["A"])
    appraiser = place["users"]["appraiser"]

    with pytest.raises(QuestionnaireError, match="cần ghi lý do"):
        response_decide(actor=appraiser, response=response, action="exclude", reason=" ")
    with pytest.raises(QuestionnaireError, match="đang được tính"):
        response_decide(actor=appraiser, response=response, action="reinstate", reason="x")

    assert not ResponseReview.objects.exists()


def test_review_decisions_cannot_be_edited_or_deleted(survey, place):
    response = add_response(survey, place["units"]["A"])
    response_decide(
        actor=place["users"]["appraiser"], response=response, action="exclude", reason="Sai"
    )
    review = ResponseReview.objects.get()

    review.reason = "Khác"
    with pytest.raises(PermissionError):
        review.save()
    with pytest.raises(PermissionError):
        review.delete()


def test_the_review_page_filters_by_rule_and_the_detail_page_decides(as_user, survey, place):
    fast = add_response(survey, place["units"]["C"], seconds=5)
    add_response(survey, place["units"]["A"])
    survey_check(survey=survey)
    client = as_user("appraiser")

    listing = client.get(reverse("questionnaires:review", args=[survey.pk]), {"rule": "too_fast"})
    decided = client.post(
        reverse("questionnaires:response_decide", args=[survey.pk, fast.pk]),
        {"action": "reinstate", "reason": "Đã gọi điện xác minh"},
    )
    detail = client.get(reverse("questionnaires:response", args=[survey.pk, fast.pk]))

    assert listing.context["page"].paginator.count == 1
    assert decided.status_code == 302
    text = detail.content.decode()
    assert "Đã gọi điện xác minh" in text
    assert "Loại phiếu" in text
    fast.refresh_from_db()
    assert not fast.excluded
