"""Integrity rules: documented checks that flag doubtful responses, and the audited exclusions.

Each rule is a function over the columnar responses of one form (`FormData`) and
returns the flagged rows with a one-line Vietnamese reason. Flags never delete
anything. A flag of a rule listed in `IntegrityConfig.exclude_rules` leaves the
response out of the scores until an appraiser reinstates it; the other rules
only ask for a look. An appraiser may also exclude any response. Every manual
decision is an `AuditEvent` appended to a log (who, when, what, why), and a
response's status is always derived from the flags and that log, so a decision
can be reversed by a later one and nothing is ever lost.

Rules (default action in brackets; thresholds in `IntegrityConfig`):

- `duplicate_submission` [exclude]: a submission id (`_uuid`) seen before; every
  copy after the first.
- `duplicate_answers` [exclude]: same unit, same source and the same answer to
  every question as a response sent less than `duplicate_window_minutes` before.
- `repeated_pattern` [review]: one source sending `pattern_min_count` or more
  responses with the same scored answers within `pattern_window_minutes`, in any
  unit; all of them.
- `straight_lining` [review]: the same answer to `straightline_run` or more scale
  questions in a row (to all of them when the form has fewer), on forms with at
  least `straightline_min_questions` scale questions.
- `too_fast` [exclude]: completed in less than `min_seconds_per_question` ×
  answered questions, or ending before it started.

Rows without a source are not checked by the two rules that need one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np

from parindex.engine import Problem, format_number

from .errors import StoreError
from .responses import FormData

RULE_TITLES: dict[str, str] = {
    "duplicate_submission": "Phiếu gửi trùng (cùng mã phiếu)",
    "duplicate_answers": "Trả lời trùng hệt trong thời gian ngắn (cùng đơn vị, cùng nguồn)",
    "repeated_pattern": "Cùng một mẫu trả lời lặp lại từ một nguồn",
    "straight_lining": "Chọn một đáp án cho cả loạt câu (straight-lining)",
    "too_fast": "Hoàn thành nhanh bất thường",
}


@dataclass(frozen=True)
class IntegrityConfig:
    """Thresholds of the rules; the defaults are documented in docs/surveys.md."""

    duplicate_window_minutes: float = 60
    pattern_window_minutes: float = 30
    pattern_min_count: int = 3
    straightline_run: int = 10
    straightline_min_questions: int = 5
    min_seconds_per_question: float = 2.0
    exclude_rules: frozenset[str] = field(
        default_factory=lambda: frozenset({"duplicate_submission", "duplicate_answers", "too_fast"})
    )


@dataclass(frozen=True, slots=True)
class Flag:
    """A rule's doubt about one response."""

    response_id: str
    rule: str
    reason: str


_Finding = tuple[np.ndarray, Callable[[int], str]]  # flagged row indices, reason for a row


def _first_copies(keys: np.ndarray, order: np.ndarray) -> np.ndarray:
    """For rows sorted by `order`, True where the row's key equals the previous row's key."""
    sorted_keys = keys[order]
    same = np.zeros(len(order), dtype=bool)
    same[1:] = sorted_keys[1:] == sorted_keys[:-1]
    return same


def _row_keys(matrix: np.ndarray) -> np.ndarray:
    """One integer per distinct row of `matrix` (rows equal ⇔ keys equal)."""
    if matrix.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    contiguous = np.ascontiguousarray(matrix)
    as_bytes = contiguous.view(np.dtype((np.void, contiguous.dtype.itemsize * matrix.shape[1])))
    _, keys = np.unique(as_bytes.ravel(), return_inverse=True)
    return keys.astype(np.int64)


def _event_times(data: FormData) -> np.ndarray:
    """When a response was made: submitted, else ended, else started (seconds; NaN = unknown)."""
    times = data.submitted.copy()
    missing = np.isnan(times)
    times[missing] = data.ended[missing]
    missing = np.isnan(times)
    times[missing] = data.started[missing]
    return times


def duplicate_submission(data: FormData, config: IntegrityConfig) -> _Finding:
    """Every copy of a submission id after its first row."""
    rows = np.flatnonzero(data.uuids >= 0)
    order = rows[np.argsort(data.uuids[rows], kind="stable")]
    same = _first_copies(data.uuids, order)
    flagged = order[same]
    first_of: dict[int, int] = {}
    for index in order[~same]:
        first_of[int(data.uuids[index])] = int(index)
    ids = data.response_ids

    def reason(index: int) -> str:
        first = first_of[int(data.uuids[index])]
        return f"cùng mã phiếu với phiếu {ids[first].as_py()}"

    return np.sort(flagged), reason


def _later_copies(data: FormData) -> np.ndarray:
    """True for every row that repeats an earlier row's submission id (see the rule above)."""
    later = np.zeros(data.size, dtype=bool)
    later[duplicate_submission(data, IntegrityConfig())[0]] = True
    return later


def duplicate_answers(data: FormData, config: IntegrityConfig) -> _Finding:
    """Same unit, source and answers as an earlier response less than the window before.

    Copies of one submission are left to `duplicate_submission`, so one fault gives one flag.
    """
    rows = np.flatnonzero((data.sources >= 0) & ~_later_copies(data))
    if len(rows) == 0 or data.choice_codes.shape[1] == 0:
        return np.zeros(0, dtype=np.int64), str
    matrix = np.column_stack(
        [data.units[rows], data.sources[rows], data.choice_codes[rows].astype(np.int32)]
    )
    keys = _row_keys(matrix)
    times = _event_times(data)[rows]
    order = np.lexsort((np.nan_to_num(times, nan=-np.inf), keys))
    same = _first_copies(keys, order)
    gaps = np.full(len(order), np.inf)
    gaps[1:] = np.diff(times[order])
    within = same & (gaps <= config.duplicate_window_minutes * 60)
    flagged = rows[order[within]]
    previous = {int(rows[order[i]]): int(rows[order[i - 1]]) for i in np.flatnonzero(within)}
    gap_of = {int(rows[order[i]]): float(gaps[i]) for i in np.flatnonzero(within)}
    ids = data.response_ids

    def reason(index: int) -> str:
        minutes = format_number(Decimal(round(gap_of[index] / 60, 1)))
        return (
            f"trả lời giống hệt phiếu {ids[previous[index]].as_py()} cùng đơn vị, cùng nguồn,"
            f" gửi sau {minutes} phút"
        )

    return np.sort(flagged), reason


def repeated_pattern(data: FormData, config: IntegrityConfig) -> _Finding:
    """One source, one pattern of scored answers, `pattern_min_count`+ times within the window."""
    scored_positions = [data.coded_questions.index(q.name) for q in data.form.scored_questions]
    if len(scored_positions) < config.straightline_min_questions:
        return np.zeros(0, dtype=np.int64), str
    codes = data.choice_codes[:, scored_positions]
    rows = np.flatnonzero((data.sources >= 0) & (codes >= 0).any(axis=1) & ~_later_copies(data))
    times = _event_times(data)[rows]
    rows, times = rows[~np.isnan(times)], times[~np.isnan(times)]
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64), str
    keys = _row_keys(np.column_stack([data.sources[rows], codes[rows].astype(np.int32)]))
    seconds = np.round(times - times.min()).astype(np.int64)
    span = int(seconds.max()) + int(config.pattern_window_minutes * 60) + 1
    composite = keys * span + seconds
    order = np.argsort(composite, kind="stable")
    composite = composite[order]
    window_end = np.searchsorted(
        composite, composite + int(config.pattern_window_minutes * 60), side="right"
    )
    counts = window_end - np.arange(len(order))
    starts = np.flatnonzero(counts >= config.pattern_min_count)
    cover = np.zeros(len(order) + 1, dtype=np.int64)
    np.add.at(cover, starts, 1)
    np.add.at(cover, window_end[starts], -1)
    in_cluster = np.cumsum(cover[:-1]) > 0
    flagged_sorted = np.flatnonzero(in_cluster)
    flagged = rows[order[flagged_sorted]]
    key_of = dict(zip(flagged.tolist(), keys[order[flagged_sorted]].tolist(), strict=True))
    cluster_sizes: dict[int, int] = {}
    for key in key_of.values():
        cluster_sizes[key] = cluster_sizes.get(key, 0) + 1
    window = format_number(Decimal(str(config.pattern_window_minutes)))

    def reason(index: int) -> str:
        return (
            f"cùng nguồn gửi {cluster_sizes[key_of[index]]} phiếu có cùng mẫu trả lời"
            f" trong vòng {window} phút"
        )

    return np.sort(flagged), reason


def _scale_positions(data: FormData) -> list[int]:
    """Scored questions on a scale: lists with three or more scored answers, in form order."""
    form = data.form
    positions = []
    for position, question in enumerate(form.scored_questions):
        shares = form.choice_shares(question.list_name)
        if sum(1 for share in shares.values() if share is not None) >= 3:
            positions.append(position)
    return positions


def straight_lining(data: FormData, config: IntegrityConfig) -> _Finding:
    """The longest run of identical answers over consecutive scale questions."""
    positions = _scale_positions(data)
    if len(positions) < config.straightline_min_questions:
        return np.zeros(0, dtype=np.int64), str
    needed = min(config.straightline_run, len(positions))
    shares = data.shares[:, positions]
    run = np.ones(data.size, dtype=np.int64)
    longest = np.where(np.isnan(shares[:, 0]), 0, 1)
    for column in range(1, shares.shape[1]):
        same = (shares[:, column] == shares[:, column - 1]) & ~np.isnan(shares[:, column])
        run = np.where(same, run + 1, np.where(np.isnan(shares[:, column]), 0, 1))
        longest = np.maximum(longest, run)
    flagged = np.flatnonzero(longest >= needed)

    def reason(index: int) -> str:
        return (
            f"cùng một đáp án cho {int(longest[index])} câu thang điểm liên tiếp (ngưỡng {needed})"
        )

    return flagged, reason


def too_fast(data: FormData, config: IntegrityConfig) -> _Finding:
    """Completion time below the minimum seconds per answered question, or negative."""
    duration = data.ended - data.started
    answered = (data.choice_codes >= 0).sum(axis=1)
    minimum = answered * config.min_seconds_per_question
    known = ~np.isnan(duration)
    negative = known & (duration < 0)
    fast = known & ~negative & (duration < minimum) & (answered > 0)
    flagged = np.flatnonzero(negative | fast)
    per_question = format_number(Decimal(str(config.min_seconds_per_question)))

    def reason(index: int) -> str:
        if duration[index] < 0:
            return "thời điểm kết thúc trước thời điểm bắt đầu"
        seconds = format_number(Decimal(round(float(duration[index]))))
        return (
            f"hoàn thành trong {seconds} giây cho {int(answered[index])} câu"
            f" (dưới {per_question} giây/câu)"
        )

    return flagged, reason


RULES: dict[str, Callable[[FormData, IntegrityConfig], _Finding]] = {
    "duplicate_submission": duplicate_submission,
    "duplicate_answers": duplicate_answers,
    "repeated_pattern": repeated_pattern,
    "straight_lining": straight_lining,
    "too_fast": too_fast,
}


def check_integrity(data: FormData, config: IntegrityConfig | None = None) -> list[Flag]:
    """Every rule over `data`; flags in rule order, then row order."""
    config = config or IntegrityConfig()
    flags: list[Flag] = []
    ids = data.response_ids
    for name, rule in RULES.items():
        rows, reason = rule(data, config)
        flags.extend(Flag(ids[int(index)].as_py(), name, reason(int(index))) for index in rows)
    return flags


# ---------------------------------------------------------------------------------------------
# Audited exclusions
# ---------------------------------------------------------------------------------------------

ACTIONS = ("exclude", "reinstate")


@dataclass(frozen=True)
class AuditEvent:
    """One appraiser decision. The log of these is append-only."""

    at: str  # ISO 8601, UTC
    actor: str
    action: str  # "exclude" or "reinstate"
    response_id: str
    reason: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> AuditEvent:
        return cls(**json.loads(line))

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.at)


def decision(
    action: str, response_id: str, reason: str, actor: str, now: datetime | None = None
) -> AuditEvent:
    """An exclusion or reinstatement event; the reason and the actor are required."""
    problems = []
    if action not in ACTIONS:
        problems.append(Problem("", f"thao tác «{action}» không có (exclude, reinstate)"))
    if not reason.strip():
        problems.append(Problem("--reason", "cần ghi lý do"))
    if not actor.strip():
        problems.append(Problem("--actor", "cần ghi người quyết định"))
    if problems:
        raise StoreError(problems)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return AuditEvent(
        moment.isoformat(timespec="seconds"), actor.strip(), action, response_id, reason.strip()
    )


def exclude(response_id: str, reason: str, actor: str, now: datetime | None = None) -> AuditEvent:
    return decision("exclude", response_id, reason, actor, now)


def reinstate(response_id: str, reason: str, actor: str, now: datetime | None = None) -> AuditEvent:
    return decision("reinstate", response_id, reason, actor, now)


@dataclass(frozen=True)
class Status:
    """Whether a response counts, and on what basis (a rule, an appraiser, or nothing)."""

    response_id: str
    excluded: bool
    basis: str  # "rule:<id>", "appraiser" or "" (no flag that excludes, no decision)
    reason: str
    flags: tuple[Flag, ...] = ()


def statuses(
    flags: Iterable[Flag],
    events: Iterable[AuditEvent],
    config: IntegrityConfig | None = None,
) -> dict[str, Status]:
    """The status of every flagged or decided response: the latest decision wins over rules."""
    config = config or IntegrityConfig()
    by_response: dict[str, list[Flag]] = {}
    for flag in flags:
        by_response.setdefault(flag.response_id, []).append(flag)
    latest: dict[str, AuditEvent] = {}
    for event in events:
        latest[event.response_id] = event  # the log is in time order
    result: dict[str, Status] = {}
    for response in by_response.keys() | latest.keys():
        own = tuple(by_response.get(response, ()))
        last = latest.get(response)
        if last is not None:
            result[response] = Status(
                response, last.action == "exclude", "appraiser", last.reason, own
            )
            continue
        excluding = [flag for flag in own if flag.rule in config.exclude_rules]
        if excluding:
            result[response] = Status(
                response, True, f"rule:{excluding[0].rule}", excluding[0].reason, own
            )
        else:
            result[response] = Status(response, False, "", "", own)
    return result


def excluded_ids(status_by_response: Mapping[str, Status]) -> set[str]:
    return {response for response, status in status_by_response.items() if status.excluded}
