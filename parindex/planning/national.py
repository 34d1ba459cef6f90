"""The national plan: how many points a province needs for a rank, and where they could come from.

`points_needed` is the least increase of the province's total that gives it the
target rank or better while every other province keeps its total. Ranks are
competition ranks where a tie shares the better rank, so reaching exactly the total
of the province now at the target rank is enough (the engine's `points_to_rank`).

The areas are listed by headroom (max_points − points), largest first. The
suggested split of `points_needed` takes the points **greedily from the largest
headroom**: the area with the most room gives all it can, then the next, until the
points are found (ties in area order). Fewest areas to work on, each taken where
there is most room. When all the headroom together is less than `points_needed`
the target is unreachable: the plan says so, with the best rank reachable (every
area at its maximum), and suggests taking all the headroom.

The national table always carries each area's maximum (the importer refuses a row
without one), but a maximum may not be published: the shipped generated table gives
areas 3, 5–8 illustrative maxima and says so in the row's `note`. Where the unit's
row of an area says its maximum is illustrative, the plan says so (the area's
headroom depends on it) instead of presenting it as a published figure.
"""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from parindex.engine import competition_ranks, format_number, points_to_rank
from parindex.national import (
    NationalResults,
    find_unit,
    find_year,
    json_number,
    rank_warnings,
    rank_year,
)

from .errors import PlanningError

ZERO = Decimal(0)
JSON_FORMAT_VERSION = 1
SPLIT_RULE = "largest_headroom_first"

# A row's note that names the maximum and one of these says the maximum is not published.
_MAXIMUM_WORDS = ("điểm tối đa", "max_points", "maximum")
_UNPUBLISHED_WORDS = ("minh họa", "illustrative", "chưa có nguồn", "unpublished", "unknown")


@dataclass(frozen=True)
class AreaPlan:
    """One area: points, maximum, headroom and the points suggested from it."""

    code: str
    name: str
    points: Decimal
    max_points: Decimal
    headroom: Decimal
    suggested_gain: Decimal
    max_points_published: bool
    note: str  # the row's note when it says the maximum is not published


@dataclass(frozen=True)
class NationalPlan:
    unit: str
    year: int
    rank: int
    of: int
    total: Decimal
    max_total: Decimal
    target_rank: int
    target_total: Decimal  # the total that meets the target (points_needed added)
    holders: tuple[str, ...]  # the provinces whose total is the one to reach
    points_needed: Decimal
    reachable: bool
    best_rank: int  # with every area at its maximum
    areas: tuple[AreaPlan, ...]  # largest headroom first
    warnings: tuple[str, ...]

    @property
    def headroom(self) -> Decimal:
        return sum((area.headroom for area in self.areas), ZERO)

    @property
    def unpublished_maxima(self) -> tuple[str, ...]:
        return tuple(area.code for area in self.areas if not area.max_points_published)


def _says_unpublished(note: str) -> bool:
    text = unicodedata.normalize("NFC", note).casefold()
    return any(word in text for word in _MAXIMUM_WORDS) and any(
        word in text for word in _UNPUBLISHED_WORDS
    )


def split_greedily(headroom: list[tuple[str, Decimal]], needed: Decimal) -> dict[str, Decimal]:
    """`needed` points taken from the largest headroom first; `headroom` in the order to use."""
    left = max(needed, ZERO)
    split: dict[str, Decimal] = {}
    for code, room in headroom:
        take = min(room, left)
        split[code] = take
        left -= take
    return split


def with_unit_areas(
    results: NationalResults, year: int, unit: str, areas: Mapping[str, Decimal]
) -> NationalResults:
    """`results` with the points of `unit` in `year` replaced, area by area, by `areas` (the
    Ministry's appraisal as the province received it, e.g. per sub-criterion, added up by
    area). Every area of the year must be given; the other provinces keep their rows."""
    year_results = find_year(results, year)
    name = find_unit(year_results, unit)
    codes = [area.code for area in year_results.areas]
    missing = [code for code in codes if code not in areas]
    if missing:
        raise PlanningError(
            f"thiếu điểm thẩm định của lĩnh vực {', '.join(missing)} "
            f"(các lĩnh vực của bảng: {', '.join(codes)})"
        )
    rows = dict(year_results.rows)
    for code in codes:
        rows[name, code] = replace(rows[name, code], points=areas[code], published_percent=None)
    years = dict(results.years)
    years[year] = replace(year_results, rows=rows)
    return NationalResults(years=years)


def national_plan(
    results: NationalResults,
    year: int,
    unit: str,
    target_rank: int,
    *,
    areas: Mapping[str, Decimal] | None = None,
) -> NationalPlan:
    """The plan of `unit` in `year` to reach `target_rank`; see the module notes. With
    `areas`, the unit's points per area are those (`with_unit_areas`), not the table's.

    Raises `NationalReportError` for an unknown year or unit, `PlanningError` for a
    target rank outside 1 … number of provinces or an area missing from `areas`.
    """
    if areas is not None:
        results = with_unit_areas(results, year, unit, areas)
    year_results = find_year(results, year)
    name = find_unit(year_results, unit)
    ranked = rank_year(year_results)
    ranking = ranked.ranking
    if not 1 <= target_rank <= ranking.size:
        raise PlanningError(f"hạng mục tiêu {target_rank} phải từ 1 đến {ranking.size}")
    result = ranking.results[name]
    needed = points_to_rank(ranking, name, target_rank)
    target_total = result.total + needed
    others = {other: r.total for other, r in ranking.results.items() if other != name}
    holders = tuple(sorted(other for other, total in others.items() if total == target_total))
    if needed == 0:
        holders = ()

    order = [area.code for area in ranked.framework.areas]
    lines = []
    for area in ranked.framework.areas:
        row = year_results.rows[name, area.code]
        points = result.nodes[area.code].base
        lines.append((area, points, area.max_points - points, row.note))
    lines.sort(key=lambda line: (-line[2], order.index(line[0].code)))
    headroom = sum((line[2] for line in lines), ZERO)
    reachable = headroom >= needed
    split = split_greedily([(line[0].code, line[2]) for line in lines], needed)
    best_total = result.total + headroom
    best_rank = competition_ranks({**others, name: best_total})[name]

    plans = tuple(
        AreaPlan(
            code=area.code,
            name=area.title,
            points=points,
            max_points=area.max_points,
            headroom=room,
            suggested_gain=split[area.code],
            max_points_published=not _says_unpublished(note),
            note=note if _says_unpublished(note) else "",
        )
        for area, points, room, note in lines
    )
    return NationalPlan(
        unit=name,
        year=year,
        rank=ranking.ranks[name],
        of=ranking.size,
        total=result.total,
        max_total=result.max_total,
        target_rank=target_rank,
        target_total=target_total,
        holders=holders,
        points_needed=needed,
        reachable=reachable,
        best_rank=best_rank,
        areas=plans,
        warnings=tuple(rank_warnings(ranked)),
    )


# --- rendering --------------------------------------------------------------------------------


def plan_to_dict(plan: NationalPlan) -> dict[str, Any]:
    """The JSON contract (docs/national-report.md): the documented keys first, then extras."""
    return {
        "unit": plan.unit,
        "year": plan.year,
        "rank": plan.rank,
        "target_rank": plan.target_rank,
        "points_needed": json_number(plan.points_needed),
        "areas": [
            {
                "code": area.code,
                "name": area.name,
                "points": json_number(area.points),
                "max_points": json_number(area.max_points),
                "headroom": json_number(area.headroom),
                "suggested_gain": json_number(area.suggested_gain),
                "max_points_published": area.max_points_published,
                "note": area.note,
            }
            for area in plan.areas
        ],
        "of": plan.of,
        "total": json_number(plan.total),
        "max_total": json_number(plan.max_total),
        "target_total": json_number(plan.target_total),
        "holders": list(plan.holders),
        "reachable": plan.reachable,
        "best_rank": plan.best_rank,
        "headroom": json_number(plan.headroom),
        "split_rule": SPLIT_RULE,
        "warnings": list(plan.warnings),
        "format_version": JSON_FORMAT_VERSION,
    }


def render_plan_json(plan: NationalPlan) -> str:
    return json.dumps(plan_to_dict(plan), ensure_ascii=False, indent=2) + "\n"


def _say(console: Console, text: str, style: str = "") -> None:
    console.print(Text(text, style=style), soft_wrap=True)


def plan_sentences(plan: NationalPlan) -> list[str]:
    """The plan in words, for a person."""
    lines = [
        f"{plan.unit} — Chỉ số CCHC {plan.year}: {format_number(plan.total, 2)}/"
        f"{format_number(plan.max_total)} điểm, xếp thứ {plan.rank}/{plan.of}"
    ]
    if plan.points_needed == 0:
        lines.append(
            f"Đã ở hạng {plan.rank}, không thấp hơn hạng mục tiêu {plan.target_rank}: "
            "không cần thêm điểm."
        )
        return lines
    holders = ", ".join(plan.holders)
    lines.append(
        f"Mục tiêu hạng {plan.target_rank}/{plan.of}: cần thêm "
        f"{format_number(plan.points_needed)} điểm, đạt tổng {format_number(plan.target_total)}"
        f" — bằng tổng của {holders} (bằng điểm thì cùng hạng)."
    )
    if plan.reachable:
        lines.append(
            "Cách chia đề xuất: lấy trước ở lĩnh vực có dư địa lớn nhất, hết dư địa mới sang "
            "lĩnh vực kế tiếp."
        )
    else:
        lines.append(
            f"KHÔNG THỂ ĐẠT hạng {plan.target_rank}: tổng dư địa của mọi lĩnh vực "
            f"({format_number(plan.headroom)} điểm) ít hơn số điểm cần thêm "
            f"({format_number(plan.points_needed)}). Hạng tốt nhất có thể đạt khi mọi lĩnh "
            f"vực đạt tối đa: {plan.best_rank}/{plan.of}."
        )
    return lines


def print_plan(plan: NationalPlan, console: Console) -> None:
    """The plan as a table with its sentences, in Vietnamese."""
    sentences = plan_sentences(plan)
    _say(console, sentences[0], style="bold")
    for sentence in sentences[1:]:
        _say(console, sentence)
    console.print()
    table = Table(
        title="Dư địa theo lĩnh vực (nhiều nhất trước) và điểm đề xuất tăng",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("Mã", justify="right")
    table.add_column("Lĩnh vực", ratio=1, min_width=20)
    for header in ("Điểm", "Tối đa", "Dư địa", "Đề xuất tăng"):
        table.add_column(header, justify="right", no_wrap=True)
    for area in plan.areas:
        maximum = format_number(area.max_points) + ("*" if not area.max_points_published else "")
        table.add_row(
            Text(area.code),
            Text(area.name),
            format_number(area.points),
            maximum,
            format_number(area.headroom),
            format_number(area.suggested_gain),
        )
    table.add_section()
    table.add_row(
        "",
        "Tổng",
        format_number(plan.total),
        format_number(plan.max_total),
        format_number(plan.headroom),
        format_number(sum((area.suggested_gain for area in plan.areas), ZERO)),
        style="bold",
    )
    console.print(table)
    if plan.unpublished_maxima:
        _say(
            console,
            f"* Điểm tối đa của lĩnh vực {', '.join(plan.unpublished_maxima)} chưa có nguồn "
            "công bố (bảng kết quả ghi là giá trị minh họa): dư địa và điểm đề xuất ở các lĩnh "
            "vực này phụ thuộc giá trị đó, chỉ để tham khảo.",
            style="dim",
        )
    if plan.warnings:
        console.print()
        _say(console, "Cảnh báo (hạng công bố khác hạng tính được):", style="bold yellow")
        for warning in plan.warnings:
            _say(console, f"  {warning}")


def plan_text(plan: NationalPlan, width: int = 120) -> str:
    buffer = io.StringIO()
    print_plan(plan, Console(file=buffer, width=width, color_system=None, emoji=False))
    return buffer.getvalue()
