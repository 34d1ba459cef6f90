"""Writes of the service data from the web platform: imports and the data-scored criteria.

- `dossiers_import_start` keeps an uploaded export and queues its import as a background job
  (`jobs.py` runs `dossiers_import_run`); an upload of millions of rows never ties up a request.
- `feeds_import` imports a small table of other indicator figures at once.
- `data_apply` computes, for every assessment of a period, the inputs and snapshots of every
  `source: data` node (`parindex.servicedata.data_criteria`) and writes them into the
  assessments through `entry_set_system_value`, which audits and refuses locked assessments.

Reports are plain JSON (stored in `Job.report`), so that a page, a CSV and a test read the
same thing.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Callable, Iterable
from collections.abc import Mapping as MappingType
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext

from parindex.accounts.models import User
from parindex.assessments.errors import WorkflowError
from parindex.assessments.models import Assessment, NodeEntry
from parindex.assessments.selectors import engine_for_group
from parindex.assessments.services.entries import entry_set_system_value
from parindex.audit.services import audit_record
from parindex.dossiers.labels import servicedata_text, snapshot_period_label
from parindex.engine import format_number, format_percent
from parindex.jobs.models import Job
from parindex.jobs.runner import run_now, submit
from parindex.periods.models import AssessmentPeriod
from parindex.servicedata import (
    ImportResult,
    Mapping,
    Period,
    ServiceDataError,
    compute_figures,
    data_inputs,
    import_dossiers,
    import_feed,
    known_indicators,
    load_mapping,
    shipped_mappings,
)
from parindex.servicedata.data_criteria import data_requests
from parindex.servicedata.importer import SUPPORTED_SUFFIXES
from parindex.servicedata.indicators import COUNT_LABELS, RATES_BY_NAME

from .sources import (
    calendar,
    data_store,
    display_reference,
    dossier_source,
    province_reference,
    upload_folder,
)

IMPORT_JOB = "dossiers.import"
APPLY_JOB = "dossiers.apply"
# Rejected rows kept in the job's report for the page; the CSV download has all of them.
REPORT_ROWS = 200
# The importer's stage names (`parindex.servicedata`), shown translated as the job's progress.
IMPORT_STAGES = (
    gettext_noop("Đọc tệp"),
    gettext_noop("Kiểm tra từng dòng"),
    gettext_noop("Đối chiếu hồ sơ trùng"),
    gettext_noop("Ghi dữ liệu"),
)

Progress = Callable[[int, int, str], None]


# Uploads ----------------------------------------------------------------------------------------


def _safe_name(name: str) -> str:
    """The file's own name without folders or characters a file system may refuse."""
    base = Path(name.replace("\\", "/")).name.strip() or "tep"
    return re.sub(r"[^\w.\- ]", "_", base)[:120]


def keep_upload(name: str, chunks: Iterable[bytes]) -> Path:
    """Write an uploaded file into a folder of its own; returns its path."""
    folder = upload_folder() / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / _safe_name(name)
    with path.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    return path


def discard_upload(path: Path) -> None:
    """Remove an upload's folder once its import is over (the store keeps the records)."""
    if path.parent.parent == upload_folder():
        shutil.rmtree(path.parent, ignore_errors=True)


def check_mapping_upload(name: str, stream: IO[bytes]) -> tuple[Path, Mapping]:
    """Keep an uploaded mapping YAML and read it now, so that its mistakes (with their lines)
    are shown on the form instead of failing a job later. Raises `ServiceDataError`."""
    if not name.lower().endswith((".yaml", ".yml")):
        raise ServiceDataError(gettext("tệp ánh xạ phải là .yaml hoặc .yml"), name)
    path = keep_upload(name, iter(lambda: stream.read(1 << 16), b""))
    try:
        return path, load_mapping(path)
    except ServiceDataError:
        discard_upload(path)
        raise


def dossiers_import_start(
    *, actor: User, name: str, chunks: Iterable[bytes], mapping: str, mapping_path: Path | None
) -> Job:
    """Keep the uploaded export and queue its import; `mapping` is a shipped mapping's name
    (or, with `mapping_path`, the name of an uploaded one)."""
    if not name.lower().endswith(SUPPORTED_SUFFIXES):
        raise ServiceDataError(
            gettext("không đọc được loại tệp này (có: %(suffixes)s)")
            % {"suffixes": ", ".join(SUPPORTED_SUFFIXES)},
            name,
        )
    if mapping_path is None and mapping not in shipped_mappings():
        raise ServiceDataError(
            gettext("không có ánh xạ «%(mapping)s»") % {"mapping": mapping}, gettext("ánh xạ")
        )
    path = keep_upload(name, chunks)
    params = {
        "path": str(path),
        "file_name": path.name,
        "mapping": str(mapping_path) if mapping_path else mapping,
        "mapping_label": mapping_path.name if mapping_path else mapping,
    }
    return submit(kind=IMPORT_JOB, title=_import_title(path), params=params, user=actor)


def _import_title(path: Path) -> str:
    return gettext("Nhập hồ sơ TTHC: %(file)s") % {"file": path.name}


def dossiers_import_here(
    *, actor: User | None, name: str, chunks: Iterable[bytes], mapping: str = "generic"
) -> Job:
    """Import at once, in this process (the demo loader, a test's setup): the same import job
    as an upload's, run here by the job runner instead of a worker, so that its report page
    exists. Raises `parindex.jobs.runner.JobFailed` if the import fails."""
    path = keep_upload(name, chunks)
    params = {
        "path": str(path),
        "file_name": path.name,
        "mapping": mapping,
        "mapping_label": mapping,
    }
    return run_now(kind=IMPORT_JOB, title=_import_title(path), params=params, user=actor)


# The import report -------------------------------------------------------------------------------

_COLUMN = re.compile(r"cột «([^»]+)»")


def reason_columns(reasons: str) -> str:
    """The columns a rejection names ("cột «Mã đơn vị»" …), comma-separated, in order."""
    return ", ".join(dict.fromkeys(_COLUMN.findall(reasons)))


def shown_location(location: str, path: Path) -> tuple[str, str]:
    """ "/…/uploads/ab12/x.csv, dòng 5" → ("x.csv", "dòng 5"): the server's folders are noise."""
    place, _, row = location.rpartition(", ")
    if not place:
        place, row = row, ""
    return (path.name if place == str(path) else Path(place).name), row


def import_report(result: ImportResult, *, path: Path, mapping_label: str) -> dict[str, Any]:
    batch = result.batch
    rows = []
    for rejected in result.first_rejected:
        file_name, row = shown_location(rejected.location, path)
        rows.append(
            {
                "file": file_name,
                "row": row,
                "dossier": rejected.dossier_code,
                "columns": reason_columns(rejected.reasons),
                "reason": rejected.reasons,
            }
        )
    return {
        "file": path.name,
        "mapping": mapping_label,
        "refused": False,
        "problems": [],
        "already_imported": result.already_imported,
        "batch": batch.id if batch else None,
        "batch_imported_at": batch.imported_at if batch else None,
        "read": result.read,
        "imported": result.imported,
        "rejected": result.rejected,
        "superseded_in_file": result.superseded_in_file,
        "superseded_earlier": result.superseded_earlier,
        "computed_deadlines": result.computed_deadlines,
        "absent_columns": list(result.absent_columns),
        "reconciles": result.reconciles,
        "rejected_rows": rows,
    }


def refused_report(error: ServiceDataError, *, path: Path, mapping_label: str) -> dict[str, Any]:
    """A file that could not be used at all: every problem with its place; nothing was written."""
    problems = []
    for problem in error.problems:
        file_name, row = shown_location(problem.location, path) if problem.location else ("", "")
        problems.append({"file": file_name, "row": row, "reason": problem.message})
    return {
        "file": path.name,
        "mapping": mapping_label,
        "refused": True,
        "problems": problems,
        "rejected_rows": [],
    }


def summary_line(report: dict[str, Any]) -> str:
    """ "Đọc 304 dòng = nhập 301 + loại 3", as the command line says it."""
    if report.get("refused"):
        count = len(report["problems"])
        return ngettext(
            "Tệp bị từ chối: %(count)s vấn đề, không ghi gì.",
            "Tệp bị từ chối: %(count)s vấn đề, không ghi gì.",
            count,
        ) % {"count": count}

    def n(key: str) -> str:
        return format_number(Decimal(report[key]))

    line = gettext("Đọc %(read)s dòng = nhập %(imported)s + loại %(rejected)s") % {
        "read": n("read"),
        "imported": n("imported"),
        "rejected": n("rejected"),
    }
    if report["already_imported"]:
        return gettext("Tệp đã được nhập trước đây, không thay đổi gì. %(summary)s") % {
            "summary": line
        }
    return line


def dossiers_import_run(task: Job, progress: Progress) -> dict[str, Any]:
    """The import job's work: the file kept by `dossiers_import_start` into the store."""
    params = task.params
    path = Path(params["path"])
    total = len(IMPORT_STAGES) + 1

    def on_stage(name: str) -> None:
        done = IMPORT_STAGES.index(name) if name in IMPORT_STAGES else 0
        progress(done, total, gettext(name))

    mapping_name = params["mapping"]
    try:
        progress(0, total, gettext("Chuẩn bị danh sách đơn vị, thủ tục"))
        mapping = (
            load_mapping(Path(mapping_name))
            if mapping_name.endswith((".yaml", ".yml"))
            else load_mapping(shipped_mappings()[mapping_name])
        )
        result = import_dossiers(
            path,
            mapping,
            store=data_store(),
            reference=province_reference(),
            calendar=calendar(),
            on_stage=on_stage,
            shown_rejections=REPORT_ROWS,
        )
        report = import_report(result, path=path, mapping_label=params["mapping_label"])
    except ServiceDataError as error:
        report = refused_report(error, path=path, mapping_label=params["mapping_label"])
    finally:
        discard_upload(path)
        if mapping_name.endswith((".yaml", ".yml")):
            discard_upload(Path(mapping_name))
    if not report["refused"] and not report["already_imported"]:
        audit_record(
            actor=task.created_by,
            action="dossiers_import",
            object_type="servicedata_batch",
            object_id=report["batch"],
            object_repr=f"Hồ sơ TTHC: {report['file']}",
            changes={
                key: report[key]
                for key in (
                    "read",
                    "imported",
                    "rejected",
                    "superseded_in_file",
                    "superseded_earlier",
                )
            },
        )
    progress(total, total, summary_line(report))
    return report


def feeds_import(*, actor: User | None, name: str, chunks: Iterable[bytes]) -> dict[str, Any]:
    """Import a table of other indicator figures (small: done in the request). Returns the same
    report as a dossier import; a file that cannot be used gives a refused report."""
    path = keep_upload(name, chunks)
    try:
        result = import_feed(path, store=data_store(), reference=province_reference())
        report = import_report(result, path=path, mapping_label="feed")
    except ServiceDataError as error:
        report = refused_report(error, path=path, mapping_label="feed")
    finally:
        discard_upload(path)
    if not report["refused"] and not report["already_imported"]:
        audit_record(
            actor=actor,
            action="feeds_import",
            object_type="servicedata_batch",
            object_id=report["batch"],
            object_repr=f"Số liệu khác: {report['file']}",
            changes={key: report[key] for key in ("read", "imported", "rejected")},
        )
    return report


# Data-scored criteria -----------------------------------------------------------------------------


def data_period(period: AssessmentPeriod) -> Period:
    """The figures a data node uses by default: the assessment year (a node may name its own
    period with `indicator: …@2025-Q3`)."""
    return Period(date(period.year, 1, 1), date(period.year, 12, 31), "year")


@dataclass
class ApplyReport:
    period: str
    assessments: int = 0
    written: int = 0
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)  # one line per assessment refused
    problems: list[str] = field(default_factory=list)  # figures missing, unknown indicators
    batches: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _lower_first(text: str) -> str:
    """ "Hồ sơ của TTHC có DVCTT" → "hồ sơ của TTHC có DVCTT": inside a sentence, acronyms kept."""
    return text[:1].lower() + text[1:]


def _summary(snapshot: dict[str, Any]) -> str:
    """One line for lists and the audit trail: the figure, its period, when it was computed."""
    rate = RATES_BY_NAME.get(snapshot["indicator"])
    label = snapshot["indicator_label"]
    period = snapshot_period_label(snapshot["period"])
    computed = datetime.fromisoformat(snapshot["computed_at"])
    when = f"{timezone.localtime(computed):%d/%m/%Y %H:%M}"
    numerator, denominator = snapshot["numerator"], snapshot["denominator"]
    if numerator is not None and denominator is not None:
        counted = f"{format_number(Decimal(numerator))}/{format_number(Decimal(denominator))}"
        if rate:
            cases = COUNT_LABELS.get(rate.denominator) or gettext_noop("trường hợp")
            counted += f" {_lower_first(servicedata_text(cases))}"
        value = (
            format_percent(Decimal(snapshot["rate_percent"]))
            if snapshot["rate_percent"] is not None
            else gettext("không phát sinh")
        )
        text = f"{servicedata_text(label)}: {counted} = {value}"
    else:
        value = snapshot["value"]
        text = f"{servicedata_text(label)}: {format_number(Decimal(value)) if value is not None else '—'}"
    if snapshot["unofficial"]:
        text = gettext("%(figure)s (không chính thức)") % {"figure": text}
    return gettext("%(figure)s — %(period)s, số liệu hệ thống, tính lúc %(when)s") % {
        "figure": text,
        "period": period,
        "when": when,
    }


def _same_figures(
    entry: NodeEntry | None, values: MappingType[str, Any], snapshot: dict[str, Any]
) -> bool:
    """Whether the entry already holds these figures, computed from the same batches."""
    if entry is None or entry.provenance is None or entry.appraised_values is None:
        return False
    stored = {key: str(value) for key, value in values.items()}
    old = entry.provenance
    return (
        {k: str(v) for k, v in entry.appraised_values.items()} == stored
        and old.get("indicator") == snapshot["indicator"]
        and old.get("period") == snapshot["period"]
        and old.get("store_batches") == snapshot["store_batches"]
    )


def data_apply(
    *, period: AssessmentPeriod, actor: User | None, progress: Progress | None = None
) -> ApplyReport:
    """Fill every data-scored node of every assessment of `period` from the service data.

    One indicator query per distinct period for all units; an entry that already holds the same
    figures from the same batches is left alone (its version does not move, so an appraiser's
    open page is not disturbed). An approved or published assessment is refused by
    `entry_set_system_value` and listed in the report; the others go on.
    """
    step = progress or (lambda done, total, message: None)
    report = ApplyReport(period=period.name)
    assessments = list(
        Assessment.objects.filter(period=period)
        .select_related("unit", "group__framework", "period")
        .order_by("group__position", "unit__code")
    )
    report.assessments = len(assessments)
    known = known_indicators()
    default = data_period(period)
    frameworks = {a.group_id: engine_for_group(a.group) for a in assessments}
    periods = {default}
    for framework in frameworks.values():
        requests, _problems = data_requests(framework, default, known)
        periods.update(request.period for request in requests)
    store = data_store()
    source = dossier_source(store)
    report.batches = [batch.id for batch in store.batches()]
    step(0, len(assessments) + 1, gettext("Tính chỉ số cho các đơn vị"))
    figures = compute_figures(
        sorted({a.unit.code for a in assessments}),
        sorted(periods),
        source=source,
        store=store,
        reference=display_reference(),
    )
    batch_files = {
        batch.id: {"id": batch.id, "file_name": batch.file_name, "imported_at": batch.imported_at}
        for batch in store.batches()
    }
    entries = {
        (entry.assessment_id, entry.node_code): entry
        for entry in NodeEntry.objects.filter(assessment__in=assessments)
    }
    for done, assessment in enumerate(assessments, start=1):
        step(done, len(assessments) + 1, f"{assessment.unit.name}")
        framework = frameworks[assessment.group_id]
        computed = data_inputs(
            framework, assessment.unit.code, figures[assessment.unit.code], default, known
        )
        report.problems += [
            gettext("%(unit)s (%(code)s), mục %(node)s: %(problem)s")
            % {
                "unit": assessment.unit.name,
                "code": assessment.unit.code,
                "node": problem.location.rpartition("/")[2],
                "problem": problem.message,
            }
            for problem in computed.problems
        ]
        for code, node_input in computed.inputs.items():
            snapshot = {
                **computed.snapshots[code],
                "node_title": framework.nodes[code].title,
                "framework": framework.info.code,
                "assessment": assessment.pk,
                "unit_name": assessment.unit.name,
                "batch_files": [
                    batch_files[b]
                    for b in computed.snapshots[code]["store_batches"]
                    if b in batch_files
                ],
            }
            snapshot["summary"] = _summary(snapshot)
            if _same_figures(entries.get((assessment.pk, code)), node_input.values, snapshot):
                report.unchanged += 1
                continue
            try:
                entry_set_system_value(
                    assessment=assessment,
                    node_code=code,
                    values=dict(node_input.values),
                    provenance=snapshot,
                    actor=actor,
                )
            except WorkflowError as error:
                report.refused.append(f"{assessment.unit.name}: {error}")
                break  # the whole assessment is locked: its other nodes would be refused too
            report.written += 1
    step(len(assessments) + 1, len(assessments) + 1, gettext("Xong"))
    return report


def data_apply_start(*, actor: User, period: AssessmentPeriod) -> Job:
    return submit(
        kind=APPLY_JOB,
        title=gettext("Chấm tiêu chí từ số liệu hồ sơ: %(period)s") % {"period": period.name},
        params={"period": period.pk},
        user=actor,
    )
