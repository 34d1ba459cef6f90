"""The demo province's own self-assessment in the national PAR INDEX (EXAMPLE data, labelled
as such on every page and document; docs/national-self-assessment.md).

- 2022, a finished example year on the shipped example national framework: every
  sub-criterion assigned to the department responsible, figures and documents sent and
  accepted (two required documents never came, explained instead), the report and the
  evidence archive generated and sent, then an EXAMPLE appraised result per sub-criterion
  (generated from the self-score with a few cuts: no evidence, late, below target, and the
  survey's points) and the self-vs-appraised comparison, one quick win already a task.
- 2025, in progress: the framework cloned to 2025 (still the example), the checklist and the
  leads copied from 2022, deadlines per department (Justice and Science and Technology's
  already passed: late), leaves accepted, sent, sent back with a request, open; the Finance
  department's (the demo logins `so.canbo`, `so.truong`) partly filled; a pre-survey with
  SYNTHETIC responses linked for the estimate of the survey-based points.
"""

from __future__ import annotations

import datetime
import io
import random
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow.csv as pa_csv
from django.conf import settings
from django.utils import timezone

from parindex.accounts.models import User
from parindex.criteria.models import Framework
from parindex.criteria.services import framework_publish, framework_store
from parindex.demo.inputs import generated_inputs
from parindex.engine import Framework as EngineFramework
from parindex.engine import Node
from parindex.frameworks import EXAMPLES_DIR, load_framework
from parindex.jobs.runner import run_now
from parindex.nationalself import selectors
from parindex.nationalself.comparison import comparison
from parindex.nationalself.jobs import PACKAGE_JOB
from parindex.nationalself.models import (
    ChecklistItem,
    Contribution,
    NationalSelfAssessment,
    Package,
)
from parindex.nationalself.presurvey import pre_survey_xlsx
from parindex.nationalself.services.appraised import appraised_import, gap_task_create
from parindex.nationalself.services.contributions import (
    UploadedFile,
    contribution_accept,
    contribution_return,
    contribution_save,
    contribution_submit,
    evidence_upload,
)
from parindex.nationalself.services.package import package_send
from parindex.nationalself.services.setup import (
    assignment_set,
    checklist_add,
    national_self_create,
    survey_link,
)
from parindex.periods.models import AssessmentPeriod
from parindex.questionnaires import selectors as survey_selectors
from parindex.questionnaires.services.imports import responses_import
from parindex.questionnaires.services.questionnaire import survey_create, survey_transition
from parindex.surveys.generate_demo import synthetic_export
from parindex.units.models import Unit

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SEED = 20221231
EXAMPLE_SOURCE = (
    "VÍ DỤ — số liệu sinh minh họa (demo), không phải kết quả thẩm định của Bộ Nội vụ: điểm "
    "tự chấm của tỉnh trừ một số tiêu chí thiếu, chậm tài liệu và điểm điều tra sinh ngẫu nhiên"
)
# The department leading each area, criterion or sub-criterion (the longest code that
# matches wins), and the one supporting it, by the demo's department names.
LEADS: dict[str, tuple[str, str | None]] = {
    "1": ("Sở Nội vụ", None),
    "1.2": ("Văn phòng UBND tỉnh", "Sở Nội vụ"),
    "2": ("Sở Tư pháp", None),
    "3": ("Văn phòng UBND tỉnh", None),
    "3.2": ("Trung tâm Phục vụ hành chính công", "Văn phòng UBND tỉnh"),
    "4": ("Sở Nội vụ", None),
    "5": ("Sở Nội vụ", None),
    "5.3": ("Thanh tra tỉnh", "Sở Nội vụ"),
    "6": ("Sở Tài chính", None),
    "7": ("Sở Khoa học và Công nghệ", None),
    "7.2": ("Sở Khoa học và Công nghệ", "Trung tâm Phục vụ hành chính công"),
    "8": ("Sở Tài chính", "Sở Công Thương"),
}
# The documents the guidance of 2022 asked for, beyond the framework's hints (EXAMPLES).
CHECKLIST_2022 = {
    "2.1.1": "Báo cáo kết quả xây dựng, ban hành VBQPPL năm (ví dụ)",
    "2.2.1": "Kế hoạch rà soát, hệ thống hóa VBQPPL (ví dụ)",
    "3.1.1": "Các quyết định công bố danh mục TTHC trong năm (ví dụ)",
    "5.1.1": "Quyết định phê duyệt vị trí việc làm của các cơ quan (ví dụ)",
    "6.1.1": "Báo cáo tình hình giải ngân vốn đầu tư công đến 31/01 năm sau (ví dụ)",
    "7.2.1": "Danh mục dịch vụ công trực tuyến toàn trình đã công bố (ví dụ)",
    "8.3.3": "Báo cáo quyết toán thu ngân sách nhà nước trên địa bàn (ví dụ)",
}
# 2022: required documents that never came (explained), and the Ministry's example cuts.
MISSING_2022 = ("3.3", "5.3")
LATE_2022 = {"1.1.1": "Kế hoạch CCHC năm ban hành chậm so với thời hạn (ví dụ)"}
BELOW_2022 = {"6.1.1": "Số liệu giải ngân chưa khớp báo cáo của Bộ Tài chính (ví dụ)"}
# 2025: the departments whose deadline already passed, and by how many days.
LATE_2025 = {"Sở Tư pháp": 5, "Sở Khoa học và Công nghệ": 2}


def _when(year: int, month: int, day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, 0, tzinfo=TZ)


def _lead(code: str) -> tuple[str, str | None]:
    parts = code.split(".")
    for size in range(len(parts), 0, -1):
        found = LEADS.get(".".join(parts[:size]))
        if found is not None:
            return found
    raise KeyError(code)


def _json(values: Any) -> dict[str, Any]:
    return {
        key: str(value) if isinstance(value, Decimal) else value for key, value in values.items()
    }


def _frameworks(admin: User) -> tuple[Framework, Framework]:
    shipped = load_framework(EXAMPLES_DIR / "example_national_876_2022.yaml")
    first = framework_store(actor=admin, engine=shipped, source_name="demo:national-2022")
    framework_publish(actor=admin, framework=first)
    info = replace(
        shipped.info,
        code="example_national_2025",
        year=2025,
        name=(
            "VÍ DỤ — không phải bộ tiêu chí chính thức: Chỉ số CCHC cấp tỉnh năm 2025 (cấu trúc "
            "8 lĩnh vực, dựng lại từ ví dụ theo QĐ 876/QĐ-BNV)"
        ),
        legal_basis="Ví dụ dựng lại từ cấu trúc QĐ 876/QĐ-BNV; năm 2025 áp dụng QĐ 1187/QĐ-BNV",
    )
    second = framework_store(
        actor=admin,
        engine=replace(shipped, info=info),
        source_name="demo:national-2025",
        previous=first,
    )
    framework_publish(actor=admin, framework=second)
    return first, second


def _assign_all(
    assessment: NationalSelfAssessment,
    engine: EngineFramework,
    departments: dict[str, Unit],
    actor: User,
    deadline: Callable[[str], datetime.date],
) -> None:
    groups: dict[tuple[str, str | None], list[str]] = {}
    for node in engine.leaves():
        if selectors.assignable(node):
            groups.setdefault(_lead(node.code), []).append(node.code)
    for (lead, helper), codes in groups.items():
        assignment_set(
            actor=actor,
            assessment=assessment,
            node_codes=codes,
            lead=departments[lead],
            supporting=[departments[helper]] if helper else [],
            deadline=deadline(lead),
        )


def _upload(
    actor: User,
    row: Contribution,
    item: ChecklistItem | None,
    pdf: Callable[[str], bytes],
    number: int,
    day: datetime.date,
) -> None:
    code = row.node_code
    evidence_upload(
        actor=actor,
        contribution=row,
        files=[
            UploadedFile(
                f"Tai-lieu-{row.assessment.year}-{code}.pdf",
                io.BytesIO(pdf(f"Tai lieu kiem chung {code} nam {row.assessment.year} (vi du)")),
            )
        ],
        department=row.lead,
        document_number=f"{number}/KH-UBND (ví dụ)" if item else f"{number}/BC (ví dụ)",
        document_date=day,
        document_title=item.title if item else f"Báo cáo kết quả thực hiện tiêu chí {code} (ví dụ)",
        checklist_item=item,
        location="Toàn văn",
    )


def _fill(
    assessment: NationalSelfAssessment,
    row: Contribution,
    node: Node,
    values: dict[str, Any],
    actor: User,
    pdf: Callable[[str], bytes],
    number: int,
    *,
    documents: bool = True,
    now: datetime.datetime | None = None,
) -> Contribution:
    """The department's figures and documents for one leaf (and its explanation when a
    document is missing)."""
    items: list[ChecklistItem | None] = list(assessment.checklist.filter(node_code=node.code))
    day = (now or timezone.now()).date() - datetime.timedelta(days=10 + number % 20)
    if documents:
        for item in items or [None]:
            _upload(actor, row, item, pdf, number, day)
    explanation = ""
    if not documents and (items or node.evidence_required):
        explanation = "Văn bản đang trình ký, sẽ gửi bổ sung (ví dụ)."
    return contribution_save(
        actor=actor, contribution=row, values=_json(values), gap_explanation=explanation
    )


def _finished_2022(
    framework: Framework,
    province: Unit,
    departments: dict[str, Unit],
    appraiser: User,
    pdf: Callable[[str], bytes],
    log: Callable[[str], None],
) -> NationalSelfAssessment:
    assessment = national_self_create(
        actor=appraiser,
        year=2022,
        framework=framework,
        province=province,
        ministry_deadline=_when(2023, 1, 10, 17),
        national_name=getattr(settings, "PARINDEX_PROVINCE_NAME", "") or "Bắc Kạn",
        is_example=True,
    )
    engine = selectors.assessment_engine(assessment)
    for code, title in CHECKLIST_2022.items():
        checklist_add(actor=appraiser, assessment=assessment, node_code=code, title=title)
    _assign_all(
        assessment, engine, departments, appraiser, lambda lead: datetime.date(2022, 12, 20)
    )
    inputs = generated_inputs(engine, random.Random(SEED), 0.82)
    rows = selectors.contribution_map(assessment)
    for number, node in enumerate(engine.leaves(), start=1):
        row = rows.get(node.code)
        if row is None or node.code not in inputs:
            continue
        sent = _when(2022, 12, 12 + number % 8)
        _fill(
            assessment,
            row,
            node,
            dict(inputs[node.code].values),
            appraiser,
            pdf,
            number,
            documents=node.code not in MISSING_2022,
            now=sent,
        )
        contribution_accept(
            actor=appraiser,
            contribution=row,
            explanation_accepted=node.code in MISSING_2022,
            now=sent + datetime.timedelta(days=2),
        )
    job = run_now(
        kind=PACKAGE_JOB,
        title="Bộ hồ sơ Chỉ số CCHC cấp tỉnh năm 2022 (ví dụ)",
        params={"assessment": assessment.pk, "proposals": "Không có (ví dụ)."},
        user=appraiser,
    )
    package = Package.objects.get(pk=(job.report or {})["package"])
    package_send(
        actor=appraiser,
        package=package,
        dispatch_number="25/BC-UBND (ví dụ)",
        now=_when(2023, 1, 9),
    )
    Package.objects.filter(pk=package.pk).update(created_at=_when(2023, 1, 8, 16))
    _appraised_2022(assessment, engine, appraiser)
    log(
        f"Demo national self-assessment 2022 (EXAMPLE): {len(rows)} sub-criteria assigned, "
        f"package of {len(package.manifest)} files sent, example appraised result imported."
    )
    return assessment


def _appraised_2022(
    assessment: NationalSelfAssessment, engine: EngineFramework, appraiser: User
) -> None:
    """An EXAMPLE result per sub-criterion, generated from the self-score (never a figure of
    the Ministry's): the missing documents cost their points, a late plan half, a figure not
    matching part; the survey's points are drawn between 62 % and 84 % of their maxima."""
    result = selectors.self_result(assessment)
    rng = random.Random(SEED + 1)
    lines = ["node,points,reason,category"]
    for node in engine.leaves():
        points = result.nodes[node.code].points
        reason, category = "", ""
        if node.source == "survey":
            share = Decimal(str(round(rng.uniform(0.62, 0.84), 2)))
            points = (node.max_points * share).quantize(Decimal("0.01"))
        elif node.code in MISSING_2022:
            points, reason, category = (
                Decimal(0),
                "Không có tài liệu kiểm chứng (ví dụ)",
                "no_evidence",
            )
        elif node.code in LATE_2022:
            points, reason = points / 2, LATE_2022[node.code]
        elif node.code in BELOW_2022:
            points, reason = points - min(points, Decimal("0.5")), BELOW_2022[node.code]
            category = "below_target"
        lines.append(f'{node.code},{points.normalize():f},"{reason}",{category}')
    appraised_import(
        actor=appraiser,
        assessment=assessment,
        name="ket-qua-tham-dinh-2022-VI-DU.csv",
        data=("\n".join(lines) + "\n").encode("utf-8"),
        source=EXAMPLE_SOURCE,
        is_example=True,
    )
    compared = comparison(assessment)
    if compared is not None and compared.quick_wins:
        gap_task_create(actor=appraiser, assessment=assessment, row=compared.quick_wins[0])


def _in_progress_2025(
    framework: Framework,
    province: Unit,
    departments: dict[str, Unit],
    appraiser: User,
    pdf: Callable[[str], bytes],
    log: Callable[[str], None],
) -> NationalSelfAssessment:
    today = timezone.localdate()
    assessment = national_self_create(
        actor=appraiser,
        year=2025,
        framework=framework,
        province=province,
        ministry_deadline=datetime.datetime.combine(
            today + datetime.timedelta(days=30), datetime.time(17), TZ
        ),
        national_name=getattr(settings, "PARINDEX_PROVINCE_NAME", "") or "Bắc Kạn",
        is_example=True,
    )
    engine = selectors.assessment_engine(assessment)

    def deadline(lead: str) -> datetime.date:
        if lead in LATE_2025:
            return today - datetime.timedelta(days=LATE_2025[lead])
        return today + datetime.timedelta(days=8 + len(lead) % 10)

    # The leads were copied from 2022; each department gets this year's deadline.
    _assign_all(assessment, engine, departments, appraiser, deadline)
    inputs = generated_inputs(engine, random.Random(SEED + 25), 0.78)
    rows = selectors.contribution_map(assessment)
    finance = User.objects.filter(username="so.canbo").first() or appraiser
    for number, node in enumerate(engine.leaves(), start=1):
        row = rows.get(node.code)
        if row is None or node.code not in inputs or row.lead is None:
            continue
        lead = row.lead.name
        values = dict(inputs[node.code].values)
        if lead in LATE_2025:
            continue  # nothing sent yet, past the deadline
        if lead == "Sở Tài chính":
            if number % 2:  # half filled, for the demo logins to finish
                _fill(assessment, row, node, values, finance, pdf, number, documents=False)
            continue
        _fill(assessment, row, node, values, appraiser, pdf, number)
        contribution_submit(actor=appraiser, contribution=row)
        if lead in ("Sở Nội vụ", "Thanh tra tỉnh"):
            contribution_accept(actor=appraiser, contribution=row)
        elif lead == "Văn phòng UBND tỉnh" and number % 3 == 0:
            contribution_return(
                actor=appraiser,
                contribution=row,
                question="Đề nghị bổ sung báo cáo có chữ ký, đóng dấu (ví dụ).",
                deadline=today + datetime.timedelta(days=5),
            )
    _pre_survey(assessment, engine, appraiser, log)
    late = sum(1 for row in selectors.contributions(assessment) if selectors.is_late(row, today))
    log(
        f"Demo national self-assessment 2025 (EXAMPLE, in progress): {len(rows)} sub-criteria "
        f"assigned, {late} late."
    )
    return assessment


def _pre_survey(
    assessment: NationalSelfAssessment,
    engine: EngineFramework,
    appraiser: User,
    log: Callable[[str], None],
) -> None:
    period = AssessmentPeriod.objects.filter(year=assessment.year).first()
    if period is None:
        return
    survey, _warnings = survey_create(
        actor=appraiser,
        period=period,
        framework=assessment.framework,
        name="Khảo sát trước Chỉ số CCHC cấp tỉnh 2025 (ví dụ)",
        file_name="khao-sat-truoc-par-2025.xlsx",
        content=pre_survey_xlsx(engine, year=assessment.year),
        replace_unit_choices=True,
    )
    survey_transition(actor=appraiser, survey=survey, state="open")
    units = [unit.code for unit in survey_selectors.survey_units(survey)]
    table = synthetic_export(survey_selectors.survey_form(survey), 600, seed=SEED, units=units)
    buffer = io.BytesIO()
    pa_csv.write_csv(table, buffer)
    imported = responses_import(
        actor=appraiser,
        survey=survey,
        file_name="khao-sat-truoc-phieu-TONG-HOP-minh-hoa.csv",
        content=buffer.getvalue(),
    )
    survey_link(actor=appraiser, assessment=assessment, survey=survey)
    log(f"  pre-survey: {imported.imported} SYNTHETIC responses linked for the estimate.")


def load_demo_national_self(
    log: Callable[[str], None] = print, *, pdf: Callable[[str], bytes]
) -> None:
    if NationalSelfAssessment.objects.exists():
        return
    admin = User.objects.get(username="admin")
    appraiser = User.objects.get(username="thamdinh")
    province = Unit.objects.get(code="TMH")
    departments = {unit.name: unit for unit in Unit.objects.filter(unit_type__code="so")}
    first, second = _frameworks(admin)
    _finished_2022(first, province, departments, appraiser, pdf, log)
    _in_progress_2025(second, province, departments, appraiser, pdf, log)
