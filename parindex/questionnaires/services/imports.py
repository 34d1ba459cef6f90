"""Responses imported from ODK/KoboToolbox exports: every row checked before anything is
written, submissions already imported counted, not duplicated.

Versions. A response keeps its submission's stable id (`submission_id`: ODK Central's KEY,
KoboToolbox's rootUuid or first `_uuid`) and the instanceID of the version stored
(`version_id`). An edited submission exported again (Central: same KEY, new instanceID, and
no deprecatedID column in its CSV; Kobo: a new `_uuid` naming the old one in
`meta/deprecatedID`) replaces the stored response's answers, repeats and version in place:
never a second response, decisions about it still apply, the integrity rules run again, and
each replacement is an audit event (`replace_response`: previous → new version, the answers
that changed). A version the response held before (an older export imported after the edit)
is counted as already present and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.audit.services import audit_record
from parindex.engine import Problem
from parindex.questionnaires import selectors
from parindex.questionnaires.errors import ImportRejected, QuestionnaireError
from parindex.questionnaires.models import Channel, ImportBatch, Response, Survey, SurveyState
from parindex.questionnaires.services.files import safe_name, strip_folder
from parindex.questionnaires.services.review import survey_check
from parindex.surveys.errors import ResponseFileError
from parindex.surveys.responses import (
    ENDED,
    GROUP,
    INSTANCE,
    RESPONSE_ID,
    ROW,
    SOURCE,
    STARTED,
    SUBMITTED,
    UNIT,
    UUID,
    RejectedRow,
    ResponseImport,
    parse_responses,
    read_response_file,
)
from parindex.surveys.xlsform import SurveyForm


@dataclass
class ImportOutcome:
    """`read = imported + replaced + already_present + rejected`; `already_present` includes
    the `older` versions (of a stored response, or superseded by a later row of the file)."""

    batch: ImportBatch | None
    read: int
    imported: int
    already_present: int
    rejected: list[RejectedRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    replaced: int = 0
    older: int = 0


def responses_import(
    *,
    actor: User,
    survey: Survey,
    file_name: str,
    content: bytes,
    skip_rejected: bool = False,
) -> ImportOutcome:
    """Responses from an ODK/KoboToolbox CSV or XLSX export.

    Every row is checked (answers against the form's choices and types, the unit against
    the survey's units); by default one bad row stops the import and nothing is written.
    Submissions already imported (same submission id and version) are counted, not
    duplicated; an edited version replaces the stored one (see the module); a file already
    imported (same SHA-256) is refused.
    """
    if survey.state == SurveyState.DRAFT:
        raise QuestionnaireError(gettext("Cuộc điều tra chưa mở: chưa nhập phiếu được."))
    name = safe_name(file_name, "phieu.csv")
    digest = hashlib.sha256(content).hexdigest()
    earlier = ImportBatch.objects.filter(survey=survey, sha256=digest).first()
    if earlier is not None:
        when = timezone.localtime(earlier.imported_at).strftime("%d/%m/%Y %H:%M")
        raise QuestionnaireError(
            [
                Problem(
                    name,
                    gettext("tệp này đã được nhập lúc %(when)s (tệp «%(file)s»)")
                    % {"when": when, "file": earlier.file_name},
                )
            ]
        )
    form = selectors.survey_form(survey)
    # Each stored submission's version; one imported before versions were kept is taken to
    # be in its first version, whose instanceID is the submission id (Central's KEY).
    versions: dict[str, str] = {}
    for submission, version in (
        Response.objects.filter(survey=survey, channel=Channel.IMPORT)
        .order_by("pk")
        .values_list("submission_id", "version_id")
    ):
        versions.setdefault(submission, version or submission)  # a copy sent twice: the first
    with tempfile.TemporaryDirectory(prefix="parindex-import-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            raw = read_response_file(path)
            parsed = parse_responses(
                form,
                raw,
                salt=bytes.fromhex(survey.salt),
                known_uuids=list(versions),
                known_versions=versions,
                batch=digest[:12],
            )
        except ResponseFileError as error:
            raise QuestionnaireError(strip_folder(error.problems, Path(folder))) from None
    units = {unit.code: unit for unit in selectors.survey_units(survey)}
    table = parsed.table
    rejected = [
        RejectedRow(name, row.row, row.problems) for row in parsed.rejected
    ]  # the temporary path becomes the file's name
    unit_codes = table.column(UNIT).to_pylist()
    foreign = [index for index, code in enumerate(unit_codes) if code not in units]
    if foreign:
        rows = table.column(ROW).to_pylist()
        rejected += [
            RejectedRow(
                name,
                int(rows[index]),
                (
                    gettext("cột «%(column)s»: «%(code)s» không phải đơn vị của cuộc điều tra")
                    % {"column": form.unit_field, "code": unit_codes[index]},
                ),
            )
            for index in foreign
        ]
        keep = pa.array([code in units for code in unit_codes])
        table = table.filter(keep)
    rejected.sort(key=lambda row: row.row)
    if rejected and not skip_rejected:
        raise ImportRejected(rejected, parsed.read)
    # An edited submission (same KEY, new instanceID) replaces the stored response.
    edits = pc.is_in(table.column(RESPONSE_ID), value_set=_replaced(parsed))
    replacing, table = table.filter(edits), table.filter(pc.invert(edits))
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            survey=survey,
            file_name=name,
            sha256=digest,
            read=parsed.read,
            imported=table.num_rows,
            already_present=parsed.already_present + parsed.superseded,
            rejected=len(rejected),
            ignored_columns=parsed.ignored_columns,
            imported_by=actor,
        )
        Response.objects.bulk_create(
            _imported_responses(survey, form, table, batch), batch_size=500
        )
        replaced, older = _replace_edited(actor, survey, form, replacing, batch)
        batch.replaced = len(replaced)
        batch.already_present += older
        batch.save(update_fields=["replaced", "already_present"])
        audit_record(
            actor=actor,
            action="import_responses",
            instance=batch,
            object_repr=f"{survey} ← {name}",
            changes={
                "read": [None, parsed.read],
                "imported": [None, table.num_rows],
                "already_present": [None, batch.already_present],
                "rejected": [None, len(rejected)],
                "replaced": [None, replaced],
            },
            scope=survey,
        )
        # The rules compare answers, times and sources across responses: an edit may raise or
        # clear a flag on itself or on another response, so all of them run again.
        survey_check(survey=survey)
    return ImportOutcome(
        batch,
        parsed.read,
        table.num_rows,
        batch.already_present,
        rejected,
        parsed.ignored_columns,
        parsed.missing_columns,
        replaced=len(replaced),
        older=older + parsed.superseded,
    )


# What an edited submission changes in its stored response (besides its unit, version,
# repeats and batch).
_EDITABLE = (
    "respondent_group",
    "answers",
    "form_version",
    "started_at",
    "ended_at",
    "submitted_at",
    "source_hash",
)


def _replace_edited(
    actor: User, survey: Survey, form: SurveyForm, table: pa.Table, batch: ImportBatch
) -> tuple[list[str], int]:
    """Put the edited versions in `table` in place of their stored responses, one audit event
    each. Returns the submission ids replaced and the count of rows that were an older
    version of their response (left alone)."""
    if not table.num_rows:
        return [], 0
    edited_rows = list(_imported_responses(survey, form, table, batch))
    stored: dict[str, Response] = {}
    for response in (
        Response.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(
            survey=survey,
            channel=Channel.IMPORT,
            submission_id__in=[edited.submission_id for edited in edited_rows],
        )
        .order_by("pk")
    ):
        stored.setdefault(response.submission_id, response)  # a copy sent twice: the first
    names = [question.name for question in form.answer_questions]
    replaced: list[str] = []
    older = 0
    for edited in edited_rows:
        response = stored[edited.submission_id]  # known before the import, never deleted
        previous = response.version_id or response.submission_id
        earlier = {response.submission_id, *response.earlier_versions} - {previous}
        if edited.version_id == previous or edited.version_id in earlier:
            # The version stored (a copy of the edit in the same file), or an older one (an
            # older export imported after the edit): it changes nothing.
            older += 1
            continue
        extra = sorted((set(response.answers) | set(edited.answers)) - set(names))
        changed_answers = [
            name
            for name in [*names, *extra]
            if response.answers.get(name) != edited.answers.get(name)
        ]
        changed_repeats = [
            repeat.key
            for repeat in form.repeats
            if response.repeats.get(repeat.key) != edited.repeats.get(repeat.key)
        ]
        changes: dict[str, list[object]] = {
            "version_id": [response.version_id or None, edited.version_id],
            "changed_answers": [None, changed_answers],
        }
        if changed_repeats:
            changes["changed_repeats"] = [None, changed_repeats]
        if response.unit_id != edited.unit.pk:
            changes["unit"] = [response.unit.code, edited.unit.code]
        if response.respondent_group != edited.respondent_group:
            changes["respondent_group"] = [response.respondent_group, edited.respondent_group]
        if not response.version_id and len(changes) == 2 and not changed_answers:
            # Imported before versions were kept, and the same answers: only the version
            # was unknown. Recorded, not counted as an edit.
            response.version_id = edited.version_id
            response.save(update_fields=["version_id"])
            older += 1
            continue
        if previous not in response.earlier_versions:
            response.earlier_versions = [*response.earlier_versions, previous]
        for name in _EDITABLE:
            setattr(response, name, getattr(edited, name))
        response.unit = edited.unit
        response.version_id = edited.version_id
        response.repeats = edited.repeats
        response.batch = batch
        response.save(
            update_fields=[
                *_EDITABLE,
                "unit",
                "version_id",
                "earlier_versions",
                "repeats",
                "batch",
            ]
        )
        changes["file"] = [None, batch.file_name]
        audit_record(
            actor=actor,
            action="replace_response",
            instance=response,
            changes=changes,
            scope=survey,
        )
        replaced.append(response.submission_id)
    return replaced, older


def _replaced(parsed: ResponseImport) -> pa.Array:
    return pa.array([r.response_id for r in parsed.replacements], type=pa.string())


def _imported_responses(
    survey: Survey, form: SurveyForm, table: pa.Table, batch: ImportBatch
) -> Iterable[Response]:
    units = {unit.code: unit for unit in selectors.survey_units(survey)}
    names = [question.name for question in form.answer_questions]
    repeat_keys = [repeat.key for repeat in form.repeats if repeat.key in table.column_names]
    now = timezone.now()
    columns = {
        name: table.column(name).to_pylist()
        for name in (
            UUID,
            INSTANCE,
            UNIT,
            GROUP,
            SOURCE,
            STARTED,
            ENDED,
            SUBMITTED,
            ROW,
            *names,
            *repeat_keys,
        )
    }
    for index in range(table.num_rows):
        submitted = columns[SUBMITTED][index] or columns[ENDED][index] or now
        submission = columns[UUID][index] or f"import:{batch.sha256[:12]}:{columns[ROW][index]}"
        yield Response(
            survey=survey,
            unit=units[columns[UNIT][index]],
            respondent_group=columns[GROUP][index],
            channel=Channel.IMPORT,
            answers={
                name: columns[name][index] for name in names if columns[name][index] is not None
            },
            form_version=form.version,
            submission_id=submission,
            version_id=columns[INSTANCE][index] or submission,
            repeats={
                key: json.loads(columns[key][index])
                for key in repeat_keys
                if columns[key][index] is not None
            },
            started_at=columns[STARTED][index],
            ended_at=columns[ENDED][index],
            submitted_at=submitted,
            source_hash=columns[SOURCE][index] or "",
            batch=batch,
        )
