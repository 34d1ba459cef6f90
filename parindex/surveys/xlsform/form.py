"""A questionnaire as the XLSForm says it: survey rows (questions, groups, notes, metadata),
choices lists and settings, with what parindex reads from them.

Where the answers go: every question outside a repeat group holds a column of the response
table, named by its `key` — its name, or its group path (`g2/q1`) when two groups hold a
question of the same name. Each repeat group outside another repeat holds one column of
JSON (a list of its entries, nested repeats inside). Only questions outside repeat groups
are scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from parindex.engine import to_decimal
from parindex.surveys.xlsform.sheets import split_header
from parindex.surveys.xlsform.types import META_TYPES, ParsedType, normalise_type, parse_type

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"

# Rows that shape the form rather than hold an answer (kept for callers of the old name).
STRUCTURE_TYPES = frozenset(
    {"begin_group", "end_group", "begin_repeat", "end_repeat", "begin_loop", "end_loop", "note"}
)
TRUE_TEXTS = frozenset({"yes", "true", "true()", "1", "có"})

__all__ = [
    "DEFAULT_TIMEZONE",
    "META_TYPES",
    "STRUCTURE_TYPES",
    "Choice",
    "Field",
    "Question",
    "RepeatGroup",
    "SurveyForm",
    "normalise_type",
]


@dataclass(frozen=True)
class Choice:
    """One answer of a choices list. `points` is the raw points cell (None = not scored)."""

    list_name: str
    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    points: Decimal | None = None
    weight: Decimal | None = None
    extra: Mapping[str, str] = field(default_factory=dict)
    row: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Question:
    """One row of the survey sheet (questions, groups, notes and metadata alike)."""

    type: str
    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    required: str = ""
    relevant: str = ""
    node: str = ""
    weight: Decimal | None = None
    personal: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)
    row: int = field(default=0, compare=False)

    @property
    def parsed_type(self) -> ParsedType:
        return parse_type(self.type)

    @property
    def base_type(self) -> str:
        return self.parsed_type.base

    @property
    def list_name(self) -> str:
        """The choices list of a `select_one LIST` / `select_multiple LIST` question."""
        parsed = self.parsed_type
        return parsed.list_name if parsed.kind in ("select", "external_select") else ""

    @property
    def is_select_one(self) -> bool:
        """A single choice from a list of the choices sheet."""
        return self.base_type == "select_one"

    @property
    def choices_in_sheet(self) -> bool:
        """Its answers are names of a list of the choices sheet (select_one, _multiple, rank)."""
        return self.parsed_type.kind == "select"

    @property
    def holds_answer(self) -> bool:
        """A question whose answer is a column of the responses (not a group, note or meta)."""
        return bool(self.name) and self.parsed_type.holds_value

    @property
    def is_required(self) -> bool:
        return self.required.strip().lower() in TRUE_TEXTS

    @property
    def is_personal(self) -> bool:
        return self.personal.strip().lower() in TRUE_TEXTS

    @property
    def scoring_weight(self) -> Decimal:
        return self.weight if self.weight is not None else Decimal(1)

    @property
    def is_scored(self) -> bool:
        return bool(self.node) and self.is_select_one

    def label(self, language: str = "") -> str:
        """The label in `language`, else the first label there is."""
        if self.labels.get(language):
            return self.labels[language]
        return next((text for text in self.labels.values() if text), self.name)


@dataclass(frozen=True)
class Field:
    """A question that holds an answer, where it sits: `key` names its column (unique in its
    table), `path` its groups from the table's root (the form or its repeat group), ending
    with its name."""

    question: Question
    key: str
    path: tuple[str, ...]
    repeat: str = ""  # key path of the repeat group holding it ("" = outside repeats)


@dataclass(frozen=True)
class RepeatGroup:
    """A repeat group: its own fields and nested repeats, keyed within it."""

    name: str
    key: str
    row: int
    path: tuple[str, ...]  # groups from the enclosing table's root, ending with its name
    fields: tuple[Field, ...]
    repeats: tuple[RepeatGroup, ...]


@dataclass
class _Table:
    path_prefix: tuple[str, ...]
    fields: list[Field]
    repeats: list[tuple[str, tuple[str, ...], int, _Table]]  # name, path, row, table


def _build_structure(questions: tuple[Question, ...]) -> tuple[_Table, list[tuple[str, Field]]]:
    """The form's tables: fields and repeats of the top level, recursively; also each
    top-level meta row with its role."""
    root = _Table((), [], [])
    stack: list[tuple[str, str, _Table]] = []  # kind, name, table of the open containers
    tables = [root]
    groups: list[list[str]] = [[]]  # per open table: the open groups' names
    meta: list[tuple[str, Field]] = []
    for question in questions:
        parsed = question.parsed_type
        kind = parsed.kind
        if kind in ("begin_group", "begin_loop"):
            stack.append((kind, question.name, tables[-1]))
            groups[-1].append(question.name)
            continue
        if kind == "begin_repeat":
            table = _Table((), [], [])
            path = (*groups[-1], question.name)
            tables[-1].repeats.append((question.name, path, question.row, table))
            stack.append((kind, question.name, table))
            tables.append(table)
            groups.append([])
            continue
        if kind in ("end_group", "end_loop", "end_repeat"):
            if not stack:
                continue
            opened, _, _ = stack.pop()
            if opened == "begin_repeat":
                if len(tables) > 1:
                    tables.pop()
                    groups.pop()
            elif groups[-1]:
                groups[-1].pop()
            continue
        if kind == "meta" and len(tables) == 1 and question.name:
            meta.append((parsed.base, Field(question, question.name, (*groups[-1], question.name))))
        if not question.holds_answer:
            continue
        path = (*groups[-1], question.name)
        tables[-1].fields.append(Field(question, question.name, path))
        if parsed.or_other:
            other = Question("text", f"{question.name}_other", row=question.row)
            tables[-1].fields.append(Field(other, other.name, (*groups[-1], other.name)))
    return root, meta


def _keyed(table: _Table, repeat_key: str) -> tuple[tuple[Field, ...], tuple[RepeatGroup, ...]]:
    names = [f.question.name for f in table.fields] + [name for name, *_ in table.repeats]
    shared = {name for name in names if names.count(name) > 1}

    def key_of(name: str, path: tuple[str, ...]) -> str:
        return "/".join(path) if name in shared else name

    fields = tuple(
        replace(f, key=key_of(f.question.name, f.path), repeat=repeat_key) for f in table.fields
    )
    repeats = []
    for name, path, row, inner in table.repeats:
        key = key_of(name, path)
        inner_key = f"{repeat_key}/{key}" if repeat_key else key
        inner_fields, inner_repeats = _keyed(inner, inner_key)
        repeats.append(RepeatGroup(name, key, row, path, inner_fields, inner_repeats))
    return fields, tuple(repeats)


@dataclass(frozen=True)
class SurveyForm:
    """A questionnaire: survey rows, choices lists and settings, as the XLSForm says."""

    questions: tuple[Question, ...]
    choices: Mapping[str, tuple[Choice, ...]]
    settings: Mapping[str, str]
    survey_columns: tuple[str, ...] = ()
    choices_columns: tuple[str, ...] = ()
    settings_columns: tuple[str, ...] = ()
    path: str = field(default="", compare=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)

    # -- settings -------------------------------------------------------------------------------
    @property
    def form_id(self) -> str:
        """The settings' `form_id`, else the file name without extension (as pyxform does)."""
        return self.settings.get("form_id", "") or (Path(self.path).stem if self.path else "")

    @property
    def version(self) -> str:
        return self.settings.get("version", "")

    @property
    def title(self) -> str:
        return self.settings.get("form_title", "") or self.form_id

    @property
    def default_language(self) -> str:
        """The settings' `default_language`; else the labels without a language when there are
        some, else the first language."""
        chosen = self.settings.get("default_language", "")
        if chosen:
            return chosen
        languages = self.languages
        return "" if not languages or "" in languages else languages[0]

    @property
    def unit_field(self) -> str:
        return self.settings.get("unit_field", "")

    @property
    def respondent_group(self) -> str:
        """The one group that answers this form ("" when a question holds the group)."""
        return self.settings.get("respondent_group", "")

    @property
    def respondent_group_field(self) -> str:
        return self.settings.get("respondent_group_field", "")

    @property
    def timezone(self) -> str:
        return self.settings.get("timezone", "") or DEFAULT_TIMEZONE

    @property
    def languages(self) -> tuple[str, ...]:
        """Label languages in column order (Vietnamese first in our forms)."""
        double_colon = any("::" in column for column in self.survey_columns)
        found: list[str] = []
        for column in self.survey_columns:
            base, language = split_header(column, double_colon)
            if base == "label" and language not in found:
                found.append(language)
        if not found:
            for question in self.questions:
                found.extend(lang for lang in question.labels if lang not in found)
        return tuple(found)

    # -- structure ------------------------------------------------------------------------------
    @cached_property
    def _structure(
        self,
    ) -> tuple[tuple[Field, ...], tuple[RepeatGroup, ...], tuple[tuple[str, Field], ...]]:
        root, meta = _build_structure(self.questions)
        fields, repeats = _keyed(root, "")
        return fields, repeats, tuple(meta)

    @property
    def fields(self) -> tuple[Field, ...]:
        """Questions outside repeat groups that hold an answer, keyed, in form order."""
        return self._structure[0]

    @property
    def repeats(self) -> tuple[RepeatGroup, ...]:
        """Repeat groups outside other repeats (each one JSON column of the responses)."""
        return self._structure[1]

    @property
    def meta_questions(self) -> tuple[tuple[str, Field], ...]:
        """Metadata rows outside repeats (`start`, `end`, `deviceid`…) with their type."""
        return self._structure[2]

    @cached_property
    def answer_questions(self) -> tuple[Question, ...]:
        """Questions whose answers are columns of a response, in form order, each named by its
        column key (the name, or `group/name` when the name is used in two groups)."""
        return tuple(
            f.question if f.key == f.question.name else replace(f.question, name=f.key)
            for f in self.fields
        )

    @property
    def scored_questions(self) -> tuple[Question, ...]:
        return tuple(question for question in self.answer_questions if question.is_scored)

    def field(self, key: str) -> Field | None:
        """The field whose column is `key`; a plain name used once also finds its field."""
        for item in self.fields:
            if item.key == key:
                return item
        matches = [item for item in self.fields if item.question.name == key]
        return matches[0] if len(matches) == 1 else None

    def question(self, name: str) -> Question:
        """The answer question keyed `name` (or named so), else the first row named so."""
        found = self.field(name)
        if found is not None:
            return (
                found.question
                if found.key == found.question.name
                else replace(found.question, name=found.key)
            )
        for question in self.questions:
            if question.name == name:
                return question
        raise KeyError(name)

    def group_path(self, name: str) -> tuple[str, ...]:
        """The groups a question sits in, outermost first (how exports prefix its column)."""
        found = self.field(name)
        if found is not None:
            return found.path[:-1]
        open_groups: list[str] = []
        for question in self.questions:
            if question.name == name and question.base_type != "begin_group":
                return tuple(open_groups)
            if question.base_type in ("begin_group", "begin_repeat"):
                open_groups.append(question.name)
            elif question.base_type in ("end_group", "end_repeat") and open_groups:
                open_groups.pop()
        raise KeyError(name)

    @property
    def group_names(self) -> frozenset[str]:
        return frozenset(q.name for q in self.questions if q.base_type == "begin_group" and q.name)

    @property
    def nodes(self) -> tuple[str, ...]:
        """Framework node codes fed by this form, in the order they first appear."""
        return tuple(dict.fromkeys(question.node for question in self.scored_questions))

    def choice_names(self, list_name: str) -> tuple[str, ...]:
        """The distinct answer names of a list, in order (a cascading list may repeat a name)."""
        return tuple(dict.fromkeys(choice.name for choice in self.choices.get(list_name, ())))

    def choice_shares(self, list_name: str) -> dict[str, Decimal | None]:
        """Each choice's points as a share 0..1 of the list's largest points (None = not scored).
        A name listed twice (cascading lists) takes its first points."""
        choices = self.choices.get(list_name, ())
        top = max((c.points for c in choices if c.points is not None), default=None)
        shares: dict[str, Decimal | None] = {}
        for choice in choices:
            if choice.name in shares:
                continue
            if top is None or top == 0 or choice.points is None:
                shares[choice.name] = None
            else:
                shares[choice.name] = choice.points / top
        return shares

    def group_weights(self) -> dict[str, Decimal]:
        """Respondent groups this form can hold, with their weights."""
        if self.respondent_group:
            raw = self.settings.get("respondent_group_weight", "")
            try:
                return {self.respondent_group: to_decimal(raw) if raw else Decimal(1)}
            except (ValueError, ArithmeticError):
                return {self.respondent_group: Decimal(1)}
        try:
            group_question = self.question(self.respondent_group_field)
        except KeyError:
            return {}
        weights: dict[str, Decimal] = {}
        for choice in self.choices.get(group_question.list_name, ()):
            weights.setdefault(
                choice.name, choice.weight if choice.weight is not None else Decimal(1)
            )
        return weights

    def unit_choices(self) -> dict[str, str]:
        """Unit codes and labels when the unit question is a `select_one` (else empty)."""
        try:
            unit_question = self.question(self.unit_field)
        except KeyError:
            return {}
        if not unit_question.choices_in_sheet:
            return {}
        units: dict[str, str] = {}
        for choice in self.choices.get(unit_question.list_name, ()):
            units.setdefault(
                choice.name, _first_label(choice.labels, self.default_language, choice.name)
            )
        return units


def _first_label(labels: Mapping[str, str], language: str, fallback: str) -> str:
    if labels.get(language):
        return labels[language]
    return next((text for text in labels.values() if text), fallback)
