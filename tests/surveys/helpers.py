"""A small questionnaire, a small framework and response rows for the survey tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from parindex.engine import Framework, FrameworkSpec, NodeSpec, build_framework
from parindex.surveys.responses import FormData, parse_responses, rows_to_raw
from parindex.surveys.xlsform import Choice, Question, SurveyForm

SALT = b"test-salt"
VI = "Tiếng Việt (vi)"
EN = "English (en)"
LIKERT = ("1", "2", "3", "4", "5")  # points 0..4 → shares 0, 0.25, 0.5, 0.75, 1
SCALE_QUESTIONS = ("q1", "q2", "q3", "q4", "q5", "q6")


def small_form(
    groups: Iterable[tuple[str, Decimal]] = (("dan", Decimal(2)), ("dn", Decimal(1))),
) -> SurveyForm:
    """Units U1–U3; groups «dan» (weight 2) and «dn» (weight 1); q1–q3 feed S1, q4–q6 feed S2."""
    questions = [
        Question("start", "start"),
        Question("end", "end"),
        Question("deviceid", "deviceid"),
        Question("begin_group", "info", {VI: "Thông tin", EN: "Info"}),
        Question("select_one units", "unit", {VI: "Đơn vị", EN: "Unit"}, required="yes"),
        Question("select_one groups", "group", {VI: "Nhóm", EN: "Group"}, required="yes"),
        Question("end_group", ""),
        *(
            Question(
                "select_one likert",
                name,
                {VI: f"Câu {name}", EN: f"Question {name}"},
                node="S1" if name in ("q1", "q2", "q3") else "S2",
            )
            for name in SCALE_QUESTIONS
        ),
        Question("integer", "age", {VI: "Tuổi", EN: "Age"}),
        Question("text", "phone", {VI: "Điện thoại", EN: "Phone"}, personal="yes"),
    ]
    choices = {
        "likert": (
            *(
                Choice("likert", name, {VI: f"Mức {name}", EN: f"Level {name}"}, Decimal(i))
                for i, name in enumerate(LIKERT)
            ),
            Choice("likert", "9", {VI: "Không biết", EN: "Don't know"}),
        ),
        "units": tuple(
            Choice("units", code, {VI: f"Xã {code}", EN: f"Commune {code}"})
            for code in ("U1", "U2", "U3")
        ),
        "groups": tuple(
            Choice("groups", code, {VI: code, EN: code}, weight=weight) for code, weight in groups
        ),
    }
    settings = {
        "form_title": "Phiếu thử",
        "form_id": "thu",
        "version": "1",
        "default_language": VI,
        "unit_field": "unit",
        "respondent_group_field": "group",
    }
    return SurveyForm(tuple(questions), choices, settings)


def small_framework(s2_rule: str = "bands") -> Framework:
    params: dict[str, Any] = (
        {"thresholds": [{"min_percent": 90, "points": 5}, {"min_percent": 70, "points": 3}]}
        if s2_rule == "bands"
        else {"step": "0.01"}
    )
    spec = FrameworkSpec(
        info={
            "code": "thu",
            "name": "Bộ tiêu chí thử",
            "year": 2025,
            "unit_group": "xã",
            "max_total": 20,
            "classes": [
                {"label": "Tốt", "min_percent": 90},
                {"label": "Khá", "min_percent": 80},
                {"label": "Yếu", "min_percent": 0},
            ],
        },
        nodes=[
            NodeSpec("A", "Lĩnh vực", 20),
            NodeSpec("S1", "Hài lòng thủ tục", 10, parent="A", rule="ratio", source="survey"),
            NodeSpec(
                "S2",
                "Hài lòng phục vụ",
                5,
                parent="A",
                rule=s2_rule,
                rule_params=params,
                source="survey",
            ),
            NodeSpec("M1", "Tự chấm", 5, parent="A", rule="manual"),
        ],
    )
    return build_framework(spec)


def row(
    unit: str = "U1",
    group: str = "dan",
    answers: Iterable[str] | str = "444444",
    *,
    uuid: str | None = None,
    device: str | None = "dev-1",
    start: str = "2025-03-01T08:00:00+07:00",
    minutes: float = 10,
    **extra: Any,
) -> dict[str, Any]:
    """One export row. `answers` gives q1..q6 in order ("" = unanswered)."""
    from datetime import datetime, timedelta

    try:
        started = datetime.fromisoformat(start)
    except ValueError:  # a deliberately unreadable time: keep the text, the importer rejects it
        values: dict[str, Any] = {"start": start, "end": start, "_submission_time": None}
    else:
        ended = started + timedelta(minutes=minutes)
        values = {
            "start": started.isoformat(),
            "end": ended.isoformat(),
            "_submission_time": (ended + timedelta(seconds=30)).isoformat(),
        }
    values["info/unit"] = unit
    values["info/group"] = group
    if device is not None:
        values["deviceid"] = device
    given = list(answers)
    for position, name in enumerate(SCALE_QUESTIONS):
        values[name] = given[position] if position < len(given) and given[position] else None
    values["_uuid"] = uuid or f"uuid-{unit}-{group}-{''.join(answers)}-{start}-{device}"
    values.update(extra)
    return values


def form_data(form: SurveyForm, rows: Iterable[Mapping[str, Any]]) -> FormData:
    imported = parse_responses(form, rows_to_raw(rows), salt=SALT, batch="b1")
    assert not imported.rejected, imported.rejected
    return FormData.from_table(form, imported.table)
