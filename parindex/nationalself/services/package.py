"""The submission package: the report (DOCX) and the evidence archive (ZIP with its manifest),
built by a job from the assessment as it stands, stored as a `Package`; sending it to the
Ministry locks the assessment (a later change needs a reason, `shared.check_open`)."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.engine import Framework as EngineFramework
from parindex.nationalself import selectors
from parindex.nationalself.archive import ArchiveFile, ManifestRow, build_archive, node_folder
from parindex.nationalself.archive import safe_file_name as safe
from parindex.nationalself.errors import NationalSelfError
from parindex.nationalself.models import (
    Contribution,
    Evidence,
    EvidenceLink,
    NationalSelfAssessment,
    Package,
    PackageState,
    SelfState,
)
from parindex.nationalself.report import Gap, report_docx
from parindex.nationalself.services.shared import audit, check_open, moment

Progress = Callable[[int, int, str], None]


def _department(link: EvidenceLink) -> str:
    department = link.evidence.department
    return department.name if department is not None else gettext("Sở Nội vụ (tổng hợp)")


def archive_plan(engine: EngineFramework, links: list[EvidenceLink]) -> list[ArchiveFile]:
    """Where each cited document goes in the archive, and its manifest row."""
    files: list[ArchiveFile] = []
    numbers: dict[str, int] = {}
    for link in links:
        code = link.contribution.node_code
        if code not in engine.nodes:
            continue
        evidence = link.evidence
        numbers[code] = numbers.get(code, 0) + 1
        path = f"{node_folder(engine, code)}/{numbers[code]:02d}-{safe(evidence.original_name)}"
        files.append(
            ArchiveFile(
                ManifestRow(
                    path=path,
                    file_name=evidence.original_name,
                    sha256=evidence.sha256,
                    size=evidence.size,
                    node=code,
                    node_title=engine.nodes[code].title,
                    department=_department(link),
                    document_number=evidence.document_number,
                    document_date=(
                        evidence.document_date.strftime("%d/%m/%Y")
                        if evidence.document_date
                        else ""
                    ),
                    document_title=evidence.document_title,
                    checklist_item=link.checklist_item.title if link.checklist_item else "",
                    location=link.location,
                ),
                evidence.pk,
            )
        )
    return files


def gaps_of(
    assessment: NationalSelfAssessment,
    engine: EngineFramework,
    rows: dict[str, Contribution],
) -> list[Gap]:
    """Leaves whose required documents are missing, with the province's explanation."""
    checklist = selectors.checklist_status(assessment)
    gaps = []
    for node in engine.leaves():
        if not selectors.assignable(node):
            continue
        row = rows.get(node.code)
        items = checklist.get(node.code)
        if items:
            missing = [title for title, linked in items if not linked]
        elif node.evidence_required and not (row is not None and selectors.has_evidence(row)):
            missing = [node.evidence_hint or gettext("tài liệu kiểm chứng")]
        else:
            missing = []
        if missing:
            gaps.append(
                Gap(
                    code=node.code,
                    title=node.title,
                    missing=tuple(missing),
                    explanation=row.gap_explanation if row is not None else "",
                )
            )
    return gaps


def package_names(assessment: NationalSelfAssessment) -> tuple[str, str]:
    code = safe(assessment.province.code)
    return (
        f"bao-cao-tu-danh-gia-chi-so-cchc-{assessment.year}-{code}.docx",
        f"ho-so-chi-so-cchc-{assessment.year}-{code}.zip",
    )


def package_build(
    *,
    actor: User | None,
    assessment: NationalSelfAssessment,
    proposals: str = "",
    reason: str = "",
    now: datetime.datetime | None = None,
    progress: Progress | None = None,
) -> Package:
    """Build the report and the archive from the assessment as it is now and keep them."""
    reason = check_open(assessment, reason)
    step = progress or (lambda done, total, message: None)
    engine = selectors.assessment_engine(assessment)
    rows = list(selectors.contributions(assessment))
    by_code = {row.node_code: row for row in rows}
    result = selectors.self_result(assessment, rows)
    plan = archive_plan(engine, selectors.evidence_list(assessment))
    report_name, archive_name = package_names(assessment)
    step(0, len(plan) + 2, gettext("Đang lập báo cáo"))
    report = report_docx(
        assessment,
        engine,
        result,
        by_code,
        [item.row for item in plan],
        gaps_of(assessment, engine, by_code),
        archive_name=archive_name,
        proposals=proposals,
    )
    contents: list[tuple[ArchiveFile, bytes]] = []
    documents = Evidence.objects.in_bulk({item.evidence_id for item in plan})
    cache: dict[int, bytes] = {}
    for number, item in enumerate(plan, start=1):
        if item.evidence_id not in cache:
            with documents[item.evidence_id].file.open("rb") as stream:
                cache[item.evidence_id] = stream.read()
        contents.append((item, cache[item.evidence_id]))
        step(number, len(plan) + 2, gettext("Đang đóng gói tài liệu"))
    when = timezone.localtime(moment(now))
    example = ""
    if assessment.is_example:
        example = gettext(
            "VÍ DỤ — hồ sơ sinh minh họa (demo), không phải hồ sơ chính thức gửi Bộ Nội vụ.\n"
        )
    try:
        archive = build_archive(
            contents, report_name=report_name, report=report, when=when, example_note=example
        )
    except Exception as error:
        raise NationalSelfError(str(error)) from error
    with transaction.atomic():
        package = Package(
            assessment=assessment,
            report_name=report_name,
            report_sha256=hashlib.sha256(report).hexdigest(),
            archive_name=archive_name,
            archive_sha256=hashlib.sha256(archive).hexdigest(),
            manifest=[
                {**item.row.__dict__, "evidence": item.evidence_id} for item, _data in contents
            ],
            total=result.total,
            created_by=actor,
        )
        package.report.save(report_name, ContentFile(report), save=False)
        package.archive.save(archive_name, ContentFile(archive), save=False)
        package.save()
        audit(
            actor,
            "package",
            package,
            assessment,
            {
                "total": [None, result.total],
                "files": [None, len(contents)],
                "sha256": [None, package.archive_sha256],
            },
            reason=reason,
        )
    return package


def package_send(
    *,
    actor: User,
    package: Package,
    dispatch_number: str = "",
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Package:
    """Record that this package went to the Ministry: the assessment is locked from now on."""
    assessment = package.assessment
    reason = check_open(assessment, reason)
    if package.state == PackageState.SENT:
        raise NationalSelfError(gettext("Bộ hồ sơ này đã được gửi."))
    newest = assessment.packages.order_by("-created_at", "-id").first()
    if newest is not None and newest.pk != package.pk:
        raise NationalSelfError(gettext("Chỉ gửi được bộ hồ sơ lập gần nhất."))
    when = moment(now)
    with transaction.atomic():
        package.state = PackageState.SENT
        package.sent_at = when
        package.sent_by = actor
        package.dispatch_number = dispatch_number.strip()[:80]
        package.save(update_fields=["state", "sent_at", "sent_by", "dispatch_number"])
        before = assessment.state
        assessment.state = SelfState.SENT
        assessment.sent_at = when
        assessment.sent_by = actor
        assessment.save(update_fields=["state", "sent_at", "sent_by"])
        audit(
            actor,
            "send",
            package,
            assessment,
            {
                "state": [before, assessment.state],
                "dispatch_number": [None, package.dispatch_number],
                "sha256": [None, package.archive_sha256],
            },
            reason=reason,
        )
    return package
