"""Edited submissions and repeat groups in the web platform.

An ODK Central re-export after an edit (same KEY, new instanceID; Central's CSV has no
deprecatedID) replaces the stored response in place, audited, never adds a second one; the
same export again changes nothing, nor does an older export imported after the edit. Repeat
groups (Central's ZIP) are stored with the response, shown on its page, exported without
their personal fields, and never asked on the public form. Test data, not real answers.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import secrets
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from parindex.audit.models import AuditEvent
from parindex.questionnaires import selectors
from parindex.questionnaires.definition import form_to_json
from parindex.questionnaires.errors import QuestionnaireError
from parindex.questionnaires.forms import answer_form
from parindex.questionnaires.models import Response, Survey
from parindex.questionnaires.services.imports import responses_import
from parindex.questionnaires.services.questionnaire import respondent_groups_of
from parindex.questionnaires.services.review import response_decide
from parindex.surveys.xlsform import Question

from .conftest import EN, VARIED, VI, sample_form

FORM_ID = "khao_sat_thu"
SYSTEM = (
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
)
FIELDS = (
    "start",
    "end",
    "chung-don_vi",
    "chung-nhom",
    "chung-tuoi",
    *(f"danh_gia-q{number}" for number in range(1, 7)),
    "km",
    "dien_thoai",
    "meta-instanceID",
)


@dataclass
class Sub:
    """One submission as ODK Central exports it: `key` is its KEY (the first instanceID)."""

    key: str
    levels: Sequence[str] = VARIED  # q1–q6
    unit: str = "A"
    group: str = "dan"
    instance: str = ""  # this version's instanceID (default: the KEY)
    edits: int = 0
    phone: str = ""
    members: list[tuple[str, str, list[tuple[str, str]]]] = field(default_factory=list)


def _csv(rows: Sequence[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def central_csv(submissions: Sequence[Sub]) -> bytes:
    rows = [["SubmissionDate", *FIELDS, *SYSTEM]]
    for sub in submissions:
        rows.append(
            [
                "2025-03-03T01:13:05.123Z",
                "2025-03-03T08:00:00.000+07:00",
                "2025-03-03T08:12:00.000+07:00",
                sub.unit,
                sub.group,
                "40",
                *sub.levels,
                "2,5",
                sub.phone,
                sub.instance or sub.key,
                sub.key,
                "5",
                "Điều tra viên 5",
                "0",
                "0",
                "",
                "edited" if sub.edits else "",
                f"collect:{sub.key}",  # one device each: no duplicate-answer flag
                str(sub.edits),
                "1",
            ]
        )
    return _csv(rows)


def central_zip(submissions: Sequence[Sub]) -> bytes:
    members = [["ten", "tuoi_tv", "PARENT_KEY", "KEY"]]
    children = [["ten_con", "hai_long_con", "PARENT_KEY", "KEY"]]
    for sub in submissions:
        for number, (name, age, kids) in enumerate(sub.members, start=1):
            member_key = f"{sub.key}/ho[{number}]"
            members.append([name, age, sub.key, member_key])
            for kid_number, (kid, level) in enumerate(kids, start=1):
                children.append([kid, level, member_key, f"{member_key}/con[{kid_number}]"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{FORM_ID}.csv", central_csv(submissions))
        archive.writestr(f"{FORM_ID}-ho.csv", _csv(members))
        archive.writestr(f"{FORM_ID}-con.csv", _csv(children))
    return buffer.getvalue()


def household_form():
    """The test form with a `ho` repeat (household members, a personal name, an age) holding
    a nested `con` repeat (a personal name and a rated answer)."""
    form = sample_form()
    repeat = (
        Question("begin_repeat", "ho", {VI: "Thành viên hộ", EN: "Household member"}),
        Question("text", "ten", {VI: "Tên thành viên", EN: "Name"}, personal="yes"),
        Question("integer", "tuoi_tv", {VI: "Tuổi thành viên", EN: "Member's age"}),
        Question("begin_repeat", "con", {VI: "Con", EN: "Child"}),
        Question("text", "ten_con", {VI: "Tên con", EN: "Child's name"}, personal="yes"),
        Question("select_one muc_do", "hai_long_con", {VI: "Con hài lòng", EN: "Child rating"}),
        Question("end_repeat", ""),
        Question("end_repeat", ""),
    )
    return dataclasses.replace(form, questions=(*form.questions, *repeat))


@pytest.fixture
def household_survey(place) -> Survey:
    form = household_form()
    return Survey.objects.create(
        period=place["period"],
        framework=place["framework"],
        name="Khảo sát hộ gia đình (thử)",
        form_name="phieu.xlsx",
        form_id=form.form_id,
        form_version=form.version,
        definition=form_to_json(form),
        respondent_groups=respondent_groups_of(form),
        state="open",
        open_link_enabled=True,
        salt=secrets.token_hex(32),
    )


def _import(survey, place, name, content):
    return responses_import(
        actor=place["users"]["appraiser"], survey=survey, file_name=name, content=content
    )


def _replacements(survey):
    return AuditEvent.objects.filter(
        action="replace_response", scope_type="survey", scope_id=str(survey.pk)
    ).order_by("pk")


FIRST = [Sub("uuid:k1"), Sub("uuid:k2", ("3", "4", "5", "4", "3", "4"), unit="B")]
# k1 edited in Central: same KEY, a new instanceID, q1–q6 all «5»; k2 unchanged; k3 new.
EDITED = [
    Sub("uuid:k1", ("5",) * 6, instance="uuid:k1-v2", edits=1),
    FIRST[1],
    Sub("uuid:k3", ("2", "3", "4", "3", "2", "3"), unit="C"),
]


def test_a_central_reexport_after_an_edit_replaces_the_stored_response(make_survey, place):
    survey = make_survey()
    _import(survey, place, "khao_sat_thu.csv", central_csv(FIRST))
    k1 = Response.objects.get(survey=survey, submission_id="k1")
    assert (k1.version_id, k1.answers["q1"], k1.flags) == ("k1", "4", [])
    decided = response_decide(
        actor=place["users"]["appraiser"], response=k1, action="exclude", reason="Gọi lại kiểm tra"
    )
    assert decided.excluded

    outcome = _import(survey, place, "khao_sat_thu (1).csv", central_csv(EDITED))

    assert (outcome.read, outcome.imported, outcome.replaced, outcome.already_present) == (
        3,
        1,
        1,
        1,
    )
    assert Response.objects.filter(survey=survey).count() == 3  # never a second k1
    k1.refresh_from_db()
    assert k1.answers == {
        "don_vi": "A",
        "nhom": "dan",
        "tuoi": "40",
        **{f"q{n}": "5" for n in range(1, 7)},
        "km": "2,5",
    }
    assert (k1.version_id, k1.earlier_versions) == ("k1-v2", ["k1"])
    assert k1.batch == outcome.batch
    assert outcome.batch.replaced == 1
    # The rules ran again over the new answers (one answer to every scale question) …
    assert [flag["rule"] for flag in k1.flags] == ["straight_lining"]
    # … and the appraiser's decision about the response still applies.
    assert (k1.excluded, k1.status_basis) == (True, "appraiser")
    assert k1.reviews.count() == 1
    [event] = _replacements(survey)
    assert (event.object_type, event.object_id) == ("response", str(k1.pk))
    assert event.changes["version_id"] == ["k1", "k1-v2"]
    # VARIED was 4 5 3 4 5 4: q2 and q5 were «5» already.
    assert event.changes["changed_answers"] == [None, ["q1", "q3", "q4", "q6"]]
    assert event.changes["file"] == [None, "khao_sat_thu (1).csv"]
    assert event.actor == place["users"]["appraiser"]
    batch_event = AuditEvent.objects.get(action="import_responses", object_id=str(outcome.batch.pk))
    assert batch_event.changes["replaced"] == [None, ["k1"]]


def test_the_same_export_again_changes_nothing(make_survey, place):
    survey = make_survey()
    _import(survey, place, "a.csv", central_csv(FIRST))
    _import(survey, place, "b.csv", central_csv(EDITED))
    before = list(Response.objects.filter(survey=survey).order_by("pk").values())
    events = AuditEvent.objects.count()

    # The very same file is refused; the same export written again (another order) counts
    # every submission as already present.
    with pytest.raises(QuestionnaireError, match="tệp này đã được nhập lúc"):
        _import(survey, place, "b.csv", central_csv(EDITED))
    again = _import(survey, place, "c.csv", central_csv(EDITED[::-1]))

    assert (again.imported, again.replaced, again.already_present, again.older) == (0, 0, 3, 0)
    after = list(Response.objects.filter(survey=survey).order_by("pk").values())
    assert after == before
    assert _replacements(survey).count() == 1
    assert AuditEvent.objects.count() == events + 1  # the import itself, nothing replaced


def test_an_older_export_imported_after_the_edit_does_not_put_the_old_answers_back(
    make_survey, place
):
    survey = make_survey()
    _import(survey, place, "a.csv", central_csv(FIRST))
    _import(survey, place, "b.csv", central_csv(EDITED))

    older = _import(survey, place, "a-again.csv", central_csv(FIRST[::-1]))

    assert (older.imported, older.replaced, older.already_present, older.older) == (0, 0, 2, 1)
    k1 = Response.objects.get(survey=survey, submission_id="k1")
    assert (k1.version_id, k1.answers["q1"]) == ("k1-v2", "5")
    assert _replacements(survey).count() == 1


def test_an_edit_of_a_response_imported_before_versions_were_kept_replaces_it(make_survey, place):
    survey = make_survey()
    _import(survey, place, "a.csv", central_csv(FIRST))
    Response.objects.filter(survey=survey).update(version_id="")  # as the import left it then

    outcome = _import(survey, place, "b.csv", central_csv(EDITED))

    assert (outcome.imported, outcome.replaced) == (1, 1)
    k1 = Response.objects.get(survey=survey, submission_id="k1")
    assert (k1.version_id, k1.earlier_versions, k1.answers["q6"]) == ("k1-v2", ["k1"], "5")
    [event] = _replacements(survey)
    assert event.changes["version_id"] == [None, "k1-v2"]


def test_a_kobo_edit_naming_its_deprecated_version_replaces_the_stored_response(make_survey, place):
    survey = make_survey()
    header = "_uuid,meta/deprecatedID,start,end,chung/don_vi,chung/nhom," + ",".join(
        f"danh_gia/q{n}" for n in range(1, 7)
    )
    times = "2025-03-03T08:00:00+07:00,2025-03-03T08:09:00+07:00"
    first = f"{header}\nu1,,{times},A,dan,4,5,3,4,5,4\n".encode()
    edit = f"{header}\nu1-b,uuid:u1,{times},A,dan,4,5,3,4,5,1\n".encode()
    _import(survey, place, "kobo.csv", first)

    outcome = _import(survey, place, "kobo-2.csv", edit)

    assert (outcome.imported, outcome.replaced) == (0, 1)
    [response] = Response.objects.filter(survey=survey)
    assert (response.submission_id, response.version_id) == ("u1", "u1-b")
    assert response.answers["q6"] == "1"
    [event] = _replacements(survey)
    assert event.changes["changed_answers"] == [None, ["q6"]]


def test_the_replacement_is_worded_on_the_audit_page(as_user, make_survey, place):
    survey = make_survey()
    _import(survey, place, "a.csv", central_csv(FIRST))
    _import(survey, place, "b.csv", central_csv(EDITED))

    page = as_user("admin").get(reverse("audit:list"), {"action": "replace_response"})

    text = page.content.decode()
    assert page.status_code == 200
    assert "hay phiếu bằng bản đã sửa (ODK/KoboToolbox)" in text
    assert "hiên bản phiếu:</strong> k1 → k1-v2" in text
    assert "âu trả lời thay đổi:</strong> q1, q3, q4, q6" in text


MEMBERS = [("Nguyễn Văn An", "41", [("Bé Na", "5"), ("Bé Ti", "4")]), ("Trần Thị Bình", "38", [])]


def test_repeat_groups_are_stored_shown_and_exported_without_personal_fields(
    as_user, household_survey, place
):
    survey = household_survey
    content = central_zip([Sub("uuid:h1", members=MEMBERS), Sub("uuid:h2", unit="B")])

    outcome = _import(survey, place, "khao_sat_thu.csv.zip", content)

    assert (outcome.imported, outcome.rejected) == (2, [])
    h1 = Response.objects.get(survey=survey, submission_id="h1")
    assert h1.repeats == {
        "ho": [
            {
                "ten": "Nguyễn Văn An",
                "tuoi_tv": "41",
                "con": [
                    {"ten_con": "Bé Na", "hai_long_con": "5"},
                    {"ten_con": "Bé Ti", "hai_long_con": "4"},
                ],
            },
            {"ten": "Trần Thị Bình", "tuoi_tv": "38"},
        ]
    }
    assert Response.objects.get(survey=survey, submission_id="h2").repeats == {}

    page = as_user("appraiser").get(reverse("questionnaires:response", args=[survey.pk, h1.pk]))
    text = page.content.decode()
    assert "Nhóm lặp" in text
    assert "Thành viên hộ" in text
    assert "Nguyễn Văn An" in text
    assert "Trần Thị Bình" in text
    assert "Bé Ti" in text
    assert "Mức 5" in text  # a choice inside a nested repeat, by its label
    assert text.count('class="small repeat-table"') == 2  # the members, one member's children

    rows = list(csv.DictReader(io.StringIO(selectors.anonymised_csv(survey).decode("utf-8-sig"))))
    by_unit = {row["unit"]: row for row in rows}
    assert json.loads(by_unit["A"]["ho"]) == [
        {"tuoi_tv": "41", "con": [{"hai_long_con": "5"}, {"hai_long_con": "4"}]},
        {"tuoi_tv": "38"},
    ]
    assert by_unit["B"]["ho"] == ""
    exported = selectors.anonymised_csv(survey).decode("utf-8-sig")
    for secret in ("Nguyễn Văn An", "Bé Na", "h1"):
        assert secret not in exported


def test_a_reexport_with_an_edited_repeat_entry_records_the_repeat_as_changed(
    household_survey, place
):
    survey = household_survey
    _import(survey, place, "a.zip", central_zip([Sub("uuid:h1", members=MEMBERS)]))
    edited = [("Nguyễn Văn An", "42", MEMBERS[0][2]), MEMBERS[1]]

    outcome = _import(
        survey,
        place,
        "b.zip",
        central_zip([Sub("uuid:h1", instance="uuid:h1-v2", edits=1, members=edited)]),
    )

    assert (outcome.imported, outcome.replaced) == (0, 1)
    h1 = Response.objects.get(survey=survey)
    assert h1.repeats["ho"][0]["tuoi_tv"] == "42"
    [event] = _replacements(survey)
    assert event.changes["changed_answers"] == [None, []]
    assert event.changes["changed_repeats"] == [None, ["ho"]]


def test_the_public_form_says_a_repeat_is_collected_only_through_odk_or_kobo(
    client, household_survey, place
):
    survey = household_survey
    url = reverse("public_survey:open", args=[survey.pk])

    page = client.get(url).content.decode()

    assert 'name="q1"' in page
    for name in ("ten", "tuoi_tv", "ten_con", "hai_long_con"):
        assert f'name="{name}"' not in page  # no repeat question as a top-level field
    assert "Phần «Thành viên hộ» gồm các mục lặp lại" in page
    assert "ODK Collect hoặc KoboToolbox" in page
    assert "Con hài lòng" not in page
    english = answer_form(household_form(), "en")
    [notice] = [item for item in english.layout if item.kind == "repeat"]
    assert notice.hint.startswith("The «Household member» section repeats")
