"""The audit trail's Excel export as a background job (the workbook: `exports.py`).

The audit app imports this module when Django starts, so every process (web server, job
worker) knows the kind. The page that starts the job asks the policy first (`audit.view`).
"""

from __future__ import annotations

from parindex.audit import exports
from parindex.audit.labels import EventFilter
from parindex.jobs.models import Job
from parindex.jobs.runner import Progress, job


@job(exports.AUDIT_EXCEL_JOB)
def audit_excel_job(task: Job, progress: Progress) -> tuple[str, bytes]:
    events = exports.filtered_events(EventFilter.from_params(task.params))
    return exports.EXPORT_NAME, exports.events_workbook(events, progress)
