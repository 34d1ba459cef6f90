"""The written analysis of a group's results and of a unit's scorecard (and a self-assessment
summary), with the same template files and fail-loud renderer as the national narrative
(`parindex.national.narrative`). Every number comes from the results; sentences whose figures
are missing are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from parindex.engine.numbers import percent_of
from parindex.national.narrative import (
    Templates,
    count,
    join_items,
    load_templates,
    number,
    paragraph,
)
from parindex.results.selectors import Scorecard, Standing, group_area_averages


def template_folders() -> list[Path]:
    """The province's template folder (PARINDEX_TEMPLATES_DIR), if set."""
    folder = getattr(settings, "PARINDEX_TEMPLATES_DIR", "")
    return [Path(folder)] if folder else []


def templates(name: str) -> Templates:
    return load_templates(name, template_folders())


def _move(t: Templates, prefix: str, change: Decimal | int, amount: str) -> str:
    if change > 0:
        return t.render(f"{prefix}_up", amount=amount)
    if change < 0:
        return t.render(f"{prefix}_down", amount=amount)
    return t.render(f"{prefix}_same")


def group_narrative(standing: Standing) -> str:
    """A group's results: units, average and extremes of the index, classes, areas."""
    ranking = standing.ranking
    if ranking is None or not ranking.results:
        return ""
    t = templates("group")
    ordered = ranking.ordered()
    results = ranking.results
    framework = standing.framework
    places = framework.info.index_places
    indexes = [results[code].index for code in ordered]
    average = sum(indexes, Decimal(0)) / len(indexes)
    best, worst = ordered[0], ordered[-1]

    def name(code: str) -> str:
        unit = standing.units.get(code)
        return unit.name if unit is not None else code

    summary = t.render(
        "summary",
        year=standing.period.year,
        group=standing.group.name,
        units=count(len(ordered)),
        average=number(percent_of(average, Decimal(100), places), places),
        best_unit=name(best),
        best_index=number(results[best].index, places),
        worst_unit=name(worst),
        worst_index=number(results[worst].index, places),
    )
    bands = sorted(framework.info.class_bands, key=lambda band: band.min_percent, reverse=True)
    by_class: dict[str, int] = {}
    for code in ordered:
        label = ranking.classes.get(code, "")
        by_class[label] = by_class.get(label, 0) + 1
    items = [
        t.render("class_item", count=count(by_class[band.label]), label=band.label)
        for band in bands
        if by_class.get(band.label)
    ]
    if by_class.get(""):
        items.append(t.render("unclassed_item", count=count(by_class[""])))
    classes = t.render("classes", items=join_items(items)) if items else ""
    areas = ""
    averages = group_area_averages(standing)
    if averages:
        titles = {area.code: area.title for area in framework.areas}
        best_area = max(averages, key=lambda code: averages[code])
        worst_area = min(averages, key=lambda code: averages[code])
        areas = t.render(
            "areas",
            best_area=titles[best_area],
            best_percent=number(averages[best_area], places),
            worst_area=titles[worst_area],
            worst_percent=number(averages[worst_area], places),
        )
    return "\n\n".join(part for part in (summary, paragraph(classes, areas)) if part)


def unit_narrative(card: Scorecard) -> str:
    """A unit's scorecard: points, index, rank, class; the change against last year; the
    strongest and weakest areas; the largest headroom; points lost at appraisal; targets."""
    t = templates("unit")
    places = card.framework.info.index_places
    summary = t.render(
        "summary" if card.class_label else "summary_no_class",
        year=card.standing.period.year,
        unit=card.unit.name,
        total=number(card.result.total),
        max_total=number(card.result.max_total),
        index=number(card.result.index, places),
        rank=card.rank,
        of=card.ranked_units,
        group=card.standing.group.name,
        class_label=card.class_label,
    )
    change = ""
    comparison = card.comparison
    if comparison is not None and card.index_change is not None:
        points_move = _move(t, "points", card.index_change, number(abs(card.index_change), places))
        rank_change = card.rank_change if card.ranks_comparable else None
        if rank_change is not None and comparison.previous_rank is not None:
            change = t.render(
                "change_rank",
                previous_year=comparison.previous_year,
                previous_index=number(comparison.previous_index, places),
                previous_rank=comparison.previous_rank,
                points_move=points_move,
                rank_move=_move(t, "rank", rank_change, count(abs(rank_change))),
            )
        else:
            change = t.render(
                "change",
                previous_year=comparison.previous_year,
                previous_index=number(comparison.previous_index, places),
                points_move=points_move,
            )
    areas = [area for area in card.areas if area.percent is not None and area.points is not None]
    extremes = ""
    if areas:
        strongest = max(areas, key=lambda area: area.percent or Decimal(0))
        weakest = min(areas, key=lambda area: area.percent or Decimal(0))

        def values(area: object) -> dict[str, object]:
            return {
                "name": area.title,  # type: ignore[attr-defined]
                "points": number(area.points),  # type: ignore[attr-defined]
                "max_points": number(area.max_points),  # type: ignore[attr-defined]
                "percent": number(area.percent, places),  # type: ignore[attr-defined]
            }

        extremes = paragraph(
            t.render("strongest", **values(strongest)), t.render("weakest", **values(weakest))
        )
    headroom = ""
    if card.area_headroom:
        first = card.area_headroom[0]
        headroom = t.render("headroom", name=first.title, lost=number(first.lost))
    claims = ""
    over = [claim for claim in card.claims if claim.over_claimed]
    if over:
        claims = t.render("claims", points=number(card.over_claimed), count=count(len(over)))
    targets = []
    if card.to_next_rank is not None:
        targets.append(t.render("target_rank", points=number(card.to_next_rank)))
    if card.next_class is not None:
        targets.append(
            t.render(
                "target_class", next_class=card.next_class[0], points=number(card.next_class[1])
            )
        )
    return "\n\n".join(
        part
        for part in (
            paragraph(summary, change),
            paragraph(extremes, headroom, claims),
            paragraph(*targets),
        )
        if part
    )


def self_summary(
    *,
    year: int,
    unit: str,
    total: Decimal,
    max_total: Decimal,
    index: Decimal,
    answered: int,
    leaves: int,
    missing: Sequence[str],
    places: int = 2,
) -> str:
    """The opening of a unit's self-assessment report."""
    t = templates("unit")
    summary = t.render(
        "self_summary",
        year=year,
        unit=unit,
        total=number(total),
        max_total=number(max_total),
        index=number(index, places),
        answered=answered,
        leaves=leaves,
    )
    evidence = (
        t.render("self_missing", count=count(len(missing)))
        if missing
        else t.render("self_complete")
    )
    return paragraph(summary, evidence)
