"""Times read the same on the pages, in the forms and on the command line: dd/mm/yyyy HH:MM in
the province's time zone, whatever zone the machine that wrote them ran in."""

from __future__ import annotations

import datetime

from parindex.cli.dossiers import _shown_time
from parindex.common.dates import moment_text, parse_date_param, province_time


def test_an_instant_reads_in_the_province_time() -> None:
    utc = datetime.datetime(2025, 3, 1, 20, 30, tzinfo=datetime.UTC)
    assert moment_text(utc) == "02/03/2025 03:30"
    assert province_time(utc).utcoffset() == datetime.timedelta(hours=7)
    assert moment_text("2025-03-01T08:30:00+00:00") == "01/03/2025 15:30"
    assert moment_text("2025-03-01T15:30:00+07:00") == "01/03/2025 15:30"


def test_a_batch_imported_on_a_server_running_in_utc_lists_in_the_province_time() -> None:
    # `parindex dossiers batches` and the import summary print a batch's stored time.
    assert _shown_time("2025-03-01T08:30:00+00:00") == "01/03/2025 15:30"
    assert _shown_time("not a time") == "not a time"


def test_a_date_parameter_is_dd_mm_yyyy_or_iso() -> None:
    assert parse_date_param("05/03/2025") == datetime.date(2025, 3, 5)
    assert parse_date_param("2025-03-05") == datetime.date(2025, 3, 5)
    assert parse_date_param("03/15/2025") is None
