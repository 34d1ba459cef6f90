"""Responses: import from ODK / KoboToolbox exports (CSV, XLSX) or plain rows, and a columnar view.

An export has one column per form field, keyed by the field's name; group
prefixes (`nhom_a/q1`, `meta/instanceID`) are stripped when every prefix is a
group of the form. Meta columns are recognised by their usual names:

| meaning        | columns (first found wins)                         |
|----------------|----------------------------------------------------|
| submission id  | `_uuid`, `instanceID`, `KEY` (a `uuid:` prefix is dropped) |
| submitted at   | `_submission_time`, `SubmissionDate` (no offset = UTC)     |
| started, ended | `start`, `end` (no offset = the form's `timezone`)         |
| source         | `deviceid`, `_submitted_by`, `SubmitterID`, `source`       |

Anonymity: only the form's own fields are kept. Every other column
(`_id`, `_geolocation`, `username`, …) is dropped on import and named in the
import report. The source (device or account) is kept only as a keyed hash
(HMAC-SHA-256 with the store's secret salt), enough to tell "same device" and
nothing more. `anonymise` drops the submission id, the source hash and exact
times, and the fields the form marks `personal`.

Rows are checked column by column (vectorised); a row with any problem is
rejected as a whole and listed with its file row (header = row 1) and column.
Rows whose submission id is already stored are counted as "already imported",
so a cumulative export can be imported again and again.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from parindex.engine import Problem

from .errors import ResponseFileError
from .xlsform import SurveyForm
from .xlsform.sheets import cell_text

# Columns parindex adds to every stored response. They start with "_" so that they can
# never clash with a form field (the form reader reserves that prefix).
RESPONSE_ID = "_response_id"
UUID = "_uuid"
FORM_ID = "_form_id"
FORM_VERSION = "_form_version"
UNIT = "_unit"
GROUP = "_group"
SOURCE = "_source"
STARTED = "_started_at"
ENDED = "_ended_at"
SUBMITTED = "_submitted_at"
BATCH = "_batch"
ROW = "_row"
META_COLUMNS = (
    RESPONSE_ID,
    UUID,
    FORM_ID,
    FORM_VERSION,
    UNIT,
    GROUP,
    SOURCE,
    STARTED,
    ENDED,
    SUBMITTED,
    BATCH,
    ROW,
)
TIMESTAMP = pa.timestamp("us", tz="UTC")

_META_SOURCES: dict[str, tuple[str, ...]] = {
    UUID: ("_uuid", "instanceID", "KEY"),
    SUBMITTED: ("_submission_time", "SubmissionDate"),
    STARTED: ("start",),
    ENDED: ("end",),
    SOURCE: ("deviceid", "_submitted_by", "SubmitterID", "source"),
}
_INTEGER = re.compile(r"^\s*-?\d+\s*$")
_DECIMAL = re.compile(r"^\s*-?\d+([.,]\d+)?\s*$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


@dataclass(frozen=True)
class RawResponses:
    """A responses file as text columns, before checking. `rows` are the file's row numbers."""

    origin: str
    headers: tuple[str, ...]
    columns: Mapping[str, pa.Array]
    rows: np.ndarray

    @property
    def size(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class RejectedRow:
    """A row that was not imported, with every problem found in it."""

    origin: str
    row: int
    problems: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.origin}:{self.row}: {'; '.join(self.problems)}"


@dataclass
class ResponseImport:
    """What an import read, kept and rejected. `read = imported + already_present + rejected`."""

    origin: str
    read: int
    table: pa.Table
    already_present: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return int(self.table.num_rows)

    @property
    def reconciles(self) -> bool:
        return self.read == self.imported + self.already_present + len(self.rejected)


# ---------------------------------------------------------------------------------------------
# Reading files into text columns
# ---------------------------------------------------------------------------------------------


def _sniff_delimiter(header_line: str) -> str:
    """Kobo exports CSV with ";" by default, ODK Central with ","."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=lambda delimiter: counts[delimiter])


def _check_headers(origin: str, headers: Sequence[str]) -> None:
    problems = []
    seen: set[str] = set()
    for index, header in enumerate(headers, start=1):
        if not header:
            problems.append(Problem(f"{origin}:1", f"cột thứ {index} không có tên"))
        elif header in seen:
            problems.append(Problem(f"{origin}:1", f"cột «{header}» xuất hiện hai lần"))
        seen.add(header)
    if problems:
        raise ResponseFileError(problems)


def read_response_file(path: str | Path) -> RawResponses:
    """Read a CSV (`,`, `;` or tab; UTF-8 with or without BOM) or XLSX (first sheet) export."""
    path = Path(path)
    origin = str(path)
    if not path.exists():
        raise ResponseFileError([Problem(origin, "không tìm thấy tệp")])
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path, origin)
    if path.suffix.lower() not in (".csv", ".txt"):
        raise ResponseFileError(
            [Problem(origin, f"định dạng «{path.suffix}» không hỗ trợ: dùng .csv hoặc .xlsx")]
        )
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            first_line = handle.readline()
    except UnicodeDecodeError:
        raise ResponseFileError([Problem(origin, "tệp không phải UTF-8")]) from None
    if not first_line.strip():
        raise ResponseFileError([Problem(f"{origin}:1", "tệp trống (không có dòng tiêu đề)")])
    delimiter = _sniff_delimiter(first_line)
    headers = next(csv.reader([first_line], delimiter=delimiter))
    headers = [header.strip() for header in headers]
    _check_headers(origin, headers)
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(column_names=headers, skip_rows=1),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(headers, pa.string()), strings_can_be_null=True
            ),
        )
    except pa.ArrowInvalid as error:
        raise ResponseFileError([Problem(origin, f"không đọc được CSV: {error}")]) from None
    columns = {name: _clean_text(table.column(name)) for name in headers}
    return RawResponses(origin, tuple(headers), columns, np.arange(2, table.num_rows + 2))


def _read_xlsx(path: Path, origin: str) -> RawResponses:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise ResponseFileError([Problem(origin, f"không đọc được tệp Excel: {error}")]) from None
    try:
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        header_cells = next(iterator, None)
        if header_cells is None:
            raise ResponseFileError([Problem(f"{origin}:1", "trang tính trống")])
        headers = [cell_text(value) for value in header_cells]
        while headers and not headers[-1]:
            headers.pop()
        _check_headers(origin, headers)
        values: list[list[str | None]] = [[] for _ in headers]
        rows: list[int] = []
        for number, cells in enumerate(iterator, start=2):
            texts = [cell_text(value) for value in cells[: len(headers)]]
            if not any(texts):
                continue
            texts += [""] * (len(headers) - len(texts))
            rows.append(number)
            for index, text in enumerate(texts):
                values[index].append(text or None)
    finally:
        workbook.close()
    columns = {
        name: pa.array(values[index], type=pa.string()) for index, name in enumerate(headers)
    }
    return RawResponses(origin, tuple(headers), columns, np.array(rows, dtype=np.int64))


def rows_to_raw(rows: Iterable[Mapping[str, Any]], origin: str = "cơ sở dữ liệu") -> RawResponses:
    """Plain rows (e.g. from a database or a web form) as `RawResponses`; row numbers from 1."""
    materialised = list(rows)
    headers: list[str] = []
    for row in materialised:
        for key in row:
            if key not in headers:
                headers.append(key)
    columns = {
        name: pa.array(
            [(cell_text(row.get(name)) or None) for row in materialised], type=pa.string()
        )
        for name in headers
    }
    return RawResponses(origin, tuple(headers), columns, np.arange(1, len(materialised) + 1))


def _clean_text(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Trim spaces; an empty cell is a missing answer."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    trimmed = pc.utf8_trim_whitespace(array)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


# ---------------------------------------------------------------------------------------------
# Checking and shaping
# ---------------------------------------------------------------------------------------------


def _field_of(header: str, form: SurveyForm) -> str:
    """`nhom_a/q1` → `q1` when `nhom_a` is a group of the form; ODK's `meta/` likewise."""
    if "/" not in header:
        return header
    *prefix, last = header.split("/")
    if all(part in form.group_names or part == "meta" for part in prefix):
        return last
    return header


def source_hash(salt: bytes, value: str) -> str:
    """A keyed hash of a device or account id: the same device maps to the same text."""
    return hmac.new(salt, value.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def response_id(form_id: str, key: str) -> str:
    """Our stable id of a submission (64 bits of SHA-256 of form id and submission id)."""
    return "R" + hashlib.sha256(f"{form_id}\x1f{key}".encode()).hexdigest()[:16]


class _Collector:
    """Row problems, gathered column by column, then grouped per row."""

    def __init__(self, size: int) -> None:
        self.messages: dict[int, list[str]] = {}
        self.bad = np.zeros(size, dtype=bool)

    def add(self, mask: np.ndarray, message_for_index: Any) -> None:
        for index in np.flatnonzero(mask):
            self.messages.setdefault(int(index), []).append(message_for_index(int(index)))
        self.bad |= mask


def _mask(array: pa.Array) -> np.ndarray:
    """A boolean pyarrow array as a NumPy mask, nulls counting as False."""
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


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
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=naive_zone)
    return moment.astimezone(UTC)


def parse_responses(
    form: SurveyForm,
    raw: RawResponses,
    *,
    salt: bytes,
    known_uuids: Iterable[str] = (),
    batch: str = "",
) -> ResponseImport:
    """Check `raw` against `form` and shape the accepted rows for the store.

    Raises `ResponseFileError` when the file as a whole does not fit the form (a field the
    scoring needs has no column, or two columns feed one field); row problems reject rows.
    """
    origin = raw.origin
    by_field: dict[str, str] = {}
    problems: list[Problem] = []
    for header in raw.headers:
        name = _field_of(header, form)
        if name in by_field:
            problems.append(
                Problem(f"{origin}:1", f"cột «{header}» và «{by_field[name]}» cùng là «{name}»")
            )
        by_field.setdefault(name, header)

    answer_questions = form.answer_questions
    needed = {question.name for question in form.scored_questions}
    needed.add(form.unit_field)
    if form.respondent_group_field:
        needed.add(form.respondent_group_field)
    missing = [q.name for q in answer_questions if q.name not in by_field]
    for name in missing:
        if name in needed:
            problems.append(Problem(f"{origin}:1", f"thiếu cột «{name}» của biểu mẫu"))
    if problems:
        raise ResponseFileError(problems)

    # Unit and group place a response in its stratum: without them it cannot count anywhere.
    must_answer = {form.unit_field, form.respondent_group_field} - {""}
    size = raw.size
    collector = _Collector(size)
    rows = raw.rows

    def column(name: str) -> pa.Array:
        header = by_field.get(name)
        if header is None:
            return pa.nulls(size, pa.string())
        return raw.columns[header]

    answers: dict[str, pa.Array] = {}
    for question in answer_questions:
        values = column(question.name)
        answers[question.name] = values
        header = by_field.get(question.name, question.name)
        if question.is_select_one and question.list_name in form.choices:
            allowed = pa.array([choice.name for choice in form.choices[question.list_name]])
            unknown = _mask(pc.invert(pc.is_in(values, value_set=allowed))) & _mask(
                pc.is_valid(values)
            )
            collector.add(
                unknown,
                lambda index, values=values, header=header, question=question: (
                    f"cột «{header}»: «{values[index].as_py()}» không phải là phương án"
                    f" của danh sách «{question.list_name}»"
                ),
            )
        elif question.base_type == "select_multiple" and question.list_name in form.choices:
            allowed_names = {choice.name for choice in form.choices[question.list_name]}
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
            bad[indices >= 0] = bad_values[indices[indices >= 0]] if len(bad_values) else False
            collector.add(
                bad,
                lambda index, values=values, header=header: (
                    f"cột «{header}»: «{values[index].as_py()}» có phương án"
                    " không có trong danh sách"
                ),
            )
        elif question.base_type in ("integer", "decimal"):
            pattern = _INTEGER if question.base_type == "integer" else _DECIMAL
            bad = _mask(pc.invert(pc.match_substring_regex(values, pattern.pattern))) & _mask(
                pc.is_valid(values)
            )
            kind = "số nguyên" if question.base_type == "integer" else "số"
            collector.add(
                bad,
                lambda index, values=values, header=header, kind=kind: (
                    f"cột «{header}»: «{values[index].as_py()}» không phải là {kind}"
                ),
            )
        if (question.is_required and not question.relevant) or question.name in must_answer:
            empty = _mask(pc.is_null(values))
            collector.add(
                empty, lambda _index, header=header: f"cột «{header}»: thiếu câu trả lời bắt buộc"
            )

    meta: dict[str, pa.Array] = {}
    meta_headers: dict[str, str] = {}
    for target, candidates in _META_SOURCES.items():
        for candidate in candidates:
            if candidate in by_field:
                meta[target] = raw.columns[by_field[candidate]]
                meta_headers[target] = by_field[candidate]
                break
    local_zone = ZoneInfo(form.timezone)
    times: dict[str, pa.Array] = {}
    for target, zone in ((STARTED, local_zone), (ENDED, local_zone), (SUBMITTED, UTC)):
        if target not in meta:
            times[target] = pa.nulls(size, TIMESTAMP)
            continue
        parsed, bad = parse_times(meta[target], zone)
        times[target] = parsed
        header = meta_headers[target]
        collector.add(
            bad,
            lambda index, values=meta[target], header=header: (
                f"cột «{header}»: «{values[index].as_py()}» không phải là ngày giờ"
            ),
        )

    uuids = meta.get(UUID, pa.nulls(size, pa.string()))
    uuids = pc.replace_substring_regex(uuids, pattern="^uuid:", replacement="")
    known = pa.array(list(known_uuids), type=pa.string())
    already = _mask(pc.is_in(uuids, value_set=known)) & ~collector.bad

    rejected = [
        RejectedRow(origin, int(rows[index]), tuple(messages))
        for index, messages in sorted(collector.messages.items())
    ]
    keep = ~collector.bad & ~already
    keep_array = pa.array(keep)

    unit_values = answers[form.unit_field]
    if form.respondent_group:
        group_values = pa.array([form.respondent_group] * size, type=pa.string())
    else:
        group_values = answers[form.respondent_group_field]
    sources = meta.get(SOURCE, pa.nulls(size, pa.string()))
    salted = _hash_sources(sources, salt)
    # A submission sent twice in one file keeps one id per copy, so each copy can be judged.
    ids: list[str] = []
    seen_uuids: set[str] = set()
    for index, key in enumerate(uuids.to_pylist()):
        row_key = f"{batch}:{int(rows[index])}"
        if key and key not in seen_uuids:
            seen_uuids.add(key)
            ids.append(response_id(form.form_id, key))
        else:
            ids.append(response_id(form.form_id, f"{key}#{row_key}" if key else row_key))

    data: dict[str, pa.Array] = {
        RESPONSE_ID: pa.array(ids, type=pa.string()),
        UUID: uuids,
        FORM_ID: pa.array([form.form_id] * size, type=pa.string()),
        FORM_VERSION: pa.array([form.version] * size, type=pa.string()),
        UNIT: unit_values,
        GROUP: group_values,
        SOURCE: salted,
        STARTED: times[STARTED],
        ENDED: times[ENDED],
        SUBMITTED: times[SUBMITTED],
        BATCH: pa.array([batch] * size, type=pa.string()),
        ROW: pa.array(rows, type=pa.int64()),
    }
    data.update(answers)
    table = pa.table(data).filter(keep_array)

    known_names = {q.name for q in form.questions if q.name}
    recognised = {header for field_name, header in by_field.items() if field_name in known_names}
    recognised |= set(meta_headers.values())
    ignored = [header for header in raw.headers if header not in recognised]
    return ResponseImport(
        origin=origin,
        read=size,
        table=table,
        already_present=int(already.sum()),
        rejected=rejected,
        ignored_columns=ignored,
        missing_columns=missing,
    )


def _hash_sources(sources: pa.Array, salt: bytes) -> pa.Array:
    encoded = sources.dictionary_encode()
    hashed = pa.array(
        [source_hash(salt, str(value)) for value in encoded.dictionary.to_pylist()],
        type=pa.string(),
    )
    return hashed.take(encoded.indices)


# ---------------------------------------------------------------------------------------------
# Columnar view for integrity checks and scoring
# ---------------------------------------------------------------------------------------------


def _codes(column: pa.ChunkedArray | pa.Array, lookup: Mapping[str, int]) -> np.ndarray:
    """Texts → small integer codes through `lookup` (missing or unknown → -1), chunk by chunk."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    parts: list[np.ndarray] = []
    for chunk in chunks:
        if not pa.types.is_dictionary(chunk.type):
            chunk = chunk.dictionary_encode()
        table = np.array(
            [lookup.get(value, -1) for value in chunk.dictionary.to_pylist()] + [-1],
            dtype=np.int32,
        )
        indices = pc.fill_null(chunk.indices, -1).to_numpy(zero_copy_only=False)
        indices = np.where(indices < 0, len(table) - 1, indices)
        parts.append(table[indices])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)


def _categories(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, list[str]]:
    """Integer codes and the sorted distinct texts of a column (missing → -1)."""
    distinct = sorted(v for v in pc.unique(column).to_pylist() if v is not None)
    return _codes(column, {value: i for i, value in enumerate(distinct)}), distinct


def _identity_codes(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Codes that are equal exactly when the texts are (missing → -1); no sorting, for ids."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_dictionary(array.type):
        array = array.cast(array.type.value_type)
    indices = array.dictionary_encode().indices
    return np.asarray(pc.fill_null(indices, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _seconds(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Timestamps as float seconds since the epoch; missing → NaN."""
    microseconds = pc.cast(column, pa.int64())
    values = pc.fill_null(microseconds, 0).to_numpy(zero_copy_only=False).astype(np.float64)
    missing = pc.is_null(column).to_numpy(zero_copy_only=False)
    values[np.asarray(missing, dtype=bool)] = np.nan
    return np.asarray(values / 1e6)


@dataclass
class FormData:
    """The stored responses of one form as NumPy columns.

    `choice_codes[:, j]` is the position of the answer to `coded_questions[j]` in its choices
    list (-1 = no answer). `shares[:, k]` is the answer's share of points (0..1) for
    `form.scored_questions[k]`, NaN when unanswered or not scored (e.g. "Không biết").
    """

    form: SurveyForm
    response_ids: pa.Array
    uuids: np.ndarray
    units: np.ndarray
    unit_names: list[str]
    groups: np.ndarray
    group_names: list[str]
    sources: np.ndarray
    started: np.ndarray
    ended: np.ndarray
    submitted: np.ndarray
    coded_questions: tuple[str, ...]
    choice_codes: np.ndarray
    shares: np.ndarray

    @property
    def size(self) -> int:
        return len(self.units)

    @classmethod
    def from_table(cls, form: SurveyForm, table: pa.Table) -> FormData:
        coded = tuple(q.name for q in form.answer_questions if q.is_select_one)
        codes = np.full((table.num_rows, len(coded)), -1, dtype=np.int16)
        for position, name in enumerate(coded):
            choices = form.choices.get(form.question(name).list_name, ())
            lookup = {choice.name: i for i, choice in enumerate(choices)}
            codes[:, position] = _codes(table.column(name), lookup)
        scored = form.scored_questions
        shares = np.full((table.num_rows, len(scored)), np.nan)
        for position, question in enumerate(scored):
            share_by_choice = form.choice_shares(question.list_name)
            share_table = np.array(
                [
                    float(share) if share is not None else np.nan
                    for share in share_by_choice.values()
                ]
                + [np.nan]
            )
            column_codes = codes[:, coded.index(question.name)]
            shares[:, position] = share_table[column_codes]  # -1 picks the trailing NaN
        units, unit_names = _categories(table.column(UNIT))
        groups, group_names = _categories(table.column(GROUP))
        sources = _identity_codes(table.column(SOURCE))
        return cls(
            form=form,
            response_ids=table.column(RESPONSE_ID).combine_chunks(),
            uuids=_identity_codes(table.column(UUID)),
            units=units,
            unit_names=unit_names,
            groups=groups,
            group_names=group_names,
            sources=sources,
            started=_seconds(table.column(STARTED)),
            ended=_seconds(table.column(ENDED)),
            submitted=_seconds(table.column(SUBMITTED)),
            coded_questions=coded,
            choice_codes=codes,
            shares=shares,
        )


def anonymise(form: SurveyForm, table: pa.Table) -> pa.Table:
    """A copy safe to publish: no submission id, source hash, exact time, or personal field.

    What stays: our response id (a hash that cannot be turned back into the submission id),
    unit, group, the submission date (no time) and the completion time in whole minutes,
    and the answers to the questions not marked `personal`.
    """
    personal = {question.name for question in form.questions if question.is_personal}
    started = table.column(STARTED)
    ended = table.column(ENDED)
    duration = pc.divide(pc.cast(pc.subtract(ended, started), pa.int64()), 60_000_000)
    columns: dict[str, pa.ChunkedArray | pa.Array] = {
        "response_id": table.column(RESPONSE_ID),
        "form_id": table.column(FORM_ID),
        "unit": table.column(UNIT),
        "respondent_group": table.column(GROUP),
        "submitted_date": pc.cast(table.column(SUBMITTED), pa.date32()),
        "duration_minutes": duration,
    }
    for question in form.answer_questions:
        if question.name not in personal and question.name in table.column_names:
            columns[question.name] = table.column(question.name)
    return pa.table(columns)


def write_csv(table: pa.Table, destination: io.BufferedIOBase | str | Path) -> None:
    """Plain UTF-8 CSV with a header (pyarrow's writer; quotes where needed)."""
    pa_csv.write_csv(table, destination)
