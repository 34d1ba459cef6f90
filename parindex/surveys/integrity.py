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

Every rule works on whole columns: a row's key (its answers, its pattern) is hashed, only the
rows whose hash comes back are compared exactly, so a million responses take a fraction of a
second. `excluded_mask` gives what the scores need (the responses that do not count) without
making a `Flag` for each response; `check_integrity` gives every flag with its reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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
_NOTHING: _Finding = (np.zeros(0, dtype=np.int64), str)
# 64-bit mixing constants (splitmix64) for the row keys' hashes.
_MIX_1 = np.int64(0x3F58476D1CE4E5B9)
_MIX_2 = np.int64(0x14D049BB133111EB)


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


_BLOCK = 1 << 16  # rows per block of a row-wise pass: its columns stay in the CPU's cache


def _row_hashes(columns: list[np.ndarray]) -> np.ndarray:
    """A 64-bit polynomial hash of each row of `columns` (integer columns): equal rows, equal
    hashes. A collision of unequal rows only makes them candidates for the exact check.

    Block by block (the columns' slices stay in cache), in wrapping 64-bit integers."""
    size = len(columns[0]) if columns else 0
    hashes = np.empty(size, dtype=np.int64)
    for start in range(0, size, _BLOCK):
        stop = min(start + _BLOCK, size)
        block = np.zeros(stop - start, dtype=np.int64)
        for column in columns:
            block *= _MIX_1
            block += column[start:stop]
        block ^= block >> 31
        block *= _MIX_2
        hashes[start:stop] = block
    return hashes.view(np.uint64)


_BUCKET_BITS = 22  # hash buckets counted before anything is sorted (a 4 Mi-entry count)


def _repeated(hashes: np.ndarray, at_least: int) -> np.ndarray:
    """Positions (ascending) whose hash occurs at least `at_least` times.

    The hashes are first counted by bucket (their top bits): only rows of a bucket holding
    `at_least` rows can qualify, and only those few are sorted."""
    if len(hashes) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(hashes) > 1 << 16:
        buckets = (hashes >> np.uint64(64 - _BUCKET_BITS)).astype(np.int64)
        counts = np.bincount(buckets, minlength=1 << _BUCKET_BITS)
        candidates = np.flatnonzero(counts[buckets] >= at_least)
    else:
        candidates = np.arange(len(hashes))
    subset = hashes[candidates]
    order = np.argsort(subset, kind="stable")
    ordered = subset[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    run = np.repeat(np.diff(np.r_[starts, len(ordered)]), np.diff(np.r_[starts, len(ordered)]))
    return np.sort(candidates[order[run >= at_least]])


def _code_columns(data: FormData, positions: list[int] | None = None) -> list[np.ndarray]:
    codes = data.choice_codes
    chosen = range(codes.shape[1]) if positions is None else positions
    return [codes[:, position] for position in chosen]


def _event_times(data: FormData) -> np.ndarray:
    """When a response was made: submitted, else ended, else started (seconds; NaN = unknown)."""
    times = data.submitted.copy()
    missing = np.isnan(times)
    times[missing] = data.ended[missing]
    missing = np.isnan(times)
    times[missing] = data.started[missing]
    return times


def _copies(data: FormData) -> tuple[np.ndarray, Callable[[int], str]]:
    """Every row repeating an earlier row's submission id, and the first copy's response id.

    The store records each later copy at import (`copy_of`); without that record, the first
    hash finds the candidates and both hashes (128 bits) tell the ids apart."""
    cached = data.cache.get("copies")
    if cached is not None:
        return cached  # type: ignore[return-value]
    recorded = data.copy_of
    found: tuple[np.ndarray, Callable[[int], str]]
    if recorded is not None:
        valid = pc.is_valid(recorded).to_numpy(zero_copy_only=False)
        flagged = np.flatnonzero(np.asarray(valid, dtype=bool)).astype(np.int64)
        found = (flagged, lambda index: str(recorded[index].as_py()))
    else:
        hashes = data.uuid_hashes
        assert hashes is not None
        present = np.flatnonzero(hashes[:, 0] != 0)
        candidates = present[_repeated(hashes[present, 0], 2)]
        first_by_id: dict[tuple[int, int], int] = {}
        first_of: dict[int, int] = {}
        for index, pair in zip(candidates.tolist(), hashes[candidates].tolist(), strict=True):
            first = first_by_id.setdefault((pair[0], pair[1]), index)
            if first != index:
                first_of[index] = first

        def first_id(index: int) -> str:
            return str(data.response_ids[first_of[index]].as_py())

        found = (np.array(sorted(first_of), dtype=np.int64), first_id)
    data.cache["copies"] = found
    return found


def duplicate_submission(data: FormData, config: IntegrityConfig) -> _Finding:
    """Every copy of a submission id after its first row."""
    flagged, first_id = _copies(data)

    def reason(index: int) -> str:
        return f"cùng mã phiếu với phiếu {first_id(index)}"

    return flagged, reason


def _later_copies(data: FormData) -> np.ndarray:
    """True for every row that repeats an earlier row's submission id (see the rule above)."""
    later = np.zeros(data.size, dtype=bool)
    later[_copies(data)[0]] = True
    return later


def duplicate_answers(data: FormData, config: IntegrityConfig) -> _Finding:
    """Same unit, source and answers as an earlier response less than the window before.

    Copies of one submission are left to `duplicate_submission`, so one fault gives one flag.
    Rows whose (unit, source, answers) occur once cannot be flagged: only the others are
    sorted (they are found by a hash of the key, then compared exactly).
    """
    rows = np.flatnonzero((data.sources >= 0) & ~_later_copies(data))
    if len(rows) == 0 or data.choice_codes.shape[1] == 0:
        return _NOTHING
    hashes = _row_hashes([data.units, data.sources, *_code_columns(data)])[rows]
    rows = rows[_repeated(hashes, 2)]
    if len(rows) == 0:
        return _NOTHING
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

    def reason(index: int) -> str:
        minutes = format_number(Decimal(round(gap_of[index] / 60, 1)))
        earlier = data.response_ids[previous[index]].as_py()  # read only when reasons are
        return f"trả lời giống hệt phiếu {earlier} cùng đơn vị, cùng nguồn, gửi sau {minutes} phút"

    return np.sort(flagged), reason


def repeated_pattern(data: FormData, config: IntegrityConfig) -> _Finding:
    """One source, one pattern of scored answers, `pattern_min_count`+ times within the window.

    Only patterns a source sent at least `pattern_min_count` times can form a cluster; they
    are found by a hash, then compared exactly."""
    scored_positions = [data.coded_questions.index(q.name) for q in data.form.scored_questions]
    if len(scored_positions) < config.straightline_min_questions:
        return _NOTHING
    answered = np.zeros(data.size, dtype=bool)
    for position in scored_positions:
        answered |= data.choice_codes[:, position] >= 0
    rows = np.flatnonzero((data.sources >= 0) & answered & ~_later_copies(data))
    times = _event_times(data)[rows]
    rows, times = rows[~np.isnan(times)], times[~np.isnan(times)]
    if len(rows) == 0:
        return _NOTHING
    origin = times.min()
    hashes = _row_hashes([data.sources, *_code_columns(data, scored_positions)])[rows]
    repeated = _repeated(hashes, max(config.pattern_min_count, 1))
    rows, times = rows[repeated], times[repeated]
    if len(rows) == 0:
        return _NOTHING
    codes = data.choice_codes[rows][:, scored_positions]
    keys = _row_keys(np.column_stack([data.sources[rows], codes.astype(np.int32)]))
    seconds = np.round(times - origin).astype(np.int64)
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
    """The longest run of identical answers over consecutive scale questions.

    "Identical" is equal points (shares), compared as small integers: each share value of
    the form gets a number, each answer the number of its share (-1 = no scored answer)."""
    positions = _scale_positions(data)
    if len(positions) < config.straightline_min_questions:
        return _NOTHING
    needed = min(config.straightline_run, len(positions))
    values = sorted({float(v) for p in positions for v in data.share_tables[p] if not np.isnan(v)})
    number = {value: i for i, value in enumerate(values)}

    def share_ids(position: int) -> np.ndarray:
        question = data.form.scored_questions[position]
        codes = data.choice_codes[:, data.coded_questions.index(question.name)]
        table = np.array(
            [-1 if np.isnan(v) else number[float(v)] for v in data.share_tables[position]],
            dtype=np.int16,
        )
        return table[codes]  # -1 picks the trailing "not scored"

    previous = share_ids(positions[0])
    run = np.ones(data.size, dtype=np.int16)
    longest = (previous >= 0).astype(np.int16)
    for position in positions[1:]:
        current = share_ids(position)
        answered = current >= 0
        same = (current == previous) & answered
        # run = run + 1 after the same answer, 1 after another one, 0 without one
        run += 1
        run *= same
        run += answered & ~same
        np.maximum(longest, run, out=longest)
        previous = current
    flagged = np.flatnonzero(longest >= needed)

    def reason(index: int) -> str:
        return (
            f"cùng một đáp án cho {int(longest[index])} câu thang điểm liên tiếp (ngưỡng {needed})"
        )

    return flagged, reason


def too_fast(data: FormData, config: IntegrityConfig) -> _Finding:
    """Completion time below the minimum seconds per answered question, or negative."""
    duration = data.ended - data.started
    answered = np.zeros(data.size, dtype=np.int16)
    codes = data.choice_codes
    for start in range(0, data.size, _BLOCK):  # block by block: the slices stay in cache
        stop = min(start + _BLOCK, data.size)
        for column in range(codes.shape[1]):
            answered[start:stop] += codes[start:stop, column] >= 0
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


def flagged_rows(
    data: FormData, config: IntegrityConfig | None = None, rules: Iterable[str] | None = None
) -> dict[str, np.ndarray]:
    """Each rule's flagged row indices (no reasons, no objects: what the scores need)."""
    config = config or IntegrityConfig()
    chosen = RULES if rules is None else {name: RULES[name] for name in rules}
    return {name: rule(data, config)[0] for name, rule in chosen.items()}


def excluded_mask(
    data: FormData,
    events: Iterable[AuditEvent] = (),
    config: IntegrityConfig | None = None,
    flagged: Mapping[str, np.ndarray] | None = None,
) -> np.ndarray:
    """True for the responses left out of the scores: a rule in `exclude_rules` flagged them
    and no appraiser reinstated them, or an appraiser excluded them (the latest decision
    wins). The same statuses as `statuses()`, as one mask over `data`'s rows. `flagged`
    (from `flagged_rows`) saves running the rules again."""
    config = config or IntegrityConfig()
    excluded = np.zeros(data.size, dtype=bool)
    found = flagged_rows(data, config, config.exclude_rules) if flagged is None else flagged
    for name, rows in found.items():
        if name in config.exclude_rules:
            excluded[rows] = True
    latest: dict[str, str] = {}
    for event in events:
        latest[event.response_id] = event.action
    if latest:
        decided = pa.array(list(latest), type=pa.string())
        positions = np.flatnonzero(
            pc.fill_null(pc.is_in(data.response_ids, value_set=decided), False).to_numpy(
                zero_copy_only=False
            )
        )
        for index, value in zip(
            positions.tolist(),
            data.response_ids.take(pa.array(positions, type=pa.int64())).to_pylist(),
            strict=True,
        ):
            excluded[index] = latest[value] == "exclude"
    return excluded


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
