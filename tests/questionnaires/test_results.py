"""Results per unit with intervals, sampling progress with margins of error, the feed of
survey scores into the assessments, and the anonymised export."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from parindex.assessments.models import NodeEntry
from parindex.audit.models import AuditEvent
from parindex.questionnaires import selectors
from parindex.questionnaires.errors import QuestionnaireError
from parindex.questionnaires.models import SamplingTarget
from parindex.questionnaires.services.feed import survey_apply
from parindex.questionnaires.services.review import response_decide, survey_check
from parindex.questionnaires.services.targets import TargetRow, targets_import_csv, targets_save

from .conftest import add_response, answers


def rated(*levels: str) -> dict[str, str]:
    return {f"q{number}": level for number, level in enumerate(levels, start=1)}


# Shares of points: 1 → 0, 2 → 0,25, 3 → 0,5, 4 → 0,75, 5 → 1. S1 = q1–q3, S2 = q4–q6.
CITIZENS = [rated("5", "5", "5", "3", "3", "3"), rated("4", "4", "4", "3", "4", "5")] * 2
BUSINESSES = [rated("1", "1", "1", "5", "5", "5"), rated("2", "2", "2", "4", "4", "4")]
LOW = rated("2", "3", "2", "3", "2", "3")


@pytest.fixture
def scored(make_survey, place):
    """Unit A: four citizens (weight 2) and two businesses (weight 1) with known answers;
    unit C: one citizen, less satisfied; unit B: nobody yet."""
    survey = make_survey()
    for values in CITIZENS:
        add_response(survey, place["units"]["A"], "dan", values)
    for values in BUSINESSES:
        add_response(survey, place["units"]["A"], "dn", values)
    add_response(survey, place["units"]["C"], "dan", LOW)
    return survey


def test_results_are_weighted_by_group_and_scored_by_the_framework_rules(scored):
    outcome = selectors.survey_results(scored)

    unit = outcome.results.unit("A")
    s1, s2 = unit.nodes["S1"], unit.nodes["S2"]
    # Group means: citizens S1 87,5 %, S2 62,5 %; businesses S1 12,5 %, S2 87,5 %.
    # S1 = (2 × 87,5 + 1 × 12,5) / 3 = 62,5 %; S2 = (2 × 62,5 + 1 × 87,5) / 3 = 70,83 %.
    assert (s1.rate, s2.rate) == (Decimal("62.50"), Decimal("70.83"))
    assert s1.points == Decimal(3)  # bands: 50 % ≤ rate < 80 % → 3 points
    assert s2.points == Decimal("7.08")  # manual, step 0,01: 70,83 % of 10 points
    assert unit.points == Decimal("10.08")
    assert s1.n_by_group == {"dan": 4, "dn": 2}
    assert outcome.responses == outcome.valid == 7


def test_every_rate_and_point_has_an_interval_around_it(scored):
    unit = selectors.survey_results(scored).results.unit("A")

    for node in unit.nodes.values():
        assert node.rate_low < node.rate < node.rate_high
        assert node.points_low <= node.points <= node.points_high
    assert unit.points_low <= unit.points <= unit.points_high
    assert "small_sample" in [flag.code for flag in unit.flags]


def test_a_wider_confidence_level_gives_a_wider_interval(scored):
    narrow = selectors.survey_results(scored).results.unit("A").nodes["S2"]
    scored.confidence = Decimal("0.99")
    scored.save()

    wide = selectors.survey_results(scored).results.unit("A").nodes["S2"]

    assert wide.rate_high - wide.rate_low > narrow.rate_high - narrow.rate_low


def test_excluded_responses_do_not_count(scored, place):
    first_business = scored.responses.filter(respondent_group="dn").first()
    response_decide(
        actor=place["users"]["appraiser"],
        response=first_business,
        action="exclude",
        reason="Phiếu trùng (minh họa)",
    )

    unit = selectors.survey_results(scored).results.unit("A")

    assert unit.nodes["S1"].n_by_group == {"dan": 4, "dn": 1}


def test_the_results_page_shows_each_unit_with_intervals(as_user, scored):
    page = as_user("leader").get(reverse("questionnaires:results", args=[scored.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Xã An Bình" in text
    assert "70,83%" in text
    assert "7,08" in text
    assert "chưa có phiếu hợp lệ" in text  # unit B
    rows = page.context["rows"]
    assert [row.unit.code for row in rows] == ["A", "C", "B"]  # ranked, then no responses
    assert "Chuyển điểm vào hồ sơ" not in text  # leaders read, Home Affairs applies


def test_a_unit_user_sees_only_their_own_unit(as_user, scored):
    page = as_user("officer_a").get(reverse("questionnaires:results", args=[scored.pk]))
    progress = as_user("officer_a").get(reverse("questionnaires:progress", args=[scored.pk]))

    assert [row.unit.code for row in page.context["rows"]] == ["A"]
    assert "Xã Cát Tiên" not in page.content.decode()
    assert [row.unit.code for row in progress.context["rows"]] == ["A"]
    assert all(flag.code != "rank_overlap" for flag in page.context["rows"][0].flags)


def test_progress_counts_valid_responses_against_targets_with_a_margin_of_error(scored, place):
    unit_a = place["units"]["A"]
    targets_save(
        actor=place["users"]["appraiser"],
        survey=scored,
        rows=[
            TargetRow(unit_a, "dan", 8),
            TargetRow(unit_a, "dn", 2, population=40),
        ],
    )
    survey_check(survey=scored)

    [unit] = selectors.survey_progress(scored, [unit_a])

    assert [(r.group, r.target, r.collected, r.valid) for r in unit.rows] == [
        ("dan", 8, 4, 4),
        ("dn", 2, 2, 2),
    ]
    assert unit.rows[0].percent == 50
    assert unit.rows[1].reached
    # Six valid answers at 95 %: 1,96 × √(0,25 / 6) = 0,4001 (no population for citizens).
    assert unit.margin == pytest.approx(0.40008, abs=1e-4)
    assert unit.margin_label == "± 40,0"


def test_targets_import_from_csv_names_bad_rows(scored, place):
    content = "unit,respondent_group,target,population\nA,dan,30,\nQ,dan,5,\nB,nguoi_la,5,\n"

    with pytest.raises(QuestionnaireError) as caught:
        targets_import_csv(
            actor=place["users"]["appraiser"],
            survey=scored,
            file_name="chi-tieu.csv",
            content=content.encode(),
        )
    changed = targets_import_csv(
        actor=place["users"]["appraiser"],
        survey=scored,
        file_name="chi-tieu.csv",
        content=b"unit,respondent_group,target\nA,dan,30\nB,dn,12\n",
    )

    assert [str(p) for p in caught.value.problems] == [
        "chi-tieu.csv:3: cột «unit»: «Q» không thuộc cuộc điều tra",
        "chi-tieu.csv:4: cột «respondent_group»: «nguoi_la» không có trong biểu mẫu (dan, dn)",
    ]
    assert changed == 2
    assert sorted(
        SamplingTarget.objects.values_list("unit__code", "respondent_group", "target")
    ) == [
        ("A", "dan", 30),
        ("B", "dn", 12),
    ]


def test_the_anonymised_export_has_no_ids_sources_times_or_personal_answers(scored, place):
    response = add_response(
        scored, place["units"]["B"], "dn", {**answers(), "dien_thoai": "0912345678"}, source="abc"
    )
    response.submission_id = "uuid:secret-instance"
    response.save()

    rows = list(csv.DictReader(io.StringIO(selectors.anonymised_csv(scored).decode("utf-8-sig"))))

    assert len(rows) == 8
    text = selectors.anonymised_csv(scored).decode("utf-8-sig")
    for secret in ("0912345678", "secret-instance", "abc", "09:00"):
        assert secret not in text
    assert "dien_thoai" not in rows[0]
    assert "response_id" in rows[0]
    assert {row["counted"] for row in rows} == {"yes"}
    assert str(response.pk) not in {row["response_id"] for row in rows}


def test_applying_writes_the_survey_nodes_of_each_assessment_with_provenance(scored, place):
    outcome = survey_apply(survey=scored, actor=place["users"]["appraiser"])

    assert outcome.applied == ["Xã An Bình", "Xã Cát Tiên"]
    assert outcome.without_responses == ["Xã Bình Minh"]
    entry = NodeEntry.objects.get(assessment=place["assessments"]["A"], node_code="S2")
    assert entry.appraised_points == Decimal("7.08")
    assert entry.appraised_values == {"points": "7.08"}
    provenance = entry.provenance
    assert provenance["source"] == "survey"
    assert provenance["survey_id"] == scored.pk
    assert provenance["n"] == 6
    assert provenance["n_by_group"] == {"dan": 4, "dn": 2}
    assert provenance["rate_percent"] == "70.83"
    low, high = (Decimal(value) for value in provenance["interval_percent"])
    assert low < Decimal("70.83") < high
    assert provenance["summary"].startswith(
        "Điều tra «Khảo sát hài lòng (thử)»: 6 phiếu hợp lệ (Người dân 4, Doanh nghiệp 2);"
        " tỷ lệ 70,83 % (khoảng tin cậy 95 %: "
    )
    bands = NodeEntry.objects.get(assessment=place["assessments"]["A"], node_code="S1")
    assert (bands.appraised_values, bands.appraised_points) == ({"percent": "62.50"}, Decimal(3))
    assert AuditEvent.objects.filter(action="apply", object_type="survey").exists()
    assert AuditEvent.objects.filter(action="system_value").count() == 4


def test_applying_refuses_approved_and_published_assessments(scored, place):
    assessment = place["assessments"]["A"]
    assessment.state = "approved"
    assessment.save()

    outcome = survey_apply(survey=scored, actor=place["users"]["appraiser"])

    assert outcome.locked == ["Xã An Bình"]
    assert outcome.applied == ["Xã Cát Tiên"]
    assert not NodeEntry.objects.filter(assessment=assessment).exists()


def test_the_apply_button_is_for_home_affairs(as_user, scored):
    url = reverse("questionnaires:apply", args=[scored.pk])

    assert as_user("council").post(url).status_code == 403
    assert as_user("appraiser").post(url).status_code == 302
