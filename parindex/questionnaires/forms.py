"""Forms of the survey pages, and the answer form built from an XLSForm questionnaire.

`answer_form` turns the form's questions into Django fields (select_one as radio buttons,
select_multiple as check boxes, integer, decimal, date, text) with labels in the page's
language, and `layout` lists what the template draws in form order (groups, notes,
questions). Answers are kept as the texts an ODK export would hold, so that web, paper
and imported responses look the same to the integrity rules and the scoring.

Repeat groups are not asked on the web: their questions never become fields, and the form
says in their place that the section is collected only with ODK Collect or KoboToolbox
(whose exports bring it, `services.imports`). Their answers are never scored.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parindex.criteria.models import Framework
from parindex.formfields import DateField, FileInput
from parindex.periods.models import AssessmentPeriod
from parindex.surveys.xlsform import Question, SurveyForm
from parindex.units.models import Unit

from .definition import label_of, language_column
from .models import CONFIDENCE_CHOICES, ReviewAction, Survey
from .public_text import texts

# Question types a respondent can answer on a web page; the others (metadata, media,
# locations, calculations) are not asked.
WEB_TYPES = frozenset(
    {"select_one", "select_multiple", "integer", "decimal", "text", "date", "note"}
)
HONEYPOT = "website"  # hidden from people; a bot that fills it in is thanked and ignored


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp"), widget=FileInput)


class SurveyCreateForm(forms.Form):
    name = forms.CharField(label=_("Tên cuộc điều tra"), max_length=200)
    period = forms.ModelChoiceField(AssessmentPeriod.objects.all(), label=_("Kỳ đánh giá"))
    framework = forms.ModelChoiceField(
        Framework.objects.filter(status="published"), label=_("Bộ tiêu chí được chấm điểm")
    )
    confidence = forms.TypedChoiceField(
        label=_("Độ tin cậy"),
        choices=CONFIDENCE_CHOICES,
        coerce=Decimal,
        initial=Decimal("0.95"),
    )
    form_file = forms.FileField(
        label=_("Biểu mẫu XLSForm (.xlsx)"),
        help_text=_("Trang survey, choices, settings; cột node gắn câu hỏi với tiêu chí."),
        widget=FileInput(attrs={"accept": ".xlsx"}),
    )
    replace_unit_choices = forms.BooleanField(
        label=_("Thay danh sách đơn vị trong biểu mẫu bằng các đơn vị của kỳ đánh giá"),
        required=False,
        initial=True,
    )


class SurveyEditForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["name", "confidence", "open_link_enabled", "open_link_rate_limit"]


class FormReplaceForm(forms.Form):
    form_file = forms.FileField(
        label=_("Biểu mẫu XLSForm (.xlsx)"), widget=FileInput(attrs={"accept": ".xlsx"})
    )
    replace_unit_choices = forms.BooleanField(
        label=_("Thay danh sách đơn vị trong biểu mẫu bằng các đơn vị của kỳ đánh giá"),
        required=False,
        initial=True,
    )


class InvitationForm(forms.Form):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("Đơn vị"))
    respondent_group = forms.ChoiceField(label=_("Nhóm người trả lời"))
    count = forms.IntegerField(label=_("Số thư mời"), min_value=1, max_value=2000, initial=10)
    expires_on = DateField(label=_("Hết hạn sau ngày"))

    def __init__(self, *args: Any, units: QuerySet[Unit], groups: list[dict[str, Any]], **kw: Any):
        super().__init__(*args, **kw)
        unit, group = self.fields["unit"], self.fields["respondent_group"]
        assert isinstance(unit, forms.ModelChoiceField)
        assert isinstance(group, forms.ChoiceField)
        unit.queryset = units
        group.choices = [(g["code"], g["label"]) for g in groups]
        if not self.is_bound:
            self.initial["expires_on"] = timezone.localdate() + datetime.timedelta(days=30)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp xuất từ ODK/KoboToolbox (.csv, .xlsx hoặc .zip)"),
        help_text=_(
            "Cột theo tên câu hỏi của biểu mẫu; tiền tố nhóm (nhom/cau) được bỏ. Biểu mẫu có"
            " nhóm lặp: tệp ZIP của ODK Central hoặc tệp XLSX của KoboToolbox."
        ),
        widget=FileInput(attrs={"accept": ".csv,.xlsx,.zip"}),
    )
    skip_rejected = forms.BooleanField(
        label=_("Nhập các dòng hợp lệ, bỏ qua các dòng lỗi"),
        required=False,
        help_text=_("Mặc định: có dòng lỗi thì không nhập dòng nào."),
    )


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=ReviewAction.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))


# ---------------------------------------------------------------------------------------------
# The answer form
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LayoutItem:
    kind: str  # "group_start", "group_end", "note", "field", "repeat" (not asked here)
    label: str = ""
    name: str = ""
    hint: str = ""


def _hint(question: Question, language: str, default: str) -> str:
    hints = {
        header.partition("::")[2].strip(): text
        for header, text in question.extra.items()
        if header.partition("::")[0].strip().lower() == "hint"
    }
    return label_of(hints, language, default, "") if hints else ""


def _asked(question: Question, skip: set[str]) -> bool:
    return question.base_type in WEB_TYPES and question.name not in skip


class AnswerForm(forms.Form):
    """Fields named after the questions; `answers()` gives the texts to store."""

    survey_form: SurveyForm
    layout: list[LayoutItem]

    def items(self) -> list[tuple[LayoutItem, forms.BoundField | None]]:
        """What the template draws, in form order, each question with its bound field."""
        return [(item, self[item.name] if item.kind == "field" else None) for item in self.layout]

    def answers(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for question in self.survey_form.answer_questions:
            if question.name not in self.fields:
                continue
            value = self.cleaned_data.get(question.name)
            if value in (None, "", []):
                continue
            if isinstance(value, list):
                values[question.name] = " ".join(value)
            elif isinstance(value, datetime.date):
                values[question.name] = value.isoformat()
            else:
                values[question.name] = str(value).strip()
        return values


UNIT_FIELD = "_unit"  # names starting with "_" are never questions (the form reader refuses them)
PAPER_FIELD = "_paper"


def answer_form(
    form: SurveyForm,
    language_code: str,
    *,
    skip: Iterable[str] = (),
    data: Any = None,
    unit_choices: list[tuple[str, str]] | None = None,
    paper_number: bool = False,
) -> AnswerForm:
    """A bound (with `data`) or empty answer form for `form` in the page's language.

    The unit is never asked through the form's own question (a long list of radio
    buttons): with `unit_choices` it is a drop-down in that question's place, else it is
    fixed by the caller (an invitation, a link for one unit). `paper_number` adds, first,
    the number written on a paper form, so that a form typed twice is caught as a
    duplicate submission.
    """
    language = language_column(form, language_code)
    default = form.default_language
    words = texts(language_code)
    required_message = words["answer_required"]
    skipped = set(skip)
    fields: dict[str, forms.Field] = {}
    layout: list[LayoutItem] = []
    if paper_number:
        help_text = _("Ghi số in trên phiếu: một phiếu nhập hai lần sẽ được phát hiện.")
        fields[PAPER_FIELD] = forms.CharField(
            label=_("Số phiếu giấy"), max_length=60, required=False, help_text=help_text
        )
        layout.append(LayoutItem("field", str(_("Số phiếu giấy")), PAPER_FIELD, str(help_text)))
    if unit_choices is not None:
        fields[UNIT_FIELD] = forms.ChoiceField(
            choices=[("", "—"), *unit_choices],
            required=True,
            error_messages={"required": required_message},
        )
        if form.unit_field not in {q.name for q in form.questions}:
            fields[UNIT_FIELD].label = str(_("Đơn vị"))
            layout.append(LayoutItem("field", str(_("Đơn vị")), UNIT_FIELD))
    repeats_open = 0  # repeat groups around the current row: their questions are not asked
    for question in form.questions:
        kind = question.base_type
        label = label_of(question.labels, language, default, question.name)
        if kind == "begin_repeat":
            if not repeats_open:
                notice = words["repeat_elsewhere"] % {"section": label}
                layout.append(LayoutItem("repeat", label, question.name, notice))
            repeats_open += 1
            continue
        if kind == "end_repeat":
            repeats_open = max(repeats_open - 1, 0)
            continue
        if repeats_open:
            continue
        if kind == "begin_group":
            layout.append(LayoutItem("group_start", label if question.labels else ""))
            continue
        if kind == "end_group":
            layout.append(LayoutItem("group_end"))
            continue
        if question.name == form.unit_field and question.name:
            if unit_choices is not None:
                fields[UNIT_FIELD].label = label
                layout.append(LayoutItem("field", label, UNIT_FIELD))
            continue
        if not _asked(question, skipped):
            continue
        if kind == "note":
            layout.append(LayoutItem("note", label))
            continue
        required = question.is_required and not question.relevant
        field: forms.Field
        if kind in ("select_one", "select_multiple"):
            choices = [
                (choice.name, label_of(choice.labels, language, default, choice.name))
                for choice in form.choices.get(question.list_name, ())
            ]
            if kind == "select_one":
                field = forms.ChoiceField(
                    choices=choices, widget=forms.RadioSelect, required=required
                )
            else:
                field = forms.MultipleChoiceField(
                    choices=choices, widget=forms.CheckboxSelectMultiple, required=required
                )
        elif kind == "integer":
            field = forms.IntegerField(
                required=required, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
            )
        elif kind == "decimal":
            field = forms.DecimalField(
                required=required,
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
        elif kind == "date":
            field = DateField(required=required)
        else:
            field = forms.CharField(
                required=required,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        field.label = label
        field.error_messages["required"] = required_message
        fields[question.name] = field
        layout.append(LayoutItem("field", label, question.name, _hint(question, language, default)))
    form_class = type("AnswerFormFor", (AnswerForm,), dict(fields))
    layout = _without_empty_groups(layout)
    bound: AnswerForm = form_class(data=data)
    bound.survey_form = form
    bound.layout = layout
    return bound


def _without_empty_groups(layout: list[LayoutItem]) -> list[LayoutItem]:
    """Drop groups whose every question is asked elsewhere (the unit, a fixed group)."""
    result: list[LayoutItem] = []
    openings: list[int] = []  # positions in `result` of the groups still open
    for item in layout:
        if item.kind == "group_start":
            openings.append(len(result))
            result.append(item)
        elif item.kind == "group_end":
            start = openings.pop() if openings else None
            if start is not None and all(
                entry.kind in ("group_start", "group_end") for entry in result[start:]
            ):
                del result[start:]
            else:
                result.append(item)
        else:
            result.append(item)
    return result
