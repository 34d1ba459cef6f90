"""Reads of the national tables: the stored rows back as the pure package's `NationalResults`,
the national average per year, and the published regional averages."""

from __future__ import annotations

import threading
from collections import OrderedDict
from decimal import Decimal

from parindex.engine.numbers import percent_of
from parindex.national import Area, NationalResults, ResultRow, YearResults, rank_year
from parindex.national.regional import RegionalAverage, read_regional_averages
from parindex.nationaldata.models import NationalRow, NationalTable

_CACHE: OrderedDict[int, NationalResults] = OrderedDict()
_CACHE_SIZE = 4
_lock = threading.Lock()


def tables() -> list[NationalTable]:
    return list(NationalTable.objects.select_related("uploaded_by"))


def latest_table() -> NationalTable | None:
    return NationalTable.objects.first()


def table_results(table: NationalTable) -> NationalResults:
    """The table's rows as the importer returned them (years, areas and units in file order).
    A stored table never changes, so it is read once per process."""
    with _lock:
        if table.pk in _CACHE:
            return _CACHE[table.pk]
    by_year: dict[int, list[NationalRow]] = {}
    for row in NationalRow.objects.filter(table=table).order_by("position"):
        by_year.setdefault(row.year, []).append(row)
    years: dict[int, YearResults] = {}
    for year, rows in sorted(by_year.items()):
        areas: dict[str, Area] = {}
        names: dict[str, str] = {}
        units: dict[str, None] = {}
        mapping: dict[tuple[str, str], ResultRow] = {}
        for row in rows:
            if row.area not in areas:
                areas[row.area] = Area(row.area, "", Decimal(row.max_points).normalize())
            if row.area_name and row.area not in names:
                names[row.area] = row.area_name
            units.setdefault(row.unit, None)
            mapping[row.unit, row.area] = ResultRow(
                location=row.location,
                year=year,
                unit=row.unit,
                area=row.area,
                area_name=row.area_name,
                points=_exact(row.points),
                max_points=_exact(row.max_points),
                published_percent=(
                    _exact(row.published_percent) if row.published_percent is not None else None
                ),
                published_rank=row.published_rank,
                published_area_rank=row.published_area_rank,
                source=row.source,
                note=row.note,
            )
        years[year] = YearResults(
            year=year,
            areas=tuple(
                Area(code, names.get(code, f"Lĩnh vực {code}"), _exact(area.max_points))
                for code, area in areas.items()
            ),
            units=tuple(units),
            rows=mapping,
        )
    results = NationalResults(years=years)
    with _lock:
        _CACHE[table.pk] = results
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return results


def _exact(value: Decimal) -> Decimal:
    """A stored decimal without the column's padding zeros (7.775000 → 7.775)."""
    value = Decimal(value)
    normalized = value.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral() else normalized


def national_averages(results: NationalResults) -> dict[int, Decimal]:
    """Each year's mean PAR INDEX over the provinces of the table (%)."""
    averages: dict[int, Decimal] = {}
    for year, year_results in results.years.items():
        ranked = rank_year(year_results)
        indexes = [ranked.unit_result(unit).index for unit in year_results.units]
        averages[year] = percent_of(sum(indexes, Decimal(0)), Decimal(100) * len(indexes), 2)
    return averages


def area_averages(results: NationalResults, year: int) -> dict[str, Decimal]:
    """Each area's mean share of its maximum over the provinces of `year` (%)."""
    year_results = results.years[year]
    averages = {}
    for area in year_results.areas:
        points = [year_results.rows[unit, area.code].points for unit in year_results.units]
        mean = sum(points, Decimal(0)) / len(points)
        averages[area.code] = percent_of(mean, area.max_points, 2)
    return averages


def regional_averages(region: str) -> list[RegionalAverage]:
    if not region:
        return []
    return [item for item in read_regional_averages() if item.region == region]
