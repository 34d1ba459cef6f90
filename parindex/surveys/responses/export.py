"""Anonymised exports: no submission id, source, exact time, or personal field."""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from parindex.surveys.xlsform import SurveyForm

from .columns import ENDED, FORM_ID, GROUP, RESPONSE_ID, STARTED, SUBMITTED, UNIT
from .repeats import drop_personal


def anonymise(form: SurveyForm, table: pa.Table) -> pa.Table:
    """A copy safe to publish: no submission id, source hash, exact time, or personal field.

    What stays: our response id (a hash that cannot be turned back into the submission id),
    unit, group, the submission date (no time) and the completion time in whole minutes,
    the answers to the questions not marked `personal`, and each repeat group's entries
    (JSON) without their personal fields.
    """
    personal = {question.name for question in form.answer_questions if question.is_personal}
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
    for repeat in form.repeats:
        if repeat.key in table.column_names:
            texts = table.column(repeat.key).to_pylist()
            columns[repeat.key] = pa.array(
                [drop_personal(repeat, text) for text in texts], type=pa.string()
            )
    return pa.table(columns)


def write_csv(table: pa.Table, destination: io.BufferedIOBase | str | Path) -> None:
    """Plain UTF-8 CSV with a header (pyarrow's writer; quotes where needed)."""
    pa_csv.write_csv(table, destination)
