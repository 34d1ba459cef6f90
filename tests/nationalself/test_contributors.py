"""A department sees and edits only the sub-criteria assigned to it; the lead sends, the
supporting departments contribute; Home Affairs asks for more and the lead answers."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.assessments.models import Notification
from parindex.nationalself.models import ContributionStatus
from parindex.nationalself.services.contributions import contribution_return
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
