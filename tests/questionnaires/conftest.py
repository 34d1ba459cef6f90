"""A small province for the survey tests: three communes scored by a framework with two
survey nodes (S1 `bands`, S2 `manual`), an open 2025 period with their assessments, the
roles that work with surveys, and a survey builder. Test data, not official figures."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from parindex.accounts.models import Role, User
from parindex.assessments.models import Assessment
from parindex.criteria.services import framework_publish, framework_store
from parindex.engine import FrameworkSpec, NodeSpec, build_framework
from parindex.periods.models import AssessmentPeriod, UnitGroup
from parindex.questionnaires.definition import form_to_json
from parindex.questionnaires.models import Survey
from parindex.questionnaires.services.questionnaire import respondent_groups_of
from parindex.surveys.xlsform import Choice, Question, SurveyForm, write_xlsform
from parindex.units.models import Unit, UnitType

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
VI = "Tiếng Việt (vi)"
EN = "English (en)"
LIKERT = ("1", "2", "3", "4", "5")  # points 0..4 → shares 0, 0,25 … 1
QUESTIONS = ("q1", "q2", "q3", "q4", "q5", "q6")


def sample_form(units: tuple[str, ...] = ("A", "B", "C")) -> SurveyForm:
    """Unit question «don_vi», group question «nhom» (dan 2, dn 1); q1–q3 feed S1 and
    q4–q6 feed S2 on a 1–5 scale with «9» = don't know; an integer, a decimal and a
    personal text."""
    questions = [
        Question("start", "start"),
        Question("end", "end"),
        Question("note", "gioi_thieu", {VI: "Phiếu thử (dữ liệu kiểm thử)", EN: "Test form"}),
        Question("begin_group", "chung", {VI: "Thông tin chung", EN: "General"}),
        Question("select_one don_vi", "don_vi", {VI: "Đơn vị", EN: "Unit"}, required="yes"),
        Question("select_one nhom", "nhom", {VI: "Anh/chị là", EN: "You are"}, required="yes"),
        Question("integer", "tuoi", {VI: "Tuổi", EN: "Age"}),
        Question("end_group", ""),
        Question("begin_group", "danh_gia", {VI: "Đánh giá", EN: "Rating"}),
        *(
            Question(
                "select_one muc_do",
                name,
                {VI: f"Mức hài lòng {name}", EN: f"Satisfaction {name}"},
                required="yes",
                node="S1" if name in ("q1", "q2", "q3") else "S2",
            )
            for name in QUESTIONS
        ),
        Question("end_group", ""),
        Question("decimal", "km", {VI: "Quãng đường (km)", EN: "Distance (km)"}),
        Question("text", "dien_thoai", {VI: "Điện thoại", EN: "Phone"}, personal="yes"),
    ]
    choices = {
        "muc_do": (
            *(
                Choice("muc_do", name, {VI: f"Mức {name}", EN: f"Level {name}"}, Decimal(i))
                for i, name in enumerate(LIKERT)
            ),
            Choice("muc_do", "9", {VI: "Không biết", EN: "Don't know"}),
        ),
        "don_vi": tuple(Choice("don_vi", code, {VI: code, EN: code}) for code in units),
        "nhom": (
            Choice("nhom", "dan", {VI: "Người dân", EN: "Citizen"}, weight=Decimal(2)),
            Choice("nhom", "dn", {VI: "Doanh nghiệp", EN: "Business"}, weight=Decimal(1)),
        ),
    }
    settings = {
        "form_title": "Khảo sát thử",
        "form_id": "khao_sat_thu",
        "version": "1",
        "default_language": VI,
        "unit_field": "don_vi",
        "respondent_group_field": "nhom",
    }
    columns = ("type", "name", f"label::{VI}", f"label::{EN}", "required", "node", "personal")
    return SurveyForm(
        tuple(questions),
        choices,
        settings,
        survey_columns=columns,
        choices_columns=("list_name", "name", f"label::{VI}", f"label::{EN}", "points", "weight"),
        settings_columns=tuple(settings),
    )


def form_bytes(form: SurveyForm, folder: Path, name: str = "phieu.xlsx") -> bytes:
    path = folder / name
    write_xlsform(form, path)
    return path.read_bytes()


def survey_framework() -> Any:
    nodes = [
        NodeSpec("1", "Chỉ đạo, điều hành", 2),
        NodeSpec("1.1", "Ban hành kế hoạch", 2, parent="1", rule="boolean"),
        NodeSpec("S", "Mức độ hài lòng", 15),
        NodeSpec(
            "S1",
            "Hài lòng về thủ tục",
            5,
            parent="S",
            rule="bands",
            source="survey",
            rule_params={
                "thresholds": [{"min_percent": 80, "points": 5}, {"min_percent": 50, "points": 3}]
            },
        ),
        NodeSpec(
            "S2",
            "Hài lòng về phục vụ",
            10,
            parent="S",
            rule="manual",
            source="survey",
            rule_params={"step": "0.01"},
        ),
    ]
    info = {
        "code": "xa-dtxhh-2025",
        "name": "Bộ tiêu chí thử có điều tra",
        "year": 2025,
        "unit_group": "communes",
        "max_total": 17,
        "classes": [
            {"label": "Tốt", "min_percent": 90},
            {"label": "Khá", "min_percent": 80},
            {"label": "Trung bình", "min_percent": 50},
            {"label": "Yếu", "min_percent": 0},
        ],
    }
    return build_framework(FrameworkSpec(info=info, nodes=nodes))


@pytest.fixture
def place(db: None) -> dict[str, Any]:
    commune = UnitType.objects.create(code="xa", name="Xã", level="commune", position=3)
    units = {
        code: Unit.objects.create(code=code, name=name, unit_type=commune)
        for code, name in (("A", "Xã An Bình"), ("B", "Xã Bình Minh"), ("C", "Xã Cát Tiên"))
    }
    outsider = Unit.objects.create(code="Z", name="Xã Ngoài Nhóm", unit_type=commune)
    users: dict[str, User] = {}
    for name, role, unit in (
        ("officer_a", Role.OFFICER, units["A"]),
        ("officer_z", Role.OFFICER, outsider),
        ("appraiser", Role.APPRAISER, None),
        ("council", Role.COUNCIL, None),
        ("leader", Role.LEADER, None),
        ("admin", Role.ADMIN, None),
    ):
        users[name] = User.objects.create(
            username=name, full_name=name.replace("_", " ").title(), role=role, unit=unit
        )
    framework = framework_store(actor=users["admin"], engine=survey_framework())
    framework_publish(actor=users["admin"], framework=framework)
    period = AssessmentPeriod.objects.create(
        year=2025,
        name="Kỳ 2025",
        status="open",
        self_assessment_opens=datetime.datetime(2025, 11, 1, 8, tzinfo=TZ),
        self_assessment_closes=datetime.datetime(2025, 12, 10, 17, tzinfo=TZ),
        explanation_closes=datetime.datetime(2025, 12, 20, 17, tzinfo=TZ),
        appraisal_closes=datetime.datetime(2026, 1, 10, 17, tzinfo=TZ),
        publication_date=datetime.date(2026, 1, 20),
    )
    group = UnitGroup.objects.create(period=period, code="xa", name="Cấp xã", framework=framework)
    group.units.set(units.values())
    assessments = {
        code: Assessment.objects.create(period=period, group=group, unit=unit)
        for code, unit in units.items()
    }
    return {
        "units": units,
        "outsider": outsider,
        "users": users,
        "framework": framework,
        "period": period,
        "group": group,
        "assessments": assessments,
    }


@pytest.fixture
def make_survey(place: dict[str, Any]) -> Callable[..., Survey]:
    """A survey stored directly (no XLSForm upload: that path has its own tests)."""

    def build(state: str = "open", open_link: bool = True, rate_limit: int = 3) -> Survey:
        form = sample_form()
        return Survey.objects.create(
            period=place["period"],
            framework=place["framework"],
            name="Khảo sát hài lòng (thử)",
            form_name="phieu.xlsx",
            form_id=form.form_id,
            form_version=form.version,
            definition=form_to_json(form),
            respondent_groups=respondent_groups_of(form),
            state=state,
            open_link_enabled=open_link,
            open_link_rate_limit=rate_limit,
            salt=secrets.token_hex(32),
        )

    return build


VARIED = ("4", "5", "3", "4", "5", "4")


def answers(level: str | None = None, **overrides: str) -> dict[str, str]:
    """A complete set of answers: varied (no straight line), or every rated question at
    `level`."""
    values = dict(zip(QUESTIONS, (level,) * len(QUESTIONS) if level else VARIED, strict=True))
    values.update(overrides)
    return values


@pytest.fixture
def as_user(client: Client, place: dict[str, Any]) -> Callable[[str], Client]:
    def login(name: str) -> Client:
        client.logout()
        client.force_login(
            place["users"][name], backend="parindex.accounts.backends.AccountBackend"
        )
        return client

    return login


def add_response(
    survey: Survey,
    unit: Unit,
    group: str = "dan",
    values: dict[str, str] | None = None,
    *,
    at: datetime.datetime | None = None,
    seconds: int | None = 300,
    source: str = "",
    submission_id: str = "",
    channel: str = "import",
) -> Any:
    """One stored response, as an import would leave it (for crafted integrity cases)."""
    from parindex.questionnaires.models import Response

    submitted = at or datetime.datetime(2025, 3, 3, 9, 0, tzinfo=TZ)
    given = dict(values if values is not None else answers())
    given.update({"don_vi": unit.code, "nhom": group})
    return Response.objects.create(
        survey=survey,
        unit=unit,
        respondent_group=group,
        channel=channel,
        answers=given,
        submission_id=submission_id or secrets.token_hex(8),
        started_at=submitted - datetime.timedelta(seconds=seconds) if seconds is not None else None,
        ended_at=submitted if seconds is not None else None,
        submitted_at=submitted,
        source_hash=source,
    )
