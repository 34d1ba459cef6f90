"""Checking answer columns against the form, column by column (vectorised): choices, numbers,
required answers and timestamps. A row with a problem is rejected whole, with every problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parindex.surveys.xlsform import Question, SurveyForm

from .columns import TIMESTAMP

_INTEGER = re.compile(r"^\s*-?\d+\s*$")
_DECIMAL = re.compile(r"^\s*-?\d+([.,]\d+)?\s*$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


class Collector:
    """Row problems, gathered column by column, then grouped per row."""

    def __init__(self, size: int) -> None:
        self.messages: dict[int, list[str]] = {}
        self.bad = np.zeros(size, dtype=bool)

    def add(self, mask: np.ndarray, message_for_index: Callable[[int], str]) -> None:
        for index in np.flatnonzero(mask):
            self.messages.setdefault(int(index), []).append(message_for_index(int(index)))
        self.bad |= mask


def mask_of(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean pyarrow array as a NumPy mask, nulls counting as False."""
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def check_answers(
    form: SurveyForm,
    question: Question,
    values: pa.Array,
    header: str,
    collector: Collector,
    *,
    must_answer: bool = False,
    where: Callable[[int], str] | None = None,
) -> None:
    """Problems of one answer column: a choice not in the list, a number that is not one, a
    required answer missing. `where(index)` prefixes messages (repeat tables)."""
    size = len(values)

    def said(text: str, index: int) -> str:
        return f"{where(index)}: {text}" if where is not None else text

    names = form.choice_names(question.list_name) if question.choices_in_sheet else ()
    if question.choices_in_sheet and question.list_name in form.choices:
        other = question.parsed_type.or_other
        allowed_names = {*names, "other"} if other else set(names)
        if question.is_select_one:
            allowed = pa.array(sorted(allowed_names), type=pa.string())
            unknown = mask_of(pc.invert(pc.is_in(values, value_set=allowed))) & mask_of(
                pc.is_valid(values)
            )
            collector.add(
                unknown,
                lambda index: said(
                    f"cột «{header}»: «{values[index].as_py()}» không phải là phương án"
                    f" của danh sách «{question.list_name}»",
                    index,
                ),
            )
        else:  # select_multiple, rank: names separated by spaces
            encoded = values.dictionary_encode()
            bad_values = np.array(
                [
                    not set(str(text).split()) <= allowed_names
                    for text in encoded.dictionary.to_pylist()
                ],
                dtype=bool,
            )
            indices = np.asarray(pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False))
            bad = np.zeros(size, dtype=bool)
            if len(bad_values):
                bad[indices >= 0] = bad_values[indices[indices >= 0]]
            collector.add(
                bad,
                lambda index: said(
                    f"cột «{header}»: «{values[index].as_py()}» có phương án"
                    " không có trong danh sách",
                    index,
                ),
            )
    elif question.base_type in ("integer", "decimal", "int", "range"):
        pattern = _INTEGER if question.base_type in ("integer", "int") else _DECIMAL
        bad = mask_of(pc.invert(pc.match_substring_regex(values, pattern.pattern))) & mask_of(
            pc.is_valid(values)
        )
        kind = "số nguyên" if pattern is _INTEGER else "số"
        collector.add(
            bad,
            lambda index: said(
                f"cột «{header}»: «{values[index].as_py()}» không phải là {kind}", index
            ),
        )
    if must_answer or (question.is_required and not question.relevant):
        empty = mask_of(pc.is_null(values))
        collector.add(
            empty, lambda index: said(f"cột «{header}»: thiếu câu trả lời bắt buộc", index)
        )


def parse_times(values: pa.Array, naive_zone: tzinfo) -> tuple[pa.Array, np.ndarray]:
    """ISO 8601 (or dd/mm/yyyy HH:MM) texts to UTC timestamps; also a mask of unreadable ones."""
    encoded = values.dictionary_encode()
    parsed: list[datetime | None] = []
    bad_values = np.zeros(len(encoded.dictionary), dtype=bool)
    for position, text in enumerate(encoded.dictionary.to_pylist()):
        moment = _parse_time(text, naive_zone)
        bad_values[position] = moment is None
        parsed.append(moment)
    dictionary = pa.array(parsed, type=TIMESTAMP)
    indices = encoded.indices
    times = dictionary.take(indices)
    index_values = np.asarray(pc.fill_null(indices, -1).to_numpy(zero_copy_only=False))
    bad = np.zeros(len(values), dtype=bool)
    present = index_values >= 0
    bad[present] = bad_values[index_values[present]]
    return times, bad


def _parse_time(text: str, naive_zone: tzinfo) -> datetime | None:
    match = _DMY.match(text)
    try:
        if match:
            day, month, year, hour, minute, second = match.groups()
            moment = datetime(
                int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
            )
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=naive_zone)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
