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


def test_copies_are_found_alike_with_or_without_the_import_record() -> None:
    """The store records each later copy at import; a table without that record (the web
    platform's) finds them by hashing the submission ids: the same flags either way."""
    from parindex.surveys.responses import COPY_OF, FormData, parse_responses, rows_to_raw

    from .helpers import SALT

    rows = [
        row(answers=VARIED, uuid="u1"),
        row("U2", answers="234512", uuid="u2"),
        row(answers=VARIED, uuid="u1", start="2025-03-01T09:00:00+07:00"),
        row("U3", answers="111111", uuid=None, device=None),
        row("U2", answers="234512", uuid="u2", start="2025-03-01T10:00:00+07:00"),
    ]
    table = parse_responses(small_form(), rows_to_raw(rows), salt=SALT, batch="b1").table
    recorded = FormData.from_table(small_form(), table)
    hashed = FormData.from_table(small_form(), table.drop_columns([COPY_OF]))
    assert recorded.copy_of is not None
    assert hashed.copy_of is None
    config = IntegrityConfig(straightline_min_questions=5)
    flags = check_integrity(recorded, config)
    assert flags == check_integrity(hashed, config)
    copies = [flag for flag in flags if flag.rule == "duplicate_submission"]
    ids = table.column("_response_id").to_pylist()
    assert [(f.response_id, f.reason) for f in copies] == [
        (ids[2], f"cùng mã phiếu với phiếu {ids[0]}"),
        (ids[4], f"cùng mã phiếu với phiếu {ids[1]}"),
    ]


def test_the_excluded_mask_agrees_with_the_statuses() -> None:
    from parindex.surveys.integrity import excluded_mask

    rows = [
        row(answers=VARIED, uuid="a", minutes=0.05),
        row("U2", answers="234512", uuid="b"),
        row(answers=VARIED, uuid="a"),
        row("U3", answers="444444", uuid="c"),
    ]
    data = form_data(small_form(), rows)
    ids = data.response_ids.to_pylist()
    when = datetime(2025, 3, 2, tzinfo=UTC)
    events = [
        exclude(ids[1], "điền hộ", "tđ", when),
        reinstate(ids[0], "đã xác minh", "tđ", when),
        exclude(ids[3], "sai", "tđ", when),
        reinstate(ids[3], "đúng", "tđ", when),
    ]
    config = IntegrityConfig(straightline_min_questions=5)
    expected = excluded_ids(statuses(check_integrity(data, config), events, config))
    mask = excluded_mask(data, events, config)
    assert {ids[i] for i in range(data.size) if mask[i]} == expected == {ids[1], ids[2]}


def test_a_store_written_before_the_copy_record_gives_the_same_flags(tmp_path: Path) -> None:
    """Batch files without `_copy_of` and `_instance_id` (an older store): copies are found by
    hashing the submission ids, and a later import still knows every stored submission."""
    import csv

    import pyarrow.parquet as pq

    form_path = tmp_path / "form.xlsx"
    write_xlsform(small_form(), form_path)
    rows = [
        row("U1", answers=VARIED, uuid="x"),
        row("U2", answers="234512", uuid="y"),
        row("U1", answers=VARIED, uuid="x", start="2025-03-01T09:00:00+07:00"),
    ]
    responses = tmp_path / "r.csv"
    with responses.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    store = SurveyStore(tmp_path / "store")
    store.import_responses(form_path, responses)
    recorded = sorted((f.response_id, f.rule, f.reason) for f in store.flags())
    [batch] = list((store.root / "responses" / "thu").glob("*.parquet"))
    table = pq.read_table(batch)
    pq.write_table(table.drop_columns(["_copy_of", "_instance_id"]), batch)
    assert sorted((f.response_id, f.rule, f.reason) for f in store.flags()) == recorded
    assert any(rule == "duplicate_submission" for _, rule, _ in recorded)
    again = tmp_path / "again.csv"
    again.write_text(responses.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    outcome = store.import_responses(form_path, again)
    assert outcome.result is not None
    assert (outcome.result.imported, outcome.result.already_present) == (0, 3)
