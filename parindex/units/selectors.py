"""Reads about units: lists, lineage, and the units a user may see."""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from parindex.units.models import Unit, UnitLineage


def unit_list(
    *, search: str = "", unit_type: str = "", on_date: datetime.date | None = None
) -> QuerySet[Unit]:
    """Units matching the filters; `policy.visible_units` scopes them to a user."""
    units = Unit.objects.select_related("unit_type", "parent")
    if search:
        units = units.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if unit_type:
        units = units.filter(unit_type__code=unit_type)
    if on_date is not None:
        units = units.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on_date),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on_date),
        )
    return units


def unit_predecessors(unit: Unit) -> QuerySet[UnitLineage]:
    return UnitLineage.objects.filter(successor=unit).select_related("predecessor__unit_type")


def unit_successors(unit: Unit) -> QuerySet[UnitLineage]:
    return UnitLineage.objects.filter(predecessor=unit).select_related("successor__unit_type")


def lineage_unit_ids(unit_id: int, *, max_depth: int = 5) -> RawSQL:
    """The unit and every predecessor, transitively (the units of `unit_ancestry`), as a
    subquery to filter on (`unit_id__in=`): the lineage is walked by the database in the
    query that uses it, not one query per generation before it."""
    quote = connection.ops.quote_name
    table, units = quote(UnitLineage._meta.db_table), quote(Unit._meta.db_table)
    return RawSQL(
        "WITH RECURSIVE lineage(unit_id, depth) AS ("
        f"SELECT u.id, 0 FROM {units} u WHERE u.id = %s UNION "
        f"SELECT l.predecessor_id, lineage.depth + 1 FROM {table} l "
        "JOIN lineage ON l.successor_id = lineage.unit_id WHERE lineage.depth < %s"
        ") SELECT unit_id FROM lineage",
        (unit_id, max_depth),
    )


def unit_ancestry(unit: Unit, *, max_depth: int = 5) -> list[tuple[Unit, UnitLineage]]:
    """Every predecessor, transitively (a ward formed from communes formed from older ones)."""
    found: list[tuple[Unit, UnitLineage]] = []
    frontier = [unit.pk]
    seen = {unit.pk}
    for _depth in range(max_depth):
        links = list(
            UnitLineage.objects.filter(successor_id__in=frontier).select_related("predecessor")
        )
        frontier = []
        for link in links:
            if link.predecessor_id not in seen:
                seen.add(link.predecessor_id)
                found.append((link.predecessor, link))
                frontier.append(link.predecessor_id)
        if not frontier:
            break
    return found
