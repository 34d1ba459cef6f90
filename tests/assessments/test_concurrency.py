"""Optimistic locking: two appraisers save the same node from the same version; one wins,
the other is told who changed what, and nothing either of them entered is lost."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from parindex.accounts.models import Role, User
from parindex.assessments.errors import StaleEdit
from parindex.assessments.models import NodeEntry
from parindex.assessments.services.entries import entry_appraise, entry_save_self
from parindex.assessments.services.transitions import assessment_transition
from parindex.audit.models import AuditEvent

from .helpers import fill_and_submit, fresh, open_deadlines

HTMX = {"HTTP_HX_REQUEST": "true"}


def second_appraiser() -> User:
    user = User(username="appraiser_2", full_name="Lê Văn Thẩm", role=Role.APPRAISER)
    user.set_password("x" * 12)
    user.save()
    return user


def in_appraisal(province):
    assessment = fill_and_submit(province)
    assessment_transition(
        actor=province["users"]["appraiser"], assessment=assessment, action="start_appraisal"
    )
    return fresh(assessment)


def test_the_second_save_from_the_same_version_is_refused_naming_who_changed_what(open_province):
    first, second = open_province["users"]["appraiser"], second_appraiser()
    assessment = in_appraisal(open_province)
    loaded = NodeEntry.objects.get(assessment=assessment, node_code="1.2").version

    entry_appraise(
        actor=first,
        assessment=assessment,
        node_code="1.2",
        values={"numerator": "6", "denominator": "10"},
        reason_code="wrong_figures",
        comment="Báo cáo ghi 6/10",
        expected_version=loaded,
    )
    with pytest.raises(StaleEdit) as told:
        entry_appraise(
            actor=second,
            assessment=assessment,
            node_code="1.2",
            values={"numerator": "8", "denominator": "10"},
            reason_code="evidence_mismatch",
            comment="Theo phụ lục",
            expected_version=loaded,
        )

    message = str(told.value)
    assert "Mục 1.2 vừa được Appraiser sửa lúc" in message
    assert "điểm thẩm định: 2,6667" in message
    assert "lý do điều chỉnh: Số liệu không chính xác" in message
    assert "Thay đổi của bạn chưa được lưu" in message
    entry = NodeEntry.objects.get(assessment=assessment, node_code="1.2")
    assert entry.appraised_values == {"numerator": "6", "denominator": "10"}
    assert entry.updated_by == first
    assert entry.version == loaded + 1
    score_events = AuditEvent.objects.filter(object_type="nodeentry", object_id=str(entry.pk))
    assert not score_events.filter(actor=second).exists()


def test_saving_again_on_the_new_version_after_being_told_succeeds(open_province):
    first, second = open_province["users"]["appraiser"], second_appraiser()
    assessment = in_appraisal(open_province)
    loaded = NodeEntry.objects.get(assessment=assessment, node_code="1.2").version
    entry_appraise(
        actor=first,
        assessment=assessment,
        node_code="1.2",
        values={"numerator": "9", "denominator": "10"},
        expected_version=loaded,
    )
    with pytest.raises(StaleEdit):
        entry_appraise(
            actor=second,
            assessment=assessment,
            node_code="1.2",
            values={"numerator": "9", "denominator": "10"},
            comment="Đã đối chiếu",
            expected_version=loaded,
        )
    entry = entry_appraise(
        actor=second,
        assessment=assessment,
        node_code="1.2",
        values={"numerator": "9", "denominator": "10"},
        comment="Đã đối chiếu",
        expected_version=loaded + 1,
    )
    assert entry.appraiser_comment == "Đã đối chiếu"
    assert entry.updated_by == second


def test_through_the_page_the_loser_gets_409_with_the_message_and_keeps_what_they_typed(
    client, open_province
):
    assessment = in_appraisal(open_province)
    version = str(NodeEntry.objects.get(assessment=assessment, node_code="1.2").version)
    url = reverse("assessments:appraise_entry", args=[assessment.pk, "1.2"])
    first, second = open_province["users"]["appraiser"], second_appraiser()

    client.force_login(first, backend="parindex.accounts.backends.AccountBackend")
    won = client.post(
        url,
        {
            "v_numerator": "6",
            "v_denominator": "10",
            "reason_code": "wrong_figures",
            "version": version,
        },
        **HTMX,
    )
    client.force_login(second, backend="parindex.accounts.backends.AccountBackend")
    lost = client.post(
        url,
        {
            "v_numerator": "7",
            "v_denominator": "10",
            "reason_code": "wrong_figures",
            "comment": "Ý kiến của người thứ hai",
            "version": version,
        },
        **HTMX,
    )

    assert won.status_code == 200
    assert lost.status_code == 409
    page = lost.content.decode()
    assert "Mục 1.2 vừa được Appraiser sửa lúc" in page
    assert 'value="7"' in page
    assert "Ý kiến của người thứ hai" in page
    new_version = NodeEntry.objects.get(assessment=assessment, node_code="1.2").version
    assert f'name="version" value="{new_version}"' in page  # saving again is deliberate
    assert fresh(assessment).entries.get(node_code="1.2").appraised_values == {
        "numerator": "6",
        "denominator": "10",
    }


def test_two_officers_of_a_unit_are_protected_the_same_way(client, open_province):
    officer = open_province["users"]["officer_a"]
    head = open_province["users"]["head_a"]
    assessment = open_province["assessment_a"]
    entry_save_self(
        actor=officer,
        assessment=assessment,
        node_code="1.2",
        values={"numerator": "1", "denominator": "2"},
    )
    with pytest.raises(StaleEdit, match="vừa được Officer A sửa"):
        entry_save_self(
            actor=head,
            assessment=assessment,
            node_code="1.2",
            values={"numerator": "2", "denominator": "2"},
            expected_version=1,
        )


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serialises writers; PostgreSQL runs them at once"
)
@pytest.mark.django_db(transaction=True)
def test_two_appraisers_saving_at_the_same_moment_one_wins_and_one_is_told(province):
    open_deadlines(province)
    assessment = in_appraisal(province)
    first, second = province["users"]["appraiser"], second_appraiser()
    version = NodeEntry.objects.get(assessment=assessment, node_code="1.2").version
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(user: User, numerator: str) -> None:
        try:
            start.wait()
            entry_appraise(
                actor=user,
                assessment=fresh(assessment),
                node_code="1.2",
                values={"numerator": numerator, "denominator": "10"},
                reason_code="wrong_figures",
                expected_version=version,
            )
            outcomes[user.username] = "saved"
        except StaleEdit as stale:
            outcomes[user.username] = str(stale)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(first, "6")),
        threading.Thread(target=save, args=(second, "7")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()).count("saved") == 1
    loser = next(name for name, outcome in outcomes.items() if outcome != "saved")
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    assert "vừa được" in outcomes[loser]
    entry = NodeEntry.objects.get(assessment=assessment, node_code="1.2")
    assert entry.updated_by.username == winner
    assert entry.version == version + 1
