"""Dossiers pushed by a one-stop-shop system through the REST API (`POST /api/v1/dossiers/push`).

The batch (JSON records of the canonical format) is kept as a JSON Lines file in the upload
folder and imported by the `dossiers.push` job through `servicedata.push.push_dossiers`: the
file import's checks, counts and rejected rows, made idempotent per record by dossier code and
update time. A small batch runs inside the request (`run_now`: the same job, its `Job` row and
report page included); a large one is queued (`submit`) and its job is polled. The caller asked
the policy first (`dossiers.manage`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.audit.services import audit_record
from parindex.jobs.models import Job
from parindex.jobs.runner import Progress, run_now, submit
from parindex.servicedata import ServiceDataError, load_mapping, shipped_mappings
from parindex.servicedata.push import PushResult, push_dossiers

from .services import (
    IMPORT_STAGES,
    REPORT_ROWS,
    discard_upload,
    keep_upload,
    reason_columns,
    refused_report,
)
from .sources import calendar, data_store, province_reference

PUSH_JOB = "dossiers.push"


def sync_limit() -> int:
    return int(getattr(settings, "PARINDEX_API_PUSH_SYNC_LIMIT", 5000))


def dossiers_push_start(
    *, actor: User, records: Iterable[dict[str, Any]], count: int, source: str
) -> Job:
    """Keep the batch as JSON Lines and import it: here and now up to `sync_limit()` records,
    else as a queued job (the returned job is then queued, or already done in tests)."""
    lines = (
        json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")
        + b"\n"
        for record in records
    )
    path = keep_upload(f"{source}.jsonl", lines)
    params = {"path": str(path), "file_name": path.name, "records": count, "source": source}
    title = gettext("Nhận hồ sơ TTHC qua API: %(count)s hồ sơ (%(source)s)") % {
        "count": count,
        "source": source,
    }
    if count <= sync_limit():
        return run_now(kind=PUSH_JOB, title=title, params=params, user=actor)
    return submit(kind=PUSH_JOB, title=title, params=params, user=actor)


def _clean(value: Any) -> Any:
    """The report as JSON that every database stores: a NUL character (which PostgreSQL's
    JSON refuses) in a pushed code or field name is shown as U+FFFD."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


def push_report(pushed: PushResult) -> dict[str, Any]:
    """The import report of a push: the file import's fields, plus `unchanged`, `outdated`,
    and each rejected record's `index` (0-based in the batch) and `row` (1-based)."""
    rows = [
        {
            "index": problem.index,
            "row": problem.index + 1,
            "dossier": problem.dossier_code,
            "field": problem.field,
            "fields": [problem.field],
            "reason": problem.reason,
        }
        for problem in pushed.problems
    ]
    result = pushed.result
    if result is not None and not result.already_imported:
        for rejected in result.first_rejected:
            index = pushed.index_of(rejected.location)
            columns = [name for name in reason_columns(rejected.reasons).split(", ") if name]
            rows.append(
                {
                    "index": index,
                    "row": index + 1 if index is not None else None,
                    "dossier": rejected.dossier_code,
                    "field": columns[0] if columns else None,
                    "fields": columns,
                    "reason": rejected.reasons,
                }
            )
    rows.sort(key=lambda row: (row["index"] is None, row["index"] or 0))
    batch = result.batch if result is not None else None
    imported = pushed.imported if result is None or not result.already_imported else 0
    return _clean(
        {
            "refused": False,
            "problems": [],
            "already_imported": pushed.already_pushed,
            "batch": batch.id if batch else pushed.earlier.get("batch"),
            "read": pushed.pushed,
            "imported": imported,
            "rejected": pushed.rejected,
            "unchanged": pushed.unchanged,
            "outdated": pushed.outdated,
            "superseded_in_file": result.superseded_in_file if result else 0,
            "superseded_earlier": result.superseded_earlier if result else 0,
            "computed_deadlines": result.computed_deadlines if result else 0,
            "absent_columns": list(result.absent_columns) if result else [],
            "ignored_fields": list(pushed.ignored_fields),
            "unknown_units": [[u.code, u.name, u.rows] for u in result.unknown_units]
            if result
            else [],
            "unknown_procedures": (
                [[u.code, u.name, u.rows] for u in result.unknown_procedures] if result else []
            ),
            "reconciles": pushed.pushed
            == imported + pushed.rejected + pushed.unchanged + pushed.outdated
            if not pushed.already_pushed
            else True,
            "rejected_rows": rows[:REPORT_ROWS],
            "earlier": pushed.earlier,
        }
    )


def dossiers_push_run(task: Job, progress: Progress) -> dict[str, Any]:
    """The push job's work: the kept batch into the store, then its report and audit event."""
    path = Path(task.params["path"])
    total = len(IMPORT_STAGES) + 1

    def on_stage(name: str) -> None:
        done = IMPORT_STAGES.index(name) if name in IMPORT_STAGES else 0
        progress(done, total, gettext(name))

    try:
        progress(0, total, gettext("Chuẩn bị danh sách đơn vị, thủ tục"))
        pushed = push_dossiers(
            path,
            load_mapping(shipped_mappings()["generic"]),
            store=data_store(),
            reference=province_reference(),
            calendar=calendar(),
            on_stage=on_stage,
            shown_rejections=REPORT_ROWS,
        )
        report = push_report(pushed)
    except ServiceDataError as error:
        report = _clean(refused_report(error, path=path, mapping_label="generic"))
        report["read"] = task.params.get("records", 0)
    finally:
        discard_upload(path)
    if not report["refused"] and report["imported"]:
        audit_record(
            actor=task.created_by,
            action="dossiers_push",
            object_type="servicedata_batch",
            object_id=report["batch"],
            object_repr=f"Hồ sơ TTHC qua API: {task.params.get('source', '')}",
            changes={
                key: report[key]
                for key in ("read", "imported", "rejected", "unchanged", "outdated")
            },
        )
    summary = gettext(
        "Nhận %(read)s hồ sơ = nhập %(imported)s + loại %(rejected)s + không đổi %(unchanged)s "
        "+ cũ hơn %(outdated)s"
    ) % {
        key: report.get(key, 0) for key in ("read", "imported", "rejected", "unchanged", "outdated")
    }
    progress(total, total, gettext("Tệp bị từ chối.") if report["refused"] else summary)
    return report
