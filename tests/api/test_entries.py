"""Self-assessment entries through the API: the page's service, with optimistic locking on
`ETag`/`If-Match` (412 for a stale If-Match, 409 when the service refuses a version that went
stale meanwhile, both naming who changed what), and the workflow's actions."""

from __future__ import annotations

import datetime

import pytest

from parindex.api.routers import assessments as router
from parindex.assessments.models import NodeEntry
from parindex.assessments.services.entries import entry_save_self
from parindex.periods.models import DeadlineExtension
from tests.web.conftest import TZ


@pytest.fixture
def open_a(province):
    """Unit A may still self-assess (the fixture's deadline has passed)."""
    DeadlineExtension.objects.create(
        period=province["period"],
        unit=province["unit_a"],
        closes_at=datetime.datetime(2099, 12, 31, 17, tzinfo=TZ),
        reason="API",
        granted_by=province["users"]["appraiser"],
    )
    return province


def _url(province, code: str = "1.2") -> str:
    return f"/assessments/{province['assessment_a'].pk}/entries/{code}"


def test_read_modify_write_with_etags(api_as, open_a):
    api = api_as("officer_a")
    read = api.get(_url(open_a))
    assert read.status_code == 200
    assert read["ETag"] == '"1"'
    assert read.json()["answered"] is False
    saved = api.put(
        _url(open_a),
        {"values": {"numerator": "9", "denominator": 10}, "note": "Báo cáo quý"},
        headers={"If-Match": read["ETag"]},
    )
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert saved["ETag"] == '"2"'
    assert body["self"]["values"] == {"numerator": "9", "denominator": "10"}
    assert body["self"]["points"] == "4.0000" or body["self"]["points"] == "4"
    assert body["note"] == "Báo cáo quý"
    # The same as the page saved it: the entry and its audit event.
    entry = NodeEntry.objects.get(assessment=open_a["assessment_a"], node_code="1.2")
    assert entry.version == 2
    assert entry.updated_by == open_a["users"]["officer_a"]


def test_a_stale_if_match_is_412_and_names_who_changed_what(api_as, open_a):
    head = api_as("head_a")
    etag = head.get(_url(open_a))["ETag"]
    # Meanwhile the officer saves the same criterion (on the page, say).
    entry_save_self(
        actor=open_a["users"]["officer_a"],
        assessment=open_a["assessment_a"],
        node_code="1.2",
        values={"numerator": "5", "denominator": "10"},
        expected_version=1,
    )
    response = head.put(
        _url(open_a), {"values": {"numerator": 8, "denominator": 10}}, headers={"If-Match": etag}
    )
    assert response.status_code == 412
    body = response.json()
    assert body["code"] == "precondition_failed"
    assert "Officer A" in body["message"]
    assert "5" in body["message"]
    assert NodeEntry.objects.get(node_code="1.2").self_values["numerator"] == "5"


def test_a_version_that_goes_stale_inside_the_request_is_409(api_as, open_a, monkeypatch):
    """If-Match matched when read, but another save lands before the service's update."""
    real = router.entry_save_self

    def racing(**kwargs):
        entry_save_self(
            actor=open_a["users"]["officer_a"],
            assessment=kwargs["assessment"],
            node_code=kwargs["node_code"],
            values={"numerator": "1", "denominator": "10"},
        )
        return real(**kwargs)

    monkeypatch.setattr(router, "entry_save_self", racing)
    response = api_as("head_a").put(
        _url(open_a), {"values": {"numerator": 8, "denominator": 10}}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    assert "Officer A" in response.json()["message"]


def test_if_match_is_required_and_star_overwrites(api_as, open_a):
    api = api_as("officer_a")
    body = {"values": {"value": "yes"}}
    response = api.put(_url(open_a, "1.1"), body)
    assert response.status_code == 428
    assert response.json()["field"] == "If-Match"
    response = api.put(_url(open_a, "1.1"), body, headers={"If-Match": "abc"})
    assert response.status_code == 400
    response = api.put(_url(open_a, "1.1"), body, headers={"If-Match": "*"})
    assert response.status_code == 200
    assert api.get(_url(open_a, "1.1")).json()["self"]["values"] == {"value": "yes"}


def test_values_that_do_not_fit_the_rule_name_the_field(api_as, open_a):
    api = api_as("officer_a")
    etag = {"If-Match": '"1"'}
    response = api.put(
        _url(open_a), {"values": {"numerator": "chín", "denominator": 10}}, headers=etag
    )
    assert response.status_code == 400
    assert response.json()["field"] == "values.numerator"
    response = api.put(_url(open_a), {"values": {"numerator": 12, "denominator": 10}}, headers=etag)
    assert response.status_code == 400
    assert response.json()["field"].startswith("values")
    response = api.put(_url(open_a), {"values": {"nope": 1}}, headers=etag)
    assert (response.status_code, response.json()["field"]) == (400, "values.nope")
    response = api.put(_url(open_a), {"values": "x"}, headers=etag)
    assert (response.status_code, response.json()["field"]) == (400, "values")
    assert not NodeEntry.objects.filter(node_code="1.2").exists()


def test_the_workflow_refuses_with_its_own_message(api_as, province):
    """Without an extension the fixture's deadline has passed: the service says so (409)."""
    response = api_as("officer_a").put(
        _url(province), {"values": {"numerator": 9, "denominator": 10}}, headers={"If-Match": "*"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "refused"
    assert "quá hạn" in response.json()["message"]
    # A data-sourced criterion is not the unit's to score.
    response = api_as("officer_a").put(
        _url(province, "2.1"), {"values": {"percent": 9}}, headers={"If-Match": "*"}
    )
    assert response.status_code in (400, 409)


def test_submit_then_the_appraiser_starts(api_as, open_a):
    a = open_a["assessment_a"].pk
    head = api_as("head_a")
    detail = head.get(f"/assessments/{a}")
    assert detail.json()["actions"] == ["save_draft", "submit"]
    # A stale If-Match on an action is refused before anything happens.
    response = head.post(f"/assessments/{a}/actions/submit", {}, headers={"If-Match": '"7"'})
    assert response.status_code == 412
    response = head.post(
        f"/assessments/{a}/actions/submit", {}, headers={"If-Match": detail["ETag"]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted"
    # Now the unit cannot act, the appraiser can.
    assert head.post(f"/assessments/{a}/actions/submit", {}).status_code == 409
    appraiser = api_as("appraiser")
    assert appraiser.get(f"/assessments/{a}").json()["actions"] == [
        "return_to_unit",
        "start_appraisal",
    ]
    response = appraiser.post(f"/assessments/{a}/actions/return_to_unit", {})
    assert response.status_code == 409  # a reason is required
    response = appraiser.post(f"/assessments/{a}/actions/start_appraisal", {})
    assert response.json()["state"] == "in_appraisal"
    # An action the API does not perform is a 400 naming the allowed ones.
    response = appraiser.post(f"/assessments/{a}/actions/publish", {})
    assert (response.status_code, response.json()["field"]) == (400, "action")


def test_evidence_upload_is_checked_by_content(api_as, open_a, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    api = api_as("officer_a")
    url = f"/api/v1/assessments/{open_a['assessment_a'].pk}/entries/1.1/evidence"
    fake = SimpleUploadedFile("ke-hoach.pdf", b"not a pdf at all", "application/pdf")
    response = api.client.post(url, {"files": fake}, headers=api._headers(None))
    assert response.status_code == 400
    assert response.json()["field"] == "files"
    pdf = SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    response = api.client.post(url, {"files": pdf, "location": "tr. 2"}, headers=api._headers(None))
    assert response.status_code == 201, response.content
    [document] = response.json()
    assert document["name"] == "ke-hoach.pdf"
    entry = api.get(f"/assessments/{open_a['assessment_a'].pk}/entries/1.1").json()
    assert [item["name"] for item in entry["evidence"]] == ["ke-hoach.pdf"]


def test_unit_users_do_not_see_the_appraisers_side_before_publication(api_as, province):
    NodeEntry.objects.create(
        assessment=province["assessment_a"],
        node_code="1.2",
        self_values={"numerator": "9", "denominator": "10"},
        appraised_values={"numerator": "5", "denominator": "10"},
        appraiser_comment="Thiếu báo cáo",
    )
    url = _url(province)
    assert api_as("officer_a").get(url).json()["appraisal"] is None
    assert api_as("appraiser").get(url).json()["appraisal"]["comment"] == "Thiếu báo cáo"
