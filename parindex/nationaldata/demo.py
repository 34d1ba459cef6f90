"""The demo's national table: the shipped example (GENERATED apart from the rows that name a
published source), imported as Home Affairs would, and labelled as example data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from parindex.nationaldata.models import NationalTable
from parindex.nationaldata.services import national_table_import

EXAMPLE = (
    Path(__file__).resolve().parent.parent
    / "data"
    / "national"
    / "par_index_generated_2021_2022.csv"
)
EXAMPLE_SOURCE = (
    "Bảng ví dụ của parindex (par_index_generated_2021_2022.csv): số liệu SINH MINH HỌA, trừ "
    "các dòng ghi nguồn công bố (Bắc Kạn 2022 theo Báo Bắc Kạn 2023; tổng điểm, thứ hạng đã "
    "công bố của một số tỉnh)"
)


def load_demo_national(log: Callable[[str], None] = print) -> None:
    if NationalTable.objects.exists():
        return
    table = national_table_import(
        actor=None,
        name=EXAMPLE.name,
        data=EXAMPLE.read_bytes(),
        source=EXAMPLE_SOURCE,
        is_example=True,
    )
    log(f"Demo national table: {table.name} ({', '.join(str(y) for y in table.years)}), example.")
