"""A unit's self-assessment as a printable form: every node with the unit's entries, points,
explanations and evidence, the totals and the signature block of the unit's head, laid out
for A4 paper (`@media print` in `assessments.css`).

Whoever may see the self-assessment may print it (`policy.assessment_for`).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from parindex.assessments import workflow
from parindex.assessments.selectors import assessment_sheet, unit_documents
from parindex.policy import assessment_for
from parindex.web.http import AuthedRequest


@login_required
def self_print(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request.user, pk)
    sheet = assessment_sheet(assessment)
    cited: dict[int, list[str]] = {}
    for row in sheet.rows:
        for link in row.links:
            cited.setdefault(link.document_id, []).append(row.code)
    # The evidence list: each document the form cites, once, with the nodes it supports.
    documents = [
        (document, cited[document.pk])
        for document in unit_documents(assessment).order_by("uploaded_at", "pk")
        if document.pk in cited
    ]
    return render(
        request,
        "assessments/self_print.html",
        {
            "assessment": assessment,
            "sheet": sheet,
            "documents": documents,
            "provisional": assessment.state != workflow.State.PUBLISHED,
            "state_label": workflow.STATE_LABELS[workflow.State(assessment.state)],
            "printed_at": timezone.localtime(),
        },
    )
