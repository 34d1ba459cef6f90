"""Service data: one-stop-shop dossiers and other indicator feeds, and the indicators on them.

Layers, bottom up: `schema` (the canonical record), `calendar` (working days), `mapping`
(vendor exports → canonical), `reference` (units, procedures), `store` (immutable Parquet
batches and a manifest), `importer` and `feeds` (files → store), `discovery` (the reference
lists an export contains, for a first import), `indicators` (the SQL) and `engines` (the same
SQL on DuckDB, Spark SQL or PostgreSQL),
`qd766` (unofficial 766-style points), `drilldown`, `data_criteria` (framework nodes scored
from data) and `export`. The CLI (`parindex dossiers …`) is a thin adapter over these.
See docs/service-data.md.
"""

from .calendar import CalendarConfig, WorkingCalendar, load_calendar_config
from .data_criteria import DataInputs, compute_figures, data_inputs, known_indicators
from .discovery import FoundReference, discover_reference, reference_add, write_reference_files
from .drilldown import Drilldown, DrillItem, drilldown
from .errors import ServiceDataError
from .feeds import active_feed_rows, attach_feeds, import_feed, load_feed_catalogue
from .importer import ImportResult, RejectedRow, UnknownCode, import_dossiers
from .indicators import (
    RATES,
    DossierSource,
    IndicatorRequest,
    IndicatorRow,
    IndicatorTable,
    compute_indicators,
    compute_indicators_on,
)
from .mapping import Mapping, load_mapping, resolve_mapping, shipped_mappings
from .periods import Period, parse_period, periods_between
from .qd766 import PointsConfig, PointsResult, attach_points, load_points_config
from .reference import Reference, load_reference
from .store import Store, default_store_dir

__all__ = [
    "RATES",
    "CalendarConfig",
    "DataInputs",
    "DossierSource",
    "DrillItem",
    "Drilldown",
    "FoundReference",
    "ImportResult",
    "IndicatorRequest",
    "IndicatorRow",
    "IndicatorTable",
    "Mapping",
    "Period",
    "PointsConfig",
    "PointsResult",
    "Reference",
    "RejectedRow",
    "ServiceDataError",
    "Store",
    "UnknownCode",
    "WorkingCalendar",
    "active_feed_rows",
    "attach_feeds",
    "attach_points",
    "compute_figures",
    "compute_indicators",
    "compute_indicators_on",
    "data_inputs",
    "default_store_dir",
    "discover_reference",
    "drilldown",
    "import_dossiers",
    "import_feed",
    "known_indicators",
    "load_calendar_config",
    "load_feed_catalogue",
    "load_mapping",
    "load_points_config",
    "load_reference",
    "parse_period",
    "periods_between",
    "reference_add",
    "resolve_mapping",
    "shipped_mappings",
    "write_reference_files",
]
