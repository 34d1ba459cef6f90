"""Published regional averages of the PAR INDEX (par_index_regional_averages.csv), each with
its source. Pure: no Django."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

REGIONAL_AVERAGES = (
    Path(__file__).resolve().parent.parent / "data" / "national" / "par_index_regional_averages.csv"
)


@dataclass(frozen=True)
class RegionalAverage:
    year: int
    region: str
    average: Decimal  # PAR INDEX in %
    source: str


def read_regional_averages(path: Path = REGIONAL_AVERAGES) -> list[RegionalAverage]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            RegionalAverage(
                int(row["year"]),
                row["region"].strip(),
                Decimal(row["avg_par_index_pct"]),
                row["source_url"].strip(),
            )
            for row in csv.DictReader(handle)
        ]
