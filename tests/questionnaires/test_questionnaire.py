"""Questionnaires: XLSForm upload with located errors, the unit list, export and round trip,
replacing a form, and the survey's states."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parindex.audit.models import AuditEvent
from parindex.questionnaires.definition import form_from_json, form_to_json
from parindex.questionnaires.errors import QuestionnaireError
from parindex.questionnaires.models import Survey, SurveyState
from parindex.questionnaires.services.collection import response_enter
from parindex.questionnaires.services.questionnaire import (
    survey_create,
    survey_replace_form,
    survey_transition,
    survey_update,
)
from parindex.surveys.xlsform import Question, read_xlsform

from .conftest import answers, form_bytes, sample_form


def create(place, content, name="phieu.xlsx", replace_units=False):
    return survey_create(
        actor=place["users"]["appraiser"],
        period=place["period"],
        framework=place["framework"],
        name="Khảo sát 2025",
        file_name=name,
        content=content,
        replace_unit_choices=replace_units,
    )


def test_a_survey_is_created_from_an_xlsform_upload(place, tmp_path):
    survey, warnings = create(place, form_bytes(sample_form(), tmp_path))

    assert survey.state == SurveyState.DRAFT
    assert (survey.form_id, survey.form_version, survey.form_name) == (
        "khao_sat_thu",
        "1",
        "phieu.xlsx",
    )
    assert survey.respondent_groups == [
        {"code": "dan", "label": "Người dân", "weight": "2"},
        {"code": "dn", "label": "Doanh nghiệp", "weight": "1"},
    ]
    assert form_from_json(survey.definition).nodes == ("S1", "S2")
    assert survey.form_file.read().startswith(b"PK")  # the workbook is kept in storage
    assert warnings == ()
    assert AuditEvent.objects.filter(action="create", object_type="survey").exists()


def test_the_definition_round_trips_through_json(place):
    form = sample_form()

    assert form_from_json(form_to_json(form)) == form


def test_a_question_on_a_node_the_framework_does_not_score_by_survey_is_refused_at_its_cell(
    place, tmp_path
):
    form = sample_form()
    questions = [replace(q, node="1.1") if q.name == "q2" else q for q in form.questions]
    content = form_bytes(replace(form, questions=tuple(questions)), tmp_path, "sai-node.xlsx")

    with pytest.raises(QuestionnaireError) as caught:
        create(place, content, name="sai-node.xlsx")

    assert [str(p) for p in caught.value.problems] == [
        "sai-node.xlsx!survey!F12: tiêu chí «1.1» có nguồn điểm «self», không phải «survey»"
    ]
    assert not Survey.objects.exists()


def test_xlsform_errors_name_the_uploaded_file_sheet_and_cell(place, tmp_path):
    content = form_bytes(sample_form(), tmp_path)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    workbook["survey"]["B12"] = "2q"  # a name that starts with a digit
    buffer = io.BytesIO()
    workbook.save(buffer)

    with pytest.raises(QuestionnaireError) as caught:
        create(place, buffer.getvalue(), name="Bieu mau.xlsx")

    assert any(
        str(p).startswith("Bieu mau.xlsx!survey!B12: tên «2q»") for p in caught.value.problems
    )
    assert all("/tmp" not in str(p) for p in caught.value.problems)


def test_unit_codes_the_period_does_not_have_are_refused_unless_replaced(place, tmp_path):
    content = form_bytes(sample_form(units=("A", "X9")), tmp_path)

    with pytest.raises(QuestionnaireError) as caught:
        create(place, content)
    survey, _ = create(place, content, replace_units=True)

    assert str(caught.value.problems[0]).startswith("phieu.xlsx!choices!B9: mã đơn vị «X9»")
    form = form_from_json(survey.definition)
    assert form.unit_choices() == {"A": "Xã An Bình", "B": "Xã Bình Minh", "C": "Xã Cát Tiên"}
    # The stored workbook carries the replaced list too.
    stored = tmp_path / "stored.xlsx"
    stored.write_bytes(survey.form_file.read())
    assert read_xlsform(stored).unit_choices() == form.unit_choices()


def test_a_survey_node_without_questions_is_a_warning(place, tmp_path):
    form = sample_form()
    questions = tuple(q for q in form.questions if q.node != "S2")

    _, warnings = create(place, form_bytes(replace(form, questions=questions), tmp_path))

    assert warnings == ("Tiêu chí điều tra S2 chưa có câu hỏi nào gắn vào.",)


def test_the_exported_form_reads_back_equal(as_user, make_survey):
    survey = make_survey()

    reply = as_user("council").get(reverse("questionnaires:form_export", args=[survey.pk]))

    assert reply.status_code == 200
    assert "khao_sat_thu-1.xlsx" in reply["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(reply.content))
    assert [sheet.title for sheet in workbook.worksheets] == ["survey", "choices", "settings"]


def test_the_form_cannot_be_replaced_once_responses_exist(make_survey, place, tmp_path):
    survey = make_survey()
    response_enter(
        actor=place["users"]["appraiser"],
        survey=survey,
        data={**answers(), "_unit": "A", "nhom": "dan"},
        units=[place["units"]["A"]],
    )

    with pytest.raises(QuestionnaireError, match="đã có 1 phiếu trả lời"):
        survey_replace_form(
            actor=place["users"]["appraiser"],
            survey=survey,
            file_name="moi.xlsx",
            content=form_bytes(sample_form(), tmp_path),
        )


def test_the_create_page_shows_located_errors(as_user, place, tmp_path):
    form = sample_form()
    questions = [replace(q, node="XX") if q.name == "q1" else q for q in form.questions]
    upload = SimpleUploadedFile(
        "loi.xlsx", form_bytes(replace(form, questions=tuple(questions)), tmp_path)
    )

    page = as_user("appraiser").post(
        reverse("questionnaires:create"),
        {
            "name": "Khảo sát",
            "period": place["period"].pk,
            "framework": place["framework"].pk,
            "confidence": "0.95",
            "form_file": upload,
        },
    )

    text = page.content.decode()
    assert page.status_code == 200
    assert "loi.xlsx!survey!F11" in text
    assert "tiêu chí «XX» không có trong bộ tiêu chí" in text


def test_a_survey_opens_closes_and_reopens_with_an_audit_trail(make_survey, place):
    survey = make_survey(state="draft")
    actor = place["users"]["admin"]

    for state in ("open", "closed", "open"):
        survey_transition(actor=actor, survey=survey, state=state)
    with pytest.raises(QuestionnaireError, match="Không chuyển được"):
        survey_transition(actor=actor, survey=survey, state="draft")

    changes = list(
        AuditEvent.objects.filter(action="state").order_by("id").values_list("changes", flat=True)
    )
    assert [change["state"] for change in changes] == [
        ["draft", "open"],
        ["open", "closed"],
        ["closed", "open"],
    ]


def test_the_confidence_level_is_one_of_the_offered_ones(make_survey, place):
    survey = make_survey()

    survey_update(actor=place["users"]["admin"], survey=survey, confidence=Decimal("0.99"))
    with pytest.raises(Exception, match=r"confidence|lựa chọn"):
        survey_update(actor=place["users"]["admin"], survey=survey, confidence=Decimal("0.5"))

    survey.refresh_from_db()
    assert survey.confidence == Decimal("0.99")


def test_the_survey_keeps_questions_that_are_not_asked_on_the_web(place):
    form = sample_form()
    extra = Question("geopoint", "vi_tri", {"Tiếng Việt (vi)": "Vị trí"})

    assert (
        form_from_json(form_to_json(replace(form, questions=(*form.questions, extra)))).questions[
            -1
        ]
        == extra
    )


def test_a_framework_no_group_of_the_period_uses_is_refused(place, tmp_path):
    from parindex.criteria.services import framework_publish, framework_store

    from .conftest import survey_framework

    other = framework_store(
        actor=place["users"]["admin"],
        engine=replace(survey_framework(), info=replace(survey_framework().info, code="khac-2025")),
    )
    framework_publish(actor=place["users"]["admin"], framework=other)

    with pytest.raises(QuestionnaireError, match="không có nhóm đơn vị nào"):
        survey_create(
            actor=place["users"]["appraiser"],
            period=place["period"],
            framework=other,
            name="Khảo sát",
            file_name="phieu.xlsx",
            content=form_bytes(sample_form(), tmp_path),
        )
