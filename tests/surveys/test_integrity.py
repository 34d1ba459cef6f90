"""Each integrity rule on crafted responses; exclusions audited and reversible."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from parindex.surveys.errors import StoreError
from parindex.surveys.integrity import (
    AuditEvent,
    IntegrityConfig,
    check_integrity,
    exclude,
    excluded_ids,
    reinstate,
    statuses,
)
from parindex.surveys.store import SurveyStore
from parindex.surveys.xlsform import write_xlsform

from .helpers import form_data, row, small_form

VARIED = "123451"


def _rules(
    rows: list[dict[str, object]], config: IntegrityConfig | None = None
) -> dict[int, set[str]]:
    """Row position → the rules that flagged it."""
    data = form_data(small_form(), rows)
    ids = data.response_ids.to_pylist()
    found: dict[int, set[str]] = {}
    for flag in check_integrity(data, config or IntegrityConfig(straightline_min_questions=5)):
        found.setdefault(ids.index(flag.response_id), set()).add(flag.rule)
    return found


def test_a_submission_sent_twice_is_flagged_after_its_first_copy() -> None:
    rows = [
        row(answers=VARIED, uuid="u1"),
        row("U2", answers="234512"),
        row(answers=VARIED, uuid="u1"),
    ]
    assert _rules(rows) == {2: {"duplicate_submission"}}


def test_identical_answers_from_one_source_soon_after_are_duplicates() -> None:
    first = row(answers=VARIED, uuid="a", start="2025-03-01T08:00:00+07:00")
    soon = row(answers=VARIED, uuid="b", start="2025-03-01T08:20:00+07:00")
    late = row(answers=VARIED, uuid="c", start="2025-03-01T11:00:00+07:00")
    other_device = row(answers=VARIED, uuid="d", device="dev-2", start="2025-03-01T08:21:00+07:00")
    other_unit = row("U2", answers=VARIED, uuid="e", start="2025-03-01T08:22:00+07:00")
    config = IntegrityConfig(straightline_min_questions=5, pattern_min_count=10)
    found = _rules([first, soon, late, other_device, other_unit], config)
    assert found == {1: {"duplicate_answers"}}


def test_one_source_repeating_a_pattern_in_a_short_window_is_flagged() -> None:
    rows = [
        row(unit, answers=VARIED, uuid=f"p{i}", start=f"2025-03-01T08:{10 * i:02d}:00+07:00")
        for i, unit in enumerate(("U1", "U2", "U3"))
    ]
    rows.append(row("U1", answers="234512", uuid="other", start="2025-03-01T08:05:00+07:00"))
    assert _rules(rows) == {
        0: {"repeated_pattern"},
        1: {"repeated_pattern"},
        2: {"repeated_pattern"},
    }
    # Two repetitions stay under the default threshold of three.
    assert _rules(rows[1:]) == {}


def test_the_same_answer_to_every_scale_question_is_straight_lining() -> None:
    rows = [
        row(answers="444444", uuid="s"),
        row(answers="444443", uuid="t"),
        row(answers="444344", uuid="u"),
    ]
    config = IntegrityConfig(straightline_run=6, straightline_min_questions=5)
    assert _rules(rows, config) == {0: {"straight_lining"}}
    # A run of five in a row is enough when the threshold is five.
    looser = IntegrityConfig(straightline_run=5, straightline_min_questions=5)
    assert _rules(rows, looser) == {0: {"straight_lining"}, 1: {"straight_lining"}}


def test_a_form_finished_too_fast_or_before_it_began_is_flagged() -> None:
    rows = [
        row(answers=VARIED, uuid="ok", minutes=3, device="d1"),
        row("U2", answers=VARIED, uuid="fast", minutes=0.1, device="d2"),  # 6 s, 8 answers
        row("U3", answers=VARIED, uuid="neg", minutes=-1, device="d3"),
    ]
    data = form_data(small_form(), rows)
    flags = check_integrity(data, IntegrityConfig())
    assert [(flag.rule, flag.reason) for flag in flags] == [
        ("too_fast", "hoàn thành trong 6 giây cho 8 câu (dưới 2 giây/câu)"),
        ("too_fast", "thời điểm kết thúc trước thời điểm bắt đầu"),
    ]


def test_review_rules_flag_without_excluding_and_decisions_override_rules() -> None:
    rows = [row(answers="444444", uuid="line"), row(answers=VARIED, uuid="fast", minutes=0.05)]
    data = form_data(small_form(), rows)
    line_id, fast_id = data.response_ids.to_pylist()
    flags = check_integrity(data, IntegrityConfig(straightline_min_questions=5))
    status = statuses(flags, [])
    assert status[line_id].excluded is False  # straight-lining only asks for a look
    assert status[fast_id].excluded is True
    assert status[fast_id].basis == "rule:too_fast"
    when = datetime(2025, 3, 2, tzinfo=UTC)
    events = [
        reinstate(fast_id, "Phỏng vấn qua điện thoại, đã xác minh", "thamdinh1", when),
        exclude(line_id, "Người trả lời không dùng dịch vụ", "thamdinh1", when),
    ]
    status = statuses(flags, events)
    assert excluded_ids(status) == {line_id}
    assert status[fast_id].basis == "appraiser"


def test_a_decision_needs_a_reason_and_an_actor() -> None:
    with pytest.raises(StoreError) as caught:
        exclude("R1", "  ", "")
    assert [p.location for p in caught.value.problems] == ["--reason", "--actor"]


def test_exclusion_is_appended_to_the_log_and_reversible_without_deleting(tmp_path: Path) -> None:
    form_path = tmp_path / "form.xlsx"
    write_xlsform(small_form(), form_path)
    responses = tmp_path / "r.csv"
    import csv

    rows = [row("U1", answers=VARIED, uuid="x"), row("U2", answers="234512", uuid="y")]
    with responses.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    store = SurveyStore(tmp_path / "store")
    store.import_responses(form_path, responses)
    target = store.form_data()[0].response_ids[0].as_py()

    store.decide("exclude", target, "Phiếu điền hộ", "thamdinh1")
    assert store.statuses()[target].excluded
    with pytest.raises(StoreError):
        store.decide("exclude", target, "lần nữa", "thamdinh1")
    store.decide("reinstate", target, "Đã xác minh lại", "thamdinh2")
    assert not store.statuses()[target].excluded
    with pytest.raises(StoreError):
        store.decide("reinstate", target, "lần nữa", "thamdinh2")

    log = [AuditEvent.from_json(line) for line in store.audit_path.read_text().splitlines()]
    assert [(e.action, e.actor, e.reason) for e in log] == [
        ("exclude", "thamdinh1", "Phiếu điền hộ"),
        ("reinstate", "thamdinh2", "Đã xác minh lại"),
    ]
    assert store.form_data()[0].size == 2  # nothing was deleted
    with pytest.raises(StoreError):
        store.decide("exclude", "R-khong-co", "lý do", "thamdinh1")
