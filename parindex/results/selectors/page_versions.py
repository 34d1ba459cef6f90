"""Page versions: a digest of everything a results page of a group shows, so that a cached
page is served until something on it changes, recomputed at most every few seconds.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.db.models import Count, Max
from django.utils import translation

from parindex.periods.models import AssessmentPeriod, PeriodStatus, PublishedResult, UnitGroup
from parindex.results.selectors.standings import (
    _LIVE_CACHE,
    _live_lock,
    entries_fingerprint,
    period_groups,
)
from parindex.units.models import UnitLineage


def standing_version(group: UnitGroup, *, entries: bool = False) -> tuple[Any, ...]:
    """What a group's standing depends on: its published rows (frozen; a correction adds a
    row) or, before publication, its entries. With `entries`, a published group's entries too
    (its scorecards show criteria, self vs appraised and headroom from them)."""
    if group.period.status == PeriodStatus.PUBLISHED:
        rows = PublishedResult.objects.filter(group=group).aggregate(
            count=Count("id"), last=Max("id")
        )
        version: tuple[Any, ...] = ("published", group.pk, rows["count"], rows["last"])
        return version + entries_fingerprint(group) if entries else version
    return ("live", group.pk, *entries_fingerprint(group))


# A page version is recomputed at most this often per process: its aggregate queries over a
# group's entries cost more than the rest of a cached page, and a ranking two seconds behind
# an appraiser's last change is still current.
VERSION_TTL_SECONDS = 2.0
_versions: dict[tuple[Any, ...], tuple[float, str | None]] = {}  # key → (computed at, version)


def page_version(group: UnitGroup, show_previous: bool, *, entries: bool = False) -> str | None:
    """A digest that changes whenever anything a results page of `group` shows changes: the
    group's results, last year's results and whether the reader may see them
    (`show_previous`, the policy's decision), lineage links, unit names, the language. None
    when the page must not be cached (a draft framework can still change). At most
    `VERSION_TTL_SECONDS` old."""
    key = (group.pk, group.period.status, entries, show_previous, translation.get_language())
    now = time.monotonic()
    memo = _versions.get(key)
    if memo is not None and now - memo[0] < VERSION_TTL_SECONDS:
        return memo[1]
    # Read only when the version is computed: a cached page asks for nothing else here.
    previous = AssessmentPeriod.objects.filter(year=group.period.year - 1).first()
    visible = previous is not None and show_previous
    version = _page_version(group, previous, visible, entries=entries)
    if len(_versions) > 1024:
        _versions.clear()
    _versions[key] = (now, version)
    return version


def _page_version(
    group: UnitGroup, previous: AssessmentPeriod | None, visible: bool, *, entries: bool
) -> str | None:
    if group.framework.status != "published":
        return None
    parts: list[Any] = [
        translation.get_language(),
        group.period.status,
        standing_version(group, entries=entries),
        list(group.units.values_list("pk", "name")),
    ]
    if previous is not None:
        parts += [previous.pk, previous.status, visible]
        if visible:
            parts += [standing_version(other, entries=entries) for other in period_groups(previous)]
            parts.append(
                list(
                    UnitLineage.objects.filter(successor__unit_groups=group)
                    .order_by("pk")
                    .values_list("pk", "predecessor_id", "is_primary", "predecessor__name")
                )
            )
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def clear_live_cache() -> None:
    """Forget every cached live result and page version (tests use it between databases)."""
    with _live_lock:
        _LIVE_CACHE.clear()
        _versions.clear()
