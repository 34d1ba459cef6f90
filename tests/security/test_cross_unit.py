"""A unit's staff reaching another unit's objects by typing their address: every one is "not
found" (404), as if it did not exist, through the pages and the API alike.

(Published results — the ranking and every unit's scorecard — are public inside the province
by design; the live, unpublished figures are not, not even the unit's own.)
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from parindex.apitokens.services import token_create
from parindex.assessments.models import EvidenceDocument
from tests.tasks.helpers import PDF, a_task


@pytest.fixture
def unit_b_objects(province):
    evidence = EvidenceDocument(
        unit=province["unit_b"],
        period=province["period"],
        original_name="ke-hoach.pdf",
        sha256="0" * 64,
        size=len(PDF),
        content_type="application/pdf",
    )
    evidence.file.save("ke-hoach.pdf", ContentFile(PDF), save=False)
    evidence.save()
    task = a_task(province, unit=province["unit_b"], title="Việc của xã B")
    return {"evidence": evidence, "task": task}


def _urls(province, objects) -> dict[str, str]:
    b = province["assessment_b"]
    return {
        "assessment": reverse("assessments:self", args=[b.pk]),
        "assessment print": reverse("assessments:self_print", args=[b.pk]),
        "assessment history": reverse("assessments:history", args=[b.pk]),
        "assessment history export": reverse("assessments:history_export", args=[b.pk]),
        "evidence file": reverse("assessments:evidence_download", args=[objects["evidence"].pk]),
        "unit page": reverse("units:detail", args=[province["unit_b"].pk]),
        "dossier unit page": reverse("dossiers:unit", args=[province["unit_b"].pk]),
        "task": reverse("tasks:detail", args=[objects["task"].pk]),
        "live scorecard": reverse(
            "results:scorecard", args=[province["group"].pk, province["unit_b"].pk]
        ),
        "planner": reverse("plans:planner", args=[province["group"].pk, province["unit_b"].pk]),
    }


@pytest.mark.parametrize(
    "what",
    [
        "assessment",
        "assessment print",
        "assessment history",
        "assessment history export",
        "evidence file",
        "unit page",
        "dossier unit page",
        "task",
        "live scorecard",
        "planner",
    ],
)
def test_a_unit_officer_gets_not_found_for_another_units_objects(
    what, login, province, unit_b_objects, stub_pdf_renderer
):
    client = login("officer_a")

    response = client.get(_urls(province, unit_b_objects)[what])

    assert response.status_code == 404, what


def test_the_same_pages_open_for_the_units_own_staff(login, province, unit_b_objects):
    client = login("officer_b")
    urls = _urls(province, unit_b_objects)

    for what in ("assessment", "evidence file", "unit page", "task"):
        assert client.get(urls[what]).status_code == 200, what


def test_a_task_evidence_file_of_another_unit_is_not_found(login, province, unit_b_objects):
    from parindex.tasks.models import TaskEvidence

    document = TaskEvidence(
        task=unit_b_objects["task"],
        original_name="bao-cao.pdf",
        sha256="0" * 64,
        size=len(PDF),
        content_type="application/pdf",
    )
    document.file.save("bao-cao.pdf", ContentFile(PDF), save=False)
    document.save()

    response = login("officer_a").get(reverse("tasks:evidence", args=[document.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/assessments/{assessment}",
        "/assessments/{assessment}/entries",
        "/assessments/{assessment}/entries/1.1",
        "/units/{unit}",
    ],
)
def test_the_api_answers_not_found_for_another_units_objects(path, client, province):
    user = province["users"]["officer_a"]
    secret = token_create(actor=user, user=user, name="t", scopes=[]).secret
    url = "/api/v1" + path.format(
        assessment=province["assessment_b"].pk, unit=province["unit_b"].pk
    )

    response = client.get(url, headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_survey_that_does_not_cover_the_unit_is_not_found(client, make_survey, place):
    survey = make_survey()
    client.force_login(place["users"]["officer_z"])

    for name in ("detail", "progress", "results", "entry"):
        response = client.get(reverse(f"questionnaires:{name}", args=[survey.pk]))
        assert response.status_code == 404, name


def test_a_unit_officer_sees_only_its_own_unit_on_a_survey_page(client, make_survey, place):
    survey = make_survey()
    client.force_login(place["users"]["officer_a"])

    page = client.get(reverse("questionnaires:progress", args=[survey.pk]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Xã An Bình" in text
    assert "Xã Bình Minh" not in text
    assert "Xã Cát Tiên" not in text


def test_a_unit_officers_token_cannot_see_another_units_results_before_publication(
    client, province
):
    user = province["users"]["officer_a"]
    secret = token_create(actor=user, user=user, name="t", scopes=[]).secret
    headers = {"Authorization": f"Bearer {secret}"}

    response = client.get(
        f"/api/v1/results/groups/{province['group'].pk}/scorecards/{province['unit_b'].pk}",
        headers=headers,
    )

    assert response.status_code == 404  # the period is open: nothing is published yet
