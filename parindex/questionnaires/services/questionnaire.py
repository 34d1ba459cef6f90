"""Surveys and their questionnaires: an uploaded XLSForm checked against the framework and the
period's units (every problem at its cell), created, replaced, exported, edited, opened and
closed.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext, ngettext
from openpyxl.utils import get_column_letter

from parindex.accounts.models import User
from parindex.audit.services import audit_record
from parindex.criteria.models import Framework
from parindex.criteria.selectors import framework_engine
from parindex.engine import Problem
from parindex.periods.models import AssessmentPeriod
from parindex.questionnaires import selectors
from parindex.questionnaires.definition import form_to_json
from parindex.questionnaires.errors import QuestionnaireError
from parindex.questionnaires.models import Response, Survey, SurveyState
from parindex.questionnaires.services.files import safe_name, strip_folder
from parindex.surveys.scoring import framework_problems
from parindex.surveys.xlsform import Choice, SurveyForm, validate_xlsform, write_xlsform
from parindex.units.models import Unit


def _with_unit_choices(form: SurveyForm, units: Sequence[Unit]) -> SurveyForm:
    """The form with its unit list replaced by `units` (code = choice name, name = label)."""
    question = form.question(form.unit_field)
    list_name = question.list_name
    languages = list(form.languages) or [""]
    choices = dict(form.choices)
    choices[list_name] = tuple(
        Choice(list_name, unit.code, dict.fromkeys(languages, unit.name)) for unit in units
    )
    return replace(form, choices=choices)


@dataclass(frozen=True)
class CheckedForm:
    form: SurveyForm
    content: bytes  # the workbook to keep (rewritten when the unit list was replaced)
    file_name: str
    warnings: tuple[str, ...] = ()


def check_questionnaire(
    *,
    period: AssessmentPeriod,
    framework: Framework,
    file_name: str,
    content: bytes,
    replace_unit_choices: bool = False,
) -> CheckedForm:
    """Read and check an uploaded XLSForm against the framework and the period's units.

    Raises `QuestionnaireError` with every problem located at its cell
    (`ten-tep.xlsx!survey!G7`).
    """
    name = safe_name(file_name, "bieu-mau.xlsx")
    units = list(selectors.units_for(period.pk, framework.pk))
    if not units:
        raise QuestionnaireError(
            [
                Problem(
                    "framework",
                    gettext(
                        "%(period)s không có nhóm đơn vị nào được đánh giá bằng «%(framework)s»: "
                        "hãy chọn bộ tiêu chí của một nhóm trong kỳ"
                    )
                    % {"period": period, "framework": framework.name},
                )
            ]
        )
    with tempfile.TemporaryDirectory(prefix="parindex-form-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        check = validate_xlsform(path)
        problems = strip_folder(check.problems, Path(folder))
        if not check.ok or check.form is None:
            raise QuestionnaireError(problems)
        form = check.form
        engine = framework_engine(framework)
        problems += strip_folder(framework_problems(form, engine), Path(folder))
        warnings: list[str] = []
        unit_question = next((q for q in form.answer_questions if q.name == form.unit_field), None)
        if unit_question is not None and unit_question.is_select_one:
            if replace_unit_choices:
                form = _with_unit_choices(form, units)
            else:
                problems += _unknown_unit_choices(form, name, {unit.code for unit in units})
        if not form.group_weights():
            problems.append(
                Problem(f"{name}!settings", gettext("biểu mẫu không có nhóm người trả lời"))
            )
        if problems:
            raise QuestionnaireError(problems)
        for node in engine.walk():
            if node.source == "survey" and node.is_leaf and node.code not in form.nodes:
                warnings.append(
                    gettext("Tiêu chí điều tra %(code)s chưa có câu hỏi nào gắn vào.")
                    % {"code": node.code}
                )
        if replace_unit_choices and unit_question is not None and unit_question.is_select_one:
            write_xlsform(form, path)
            content = path.read_bytes()
    form = replace(form, path=name)
    return CheckedForm(form, content, name, tuple(warnings))


def _unknown_unit_choices(form: SurveyForm, name: str, codes: set[str]) -> list[Problem]:
    question = form.question(form.unit_field)
    column = next(
        (i for i, header in enumerate(form.choices_columns) if header.strip().lower() == "name"),
        1,
    )
    letter = get_column_letter(column + 1)
    known = ", ".join(sorted(codes)[:8]) + ("…" if len(codes) > 8 else "")
    return [
        Problem(
            f"{name}!choices!{letter}{choice.row}",
            gettext(
                "mã đơn vị «%(code)s» không thuộc các đơn vị được đánh giá bằng bộ tiêu chí này "
                "trong kỳ (ví dụ: %(known)s); hoặc chọn «thay danh sách đơn vị»"
            )
            % {"code": choice.name, "known": known},
        )
        for choice in form.choices.get(question.list_name, ())
        if choice.name not in codes
    ]


def respondent_groups_of(form: SurveyForm) -> list[dict[str, str]]:
    labels: dict[str, str] = {}
    if form.respondent_group_field:
        question = form.question(form.respondent_group_field)
        for choice in form.choices.get(question.list_name, ()):
            labels[choice.name] = choice.labels.get(form.default_language) or next(
                (text for text in choice.labels.values() if text), choice.name
            )
    return [
        {"code": code, "label": labels.get(code, code), "weight": str(weight)}
        for code, weight in form.group_weights().items()
    ]


def _store_form(survey: Survey, checked: CheckedForm) -> None:
    form = checked.form
    survey.definition = form_to_json(form)
    survey.form_id = form.form_id
    survey.form_version = form.version
    survey.form_name = checked.file_name
    survey.respondent_groups = respondent_groups_of(form)
    survey.form_file.save(checked.file_name, ContentFile(checked.content), save=False)


@transaction.atomic
def survey_create(
    *,
    actor: User,
    period: AssessmentPeriod,
    framework: Framework,
    name: str,
    file_name: str,
    content: bytes,
    confidence: Decimal = Decimal("0.95"),
    replace_unit_choices: bool = False,
) -> tuple[Survey, tuple[str, ...]]:
    """A new survey (draft) with its questionnaire; returns it and the warnings."""
    if not name.strip():
        raise QuestionnaireError([Problem("name", gettext("cần tên cuộc điều tra"))])
    checked = check_questionnaire(
        period=period,
        framework=framework,
        file_name=file_name,
        content=content,
        replace_unit_choices=replace_unit_choices,
    )
    survey = Survey(
        period=period,
        framework=framework,
        name=name.strip(),
        confidence=confidence,
        salt=secrets.token_hex(32),
        created_by=actor,
    )
    _store_form(survey, checked)
    survey.full_clean()
    survey.save()
    audit_record(
        actor=actor,
        action="create",
        instance=survey,
        changes={"form": [None, f"{survey.form_id} {survey.form_version}"]},
        scope=survey,
    )
    return survey, checked.warnings


@transaction.atomic
def survey_replace_form(
    *,
    actor: User,
    survey: Survey,
    file_name: str,
    content: bytes,
    replace_unit_choices: bool = False,
) -> tuple[str, ...]:
    """A new questionnaire for a survey that has no response yet."""
    count = Response.objects.filter(survey=survey).count()
    if count:
        raise QuestionnaireError(
            ngettext(
                "Cuộc điều tra đã có %(count)s phiếu trả lời: không thay được biểu mẫu. Hãy tạo "
                "cuộc điều tra mới cho biểu mẫu mới.",
                "Cuộc điều tra đã có %(count)s phiếu trả lời: không thay được biểu mẫu. Hãy tạo "
                "cuộc điều tra mới cho biểu mẫu mới.",
                count,
            )
            % {"count": count}
        )
    checked = check_questionnaire(
        period=survey.period,
        framework=survey.framework,
        file_name=file_name,
        content=content,
        replace_unit_choices=replace_unit_choices,
    )
    before = f"{survey.form_id} {survey.form_version}"
    _store_form(survey, checked)
    survey.save()
    audit_record(
        actor=actor,
        action="replace_form",
        instance=survey,
        changes={"form": [before, f"{survey.form_id} {survey.form_version}"]},
        scope=survey,
    )
    return checked.warnings


def survey_export_form(survey: Survey) -> bytes:
    """The questionnaire as an XLSForm workbook (ODK and KoboToolbox accept it)."""
    form = selectors.survey_form(survey)
    with tempfile.TemporaryDirectory(prefix="parindex-form-") as folder:
        path = Path(folder) / "form.xlsx"
        write_xlsform(form, path)
        return path.read_bytes()


_EDITABLE = ("name", "confidence", "open_link_enabled", "open_link_rate_limit")


@transaction.atomic
def survey_update(*, actor: User, survey: Survey, **fields: Any) -> Survey:
    before = {name: getattr(survey, name) for name in _EDITABLE}
    for name, value in fields.items():
        if name not in _EDITABLE:
            raise ValueError(f"field {name} cannot be edited here")
        setattr(survey, name, value)
    survey.full_clean(exclude=[f.name for f in Survey._meta.fields if f.name not in fields])
    survey.save(update_fields=list(fields))
    changes = {
        name: [before[name], getattr(survey, name)]
        for name in _EDITABLE
        if before[name] != getattr(survey, name)
    }
    if changes:
        audit_record(actor=actor, action="update", instance=survey, changes=changes, scope=survey)
    return survey


_TRANSITIONS = {
    (SurveyState.DRAFT, SurveyState.OPEN),
    (SurveyState.OPEN, SurveyState.CLOSED),
    (SurveyState.CLOSED, SurveyState.OPEN),
}


@transaction.atomic
def survey_transition(*, actor: User, survey: Survey, state: str) -> Survey:
    """Open the collection, close it, or reopen it."""
    old = SurveyState(survey.state)
    new = SurveyState(state)
    if (old, new) not in _TRANSITIONS:
        raise QuestionnaireError(
            gettext("Không chuyển được từ «%(old)s» sang «%(new)s».")
            % {"old": old.label, "new": new.label}
        )
    if new == SurveyState.OPEN and not selectors.survey_form(survey).answer_questions:
        raise QuestionnaireError(gettext("Biểu mẫu chưa có câu hỏi nào."))
    survey.state = new
    survey.save(update_fields=["state"])
    audit_record(
        actor=actor, action="state", instance=survey, changes={"state": [old, new]}, scope=survey
    )
    return survey
