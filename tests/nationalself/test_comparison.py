"""Self vs appraised on a hand-made national result: points lost per node, where, and why;
quick wins; the appraised areas for the national plan; a task from a gap in one step."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parindex.nationalself.comparison import comparison
from parindex.nationalself.errors import NationalSelfError
from parindex.nationalself.importer import AppraisedImportError, read_appraised
from parindex.nationalself.models import LossCategory
from parindex.nationalself.selectors import assessment_engine
from parindex.nationalself.services.appraised import appraised_import, gap_task_create
from parindex.nationalself.services.contributions import contribution_consolidate
from parindex.nationalself.services.setup import assignment_set
from parindex.tasks.models import TaskSource

from .helpers import a_national_self, contribution, upload

RESULT = """node;points;reason;category
1.1.1;0,5;Ban hành kế hoạch chậm so với thời hạn;
1.1.2;0,9;;
1.2;0,75;;
1.4;1;;
1.6;1,6;;
2;8,5;;
"""


def _scored(province):
    assessment = a_national_self(province)
    appraiser = province["users"]["appraiser"]
    upload(province, "1.1.1", "ke-hoach.pdf")
    upload(province, "1.1.2", "bao-cao.pdf")
    assignment_set(
        actor=appraiser, assessment=assessment, node_codes=["1.2", "1.4"], lead=province["unit_b"]
    )
    for code, values in (
        ("1.1.1", {"option": "on_time"}),
        ("1.1.2", {"numerator": "45", "denominator": "50"}),
        ("1.2", {"count": "1"}),
        ("1.4", {"value": "yes"}),
    ):
        contribution_consolidate(
            actor=appraiser, contribution=contribution(assessment, code), values=values
        )
    appraised_import(
        actor=appraiser,
        assessment=assessment,
        name="ket-qua-tham-dinh.csv",
        data=RESULT.encode(),
        source="Công văn thử của Bộ Nội vụ",
    )
    return assessment


def test_points_lost_where_and_why(province):
    compared = comparison(_scored(province))
    assert compared is not None
    rows = {row.code: row for row in compared.rows}
    late = rows["1.1.1"]
    assert (late.self_points, late.appraised, late.cut, late.lost) == (
        Decimal(1),
        Decimal("0.5"),
        Decimal("0.5"),
        Decimal("0.5"),
    )
    assert late.category == LossCategory.LATE  # the Ministry's reason says "chậm"
    cut = rows["1.1.2"]
    assert cut.self_points == Decimal("1.35")
    assert cut.lost == Decimal("0.6")
    assert cut.category == LossCategory.NO_EVIDENCE  # cut although documents were sent
    below = rows["1.2"]
    assert (below.cut, below.lost, below.category) == (0, Decimal("0.25"), "below_target")
    survey = rows["1.6"]
    assert survey.self_points is None  # the province does not score the survey
    assert (survey.lost, survey.category) == (Decimal("0.4"), "survey")
    assert rows["1.4"].lost == 0
    assert rows["1.4"].category == ""
    # Area 1 adds the leaves the file gave; area 2 was given as a whole.
    assert rows["1"].appraised == Decimal("4.75")
    assert rows["2"].appraised == Decimal("8.5")
    assert rows["2.1.2"].appraised is None
    # The self-score is compared with the self-scored part (the survey's 1,6 apart).
    assert rows["1"].appraised_own == Decimal("3.15")
    assert rows["1"].appraised_survey == Decimal("1.6")
    assert rows["1"].difference == Decimal("3.15") - Decimal("4.1")
    assert rows["2"].appraised_own is None
    assert rows["2"].difference is None
    assert "1.3.1" in compared.missing
    assert "1.5" in compared.missing
    assert compared.appraised_total is None  # areas 3–8 not given
    assert [row.code for row in compared.quick_wins] == ["1.1.2", "1.1.1"]
    assert dict(compared.lost_by_category) == {
        str(LossCategory.NO_EVIDENCE.label): Decimal("0.6"),
        str(LossCategory.LATE.label): Decimal("0.5"),
        str(LossCategory.BELOW_TARGET.label): Decimal("0.25"),
        str(LossCategory.SURVEY.label): Decimal("0.4"),
    }
    assert compared.appraised_areas() == {"1": Decimal("4.75"), "2": Decimal("8.5")}


def test_a_gap_becomes_a_task_for_its_lead_department_once(province):
    assessment = _scored(province)
    compared = comparison(assessment)
    assert compared is not None
    row = next(row for row in compared.quick_wins if row.code == "1.1.1")
    task = gap_task_create(actor=province["users"]["appraiser"], assessment=assessment, row=row)
    assert task.unit == province["unit_a"]
    assert task.source_kind == TaskSource.NATIONAL
    assert task.node_codes == ["1.1.1"]
    assert task.framework == assessment.framework
    assert task.priority == "high"
    assert "chậm" in task.description
    again = comparison(assessment)
    assert again is not None
    assert next(row for row in again.rows if row.code == "1.1.1").task == task
    with pytest.raises(NationalSelfError, match="Đã giao việc"):
        gap_task_create(actor=province["users"]["appraiser"], assessment=assessment, row=row)


def test_a_result_file_with_problems_is_refused_with_every_problem_located(province):
    assessment = a_national_self(province)
    bad = "node,points\n9.9,1\n1.1.1,abc\n1.1.2,5\n1.1,1\n1,9\n1.1.1,1\n1.4,1\n"
    with pytest.raises(AppraisedImportError) as caught:
        appraised_import(
            actor=province["users"]["appraiser"],
            assessment=assessment,
            name="sai.csv",
            data=bad.encode(),
            source="Thử",
        )
    assert caught.value.problems == [
        "sai.csv:2: mã «9.9» không có trong bộ tiêu chí.",
        "sai.csv:3: điểm «abc» không phải là số.",
        "sai.csv:4: điểm 5 của «1.1.2» ngoài khoảng 0 – 1,5.",
        "sai.csv:5: «1.1» là tiêu chí có mục con: ghi điểm từng tiêu chí thành phần, hoặc điểm "
        "của cả lĩnh vực.",
        "sai.csv:7: mã «1.1.1» đã có ở sai.csv:3.",
        "sai.csv:6: điểm lĩnh vực 1 (9) khác tổng các tiêu chí thành phần đã ghi (1).",
    ]
    assert not assessment.appraised_results.exists()


def test_headers_may_be_written_with_underscores_and_capitals(province):
    assessment = a_national_self(province)
    engine = assessment_engine(assessment)
    rows = read_appraised("kq.csv", b"Ma_Tieu_Chi;DIEM_THAM_DINH\n1.1.1;0,5\n", engine)
    assert [(row.node, row.points) for row in rows] == [("1.1.1", Decimal("0.5"))]
