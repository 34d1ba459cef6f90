"""ODK Central exports built the way Central documents and writes them (test data).

Central's CSV (`/v1/projects/…/forms/…/submissions.csv`): `SubmissionDate` first, then the
form's fields in form order named by their group path joined by `-` (`groupPaths=true`, the
default; `/` in some tools, bare names with `groupPaths=false`), `meta-instanceID`, then the
system columns `KEY` (the submission's id: its first instanceID, kept through edits),
`SubmitterID`, `SubmitterName`, `AttachmentsPresent`, `AttachmentsExpected`, `Status`,
`ReviewState`, `DeviceID`, `Edits`, `FormVersion`. The ZIP (`submissions.csv.zip`) holds
`<formId>.csv` and one `<formId>-<repeat>.csv` per repeat group: the repeat's fields, then
`PARENT_KEY` (the submission's KEY, or the enclosing entry's KEY) and `KEY`
(`<parent>/<repeat>[n]`).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from parindex.surveys.xlsform import Choice, Question, SurveyForm

from .helpers import EN, LIKERT, VI

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


def household_form() -> SurveyForm:
    """Units U1–U2; questions in groups `info` and `dich_vu`; a `ho` repeat (household
    members, with a nested `con` repeat) that is stored but not scored."""
    label = lambda vi, en: {VI: vi, EN: en}  # noqa: E731
    questions = [
        Question("start", "start"),
        Question("end", "end"),
        Question("deviceid", "deviceid"),
        Question("begin_group", "info", label("Thông tin", "Info")),
        Question("select_one units", "unit", label("Đơn vị", "Unit"), required="yes"),
        Question("end_group", ""),
        Question("begin_group", "dich_vu", label("Dịch vụ", "Service")),
        *(
            Question("select_one likert", name, label(f"Câu {name}", name), node="S1")
            for name in ("q1", "q2", "q3")
        ),
        Question("end_group", ""),
        Question("integer", "so_nguoi", label("Số người", "People")),
        Question("begin_repeat", "ho", label("Thành viên", "Member")),
        Question("text", "ten", label("Tên", "Name"), personal="yes"),
        Question("integer", "tuoi", label("Tuổi", "Age")),
        Question("begin_repeat", "con", label("Con", "Child")),
        Question("text", "ten_con", label("Tên con", "Child's name"), personal="yes"),
        Question("end_repeat", ""),
        Question("end_repeat", ""),
        Question("calculate", "tong", extra={"calculation": "${so_nguoi} * 2"}),
    ]
    choices = {
        "likert": tuple(
            Choice("likert", name, label(f"Mức {name}", name), Decimal(i))
            for i, name in enumerate(LIKERT)
        ),
        "units": tuple(Choice("units", code, label(code, code)) for code in ("U1", "U2")),
    }
    settings = {
        "form_id": "ho_gia_dinh",
        "version": "3",
        "default_language": VI,
        "unit_field": "unit",
        "respondent_group": "nguoi_dan",
    }
    return SurveyForm(tuple(questions), choices, settings)


@dataclass
class Submission:
    key: str  # Central's KEY: the first instanceID, kept through edits
    unit: str = "U1"
    answers: str = "345"  # q1 q2 q3
    instance: str = ""  # this version's instanceID (default: the KEY)
    edits: int = 0
    device: str = "collect:abc"
    people: int = 2
    members: list[tuple[str, str, list[str]]] = field(default_factory=list)  # name, age, kids
    start: str = "2025-03-01T08:00:00.000+07:00"
    end: str = "2025-03-01T08:12:00.000+07:00"


def _field_headers(separator: str | None) -> list[str]:
    def path(*parts: str) -> str:
        return parts[-1] if separator is None else separator.join(parts)

    return [
        "start",
        "end",
        "deviceid",
        path("info", "unit"),
        *(path("dich_vu", name) for name in ("q1", "q2", "q3")),
        "so_nguoi",
        "tong",
        path("meta", "instanceID"),
    ]


def main_rows(submissions: Sequence[Submission], separator: str | None = "-") -> list[list[str]]:
    header = ["SubmissionDate", *_field_headers(separator), *SYSTEM]
    rows = [header]
    for item in submissions:
        instance = item.instance or item.key
        rows.append(
            [
                "2025-03-01T01:13:05.123Z",
                item.start,
                item.end,
                item.device,
                item.unit,
                *item.answers,
                str(item.people),
                str(item.people * 2),
                instance,
                item.key,
                "5",
                "Điều tra viên 5",
                "0",
                "0",
                "",
                "edited" if item.edits else "",
                item.device,
                str(item.edits),
                "3",
            ]
        )
    return rows


def repeat_rows(submissions: Sequence[Submission]) -> tuple[list[list[str]], list[list[str]]]:
    """The `ho` table and the nested `con` table."""
    members = [["ten", "tuoi", "PARENT_KEY", "KEY"]]
    children = [["ten_con", "PARENT_KEY", "KEY"]]
    for item in submissions:
        for number, (name, age, kids) in enumerate(item.members, start=1):
            member_key = f"{item.key}/ho[{number}]"
            members.append([name, age, item.key, member_key])
            for kid_number, kid in enumerate(kids, start=1):
                children.append([kid, member_key, f"{member_key}/con[{kid_number}]"])
    return members, children


def _csv_text(rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def write_csv(path: Path, submissions: Sequence[Submission], separator: str | None = "-") -> Path:
    path.write_text(_csv_text(main_rows(submissions, separator)), encoding="utf-8")
    return path


def write_zip(path: Path, submissions: Sequence[Submission], form_id: str = "ho_gia_dinh") -> Path:
    members, children = repeat_rows(submissions)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{form_id}.csv", _csv_text(main_rows(submissions)))
        archive.writestr(f"{form_id}-ho.csv", _csv_text(members))
        archive.writestr(f"{form_id}-con.csv", _csv_text(children))
        archive.writestr("media/anh.jpg", b"\xff\xd8")
    return path
