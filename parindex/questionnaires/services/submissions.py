"""Submissions pushed by field tools, one JSON submission at a time (or a few): a KoboToolbox
REST service's payload or an ODK Central submission as JSON (OData). Each is flattened into the
row an export would hold (group prefixes `grp/q`, meta columns) and imported by
`responses_import`: the same checks, the same "already imported" rule on the submission id,
the same batch record and audit event as an uploaded export.

Kobo's payload keys are the export's columns already (`_uuid`, `_submission_time`,
`_submitted_by`, `grp/q1`); ODK Central's JSON nests groups (`{"grp": {"q1": …}}`) and puts
its meta data in `__id` and `__system` (`submissionDate`, `submitterId`, `deviceId`), which
are renamed to the export's `KEY`, `SubmissionDate`, `SubmitterID` and `deviceid`.
Lists (attachments, geolocation pairs, tags) are not answers and are left out.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.engine import Problem
from parindex.questionnaires.errors import ImportRejected, QuestionnaireError
from parindex.questionnaires.models import Channel, ImportBatch, Response, Survey
from parindex.questionnaires.services.imports import responses_import

ODK_SYSTEM = {
    "__system/submissionDate": "SubmissionDate",
    "__system/submitterId": "SubmitterID",
    "__system/deviceId": "deviceid",
}
ID_COLUMNS = ("_uuid", "meta/instanceID", "instanceID", "__id", "KEY")
_COLUMN = re.compile(r"cột «([^»]+)»")


@dataclass(frozen=True)
class SubmissionProblem:
    index: int  # 0-based, in the pushed list
    field: str | None
    message: str


@dataclass
class SubmissionOutcome:
    read: int
    imported: int
    already_present: int
    batch_id: int | None
    rejected: list[SubmissionProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def _flatten(value: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, item in value.items():
        name = f"{prefix}/{key}" if prefix else str(key)
        if isinstance(item, Mapping):
            yield from _flatten(item, name)
        elif not isinstance(item, list):
            yield name, item


def submission_row(submission: Mapping[str, Any]) -> dict[str, str]:
    """One submission as an export's row: column → text."""
    row: dict[str, str] = {}
    for name, value in _flatten(submission):
        if name.startswith("__system/"):
            if name not in ODK_SYSTEM:
                continue
            name = ODK_SYSTEM[name]
        name = name.replace("\x00", "\ufffd")  # NUL: never a form's; PostgreSQL refuses it
        if value is None:
            text = ""
        elif isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = str(value).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
            text = text.replace("\x00", "\ufffd")
        row[name] = text
    if "__id" in row:
        # Central's `__id` is the submission's own id, kept across edits (its export's KEY);
        # `meta/instanceID` names the version, new at each edit. Read as an export row, an
        # edited submission then replaces its earlier version instead of adding a response.
        identifier = row.pop("__id")
        row["KEY"] = identifier
        if not row.get("meta/instanceID") and not row.get("instanceID"):
            row["instanceID"] = identifier
    return row


def submission_id(row: Mapping[str, str]) -> str:
    for name in ID_COLUMNS:
        if row.get(name):
            return row[name].removeprefix("uuid:")
    return ""


def _csv(rows: Sequence[Mapping[str, str]]) -> bytes:
    columns: list[str] = []
    for row in rows:
        columns += [name for name in row if name not in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(name, "") for name in columns])
    return buffer.getvalue().encode("utf-8")


def _problems(rejected: Sequence[Any]) -> list[SubmissionProblem]:
    found = []
    for row in rejected:
        messages = [str(message) for message in getattr(row, "problems", ())]
        text = "; ".join(messages) or str(row)
        column = _COLUMN.search(text)
        found.append(
            SubmissionProblem(int(getattr(row, "row", 2)) - 2, column[1] if column else None, text)
        )
    return sorted(found, key=lambda problem: problem.index)


def submissions_push(
    *, actor: User, survey: Survey, submissions: Sequence[Mapping[str, Any]], tool: str
) -> SubmissionOutcome:
    """Import pushed submissions. Submissions whose id is already stored are counted, not
    duplicated (a field tool's retry changes nothing); rejected ones are reported with their
    index and column, the others imported. Raises `QuestionnaireError` when none can be."""
    rows = [submission_row(submission) for submission in submissions]
    known = set(
        Response.objects.filter(survey=survey, channel=Channel.IMPORT).values_list(
            "submission_id", flat=True
        )
    )
    ids = [submission_id(row) for row in rows]
    if all(identifier and identifier in known for identifier in ids):
        return SubmissionOutcome(len(rows), 0, len(rows), None)
    content = _csv(rows)
    earlier = ImportBatch.objects.filter(
        survey=survey, sha256=hashlib.sha256(content).hexdigest()
    ).first()
    if earlier is not None:  # the same submissions, pushed again
        return SubmissionOutcome(len(rows), 0, len(rows), earlier.pk)
    name = f"{tool}-{(ids[0] or 'phieu')[:40]}.csv"
    rejected: list[SubmissionProblem] = []
    try:
        outcome = responses_import(actor=actor, survey=survey, file_name=name, content=content)
    except ImportRejected as error:
        rejected = _problems(error.rejected)
        if len(rejected) >= len(rows):
            raise QuestionnaireError(
                [
                    Problem(
                        gettext("phiếu %(index)s") % {"index": problem.index},
                        problem.message,
                    )
                    for problem in rejected
                ]
            ) from None
        outcome = responses_import(
            actor=actor, survey=survey, file_name=name, content=content, skip_rejected=True
        )
    return SubmissionOutcome(
        read=outcome.read,
        imported=outcome.imported,
        already_present=outcome.already_present,
        batch_id=outcome.batch.pk if outcome.batch else None,
        rejected=rejected or _problems(outcome.rejected),
        ignored_columns=list(outcome.ignored_columns),
    )
