"""Writes of the survey platform: questionnaires, targets, invitations, responses from the
public form, staff entry and ODK/Kobo imports, integrity checks, review decisions, and the
feed of survey scores into the assessments. Every write is audited.

File inputs are checked completely before anything is written; their errors name the
file and the sheet and cell (questionnaires) or the row and column (responses, targets).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import tempfile
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl.utils import get_column_letter

from parindex.accounts.models import User
from parindex.assessments import workflow
from parindex.assessments.models import Assessment
from parindex.assessments.services import WorkflowError, entry_set_system_value
from parindex.audit.services import audit_record
from parindex.criteria.models import Framework
from parindex.criteria.selectors import framework_engine
from parindex.engine import Problem, format_number
from parindex.periods.models import AssessmentPeriod
from parindex.surveys.errors import ResponseFileError
from parindex.surveys.integrity import Flag, decision, statuses
from parindex.surveys.responses import (
    ENDED,
    GROUP,
    ROW,
    SOURCE,
    STARTED,
    SUBMITTED,
    UNIT,
    UUID,
    RejectedRow,
    parse_responses,
    read_response_file,
    source_hash,
)
from parindex.surveys.sampling import read_plan
from parindex.surveys.scoring import SurveyResults, framework_problems
from parindex.surveys.xlsform import Choice, SurveyForm, validate_xlsform, write_xlsform
from parindex.units.models import Unit

from . import selectors
from .definition import form_to_json
from .forms import PAPER_FIELD, UNIT_FIELD, AnswerForm, answer_form
from .models import (
    Channel,
    ImportBatch,
    Invitation,
    Response,
    ResponseReview,
    ReviewAction,
    SamplingTarget,
    Survey,
    SurveyState,
)

INVITATION_MAX = 2000  # invitations created at once


class QuestionnaireError(Exception):
    """A request refused, with every located problem (file!sheet!cell, file:row, field)."""

    def __init__(self, problems: Sequence[Problem] | str) -> None:
        self.problems = [Problem("", problems)] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class AnswerInvalid(Exception):
    """Answers that do not fit the questionnaire; `form` holds the per-question errors."""

    def __init__(self, form: AnswerForm) -> None:
        self.form = form
        super().__init__(form.errors.as_text())


class PublicRefusal(Exception):
    """The public form refuses a visitor; `code` picks the message (public_text.py)."""

    def __init__(self, code: str, status: int, **params: Any) -> None:
        self.code = code
        self.status = status
        self.params = params
        super().__init__(code)


# ---------------------------------------------------------------------------------------------
# Questionnaires
# ---------------------------------------------------------------------------------------------


def _strip_folder(problems: Iterable[Problem], folder: Path) -> list[Problem]:
    """Locations as the person knows them: the uploaded file's name, not a temporary path."""
    prefix = f"{folder}/"
    return [
        Problem(problem.location.replace(prefix, ""), problem.message.replace(prefix, ""))
        for problem in problems
    ]


def _safe_name(file_name: str, default: str) -> str:
    name = Path(file_name or default).name.strip() or default
    return name.replace("\x00", "")


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
    name = _safe_name(file_name, "bieu-mau.xlsx")
    units = list(selectors.units_for(period.pk, framework.pk))
    if not units:
        raise QuestionnaireError(
            [
                Problem(
                    "framework",
                    f"{period} không có nhóm đơn vị nào được đánh giá bằng «{framework.name}»:"
                    " hãy chọn bộ tiêu chí của một nhóm trong kỳ",
                )
            ]
        )
    with tempfile.TemporaryDirectory(prefix="parindex-form-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        check = validate_xlsform(path)
        problems = _strip_folder(check.problems, Path(folder))
        if not check.ok or check.form is None:
            raise QuestionnaireError(problems)
        form = check.form
        engine = framework_engine(framework)
        problems += _strip_folder(framework_problems(form, engine), Path(folder))
        warnings: list[str] = []
        unit_question = next((q for q in form.answer_questions if q.name == form.unit_field), None)
        if unit_question is not None and unit_question.is_select_one:
            if replace_unit_choices:
                form = _with_unit_choices(form, units)
            else:
                problems += _unknown_unit_choices(form, name, {unit.code for unit in units})
        if not form.group_weights():
            problems.append(Problem(f"{name}!settings", "biểu mẫu không có nhóm người trả lời"))
        if problems:
            raise QuestionnaireError(problems)
        for node in engine.walk():
            if node.source == "survey" and node.is_leaf and node.code not in form.nodes:
                warnings.append(f"Tiêu chí điều tra {node.code} chưa có câu hỏi nào gắn vào.")
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
            f"mã đơn vị «{choice.name}» không thuộc các đơn vị được đánh giá bằng bộ tiêu chí"
            f" này trong kỳ (ví dụ: {known}); hoặc chọn «thay danh sách đơn vị»",
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
        raise QuestionnaireError([Problem("name", "cần tên cuộc điều tra")])
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
            f"Cuộc điều tra đã có {count} phiếu trả lời: không thay được biểu mẫu."
            " Hãy tạo cuộc điều tra mới cho biểu mẫu mới."
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
        raise QuestionnaireError(f"Không chuyển được từ «{old.label}» sang «{new.label}».")
    if new == SurveyState.OPEN and not selectors.survey_form(survey).answer_questions:
        raise QuestionnaireError("Biểu mẫu chưa có câu hỏi nào.")
    survey.state = new
    survey.save(update_fields=["state"])
    audit_record(
        actor=actor, action="state", instance=survey, changes={"state": [old, new]}, scope=survey
    )
    return survey


# ---------------------------------------------------------------------------------------------
# Sampling targets
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    unit: Unit
    group: str
    target: int | None  # None or 0: no target for this unit and group
    population: int | None = None


@transaction.atomic
def targets_save(*, actor: User, survey: Survey, rows: Iterable[TargetRow]) -> int:
    """Set the targets given (others stay); a row without a target removes its target."""
    groups = set(selectors.group_codes(survey))
    allowed = set(selectors.survey_units(survey).values_list("pk", flat=True))
    existing = {
        (target.unit_id, target.respondent_group): target
        for target in SamplingTarget.objects.filter(survey=survey)
    }
    problems = []
    for row in rows:
        where = f"{row.unit.code}/{row.group}"
        if row.unit.pk not in allowed:
            problems.append(Problem(where, "đơn vị không thuộc cuộc điều tra"))
        if row.group not in groups:
            problems.append(Problem(where, f"nhóm «{row.group}» không có trong biểu mẫu"))
        if row.target is not None and row.target < 0:
            problems.append(Problem(where, "chỉ tiêu không được âm"))
    if problems:
        raise QuestionnaireError(problems)
    changed = 0
    rows = list(rows)
    for row in rows:
        current = existing.get((row.unit.pk, row.group))
        if not row.target:
            if current is not None:
                current.delete()
                changed += 1
            continue
        if current is None:
            SamplingTarget.objects.create(
                survey=survey,
                unit=row.unit,
                respondent_group=row.group,
                target=row.target,
                population=row.population,
            )
            changed += 1
        elif (current.target, current.population) != (row.target, row.population):
            current.target, current.population = row.target, row.population
            current.save(update_fields=["target", "population"])
            changed += 1
    if changed:
        audit_record(
            actor=actor,
            action="targets",
            instance=survey,
            changes={"targets_changed": [None, changed]},
            scope=survey,
        )
    return changed


def targets_import_csv(*, actor: User, survey: Survey, file_name: str, content: bytes) -> int:
    """Targets from a CSV `unit, respondent_group, target[, population]` (unit = unit code)."""
    name = _safe_name(file_name, "chi-tieu.csv")
    with tempfile.TemporaryDirectory(prefix="parindex-plan-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            plan = read_plan(path)
        except ResponseFileError as error:
            raise QuestionnaireError(_strip_folder(error.problems, Path(folder))) from None
    units = {unit.code: unit for unit in selectors.survey_units(survey)}
    groups = set(selectors.group_codes(survey))
    problems = []
    rows = []
    # read_plan refuses any bad row, so the targets come one per data row, in file order.
    for number, target in enumerate(plan, start=2):
        where = f"{name}:{number}"
        unit = units.get(target.unit)
        if unit is None:
            problems.append(
                Problem(where, f"cột «unit»: «{target.unit}» không thuộc cuộc điều tra")
            )
        if target.group not in groups:
            problems.append(
                Problem(
                    where,
                    f"cột «respondent_group»: «{target.group}» không có trong biểu mẫu"
                    f" ({', '.join(sorted(groups))})",
                )
            )
        if unit is not None:
            rows.append(TargetRow(unit, target.group, target.target, target.population))
    if problems:
        raise QuestionnaireError(problems)
    return targets_save(actor=actor, survey=survey, rows=rows)


# ---------------------------------------------------------------------------------------------
# Invitations
# ---------------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    # Tokens are 192 random bits, so a plain SHA-256 cannot be reversed by guessing.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def invitations_create(
    *,
    actor: User,
    survey: Survey,
    unit: Unit,
    respondent_group: str,
    count: int,
    expires_at: datetime.datetime,
) -> list[tuple[Invitation, str]]:
    """`count` one-time invitations; returns each with its token, which is never stored
    (only its hash is) and so can be shown this once only."""
    problems = []
    if not selectors.survey_units(survey).filter(pk=unit.pk).exists():
        problems.append(Problem("unit", f"{unit} không thuộc cuộc điều tra"))
    if respondent_group not in selectors.group_codes(survey):
        problems.append(Problem("respondent_group", f"nhóm «{respondent_group}» không có"))
    if not 1 <= count <= INVITATION_MAX:
        problems.append(Problem("count", f"số thư mời phải từ 1 đến {INVITATION_MAX}"))
    if expires_at <= timezone.now():
        problems.append(Problem("expires_on", "ngày hết hạn phải sau hôm nay"))
    if survey.state == SurveyState.CLOSED:
        problems.append(Problem("", "cuộc điều tra đã kết thúc thu phiếu"))
    if problems:
        raise QuestionnaireError(problems)
    tokens = [secrets.token_urlsafe(24) for _ in range(count)]
    invitations = Invitation.objects.bulk_create(
        Invitation(
            survey=survey,
            unit=unit,
            respondent_group=respondent_group,
            token_hash=token_hash(token),
            hint=token[:6],
            expires_at=expires_at,
            created_by=actor,
        )
        for token in tokens
    )
    audit_record(
        actor=actor,
        action="invite",
        instance=survey,
        changes={
            "invitations": [None, count],
            "unit": [None, unit.code],
            "respondent_group": [None, respondent_group],
            "expires_at": [None, expires_at],
        },
        scope=survey,
    )
    return list(zip(invitations, tokens, strict=True))


def invitation_check(token: str, *, for_update: bool = False) -> Invitation:
    """The invitation of a token, or `PublicRefusal` saying clearly why it cannot be used."""
    invitations = Invitation.objects.select_related("survey", "unit")
    if for_update:
        invitations = invitations.select_for_update()
    invitation = invitations.filter(token_hash=token_hash(token)).first()
    if invitation is None:
        raise PublicRefusal("token_unknown", 404)
    if invitation.used_at is not None:
        raise PublicRefusal("token_used", 410, when=invitation.used_at)
    if invitation.expires_at <= timezone.now():
        raise PublicRefusal("token_expired", 410, when=invitation.expires_at)
    _check_collecting(invitation.survey)
    return invitation


def _check_collecting(survey: Survey) -> None:
    if survey.state == SurveyState.DRAFT:
        raise PublicRefusal("survey_not_open", 404)
    if survey.state == SurveyState.CLOSED:
        raise PublicRefusal("survey_closed", 410)


def open_survey_check(pk: int) -> Survey:
    survey = Survey.objects.filter(pk=pk).first()
    if survey is None or not survey.open_link_enabled:
        raise PublicRefusal("open_link_unknown", 404)
    _check_collecting(survey)
    return survey


# ---------------------------------------------------------------------------------------------
# Responses: public form, staff entry
# ---------------------------------------------------------------------------------------------


def public_source_hash(survey: Survey, address: str, user_agent: str) -> str:
    """The salted hash that stands for "the same browser on the same address" (rate limit,
    duplicate rules); the address and the browser string themselves are never stored."""
    return source_hash(bytes.fromhex(survey.salt), f"{address}|{user_agent}")


def _answers_with_strata(
    form: SurveyForm, answers: dict[str, str], unit: Unit, group: str
) -> dict[str, str]:
    """The answers as an export row would hold them: the unit and group questions filled in."""
    answers = dict(answers)
    answers[form.unit_field] = unit.code
    if form.respondent_group_field:
        answers[form.respondent_group_field] = group
    return answers


def _group_from(form: SurveyForm, answers: Mapping[str, str]) -> str:
    return form.respondent_group or answers.get(form.respondent_group_field, "")


def _validated(
    form: SurveyForm,
    data: Mapping[str, Any],
    language: str,
    *,
    skip: Iterable[str] = (),
    unit_choices: list[tuple[str, str]] | None = None,
    paper_number: bool = False,
) -> AnswerForm:
    bound = answer_form(
        form,
        language,
        skip=skip,
        data=data,
        unit_choices=unit_choices,
        paper_number=paper_number,
    )
    if not bound.is_valid():
        raise AnswerInvalid(bound)
    return bound


def _create_response(
    survey: Survey,
    form: SurveyForm,
    *,
    unit: Unit,
    group: str,
    channel: str,
    answers: dict[str, str],
    started_at: datetime.datetime | None,
    source: str = "",
    submission_id: str = "",
    invitation: Invitation | None = None,
    entered_by: User | None = None,
) -> Response:
    now = timezone.now()
    return Response.objects.create(
        survey=survey,
        unit=unit,
        respondent_group=group,
        channel=channel,
        answers=_answers_with_strata(form, answers, unit, group),
        form_version=form.version,
        submission_id=submission_id or f"web:{uuid.uuid4().hex}",
        started_at=started_at,
        ended_at=now if started_at is not None else None,
        submitted_at=now,
        source_hash=source,
        invitation=invitation,
        entered_by=entered_by,
    )


def response_submit_token(
    *,
    token: str,
    data: Mapping[str, Any],
    language: str,
    started_at: datetime.datetime | None,
    source: str = "",
) -> Response:
    """One response through a one-time invitation; the invitation is used up with it."""
    with transaction.atomic():
        invitation = invitation_check(token, for_update=True)
        survey = invitation.survey
        form = selectors.survey_form(survey)
        # The invitation fixes the unit and the group: neither is asked.
        bound = _validated(form, data, language, skip={form.respondent_group_field} - {""})
        try:
            with transaction.atomic():
                response = _create_response(
                    survey,
                    form,
                    unit=invitation.unit,
                    group=invitation.respondent_group,
                    channel="token",
                    answers=bound.answers(),
                    started_at=started_at,
                    source=source,
                    invitation=invitation,
                )
        except IntegrityError:
            # Two submissions of one invitation at the same moment: the database's one
            # response per invitation keeps the first, the second is told it was used.
            raise PublicRefusal("token_used", 410, when=timezone.now()) from None
        invitation.used_at = response.submitted_at
        invitation.save(update_fields=["used_at"])
    return response


def response_submit_open(
    *,
    survey: Survey,
    data: Mapping[str, Any],
    language: str,
    started_at: datetime.datetime | None,
    source: str,
    fixed_unit: Unit | None = None,
) -> Response:
    """One response through the survey's open link, at most `open_link_rate_limit` an hour
    from one source (address + browser)."""
    with transaction.atomic():
        survey = open_survey_check(survey.pk)
        hour_ago = timezone.now() - datetime.timedelta(hours=1)
        recent = Response.objects.filter(
            survey=survey, channel=Channel.WEB, source_hash=source, submitted_at__gte=hour_ago
        ).count()
        if recent >= survey.open_link_rate_limit:
            raise PublicRefusal("rate_limited", 429, limit=survey.open_link_rate_limit)
        units = {unit.code: unit for unit in selectors.survey_units(survey)}
        choices = None if fixed_unit else [(code, unit.name) for code, unit in units.items()]
        form = selectors.survey_form(survey)
        bound = _validated(form, data, language, unit_choices=choices)
        unit = fixed_unit or units[bound.cleaned_data[UNIT_FIELD]]
        answers = bound.answers()
        return _create_response(
            survey,
            form,
            unit=unit,
            group=_group_from(form, answers),
            channel="web",
            answers=answers,
            started_at=started_at,
            source=source,
        )


def response_enter(
    *, actor: User, survey: Survey, data: Mapping[str, Any], units: Sequence[Unit]
) -> Response:
    """A paper form typed by staff (Home Affairs, or a unit's officer for their own unit,
    `units` being what the actor may choose). No times and no source: a typist's speed
    and desk say nothing about the respondent, so the rules that use them skip it."""
    if survey.state == SurveyState.DRAFT:
        raise QuestionnaireError("Cuộc điều tra chưa mở: chưa nhập phiếu được.")
    by_code = {unit.code: unit for unit in units}
    form = selectors.survey_form(survey)
    with transaction.atomic():
        bound = _validated(
            form,
            data,
            "vi",
            unit_choices=[(unit.code, unit.name) for unit in units],
            paper_number=True,
        )
        paper = bound.cleaned_data.get(PAPER_FIELD, "").strip()
        unit = by_code[bound.cleaned_data[UNIT_FIELD]]
        answers = bound.answers()
        response = _create_response(
            survey,
            form,
            unit=unit,
            group=_group_from(form, answers),
            channel="staff",
            answers=answers,
            started_at=None,
            submission_id=f"paper:{unit.code}:{paper}" if paper else f"staff:{uuid.uuid4().hex}",
            entered_by=actor,
        )
        audit_record(
            actor=actor,
            action="enter_response",
            instance=response,
            changes={"unit": [None, unit.code], "paper": [None, paper]},
            scope=survey,
        )
    return response


# ---------------------------------------------------------------------------------------------
# Imports from ODK / KoboToolbox
# ---------------------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    batch: ImportBatch | None
    read: int
    imported: int
    already_present: int
    rejected: list[RejectedRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)


class ImportRejected(QuestionnaireError):
    """Rows that cannot be imported; nothing was written."""

    def __init__(self, rejected: Sequence[RejectedRow], read: int) -> None:
        self.rejected = list(rejected)
        self.read = read
        super().__init__(
            [Problem(f"{row.origin}:{row.row}", "; ".join(row.problems)) for row in rejected]
        )


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
        raise QuestionnaireError("Cuộc điều tra chưa mở: chưa nhập phiếu được.")
    name = _safe_name(file_name, "phieu.csv")
    digest = hashlib.sha256(content).hexdigest()
    earlier = ImportBatch.objects.filter(survey=survey, sha256=digest).first()
    if earlier is not None:
        when = timezone.localtime(earlier.imported_at).strftime("%d/%m/%Y %H:%M")
        raise QuestionnaireError(
            [Problem(name, f"tệp này đã được nhập lúc {when} (tệp «{earlier.file_name}»)")]
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
            raise QuestionnaireError(_strip_folder(error.problems, Path(folder))) from None
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
                    f"cột «{form.unit_field}»: «{unit_codes[index]}» không phải đơn vị của cuộc"
                    " điều tra",
                ),
            )
            for index in foreign
        ]
        keep = pa.array([code in units for code in unit_codes])
        table = table.filter(keep)
    rejected.sort(key=lambda row: row.row)
    if rejected and not skip_rejected:
        raise ImportRejected(rejected, parsed.read)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            survey=survey,
            file_name=name,
            sha256=digest,
            read=parsed.read,
            imported=table.num_rows,
            already_present=parsed.already_present,
            rejected=len(rejected),
            ignored_columns=parsed.ignored_columns,
            imported_by=actor,
        )
        Response.objects.bulk_create(
            _imported_responses(survey, form, table, batch), batch_size=500
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
            },
            scope=survey,
        )
        survey_check(survey=survey)
    return ImportOutcome(
        batch,
        parsed.read,
        table.num_rows,
        parsed.already_present,
        rejected,
        parsed.ignored_columns,
        parsed.missing_columns,
    )


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


# ---------------------------------------------------------------------------------------------
# Integrity and review
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckSummary:
    responses: int
    flagged: int
    excluded: int
    changed: int


@transaction.atomic
def survey_check(*, survey: Survey, actor: User | None = None) -> CheckSummary:
    """Run every integrity rule over all responses of the survey and store each response's
    flags and status (the latest appraiser decision wins over the rules)."""
    data = selectors.survey_data(survey)
    status = selectors.survey_statuses(survey, data)
    by_response: dict[str, list[dict[str, str]]] = {}
    for flag in status.flags:
        by_response.setdefault(flag.response_id, []).append(
            {"rule": flag.rule, "reason": flag.reason}
        )
    changed = []
    excluded_count = 0
    for pk, (old_flags, old_excluded, old_basis) in zip(data.pks, data.stored, strict=True):
        key = str(pk)
        flags = by_response.get(key, [])
        current = status.by_response.get(key)
        excluded = bool(current and current.excluded)
        basis = current.basis if current else ""
        excluded_count += excluded
        if (flags, excluded, basis) != (old_flags, old_excluded, old_basis):
            changed.append(Response(pk=pk, flags=flags, excluded=excluded, status_basis=basis))
    Response.objects.bulk_update(changed, ["flags", "excluded", "status_basis"], batch_size=500)
    survey.integrity_checked_at = timezone.now()
    survey.save(update_fields=["integrity_checked_at"])
    summary = CheckSummary(data.size, len(by_response), excluded_count, len(changed))
    if actor is not None:
        audit_record(
            actor=actor,
            action="check",
            instance=survey,
            changes={"flagged": [None, summary.flagged], "excluded": [None, summary.excluded]},
            scope=survey,
        )
    return summary


@transaction.atomic
def response_decide(*, actor: User, response: Response, action: str, reason: str) -> Response:
    """Exclude a response from the results, or reinstate it, with a reason. Appended to the
    response's review history and to the audit trail; the response itself stays."""
    response = Response.objects.select_for_update().get(pk=response.pk)
    try:
        decision(action, str(response.pk), reason, str(actor))
    except Exception as error:  # StoreError lists what is missing
        raise QuestionnaireError(getattr(error, "problems", str(error))) from None
    was_excluded = response.excluded
    if action == ReviewAction.EXCLUDE and was_excluded:
        raise QuestionnaireError(f"Phiếu {response.pk} đang bị loại rồi.")
    if action == ReviewAction.REINSTATE and not was_excluded:
        raise QuestionnaireError(f"Phiếu {response.pk} đang được tính, không cần khôi phục.")
    review = ResponseReview.objects.create(
        response=response, action=action, reason=reason.strip(), actor=actor, actor_name=str(actor)
    )
    flags = [Flag(str(response.pk), flag["rule"], flag["reason"]) for flag in response.flags]
    event = decision(action, str(response.pk), review.reason, review.actor_name, review.at)
    status = statuses(flags, [event])[str(response.pk)]
    response.excluded = status.excluded
    response.status_basis = status.basis
    response.save(update_fields=["excluded", "status_basis"])
    audit_record(
        actor=actor,
        action=f"{action}_response",
        instance=response,
        changes={"excluded": [was_excluded, response.excluded]},
        reason=review.reason,
        scope=response.survey,
    )
    return response


# ---------------------------------------------------------------------------------------------
# The feed into the assessments
# ---------------------------------------------------------------------------------------------


@dataclass
class ApplyOutcome:
    applied: list[str] = field(default_factory=list)  # unit names
    locked: list[str] = field(default_factory=list)
    without_responses: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "unit: message"
    message: str = ""


def _summary(survey: Survey, results: SurveyResults, code: str, unit_code: str) -> str:
    node = results.unit(unit_code).nodes[code]
    groups = ", ".join(
        f"{survey.group_label(group)} {count}" for group, count in node.n_by_group.items()
    )
    confidence = survey.confidence_percent
    text = f"Điều tra «{survey.name}»: {node.n} phiếu hợp lệ ({groups})"
    if node.rate is not None:
        text += f"; tỷ lệ {format_number(node.rate)} %"
        if node.rate_low is not None and node.rate_high is not None:
            text += (
                f" (khoảng tin cậy {confidence} %: {format_number(node.rate_low)}–"
                f"{format_number(node.rate_high)} %)"
            )
    if node.points is not None:
        text += f" → {format_number(node.points)} điểm"
        if node.points_low is not None and node.points_high is not None:
            text += f" ({format_number(node.points_low)}–{format_number(node.points_high)})"
    return text


def survey_apply(*, survey: Survey, actor: User) -> ApplyOutcome:
    """Write the survey's scores into the survey-sourced nodes of every assessment of the
    period scored with the survey's framework, with their provenance. Approved or
    published assessments are refused (a correction then goes through an amendment)."""
    outcome = ApplyOutcome()
    survey_check(survey=survey)
    current = selectors.survey_results(survey)
    results = current.results
    if results is None:
        outcome.message = current.message
        return outcome
    computed_at = timezone.now()
    assessments = (
        Assessment.objects.filter(period=survey.period, group__framework=survey.framework)
        .select_related("unit", "group", "period")
        .order_by("unit__name")
    )
    scored = {unit.unit for unit in results.units}
    with transaction.atomic():
        for assessment in assessments:
            unit = assessment.unit
            if workflow.State(assessment.state) in workflow.LOCKED:
                outcome.locked.append(unit.name)
                continue
            if unit.code not in scored:
                outcome.without_responses.append(unit.name)
                continue
            provenance = results.provenance(unit.code)
            try:
                with transaction.atomic():
                    for code, node_input in results.node_inputs(unit.code).items():
                        entry_set_system_value(
                            assessment=assessment,
                            node_code=code,
                            values=dict(node_input.values),
                            provenance={
                                **provenance[code],
                                "survey_id": survey.pk,
                                "survey_name": survey.name,
                                "form_version": survey.form_version,
                                "computed_at": computed_at.isoformat(timespec="seconds"),
                                "summary": _summary(survey, results, code, unit.code),
                            },
                            actor=actor,
                        )
            except WorkflowError as error:
                outcome.refused.append(f"{unit.name}: {error}")
                continue
            outcome.applied.append(unit.name)
        survey.applied_at = computed_at
        survey.save(update_fields=["applied_at"])
        audit_record(
            actor=actor,
            action="apply",
            instance=survey,
            changes={
                "applied": [None, len(outcome.applied)],
                "locked": [None, outcome.locked],
                "without_responses": [None, len(outcome.without_responses)],
                "refused": [None, outcome.refused],
            },
            scope=survey,
        )
    return outcome
