"""List pages run a bounded number of queries, whatever the number of rows (no N+1).

Each test counts the queries of a page on the small province of tests/web/conftest.py,
adds many rows of what the page lists, counts again, and requires the same count (and
stays under a fixed ceiling). A page that reads a related row per listed row fails the
comparison even if it stays under the ceiling.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parindex.accounts.models import Role, User
from parindex.audit.services import audit_record
from parindex.criteria.models import Framework
from parindex.criteria.services import framework_store
from parindex.engine import FrameworkSpec, NodeSpec, build_framework
from parindex.periods.models import AssessmentPeriod, DeadlineExtension, PublishedResult, UnitGroup
from parindex.units.models import LineageKind, Unit, UnitLineage, UnitType

from .conftest import TZ, small_framework

# A page may use this many queries at most (session, user, the user's unit, the page's own).
CEILING = 15


def page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries.captured_queries)


def assert_bounded(
    client, url: Callable[[], str], grow: Callable[[], None], django_assert_max_num_queries
) -> None:
    """The page's query count is the same before and after `grow`, and under the ceiling."""
    small = page_queries(client, url())
    grow()
    large = page_queries(client, url())
    assert large == small, f"{url()}: {small} queries before adding rows, {large} after"
    with django_assert_max_num_queries(CEILING):
        client.get(url())


def wide_framework(code: str, areas: int, leaves_per_area: int) -> Any:
    """A valid framework of `areas` areas with `leaves_per_area` yes/no criteria each."""
    nodes: list[NodeSpec] = []
    for area in range(1, areas + 1):
        nodes.append(NodeSpec(str(area), f"Lĩnh vực {area}", leaves_per_area))
        nodes.extend(
            NodeSpec(
                f"{area}.{leaf}",
                f"Tiêu chí {area}.{leaf}",
                1,
                parent=str(area),
                rule="boolean",
                evidence="required" if leaf % 2 else "optional",
                tags=["quick_win"] if leaf % 3 == 0 else [],
                previous_codes=[f"{area}.{leaf}"],
            )
            for leaf in range(1, leaves_per_area + 1)
        )
    info = {
        "code": code,
        "name": f"Bộ tiêu chí {code}",
        "year": 2025,
        "unit_group": "communes",
        "max_total": areas * leaves_per_area,
        "classes": [{"label": "Tốt", "min_percent": 90}, {"label": "Yếu", "min_percent": 0}],
    }
    return build_framework(FrameworkSpec(info=info, nodes=nodes))


def add_units(province: dict[str, Any], count: int, prefix: str = "N") -> list[Unit]:
    kinds = [
        UnitType.objects.create(
            code=f"{prefix.lower()}-loai-{number}", name=f"Loại {number}", level="commune"
        )
        for number in range(3)
    ]
    parents = [province["unit_a"], province["unit_b"], None]
    return Unit.objects.bulk_create(
        Unit(
            code=f"{prefix}{number:03d}",
            name=f"Xã thử {prefix}{number:03d}",
            unit_type=kinds[number % 3],
            parent=parents[number % 3],
            valid_to=datetime.date(2025, 6, 30) if number % 4 == 0 else None,
        )
        for number in range(count)
    )


def test_the_units_list_does_not_grow_with_the_number_of_units(
    login, province, django_assert_max_num_queries
):
    client = login("appraiser")

    assert_bounded(
        client,
        lambda: reverse("units:list"),
        lambda: add_units(province, 100),
        django_assert_max_num_queries,
    )
    assert Unit.objects.count() > 100


def test_the_frameworks_list_does_not_grow_with_the_number_of_frameworks(
    login, province, django_assert_max_num_queries
):
    client = login("appraiser")
    admin = province["users"]["admin"]

    def grow() -> None:
        previous = province["framework"]
        for year in range(2030, 2042):
            previous = framework_store(
                actor=admin, engine=small_framework(f"xa-{year}", year), previous=previous
            )

    assert_bounded(client, lambda: reverse("frameworks:list"), grow, django_assert_max_num_queries)


def test_the_periods_list_does_not_grow_with_periods_and_their_groups(
    login, province, django_assert_max_num_queries
):
    client = login("leader")
    frameworks = [province["framework"], province["previous_framework"]]

    def grow() -> None:
        for year in range(2010, 2022):
            period = AssessmentPeriod.objects.create(
                year=year,
                name=f"Kỳ {year}",
                self_assessment_opens=datetime.datetime(year, 11, 1, 8, tzinfo=TZ),
                self_assessment_closes=datetime.datetime(year, 12, 10, 17, tzinfo=TZ),
                explanation_closes=datetime.datetime(year, 12, 20, 17, tzinfo=TZ),
                appraisal_closes=datetime.datetime(year + 1, 1, 10, 17, tzinfo=TZ),
                publication_date=datetime.date(year + 1, 1, 20),
            )
            for position, framework in enumerate(frameworks):
                UnitGroup.objects.create(
                    period=period,
                    code=f"g{position}",
                    name=f"Nhóm {position}",
                    framework=framework,
                    position=position,
                )

    assert_bounded(client, lambda: reverse("periods:list"), grow, django_assert_max_num_queries)
    assert_bounded(client, lambda: reverse("home"), lambda: None, django_assert_max_num_queries)


@pytest.mark.parametrize("persona", ["appraiser", "officer_b"])
def test_the_period_page_does_not_grow_with_groups_members_and_extensions(
    login, province, persona, django_assert_max_num_queries
):
    client = login(persona)
    period = province["period"]

    def grow() -> None:
        units = add_units(province, 60)
        for number in range(6):
            group = UnitGroup.objects.create(
                period=period,
                code=f"nhom-{number}",
                name=f"Nhóm {number}",
                framework=[province["framework"], province["draft"]][number % 2],
                position=number + 1,
            )
            group.units.set(units[number * 10 : number * 10 + 10])
        DeadlineExtension.objects.bulk_create(
            DeadlineExtension(
                period=period,
                unit=unit if number % 2 else province["unit_b"],
                closes_at=datetime.datetime(2025, 12, 20 + number % 5, 17, tzinfo=TZ),
                reason=f"Lý do {number}",
                granted_by=province["users"][["appraiser", "admin"][number % 2]],
            )
            for number, unit in enumerate(units[:20])
        )

    assert_bounded(
        client,
        lambda: reverse("periods:detail", args=[period.pk]),
        grow,
        django_assert_max_num_queries,
    )


def test_the_framework_page_does_not_grow_with_the_number_of_nodes(
    login, province, django_assert_max_num_queries
):
    client = login("appraiser")
    admin = province["users"]["admin"]
    narrow = framework_store(actor=admin, engine=wide_framework("hep", 2, 2), previous=None)
    wide = framework_store(
        actor=admin, engine=wide_framework("rong", 10, 14), previous=province["framework"]
    )
    narrow.previous = province["framework"]
    narrow.save()
    assert wide.nodes.count() == 150

    for status in ("draft", "published"):
        Framework.objects.filter(pk__in=[narrow.pk, wide.pk]).update(status=status)
        small = page_queries(client, reverse("frameworks:detail", args=[narrow.pk]))
        large = page_queries(client, reverse("frameworks:detail", args=[wide.pk]))
        assert large == small, f"{status}: {small} queries for 6 nodes, {large} for 150"
    with django_assert_max_num_queries(CEILING):
        client.get(reverse("frameworks:detail", args=[wide.pk]))


def test_the_users_list_does_not_grow_with_the_number_of_users(
    login, province, django_assert_max_num_queries
):
    client = login("admin")

    def grow() -> None:
        units = add_units(province, 40)
        User.objects.bulk_create(
            User(
                username=f"canbo{number}",
                full_name=f"Cán bộ {number}",
                role=Role.OFFICER if number % 2 else Role.HEAD,
                unit=units[number],
                is_demo=number % 5 == 0,
                is_active=number % 7 != 0,
            )
            for number in range(40)
        )

    assert_bounded(client, lambda: reverse("accounts:list"), grow, django_assert_max_num_queries)


def test_the_audit_list_does_not_grow_with_the_number_of_events(
    login, province, django_assert_max_num_queries
):
    client = login("admin")

    def grow() -> None:
        units = add_units(province, 60)
        for number, unit in enumerate(units):
            audit_record(
                actor=province["users"][["admin", "appraiser"][number % 2]],
                action="update",
                instance=unit,
                changes={"name": ["cũ", unit.name]},
                reason="thử" if number % 3 else "",
            )

    assert_bounded(client, lambda: reverse("audit:list"), grow, django_assert_max_num_queries)
    assert_bounded(
        client,
        lambda: reverse("audit:list") + "?type=unit&page=2",
        lambda: None,
        django_assert_max_num_queries,
    )


@pytest.mark.parametrize("persona", ["officer_a", "leader"])
def test_the_unit_page_does_not_grow_with_its_history(
    login, province, persona, django_assert_max_num_queries
):
    client = login(persona)
    unit_a = province["unit_a"]

    def grow() -> None:
        """Ten more former communes merged into A, each with results in five earlier years,
        and former communes of those former communes (a second generation)."""
        formers = add_units(province, 10, prefix="OLD")
        grand = add_units(province, 10, prefix="OLDER")
        for former, older in zip(formers, grand, strict=True):
            UnitLineage.objects.create(
                predecessor=former,
                successor=unit_a,
                kind=LineageKind.MERGED_INTO,
                effective_date=datetime.date(2025, 7, 1),
            )
            UnitLineage.objects.create(
                predecessor=older,
                successor=former,
                kind=LineageKind.SPLIT_INTO,
                effective_date=datetime.date(2019, 1, 1),
            )
        Unit.objects.filter(pk__in=[unit.pk for unit in grand[:5]]).update(parent=unit_a)
        for year in range(2019, 2024):
            period = AssessmentPeriod.objects.create(
                year=year,
                name=f"Kỳ {year}",
                status="published",
                self_assessment_opens=datetime.datetime(year, 11, 1, 8, tzinfo=TZ),
                self_assessment_closes=datetime.datetime(year, 12, 10, 17, tzinfo=TZ),
                explanation_closes=datetime.datetime(year, 12, 20, 17, tzinfo=TZ),
                appraisal_closes=datetime.datetime(year + 1, 1, 10, 17, tzinfo=TZ),
                publication_date=datetime.date(year + 1, 1, 20),
            )
            group = UnitGroup.objects.create(
                period=period, code="xa", name="Cấp xã", framework=province["previous_framework"]
            )
            PublishedResult.objects.bulk_create(
                PublishedResult(
                    period=period,
                    group=group,
                    unit=unit,
                    total=Decimal("8.5"),
                    max_total=10,
                    index=Decimal("85"),
                    rank=rank,
                    ranked_units=20,
                    class_label="Khá",
                    published_at=datetime.datetime(year + 1, 1, 20, 9, tzinfo=TZ),
                )
                for rank, unit in enumerate([*formers, *grand], start=1)
            )

    # Lineage is read one generation per query (at most five); start with two generations
    # so that the comparison is about rows, not about depth.
    older = add_units(province, 1, prefix="GEN")[0]
    UnitLineage.objects.create(
        predecessor=older,
        successor=province["old_a1"],
        kind=LineageKind.RENAMED,
        effective_date=datetime.date(2019, 1, 1),
    )
    url = reverse("units:detail", args=[unit_a.pk])
    assert_bounded(client, lambda: url, grow, django_assert_max_num_queries)
    assert len(client.get(url).context["history"]) == 2 + 5 * 20
    if persona == "officer_a":
        assert_bounded(client, lambda: reverse("home"), lambda: None, django_assert_max_num_queries)


# --- the self-assessment and appraisal pages, their areas and a save ---------------------------

# A sheet page rendered afresh: session, user, assessment (with the unit's deadline), the
# criteria's tasks (the unit's lineage in the same query; their relations in a second one
# when there are tasks), the sheet's version, then its entries' values, the open area's
# entries and their evidence, the questions, the unit's documents, the open explanation
# round, the unread count and the menu's unit.
SHEET_CEILING = 16
# The same page from the cache: the sheet's version instead of the sheet.
SHEET_CACHED_CEILING = 11
# A save: session, user, assessment (with the deadline), the entry, the update and its audit
# event (the chain's head locked, the event and the head moved on: one statement on
# PostgreSQL), the commit; then the answer: the values of every entry, the row's evidence (its
# entry and the assessment are the ones the save just used), questions, tasks, documents.
SAVE_CEILING = 16


def _sheet_province(province: dict[str, Any], areas: int, leaves: int, units: int) -> None:
    """Unit A's 2025 assessment on a published framework of `areas` × `leaves` yes/no
    criteria, every one answered with evidence (one document cited by all), an explanation
    round asking about every criterion and a task on each, and `units` more units in the
    group with their own assessments."""
    from parindex.assessments.models import (
        Assessment,
        EvidenceDocument,
        EvidenceLink,
        ExplanationItem,
        ExplanationRequest,
        NodeEntry,
    )
    from parindex.criteria.services import framework_publish
    from parindex.tasks.models import Task

    admin = province["users"]["admin"]
    framework = framework_store(
        actor=admin, engine=wide_framework(f"tv-{areas}-{leaves}", areas, leaves), previous=None
    )
    framework_publish(actor=admin, framework=framework)
    group, assessment = province["group"], province["assessment_a"]
    group.framework = framework
    group.save()
    assessment.entries.all().delete()
    codes = [f"{area}.{leaf}" for area in range(1, areas + 1) for leaf in range(1, leaves + 1)]
    entries = NodeEntry.objects.bulk_create(
        NodeEntry(assessment=assessment, node_code=code, self_values={"value": "yes"})
        for code in codes
    )
    document = EvidenceDocument(
        unit=province["unit_a"],
        period=province["period"],
        original_name=f"ke-hoach-{areas}.pdf",
        sha256=f"{areas}-{leaves}".ljust(64, "0"),
        size=9,
        content_type="application/pdf",
    )
    document.file.save(f"tv-{areas}-{leaves}.pdf", ContentFile(b"%PDF-test"), save=False)
    document.save()
    EvidenceLink.objects.bulk_create(
        EvidenceLink(entry=entry, document=document) for entry in entries
    )
    round_ = ExplanationRequest.objects.create(
        assessment=assessment,
        deadline=datetime.datetime(2099, 12, 20, 17, tzinfo=TZ),
        created_by=province["users"]["appraiser"],
    )
    ExplanationItem.objects.bulk_create(
        ExplanationItem(request=round_, node_code=code, question=f"Câu hỏi {code}?")
        for code in codes
    )
    Task.objects.bulk_create(
        Task(
            title=f"Khắc phục {code}",
            unit=province["unit_a"],
            node_codes=[code],
            framework=framework,
            period=province["period"],
            deadline=datetime.date(2099, 12, 31),
        )
        for code in codes
    )
    extra = add_units(province, units, prefix=f"S{areas}")
    group.units.add(*extra)
    Assessment.objects.bulk_create(
        Assessment(period=province["period"], group=group, unit=unit) for unit in extra
    )


def _sheet_counts(client_for, province: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Queries of each sheet page and area, rendered afresh and then from the cache."""
    from django.core.cache import cache

    assessment = province["assessment_a"]
    pages = {
        "self": ("officer_a", reverse("assessments:self", args=[assessment.pk]), {}),
        "self area": (
            "officer_a",
            reverse("assessments:self_area", args=[assessment.pk, "2"]),
            {"HTTP_HX_REQUEST": "true"},
        ),
        "appraisal": ("appraiser", reverse("assessments:appraise", args=[assessment.pk]), {}),
        "appraisal area": (
            "appraiser",
            reverse("assessments:appraise_area", args=[assessment.pk, "2"]),
            {"HTTP_HX_REQUEST": "true"},
        ),
    }
    counts = {}
    for name, (persona, url, headers) in pages.items():
        client = client_for(persona)
        client.get(url, **headers)  # the framework read into the process once
        cache.clear()
        found = []
        for _attempt in range(2):  # rendered afresh, then from the cache
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, **headers).status_code == 200, url
            found.append(len(queries.captured_queries))
        counts[name] = (found[0], found[1])
    return counts


def _save_queries(client, province: dict[str, Any], code: str) -> int:
    from parindex.assessments.models import NodeEntry

    assessment = province["assessment_a"]
    version = NodeEntry.objects.get(assessment=assessment, node_code=code).version
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("assessments:entry_save", args=[assessment.pk, code]),
            {"v_value": "no", "version": str(version)},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_sheet_pages_and_their_areas_do_not_grow_with_nodes_entries_or_units(login, province):
    from tests.assessments.helpers import open_deadlines

    open_deadlines(province)
    _sheet_province(province, areas=3, leaves=6, units=2)
    small = _sheet_counts(login, province)
    small_save = _save_queries(login("officer_a"), province, "2.3")
    _sheet_province(province, areas=10, leaves=14, units=60)
    large = _sheet_counts(login, province)
    large_save = _save_queries(login("officer_a"), province, "7.9")

    assert large == small, f"18 leaves: {small}; 140 leaves and 60 more units: {large}"
    assert large_save == small_save
    for name, (fresh, cached) in large.items():
        assert fresh <= SHEET_CEILING, f"{name}: {fresh} queries rendered afresh"
        assert cached <= SHEET_CACHED_CEILING, f"{name}: {cached} queries from the cache"
    assert large_save <= SAVE_CEILING
