"""The public form: one-time invitations (reuse, expiry, unknown codes), the open link's
rate limit, the honeypot, the page language, and the closed survey."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.questionnaires.models import Channel, Invitation, Response
from parindex.questionnaires.services.collection import (
    invitations_create,
    public_source_hash,
    token_hash,
)

from .conftest import answers


def invite(survey, place, count=1, days=10, group="dan"):
    return invitations_create(
        actor=place["users"]["appraiser"],
        survey=survey,
        unit=place["units"]["A"],
        respondent_group=group,
        count=count,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )


def test_an_invitation_link_opens_the_form_for_its_unit_and_group(client, make_survey, place):
    survey = make_survey()
    [(_, token)] = invite(survey, place)

    page = client.get(reverse("public_survey:token", args=[token])).content.decode()

    assert "Xã An Bình" in page
    assert "Người dân" in page
    assert 'name="q1"' in page
    assert 'type="radio"' in page
    # The unit and the group come from the invitation: neither is asked again.
    assert 'name="don_vi"' not in page
    assert 'name="nhom"' not in page


def test_a_token_is_stored_only_as_its_hash(make_survey, place):
    survey = make_survey()
    [(invitation, token)] = invite(survey, place)

    stored = Invitation.objects.get(pk=invitation.pk)

    assert token not in (stored.token_hash, stored.hint)
    assert stored.token_hash == token_hash(token)
    assert len(token) >= 32


def test_an_invitation_takes_one_response_and_refuses_the_second(client, make_survey, place):
    survey = make_survey()
    [(invitation, token)] = invite(survey, place)
    url = reverse("public_survey:token", args=[token])

    first = client.post(url, answers())
    again = client.post(url, answers("5"))

    assert first.status_code == 302
    assert first["Location"] == reverse("public_survey:thanks")
    assert again.status_code == 410
    assert "đã được dùng để gửi phiếu lúc" in again.content.decode()
    assert "Mỗi mã chỉ dùng được một lần" in again.content.decode()
    response = Response.objects.get()
    assert response.invitation == invitation
    assert response.channel == Channel.TOKEN
    assert (response.unit.code, response.respondent_group) == ("A", "dan")
    assert response.answers["q1"] == "4"
    assert response.answers["don_vi"] == "A"
    invitation.refresh_from_db()
    assert invitation.used_at == response.submitted_at


def test_a_used_invitation_cannot_even_be_opened_again(client, make_survey, place):
    survey = make_survey()
    [(_, token)] = invite(survey, place)
    url = reverse("public_survey:token", args=[token])
    client.post(url, answers())

    page = client.get(url)

    assert page.status_code == 410
    assert 'name="q1"' not in page.content.decode()


def test_an_expired_invitation_is_refused_with_its_expiry_time(client, make_survey, place):
    survey = make_survey()
    [(invitation, token)] = invite(survey, place)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.make_aware(datetime.datetime(2025, 3, 1, 23, 59))
    )

    page = client.get(reverse("public_survey:token", args=[token]))
    post = client.post(reverse("public_survey:token", args=[token]), answers())

    assert page.status_code == post.status_code == 410
    assert "Mã mời này đã hết hạn lúc 23:59 01/03/2025." in page.content.decode()
    assert not Response.objects.exists()


def test_an_unknown_token_is_refused(client, make_survey, place):
    make_survey()

    page = client.get(reverse("public_survey:token", args=["khong-phai-ma-that-1234567890ab"]))

    assert page.status_code == 404
    assert "Mã mời không đúng" in page.content.decode()


def test_a_missing_required_answer_keeps_the_invitation_unused(client, make_survey, place):
    survey = make_survey()
    [(invitation, token)] = invite(survey, place)
    incomplete = answers()
    del incomplete["q3"]

    page = client.post(reverse("public_survey:token", args=[token]), incomplete)

    assert page.status_code == 400
    assert "Phiếu chưa gửi được" in page.content.decode()
    invitation.refresh_from_db()
    assert invitation.used_at is None
    assert not Response.objects.exists()


def test_the_open_link_accepts_the_rate_limit_per_hour_then_refuses(client, make_survey, place):
    survey = make_survey(rate_limit=3)
    url = reverse("public_survey:open", args=[survey.pk])
    data = {**answers(), "_unit": "B", "nhom": "dn"}

    statuses = [client.post(url, data, REMOTE_ADDR="10.0.0.7").status_code for _ in range(4)]

    assert statuses == [302, 302, 302, 429]
    assert Response.objects.filter(channel=Channel.WEB).count() == 3
    refused = client.post(url, data, REMOTE_ADDR="10.0.0.7")
    assert "Đã nhận đủ 3 phiếu từ thiết bị này trong một giờ qua" in refused.content.decode()
    # Another address (another browser) is not held back by the first one's limit.
    assert client.post(url, data, REMOTE_ADDR="10.0.0.8").status_code == 302


def test_the_rate_limit_counts_only_the_last_hour(client, make_survey, place):
    survey = make_survey(rate_limit=1)
    url = reverse("public_survey:open", args=[survey.pk])
    data = {**answers(), "_unit": "B", "nhom": "dn"}
    assert client.post(url, data, REMOTE_ADDR="10.0.0.9").status_code == 302
    Response.objects.update(submitted_at=timezone.now() - datetime.timedelta(minutes=61))

    assert client.post(url, data, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_open_link_stores_no_address_only_a_salted_hash(client, make_survey, place):
    survey = make_survey()
    url = reverse("public_survey:open", args=[survey.pk])
    client.post(url, {**answers(), "_unit": "B", "nhom": "dn"}, REMOTE_ADDR="10.1.2.3")

    response = Response.objects.get()

    assert response.source_hash
    assert "10.1.2.3" not in response.source_hash
    assert "10.1.2.3" not in str(response.answers)
    assert response.source_hash == public_source_hash(survey, "10.1.2.3")


def test_a_filled_honeypot_is_thanked_and_ignored(client, make_survey, place):
    survey = make_survey()
    url = reverse("public_survey:open", args=[survey.pk])

    reply = client.post(url, {**answers(), "_unit": "B", "nhom": "dn", "website": "spam.example"})

    assert reply.status_code == 302
    assert reply["Location"] == reverse("public_survey:thanks")
    assert not Response.objects.exists()


def test_a_unit_in_the_link_is_fixed_and_not_asked(client, make_survey, place):
    survey = make_survey()
    url = reverse("public_survey:open", args=[survey.pk]) + "?unit=C"

    page = client.get(url).content.decode()
    client.post(url, {**answers(), "nhom": "dan"})

    assert "Xã Cát Tiên" in page
    assert 'name="_unit"' not in page
    assert Response.objects.get().unit.code == "C"


def test_the_open_link_is_closed_unless_enabled(client, make_survey, place):
    survey = make_survey(open_link=False)

    page = client.get(reverse("public_survey:open", args=[survey.pk]))

    assert page.status_code == 404


@pytest.mark.parametrize(
    ("state", "status", "message"),
    [
        ("draft", 404, "Cuộc khảo sát chưa bắt đầu."),
        ("closed", 410, "Cuộc khảo sát đã kết thúc thu phiếu."),
    ],
)
def test_a_survey_not_collecting_refuses_its_invitations(
    client, make_survey, place, state, status, message
):
    survey = make_survey()
    [(_, token)] = invite(survey, place)
    survey.state = state
    survey.save()

    page = client.get(reverse("public_survey:token", args=[token]))

    assert page.status_code == status
    assert message in page.content.decode()


def test_the_form_speaks_english_when_the_respondent_asks(client, make_survey, place):
    survey = make_survey()
    [(_, token)] = invite(survey, place)
    url = reverse("public_survey:token", args=[token])

    page = client.get(url + "?lang=en").content.decode()
    sent = client.post(url + "?lang=en", answers())

    assert '<html lang="en">' in page
    assert "Satisfaction q1" in page
    assert "Level 5" in page
    assert ">Send<" in page
    assert "Mức hài lòng q1" not in page
    assert 'href="?lang=vi"' in page
    assert sent["Location"] == reverse("public_survey:thanks") + "?lang=en"
    assert "Thank you!" in client.get(sent["Location"]).content.decode()


def test_the_form_is_vietnamese_by_default(client, make_survey, place):
    survey = make_survey()
    [(_, token)] = invite(survey, place)

    page = client.get(reverse("public_survey:token", args=[token])).content.decode()

    assert '<html lang="vi">' in page
    assert "Mức hài lòng q1" in page
    assert "Gửi phiếu" in page


def test_the_started_time_is_signed_and_a_forged_one_is_ignored(client, make_survey, place):
    survey = make_survey()
    [(_, token)] = invite(survey, place)

    client.post(
        reverse("public_survey:token", args=[token]), {**answers(), "_started": "1700000000"}
    )

    assert Response.objects.get().started_at is None


def test_a_second_simultaneous_submission_of_one_invitation_is_refused(client, make_survey, place):
    survey = make_survey()
    [(invitation, token)] = invite(survey, place)
    # The first submission is stored but its invitation not yet marked used, as when two
    # submissions of one link arrive at the same moment.
    Response.objects.create(
        survey=survey,
        unit=invitation.unit,
        respondent_group="dan",
        channel="token",
        invitation=invitation,
        submission_id="web:first",
        submitted_at=timezone.now(),
    )

    second = client.post(reverse("public_survey:token", args=[token]), answers())

    assert second.status_code == 410
    assert Response.objects.count() == 1
