"""Setting up a year: the self-assessment itself, the document checklist, who provides each
sub-criterion by when, and the link to the province's pre-survey."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext, gettext_noop

from parindex.accounts.models import User
from parindex.audit.services import diff, snapshot
from parindex.criteria.models import Framework
from parindex.engine import Framework as EngineFramework
from parindex.nationalself import selectors
from parindex.nationalself.errors import NationalSelfError
from parindex.nationalself.models import ChecklistItem, Contribution, NationalSelfAssessment
from parindex.nationalself.services.shared import (
    audit,
    check_open,
    notify,
    page_url,
    today,
    units_users,
)
from parindex.questionnaires.models import Survey
from parindex.units.models import Unit

_EDITABLE = ("name", "national_name", "ministry_deadline", "note")


def _previous_code(engine: EngineFramework, code: str, previous: set[str]) -> str | None:
    """The code last year's framework had for `code`: its first previous code, else itself."""
    node = engine.nodes[code]
    for candidate in (*node.previous_codes, code):
        if candidate in previous:
            return candidate
    return None


@transaction.atomic
def national_self_create(
    *,
    actor: User | None,
    year: int,
    framework: Framework,
    province: Unit,
    ministry_deadline: datetime.datetime,
    national_name: str = "",
    name: str = "",
    is_example: bool = False,
    copy_previous: bool = True,
) -> NationalSelfAssessment:
    """A year's national self-assessment on a published national framework.

    The checklist starts from last year's (same node code, or the node's `previous_codes`)
    when there is one, else from each leaf's `evidence_hint`; last year's assignments are
    copied too, without deadlines (each year sets its own)."""
    if not selectors.is_national(framework):
        raise NationalSelfError(
            gettext("Bộ tiêu chí «%(name)s» không phải bộ tiêu chí Chỉ số CCHC cấp tỉnh.")
            % {"name": framework.name}
        )
    if framework.is_draft:
        raise NationalSelfError(gettext("Bộ tiêu chí chưa ban hành."))
    if NationalSelfAssessment.objects.filter(year=year).exists():
        raise NationalSelfError(
            gettext("Năm %(year)s đã có hồ sơ tự đánh giá Chỉ số CCHC cấp tỉnh.") % {"year": year}
        )
    assessment = NationalSelfAssessment.objects.create(
        year=year,
        name=name.strip()
        or gettext("Tự đánh giá Chỉ số CCHC cấp tỉnh năm %(year)s") % {"year": year},
        framework=framework,
        province=province,
        national_name=national_name.strip(),
        ministry_deadline=ministry_deadline,
        is_example=is_example,
        created_by=actor,
    )
    engine = selectors.assessment_engine(assessment)
    previous = selectors.previous_assessment(assessment) if copy_previous else None
    items: list[ChecklistItem] = []
    copied = 0
    if previous is not None:
        old_items: dict[str, list[ChecklistItem]] = {}
        for item in previous.checklist.all():
            old_items.setdefault(item.node_code, []).append(item)
        old_work = {row.node_code: row for row in previous.contributions.all()}
        for node in engine.leaves():
            code = _previous_code(engine, node.code, set(old_items) | set(old_work))
            if code is None:
                continue
            items += [
                ChecklistItem(
                    assessment=assessment,
                    node_code=node.code,
                    position=item.position,
                    title=item.title,
                    required=item.required,
                )
                for item in old_items.get(code, [])
            ]
            work = old_work.get(code)
            if work is not None and work.lead_id is not None and selectors.assignable(node):
                row = Contribution.objects.create(
                    assessment=assessment, node_code=node.code, lead_id=work.lead_id
                )
                row.supporting.set(work.supporting.all())
                copied += 1
    if not items:
        items = [
            ChecklistItem(
                assessment=assessment,
                node_code=node.code,
                position=0,
                title=node.evidence_hint[:300],
                required=node.evidence_required,
            )
            for node in engine.leaves()
            if node.evidence_hint and selectors.assignable(node)
        ]
    ChecklistItem.objects.bulk_create(items)
    audit(
        actor,
        "create",
        assessment,
        assessment,
        {
            "framework": [None, framework.name],
            "province": [None, province.name],
            "ministry_deadline": [None, ministry_deadline],
            "checklist": [None, len(items)],
            "assignments": [None, copied],
        },
    )
    return assessment


def national_self_update(
    *, actor: User, assessment: NationalSelfAssessment, reason: str = "", **fields: object
) -> NationalSelfAssessment:
    unknown = set(fields) - set(_EDITABLE)
    if unknown:
        raise NationalSelfError(f"unknown fields {sorted(unknown)}")
    reason = check_open(assessment, reason)
    with transaction.atomic():
        locked = NationalSelfAssessment.objects.select_for_update().get(pk=assessment.pk)
        before = snapshot(locked, _EDITABLE)
        for name, value in fields.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        changed = diff(before, snapshot(locked, _EDITABLE))
        if changed:
            locked.save()
            audit(actor, "update", locked, locked, changed, reason=reason)
    assessment.refresh_from_db()
    return assessment


# --- the checklist -------------------------------------------------------------------------------


def _leaf(assessment: NationalSelfAssessment, code: str) -> None:
    engine = selectors.assessment_engine(assessment)
    node = engine.nodes.get(code)
    if node is None or not node.is_leaf:
        raise NationalSelfError(
            gettext("Mã «%(code)s» không phải tiêu chí thành phần của bộ tiêu chí năm %(year)s.")
            % {"code": code, "year": assessment.year}
        )


def checklist_add(
    *,
    actor: User,
    assessment: NationalSelfAssessment,
    node_code: str,
    title: str,
    required: bool = True,
    reason: str = "",
) -> ChecklistItem:
    """A document the Ministry's guidance asks for, for one leaf."""
    reason = check_open(assessment, reason)
    _leaf(assessment, node_code)
    if not title.strip():
        raise NationalSelfError(gettext("Hãy ghi tên tài liệu cần có."))
    position = ChecklistItem.objects.filter(assessment=assessment, node_code=node_code).count()
    item = ChecklistItem.objects.create(
        assessment=assessment,
        node_code=node_code,
        position=position,
        title=title.strip()[:300],
        required=required,
    )
    audit(
        actor,
        "checklist",
        item,
        assessment,
        {"checklist": [None, f"{node_code}: {item.title}"]},
        reason=reason,
    )
    return item


def checklist_remove(*, actor: User, item: ChecklistItem, reason: str = "") -> None:
    assessment = item.assessment
    reason = check_open(assessment, reason)
    with transaction.atomic():
        audit(
            actor,
            "checklist",
            item,
            assessment,
            {"checklist": [f"{item.node_code}: {item.title}", None]},
            reason=reason,
        )
        item.delete()


# --- assignments ---------------------------------------------------------------------------------


def assignment_set(
    *,
    actor: User,
    assessment: NationalSelfAssessment,
    node_codes: Iterable[str],
    lead: Unit | None,
    supporting: Iterable[Unit] = (),
    deadline: datetime.date | None = None,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> list[Contribution]:
    """Who leads and who supports each of `node_codes`, by when. The departments newly given
    a sub-criterion are told (in the application and by e-mail)."""
    reason = check_open(assessment, reason)
    engine = selectors.assessment_engine(assessment)
    codes = [code.strip() for code in node_codes if code.strip()]
    if not codes:
        raise NationalSelfError(gettext("Chưa chọn tiêu chí nào."))
    for code in codes:
        node = engine.nodes.get(code)
        if node is None or not selectors.assignable(node):
            raise NationalSelfError(
                gettext(
                    "Mã «%(code)s» không phải tiêu chí thành phần do các cơ quan của tỉnh cung "
                    "cấp (tiêu chí điều tra xã hội học do Bộ Nội vụ thực hiện)."
                )
                % {"code": code}
            )
    helpers = [unit for unit in supporting if lead is None or unit.pk != lead.pk]
    if deadline is not None and deadline < today(now) and not assessment.is_example:
        raise NationalSelfError(gettext("Hạn gửi Sở Nội vụ đã qua."))
    told: dict[int, list[str]] = {}
    saved: list[Contribution] = []
    with transaction.atomic():
        for code in codes:
            try:
                with transaction.atomic():
                    row, _created = Contribution.objects.get_or_create(
                        assessment=assessment, node_code=code
                    )
            except IntegrityError:
                row = Contribution.objects.get(assessment=assessment, node_code=code)
            row = Contribution.objects.select_for_update().get(pk=row.pk)
            before = {
                "lead": row.lead.name if row.lead else None,
                "supporting": sorted(unit.name for unit in row.supporting.all()),
                "deadline": row.deadline.isoformat() if row.deadline else None,
            }
            old_units = {row.lead_id, *(unit.pk for unit in row.supporting.all())}
            row.lead = lead
            if row.deadline != deadline:
                row.reminded_for = None
                row.late_notified_for = None
            row.deadline = deadline
            row.updated_by = actor
            row.save()
            row.supporting.set(helpers)
            after = {
                "lead": lead.name if lead else None,
                "supporting": sorted(unit.name for unit in helpers),
                "deadline": deadline.isoformat() if deadline else None,
            }
            changed = diff(before, after)
            if changed:
                audit(
                    actor,
                    "assign",
                    row,
                    assessment,
                    changed,
                    reason=reason,
                    label=f"{assessment.year} / {code}",
                )
            for unit in [*([lead] if lead else []), *helpers]:
                if unit.pk not in old_units:
                    told.setdefault(unit.pk, []).append(code)
            saved.append(row)
    units = {unit.pk: unit for unit in [*([lead] if lead else []), *helpers]}
    for unit_id, unit_codes in told.items():
        notify(
            units_users([units[unit_id]]),
            gettext_noop(
                "%(unit)s được phân công cung cấp tài liệu, số liệu Chỉ số CCHC cấp tỉnh năm "
                "%(year)s: tiêu chí %(codes)s, hạn %(deadline)s."
            ),
            {
                "unit": units[unit_id].name,
                "year": assessment.year,
                "codes": ", ".join(unit_codes),
                "deadline": deadline.strftime("%d/%m/%Y") if deadline else "—",
            },
            url=page_url("nationalself:detail", assessment.pk),
        )
    return saved


def survey_link(
    *, actor: User, assessment: NationalSelfAssessment, survey: Survey | None, reason: str = ""
) -> NationalSelfAssessment:
    """The province's own pre-survey whose results estimate the survey-based points."""
    reason = check_open(assessment, reason)
    if survey is not None and survey.framework_id != assessment.framework_id:
        raise NationalSelfError(
            gettext("Cuộc điều tra «%(survey)s» không chấm theo bộ tiêu chí của năm %(year)s.")
            % {"survey": survey.name, "year": assessment.year}
        )
    before = assessment.survey.name if assessment.survey else None
    assessment.survey = survey
    assessment.save(update_fields=["survey"])
    audit(
        actor,
        "update",
        assessment,
        assessment,
        {"survey": [before, survey.name if survey else None]},
        reason=reason,
    )
    return assessment
