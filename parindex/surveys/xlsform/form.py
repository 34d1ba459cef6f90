"""A questionnaire as the XLSForm says it: survey rows (questions, groups, notes, metadata),
choices lists and settings, with what parindex reads from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from parindex.engine import to_decimal
from parindex.surveys.xlsform.sheets import split_header

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"

# Rows that shape the form rather than hold an answer.
STRUCTURE_TYPES = frozenset({"begin_group", "end_group", "begin_repeat", "end_repeat", "note"})
# Metadata the field tools fill in themselves; the importer reads them as meta columns.
META_TYPES = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "phonenumber",
        "username",
        "email",
        "audit",
        "simserial",
        "subscriberid",
        "start-geopoint",
    }
)


TRUE_TEXTS = frozenset({"yes", "true", "true()", "1", "có"})


def normalise_type(raw: str) -> str:
    """XLSForm accepts `begin group` and `begin_group`; keep one spelling for comparisons."""
    words = raw.split()
    if len(words) >= 2 and words[0] in ("begin", "end") and words[1] in ("group", "repeat"):
        return f"{words[0]}_{words[1]}"
    return words[0] if words else ""


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
    def base_type(self) -> str:
        return normalise_type(self.type)

    @property
    def list_name(self) -> str:
        """The choices list of a `select_one LIST` / `select_multiple LIST` question."""
        words = self.type.split()
        if self.base_type in ("select_one", "select_multiple") and len(words) >= 2:
            return words[1]
        return ""

    @property
    def is_select_one(self) -> bool:
        return self.base_type == "select_one"

    @property
    def holds_answer(self) -> bool:
        """A question whose answer is a column of the responses (not a group, note or meta)."""
        return bool(self.name) and self.base_type not in STRUCTURE_TYPES | META_TYPES

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
class SurveyForm:
    """A questionnaire: survey rows, choices lists and settings, as the XLSForm says."""

    questions: tuple[Question, ...]
    choices: Mapping[str, tuple[Choice, ...]]
    settings: Mapping[str, str]
    survey_columns: tuple[str, ...] = ()
    choices_columns: tuple[str, ...] = ()
    settings_columns: tuple[str, ...] = ()
    path: str = field(default="", compare=False)

    # -- settings -------------------------------------------------------------------------------
    @property
    def form_id(self) -> str:
        return self.settings.get("form_id", "")

    @property
    def version(self) -> str:
        return self.settings.get("version", "")

    @property
    def title(self) -> str:
        return self.settings.get("form_title", "") or self.form_id

    @property
    def default_language(self) -> str:
        return self.settings.get("default_language", "")

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
        found: list[str] = []
        for column in self.survey_columns:
            base, language = split_header(column)
            if base == "label" and language not in found:
                found.append(language)
        return tuple(found)

    # -- questions ------------------------------------------------------------------------------
    def question(self, name: str) -> Question:
        for question in self.questions:
            if question.name == name:
                return question
        raise KeyError(name)

    @property
    def answer_questions(self) -> tuple[Question, ...]:
        """Questions whose answers are columns of a response, in form order."""
        return tuple(question for question in self.questions if question.holds_answer)

    @property
    def scored_questions(self) -> tuple[Question, ...]:
        return tuple(question for question in self.questions if question.is_scored)

    def group_path(self, name: str) -> tuple[str, ...]:
        """The groups a question sits in, outermost first (how exports prefix its column)."""
        open_groups: list[str] = []
        for question in self.questions:
            if question.name == name and question.base_type != "begin_group":
                return tuple(open_groups)
            if question.base_type == "begin_group":
                open_groups.append(question.name)
            elif question.base_type == "end_group" and open_groups:
                open_groups.pop()
        raise KeyError(name)

    @property
    def group_names(self) -> frozenset[str]:
        return frozenset(q.name for q in self.questions if q.base_type == "begin_group" and q.name)

    @property
    def nodes(self) -> tuple[str, ...]:
        """Framework node codes fed by this form, in the order they first appear."""
        return tuple(dict.fromkeys(question.node for question in self.scored_questions))

    def choice_shares(self, list_name: str) -> dict[str, Decimal | None]:
        """Each choice's points as a share 0..1 of the list's largest points (None = not scored)."""
        choices = self.choices.get(list_name, ())
        top = max((c.points for c in choices if c.points is not None), default=None)
        if top is None or top == 0:
            return {choice.name: None for choice in choices}
        return {
            choice.name: (choice.points / top if choice.points is not None else None)
            for choice in choices
        }

    def group_weights(self) -> dict[str, Decimal]:
        """Respondent groups this form can hold, with their weights."""
        if self.respondent_group:
            raw = self.settings.get("respondent_group_weight", "")
            return {self.respondent_group: to_decimal(raw) if raw else Decimal(1)}
        try:
            group_question = self.question(self.respondent_group_field)
        except KeyError:
            return {}
        return {
            choice.name: choice.weight if choice.weight is not None else Decimal(1)
            for choice in self.choices.get(group_question.list_name, ())
        }

    def unit_choices(self) -> dict[str, str]:
        """Unit codes and labels when the unit question is a `select_one` (else empty)."""
        try:
            unit_question = self.question(self.unit_field)
        except KeyError:
            return {}
        return {
            choice.name: _first_label(choice.labels, self.default_language, choice.name)
            for choice in self.choices.get(unit_question.list_name, ())
        }


def _first_label(labels: Mapping[str, str], language: str, fallback: str) -> str:
    if labels.get(language):
        return labels[language]
    return next((text for text in labels.values() if text), fallback)
