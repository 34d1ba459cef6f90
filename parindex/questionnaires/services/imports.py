"""Responses imported from ODK/KoboToolbox exports: every row checked before anything is
written, submissions already imported counted, not duplicated.
"""

from __future__ import annotations

import hashlib
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
    batch: ImportBatch | None
    read: int
    imported: int
    already_present: int
    rejected: list[RejectedRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)


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
    Submissions already imported (same instance id) are counted, not duplicated; a file
    already imported (same SHA-256) is refused.
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
    known = Response.objects.filter(survey=survey, channel=Channel.IMPORT).values_list(
        "submission_id", flat=True
    )
    with tempfile.TemporaryDirectory(prefix="parindex-import-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            raw = read_response_file(path)
            parsed = parse_responses(
                form,
                raw,
                salt=bytes.fromhex(survey.salt),
                known_uuids=list(known),
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
    # An edited submission (same KEY, new instanceID) replaces the stored response; it counts
    # with the submissions already present.
    edits = pc.is_in(table.column(RESPONSE_ID), value_set=_replaced(parsed))
    replacing, table = table.filter(edits), table.filter(pc.invert(edits))
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            survey=survey,
            file_name=name,
            sha256=digest,
            read=parsed.read,
            imported=table.num_rows,
            already_present=parsed.already_present + replacing.num_rows,
            rejected=len(rejected),
            ignored_columns=parsed.ignored_columns,
            imported_by=actor,
        )
        Response.objects.bulk_create(
            _imported_responses(survey, form, table, batch), batch_size=500
        )
        for edited in _imported_responses(survey, form, replacing, batch):
            Response.objects.filter(
                survey=survey, channel=Channel.IMPORT, submission_id=edited.submission_id
            ).update(
                **{field: getattr(edited, field) for field in _EDITABLE},
                unit=edited.unit,
                batch=batch,
            )
        audit_record(
            actor=actor,
            action="import_responses",
            instance=batch,
            object_repr=f"{survey} ← {name}",
            changes={
                "read": [None, parsed.read],
                "imported": [None, table.num_rows],
                "already_present": [None, parsed.already_present],
                "rejected": [None, len(rejected)],
                "replaced": [None, [r.submission_id for r in parsed.replacements]],
            },
            scope=survey,
        )
        survey_check(survey=survey)
    return ImportOutcome(
        batch,
        parsed.read,
        table.num_rows,
        parsed.already_present + replacing.num_rows,
        rejected,
        parsed.ignored_columns,
        parsed.missing_columns,
    )


# What an edited submission changes in its stored response (besides its unit and batch).
_EDITABLE = (
    "respondent_group",
    "answers",
    "form_version",
    "started_at",
    "ended_at",
    "submitted_at",
    "source_hash",
)


def _replaced(parsed: ResponseImport) -> pa.Array:
    return pa.array([r.response_id for r in parsed.replacements], type=pa.string())


def _imported_responses(
    survey: Survey, form: SurveyForm, table: pa.Table, batch: ImportBatch
) -> Iterable[Response]:
    units = {unit.code: unit for unit in selectors.survey_units(survey)}
    names = [question.name for question in form.answer_questions]
    now = timezone.now()
    columns = {
        name: table.column(name).to_pylist()
        for name in (UUID, UNIT, GROUP, SOURCE, STARTED, ENDED, SUBMITTED, ROW, *names)
    }
    for index in range(table.num_rows):
        submitted = columns[SUBMITTED][index] or columns[ENDED][index] or now
        yield Response(
            survey=survey,
            unit=units[columns[UNIT][index]],
            respondent_group=columns[GROUP][index],
            channel=Channel.IMPORT,
            answers={
                name: columns[name][index] for name in names if columns[name][index] is not None
            },
            form_version=form.version,
            submission_id=columns[UUID][index]
            or f"import:{batch.sha256[:12]}:{columns[ROW][index]}",
            started_at=columns[STARTED][index],
            ended_at=columns[ENDED][index],
            submitted_at=submitted,
            source_hash=columns[SOURCE][index] or "",
            batch=batch,
        )
