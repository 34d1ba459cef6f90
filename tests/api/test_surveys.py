"""Survey submissions pushed by field tools (KoboToolbox REST service, ODK Central JSON), and
survey results, on the survey tests' province (tests/questionnaires/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from parindex.apitokens.services import token_create
from parindex.questionnaires.models import ImportBatch, Response
from tests.api.conftest import Api
from tests.questionnaires.conftest import add_response, answers, make_survey, place  # noqa: F401


@pytest.fixture
def api_for(client: Client, place):  # noqa: F811
    def make(name: str) -> Api:
        user = place["users"][name]
        return Api(client, token_create(actor=user, user=user, name="t").secret)

    return make


def kobo(uuid: str, unit: str = "A", level: str = "4", **extra: Any) -> dict[str, Any]:
    """What a KoboToolbox REST service posts for one submission."""
    return {
        "_id": 8123,
        "formhub/uuid": "5f2c…",
        "start": "2025-03-03T08:00:00.000+07:00",
        "end": "2025-03-03T08:09:00.000+07:00",
        "deviceid": "collect:abc",
        "chung/don_vi": unit,
        "chung/nhom": "dan",
        "chung/tuoi": "40",
        **{f"danh_gia/{q}": level for q in ("q1", "q2", "q3", "q4", "q5", "q6")},
        "__version__": "vX",
        "meta/instanceID": f"uuid:{uuid}",
        "_uuid": uuid,
        "_submission_time": "2025-03-03T01:09:30",
        "_attachments": [],
        "_geolocation": [None, None],
        "_tags": [],
        "_submitted_by": None,
        **extra,
    }


def odk(uuid: str, unit: str = "B", version: str = "", level: str | None = None) -> dict[str, Any]:
    """An ODK Central submission as its OData feed gives it: groups nested, meta in __system;
    an edit keeps `__id` and gives the version a new `meta.instanceID`."""
    return {
        "__id": f"uuid:{uuid}",
        "start": "2025-03-04T09:00:00.000+07:00",
        "end": "2025-03-04T09:07:00.000+07:00",
        "chung": {"don_vi": unit, "nhom": "dn", "tuoi": 35},
        "danh_gia": answers(level),
        "meta": {"instanceID": f"uuid:{version or uuid}"},
        "__system": {
            "submissionDate": "2025-03-04T02:07:40.512Z",
            "submitterId": "12",
            "submitterName": "Điều tra viên 3",
            "deviceId": "collect:xyz",
            "reviewState": None,
        },
    }


def test_a_kobo_submission_is_imported_once(api_for, make_survey, place):  # noqa: F811
    survey = make_survey()
    api = api_for("appraiser")
    url = f"/surveys/{survey.pk}/submissions"
    response = api.post(url, kobo("k-1"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["read"], body["imported"], body["already_present"]) == (1, 1, 0)
    stored = Response.objects.get()
    assert (stored.submission_id, stored.unit.code, stored.channel) == ("k-1", "A", "import")
    assert stored.answers["q1"] == "4"
    assert "_geolocation" not in str(body["ignored_columns"])  # lists are left out
    # Kobo retries a delivery: nothing changes.
    again = api.post(url, kobo("k-1"))
    assert again.status_code == 200
    assert (again.json()["imported"], again.json()["already_present"]) == (0, 1)
    assert Response.objects.count() == 1
    assert ImportBatch.objects.count() == 1


def test_an_odk_central_submission_is_imported(api_for, make_survey, place):  # noqa: F811
    survey = make_survey()
    response = api_for("admin").post(f"/surveys/{survey.pk}/submissions", odk("o-1"))
    assert response.status_code == 200, response.content
    stored = Response.objects.get()
    assert (stored.submission_id, stored.unit.code, stored.respondent_group) == ("o-1", "B", "dn")
    assert stored.submitted_at.isoformat().startswith("2025-03-04T02:07:40")
    assert stored.source_hash  # the device, as a keyed hash only
    assert "collect:xyz" not in str(Response.objects.values())


def test_an_edited_odk_central_submission_replaces_its_earlier_version(
    api_for,
    make_survey,  # noqa: F811
    place,  # noqa: F811
):
    survey = make_survey()
    api = api_for("admin")
    url = f"/surveys/{survey.pk}/submissions"
    assert api.post(url, odk("o-7")).status_code == 200
    edited = api.post(url, odk("o-7", version="o-7-v2", level="2"))
    assert edited.status_code == 200, edited.content
    stored = Response.objects.get()  # still one response
    assert stored.submission_id == "o-7"
    assert stored.version_id == "o-7-v2"
    assert stored.answers["q1"] == "2"  # the edit's answers, not the first version's
    # The same edit delivered again changes nothing.
    assert api.post(url, odk("o-7", version="o-7-v2", level="2")).status_code == 200
    assert Response.objects.count() == 1


def test_bad_submissions_are_refused_with_their_question(api_for, make_survey, place):  # noqa: F811
    survey = make_survey()
    api = api_for("appraiser")
    url = f"/surveys/{survey.pk}/submissions"
    response = api.post(url, kobo("k-2", level="7"))
    assert response.status_code == 400
    assert "«danh_gia/q1»" in response.json()["message"]
    assert not Response.objects.exists()
    # In a list, the good ones are imported and the bad ones reported by index.
    response = api.post(url, [kobo("k-3"), kobo("k-4", unit="Z"), odk("o-5")])
    assert response.status_code == 200
    body = response.json()
    assert (body["read"], body["imported"]) == (3, 2)
    [bad] = body["rejected"]
    assert (bad["index"], bad["row"], bad["field"]) == (1, 2, "chung/don_vi")


def test_only_home_affairs_pushes_and_a_draft_survey_refuses(api_for, make_survey, place):  # noqa: F811
    survey = make_survey()
    url = f"/surveys/{survey.pk}/submissions"
    assert api_for("officer_a").post(url, kobo("k-9")).status_code in (403, 404)
    assert api_for("leader").post(url, kobo("k-9")).status_code == 403
    draft = make_survey(state="draft")
    response = api_for("appraiser").post(f"/surveys/{draft.pk}/submissions", kobo("k-9"))
    assert response.status_code == 400
    assert "chưa mở" in response.json()["message"]


def test_results_per_unit_scoped_to_the_unit(api_for, make_survey, place):  # noqa: F811
    survey = make_survey()
    for index in range(4):
        for code in ("A", "B"):
            add_response(
                survey,
                place["units"][code],
                values=answers(level="5" if code == "A" else "3"),
                submission_id=f"{code}{index}",
                source=f"s{code}{index}",
            )
    everyone = api_for("appraiser").get(f"/surveys/{survey.pk}/results").json()
    assert [unit["unit_code"] for unit in everyone["units"]] == ["A", "B"]
    a = everyone["units"][0]
    assert a["responses"] == 4
    assert {node["code"] for node in a["nodes"]} == {"S1", "S2"}
    own = api_for("officer_a").get(f"/surveys/{survey.pk}/results").json()
    assert [unit["unit_code"] for unit in own["units"]] == ["A"]
    assert [s["id"] for s in api_for("officer_a").get("/surveys").json()] == [survey.pk]
    assert api_for("officer_z").get(f"/surveys/{survey.pk}/results").status_code == 404
