"""The API's permission matrix: every operation of the OpenAPI schema × every persona.

Each entry names the operation's family (the token scope it needs), the personas whose
request reaches the service (200/201/202), how to build its path, body and headers from the
province fixture. Everybody else is refused: anonymous with 401, the others with 403 (the
role may never do it) or 404 (the object is another unit's). `test_permissions.py` fails
when an operation of the schema has no entry here.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.jobs.models import Job, JobState
from parindex.periods.models import DeadlineExtension
from parindex.questionnaires.definition import form_to_json
from parindex.questionnaires.models import Survey
from parindex.questionnaires.services.questionnaire import respondent_groups_of
from parindex.surveys.xlsform import Question, SurveyForm
from tests.web.conftest import PERSONAS

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ALL = set(PERSONAS) - {"anonymous"}
PROVINCIAL = {"appraiser", "council", "leader", "admin"}
HOME_AFFAIRS = {"appraiser", "admin"}
UNIT_A = {"officer_a", "head_a"}
SEES_A = PROVINCIAL | UNIT_A
PDF = b"%PDF-1.4\n% api matrix test\n%%EOF\n"

Builder = Callable[[dict[str, Any]], Any]


@dataclass
class ApiEntry:
    family: str | None
    allowed: set[str]
    path: Builder
    body: Builder = lambda p: None
    headers: Builder = lambda p: {}
    multipart: bool = False
    content_type: str = "application/json"


def _open_self_assessment(p: dict[str, Any]) -> None:
    """Unit A's deadline extended, so that its staff may still edit (the fixture's has passed)."""
    DeadlineExtension.objects.get_or_create(
        period=p["period"],
        unit=p["unit_a"],
        defaults={
            "closes_at": datetime.datetime(2099, 12, 31, 17, tzinfo=TZ),
            "reason": "API",
            "granted_by": p["users"]["appraiser"],
        },
    )


def _a(p: dict[str, Any]) -> int:
    _open_self_assessment(p)
    return int(p["assessment_a"].pk)


def small_form() -> SurveyForm:
    """A form of units A and B with one rated question and no framework node."""
    from parindex.surveys.xlsform import Choice

    questions = (
        Question("select_one don_vi", "don_vi", {"vi": "Đơn vị"}, required="yes"),
        Question("select_one muc_do", "q1", {"vi": "Mức hài lòng"}, required="yes"),
    )
    choices = {
        "don_vi": tuple(Choice("don_vi", code, {"vi": code}) for code in ("A", "B")),
        "muc_do": tuple(Choice("muc_do", name, {"vi": name}) for name in ("1", "2", "3")),
    }
    settings = {
        "form_title": "Khảo sát API (thử)",
        "form_id": "khao_sat_api",
        "version": "1",
        "unit_field": "don_vi",
        "respondent_group": "dan",
    }
    return SurveyForm(
        questions,
        choices,
        settings,
        survey_columns=("type", "name", "label::vi", "required"),
        choices_columns=("list_name", "name", "label::vi"),
        settings_columns=tuple(settings),
    )


def survey(p: dict[str, Any]) -> Survey:
    if "survey" not in p:
        form = small_form()
        p["survey"] = Survey.objects.create(
            period=p["period"],
            framework=p["framework"],
            name="Khảo sát API (thử)",
            form_name="phieu.xlsx",
            form_id=form.form_id,
            form_version=form.version,
            definition=form_to_json(form),
            respondent_groups=respondent_groups_of(form),
            state="open",
            salt=secrets.token_hex(32),
        )
    found: Survey = p["survey"]
    return found


def _job(p: dict[str, Any]) -> Job:
    if "api_job" not in p:
        p["api_job"] = Job.objects.create(
            kind="dossiers.push",
            title="Nhận hồ sơ",
            state=JobState.DONE,
            created_by=p["users"]["appraiser"],
            report={"read": 0},
        )
    job: Job = p["api_job"]
    return job


def dossier(code: str, unit: str = "A", **fields: Any) -> dict[str, Any]:
    """One canonical dossier of the demo procedure catalogue."""
    return {
        "dossier_code": code,
        "procedure_code": "X001",
        "unit_code": unit,
        "received_at": "2025-03-03 09:00",
        "finished_at": "2025-03-04 10:00",
        "status": "finished",
        **fields,
    }


MATRIX: dict[tuple[str, str], ApiEntry] = {
    ("GET", "/me"): ApiEntry(None, ALL, lambda p: "/me"),
    ("GET", "/units"): ApiEntry("units.read", ALL, lambda p: "/units"),
    ("GET", "/units/{unit_id}"): ApiEntry(
        "units.read", SEES_A, lambda p: f"/units/{p['unit_a'].pk}"
    ),
    ("GET", "/frameworks"): ApiEntry("frameworks.read", ALL, lambda p: "/frameworks"),
    ("GET", "/frameworks/{framework_id}"): ApiEntry(
        "frameworks.read", ALL, lambda p: f"/frameworks/{p['framework'].pk}"
    ),
    ("GET", "/periods"): ApiEntry("periods.read", ALL, lambda p: "/periods"),
    ("GET", "/periods/{period_id}"): ApiEntry(
        "periods.read", ALL, lambda p: f"/periods/{p['period'].pk}"
    ),
    ("GET", "/assessments"): ApiEntry("assessments.read", ALL, lambda p: "/assessments"),
    ("GET", "/assessments/{assessment_id}"): ApiEntry(
        "assessments.read", SEES_A, lambda p: f"/assessments/{_a(p)}"
    ),
    ("GET", "/assessments/{assessment_id}/entries"): ApiEntry(
        "assessments.read", SEES_A, lambda p: f"/assessments/{_a(p)}/entries"
    ),
    ("GET", "/assessments/{assessment_id}/entries/{code}"): ApiEntry(
        "assessments.read", SEES_A, lambda p: f"/assessments/{_a(p)}/entries/1.1"
    ),
    ("PUT", "/assessments/{assessment_id}/entries/{code}"): ApiEntry(
        "assessments.write",
        UNIT_A,
        lambda p: f"/assessments/{_a(p)}/entries/1.2",
        body=lambda p: {"values": {"numerator": 9, "denominator": 10}, "note": "API"},
        headers=lambda p: {"If-Match": '"1"'},
    ),
    ("POST", "/assessments/{assessment_id}/entries/{code}/evidence"): ApiEntry(
        "assessments.write",
        UNIT_A,
        lambda p: f"/assessments/{_a(p)}/entries/1.1/evidence",
        body=lambda p: {
            "files": SimpleUploadedFile("ke-hoach.pdf", PDF, "application/pdf"),
            "location": "trang 1",
        },
        multipart=True,
    ),
    ("POST", "/assessments/{assessment_id}/actions/{action}"): ApiEntry(
        "assessments.write",
        {"head_a"},
        lambda p: f"/assessments/{_a(p)}/actions/submit",
        body=lambda p: {},
    ),
    ("GET", "/results/published"): ApiEntry("results.read", ALL, lambda p: "/results/published"),
    ("GET", "/results/groups/{group_id}/ranking"): ApiEntry(
        "results.read", PROVINCIAL, lambda p: f"/results/groups/{p['group'].pk}/ranking"
    ),
    ("GET", "/results/groups/{group_id}/scorecards/{unit_id}"): ApiEntry(
        "results.read",
        PROVINCIAL,
        lambda p: f"/results/groups/{p['group'].pk}/scorecards/{p['unit_a'].pk}",
    ),
    ("GET", "/dossiers/indicators"): ApiEntry(
        "dossiers.read",
        ALL,
        lambda p: "/dossiers/indicators?from=2025-01-01&to=2025-12-31&by=unit,month",
    ),
    ("POST", "/dossiers/push"): ApiEntry(
        "dossiers.push",
        HOME_AFFAIRS,
        lambda p: "/dossiers/push",
        body=lambda p: [dossier("API-1"), dossier("API-2", "B")],
    ),
    ("GET", "/surveys"): ApiEntry("surveys.read", ALL, lambda p: "/surveys"),
    ("GET", "/surveys/{survey_id}/results"): ApiEntry(
        "surveys.read", ALL, lambda p: f"/surveys/{survey(p).pk}/results"
    ),
    ("POST", "/surveys/{survey_id}/submissions"): ApiEntry(
        "surveys.push",
        HOME_AFFAIRS,
        lambda p: f"/surveys/{survey(p).pk}/submissions",
        body=lambda p: {
            "_uuid": "uuid-matrix-1",
            "_submission_time": "2025-03-03T02:00:00",
            "don_vi": "A",
            "q1": "3",
        },
    ),
    ("GET", "/jobs/{job_id}"): ApiEntry(
        "jobs.read", {"appraiser", "admin"}, lambda p: f"/jobs/{_job(p).pk}"
    ),
}

__all__ = ["MATRIX", "ApiEntry", "dossier", "field", "survey"]
