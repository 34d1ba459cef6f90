"""Evidence: uploads checked by content and stored once per unit and period, cited for a node
with the page or section, and no longer cited.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import IO

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.assessments import workflow
from parindex.assessments.errors import WorkflowError
from parindex.assessments.evidence import CheckedFile, EvidenceRejected
from parindex.assessments.evidence_store import UploadedFile, check_uploads, store_once
from parindex.assessments.models import Assessment, EvidenceDocument, EvidenceLink
from parindex.assessments.selectors import open_explanation
from parindex.assessments.services.shared import (
    act,
    check_self_deadline,
    check_unit_edit,
    entry_for,
    leaf_node,
)
from parindex.audit.services import audit_record


def _store_checked(
    actor: User, assessment: Assessment, checked: CheckedFile, stored: list[str]
) -> EvidenceDocument:
    """The unit's document with this content: the existing one, or a new stored file."""
    document, created = store_once(
        EvidenceDocument,
        checked,
        stored,
        owner={"unit": assessment.unit, "period": assessment.period},
        uploaded_by=actor,
    )
    if created:
        audit_record(
            actor=actor,
            action="upload",
            instance=document,
            changes={"file": [None, checked.name], "sha256": [None, checked.sha256]},
            scope=assessment,
        )
    return document


def evidence_upload_many(
    *,
    actor: User,
    assessment: Assessment,
    files: Sequence[UploadedFile],
    node_code: str | None = None,
    location: str = "",
    now: datetime.datetime | None = None,
) -> list[EvidenceDocument]:
    """Check every file first, then store each once per unit and period (same SHA-256 →
    same document) and, if `node_code` is given, cite them for that node.

    If any file is refused, nothing is stored: `EvidenceRejected` lists every refusal.
    """
    check_unit_edit(assessment, actor, now)
    if node_code:
        _check_citable(assessment, node_code)
    if not files:
        raise EvidenceRejected(gettext("Chưa chọn tệp nào."))
    checked = check_uploads(files)
    stored: list[str] = []
    try:
        with transaction.atomic():
            documents: list[EvidenceDocument] = []
            for item in checked:
                document = _store_checked(actor, assessment, item, stored)
                if document not in documents:
                    documents.append(document)
            if node_code:
                for document in documents:
                    evidence_link(
                        actor=actor,
                        assessment=assessment,
                        node_code=node_code,
                        document=document,
                        location=location,
                        now=now,
                    )
    except BaseException:
        # The database rolled back; files written for it must not stay behind.
        for name in stored:
            default_storage.delete(name)
        raise
    return documents


def evidence_upload(
    *,
    actor: User,
    assessment: Assessment,
    name: str,
    stream: IO[bytes],
    size: int | None = None,
    node_code: str | None = None,
    location: str = "",
    now: datetime.datetime | None = None,
) -> EvidenceDocument:
    """One file: see `evidence_upload_many`."""
    (document,) = evidence_upload_many(
        actor=actor,
        assessment=assessment,
        files=[UploadedFile(name, stream, size)],
        node_code=node_code,
        location=location,
        now=now,
    )
    return document


def _check_citable(assessment: Assessment, node_code: str) -> None:
    leaf_node(assessment, node_code)
    if assessment.state == workflow.State.EXPLANATION_REQUESTED:
        request = open_explanation(assessment)
        asked = set() if request is None else {item.node_code for item in request.items.all()}
        if node_code not in asked:
            raise WorkflowError(
                gettext("Đang giải trình: chỉ bổ sung tài liệu cho các mục được hỏi (%(codes)s).")
                % {"codes": ", ".join(sorted(asked)) or gettext("không có")}
            )


def evidence_link(
    *,
    actor: User,
    assessment: Assessment,
    node_code: str,
    document: EvidenceDocument,
    location: str = "",
    now: datetime.datetime | None = None,
) -> EvidenceLink:
    """Cite an already uploaded document for a node (no second upload), with its page/section."""
    check_unit_edit(assessment, actor, now)
    if document.unit_id != assessment.unit_id or document.period_id != assessment.period_id:
        raise WorkflowError(gettext("Tài liệu thuộc đơn vị hoặc kỳ khác."))
    _check_citable(assessment, node_code)
    entry = entry_for(assessment, node_code)
    link, created = EvidenceLink.objects.get_or_create(
        entry=entry,
        document=document,
        defaults={"location": location.strip()[:200], "linked_by": actor},
    )
    if created:
        audit_record(
            actor=actor,
            action="evidence",
            instance=entry,
            object_repr=f"{assessment.unit} / {node_code}",
            changes={"evidence": [None, f"{document.original_name} {link.location}".strip()]},
            scope=assessment,
        )
    return link


def evidence_unlink(
    *, actor: User, link: EvidenceLink, now: datetime.datetime | None = None
) -> None:
    """Stop citing a document for a node (the document itself stays, for other nodes)."""
    assessment = link.entry.assessment
    act(assessment, workflow.Action.SAVE_DRAFT, actor)
    check_self_deadline(assessment, now)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="evidence",
            instance=link.entry,
            object_repr=f"{assessment.unit} / {link.entry.node_code}",
            changes={"evidence": [f"{link.document.original_name} {link.location}".strip(), None]},
            scope=assessment,
        )
        link.delete()
