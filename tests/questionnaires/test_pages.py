"""The staff pages render what they promise: detail, targets, progress, invitations (links
shown once, CSV), review, the anonymised export; and their query counts stay flat."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parindex.questionnaires.models import Invitation, SamplingTarget
from parindex.questionnaires.services.review import survey_check
from parindex.questionnaires.services.targets import TargetRow, targets_save

from .conftest import add_response


@pytest.fixture
def survey(make_survey, place):
    survey = make_survey()
    for code in ("A", "B"):
        for _ in range(3):
            add_response(survey, place["units"][code])
    survey_check(survey=survey)
    return survey


def test_the_survey_list_shows_a_unit_user_only_collecting_surveys_of_their_unit(
    as_user, make_survey
):
    make_survey(state="draft")
    collecting = make_survey()

    page = as_user("officer_a").get(reverse("questionnaires:list"))
    outsider = as_user("officer_z").get(reverse("questionnaires:list"))

    assert list(page.context["surveys"]) == [collecting]
    assert list(outsider.context["surveys"]) == []


def test_the_detail_page_summarises_form_channels_and_open_link(as_user, survey):
    page = as_user("leader").get(reverse("questionnaires:detail", args=[survey.pk]))

    text = page.content.decode()
    assert "Nhập từ ODK/KoboToolbox: 6" in text
    assert f"/s/open/{survey.pk}/" in text
    assert "Hài lòng về thủ tục" in text
    assert "Người dân" in text
    assert "Kết thúc thu phiếu" not in text  # leaders read, Home Affairs acts


def test_targets_are_edited_in_a_grid_and_bad_numbers_are_named(as_user, survey, place):
    client = as_user("appraiser")
    url = reverse("questionnaires:targets", args=[survey.pk])
    unit_a, unit_b = place["units"]["A"], place["units"]["B"]

    refused = client.post(url, {f"t-{unit_a.pk}-dan": "mười"})
    saved = client.post(
        url, {f"t-{unit_a.pk}-dan": "20", f"p-{unit_a.pk}-dan": "900", f"t-{unit_b.pk}-dn": "5"}
    )

    assert "Xã An Bình / Người dân" in refused.content.decode()
    assert "«mười» phải là số nguyên không âm" in refused.content.decode()
    assert saved.status_code == 302
    assert sorted(
        SamplingTarget.objects.values_list("unit__code", "respondent_group", "target", "population")
    ) == [("A", "dan", 20, 900), ("B", "dn", 5, None)]


def test_the_progress_page_shows_targets_and_margins(as_user, survey, place):
    targets_save(
        actor=place["users"]["admin"],
        survey=survey,
        rows=[TargetRow(place["units"]["A"], "dan", 6)],
    )

    text = (
        as_user("council")
        .get(reverse("questionnaires:progress", args=[survey.pk]))
        .content.decode()
    )

    assert "50%" in text  # three of six
    assert "± 56,6" in text  # 1,96 × √(0,25 / 3)
    assert "Xã Cát Tiên" in text


def test_new_invitations_show_their_links_once_and_download_as_csv(as_user, survey, place):
    client = as_user("appraiser")
    url = reverse("questionnaires:invitations", args=[survey.pk])
    form = {
        "unit": place["units"]["B"].pk,
        "respondent_group": "dn",
        "count": 3,
        "expires_on": "2099-12-31",
    }

    page = client.post(url, {**form, "output": "page"})
    download = client.post(url, {**form, "output": "csv"})
    listing = client.get(url)

    links = [link for _, link in page.context["links"]]
    assert len(links) == 3
    assert all("/s/" in link for link in links)
    for link in links:
        assert link in page.content.decode()
        assert link not in listing.content.decode()  # never shown again
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [row["unit"] for row in rows] == ["B", "B", "B"]
    assert rows[0]["expires_at"] == "31/12/2099 23:59"
    assert Invitation.objects.count() == 6


def test_invitations_cannot_be_created_already_expired(as_user, survey, place):
    page = as_user("appraiser").post(
        reverse("questionnaires:invitations", args=[survey.pk]),
        {
            "unit": place["units"]["B"].pk,
            "respondent_group": "dn",
            "count": 1,
            "expires_on": "2020-01-01",
        },
    )

    assert "ngày hết hạn phải sau hôm nay" in page.content.decode()
    assert not Invitation.objects.exists()


def test_the_anonymised_export_downloads_as_csv(as_user, survey):
    reply = as_user("council").get(reverse("questionnaires:export", args=[survey.pk]))

    assert reply["Content-Type"].startswith("text/csv")
    assert reply.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(reply.content.decode("utf-8-sig"))))
    assert len(rows) == 6
    assert "dien_thoai" not in rows[0]


def test_the_state_buttons_open_and_close_collection(as_user, make_survey):
    survey = make_survey(state="draft")
    client = as_user("appraiser")

    client.post(reverse("questionnaires:transition", args=[survey.pk]), {"state": "open"})
    survey.refresh_from_db()
    opened = survey.state
    client.post(reverse("questionnaires:transition", args=[survey.pk]), {"state": "closed"})
    survey.refresh_from_db()

    assert (opened, survey.state) == ("open", "closed")


@pytest.mark.parametrize("name", ["results", "review", "progress"])
def test_a_page_costs_the_same_queries_for_more_responses(as_user, survey, place, name):
    client = as_user("appraiser")
    url = reverse(f"questionnaires:{name}", args=[survey.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(20):
        add_response(survey, place["units"]["C"])
    survey_check(survey=survey)

    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few)


def test_a_unit_user_cannot_open_a_survey_still_in_preparation(as_user, make_survey):
    survey = make_survey(state="draft")

    reply = as_user("officer_a").get(reverse("questionnaires:progress", args=[survey.pk]))

    assert reply.status_code == 404
