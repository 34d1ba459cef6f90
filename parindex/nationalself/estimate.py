"""An estimate of the survey-based points before the Ministry's survey, from the province's own
pre-survey (a survey of the survey module on the year's national framework).

The survey module scores per unit where respondents were met; the Ministry's survey scores
the province as one. So the valid responses (after the integrity rules and the appraisers'
decisions, exactly as the survey's results page counts them) are pooled under the province
and scored once by the survey module (`score_survey`): rates per respondent group weighted by
the form's group weights, each survey leaf's points through its rule, and intervals at the
survey's confidence level. An area's range adds its leaves' bounds (wider than the area's true
interval, never narrower); the total's interval is the simulated one. It is an estimate of
what the Ministry's survey may give, never a result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import gettext

from parindex.nationalself import selectors
from parindex.nationalself.models import NationalSelfAssessment
from parindex.questionnaires.models import Survey
from parindex.questionnaires.selectors import MIN_SAMPLE, survey_data, survey_statuses
from parindex.surveys.responses import UNIT, FormData
from parindex.surveys.scoring import NodeEstimate, ScoringOptions, UnitEstimate, score_survey

ZERO = Decimal(0)


@dataclass(frozen=True)
class AreaEstimate:
    code: str
    title: str
    max_points: Decimal  # the area's survey-based maximum
    points: Decimal | None
    low: Decimal | None
    high: Decimal | None
    nodes: tuple[NodeEstimate, ...]
    titles: tuple[str, ...] = ()  # the nodes' titles, in the same order

    @property
    def lines(self) -> tuple[tuple[str, NodeEstimate], ...]:
        return tuple(zip(self.titles, self.nodes, strict=True))


@dataclass
class SurveyEstimate:
    survey: Survey
    responses: int
    valid: int
    confidence: int  # percent
    estimate: UnitEstimate | None = None
    areas: list[AreaEstimate] = field(default_factory=list)
    message: str = ""
    warnings: tuple[str, ...] = ()


def _bound(values: list[Decimal | None]) -> Decimal | None:
    return (
        None
        if not values or any(value is None for value in values)
        else sum((value for value in values if value is not None), ZERO)
    )


def survey_estimate(assessment: NationalSelfAssessment) -> SurveyEstimate | None:
    """The pre-survey's estimate for the province, None when no survey is linked."""
    survey = assessment.survey
    if survey is None:
        return None
    outcome = SurveyEstimate(survey, 0, 0, survey.confidence_percent)
    data = survey_data(survey)
    outcome.responses = data.size
    if not data.form.nodes:
        outcome.message = gettext("Biểu mẫu không có câu hỏi nào gắn với tiêu chí (cột node).")
        return outcome
    if data.size == 0:
        outcome.message = gettext("Chưa có phiếu trả lời nào.")
        return outcome
    statuses = survey_statuses(survey, data)
    excluded = pa.array(sorted(statuses.excluded), type=pa.string())
    out = pc.is_in(data.data.response_ids, value_set=excluded).to_numpy(zero_copy_only=False)
    valid = ~np.asarray(out, dtype=bool)
    outcome.valid = int(valid.sum())
    if not valid.any():
        outcome.message = gettext("Mọi phiếu đều đang bị loại.")
        return outcome
    code = assessment.province.code
    table = data.table
    table = table.set_column(
        table.schema.get_field_index(UNIT), UNIT, pa.array([code] * table.num_rows, pa.string())
    )
    engine = selectors.assessment_engine(assessment)
    results = score_survey(
        [(FormData.from_table(data.form, table), valid)],
        engine,
        ScoringOptions(confidence=float(survey.confidence), min_sample=MIN_SAMPLE),
    )
    estimate = results.unit(code)
    outcome.estimate = estimate
    outcome.warnings = results.warnings
    for area in engine.areas:
        leaves = [
            node
            for node in engine.leaves()
            if node.source == "survey" and selectors.area_of(engine, node.code) == area.code
        ]
        if not leaves:
            continue
        scored = [node for node in leaves if node.code in estimate.nodes]
        nodes = tuple(estimate.nodes[node.code] for node in scored)
        outcome.areas.append(
            AreaEstimate(
                code=area.code,
                title=area.title,
                max_points=sum((node.max_points for node in leaves), ZERO),
                points=_bound([node.points for node in nodes]) if nodes else None,
                low=_bound([node.points_low for node in nodes]) if nodes else None,
                high=_bound([node.points_high for node in nodes]) if nodes else None,
                nodes=nodes,
                titles=tuple(node.title for node in scored),
            )
        )
    return outcome
