"""Permission-matrix entries for the survey pages (see tests/web/matrix.py).

The fixture province's framework has no survey node, so the survey here is a small
questionnaire without scored questions over units A and B, open, with its open link,
one response and one invitation; it is built on first use by the `args` lambdas.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.utils import timezone

from parindex.questionnaires.definition import form_to_json
from parindex.questionnaires.models import Survey
from parindex.questionnaires.services.collection import invitations_create, response_enter
from parindex.questionnaires.services.questionnaire import respondent_groups_of
from parindex.surveys.xlsform import Choice, Question, SurveyForm

from .conftest import PERSONAS
from .matrix import HOME_AFFAIRS, PROVINCIAL, Entry

EVERYONE = set(PERSONAS)
UNIT_USERS = {"officer_a", "head_a", "officer_b"}  # the survey covers units A and B
VI = "Tiếng Việt (vi)"


def _form() -> SurveyForm:
    questions = (
        Question("select_one don_vi", "don_vi", {VI: "Đơn vị"}, required="yes"),
        Question("select_one nhom", "nhom", {VI: "Nhóm"}, required="yes"),
        Question("select_one y_kien", "y_kien", {VI: "Ý kiến"}, required="yes"),
    )
    choices = {
        "don_vi": (
            Choice("don_vi", "A", {VI: "Xã An Bình"}),
            Choice("don_vi", "B", {VI: "Xã Bình Minh"}),
        ),
        "nhom": (Choice("nhom", "dan", {VI: "Người dân"}, weight=1),),  # type: ignore[arg-type]
        "y_kien": (Choice("y_kien", "co", {VI: "Có"}), Choice("y_kien", "khong", {VI: "Không"})),
    }
    settings = {
        "form_id": "ma_tran",
        "version": "1",
        "unit_field": "don_vi",
        "respondent_group_field": "nhom",
    }
    return SurveyForm(questions, choices, settings)


def _survey(p: dict[str, Any]) -> Survey:
    if "survey" not in p:
        form = _form()
        survey = Survey.objects.create(
            period=p["period"],
            framework=p["framework"],
            name="Khảo sát (ma trận quyền)",
            form_id=form.form_id,
            form_version=form.version,
            definition=form_to_json(form),
            respondent_groups=respondent_groups_of(form),
            state="open",
            open_link_enabled=True,
            salt=secrets.token_hex(32),
        )
        p["survey"] = survey
        p["response"] = response_enter(
            actor=p["users"]["appraiser"],
            survey=survey,
            data={"_unit": "A", "nhom": "dan", "y_kien": "co"},
            units=[p["unit_a"]],
        )
        [(_, p["token"])] = invitations_create(
            actor=p["users"]["appraiser"],
            survey=survey,
            unit=p["unit_b"],
            respondent_group="dan",
            count=1,
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )
    return p["survey"]


def _pk(p: dict[str, Any]) -> list[Any]:
    return [_survey(p).pk]


def _response(p: dict[str, Any]) -> list[Any]:
    return [_survey(p).pk, p["response"].pk]


def _token(p: dict[str, Any]) -> list[Any]:
    _survey(p)
    return [p["token"]]


ENTRIES = {
    "questionnaires:list": Entry(PROVINCIAL | UNIT_USERS),
    "questionnaires:create": Entry(HOME_AFFAIRS),
    "questionnaires:detail": Entry(PROVINCIAL, _pk),
    "questionnaires:edit": Entry(HOME_AFFAIRS, _pk),
    "questionnaires:transition": Entry(HOME_AFFAIRS, _pk, method="post", data={"state": "closed"}),
    "questionnaires:form_replace": Entry(HOME_AFFAIRS, _pk),
    "questionnaires:form_export": Entry(PROVINCIAL, _pk),
    "questionnaires:targets": Entry(HOME_AFFAIRS, _pk),
    "questionnaires:targets_import": Entry(HOME_AFFAIRS, _pk, method="post"),
    "questionnaires:progress": Entry(PROVINCIAL | UNIT_USERS, _pk),
    "questionnaires:invitations": Entry(HOME_AFFAIRS, _pk),
    "questionnaires:invitations_export": Entry(HOME_AFFAIRS, _pk),
    "questionnaires:entry": Entry(HOME_AFFAIRS | UNIT_USERS, _pk),
    "questionnaires:import": Entry(HOME_AFFAIRS, _pk),
    "questionnaires:review": Entry(HOME_AFFAIRS, _pk),
    "questionnaires:response": Entry(HOME_AFFAIRS, _response),
    "questionnaires:response_decide": Entry(
        HOME_AFFAIRS, _response, method="post", data={"action": "exclude", "reason": "Kiểm thử"}
    ),
    "questionnaires:check": Entry(HOME_AFFAIRS, _pk, method="post"),
    "questionnaires:results": Entry(PROVINCIAL | UNIT_USERS, _pk),
    "questionnaires:apply": Entry(HOME_AFFAIRS, _pk, method="post"),
    "questionnaires:export": Entry(PROVINCIAL, _pk),
    # Public pages: no login; a valid invitation or an open survey is enough.
    "public_survey:token": Entry(EVERYONE, _token, public=True),
    "public_survey:open": Entry(EVERYONE, _pk, public=True),
    "public_survey:thanks": Entry(EVERYONE, public=True),
}
