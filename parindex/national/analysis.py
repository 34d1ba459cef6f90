"""The national PAR INDEX analysis of one province: standing, movement, headroom.

It answers the questions of the Báo Bắc Kạn analysis of PAR INDEX 2022: where
the unit stands (rank, index, class), what moved against an earlier year (areas
up and down, in rank and in points), how far each area is from its maximum and
where the room to improve (dư địa) is largest.

Everything is computed by the engine. Each year's published results become a
flat framework whose areas are `manual` leaves carrying the area maxima, so that
`score_group` (every province of a year at once), `rank_group`, `compare_unit` and the
headroom functions apply as they do to a province's own assessment.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from parindex.engine import (
    Comparison,
    Framework,
    FrameworkSpec,
    GroupRanking,
    NodeInput,
    NodeSpec,
    UnitResult,
    area_headroom,
    build_framework,
    compare_unit,
    points_to_next_class,
    points_to_next_rank,
    rank_group,
    score_group,
    unit_results,
)

from .importer import NationalResults, YearResults, clean_name

# National classes (Bộ Nội vụ): A ≥ 90 %, B 80 – < 90 %, C 70 – < 80 %. Nothing is
# published below 70 %, so a lower index has no class rather than an invented "D".
NATIONAL_CLASSES = (
    {"label": "A", "min_percent": 90},
    {"label": "B", "min_percent": 80},
    {"label": "C", "min_percent": 70},
)


class NationalReportError(Exception):
    """The report cannot be made as asked (unknown year or unit); the message says why."""


@dataclass(frozen=True)
class AreaLine:
    """One area of the unit: points, share of the maximum, national rank, and the change."""

    code: str
    name: str
    points: Decimal
    max_points: Decimal
    percent: Decimal
    rank: int
    points_change: Decimal | None  # None when there is no comparison (or no matching area)
    rank_change: int | None  # places gained (+) or lost (-)
    previous_points: Decimal | None
    previous_rank: int | None
    source: str


@dataclass(frozen=True)
class HeadroomLine:
    """Points an area is below its maximum, and their share of all points lost."""

    code: str
    name: str
    points_lost: Decimal
    share: Decimal


@dataclass(frozen=True)
class SourceLine:
    """Where the unit's figures of one year come from: a source and the areas it covers."""

    year: int
    source: str
    areas: tuple[str, ...]


@dataclass(frozen=True)
class NationalReport:
    """The analysis of one unit in one year, optionally against an earlier year."""

    unit: str
    year: int
    total: Decimal
    max_total: Decimal
    index: Decimal
    rank: int
    of: int
    class_: str  # "" below the lowest class
    areas: tuple[AreaLine, ...]
    headroom: tuple[HeadroomLine, ...]  # largest first
    points_to_next_rank: Decimal | None  # None when first
    next_class: str | None  # None in the top class
    points_to_next_class: Decimal | None
    compare_to: int | None = None
    previous_total: Decimal | None = None
    previous_index: Decimal | None = None
    previous_rank: int | None = None
    previous_of: int | None = None
    previous_class: str | None = None
    areas_up_in_rank: int | None = None
    areas_down_in_rank: int | None = None
    areas_same_rank: int | None = None
    areas_up_in_points: int | None = None
    areas_down_in_points: int | None = None
    areas_same_points: int | None = None
    warnings: tuple[str, ...] = ()
    sources: tuple[SourceLine, ...] = ()

    @property
    def total_change(self) -> Decimal | None:
        return None if self.previous_total is None else self.total - self.previous_total

    @property
    def index_change(self) -> Decimal | None:
        return None if self.previous_index is None else self.index - self.previous_index

    @property
    def rank_change(self) -> int | None:
        """Places gained (+) or lost (-) overall."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


# --- one year as an engine framework ----------------------------------------------------------


def year_framework(year_results: YearResults) -> Framework:
    """A flat framework for one year: each area a `manual` leaf with the published maximum."""
    spec = FrameworkSpec(
        info={
            "code": f"PAR-INDEX-{year_results.year}",
            "name": f"Chỉ số CCHC cấp tỉnh {year_results.year} (kết quả công bố theo lĩnh vực)",
            "year": year_results.year,
            "unit_group": "province",
            "max_total": year_results.max_total,
            "classes": list(NATIONAL_CLASSES),
        },
        nodes=[
            NodeSpec(code=area.code, title=area.name, max_points=area.max_points, rule="manual")
            for area in year_results.areas
        ],
    )
    return build_framework(spec)


@dataclass(frozen=True)
class RankedYear:
    """One year's results scored and ranked by the engine."""

    results: YearResults
    ranking: GroupRanking

    @property
    def framework(self) -> Framework:
        return self.ranking.framework

    def unit_result(self, unit: str) -> UnitResult:
        return self.ranking.results[unit]


def rank_year(year_results: YearResults) -> RankedYear:
    """Score every unit of the year from its area points and rank them."""
    framework = year_framework(year_results)
    inputs_by_unit = {
        unit: {row.area: NodeInput({"points": row.points}) for row in year_results.unit_rows(unit)}
        for unit in year_results.units
    }
    scored = unit_results(score_group(framework, inputs_by_unit))
    for result in scored:
        # The importer already checked every point against its maximum, so the engine
        # can only disagree through a bug; stop rather than report a wrong ranking.
        if result.problems:
            raise AssertionError("; ".join(str(problem) for problem in result.problems))
    return RankedYear(year_results, rank_group(scored))


def rank_warnings(ranked: RankedYear) -> list[str]:
    """Published ranks (overall and per area) that differ from the ranks the points give."""
    warnings: list[str] = []
    year = ranked.results.year
    for unit in ranked.results.units:
        published = ranked.results.published_rank(unit)
        computed = ranked.ranking.ranks[unit]
        if published is not None and published[0] != computed:
            warnings.append(
                f"{published[1]}: hạng công bố của «{unit}» năm {year} là {published[0]}, "
                f"hạng tính từ điểm các lĩnh vực là {computed}"
            )
        for row in ranked.results.unit_rows(unit):
            area_rank = ranked.ranking.area_rank(unit, row.area)
            if row.published_area_rank is not None and row.published_area_rank != area_rank:
                warnings.append(
                    f"{row.location}: hạng công bố của «{unit}» ở lĩnh vực {row.area} năm "
                    f"{year} là {row.published_area_rank}, hạng tính từ điểm là {area_rank}"
                )
    return warnings


# --- finding the year and the unit ------------------------------------------------------------


def _folded(name: str) -> str:
    """A name without diacritics or case, to rank suggestions: "Bắc Kạn" → "bac kan"."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def closest_first(name: str, candidates: Sequence[str]) -> list[str]:
    """Every candidate, the most similar to `name` first (ignoring diacritics and case)."""
    wanted = _folded(name)

    def similarity(candidate: str) -> float:
        return difflib.SequenceMatcher(None, wanted, _folded(candidate)).ratio()

    return sorted(candidates, key=lambda candidate: (-similarity(candidate), candidate))


def _find_year(results: NationalResults, year: int, role: str) -> YearResults:
    if year not in results.years:
        known = ", ".join(str(known_year) for known_year in results.years)
        raise NationalReportError(
            f"{role} {year} không có trong dữ liệu kết quả (các năm có: {known})"
        )
    return results.years[year]


def _find_unit(year_results: YearResults, unit: str) -> str:
    wanted = clean_name(unit)
    if wanted in year_results.units:
        return wanted
    same_but_case = [name for name in year_results.units if name.casefold() == wanted.casefold()]
    if len(same_but_case) == 1:
        return same_but_case[0]
    ordered = closest_first(wanted, year_results.units)
    best = ordered[0]
    hint = f" Có phải «{best}»?" if _folded(best) == _folded(wanted) else ""
    raise NationalReportError(
        f"không có đơn vị «{unit}» trong kết quả năm {year_results.year}.{hint} "
        f"Các đơn vị có ({len(ordered)}, gần nhất trước): {', '.join(ordered)}"
    )


def find_year(results: NationalResults, year: int) -> YearResults:
    """The results of `year`; `NationalReportError` listing the years held otherwise."""
    return _find_year(results, year, "năm")


def find_unit(year_results: YearResults, unit: str) -> str:
    """The unit as spelled in the results (exact, then ignoring case); `NationalReportError`
    listing the year's units, closest first, otherwise."""
    return _find_unit(year_results, unit)


# --- the report -------------------------------------------------------------------------------


def _sources(year_results: YearResults, unit: str) -> list[SourceLine]:
    by_source: dict[str, list[str]] = {}
    for row in year_results.unit_rows(unit):
        by_source.setdefault(row.source, []).append(row.area)
    return [
        SourceLine(year_results.year, source, tuple(areas))
        for source, areas in by_source.items()
        if source
    ]


def _area_lines(
    current: RankedYear, unit: str, comparison: Comparison | None
) -> tuple[AreaLine, ...]:
    result = current.unit_result(unit)
    changes = {change.code: change for change in comparison.areas} if comparison else {}
    lines = []
    for area in current.framework.areas:
        row = current.results.rows[unit, area.code]
        change = changes.get(area.code)
        lines.append(
            AreaLine(
                code=area.code,
                name=area.title,
                points=result.nodes[area.code].points,
                max_points=area.max_points,
                percent=result.percent(area.code),
                rank=current.ranking.area_rank(unit, area.code),
                points_change=change.points_change if change else None,
                rank_change=change.rank_change if change else None,
                previous_points=change.previous_points if change else None,
                previous_rank=change.previous_rank if change else None,
                source=row.source,
            )
        )
    return tuple(lines)


def national_report(
    results: NationalResults,
    year: int,
    unit: str,
    compare_to: int | None = None,
) -> NationalReport:
    """Analyse `unit` in `year`, against `compare_to` when given.

    Raises `NationalReportError` for a year or unit the results do not hold.
    """
    year_results = _find_year(results, year, "năm")
    name = _find_unit(year_results, unit)
    current = rank_year(year_results)
    result = current.unit_result(name)
    warnings = rank_warnings(current)
    sources = _sources(year_results, name)

    comparison: Comparison | None = None
    previous: RankedYear | None = None
    if compare_to is not None:
        if compare_to == year:
            raise NationalReportError(f"năm so sánh {compare_to} trùng năm báo cáo")
        previous_results = _find_year(results, compare_to, "năm so sánh")
        previous_name = _find_unit(previous_results, name)
        previous = rank_year(previous_results)
        comparison = compare_unit(current.ranking, previous.ranking, name, previous_name)
        warnings += rank_warnings(previous)
        sources += _sources(previous_results, previous_name)

    headroom = tuple(
        HeadroomLine(item.code, item.title, item.lost, item.share) for item in area_headroom(result)
    )
    next_class = points_to_next_class(result)
    report = NationalReport(
        unit=name,
        year=year,
        total=result.total,
        max_total=result.max_total,
        index=result.index,
        rank=current.ranking.ranks[name],
        of=current.ranking.size,
        class_=current.ranking.classes[name],
        areas=_area_lines(current, name, comparison),
        headroom=headroom,
        points_to_next_rank=points_to_next_rank(current.ranking, name),
        next_class=next_class[0] if next_class else None,
        points_to_next_class=next_class[1] if next_class else None,
        warnings=tuple(warnings),
        sources=tuple(sources),
    )
    if comparison is None or previous is None:
        return report
    return replace(
        report,
        compare_to=comparison.previous_year,
        previous_total=comparison.previous_total,
        previous_index=comparison.previous_index,
        previous_rank=comparison.previous_rank,
        previous_of=previous.ranking.size,
        previous_class=previous.ranking.classes[comparison.previous_unit],
        areas_up_in_rank=comparison.areas_up_in_rank,
        areas_down_in_rank=comparison.areas_down_in_rank,
        areas_same_rank=comparison.areas_same_rank,
        areas_up_in_points=comparison.areas_up_in_points,
        areas_down_in_points=comparison.areas_down_in_points,
        areas_same_points=comparison.areas_same_points,
    )
