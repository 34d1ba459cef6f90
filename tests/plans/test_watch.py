"""Rank intervals on the ranking and the scorecard (computed in a job, once per results
version), the year-end projection of a group from hand-made monthly series with its backtest,
and the monthly command that refreshes early warnings and notifies the unit and its appraiser
once."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from parindex.assessments.models import NodeEntry, Notification
from parindex.jobs.models import Job
from parindex.planning import MonthFigure
from parindex.plans.models import EarlyWarning, PlanSettings, RankUncertainty, WarningKind
from parindex.plans.selectors import projection as projection_selectors
from parindex.plans.selectors import uncertainty as uncertainty_selectors
from parindex.plans.selectors.projection import backtest, compute_projection
from parindex.plans.services.monitoring import UNCERTAINTY_JOB, warning_task
from parindex.tasks.models import TaskSource

JUNE = datetime.date(2025, 6, 30)


def _uncertain(scored):
    """B and C's data-scored 2.1 on 10 dossiers each (9 on time): a wide binomial error; the
    province draws data-scored rates for this framework."""
    NodeEntry.objects.filter(assessment__unit__code__in=["B", "C"], node_code="2.1").update(
        appraised_values={"numerator": 9, "denominator": 10}
    )
    PlanSettings.objects.create(framework=scored["group"].framework, data_uncertainty=True)
    uncertainty_selectors.forget_keys()


def test_the_rank_interval_appears_on_the_ranking(scored, login):
    _uncertain(scored)
    client = login("appraiser")
    page = client.get(reverse("results:group", args=[scored["group"].pk])).content.decode()
    # B and C tie at 8; either may reach 95 % (10 points) in a draw: ranks 1–2, not told apart.
    assert "(1–2) ≈" in page
    assert reverse("plans:uncertainty", args=[scored["group"].pk]) in page
    run = RankUncertainty.objects.get(group=scored["group"])
    assert run.units["B"]["low"] == 1
    assert run.units["B"]["high"] == 2
    assert not run.units["B"]["distinguishable"]
    assert run.units["A"]["low"] == run.units["A"]["high"] == 3
    assert run.sources == {"survey": 0, "data": 3}
    # The same version is computed once: a second page view queues nothing.
    client.get(reverse("results:group", args=[scored["group"].pk]))
    assert Job.objects.filter(kind=UNCERTAINTY_JOB).count() == 1
    card = client.get(reverse("results:scorecard", args=[scored["group"].pk, scored["unit_b"].pk]))
    assert "khoảng hạng 90%: 1–2" in card.content.decode()
    detail = client.get(reverse("plans:uncertainty", args=[scored["group"].pk]))
    assert detail.status_code == 200
    assert "1–2" in detail.content.decode()


def test_without_estimates_the_ranking_shows_ranks_alone(scored, login):
    page = login("appraiser").get(reverse("results:group", args=[scored["group"].pk]))
    assert "≈" not in page.content.decode()
    assert RankUncertainty.objects.get(group=scored["group"]).note == "no_estimates"


def _series(months_by_unit):
    def series(units, rates, year, as_of):
        found = {}
        for unit in units:
            months = [
                MonthFigure(month, n, d)
                for month, (n, d) in enumerate(months_by_unit.get(unit, []), start=1)
                if month <= as_of.month
            ]
            found[unit] = dict.fromkeys(rates, months)
        return found

    return series


def test_a_group_is_projected_from_hand_made_monthly_series(scored, monkeypatch):
    # On-time rates (2.1, bands ≥ 80 % → 2, ≥ 95 % → 4): A slips in the second half of the
    # year, B holds 96 %, C climbs.
    monthly = {
        "A": [(90, 100)] * 6 + [(70, 100)] * 6,
        "B": [(96, 100)] * 12,
        "C": [(85, 100)] * 6 + [(100, 100)] * 6,
    }
    monkeypatch.setattr(projection_selectors, "monthly_series", _series(monthly))
    june = compute_projection(scored["group"], JUNE, draws=2000)
    year = compute_projection(scored["group"], datetime.date(2025, 12, 31), draws=2000)
    a, b, c = (june["units"][code] for code in "ABC")
    assert a["nodes"]["2.1"]["rate"] == "90.0000"  # year to date, Jan–Jun
    assert c["nodes"]["2.1"]["rate"] == "85.0000"
    assert year["units"]["A"]["nodes"]["2.1"]["rate"] == "80.0000"  # the whole year
    assert year["units"]["C"]["nodes"]["2.1"]["rate"] == "92.5000"
    # Points by the engine: B at 96 % keeps 4 on 2.1; A and C at 2.
    assert Decimal(b["total"]) == Decimal(10)
    assert Decimal(a["total"]) == Decimal("5.5556")
    assert float(b["total_low"]) <= 10 <= float(b["total_high"])
    assert a["previous_class"] == "Tốt"  # through lineage: its primary predecessor OA1
    checked = backtest(june, year)
    assert checked["units"] == 3
    assert checked["class_right"] == 1.0
    assert checked["mae_points"] == 0.0  # 90 % and 80 % are both 2 points; 85 and 92,5 too


def test_the_monthly_command_notifies_once(scored, monkeypatch):
    monkeypatch.setattr(projection_selectors, "monthly_series", _series({"B": [(96, 100)] * 12}))
    out = StringIO()
    call_command("plans_monthly", "--period", "2025", "--as-of", "2025-06-30", stdout=out)
    warning = EarlyWarning.objects.get(unit=scored["unit_a"])
    assert warning.kind == WarningKind.CLASS_DROP
    assert (warning.previous_class, warning.projected_class) == ("Tốt", "Yếu")
    assert warning.notified_at is not None
    told = Notification.objects.filter(message_id__startswith="Cảnh báo sớm")
    readers = set(told.values_list("user__username", flat=True))
    # The unit's own staff and the appraisers (none has taken the unit in yet).
    assert readers == {"officer_a", "head_a", "appraiser"}
    assert "1 cảnh báo sớm" in out.getvalue()
    call_command("plans_monthly", "--period", "2025", "--as-of", "2025-06-30", stdout=StringIO())
    assert told.count() == 3  # nothing twice
    json_out = StringIO()
    call_command(
        "plans_monthly",
        "--period",
        "2025",
        "--as-of",
        "2025-07-31",
        "--format",
        "json",
        stdout=json_out,
    )
    payload = json.loads(json_out.getvalue())
    assert payload["groups"][0]["warnings"][0]["unit"] == "A"
    assert told.count() == 3  # still the same warning a month later: not notified again

    task = warning_task(
        actor=scored["users"]["appraiser"],
        warning=EarlyWarning.objects.filter(unit=scored["unit_a"]).latest("run__as_of"),
        deadline=datetime.date(2026, 3, 31),
    )
    assert task.source_kind == TaskSource.WARNING
    assert task.unit == scored["unit_a"]
