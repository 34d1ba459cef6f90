"""A response's answers as staff read them on its page: a choice by its label, and each repeat
group (imported from ODK/KoboToolbox, `Response.repeats`) as a table of its entries, nested
repeats as tables inside their entry's cell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from parindex.surveys.xlsform import Question, RepeatGroup, SurveyForm

from .definition import label_of


def answer_text(form: SurveyForm, question: Question, value: Any, language: str) -> str:
    """An answer as shown: the labels of the choices picked, else the text itself."""
    text = str(value)
    if not question.list_name:
        return text
    by_name = {choice.name: choice for choice in form.choices.get(question.list_name, ())}
    picked = text.split() if question.base_type in ("select_multiple", "rank") else [text]
    return ", ".join(
        label_of(by_name[name].labels, language, language, name) if name in by_name else name
        for name in picked
    )


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    personal: bool = False


@dataclass
class Cell:
    text: str = ""
    table: RepeatTable | None = None


@dataclass
class RepeatTable:
    """One repeat group's entries: a row per entry, a column per field and nested repeat."""

    key: str
    label: str
    columns: list[Column] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)


def _repeat_label(form: SurveyForm, repeat: RepeatGroup, language: str) -> str:
    for question in form.questions:
        if question.base_type == "begin_repeat" and question.name == repeat.name:
            return label_of(question.labels, language, language, repeat.name)
    return repeat.name


def _table(
    form: SurveyForm, repeat: RepeatGroup, entries: Sequence[Any], language: str
) -> RepeatTable:
    table = RepeatTable(repeat.key, _repeat_label(form, repeat, language))
    fields = {item.key: item for item in repeat.fields}
    children = {child.key: child for child in repeat.repeats}
    items = [entry for entry in entries if isinstance(entry, Mapping)]
    # A key no field of the form has now (the form was replaced since): shown by its name.
    unknown = sorted({key for entry in items for key in entry} - set(fields) - set(children))
    for key, item in fields.items():
        table.columns.append(
            Column(
                key,
                label_of(item.question.labels, language, language, item.question.name),
                item.question.is_personal,
            )
        )
    for key, child in children.items():
        table.columns.append(Column(key, _repeat_label(form, child, language)))
    table.columns += [Column(key, key) for key in unknown]
    for entry in items:
        row = []
        for column in table.columns:
            value = entry.get(column.key)
            if column.key in children:
                nested = value if isinstance(value, list) else []
                row.append(
                    Cell(table=_table(form, children[column.key], nested, language))
                    if nested
                    else Cell("—")
                )
            elif value is None or value == "":
                row.append(Cell("—"))
            elif column.key in fields:
                row.append(Cell(answer_text(form, fields[column.key].question, value, language)))
            else:
                row.append(Cell(str(value)))
        table.rows.append(row)
    return table


def repeat_tables(form: SurveyForm, repeats: Mapping[str, Any], language: str) -> list[RepeatTable]:
    """The form's repeat groups that have entries, in form order."""
    return [
        _table(form, repeat, repeats[repeat.key], language)
        for repeat in form.repeats
        if isinstance(repeats.get(repeat.key), list) and repeats[repeat.key]
    ]
