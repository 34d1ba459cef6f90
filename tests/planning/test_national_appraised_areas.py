"""The national plan from the province's appraised areas (as the Ministry's per-criterion
result gives them) instead of the table's row: the other provinces keep their totals."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from parindex.national import read_results
from parindex.planning import PlanningError, national_plan, with_unit_areas

TABLE = (
    Path(__file__).resolve().parents[2]
    / "parindex"
    / "data"
    / "national"
    / "par_index_generated_2021_2022.csv"
)


def test_the_plan_reads_the_appraised_areas_of_the_province():
    results = read_results([TABLE])
    table_plan = national_plan(results, 2022, "Bắc Kạn", 40)
    row = {area.code: area.points for area in table_plan.areas}
    # One more point in area 1 (still below its maximum 9,5): one point less to find.
    appraised = {**row, "1": row["1"] + 1}
    plan = national_plan(results, 2022, "Bắc Kạn", 40, areas=appraised)
    assert plan.total == table_plan.total + 1
    assert plan.points_needed == max(table_plan.points_needed - 1, Decimal(0))
    assert {area.code: area.points for area in plan.areas}["1"] == row["1"] + 1
    # Nobody else moved.
    replaced = with_unit_areas(results, 2022, "Bắc Kạn", appraised)
    assert replaced.years[2022].total("Hà Giang") == results.years[2022].total("Hà Giang")
    assert replaced.years[2021] is results.years[2021]


def test_every_area_must_be_given():
    results = read_results([TABLE])
    with pytest.raises(PlanningError, match="thiếu điểm thẩm định của lĩnh vực 8"):
        national_plan(results, 2022, "Bắc Kạn", 40, areas={str(n): Decimal(1) for n in range(1, 8)})
