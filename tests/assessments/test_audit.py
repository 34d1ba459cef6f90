"""Audit completeness: every scoring action leaves an append-only event with who, old and
new values and the reason; published results cannot change except by an amendment, which
adds a row and leaves the published one untouched."""

from __future__ import annotations

import datetime
import io

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from parindex.assessments.errors import WorkflowError
from parindex.assessments.models import EvidenceLink, NodeEntry
from parindex.assessments.selectors import node_events
from parindex.assessments.services.entries import entry_appraise, entry_save_self
from parindex.assessments.services.evidence import evidence_unlink, evidence_upload
from parindex.assessments.services.explanations import (
    explanation_answer,
    explanation_request,
    explanation_send,
)
from parindex.assessments.services.publication import group_approve, period_publish, result_amend
from parindex.assessments.services.transitions import assessment_transition
from parindex.audit.models import AuditEvent
from parindex.periods.models import PublishedResult

from .helpers import PDF, fill_and_submit, fresh, to_appraised, to_published


def events_of(assessment, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            scope_type="assessment", scope_id=str(assessment.pk), action=action
        ).order_by("at", "id")
    )


def only(events: list[AuditEvent]) -> AuditEvent:
    assert len(events) == 1, events
    return events[0]


def test_a_self_entry_is_audited_with_old_and_new_values(open_province):
    officer = open_province["users"]["officer_a"]
    assessment = open_province["assessment_a"]
    entry_save_self(
        actor=officer,
        assessment=assessment,
        node_code="1.2",
        values={"numerator": "1", "denominator": "2"},
    )
    entry_save_self(
        actor=officer,
        assessment=assessment,
        node_code="1.2",
        values={"numerator": "2", "denominator": "2"},
        note="Sửa theo báo cáo",
    )
    first, second = events_of(assessment, "score")
    assert first.actor == officer
    assert first.actor_name == "Officer A"
    assert first.changes["self_points"] == [None, "2.2222"]
    assert second.changes["self_points"] == ["2.2222", "4"]
    assert second.changes["self_values"] == [
        {"numerator": "1", "denominator": "2"},
        {"numerator": "2", "denominator": "2"},
    ]
    assert second.changes["note"] == ["", "Sửa theo báo cáo"]
    assert second.object_repr == "Xã An Bình / 1.2"


def test_saving_unchanged_values_adds_no_event(open_province):
    officer = open_province["users"]["officer_a"]
    assessment = open_province["assessment_a"]
    for _ in range(2):
        entry_save_self(
            actor=officer, assessment=assessment, node_code="1.1", values={"value": "yes"}
        )
    assert len(events_of(assessment, "score")) == 1


def test_evidence_upload_link_and_unlink_are_audited(open_province):
    officer = open_province["users"]["officer_a"]
    assessment = open_province["assessment_a"]
    document = evidence_upload(
        actor=officer,
        assessment=assessment,
        name="ke-hoach.pdf",
        stream=io.BytesIO(PDF),
        node_code="1.1",
        location="tr. 2",
    )
    upload = only(events_of(assessment, "upload"))
    assert upload.changes["file"] == [None, "ke-hoach.pdf"]
    assert upload.changes["sha256"] == [None, document.sha256]
    linked = only(events_of(assessment, "evidence"))
    assert linked.changes == {"evidence": [None, "ke-hoach.pdf tr. 2"]}

    evidence_unlink(actor=officer, link=EvidenceLink.objects.get())
    unlinked = events_of(assessment, "evidence")[-1]
    assert unlinked.changes == {"evidence": ["ke-hoach.pdf tr. 2", None]}
    assert unlinked.actor == officer


def test_every_state_change_and_appraisal_step_is_audited(open_province):
    users = open_province["users"]
    assessment = fill_and_submit(open_province)
    appraiser = users["appraiser"]
    assessment_transition(actor=appraiser, assessment=assessment, action="start_appraisal")
    entry_appraise(
        actor=appraiser,
        assessment=fresh(assessment),
        node_code="1.2",
        values={"numerator": "6", "denominator": "10"},
        reason_code="wrong_figures",
        comment="Báo cáo ghi 6/10",
    )
    request = explanation_request(
        actor=appraiser,
        assessment=fresh(assessment),
        questions=[("1.2", "Vì sao 9/10?")],
        deadline=timezone.now() + datetime.timedelta(days=2),
    )
    explanation_answer(actor=users["officer_a"], item=request.items.get(), answer="Xem phụ lục 2")
    explanation_send(actor=users["head_a"], request=request)
    assessment_transition(actor=appraiser, assessment=fresh(assessment), action="finalise")

    states = [
        (event.action, event.changes["state"], event.actor.username)
        for event in AuditEvent.objects.filter(
            object_type="assessment", object_id=str(assessment.pk)
        ).order_by("at", "id")
    ]
    assert states == [
        ("submit", ["draft", "submitted"], "head_a"),
        ("start_appraisal", ["submitted", "in_appraisal"], "appraiser"),
        ("request_explanation", ["in_appraisal", "explanation_requested"], "appraiser"),
        ("send_explanation", ["explanation_requested", "explained"], "head_a"),
        ("finalise", ["explained", "appraised"], "appraiser"),
    ]
    appraisal = events_of(assessment, "score")[-1]
    assert appraisal.actor == appraiser
    assert appraisal.reason == "Báo cáo ghi 6/10"
    assert appraisal.changes["appraised_points"] == [None, "2.6667"]
    assert appraisal.changes["reason_code"] == ["", "wrong_figures"]
    answer = only(events_of(assessment, "explain"))
    assert answer.changes == {"answer": ["", "Xem phụ lục 2"]}
    asked = events_of(assessment, "request_explanation")[0]
    assert asked.reason == "1.2: Vì sao 9/10?"

    # The node's own history gathers its entry's changes and the answers about it.
    actions = [event.action for event in node_events(assessment, "1.2").order_by("at", "id")]
    assert actions == ["score", "score", "explain"]


def test_approval_publication_and_amendment_are_audited(open_province):
    to_published(open_province)
    assessment = fresh(open_province["assessment_a"])
    approve = only(events_of(assessment, "approve"))
    assert approve.changes["state"] == ["appraised", "approved"]
    published = only(events_of(assessment, "publish"))
    assert published.reason == "15/QĐ-UBND"
    period_event = AuditEvent.objects.get(object_type="assessmentperiod", action="publish")
    assert period_event.changes["decision_number"] == ["", "15/QĐ-UBND"]
    assert period_event.changes["status"] == ["open", "published"]

    result_amend(
        actor=open_province["users"]["admin"],
        assessment=assessment,
        node_code="1.2",
        values={"numerator": "45", "denominator": "100"},
        reason="Quyết định 20/QĐ-UBND sửa số liệu",
    )
    amended = only(events_of(assessment, "amend"))
    assert amended.reason == "Quyết định 20/QĐ-UBND sửa số liệu"
    assert amended.changes["amended_units"] == [None, ["A"]]
    correction = events_of(assessment, "score")[-1]
    assert correction.reason == "Điều chỉnh sau công bố: Quyết định 20/QĐ-UBND sửa số liệu"
    assert correction.changes["appraised_points"][1] == "2"


def test_audit_events_cannot_be_edited_or_deleted(open_province):
    fill_and_submit(open_province)
    event = AuditEvent.objects.first()
    event.reason = "sửa lén"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


# --- published results are immutable -------------------------------------------------------


def test_after_publication_nothing_but_an_amendment_changes_the_scores(open_province):
    to_published(open_province)
    users = open_province["users"]
    assessment = fresh(open_province["assessment_a"])
    rows_before = [model_to_dict(row) for row in PublishedResult.objects.order_by("pk")]
    entries_before = [model_to_dict(entry) for entry in NodeEntry.objects.order_by("pk")]

    attempts = [
        lambda: entry_save_self(
            actor=users["officer_a"], assessment=assessment, node_code="1.1", values={"value": "no"}
        ),
        lambda: evidence_upload(
            actor=users["officer_a"], assessment=assessment, name="x.pdf", stream=io.BytesIO(PDF)
        ),
        lambda: entry_appraise(
            actor=users["appraiser"],
            assessment=assessment,
            node_code="1.2",
            values={"numerator": "1", "denominator": "10"},
            reason_code="other",
        ),
        lambda: assessment_transition(
            actor=users["appraiser"], assessment=assessment, action="reopen"
        ),
        lambda: assessment_transition(
            actor=users["council"], assessment=assessment, action="return_for_review", reason="x"
        ),
        lambda: group_approve(actor=users["council"], group=open_province["group"]),
        lambda: period_publish(
            actor=users["admin"],
            period=open_province["period"],
            decision_number="99/QĐ",
            decision_date=datetime.date(2026, 2, 1),
        ),
        lambda: result_amend(
            actor=users["appraiser"],
            assessment=assessment,
            node_code="1.2",
            values={"numerator": "1", "denominator": "10"},
            reason="x",
        ),
        lambda: result_amend(
            actor=users["admin"],
            assessment=assessment,
            node_code="1.2",
            values={"numerator": "1", "denominator": "10"},
            reason="  ",
        ),
    ]
    for attempt in attempts:
        with pytest.raises(WorkflowError):
            attempt()

    assert [model_to_dict(row) for row in PublishedResult.objects.order_by("pk")] == rows_before
    assert [model_to_dict(entry) for entry in NodeEntry.objects.order_by("pk")] == entries_before


def test_an_amendment_adds_a_row_that_amends_the_old_one_which_stays_untouched(open_province):
    to_published(open_province)
    assessment = fresh(open_province["assessment_a"])
    old = PublishedResult.objects.get(unit=open_province["unit_a"], period=open_province["period"])
    old_b = PublishedResult.objects.get(
        unit=open_province["unit_b"], period=open_province["period"]
    )
    snapshot = model_to_dict(old)

    amended = result_amend(
        actor=open_province["users"]["admin"],
        assessment=assessment,
        node_code="1.2",
        values={"numerator": "45", "denominator": "100"},
        reason="Quyết định 20/QĐ-UBND",
    )

    old.refresh_from_db()
    assert model_to_dict(old) == snapshot
    new_a = next(row for row in amended if row.unit == open_province["unit_a"])
    assert new_a.amends == old
    assert new_a.amendment_reason == "Quyết định 20/QĐ-UBND"
    assert (new_a.total, new_a.rank) == (8, 2)  # 2 + 2 + 4: A falls behind B
    # B keeps its points, its rank (1, no longer shared) and its class: no new row for B.
    assert {row.unit.code for row in amended} == {"A"}
    assert PublishedResult.objects.filter(amends=old_b).count() == 0


def test_units_whose_rank_moves_get_an_amended_row_too(open_province):
    to_published(open_province)
    assessment_b = fresh(open_province["assessment_b"])
    result_amend(
        actor=open_province["users"]["admin"],
        assessment=assessment_b,
        node_code="1.2",
        values={"numerator": "45", "denominator": "100"},
        reason="Sai số liệu",
    )
    # Before: A and B tied at rank 1. After: B falls to 2 and A is alone at 1 (unchanged).
    latest = {
        row.unit.code: row
        for row in PublishedResult.objects.filter(
            period=open_province["period"], amendments__isnull=True
        )
    }
    assert (latest["A"].rank, latest["A"].amends) == (1, None)
    assert (latest["B"].rank, latest["B"].amends is not None) == (2, True)


def test_appraised_results_can_still_be_reopened_before_approval(open_province):
    assessment = to_appraised(open_province)
    assessment_transition(
        actor=open_province["users"]["appraiser"], assessment=assessment, action="reopen"
    )
    assert fresh(assessment).state == "in_appraisal"
    assert not NodeEntry.objects.filter(assessment=assessment, finalised=True).exists()
