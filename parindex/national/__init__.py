"""The national PAR INDEX analysis: published results in, a province's standing out.

`read_results` reads long-form CSV/XLSX files, `national_report` analyses one
unit with the engine, and `render` turns the report into a table, JSON or XLSX.
"""

from .analysis import (
    AreaLine,
    HeadroomLine,
    NationalReport,
    NationalReportError,
    RankedYear,
    SourceLine,
    find_unit,
    find_year,
    national_report,
    rank_warnings,
    rank_year,
    year_framework,
)
from .importer import (
    Area,
    NationalResults,
    ResultRow,
    ResultsImportError,
    YearResults,
    read_results,
)
from .render import json_number, print_table, render_json, render_xlsx, report_to_dict, table_text

__all__ = [
    "Area",
    "AreaLine",
    "HeadroomLine",
    "NationalReport",
    "NationalReportError",
    "NationalResults",
    "RankedYear",
    "ResultRow",
    "ResultsImportError",
    "SourceLine",
    "YearResults",
    "find_unit",
    "find_year",
    "json_number",
    "national_report",
    "print_table",
    "rank_warnings",
    "rank_year",
    "read_results",
    "render_json",
    "render_xlsx",
    "report_to_dict",
    "table_text",
    "year_framework",
]
