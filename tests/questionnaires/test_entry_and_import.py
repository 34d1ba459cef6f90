"""Staff data entry of paper forms, and imports of ODK/KoboToolbox exports with row errors."""

from __future__ import annotations

import io

import pyarrow.csv as pa_csv
import pytest
from django.urls import reverse

from parindex.audit.models import AuditEvent
from parindex.questionnaires.errors import ImportRejected, QuestionnaireError
from parindex.questionnaires.models import Channel, ImportBatch, Response
from parindex.questionnaires.services.collection import response_enter
from parindex.questionnaires.services.imports import responses_import
from parindex.questionnaires.services.review import survey_check
from parindex.surveys.generate_demo import CarelessShares, synthetic_export

from .conftest import answers, sample_form

HEADER = "_uuid,start,end,deviceid,chung/don_vi,chung/nhom,danh_gia/q1,danh_gia/q2,danh_gia/q3,danh_gia/q4,danh_gia/q5,danh_gia/q6,tuoi,username"


def csv_row(uuid, unit="A", group="dan", level="4", age="40", user="nv1"):
    return (
        f"{uuid},2025-03-03T08:00:00+07:00,2025-03-03T08:09:00+07:00,collect:1,{unit},{group},"
        f"{level},{level},{level},{level},{level},{level},{age},{user}"
    )


def export_bytes(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def test_staff_enter_a_paper_form_marked_with_who_typed_it(as_user, make_survey, place):
    survey = make_survey()
    client = as_user("appraiser")

    reply = client.post(
        reverse("questionnaires:entry", args=[survey.pk]),
        {**answers("5"), "_unit": "B", "nhom": "dn", "_paper": "0042", "tuoi": "51", "km": "2,5"},
    )

    assert reply.status_code == 302
    response = Response.objects.get()
    assert response.channel == Channel.STAFF
    assert response.entered_by == place["users"]["appraiser"]
    assert (response.unit.code, response.respondent_group) == ("B", "dn")
    assert response.answers["km"] == "2.5"
    assert response.answers["tuoi"] == "51"
    assert response.submission_id == "paper:B:0042"
    # A typist's speed and desk say nothing about the respondent.
    assert response.started_at is None
    assert response.source_hash == ""
    assert AuditEvent.objects.filter(action="enter_response", object_id=str(response.pk)).exists()


def test_a_unit_officer_enters_forms_for_their_own_unit_only(as_user, make_survey, place):
    survey = make_survey()
    client = as_user("officer_a")
    url = reverse("questionnaires:entry", args=[survey.pk])

    page = client.get(url).content.decode()
    refused = client.post(url, {**answers(), "_unit": "B", "nhom": "dan"})
    accepted = client.post(url, {**answers(), "_unit": "A", "nhom": "dan"})

    assert 'value="A"' in page
    assert 'value="B"' not in page
    assert refused.status_code == 200
    assert "không phải là một trong các lựa chọn" in refused.content.decode()
    assert accepted.status_code == 302
    assert list(Response.objects.values_list("unit__code", flat=True)) == ["A"]


def test_an_officer_of_a_unit_outside_the_survey_cannot_enter_forms(as_user, make_survey, place):
    survey = make_survey()

    reply = as_user("officer_z").get(reverse("questionnaires:entry", args=[survey.pk]))

    assert reply.status_code == 404


def test_a_paper_form_typed_twice_is_flagged_as_a_duplicate(make_survey, place):
    survey = make_survey()
    for _ in range(2):
        response_enter(
            actor=place["users"]["appraiser"],
            survey=survey,
            data={**answers(), "_unit": "A", "nhom": "dan", "_paper": "7"},
            units=[place["units"]["A"]],
        )

    survey_check(survey=survey)

    first, second = Response.objects.order_by("pk")
    assert first.flags == []
    assert not first.excluded
    assert [flag["rule"] for flag in second.flags] == ["duplicate_submission"]
    assert second.excluded
    assert second.status_basis == "rule:duplicate_submission"


def test_an_import_with_bad_rows_writes_nothing_and_names_each_row_and_column(make_survey, place):
    survey = make_survey()
    content = export_bytes(
        csv_row("u1"),
        csv_row("u2", level="7"),
        csv_row("u3", unit="Z"),
        csv_row("u4", age="bốn mươi"),
        csv_row("u5", group=""),
    )

    with pytest.raises(ImportRejected) as caught:
        responses_import(
            actor=place["users"]["appraiser"], survey=survey, file_name="kobo.csv", content=content
        )

    problems = [str(problem) for problem in caught.value.problems]
    assert problems == [
        "kobo.csv:3: cột «danh_gia/q1»: «7» không phải là phương án của danh sách «muc_do»;"
        " cột «danh_gia/q2»: «7» không phải là phương án của danh sách «muc_do»;"
        " cột «danh_gia/q3»: «7» không phải là phương án của danh sách «muc_do»;"
        " cột «danh_gia/q4»: «7» không phải là phương án của danh sách «muc_do»;"
        " cột «danh_gia/q5»: «7» không phải là phương án của danh sách «muc_do»;"
        " cột «danh_gia/q6»: «7» không phải là phương án của danh sách «muc_do»",
        "kobo.csv:4: cột «chung/don_vi»: «Z» không phải là phương án của danh sách «don_vi»",
        "kobo.csv:5: cột «tuoi»: «bốn mươi» không phải là số nguyên",
        "kobo.csv:6: cột «chung/nhom»: thiếu câu trả lời bắt buộc",
    ]
    assert caught.value.read == 5
    assert not Response.objects.exists()
    assert not ImportBatch.objects.exists()


def test_an_import_may_skip_bad_rows_when_asked(make_survey, place):
    survey = make_survey()
    content = export_bytes(csv_row("u1"), csv_row("u2", level="7"), csv_row("u3", group="dn"))

    outcome = responses_import(
        actor=place["users"]["appraiser"],
        survey=survey,
        file_name="kobo.csv",
        content=content,
        skip_rejected=True,
    )

    assert (outcome.read, outcome.imported, len(outcome.rejected)) == (3, 2, 1)
    assert outcome.ignored_columns == ["username"]  # an account name is never stored
    stored = Response.objects.order_by("submission_id")
    assert [r.submission_id for r in stored] == ["u1", "u3"]
    assert all(r.channel == Channel.IMPORT and r.batch == outcome.batch for r in stored)
    assert "username" not in stored[0].answers
    assert "nv1" not in str(stored[0].answers)
    assert stored[0].source_hash
    assert "collect:1" not in stored[0].source_hash


def test_reimporting_a_cumulative_export_adds_only_the_new_submissions(make_survey, place):
    survey = make_survey()
    actor = place["users"]["appraiser"]
    responses_import(
        actor=actor, survey=survey, file_name="a.csv", content=export_bytes(csv_row("u1"))
    )

    outcome = responses_import(
        actor=actor,
        survey=survey,
        file_name="b.csv",
        content=export_bytes(csv_row("u1"), csv_row("u2")),
    )

    assert (outcome.imported, outcome.already_present) == (1, 1)
    assert Response.objects.count() == 2


def test_the_same_file_is_not_imported_twice(make_survey, place):
    survey = make_survey()
    actor = place["users"]["appraiser"]
    content = export_bytes(csv_row("u1"))
    responses_import(actor=actor, survey=survey, file_name="a.csv", content=content)

    with pytest.raises(QuestionnaireError, match="tệp này đã được nhập lúc"):
        responses_import(actor=actor, survey=survey, file_name="a.csv", content=content)


def test_a_file_missing_a_scored_column_is_refused_at_its_header(make_survey, place):
    survey = make_survey()
    content = b"_uuid,chung/don_vi,chung/nhom\nu1,A,dan\n"

    with pytest.raises(QuestionnaireError) as caught:
        responses_import(
            actor=place["users"]["appraiser"], survey=survey, file_name="x.csv", content=content
        )

    assert "x.csv:1: thiếu cột «q1» của biểu mẫu" in str(caught.value)


def test_a_generated_kobo_export_imports_completely(make_survey, place):
    survey = make_survey()
    table = synthetic_export(
        sample_form(), 60, seed=3, careless=CarelessShares(0, 0, 0, 0, 0), units=["A", "B", "C"]
    )
    buffer = io.BytesIO()
    pa_csv.write_csv(table, buffer)

    outcome = responses_import(
        actor=place["users"]["appraiser"],
        survey=survey,
        file_name="kobo.csv",
        content=buffer.getvalue(),
    )

    assert (outcome.read, outcome.imported, outcome.rejected) == (60, 60, [])
    assert Response.objects.filter(survey=survey).count() == 60
    assert survey.responses.exclude(started_at=None).count() == 60


def test_the_import_page_lists_the_row_errors(as_user, make_survey, place):
    survey = make_survey()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("kobo.csv", export_bytes(csv_row("u1"), csv_row("u2", unit="Z")))

    page = as_user("appraiser").post(
        reverse("questionnaires:import", args=[survey.pk]), {"file": upload}
    )

    text = page.content.decode()
    assert "Không nhập phiếu nào: 1 dòng lỗi trong 2 dòng" in text
    assert "kobo.csv:3" in text
    assert "«Z»" in text
