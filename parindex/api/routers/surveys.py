"""Sociological surveys: the list, results per unit (as the results page shows them), and
submissions pushed by field tools (KoboToolbox REST service, ODK Central JSON)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Body, Query, Router, Schema

from parindex import policy
from parindex.api.auth import token, user_of
from parindex.api.errors import ApiError
from parindex.api.routers.common import Id, responses
from parindex.questionnaires import selectors
from parindex.questionnaires.errors import QuestionnaireError
from parindex.questionnaires.models import Survey
from parindex.questionnaires.services.submissions import submissions_push

router = Router(tags=["Điều tra XHH"])


class SurveyOut(Schema):
    id: int
    name: str
    state: str
    year: int
    framework_code: str
    form_id: str


class NodeEstimateOut(Schema):
    code: str
    n: int
    rate: Decimal | None
    rate_low: Decimal | None
    rate_high: Decimal | None
    points: Decimal | None
    points_low: Decimal | None
    points_high: Decimal | None
    max_points: Decimal | None


class FlagOut(Schema):
    code: str
    message: str


class UnitResultOut(Schema):
    unit_code: str
    unit_name: str
    responses: int
    n_by_group: dict[str, int]
    points: Decimal | None
    points_low: Decimal | None
    points_high: Decimal | None
    rank: int | None
    classes: list[str]
    flags: list[FlagOut]
    nodes: list[NodeEstimateOut]


class SurveyResultsOut(Schema):
    survey: SurveyOut
    responses: int
    valid: int
    message: str
    nodes: list[str]
    confidence: Decimal
    units: list[UnitResultOut]


def survey_body(survey: Survey) -> dict[str, Any]:
    return {
        "id": survey.pk,
        "name": survey.name,
        "state": survey.state,
        "year": survey.period.year,
        "framework_code": survey.framework.code,
        "form_id": survey.form_id,
    }


@router.get(
    "/surveys",
    response=responses(list[SurveyOut]),
    auth=token("surveys.read"),
    summary="Các cuộc điều tra",
)
def surveys(request: HttpRequest) -> list[dict[str, Any]]:
    user = user_of(request)
    policy.require(user, "surveys.view")
    found = policy.visible_surveys(user, selectors.survey_list()).select_related(
        "period", "framework"
    )
    return [survey_body(survey) for survey in found]


@router.get(
    "/surveys/{survey_id}/results",
    response=responses(SurveyResultsOut),
    auth=token("surveys.read"),
    summary="Kết quả điều tra theo đơn vị",
)
def results(request: HttpRequest, survey_id: Id) -> dict[str, Any]:
    """Rates, points and their intervals per unit from the responses that count now; unit
    accounts see their own unit only."""
    user = user_of(request)
    survey = policy.survey_for(user, survey_id)
    view_all = policy.can(user, "surveys.view_all")
    units = {
        unit.code: unit
        for unit in policy.visible_survey_units(user, selectors.survey_units(survey))
    }
    outcome = selectors.survey_results(survey)
    rows = []
    if outcome.results is not None:
        for estimate in outcome.results.units:
            unit = units.get(estimate.unit)
            if unit is None:
                continue
            flags = [
                {"code": flag.code, "message": flag.message}
                for flag in estimate.flags
                # The overlap flag names the neighbouring units, which a unit user may not see.
                if view_all or flag.code != "rank_overlap"
            ]
            rows.append(
                {
                    "unit_code": unit.code,
                    "unit_name": unit.name,
                    "responses": estimate.responses,
                    "n_by_group": dict(estimate.n_by_group),
                    "points": estimate.points,
                    "points_low": estimate.points_low,
                    "points_high": estimate.points_high,
                    "rank": estimate.rank,
                    "classes": list(estimate.classes),
                    "flags": flags,
                    "nodes": [
                        {
                            "code": node.code,
                            "n": node.n,
                            "rate": node.rate,
                            "rate_low": node.rate_low,
                            "rate_high": node.rate_high,
                            "points": node.points,
                            "points_low": node.points_low,
                            "points_high": node.points_high,
                            "max_points": node.max_points,
                        }
                        for node in estimate.nodes.values()
                    ],
                }
            )
    return {
        "survey": survey_body(survey),
        "responses": outcome.responses,
        "valid": outcome.valid,
        "message": outcome.message,
        "nodes": list(outcome.results.nodes) if outcome.results is not None else [],
        "confidence": survey.confidence,
        "units": rows,
    }


class SubmissionProblemOut(Schema):
    index: int
    row: int
    field: str | None
    message: str


class SubmissionsOut(Schema):
    read: int
    imported: int
    already_present: int
    batch_id: int | None
    rejected: list[SubmissionProblemOut]
    ignored_columns: list[str]


@router.post(
    "/surveys/{survey_id}/submissions",
    response=responses(SubmissionsOut),
    auth=token("surveys.push"),
    summary="Nhận phiếu từ KoboToolbox (REST service) hoặc ODK Central (JSON)",
)
def submissions(
    request: HttpRequest,
    response: HttpResponse,
    survey_id: Id,
    payload: Annotated[dict[str, Any] | list[dict[str, Any]], Body()],
    tool: Annotated[Literal["kobo", "odk", "auto"], Query()] = "auto",
) -> dict[str, Any]:
    """One submission as a JSON object (what a KoboToolbox REST service posts, or an ODK
    Central submission from its OData feed), or a list of them. The same checks as an imported
    export; a submission already stored (same instance id) is counted, not duplicated, so a
    retry changes nothing. Rejected submissions are listed with their index and question; 400
    when none can be imported."""
    user = user_of(request)
    survey = policy.survey_for(user, survey_id, write=True)
    found = payload if isinstance(payload, list) else [payload]
    if not found:
        raise ApiError(400, "invalid", gettext("Không có phiếu nào."))
    if len(found) > 1000:
        raise ApiError(400, "invalid", gettext("Tối đa 1 000 phiếu mỗi lần gửi."))
    if tool == "auto":
        tool = "odk" if any("__system" in item or "__id" in item for item in found) else "kobo"
    try:
        outcome = submissions_push(actor=user, survey=survey, submissions=found, tool=tool)
    except QuestionnaireError as error:
        problems = [
            {"code": "invalid", "message": str(problem), "field": None, "row": None}
            for problem in error.problems
        ]
        first = str(problems[0]["message"]) if problems else gettext("Phiếu không nhập được.")
        raise ApiError(400, "invalid", first, errors=problems[1:]) from None
    return {
        "read": outcome.read,
        "imported": outcome.imported,
        "already_present": outcome.already_present,
        "batch_id": outcome.batch_id,
        "rejected": [
            {
                "index": problem.index,
                "row": problem.index + 1,
                "field": problem.field,
                "message": problem.message,
            }
            for problem in outcome.rejected
        ],
        "ignored_columns": outcome.ignored_columns,
    }
