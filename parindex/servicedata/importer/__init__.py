"""Import one-stop-shop dossier exports (CSV, XLSX, Parquet, JSON Lines) into the store.

The work is SQL in DuckDB, not a Python loop over rows (`pipeline.import_dossiers` runs the
steps in order):

1. the file is read as text columns, one row per record, with its row number (`files.py`);
2. one `SELECT` maps the vendor's columns and codes to the canonical record (`schema.py`),
   parses dates in the mapping's formats (`parsing.py`), looks units and procedures up in the
   reference lists, computes missing deadlines with the working-day calendar (a join, see
   `calendar.py`) and lists every problem of the row (`checks.py`);
3. rows with problems are rejected, with file, row and reasons; the others are written as one
   immutable Parquet part; `read = imported + rejected` always holds and is printed
   (`results.py`).

The same file read with the same mapping, reference lists and calendar is not imported twice
(nothing changes). Read again after one of those changed (a unit added to units.csv, say), it
is imported again and its records replace the earlier ones.

Duplicate dossier codes: the later record wins. Inside a file the later row wins; across files
the later import wins. The replaced records are counted and listed in the new batch's
`superseded.parquet`, so earlier parts never change ("append without recomputing history").
A rejected row never replaces anything.

Row numbers ("dòng N") count the header as row 1, as a spreadsheet does; for XLSX they are the
sheet's row numbers, for JSON Lines the line number, for Parquet the record number ("hàng").
Blank lines in a CSV are skipped and not counted. A CSV whose structure is broken (a row with
too many or too few fields) is refused as a whole, listing those rows: its columns cannot be
trusted.
"""

from .files import SUPPORTED_SUFFIXES
from .pipeline import import_dossiers
from .results import ImportResult, RejectedRow, UnknownCode, already_imported

__all__ = [
    "SUPPORTED_SUFFIXES",
    "ImportResult",
    "RejectedRow",
    "UnknownCode",
    "already_imported",
    "import_dossiers",
]
