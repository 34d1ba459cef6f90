"""The province's national position as the page and the Word report show it: the analysis
(`parindex.national`), its written text, the averages to compare with, and the charts."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from parindex.documents.narrative import template_folders
from parindex.national import NationalReport, NationalResults, national_report, rank_year
from parindex.national.narrative import load_templates, national_narrative
from parindex.nationaldata import charts
from parindex.nationaldata.models import NationalTable
from parindex.nationaldata.selectors import (
    area_averages,
    national_averages,
    regional_averages,
    table_results,
)


@dataclass
class NationalPage:
    table: NationalTable
    results: NationalResults
    report: NationalReport
    narrative: str
    region: str
    series: dict[int, Decimal]  # the province's index by year
    national: dict[int, Decimal]
    regional: dict[int, Decimal]
    regional_sources: list[str]
    area_national: dict[str, Decimal]

    @property
    def year_rows(self) -> list[tuple[int, Decimal | None, Decimal | None, Decimal | None]]:
        """The years chart's figures as table rows (year, province, national, region), shown
        beside the chart for readers who cannot see it."""
        years = sorted(set(self.series) | set(self.national) | set(self.regional))
        return [
            (year, self.series.get(year), self.national.get(year), self.regional.get(year))
            for year in years
        ]

    def years_chart(self, output: str = "svg") -> str | bytes:
        return charts.years_chart(
            self.report.unit,
            self.series,
            self.national,
            self.region,
            self.regional,
            output=output,
        )

    def areas_chart(self, output: str = "svg") -> str | bytes:
        return charts.areas_chart(
            [area.name for area in self.report.areas],
            [area.percent for area in self.report.areas],
            [self.area_national[area.code] for area in self.report.areas],
            self.report.unit,
            output=output,
        )


def province_series(results: NationalResults, unit: str) -> dict[int, Decimal]:
    series = {}
    for year, year_results in results.years.items():
        if unit in year_results.units:
            series[year] = rank_year(year_results).unit_result(unit).index
    return series


def national_page_data(
    *, table_pk: int, year: int, compare_to: int | None, unit: str, region: str = ""
) -> NationalPage:
    """Raises `NationalReportError` for a year or province the table does not hold."""
    table = NationalTable.objects.get(pk=table_pk)
    results = table_results(table)
    report = national_report(results, year, unit, compare_to)
    regional = regional_averages(region)
    return NationalPage(
        table=table,
        results=results,
        report=report,
        narrative=national_narrative(report, load_templates("national", template_folders())),
        region=region,
        series=province_series(results, report.unit),
        national=national_averages(results),
        regional={item.year: item.average for item in regional},
        regional_sources=sorted({item.source for item in regional}),
        area_national=area_averages(results, year),
    )
