"""The pre-survey's estimate: a survey of the survey module on the year's national framework,
its valid responses pooled for the province and scored by the survey module, with intervals."""

from __future__ import annotations

import io

import pyarrow.csv as pa_csv

from parindex.nationalself.estimate import survey_estimate
from parindex.nationalself.presurvey import pre_survey_xlsx
from parindex.nationalself.selectors import assessment_engine
from parindex.nationalself.services.setup import survey_link
from parindex.questionnaires import selectors as survey_selectors
from parindex.questionnaires.models import Response
from parindex.questionnaires.services.imports import responses_import
from parindex.questionnaires.services.questionnaire import survey_create, survey_transition
from parindex.surveys.generate_demo import synthetic_export

from .helpers import a_national_self


def test_the_pre_survey_estimates_the_survey_points_with_an_interval(province):
    assessment = a_national_self(province)
    appraiser = province["users"]["appraiser"]
    engine = assessment_engine(assessment)
    survey, _warnings = survey_create(
        actor=appraiser,
        period=province["period"],
        framework=assessment.framework,
        name="Khảo sát trước 2022",
        file_name="khao-sat-truoc.xlsx",
        content=pre_survey_xlsx(engine, year=assessment.year),
        replace_unit_choices=True,
    )
    # The respondents are met in the units the period assesses (communes A and B).
    assert {unit.code for unit in survey_selectors.survey_units(survey)} == {"A", "B"}
    survey_transition(actor=appraiser, survey=survey, state="open")
    table = synthetic_export(survey_selectors.survey_form(survey), 240, seed=7, units=["A", "B"])
    buffer = io.BytesIO()
    pa_csv.write_csv(table, buffer)
    responses_import(
        actor=appraiser, survey=survey, file_name="phieu.csv", content=buffer.getvalue()
    )
    assert survey_estimate(assessment) is None
    survey_link(actor=appraiser, assessment=assessment, survey=survey)
    outcome = survey_estimate(assessment)
    assert outcome is not None
    assert outcome.responses == Response.objects.filter(survey=survey).count()
    assert 0 < outcome.valid <= outcome.responses
    estimate = outcome.estimate
    assert estimate is not None
    assert estimate.unit == "TINH"  # pooled under the province
    assert estimate.points_low <= estimate.points <= estimate.points_high
    survey_max = sum(node.max_points for node in engine.leaves() if node.source == "survey")
    assert 0 < estimate.points <= survey_max
    areas = {area.code: area for area in outcome.areas}
    assert set(areas) == {"1", "2", "3", "4", "5", "6", "7", "8"}
    eight = areas["8"]
    assert [node.code for node in eight.nodes] == ["8.1.1", "8.1.2", "8.2", "8.3.4"]
    assert eight.points == sum(node.points for node in eight.nodes)
    assert eight.low <= eight.points <= eight.high
    assert sum(area.points for area in areas.values()) == estimate.points
