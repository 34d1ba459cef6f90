"""`parse_responses`: an export checked against its form and shaped for the store.

Identity. A submission keeps one id for life: ODK Central's `KEY` (its first instance id),
KoboToolbox's `meta/rootUuid`, else `_uuid` or `instanceID`. Each version has its own
instance id (`meta/instanceID`); an edit names the version it replaces in
`meta/deprecatedID`. So an edited submission, imported again, replaces the stored version
(same response id, recorded in `ResponseImport.replacements`) instead of adding a second
response, and a re-export after edits changes no response count.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from parindex.engine import Problem
from parindex.surveys.errors import ResponseFileError
from parindex.surveys.xlsform import SurveyForm

from .columns import (
    BATCH,
    COPY_OF,
    ENDED,
    FORM_ID,
    FORM_VERSION,
    GROUP,
    INSTANCE,
    RESPONSE_ID,
    ROW,
    SOURCE,
    STARTED,
    SUBMITTED,
    TIMESTAMP,
    UNIT,
    UUID,
    RawResponses,
    RejectedRow,
    Replacement,
    ResponseImport,
)
from .headers import map_columns
from .repeats import fold_repeats
from .values import Collector, check_answers, parse_times


def source_hash(salt: bytes, value: str) -> str:
    """A keyed hash of a device or account id: the same device maps to the same text."""
    return hmac.new(salt, value.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def response_id(form_id: str, key: str) -> str:
    """Our stable id of a submission (64 bits of SHA-256 of form id and submission id)."""
    return "R" + hashlib.sha256(f"{form_id}\x1f{key}".encode()).hexdigest()[:16]


def _ids(values: pa.Array | None, size: int) -> list[str | None]:
    if values is None:
        return [None] * size
    cleaned = pc.replace_substring_regex(values, pattern="^uuid:", replacement="")
    return list(cleaned.to_pylist())


def parse_responses(
    form: SurveyForm,
    raw: RawResponses,
    *,
    salt: bytes,
    known_uuids: Iterable[str] = (),
    known_versions: Mapping[str, str] | None = None,
    batch: str = "",
) -> ResponseImport:
    """Check `raw` against `form` and shape the accepted rows for the store.

    `known_uuids` are submissions already stored (counted as already present);
    `known_versions` maps a stored submission id to the instance id of its stored version,
    so that an edited version replaces it. Raises `ResponseFileError` when the file as a
    whole does not fit the form (a field the scoring needs has no column, or two columns
    feed one field); row problems reject rows.
    """
    origin = raw.origin
    columns = map_columns(raw.headers, form.fields, form.meta_questions)
    problems = [
        Problem(f"{origin}:1", f"cột «{header}» và «{other}» cùng là «{key}»")
        for key, header, other in columns.clashes
    ]
    needed = {question.name for question in form.scored_questions}
    needed |= {form.unit_field, form.respondent_group_field} - {""}
    fields = {item.key: item for item in form.fields}
    unit_item = form.field(form.unit_field)
    unit_key = unit_item.key if unit_item is not None else form.unit_field
    group_item = form.field(form.respondent_group_field) if form.respondent_group_field else None
    group_key = group_item.key if group_item is not None else form.respondent_group_field
    needed = {fields[name].key if name in fields else name for name in needed}
    needed |= {unit_key, group_key} - {""}
    available = set(columns.fields) | set(columns.geopoints)
    missing = [item.key for item in form.fields if item.key not in available]
    for key in missing:
        if key in needed:
            ambiguous = [h for h, keys in columns.ambiguous.items() if key in keys]
            hint = f" (cột «{ambiguous[0]}» ứng với nhiều câu hỏi)" if ambiguous else ""
            problems.append(Problem(f"{origin}:1", f"thiếu cột «{key}» của biểu mẫu{hint}"))
    if problems:
        raise ResponseFileError(problems)

    size = raw.size
    collector = Collector(size)
    rows = raw.rows
    must_answer = {unit_key, group_key} - {""}
    answers: dict[str, pa.Array] = {}
    for item in form.fields:
        question = item.question
        header = columns.fields.get(item.key)
        if header is not None:
            values = raw.columns[header]
        elif item.key in columns.geopoints:
            parts = [raw.columns[h] for h in columns.geopoints[item.key]]
            values = pc.binary_join_element_wise(*parts, " ")
            header = columns.geopoints[item.key][0].rsplit("-", 1)[0]
        else:
            values, header = pa.nulls(size, pa.string()), item.key
        answers[item.key] = values
        check_answers(
            form, question, values, header, collector, must_answer=item.key in must_answer
        )
    notes: list[str] = []
    repeat_columns = fold_repeats(form, raw, collector, notes)

    meta = {role: raw.columns[header] for role, header in columns.meta.items()}
    local_zone = ZoneInfo(form.timezone)
    times: dict[str, pa.Array] = {}
    for target, role, zone in (
        (STARTED, "start", local_zone),
        (ENDED, "end", local_zone),
        (SUBMITTED, "submitted", UTC),
    ):
        if role not in meta:
            times[target] = pa.nulls(size, TIMESTAMP)
            continue
        parsed, bad = parse_times(meta[role], zone)
        times[target] = parsed
        collector.add(bad, _not_a_time(meta[role], columns.meta[role]))

    key_ids = _ids(meta["key"] if "key" in meta else meta.get("root"), size)
    uuid_ids = _ids(meta.get("uuid"), size)
    instance_ids = _ids(meta.get("instance"), size)
    deprecated = _ids(meta.get("deprecated"), size)
    submissions = [k or u or i for k, u, i in zip(key_ids, uuid_ids, instance_ids, strict=True)]
    instances = [i or u or k for k, u, i in zip(key_ids, uuid_ids, instance_ids, strict=True)]

    versions = dict(known_versions or {})
    known = set(known_uuids) | set(versions)
    submission_of_instance = {instance: sub for sub, instance in versions.items() if instance}
    # Within the file: a row naming an earlier row's version as deprecated supersedes it.
    row_of_instance = {value: index for index, value in enumerate(instances) if value}
    superseded = np.zeros(size, dtype=bool)
    for index, old in enumerate(deprecated):
        earlier = row_of_instance.get(old) if old else None
        if earlier is not None and earlier != index and not collector.bad[index]:
            superseded[earlier] = True
            submissions[index] = submissions[earlier] or submissions[index]
    # Against the store: the same submission in another version, or an edit of a stored one.
    already = np.zeros(size, dtype=bool)
    replaced_rows: dict[int, str] = {}  # row index → stored version it replaces
    for index in range(size):
        if collector.bad[index] or superseded[index]:
            continue
        submission, instance, old = submissions[index], instances[index], deprecated[index]
        if old and submission not in known:
            stored = submission_of_instance.get(old) or (old if old in known else None)
            if stored is not None:
                submissions[index] = submission = stored
        if submission is None or submission not in known:
            continue
        stored_instance = versions.get(submission)
        if instance and stored_instance and stored_instance != instance:
            replaced_rows[index] = stored_instance
        elif instance and not stored_instance and old and old != instance:
            replaced_rows[index] = old
        else:
            already[index] = True

    rejected = [
        RejectedRow(origin, int(rows[index]), tuple(messages))
        for index, messages in sorted(collector.messages.items())
    ]
    keep = ~collector.bad & ~already & ~superseded

    unit_values = answers[unit_key] if unit_key in answers else pa.nulls(size, pa.string())
    if form.respondent_group:
        group_values = pa.array([form.respondent_group] * size, type=pa.string())
    else:
        group_values = answers.get(group_key, pa.nulls(size, pa.string()))
    source_role = next((r for r in ("deviceid", "device", "submitter") if r in meta), None)
    source = meta[source_role] if source_role is not None else pa.nulls(size, pa.string())
    salted = _hash_sources(source, salt)
    # A submission sent twice in one file keeps one id per copy, so each copy can be judged.
    ids: list[str] = []
    copy_of: list[str | None] = []  # a later copy of a submission: the first copy's id
    seen: set[str] = set()
    for index, submission_key in enumerate(submissions):
        row_key = f"{batch}:{int(rows[index])}"
        if submission_key and submission_key not in seen and keep[index]:
            seen.add(submission_key)
            ids.append(response_id(form.form_id, submission_key))
            copy_of.append(None)
        else:
            own = f"{submission_key}#{row_key}" if submission_key else row_key
            ids.append(response_id(form.form_id, own))
            first = submission_key if submission_key and submission_key in seen else None
            copy_of.append(response_id(form.form_id, first) if first else None)

    data: dict[str, pa.Array] = {
        RESPONSE_ID: pa.array(ids, type=pa.string()),
        UUID: pa.array(submissions, type=pa.string()),
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
        INSTANCE: pa.array(instances, type=pa.string()),
        COPY_OF: pa.array(copy_of, type=pa.string()),
    }
    data.update(answers)
    data.update(repeat_columns)
    table = pa.table(data).filter(pa.array(keep))
    replacements = [
        Replacement(
            response_id=ids[index],
            submission_id=submissions[index] or "",
            previous_instance=previous,
            instance=instances[index] or "",
            origin=origin,
            row=int(rows[index]),
        )
        for index, previous in sorted(replaced_rows.items())
    ]
    recognised = columns.recognised
    ignored = [header for header in raw.headers if header not in recognised]
    return ResponseImport(
        origin=origin,
        read=size,
        table=table,
        already_present=int(already.sum()),
        rejected=rejected,
        ignored_columns=ignored,
        missing_columns=missing,
        replacements=replacements,
        superseded=int((superseded & ~collector.bad).sum()),
        notes=notes,
    )


def _not_a_time(values: pa.Array, header: str) -> Callable[[int], str]:
    def message(index: int) -> str:
        return f"cột «{header}»: «{values[index].as_py()}» không phải là ngày giờ"

    return message


def _hash_sources(sources: pa.Array, salt: bytes) -> pa.Array:
    encoded = sources.dictionary_encode()
    hashed = pa.array(
        [source_hash(salt, str(value)) for value in encoded.dictionary.to_pylist()],
        type=pa.string(),
    )
    return hashed.take(encoded.indices)
