"""The demo province's satisfaction survey (GENERATED data, labelled as such).

`load_demo_survey(log)` runs after the demo province is loaded: it creates the 2025
survey of the communes' group from the shipped example questionnaire (its unit list
replaced by the demo communes), sets sampling targets, imports a few hundred SYNTHETIC
responses in the shape of a KoboToolbox export (careless answers mixed in on purpose, so
that the integrity rules have something to find), adds paper forms typed by the demo
commune officer and a few invitations (some used, one expired), records one appraiser
decision, and feeds the scores into the 2025 assessments of the communes.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from pathlib import Path

import pyarrow.csv as pa_csv
from django.utils import timezone

from parindex.accounts.models import User
from parindex.periods.models import UnitGroup
from parindex.questionnaires import selectors
from parindex.questionnaires.services.collection import (
    invitations_create,
    response_enter,
    response_submit_token,
)
from parindex.questionnaires.services.feed import survey_apply
from parindex.questionnaires.services.imports import responses_import
from parindex.questionnaires.services.questionnaire import (
    survey_create,
    survey_transition,
    survey_update,
)
from parindex.questionnaires.services.review import response_decide, survey_check
from parindex.questionnaires.services.targets import TargetRow, targets_save
from parindex.surveys.generate_demo import synthetic_export

from .models import Invitation, Response, Survey

FORM_PATH = (
    Path(__file__).resolve().parent.parent / "data" / "surveys" / "example_satisfaction_form.xlsx"
)
SURVEY_NAME = "Khảo sát mức độ hài lòng của người dân, tổ chức năm 2025 (minh họa)"
RESPONSES_PER_UNIT = 12
SEED = 2025
# Targets per commune and respondent group (illustrative, not an official sampling plan).
TARGETS = {"nguoi_dan": 10, "doanh_nghiep": 4, "to_chuc": 2}
# Paper forms typed by the demo commune officer: (paper number, group, answers 1–5).
PAPER_FORMS = (
    ("001", "nguoi_dan", "45434544453434354445"),
    ("002", "nguoi_dan", "34445343444534443443"),
    ("003", "doanh_nghiep", "44354444534445343544"),
)


def _questions(form_answers: str) -> dict[str, str]:
    names = [f"tt_{n:02d}" for n in range(1, 13)] + [f"cq_{n:02d}" for n in range(1, 9)]
    return dict(zip(names, form_answers, strict=True))


def load_demo_survey(log: Callable[[str], None] = print) -> Survey:
    group = UnitGroup.objects.select_related("period", "framework").get(
        period__year=2025, code="cap-xa"
    )
    units = list(group.units.order_by("code"))
    appraiser = User.objects.get(username="thamdinh")
    officer = User.objects.get(username="xa.canbo")

    survey, warnings = survey_create(
        actor=appraiser,
        period=group.period,
        framework=group.framework,
        name=SURVEY_NAME,
        file_name=FORM_PATH.name,
        content=FORM_PATH.read_bytes(),
        replace_unit_choices=True,
    )
    for warning in warnings:
        log(f"  {warning}")
    survey_update(actor=appraiser, survey=survey, open_link_enabled=True, open_link_rate_limit=5)
    survey_transition(actor=appraiser, survey=survey, state="open")
    targets_save(
        actor=appraiser,
        survey=survey,
        rows=[
            TargetRow(unit, group_code, target)
            for unit in units
            for group_code, target in TARGETS.items()
        ],
    )

    # SYNTHETIC answers in the shape of a KoboToolbox export of the questionnaire.
    form = selectors.survey_form(survey)
    table = synthetic_export(
        form, RESPONSES_PER_UNIT * len(units), seed=SEED, units=[unit.code for unit in units]
    )
    buffer = io.BytesIO()
    pa_csv.write_csv(table, buffer)
    imported = responses_import(
        actor=appraiser,
        survey=survey,
        file_name="kobo-xuat-phieu-minh-hoa.csv",
        content=buffer.getvalue(),
    )

    own_unit = officer.unit
    assert own_unit is not None
    for number, group_code, levels in PAPER_FORMS:
        response_enter(
            actor=officer,
            survey=survey,
            data={
                "_unit": own_unit.code,
                "_paper": number,
                "nhom": group_code,
                **_questions(levels),
            },
            units=[own_unit],
        )

    created = invitations_create(
        actor=appraiser,
        survey=survey,
        unit=own_unit,
        respondent_group="nguoi_dan",
        count=6,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    for (_, token), levels in zip(
        created[:3],
        ("44434545443444354444", "35444434544345443454", "44544354444534444345"),
        strict=False,
    ):
        response_submit_token(
            token=token,
            data={**_questions(levels)},
            language="vi",
            started_at=timezone.now() - datetime.timedelta(minutes=6),
            source="",
        )
    # One invitation left to expire, to show how an expired link is refused.
    Invitation.objects.filter(pk=created[3][0].pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    survey_check(survey=survey, actor=appraiser)

    flagged = (
        Response.objects.filter(survey=survey, excluded=False)
        .exclude(flags=[])
        .order_by("pk")
        .first()
    )
    if flagged is not None:
        response_decide(
            actor=appraiser,
            response=flagged,
            action="exclude",
            reason="Đối chiếu thấy phiếu trả lời qua loa (quyết định minh họa).",
        )

    applied = survey_apply(survey=survey, actor=appraiser)
    valid = Response.objects.filter(survey=survey, excluded=False).count()
    log(
        f"Demo survey: {Response.objects.filter(survey=survey).count()} SYNTHETIC responses"
        f" ({imported.imported} imported, {len(PAPER_FORMS)} paper, 3 by invitation),"
        f" {valid} valid; scores applied to {len(applied.applied)} commune assessments."
    )
    log(f"  Try the public form: /s/{created[4][1]}/ (one-time link, demo)")
    if applied.locked:
        log(f"  Not applied (approved or published): {', '.join(applied.locked)}")
    return survey


__all__ = ["SURVEY_NAME", "TARGETS", "load_demo_survey"]
