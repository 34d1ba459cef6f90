"""Permission-matrix entries for the assessment workflow's pages (see tests/web/matrix.py).

Unit A's assessment is the object: its users (officer_a, head_a) and provincial roles may
see it, officer_b may not know it exists (404). Doing something is the workflow table's
decision: a role that may never do an action is refused (403), a role that may but not in
the current state gets the page back with the reason (a redirect, as here: the fixture's
deadlines have passed and the assessment is a draft).

Objects the fixture lacks (an evidence document, an explanation round, a notification) are
made on demand by the `args` builders below.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.core.files.base import ContentFile

from parindex.assessments.models import (
    EvidenceDocument,
    EvidenceLink,
    ExplanationItem,
    ExplanationRequest,
    NodeEntry,
    Notification,
)

from .conftest import TZ
from .matrix import ADMIN, ALL, PROVINCIAL, UNIT_A, Entry

PDF = b"%PDF-1.4\n% matrix test\n%%EOF\n"


def _document(p: dict[str, Any]) -> EvidenceDocument:
    document = EvidenceDocument.objects.filter(unit=p["unit_a"], period=p["period"]).first()
    if document is None:
        document = EvidenceDocument(
            unit=p["unit_a"],
            period=p["period"],
            original_name="ke-hoach.pdf",
            sha256=hashlib.sha256(PDF).hexdigest(),
            size=len(PDF),
            content_type="application/pdf",
        )
        document.file.save("matrix.pdf", ContentFile(PDF), save=False)
        document.save()
    return document


def _link(p: dict[str, Any]) -> EvidenceLink:
    entry, _ = NodeEntry.objects.get_or_create(assessment=p["assessment_a"], node_code="1.1")
    link, _ = EvidenceLink.objects.get_or_create(entry=entry, document=_document(p))
    return link


def _round(p: dict[str, Any]) -> ExplanationRequest:
    request = ExplanationRequest.objects.filter(assessment=p["assessment_a"]).first()
    if request is None:
        request = ExplanationRequest.objects.create(
            assessment=p["assessment_a"],
            deadline=datetime.datetime(2026, 1, 5, 17, tzinfo=TZ),
            created_by=p["users"]["appraiser"],
        )
        ExplanationItem.objects.create(request=request, node_code="1.2", question="Vì sao?")
    return request


def _notification(p: dict[str, Any]) -> Notification:
    return Notification.objects.create(user=p["users"]["officer_a"], message="Thử", url="/")


def _a(p: dict[str, Any]) -> int:
    return p["assessment_a"].pk


SEES_A = PROVINCIAL | UNIT_A

ENTRIES = {
    # The unit's pages.
    "assessments:mine": Entry(ALL),  # provincial roles are sent on to the queue
    "assessments:self": Entry(SEES_A, lambda p: [_a(p)]),
    # The printable self-assessment form: whoever sees the self-assessment.
    "assessments:self_print": Entry(SEES_A, lambda p: [_a(p)]),
    # One area of the page, fetched when it is opened: whoever sees the page.
    "assessments:self_area": Entry(SEES_A, lambda p: [_a(p), "1"]),
    "assessments:entry_save": Entry(
        UNIT_A, lambda p: [_a(p), "1.1"], method="post", data={"v_value": "yes", "version": "1"}
    ),
    "assessments:entry_preview": Entry(
        SEES_A, lambda p: [_a(p), "1.2"], method="post", data={"v_numerator": "9"}
    ),
    "assessments:evidence_upload": Entry(UNIT_A, lambda p: [_a(p), "1.1"], method="post"),
    "assessments:evidence_link": Entry(
        UNIT_A, lambda p: [_a(p), "1.1"], method="post", data={"document": "1"}
    ),
    "assessments:evidence_unlink": Entry(UNIT_A, lambda p: [_a(p), _link(p).pk], method="post"),
    "assessments:evidence_download": Entry(SEES_A, lambda p: [_document(p).pk]),
    "assessments:submit": Entry({"head_a"}, lambda p: [_a(p)]),
    "assessments:explanation": Entry(SEES_A, lambda p: [_a(p), _round(p).pk]),
    "assessments:explanation_answer": Entry(
        UNIT_A,
        lambda p: [_a(p), _round(p).items.get().pk],
        method="post",
        data={"answer": "Phụ lục 2"},
    ),
    "assessments:explanation_send": Entry(UNIT_A, lambda p: [_a(p), _round(p).pk], method="post"),
    # The province's pages.
    "assessments:queue": Entry(PROVINCIAL),
    # Acting on many units of the queue, and taking in a unit that never submitted: appraisers.
    "assessments:bulk": Entry({"appraiser"}, method="post", data={"action": "remind"}),
    "assessments:take": Entry({"appraiser"}, lambda p: [p["period"].pk, p["unit_a"].pk]),
    "assessments:appraise": Entry(PROVINCIAL, lambda p: [_a(p)]),
    "assessments:appraise_area": Entry(PROVINCIAL, lambda p: [_a(p), "1"]),
    "assessments:appraise_entry": Entry(
        {"appraiser"}, lambda p: [_a(p), "1.1"], method="post", data={"version": "1"}
    ),
    "assessments:transition": Entry(
        {"appraiser"}, lambda p: [_a(p)], method="post", data={"action": "start_appraisal"}
    ),
    "assessments:explanation_request": Entry({"appraiser"}, lambda p: [_a(p)]),
    "assessments:council": Entry(PROVINCIAL),
    "assessments:group_review": Entry(PROVINCIAL, lambda p: [p["group"].pk]),
    "assessments:publication": Entry(ADMIN),
    "assessments:publish": Entry(ADMIN, lambda p: [p["period"].pk]),
    "assessments:amend": Entry(ADMIN, lambda p: [_a(p)]),
    # The audit trail of the unit's assessment.
    "assessments:history": Entry(SEES_A, lambda p: [_a(p)]),
    "assessments:history_export": Entry(SEES_A, lambda p: [_a(p)]),
    # Notifications: each user's own.
    "assessments:notifications": Entry(ALL),
    "assessments:notification_open": Entry(
        {"officer_a"}, lambda p: [_notification(p).pk], method="post"
    ),
    "assessments:notifications_read_all": Entry(ALL, method="post"),
}
