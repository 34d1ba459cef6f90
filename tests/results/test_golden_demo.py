"""Golden test on the demo province: its published 2024 ranking of the departments and the
Excel export of that year are compared with tests/results/golden/demo_2024_departments.json.

The demo is generated from a fixed seed, so the figures are stable; they change only when
the demo loader, the example frameworks or the engine change. Then look at the difference,
and if it is intended, regenerate the file and commit it with the change:

    PARINDEX_UPDATE_GOLDEN=1 .venv/bin/pytest tests/results/test_golden_demo.py

The checks that do not depend on the golden file (ranks follow totals, the workbook repeats
the ranking, lineage picks the primary predecessor) hold whatever the figures are.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from parindex import policy
from parindex.accounts.models import User
from parindex.assessments.models import Assessment, GroupApproval
from parindex.audit.models import AuditEvent
from parindex.demo.loader import load_demo
from parindex.periods.models import AssessmentPeriod, PublishedResult, UnitGroup
from parindex.results import exports, selectors
from parindex.units.models import Unit
from tests.golden import check_golden

# Marked so that pytest-django sets the test database up; the demo fixture fills it once.
pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden" / "demo_2024_departments.json"
WHEN = datetime.datetime(2025, 2, 1, 8, 0)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo province, loaded once for this module and rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(log=lambda _message: None)
        selectors.clear_live_cache()
        yield
        transaction.set_rollback(True)
    selectors.clear_live_cache()


def ranking_rows(standing: selectors.Standing) -> list[dict[str, Any]]:
    assert standing.ranking is not None
    rows = []
    for code in standing.ordered():
        result = standing.ranking.results[code]
        rows.append(
            {
                "code": code,
                "name": standing.units[code].name,
                "total": str(result.total),
                "index": str(result.index),
                "rank": standing.ranking.ranks[code],
                "class": standing.ranking.classes[code],
                "areas": {area: str(node.points) for area, node in sorted(result.nodes.items())},
            }
        )
    return rows


def workbook_rows(data: bytes, sheet: str) -> list[list[Any]]:
    """The header, maximum and unit rows (the footnote carries the export time)."""
    rows = load_workbook(io.BytesIO(data))[sheet].iter_rows(
        min_row=exports.HEADER_ROW, values_only=True
    )
    table = []
    for row in rows:
        if row[0] is None and row[2] is None:
            break
        table.append(list(row))
    return table


def test_the_published_2024_department_ranking_and_its_excel_export_match_the_golden_file(demo):
    period = AssessmentPeriod.objects.get(year=2024)
    standings = [selectors.group_standing(group) for group in selectors.period_groups(period)]
    departments = next(s for s in standings if s.group.code == "so-nganh")
    assert departments.published
    ranking = ranking_rows(departments)
    workbook = exports.period_workbook(period, standings, when=WHEN)
    assert load_workbook(io.BytesIO(workbook)).sheetnames == [
        "Sở, ban, ngành",
        "UBND cấp huyện",
        "UBND cấp xã",
    ]
    excel = workbook_rows(workbook, "Sở, ban, ngành")

    # Whatever the figures: ranks are competition ranks of the totals, best first, and the
    # workbook repeats the ranking row for row.
    totals = [row["total"] for row in ranking]
    assert [float(total) for total in totals] == sorted((float(t) for t in totals), reverse=True)
    for row in ranking:
        assert row["rank"] == 1 + sum(
            1 for other in ranking if float(other["total"]) > float(row["total"])
        )
    assert len(ranking) == 20
    assert [line[1:3] for line in excel[2:]] == [[row["code"], row["name"]] for row in ranking]
    assert [line[-3] for line in excel[2:]] == [row["rank"] for row in ranking]

    check_golden(GOLDEN, {"ranking": ranking, "excel": excel})


def test_demo_units_of_2025_are_compared_with_themselves_or_their_primary_predecessor(demo):
    appraiser = User.objects.get(username="thamdinh")
    period = AssessmentPeriod.objects.get(year=2025)
    commune = Unit.objects.get(code="X002")
    merged = selectors.previous_year(
        period, [commune], policy.may_view_previous_year(appraiser, period)
    )[commune.pk]
    assert merged.basis == selectors.PRIMARY
    primary = commune.predecessor_links.get(is_primary=True).predecessor
    assert merged.figure is not None
    assert merged.figure.unit == primary
    assert len(merged.predecessors) == commune.predecessor_links.count() > 1
    assert merged.rank_change(1, 60) is None  # 2024 ranked 150 former communes

    department = selectors.scorecard_for(
        UnitGroup.objects.get(period=period, code="so-nganh"),
        Unit.objects.get(code="S03"),
        policy.may_view_previous_year(appraiser, period),
    )
    assert department is not None
    assert department.previous is not None
    assert department.previous.basis == selectors.SAME
    # Both years have entries that agree with what was published: every node is compared.
    assert department.comparison_basis == "full"
    assert department.comparison is not None
    assert len(department.comparison.nodes) > len(department.comparison.areas) == 8
    assert department.ranks_comparable
    assert department.comparison.previous_rank == department.previous.figure.rank


def test_the_demo_year_2024_is_approved_and_published_through_the_services(demo):
    period = AssessmentPeriod.objects.get(year=2024)
    assert period.status == "published"
    assert period.decision_number == "123/QĐ-UBND (minh họa)"
    groups = list(period.groups.all())
    # The council's approval of each group and the administrator's publication are the
    # services' own records, not rows the demo wrote beside them.
    assert GroupApproval.objects.filter(group__in=groups).count() == len(groups)
    publish = AuditEvent.objects.get(action="publish", object_type="assessmentperiod")
    assert publish.actor_id == User.objects.get(username="admin").pk
    assert not Assessment.objects.filter(period=period).exclude(state="published").exists()
    ranked = PublishedResult.objects.filter(period=period)
    assert ranked.count() == sum(group.units.count() for group in groups)
    assert {row.published_at.date().isoformat() for row in ranked} == {"2025-01-20"}


def test_the_demo_year_2025_has_units_that_never_sent_and_is_published_with_the_demo_accounts(
    demo, settings
):
    """README.md, "Walking the 2025 year": every step through the pages, as the demo accounts
    (rolled back afterwards, so that the other tests see the demo as loaded)."""
    from django.test import Client

    settings.DEBUG = True  # the demo accounts log in in debug mode only

    period = AssessmentPeriod.objects.get(year=2025)
    assessments = Assessment.objects.filter(period=period)
    assert assessments.filter(submission="late", state="submitted").count() == 2
    assert assessments.filter(submission="not_submitted", state="in_appraisal").count() == 2
    never_opened = Unit.objects.filter(unit_groups__period=period).exclude(
        assessments__period=period
    )
    assert never_opened.count() == 1

    def as_user(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    def bulk(client: Client, state: str, action: str) -> None:
        page = client.get(
            reverse("assessments:queue"), {"period": period.pk, "group": "all", "state": state}
        )
        shown = [item.unit_id for item in page.context["items"]]
        assert shown, state
        done = client.post(
            reverse("assessments:bulk"),
            {"action": action, "period": period.pk, "scope": "shown", "shown": shown},
        )
        assert done.status_code == 200  # the confirmation
        done = client.post(
            reverse("assessments:bulk"),
            {
                "action": action,
                "period": period.pk,
                "scope": "shown",
                "shown": shown,
                "confirmed": "1",
            },
        )
        assert done.context["refused"] == [], done.context["refused"]

    with transaction.atomic():
        appraiser = as_user("thamdinh")
        bulk(appraiser, "overdue", "take_unsubmitted")
        for head in ("so.truong", "xa.truong"):
            mine = assessments.get(unit=User.objects.get(username=head).unit)
            as_user(head).post(reverse("assessments:submit", args=[mine.pk]))
            mine.refresh_from_db()
            assert (mine.state, mine.submission) == ("submitted", "late")
        bulk(appraiser, "submitted", "start_appraisal")
        bulk(appraiser, "in_appraisal", "finalise")
        council = as_user("hoidong")
        for group in period.groups.all():
            url = reverse("assessments:group_review", args=[group.pk])
            council.post(url, {"note": "Nhất trí", "confirmed": "1"})
        decision = {"decision_number": "99/QĐ-UBND", "decision_date": "31/12/2026"}
        as_user("admin").post(
            reverse("assessments:publish", args=[period.pk]), {**decision, "confirmed": "1"}
        )
        period.refresh_from_db()
        assert period.status == "published"
        assert set(assessments.values_list("state", flat=True)) == {"published"}
        assert assessments.filter(submission="not_submitted").count() == 32
        assert PublishedResult.objects.filter(period=period).count() == 80
        transaction.set_rollback(True)
