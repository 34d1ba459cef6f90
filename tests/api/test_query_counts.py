"""The API's lists and the tokens page run a bounded number of queries, whatever the number of
rows (no N+1), as tests/web/test_query_counts.py requires of the pages."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parindex.api import auth
from parindex.apitokens.services import token_create
from parindex.assessments.models import Assessment
from parindex.periods.models import AssessmentPeriod, UnitGroup
from parindex.units.models import Unit, UnitLineage
from tests.web.conftest import TZ


def count(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code == 200, response.content
    return len(queries.captured_queries)


def _grow(province) -> None:
    kind = province["unit_a"].unit_type
    units = [
        Unit.objects.create(code=f"N{number}", name=f"Xã Mới {number}", unit_type=kind)
        for number in range(12)
    ]
    for unit in units:
        UnitLineage.objects.create(
            predecessor=province["old_a2"],
            successor=unit,
            kind="split_into",
            effective_date=datetime.date(2025, 7, 1),
        )
    province["group"].units.add(*units)
    Assessment.objects.bulk_create(
        [
            Assessment(period=province["period"], group=province["group"], unit=unit)
            for unit in units
        ]
    )
    for year in (2026, 2027, 2028):
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
        group.units.set(units)


@pytest.mark.parametrize(
    "path", ["/units", "/assessments", "/periods", "/frameworks", "/results/published"]
)
def test_api_lists_are_bounded(api_as, province, path, monkeypatch):
    # The rate window costs two queries more on the first request of a minute: not counted here.
    monkeypatch.setattr(auth, "rate_hit", lambda token: (1, 60))
    api = api_as("admin")
    small = count(lambda: api.get(path))
    _grow(province)
    large = count(lambda: api.get(path))
    assert large == small, f"{path}: {small} queries before adding rows, {large} after"
    assert large <= 12


def test_the_tokens_page_is_bounded(login, province):
    client = login("admin")
    small = count(lambda: client.get("/account/tokens/"))
    for name, user in province["users"].items():
        for number in range(3):
            token_create(actor=user, user=user, name=f"{name} {number}")
    large = count(lambda: client.get("/account/tokens/"))
    assert large == small
