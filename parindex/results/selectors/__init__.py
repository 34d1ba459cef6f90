"""Reads for the results pages and reports, one API for the pages, the jobs, the Excel and
PDF exports.

- `standings`: a group's standing (frozen published rows, or scored live from the entries
  and cached per process);
- `year_over_year`: each unit's previous year through unit lineage;
- `rankings`: the ranking page of a group;
- `scorecards`: a unit's scorecard (areas, the group average, year-over-year changes,
  self vs appraised, headroom);
- `page_versions`: what a cached results page depends on;
- `landing`: the periods and the class bands in words.

Reports and charts consume these objects, never querysets.
"""

from parindex.results.selectors.landing import class_band_texts, result_periods
from parindex.results.selectors.page_versions import clear_live_cache, page_version
from parindex.results.selectors.rankings import (
    RankingPage,
    RankingRow,
    RankInterval,
    ranking_page,
)
from parindex.results.selectors.scorecards import (
    Scorecard,
    group_area_averages,
    page_scorecards,
    scorecard_for,
    unit_scorecard,
)
from parindex.results.selectors.standings import Standing, group_standing, period_groups
from parindex.results.selectors.year_over_year import (
    HIDDEN,
    NONE,
    PRIMARY,
    SAME,
    SEVERAL,
    SOLE,
    PreviousYear,
    previous_year,
)

__all__ = [
    "HIDDEN",
    "NONE",
    "PRIMARY",
    "SAME",
    "SEVERAL",
    "SOLE",
    "PreviousYear",
    "RankInterval",
    "RankingPage",
    "RankingRow",
    "Scorecard",
    "Standing",
    "class_band_texts",
    "clear_live_cache",
    "group_area_averages",
    "group_standing",
    "page_scorecards",
    "page_version",
    "period_groups",
    "previous_year",
    "ranking_page",
    "result_periods",
    "scorecard_for",
    "unit_scorecard",
]
