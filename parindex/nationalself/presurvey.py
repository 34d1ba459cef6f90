"""An EXAMPLE pre-survey questionnaire on the national survey's themes, built from the year's
framework: for each survey-scored leaf, two questions on a five-level scale tied to the leaf
(`node`), asked of three respondent groups with illustrative weights.

The Ministry's own questionnaire is not public: a province writes its questionnaire (an
XLSForm, docs/surveys.md) on the themes it knows; this one is what the demo and the tests use,
and a starting point. Its respondents say where they were met (`don_vi`): every unit the
period assesses (`questionnaires.selectors.units_for` on a national framework).
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from parindex.engine import Framework as EngineFramework
from parindex.surveys.xlsform import Choice, Question, SurveyForm, write_xlsform

VI = "Tiếng Việt (vi)"
EN = "English (en)"
LIKERT = (
    ("1", "Rất không hài lòng", "Very dissatisfied", 0),
    ("2", "Không hài lòng", "Dissatisfied", 1),
    ("3", "Bình thường", "Neutral", 2),
    ("4", "Hài lòng", "Satisfied", 3),
    ("5", "Rất hài lòng", "Very satisfied", 4),
)
DONT_KNOW = ("9", "Không biết / không có ý kiến", "Don't know")
# Illustrative weights, not the Ministry's (unknown, docs/national-self-assessment.md).
GROUPS = (
    ("can_bo", "Cán bộ, công chức", "Civil servants", Decimal("0.3")),
    ("nguoi_dan", "Người dân", "Citizens", Decimal("0.4")),
    ("doanh_nghiep", "Doanh nghiệp, tổ chức", "Businesses, organisations", Decimal("0.3")),
)
ASPECTS = (
    ("Mức độ hài lòng về", "Satisfaction with"),
    ("Đánh giá chung về", "Overall rating of"),
)


def _labels(vietnamese: str, english: str) -> dict[str, str]:
    return {VI: vietnamese, EN: english}


def pre_survey_form(engine: EngineFramework, *, year: int) -> SurveyForm:
    questions: list[Question] = [
        Question("start", "start"),
        Question("end", "end"),
        Question(
            "note",
            "gioi_thieu",
            _labels(
                "Khảo sát trước của tỉnh theo chủ đề điều tra Chỉ số CCHC (VÍ DỤ). Phiếu không "
                "ghi tên người trả lời.",
                "The province's pre-survey on the PAR INDEX survey themes (EXAMPLE). No names.",
            ),
        ),
        Question(
            "select_one don_vi", "don_vi", _labels("Nơi khảo sát", "Where surveyed"), required="yes"
        ),
        Question(
            "select_one nhom",
            "nhom",
            _labels("Anh/chị trả lời với tư cách", "You answer as"),
            required="yes",
        ),
    ]
    for node in engine.leaves():
        if node.source != "survey":
            continue
        slug = node.code.replace(".", "_")
        for number, (vietnamese, english) in enumerate(ASPECTS, start=1):
            questions.append(
                Question(
                    "select_one muc_do",
                    f"q_{slug}_{number}",
                    _labels(f"{vietnamese}: {node.title}", f"{english}: {node.title}"),
                    required="yes",
                    node=node.code,
                )
            )
    choices: dict[str, tuple[Choice, ...]] = {
        "muc_do": (
            *(
                Choice("muc_do", name, _labels(vi, en), points=Decimal(points))
                for name, vi, en, points in LIKERT
            ),
            Choice("muc_do", DONT_KNOW[0], _labels(DONT_KNOW[1], DONT_KNOW[2])),
        ),
        "nhom": tuple(
            Choice("nhom", name, _labels(vi, en), weight=weight) for name, vi, en, weight in GROUPS
        ),
        "don_vi": (Choice("don_vi", "X", _labels("(danh sách đơn vị)", "(units)")),),
    }
    settings = {
        "form_title": f"Khảo sát trước Chỉ số CCHC cấp tỉnh năm {year} (VÍ DỤ)",
        "form_id": f"khao_sat_truoc_par_{year}",
        "version": f"{year}.1",
        "default_language": VI,
        "unit_field": "don_vi",
        "respondent_group_field": "nhom",
    }
    return SurveyForm(
        questions=tuple(questions),
        choices=choices,
        settings=settings,
        survey_columns=("type", "name", f"label::{VI}", f"label::{EN}", "required", "node"),
        choices_columns=("list_name", "name", f"label::{VI}", f"label::{EN}", "points", "weight"),
        settings_columns=tuple(settings),
    )


def pre_survey_xlsx(engine: EngineFramework, *, year: int) -> bytes:
    """The example questionnaire as an XLSForm workbook."""
    with tempfile.TemporaryDirectory(prefix="parindex-presurvey-") as folder:
        path = Path(folder) / f"khao-sat-truoc-{year}.xlsx"
        write_xlsform(pre_survey_form(engine, year=year), path)
        return path.read_bytes()
