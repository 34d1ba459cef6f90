"""A department sees and edits only the sub-criteria assigned to it; the lead sends, the
supporting departments contribute; Home Affairs asks for more and the lead answers."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.assessments.models import Notification
from parindex.nationalself.errors import NationalSelfError
from parindex.nationalself.models import ContributionStatus, SelfState
from parindex.nationalself.selectors import assessment_engine
from parindex.nationalself.services.contributions import contribution_return, contribution_submit
from parindex.policy import national_evidence_for, national_node_codes

from .helpers import a_national_self, contribution, upload


def test_a_department_sees_only_its_own_leaves(province, login):
    assessment = a_national_self(province)
    assert national_node_codes(province["users"]["officer_b"], assessment) == {"1.1.1", "2.1.2"}
    assert national_node_codes(province["users"]["officer_a"], assessment) == {"1.1.1", "1.1.2"}
    assert national_node_codes(province["users"]["leader"], assessment) is None
    page = login("officer_b").get(reverse("nationalself:detail", args=[assessment.pk]))
    body = page.content.decode()
    assert "/node/2.1.2/" in body
    assert "/node/1.1.1/" in body
    assert "/node/1.1.2/" not in body
    assert "/node/3.1.1/" not in body
    client = login("officer_b")
    assert (
        client.get(reverse("nationalself:node", args=[assessment.pk, "1.1.2"])).status_code == 404
    )
    saved = client.post(
        reverse("nationalself:node_save", args=[assessment.pk, "1.1.2"]),
        {"v_numerator": "1", "v_denominator": "2", "version": "1"},
    )
    assert saved.status_code == 404
    assert contribution(assessment, "1.1.2").values is None


def test_the_supporting_department_contributes_and_the_lead_sends(province, login):
    assessment = a_national_self(province)
    url = reverse("nationalself:node_save", args=[assessment.pk, "1.1.1"])
    response = login("officer_b").post(url, {"v_option": "on_time", "version": "1"})
    assert response.status_code == 302
    assert contribution(assessment, "1.1.1").values == {"option": "on_time"}
    submit = reverse("nationalself:node_submit", args=[assessment.pk, "1.1.1"])
    assert login("officer_b").post(submit).status_code == 403
    # Evidence is required (1.1.1): the lead's sending is refused until a document is there.
    login("head_a").post(submit)
    assert contribution(assessment, "1.1.1").status == ContributionStatus.OPEN
    upload(province, "1.1.1", "khac.pdf", user="head_a")  # not the document asked for
    login("head_a").post(submit)
    assert contribution(assessment, "1.1.1").status == ContributionStatus.OPEN
    asked = assessment.checklist.get(node_code="1.1.1")
    upload(province, "1.1.1", "ke-hoach.pdf", user="head_a", checklist_item=asked)
    login("head_a").post(submit)
    sent = contribution(assessment, "1.1.1")
    assert sent.status == ContributionStatus.SUBMITTED
    assert Notification.objects.filter(user=province["users"]["appraiser"]).exists()
    # Sent: the departments no longer edit it.
    again = login("officer_a").post(url, {"v_option": "late", "version": str(sent.version)})
    assert again.status_code == 403


def test_home_affairs_asks_for_more_and_the_lead_answers(province, login):
    assessment = a_national_self(province)
    request = contribution_return(
        actor=province["users"]["appraiser"],
        contribution=contribution(assessment, "1.1.2"),
        question="Bổ sung phụ lục kết quả từng nhiệm vụ",
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )
    assert contribution(assessment, "1.1.2").status == ContributionStatus.RETURNED
    assert Notification.objects.filter(user=province["users"]["officer_a"]).exists()
    page = login("officer_a").get(reverse("nationalself:node", args=[assessment.pk, "1.1.2"]))
    assert "Bổ sung phụ lục kết quả từng nhiệm vụ" in page.content.decode()
    answer = reverse("nationalself:node_answer", args=[assessment.pk, "1.1.2", request.pk])
    assert login("officer_b").post(answer, {"answer": "x"}).status_code == 404
    login("officer_a").post(answer, {"answer": "Đã bổ sung phụ lục"})
    request.refresh_from_db()
    assert request.answer == "Đã bổ sung phụ lục"


@pytest.mark.parametrize(("persona", "allowed"), [("officer_b", False), ("leader", True)])
def test_a_document_cited_only_for_another_department_is_hidden(province, persona, allowed):
    document = upload(province, "1.1.2", "bao-cao.pdf")
    user = province["users"][persona]
    if allowed:
        assert national_evidence_for(user, document.pk) == document
    else:
        from django.http import Http404

        with pytest.raises(Http404):
            national_evidence_for(user, document.pk)


def test_once_sent_home_affairs_cannot_ask_for_more(province):
    assessment = a_national_self(province)
    assessment.state = SelfState.SENT
    assessment.sent_at = timezone.now()
    assessment.save()
    with pytest.raises(NationalSelfError, match="đã gửi Bộ Nội vụ"):
        contribution_return(
            actor=province["users"]["appraiser"],
            contribution=contribution(assessment, "1.1.2"),
            question="Bổ sung",
            deadline=timezone.localdate() + datetime.timedelta(days=3),
        )
    assert contribution(assessment, "1.1.2").status == ContributionStatus.OPEN


def test_reviewing_a_survey_leaf_nobody_provides_is_refused_with_a_message(province, login):
    assessment = a_national_self(province)
    survey_leaf = next(
        leaf.code for leaf in assessment_engine(assessment).leaves() if leaf.source == "survey"
    )
    response = login("appraiser").post(
        reverse("nationalself:node_review", args=[assessment.pk, survey_leaf]),
        {"action": "accept", "reason": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not assessment.contributions.filter(node_code=survey_leaf).exists()


def test_a_leaf_sent_the_morning_after_its_deadline_is_late(province):
    assessment = a_national_self(province)
    leaf = contribution(assessment, "2.1.2")
    leaf.values = {"option": "yes"} if leaf.values is None else leaf.values
    leaf.gap_explanation = "Văn bản đang trình ký"
    leaf.deadline = datetime.date(2025, 3, 10)
    leaf.save()
    # 06:00 on 11/03 in the province, given as the server clock has it (UTC, still 10/03).
    morning_after = datetime.datetime(2025, 3, 10, 23, 0, tzinfo=datetime.UTC)
    contribution_submit(actor=province["users"]["officer_b"], contribution=leaf, now=morning_after)
    sent = Notification.objects.filter(user=province["users"]["appraiser"]).latest("id")
    assert "quá hạn" in sent.message
