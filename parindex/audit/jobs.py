"""The audit trail's Excel export as a background job.

Registered here, in the web app, because the job runner (`parindex.jobs`) and the audit app
are siblings in the layers and may not import each other; the workbook itself is the audit
app's (`parindex.audit.exports`). The page that starts the job asks the policy first
(`audit.view`).
"""

from __future__ import annotations

from parindex.audit import exports
from parindex.jobs.models import Job
from parindex.jobs.runner import Progress, job


@job(exports.AUDIT_EXCEL_JOB)
def audit_excel_job(task: Job, progress: Progress) -> tuple[str, bytes]:
    events = exports.filtered_events(task.params.get("type", ""))
    return exports.EXPORT_NAME, exports.events_workbook(events, progress)
