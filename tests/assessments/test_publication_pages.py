"""The publication pages read their counts in aggregate queries: the list runs as many queries
for twelve more periods as for two, and a period is ready to publish exactly when the
council approved every member unit of every group."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parindex.assessments import workflow
from parindex.assessments.models import Assessment
from parindex.assessments.publication_selectors import publication_periods, publication_ready
from parindex.periods.models import AssessmentPeriod, UnitGroup
from tests.web.conftest import TZ


def page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries.captured_queries)


def add_period(province: dict[str, Any], year: int, states: tuple[str, ...]) -> AssessmentPeriod:
    """A period with one group of both communes, each with an assessment in `states`."""
    period = AssessmentPeriod.objects.create(
        year=year,
        name=f"Kỳ {year}",
        self_assessment_opens=datetime.datetime(year, 11, 1, 8, tzinfo=TZ),
        self_assessment_closes=datetime.datetime(year, 12, 10, 17, tzinfo=TZ),
        explanation_closes=datetime.datetime(year, 12, 20, 17, tzinfo=TZ),
        appraisal_closes=datetime.datetime(year + 1, 1, 10, 17, tzinfo=TZ),
        publication_date=datetime.date(year + 1, 1, 20),
    )
    group = UnitGroup.objects.create(
        period=period, code="xa", name="Cấp xã", framework=province["framework"]
    )
    units = [province["unit_a"], province["unit_b"]]
    group.units.set(units)
    for unit, state in zip(units, states, strict=False):
        Assessment.objects.create(period=period, group=group, unit=unit, state=state)
    return period


def test_the_publication_list_does_not_grow_with_the_number_of_periods(login, province):
    client = login("admin")
    url = reverse("assessments:publication")
    small = page_queries(client, url)
    approved, draft = workflow.State.APPROVED.value, workflow.State.DRAFT.value
    for year in range(2010, 2022):
        add_period(province, year, (approved, draft) if year % 2 else (approved, approved))
    large = page_queries(client, url)
    assert large == small, f"{small} queries for 2 periods, {large} for 14"

    counts = {row.period.year: (row.total, row.approved) for row in publication_periods()}
    assert counts[2011] == (2, 1)
    assert counts[2012] == (2, 2)
    assert counts[2025] == (2, 0)
    assert counts[2024] == (0, 0)
    assert list(counts) == sorted(counts, reverse=True)


def test_a_period_is_ready_when_every_member_of_every_group_is_approved(province):
    approved, appraised = workflow.State.APPROVED.value, workflow.State.APPRAISED.value
    assert publication_ready(add_period(province, 2020, (approved, approved)))
    assert not publication_ready(add_period(province, 2019, (approved, appraised)))
    # A member without an assessment holds its group back.
    assert not publication_ready(add_period(province, 2018, (approved,)))
    # A group without members does not count; a period without groups is not ready.
    period = add_period(province, 2017, (approved, approved))
    UnitGroup.objects.create(
        period=period, code="rong", name="Trống", framework=province["framework"]
    )
    assert publication_ready(period)
    Assessment.objects.filter(period=period).delete()
    UnitGroup.objects.filter(period=period).delete()
    assert not publication_ready(period)
