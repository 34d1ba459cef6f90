"""The example questionnaire: citizens' and organisations' satisfaction with a commune's services.

Regenerate the shipped workbook with

    python -m parindex.surveys.example_form parindex/data/surveys/example_satisfaction_form.xlsx

It feeds the two survey-sourced nodes of the example commune framework
(`parindex/data/frameworks/example_province_communes_2025.yaml`): node 13
(satisfaction with administrative procedures, `bands` rule) and node 28
(satisfaction with the commune's service, `manual` rule). The units are the 80
demo communes of `generate_demo.DEMO_UNITS`. The respondent-group weights
(0,5 / 0,3 / 0,2) are illustrative, not an official figure.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from .xlsform import Choice, Question, SurveyForm, write_xlsform

VI = "Tiếng Việt (vi)"
EN = "English (en)"

PROCEDURE_NODE = "13"
SERVICE_NODE = "28"

LIKERT = (
    ("1", "Rất không hài lòng", "Very dissatisfied", 0),
    ("2", "Không hài lòng", "Dissatisfied", 1),
    ("3", "Bình thường", "Neutral", 2),
    ("4", "Hài lòng", "Satisfied", 3),
    ("5", "Rất hài lòng", "Very satisfied", 4),
)
DONT_KNOW = ("9", "Không biết / không sử dụng", "Don't know / not used")

GROUPS = (
    ("nguoi_dan", "Người dân", "Citizens", Decimal("0.5")),
    ("doanh_nghiep", "Doanh nghiệp", "Businesses", Decimal("0.3")),
    ("to_chuc", "Tổ chức khác", "Other organisations", Decimal("0.2")),
)

PROCEDURE_QUESTIONS = (
    ("tt_01", "Việc tiếp cận thông tin về thủ tục hành chính", "Access to procedure information"),
    ("tt_02", "Sự công khai, rõ ràng của thành phần hồ sơ", "Clarity of the required documents"),
    ("tt_03", "Số lần phải đi lại để hoàn thành hồ sơ", "Number of visits needed"),
    ("tt_04", "Thời gian giải quyết so với giấy hẹn", "Processing time against the receipt"),
    ("tt_05", "Thái độ của công chức tiếp nhận hồ sơ", "Attitude of the receiving officer"),
    ("tt_06", "Năng lực hướng dẫn của công chức", "Officer's competence in guiding"),
    ("tt_07", "Phí, lệ phí được công khai và đúng quy định", "Published, lawful fees"),
    ("tt_08", "Kết quả giải quyết đúng quy định", "Lawful result"),
    ("tt_09", "Việc nộp hồ sơ, thanh toán trực tuyến", "Online submission and payment"),
    ("tt_10", "Cơ sở vật chất của Bộ phận một cửa", "Facilities of the one-stop desk"),
    ("tt_11", "Việc thông báo khi hồ sơ bị trễ hẹn", "Notice when a dossier is late"),
    ("tt_12", "Sự hài lòng chung về giải quyết thủ tục", "Overall satisfaction with procedures"),
)
SERVICE_QUESTIONS = (
    ("cq_01", "Việc tiếp nhận, xử lý phản ánh, kiến nghị", "Handling of feedback and petitions"),
    ("cq_02", "Sự công khai, minh bạch trong hoạt động của xã", "Transparency of the commune"),
    ("cq_03", "Việc tiếp công dân của lãnh đạo xã", "Citizen reception by commune leaders"),
    ("cq_04", "Trách nhiệm giải trình của chính quyền xã", "Accountability of the commune"),
    ("cq_05", "Việc cung cấp dịch vụ công trực tuyến", "Online public services"),
    ("cq_06", "Sự phối hợp giữa các bộ phận của xã", "Coordination within the commune"),
    ("cq_07", "Tinh thần phục vụ của cán bộ, công chức xã", "Service attitude of commune staff"),
    ("cq_08", "Sự hài lòng chung với chính quyền xã", "Overall satisfaction with the commune"),
)


def _labels(vietnamese: str, english: str) -> dict[str, str]:
    return {VI: vietnamese, EN: english}


def build_example_form(units: tuple[tuple[str, str], ...] | None = None) -> SurveyForm:
    """The example questionnaire as a `SurveyForm` (units default to the 80 demo communes)."""
    from .generate_demo import DEMO_UNITS

    units = units or DEMO_UNITS
    questions: list[Question] = [
        Question("start", "start"),
        Question("end", "end"),
        Question("deviceid", "deviceid"),
        Question(
            "note",
            "gioi_thieu",
            _labels(
                "Phiếu khảo sát mức độ hài lòng (VÍ DỤ, dữ liệu minh họa). Phiếu không ghi tên"
                " người trả lời.",
                "Satisfaction survey (EXAMPLE, illustrative data). The form records no name.",
            ),
        ),
        Question("begin_group", "thong_tin", _labels("Thông tin chung", "General")),
        Question(
            "select_one don_vi",
            "don_vi",
            _labels("Đơn vị được đánh giá", "Unit assessed"),
            required="yes",
        ),
        Question(
            "select_one nhom",
            "nhom",
            _labels("Anh/chị trả lời với tư cách", "You answer as"),
            required="yes",
        ),
        Question(
            "select_one do_tuoi",
            "do_tuoi",
            _labels("Nhóm tuổi", "Age group"),
        ),
        Question("end_group", ""),
        Question(
            "begin_group",
            "thu_tuc",
            _labels("Giải quyết thủ tục hành chính", "Administrative procedures"),
        ),
    ]
    questions += [
        Question(
            "select_one muc_do",
            name,
            _labels(vietnamese, english),
            required="yes",
            node=PROCEDURE_NODE,
            weight=Decimal(2) if name == "tt_12" else None,
        )
        for name, vietnamese, english in PROCEDURE_QUESTIONS
    ]
    questions += [
        Question("end_group", ""),
        Question("begin_group", "chinh_quyen", _labels("Chính quyền xã", "Commune government")),
    ]
    questions += [
        Question(
            "select_one muc_do",
            name,
            _labels(vietnamese, english),
            required="yes",
            node=SERVICE_NODE,
        )
        for name, vietnamese, english in SERVICE_QUESTIONS
    ]
    questions += [
        Question("end_group", ""),
        Question("text", "gop_y", _labels("Góp ý của anh/chị (không bắt buộc)", "Comments")),
        Question(
            "text",
            "lien_he",
            _labels(
                "Số điện thoại nếu muốn được phản hồi (không bắt buộc)",
                "Phone number for a reply (optional)",
            ),
            personal="yes",
        ),
    ]
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
        "do_tuoi": tuple(
            Choice("do_tuoi", name, _labels(text, text))
            for name, text in (("duoi_30", "Dưới 30"), ("30_50", "30–50"), ("tren_50", "Trên 50"))
        ),
        "don_vi": tuple(Choice("don_vi", code, _labels(name, name)) for code, name in units),
    }
    settings = {
        "form_title": "Khảo sát mức độ hài lòng của người dân, tổ chức (VÍ DỤ)",
        "form_id": "hai_long_xa_2025",
        "version": "2025.1",
        "default_language": VI,
        "unit_field": "don_vi",
        "respondent_group_field": "nhom",
        "timezone": "Asia/Ho_Chi_Minh",
    }
    return SurveyForm(
        questions=tuple(questions),
        choices=choices,
        settings=settings,
        survey_columns=(
            "type",
            "name",
            f"label::{VI}",
            f"label::{EN}",
            "required",
            "relevant",
            "node",
            "weight",
            "personal",
        ),
        choices_columns=("list_name", "name", f"label::{VI}", f"label::{EN}", "points", "weight"),
        settings_columns=tuple(settings),
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    destination = Path(args[0] if args else "example_satisfaction_form.xlsx")
    write_xlsform(build_example_form(), destination)
    print(f"Đã ghi {destination}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
