"""Permission-matrix entries for the service-data pages (see tests/web/matrix.py).

Pages that need imported data import the small export of tests/dossiers/helpers.py (recorded
as a finished import job of the appraiser); the store is the test session's data folder, so
after the first import the same file is recognised and nothing is re-read.
"""

from __future__ import annotations

from typing import Any

from parindex.dossiers import services
from parindex.jobs.models import Job
from tests.dossiers.helpers import export_csv

from .matrix import ALL, HOME_AFFAIRS, PROVINCIAL, UNIT_A, Entry


def _import_job(p: dict[str, Any]) -> Job:
    """An import job of the appraiser (made once per test, kept in the fixture's dict)."""
    if "dossier_job" not in p:
        p["dossier_job"] = services.dossiers_import_here(
            actor=p["users"]["appraiser"], name="ho-so-2025.csv", chunks=[export_csv()]
        )
    job: Job = p["dossier_job"]
    return job


def _with_data(p: dict[str, Any], args: list[Any]) -> list[Any]:
    _import_job(p)
    return args


ENTRIES = {
    "dossiers:dashboard": Entry(ALL),
    "dossiers:unit": Entry(PROVINCIAL | UNIT_A, lambda p: _with_data(p, [p["unit_a"].pk])),
    "dossiers:drilldown": Entry(PROVINCIAL, lambda p: _with_data(p, [])),
    "dossiers:drilldown_export": Entry(PROVINCIAL, lambda p: _with_data(p, [])),
    "dossiers:upload": Entry(HOME_AFFAIRS),
    "dossiers:report": Entry(HOME_AFFAIRS, lambda p: [_import_job(p).pk]),
    "dossiers:report_csv": Entry(HOME_AFFAIRS, lambda p: [_import_job(p).pk]),
    "dossiers:batches": Entry(HOME_AFFAIRS),
    "dossiers:batch_rejected": Entry(HOME_AFFAIRS, lambda p: [_import_job(p).report["batch"]]),
    "dossiers:mapping": Entry(HOME_AFFAIRS, lambda p: ["generic"]),
    "dossiers:feeds": Entry(HOME_AFFAIRS),
    "dossiers:criteria": Entry(HOME_AFFAIRS),
    "dossiers:apply": Entry(HOME_AFFAIRS, lambda p: [p["period"].pk], method="post"),
    "dossiers:provenance": Entry(PROVINCIAL | UNIT_A, lambda p: [p["assessment_a"].pk, "2.1"]),
}
