"""Generate the demo table `par_index_generated_2021_2022.csv` (GENERATED DATA, not official).

    python -m parindex.national.generate_demo OUT.csv

The Ministry publishes every province's PAR INDEX by area in a report that is
not available here; public sources state only some totals and ranks (the files
`par_index_2021_provinces.csv` and `par_index_2022_provinces.csv` beside the
output, each row with its source). This script builds a complete long-form
table for 2021 and 2022, 63 provinces × 8 areas, in which every stated figure
holds, and fills everything else with deterministic generated numbers:

* totals and ranks stated by a source are kept; so are ranks a source implies
  ("up 7 places" in 2022 gives the 2021 rank);
* other provinces get generated totals between the stated ones, in an order
  drawn from a seeded random "strength", with 2022 class counts A/B/C = 2/56/5;
* Bắc Kạn 2022 carries the figures of the Báo Bắc Kạn article (points for areas
  1, 2 and 4, percentages for areas 5–8, total 79.35, rank 61); area 3 is the
  total minus the others. Its 2021 figures are generated so that, as the article
  says, 2 areas rose and 6 fell in rank and in points, TTHC (3) and e-government
  (7) rose 2 places and impact (8) fell 4 places to 34th, its best area;
* each other province's total is split over the 8 areas around its index, and
  then bounded so that exactly the right number of provinces lie above Bắc Kạn
  in every area.

Only integers from a seeded `random.Random` and `Decimal` arithmetic are used,
so the output is the same on every machine. The script then reads its output
back through the importer and the engine and prints a check of every fact.
"""

from __future__ import annotations

import csv
import itertools
import random
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path

from parindex.engine import format_number

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "national"
OUTPUT_NAME = "par_index_generated_2021_2022.csv"
GENERATED = "generated (parindex demo)"
SEED = 876  # the methodology decision (QĐ 876/QĐ-BNV); any fixed number would do
YEARS = (2021, 2022)
BAC_KAN = "Bắc Kạn"
POINT = Decimal("0.0001")  # points carry at most 4 decimals, as published (9.0929)
CENT = Decimal("0.01")  # generated totals carry 2 decimals, as published (79.35)
GAP = Decimal("0.01")  # margin that keeps other provinces strictly above or below Bắc Kạn


@dataclass(frozen=True)
class AreaSpec:
    code: str
    name: str
    max_points: Decimal
    maximum_is_public: bool
    offset: int  # typical share of the maximum above (+) or below (-) the province's index, in %


# QĐ 876/QĐ-BNV areas. Maxima of areas 1, 2 and 4 are public (Báo Bắc Kạn, 2023); the
# other five are illustrative, shared with the example framework, and sum to 100 with them.
# Offsets shape the generated split: survey-based impact (8) runs well below the index.
AREAS = (
    AreaSpec("1", "Công tác chỉ đạo, điều hành cải cách hành chính", Decimal("9.5"), True, 8),
    AreaSpec("2", "Cải cách thể chế", Decimal(10), True, 8),
    AreaSpec("3", "Cải cách thủ tục hành chính", Decimal(12), False, 6),
    AreaSpec("4", "Cải cách tổ chức bộ máy hành chính", Decimal("10.5"), True, 6),
    AreaSpec("5", "Cải cách chế độ công vụ", Decimal("11.5"), False, 3),
    AreaSpec("6", "Cải cách tài chính công", Decimal(9), False, 1),
    AreaSpec(
        "7", "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số", Decimal(13), False, -3
    ),
    AreaSpec(
        "8",
        "Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội",
        Decimal("24.5"),
        False,
        -12,
    ),
)
AREA_BY_CODE = {area.code: area for area in AREAS}

# The 63 provinces and centrally-run cities before the 2025 reorganisation, by region.
PROVINCES = (
    # Trung du và miền núi phía Bắc
    "Hà Giang", "Cao Bằng", "Bắc Kạn", "Tuyên Quang", "Lào Cai", "Điện Biên", "Lai Châu",
    "Sơn La", "Yên Bái", "Hòa Bình", "Thái Nguyên", "Lạng Sơn", "Bắc Giang", "Phú Thọ",
    # Đồng bằng sông Hồng
    "Hà Nội", "Vĩnh Phúc", "Bắc Ninh", "Quảng Ninh", "Hải Dương", "Hải Phòng", "Hưng Yên",
    "Thái Bình", "Hà Nam", "Nam Định", "Ninh Bình",
    # Bắc Trung Bộ và Duyên hải miền Trung
    "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế", "Đà Nẵng",
    "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa", "Ninh Thuận", "Bình Thuận",
    # Tây Nguyên
    "Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng",
    # Đông Nam Bộ
    "Bình Phước", "Tây Ninh", "Bình Dương", "Đồng Nai", "Bà Rịa - Vũng Tàu", "TP. Hồ Chí Minh",
    # Đồng bằng sông Cửu Long
    "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh", "Vĩnh Long", "Đồng Tháp", "An Giang",
    "Kiên Giang", "Cần Thơ", "Hậu Giang", "Sóc Trăng", "Bạc Liêu", "Cà Mau",
)  # fmt: skip

# Ranks of 2021 implied by the notes of par_index_2022_provinces.csv ("up N places").
IMPLIED_2021_RANKS = {"Yên Bái": 14 + 7, "Nghệ An": 16 + 1, "Đồng Nai": 51 + 4}

# GENERATED anchors (not published figures). Đồng Nai's 2021 total only has to be
# "slightly" above its 82.92 of 2022; the 2022 totals around the class boundaries put
# ranks 52–58 in class B and ranks 59–63 in class C (2022: A/B/C = 2/56/5, vietnambiz.vn).
GENERATED_PROVINCE_TOTALS = {2021: {"Đồng Nai": Decimal("83.07")}}
GENERATED_RANK_TOTALS = {
    2022: {
        58: Decimal("80.24"),
        59: Decimal("79.91"),
        60: Decimal("79.62"),
        62: Decimal("78.86"),
        63: Decimal("77.41"),
    }
}

# The Báo Bắc Kạn article gives, for 2022, the impact area's rank (34th, down 4) and the
# rank changes of TTHC (3) and e-government (7) (+2 each); all other area ranks below
# are GENERATED, chosen so that 2 areas rise and 6 fall and impact stays the best area.
BAC_KAN_AREA_RANKS = {
    2021: {"1": 55, "2": 41, "3": 42, "4": 47, "5": 52, "6": 56, "7": 57, "8": 30},
    2022: {"1": 58, "2": 45, "3": 40, "4": 50, "5": 57, "6": 60, "7": 55, "8": 34},
}
# GENERATED 2021 figures for Bắc Kạn: lower than 2022 in areas 3 and 7, higher in the
# other six (the article: 2 areas up and 6 down in points), total 81.10, rank 58.
BAC_KAN_2021_RANK = 58
BAC_KAN_2021_POINTS = {
    "1": Decimal("8.1"),
    "2": Decimal("9.3"),
    "3": Decimal("10.2143"),
    "4": Decimal("9.4"),
    "5": Decimal("9.5"),
    "6": Decimal("7.1"),
    "7": Decimal("8.6"),
    "8": Decimal("18.8857"),
}

# Columns of par_index_2022_provinces.csv holding Bắc Kạn's published area figures.
PUBLISHED_AREA_COLUMNS = {
    "area_chi_dao_dieu_hanh_pts": ("1", "points"),
    "area_the_che_pts": ("2", "points"),
    "area_to_chuc_bo_may_pts": ("4", "points"),
    "area_cong_vu_pct_of_max": ("5", "percent"),
    "area_tai_chinh_cong_pct_of_max": ("6", "percent"),
    "area_cq_dien_tu_so_pct_of_max": ("7", "percent"),
    "area_tac_dong_pct_of_max": ("8", "percent"),
}


@dataclass
class Published:
    """What a public source states about one province in one year."""

    province: str
    total: Decimal | None
    rank: int | None
    source: str
    areas: dict[str, tuple[str, Decimal]] = field(default_factory=dict)  # code → (kind, value)


def read_published(year: int, data_dir: Path = DATA_DIR) -> dict[str, Published]:
    """The stated totals, ranks and (for Bắc Kạn 2022) area figures of one year."""
    path = data_dir / f"par_index_{year}_provinces.csv"
    published: dict[str, Published] = {}
    with path.open(encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            entry = Published(
                province=row["province"],
                total=Decimal(row["total_score"]) if row["total_score"] else None,
                rank=int(row["rank"]) if row["rank"] else None,
                source=row["source_url"],
            )
            for column, (code, kind) in PUBLISHED_AREA_COLUMNS.items():
                if row.get(column):
                    # "7.775/9.5" gives the points; a bare number is the % of the maximum.
                    entry.areas[code] = (kind, Decimal(row[column].split("/")[0]))
            published[entry.province] = entry
    return published


@dataclass
class YearPlan:
    """One year under construction: each province's total and area points."""

    year: int
    totals: dict[str, Decimal] = field(default_factory=dict)
    points: dict[str, dict[str, Decimal]] = field(default_factory=dict)


def _interpolated(anchors: Mapping[int, Decimal], rng: random.Random | None) -> dict[int, Decimal]:
    """Totals for ranks 1..63: anchors kept, the rest on lines between them (with jitter
    drawn from `rng`, if given)."""
    ranks = sorted(anchors)
    assert ranks[0] == 1, "the anchors must include the first rank"
    assert ranks[-1] == len(PROVINCES), "the anchors must include the last rank"
    curve: dict[int, Decimal] = {}
    for upper, lower in itertools.pairwise(ranks):
        step = (anchors[upper] - anchors[lower]) / (lower - upper)
        curve[upper] = anchors[upper]
        for rank in range(upper + 1, lower):
            jitter = step * Decimal(rng.randint(-30, 30)) / 100 if rng else Decimal(0)
            curve[rank] = (anchors[upper] - step * (rank - upper) + jitter).quantize(CENT)
    curve[ranks[-1]] = anchors[ranks[-1]]
    values = [curve[rank] for rank in range(1, len(PROVINCES) + 1)]
    if any(higher <= lower for higher, lower in itertools.pairwise(values)):
        raise AssertionError("generated totals are not strictly decreasing; change the anchors")
    return curve


def _plan_totals(
    year: int,
    published: Mapping[str, Published],
    strengths: Mapping[str, int],
    rng: random.Random,
) -> YearPlan:
    fixed_ranks = {name: entry.rank for name, entry in published.items() if entry.rank}
    fixed_totals = {name: entry.total for name, entry in published.items() if entry.total}
    if year == 2021:
        fixed_ranks.update(IMPLIED_2021_RANKS)
        fixed_ranks[BAC_KAN] = BAC_KAN_2021_RANK
        fixed_totals[BAC_KAN] = sum(BAC_KAN_2021_POINTS.values(), Decimal(0))
    fixed_totals.update(GENERATED_PROVINCE_TOTALS.get(year, {}))

    anchors: dict[int, Decimal] = dict(GENERATED_RANK_TOTALS.get(year, {}))
    for name, rank in fixed_ranks.items():
        if name in fixed_totals:
            anchors[rank] = fixed_totals[name]
    # A stated total without a stated rank (Bà Rịa - Vũng Tàu 2021) takes the free rank
    # whose place on the curve is nearest to it.
    for name, total in fixed_totals.items():
        if name not in fixed_ranks:
            curve = _interpolated(anchors, None)
            taken = set(fixed_ranks.values())
            fixed_ranks[name] = min(
                (rank for rank in curve if rank not in taken),
                key=lambda rank: (abs(curve[rank] - total), rank),
            )
            anchors[fixed_ranks[name]] = total
    curve = _interpolated(anchors, rng)

    # Free provinces fill the free ranks in the order of a seeded strength, so that the
    # same provinces tend to be strong in both years.
    strength = {name: strengths[name] + rng.randint(-150, 150) for name in PROVINCES}
    free_ranks = [rank for rank in curve if rank not in fixed_ranks.values()]
    free_names = sorted(
        (name for name in PROVINCES if name not in fixed_ranks),
        key=lambda name: (-strength[name], name),
    )
    ranks = {**fixed_ranks, **dict(zip(free_names, free_ranks, strict=True))}
    return YearPlan(year, totals={name: curve[ranks[name]] for name in PROVINCES})


def _bac_kan_points(year: int, published: Mapping[str, Published]) -> dict[str, Decimal]:
    if year == 2021:
        return dict(BAC_KAN_2021_POINTS)
    entry = published[BAC_KAN]
    assert entry.total is not None
    points: dict[str, Decimal] = {}
    for code, (kind, value) in entry.areas.items():
        maximum = AREA_BY_CODE[code].max_points
        points[code] = value if kind == "points" else value * maximum / 100
    missing = [area.code for area in AREAS if area.code not in points]
    assert len(missing) == 1, "exactly one area of Bắc Kạn 2022 is derived from the total"
    points[missing[0]] = entry.total - sum(points.values(), Decimal(0))
    return points


def _split(
    total: Decimal,
    wanted: Mapping[str, Decimal],
    bounds: Mapping[str, tuple[Decimal, Decimal]],
    province: str,
) -> dict[str, Decimal]:
    """Area points within `bounds`, near `wanted`, adding up to `total` exactly (4 decimals)."""
    low_sum = sum((low for low, _ in bounds.values()), Decimal(0))
    high_sum = sum((high for _, high in bounds.values()), Decimal(0))
    if not low_sum <= total <= high_sum:
        raise AssertionError(f"{province}: total {total} cannot fit the area bounds")
    points = {
        code: min(max(value, bounds[code][0]), bounds[code][1]) for code, value in wanted.items()
    }
    residual = total - sum(points.values(), Decimal(0))
    if residual:
        # Spread the residual over the areas in proportion to their room in that direction.
        room = {
            code: (bounds[code][1] - value) if residual > 0 else (value - bounds[code][0])
            for code, value in points.items()
        }
        room_sum = sum(room.values(), Decimal(0))
        for code in points:
            points[code] += residual * room[code] / room_sum
    rounded = {code: value.quantize(POINT) for code, value in points.items()}
    for code, value in rounded.items():
        low = bounds[code][0].quantize(POINT, rounding=ROUND_CEILING)
        high = bounds[code][1].quantize(POINT, rounding=ROUND_FLOOR)
        rounded[code] = min(max(value, low), high)
    # Rounding leaves a few ten-thousandths: the area with the most room takes them.
    leftover = total - sum(rounded.values(), Decimal(0))
    if leftover:
        code = max(
            rounded,
            key=lambda code: (
                bounds[code][1] - rounded[code] if leftover > 0 else rounded[code] - bounds[code][0]
            ),
        )
        rounded[code] += leftover
        if not bounds[code][0] <= rounded[code] <= bounds[code][1]:
            raise AssertionError(f"{province}: rounding left {leftover} that no area can take")
    return rounded


def _plan_areas(
    plan: YearPlan,
    bac_kan: Mapping[str, Decimal],
    target_ranks: Mapping[str, int],
    deviations: Mapping[tuple[str, str], int],
    rng: random.Random,
) -> None:
    others = [name for name in PROVINCES if name != BAC_KAN]
    # A first split around each province's index, in hundredths of a percent.
    wanted: dict[str, dict[str, Decimal]] = {}
    for name in others:
        index = plan.totals[name]
        wanted[name] = {}
        for area in AREAS:
            share = index + area.offset + Decimal(deviations[name, area.code]) / 100
            share += Decimal(rng.randint(-150, 150)) / 100
            share = min(max(share, Decimal(45)), Decimal(100))
            wanted[name][area.code] = area.max_points * share / 100
    # In each area, the provinces that come out strongest stay above Bắc Kạn and the rest
    # below it, so that exactly rank - 1 provinces are ahead of it.
    bounds: dict[str, dict[str, tuple[Decimal, Decimal]]] = {name: {} for name in others}
    for area in AREAS:
        ahead = target_ranks[area.code] - 1
        order = sorted(others, key=lambda name: (-wanted[name][area.code], name))
        own = bac_kan[area.code]
        floor = area.max_points * Decimal("0.4")
        for position, name in enumerate(order):
            if position < ahead:
                bounds[name][area.code] = (own + GAP, area.max_points)
            else:
                bounds[name][area.code] = (floor, own - GAP)
    for name in others:
        plan.points[name] = _split(plan.totals[name], wanted[name], bounds[name], name)
    plan.points[BAC_KAN] = dict(bac_kan)


def generate(data_dir: Path = DATA_DIR) -> list[dict[str, str]]:
    """The rows of the demo table, as CSV cells."""
    rng = random.Random(SEED)
    # A province's lasting strength (its place in the order) and its lasting lead or lag in
    # each area, in hundredths of a percent; each year adds its own noise to both.
    strengths = {name: rng.randint(0, 1000) for name in PROVINCES}
    deviations = {(name, area.code): rng.randint(-350, 350) for name in PROVINCES for area in AREAS}
    rows: list[dict[str, str]] = []
    for year in YEARS:
        published = read_published(year, data_dir)
        plan = _plan_totals(year, published, strengths, rng)
        bac_kan = _bac_kan_points(year, published)
        if sum(bac_kan.values(), Decimal(0)) != plan.totals[BAC_KAN]:
            raise AssertionError(f"Bắc Kạn {year}: area points do not add up to the total")
        _plan_areas(plan, bac_kan, BAC_KAN_AREA_RANKS[year], deviations, rng)
        for name in PROVINCES:
            rows.extend(_rows_of(plan, name, published.get(name)))
    return rows


def _rows_of(plan: YearPlan, name: str, published: Published | None) -> list[dict[str, str]]:
    year = plan.year
    stated = []
    if published and published.total is not None:
        stated.append(f"tổng {format_number(published.total, 2)}")
    if published and published.rank is not None:
        stated.append(f"hạng {published.rank}")
    source = GENERATED
    if stated and published:
        source = f"{GENERATED}: điểm lĩnh vực; {' và '.join(stated)} công bố: {published.source}"
    rank = str(published.rank) if published and published.rank else ""
    rows = []
    for area in AREAS:
        points = plan.points[name][area.code]
        row = {
            "year": str(year),
            "unit": name,
            "area": area.code,
            "area_name": area.name,
            "points": _plain(points),
            "percent": "",
            "max_points": _plain(area.max_points),
            "rank": rank,
            "area_rank": "",
            "source": source,
            "note": "",
        }
        if name == BAC_KAN:
            row.update(_bac_kan_cells(year, area, published))
        rows.append(row)
    return rows


def _bac_kan_cells(year: int, area: AreaSpec, published: Published | None) -> dict[str, str]:
    if year == 2021:
        cells = {"source": GENERATED}
        if area.code == "8":
            before, after = BAC_KAN_AREA_RANKS[2021]["8"], BAC_KAN_AREA_RANKS[2022]["8"]
            cells["area_rank"] = str(before)
            cells["note"] = (
                f"hạng lĩnh vực {before} suy từ bài Báo Bắc Kạn (giảm {after - before} bậc "
                f"xuống {after} năm 2022); điểm là số sinh ra"
            )
        return cells
    assert published is not None
    assert published.total is not None
    kind, value = published.areas.get(area.code, ("derived", Decimal(0)))
    if kind == "points":
        return {"source": published.source, "note": "điểm công bố"}
    if kind == "percent":
        cells = {
            "points": "",
            "percent": _plain(value),
            "source": published.source,
            "note": f"tỷ lệ % công bố; điểm tối đa {format_number(area.max_points)} là giá trị "
            "minh họa, chưa có nguồn công bố",
        }
        if area.code == "8":
            cells["area_rank"] = str(BAC_KAN_AREA_RANKS[2022]["8"])
        return cells
    return {
        "source": GENERATED,
        "note": f"= tổng {format_number(published.total, 2)} công bố trừ 7 lĩnh vực còn lại; "
        "phụ thuộc điểm tối đa minh họa",
    }


def _plain(value: Decimal) -> str:
    """A number as the CSV writes it: dot decimal, no trailing zeros (9.5, 10, 9.0929)."""
    return format(value.normalize(), "f")


COLUMNS = (
    "year",
    "unit",
    "area",
    "area_name",
    "points",
    "percent",
    "max_points",
    "rank",
    "area_rank",
    "source",
    "note",
)


def write_csv(rows: Sequence[Mapping[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# --- the check summary ------------------------------------------------------------------------


def check(path: Path, data_dir: Path = DATA_DIR) -> list[tuple[str, bool]]:
    """Every fact the demo table must reproduce, read back through the importer and engine."""
    from .analysis import national_report, rank_warnings, rank_year
    from .importer import read_results

    results = read_results([path])
    ranked = {year: rank_year(results.years[year]) for year in YEARS}
    checks: list[tuple[str, bool]] = []
    expected_areas = [(area.code, area.max_points) for area in AREAS]
    for year in YEARS:
        year_results, ranking = results.years[year], ranked[year].ranking
        checks.append(
            (
                f"{year}: 63 tỉnh × 8 lĩnh vực, điểm tối đa 9,5/10/12/10,5/11,5/9/13/24,5",
                sorted(year_results.units) == sorted(PROVINCES)
                and [(area.code, area.max_points) for area in year_results.areas] == expected_areas,
            )
        )
        for entry in read_published(year, data_dir).values():
            if entry.total is not None:
                label = f"{year}: {entry.province} tổng {format_number(entry.total, 2)}"
                checks.append((label, ranking.results[entry.province].total == entry.total))
            if entry.rank is not None:
                label = f"{year}: {entry.province} hạng {entry.rank}"
                checks.append((label, ranking.ranks[entry.province] == entry.rank))
        checks.append(
            (
                f"{year}: điểm lĩnh vực có tối đa 4 chữ số thập phân",
                all(row.points == row.points.quantize(POINT) for row in year_results.rows.values()),
            )
        )

    ranking_2021, ranking_2022 = ranked[2021].ranking, ranked[2022].ranking
    for name, rank in IMPLIED_2021_RANKS.items():
        label = f"2021: {name} hạng {rank} (suy từ mức tăng hạng 2022)"
        checks.append((label, ranking_2021.ranks[name] == rank))
    dong_nai_fall = ranking_2021.results["Đồng Nai"].total - ranking_2022.results["Đồng Nai"].total
    checks.append(("Đồng Nai: tổng 2022 thấp hơn 2021 một chút", 0 < dong_nai_fall < 1))
    below_80 = [unit for unit, result in ranking_2021.results.items() if result.index < 80]
    checks.append(("2021: chỉ Kiên Giang dưới 80", below_80 == ["Kiên Giang"]))
    classes = list(ranking_2022.classes.values())
    class_counts = (classes.count("A"), classes.count("B"), classes.count("C"))
    checks.append(("2022: loại A/B/C = 2/56/5", class_counts == (2, 56, 5)))
    warnings = [warning for year in YEARS for warning in rank_warnings(ranked[year])]
    checks.append(("hạng công bố trong bảng khớp hạng tính được", not warnings))

    report = national_report(results, 2022, BAC_KAN, 2021)
    areas = {area.code: area for area in report.areas}
    checks += [
        (
            "Bắc Kạn 2022: 79,35 điểm, hạng 61/63, loại C",
            (report.total, report.index, report.rank, report.of, report.class_)
            == (Decimal("79.35"), Decimal("79.35"), 61, 63, "C"),
        ),
        (
            "Bắc Kạn 2022: 7,775/9,5; 9,07/10; 9,0929/10,5",
            [(areas[code].points, areas[code].max_points) for code in "124"]
            == [
                (Decimal("7.775"), Decimal("9.5")),
                (Decimal("9.07"), Decimal(10)),
                (Decimal("9.0929"), Decimal("10.5")),
            ],
        ),
        (
            "Bắc Kạn 2022: công vụ 78 %, tài chính công 73 %, CQĐT/số 72,2 %, tác động 72,4 %",
            [areas[code].percent for code in "5678"]
            == [Decimal(78), Decimal(73), Decimal("72.2"), Decimal("72.4")],
        ),
        (
            "Bắc Kạn so với 2021: 2 lĩnh vực tăng hạng, 6 giảm; 2 tăng điểm, 6 giảm",
            (
                report.areas_up_in_rank,
                report.areas_down_in_rank,
                report.areas_up_in_points,
                report.areas_down_in_points,
            )
            == (2, 6, 2, 6),
        ),
        (
            "Bắc Kạn: TTHC (3) và CQĐT/số (7) tăng 2 bậc",
            (areas["3"].rank_change, areas["7"].rank_change) == (2, 2),
        ),
        (
            "Bắc Kạn: tác động (8) hạng 34, giảm 4 bậc, là lĩnh vực xếp hạng cao nhất",
            (areas["8"].rank, areas["8"].rank_change) == (34, -4)
            and all(area.rank > 34 for area in report.areas if area.code != "8"),
        ),
    ]
    return checks


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if len(arguments) != 1:
        print("cách dùng: python -m parindex.national.generate_demo OUT.csv", file=sys.stderr)
        return 2
    output = Path(arguments[0])
    write_csv(generate(), output)
    print(f"Đã ghi {output} (DỮ LIỆU SINH RA để minh họa, không phải số liệu chính thức)")
    checks = check(output)
    for label, passed in checks:
        print(f"  {'✓' if passed else '✗'} {label}")
    failed = sum(1 for _, passed in checks if not passed)
    print(f"{len(checks) - failed}/{len(checks)} điều kiện đạt")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
