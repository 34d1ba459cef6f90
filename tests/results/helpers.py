"""Builders and fixtures for the results tests: the web tests' small province, scored.

`scored` gives the 2025 commune group (unpublished) three units with entries:

| unit | 1.1 (2 pts, evidence) | 1.2 (4 pts, quick win) | 2.1 (4 pts, data) | total |
|------|-----------------------|------------------------|-------------------|-------|
| A    | claims yes (written explanation), appraised no → 0 | 8/10 → 3,5556 | 85 % → 2 | 5,5556 |
| B, C | yes, explanation accepted → 2 | 9/10 → 4 | 90 % → 2 | 8 |

and the 2024 published rows their areas (A's primary predecessor OA1: 5,15 and 4 points).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache

from parindex.assessments.models import Assessment, NodeEntry
from parindex.periods.models import PublishedResult
from parindex.results import selectors
from parindex.results.selectors import page_versions
from parindex.units.models import Unit

A_TOTAL = Decimal("5.5556")
B_TOTAL = Decimal("8")


@pytest.fixture(autouse=True)
def _fresh_caches(monkeypatch):
    """Live results, page versions and page bodies are cached per process by ids and counts,
    which test databases reuse (and these tests rewrite published rows in place, which the
    app never does); pages here must show a change at once, not up to 2 seconds later."""
    monkeypatch.setattr(page_versions, "VERSION_TTL_SECONDS", 0)
    selectors.clear_live_cache()
    cache.clear()
    yield
    selectors.clear_live_cache()
    cache.clear()


def add_entry(
    assessment: Assessment,
    code: str,
    *,
    own: dict[str, Any] | None = None,
    appraised: dict[str, Any] | None = None,
    **fields: Any,
) -> NodeEntry:
    return NodeEntry.objects.create(
        assessment=assessment,
        node_code=code,
        self_values=own,
        appraised_values=appraised,
        **fields,
    )


def fill_strong(assessment: Assessment) -> None:
    add_entry(
        assessment,
        "1.1",
        own={"value": True},
        appraised={"value": True},
        written_explanation="Kế hoạch số 12/KH-UBND",
        explanation_accepted=True,
    )
    ratio = {"numerator": 9, "denominator": 10}
    add_entry(assessment, "1.2", own=ratio, appraised=ratio)
    add_entry(assessment, "2.1", appraised={"numerator": 90, "denominator": 100})


@pytest.fixture
def scored(province):
    assessment_a = province["assessment_a"]
    add_entry(
        assessment_a,
        "1.1",
        own={"value": True},
        appraised={"value": False},
        written_explanation="Đã ban hành kế hoạch",
        reason_code="no_evidence",
        appraiser_comment="Không có văn bản kế hoạch kèm theo.",
    )
    ratio = {"numerator": 8, "denominator": 10}
    add_entry(assessment_a, "1.2", own=ratio, appraised=ratio)
    add_entry(assessment_a, "2.1", appraised={"numerator": 85, "denominator": 100})
    fill_strong(province["assessment_b"])
    unit_c = Unit.objects.create(
        code="C",
        name="Phường Cẩm Lộc",
        unit_type=province["unit_a"].unit_type,
        valid_from=datetime.date(2025, 7, 1),
    )
    group = province["group"]
    group.units.add(unit_c)
    assessment_c = Assessment.objects.create(period=province["period"], group=group, unit=unit_c)
    fill_strong(assessment_c)
    areas = {
        "OA1": [("1", "5.15", 1), ("2", "4", 1)],
        "B": [("1", "4.5", 2), ("2", "4", 1)],
        "OA2": [("1", "3.025", 3), ("2", "4", 1)],
    }
    for row in PublishedResult.objects.filter(period=province["period_2024"]).select_related(
        "unit"
    ):
        row.areas = [
            {
                "code": code,
                "points": points,
                "max_points": "6" if code == "1" else "4",
                "rank": rank,
            }
            for code, points, rank in areas[row.unit.code]
        ]
        row.save()
    return {**province, "unit_c": unit_c, "assessment_c": assessment_c}


__all__ = ["A_TOTAL", "B_TOTAL", "_fresh_caches", "add_entry", "fill_strong", "scored"]
