"""Responses: import from ODK Central / Briefcase / KoboToolbox exports (CSV, XLSX, ZIP) or
plain rows, and a columnar view.

An export has one column per form field, named by its group path (`nhom_a/q1`, `nhom_a-q1`)
or its bare name (`headers`); repeat groups come as tables of their own (ODK Central's ZIP,
KoboToolbox's XLSX sheets) and are stored as one JSON column per repeat group (`repeats`).
Meta columns (submission and version ids, times, the device) are listed in `headers`.

Anonymity: only the form's own fields are kept. Every other column (`_id`,
`SubmitterName`, `_geolocation`, `username`, …) is dropped on import and named in the
import report. The source (device or account) is kept only as a keyed hash (HMAC-SHA-256
with the store's secret salt), enough to tell "same device" and nothing more. `anonymise`
drops the submission id, the source hash and exact times, and the fields the form marks
`personal`.

Rows are checked column by column (vectorised); a row with any problem is rejected as a
whole and listed with its file row (header = row 1) and column. Rows whose submission is
already stored are counted as "already imported", so a cumulative export can be imported
again and again; an edited submission replaces its stored version (`parsing`).

Modules: `columns` (the table's own columns, import results), `files` (reading exports),
`headers` (columns → fields), `values` (answer checks), `repeats`, `parsing`
(`parse_responses`), `columnar` and `frame` (`FormData`, the columnar view), `export`
(anonymised CSV).
"""

from .columns import (
    BATCH,
    COPY_OF,
    ENDED,
    FORM_ID,
    FORM_VERSION,
    GROUP,
    INSTANCE,
    META_COLUMNS,
    RESPONSE_ID,
    ROW,
    SOURCE,
    STARTED,
    SUBMITTED,
    TIMESTAMP,
    UNIT,
    UUID,
    RawResponses,
    RejectedRow,
    Replacement,
    ResponseImport,
)
from .export import anonymise, write_csv
from .files import read_csv_bytes, read_response_file, rows_to_raw
from .frame import FormData
from .parsing import parse_responses, response_id, source_hash
from .values import parse_times

__all__ = [
    "BATCH",
    "COPY_OF",
    "ENDED",
    "FORM_ID",
    "FORM_VERSION",
    "GROUP",
    "INSTANCE",
    "META_COLUMNS",
    "RESPONSE_ID",
    "ROW",
    "SOURCE",
    "STARTED",
    "SUBMITTED",
    "TIMESTAMP",
    "UNIT",
    "UUID",
    "FormData",
    "RawResponses",
    "RejectedRow",
    "Replacement",
    "ResponseImport",
    "anonymise",
    "parse_responses",
    "parse_times",
    "read_csv_bytes",
    "read_response_file",
    "response_id",
    "rows_to_raw",
    "source_hash",
    "write_csv",
]
