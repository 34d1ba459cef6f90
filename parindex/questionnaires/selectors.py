"""Reads about surveys: the units a survey covers, its responses as columns for the integrity
rules and the scoring, statuses, results with intervals, sampling progress, exports.

The responses of a survey are read in one query and turned into the columnar form of
`parindex.surveys` (`FormData`), so that the web platform uses exactly the rules and the
scoring of the survey core (`docs/surveys.md`).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json
from django.db.models import Count, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parindex.common.spreadsheet import inert_table
from parindex.criteria.models import Framework
from parindex.criteria.selectors import framework_engine
from parindex.engine import Framework as EngineFramework
from parindex.engine import format_number
from parindex.surveys import integrity
from parindex.surveys.responses import (
    BATCH,
    ENDED,
    FORM_ID,
    FORM_VERSION,
    GROUP,
    RESPONSE_ID,
    ROW,
    SOURCE,
    STARTED,
    SUBMITTED,
    TIMESTAMP,
    UNIT,
    UUID,
    FormData,
    anonymise,
    write_csv,
)
from parindex.surveys.sampling import margin_of_error
from parindex.surveys.scoring import ScoringOptions, SurveyResults, score_survey
from parindex.surveys.xlsform import SurveyForm
from parindex.units.models import Unit

from .definition import form_from_json
from .models import Invitation, Response, ResponseReview, SamplingTarget, Survey

MIN_SAMPLE = 30  # below this a unit's result is flagged "small sample" (docs/surveys.md)


def survey_list() -> QuerySet[Survey]:
    """Every survey with its response count; `policy.visible_surveys` scopes it to a user."""
    return Survey.objects.select_related("period", "framework").annotate(
        response_count=Count("responses")
    )


def units_for(period_id: int, framework_id: int) -> QuerySet[Unit]:
    """The members of the period's unit groups scored with the framework.

    A national framework (`kind: national`) scores the province itself, which no group holds:
    a survey on it is the province's own pre-survey, whose respondents are met in every unit
    the period assesses (docs/national-self-assessment.md); its results are pooled for the
    province there."""
    if Framework.objects.filter(pk=framework_id, extra__kind="national").exists():
        units = Unit.objects.filter(unit_groups__period_id=period_id)
    else:
        units = Unit.objects.filter(
            unit_groups__period_id=period_id, unit_groups__framework_id=framework_id
        )
    return units.distinct().order_by("name")


def survey_units(survey: Survey) -> QuerySet[Unit]:
    return units_for(survey.period_id, survey.framework_id)


def survey_form(survey: Survey) -> SurveyForm:
    return form_from_json(survey.definition)


def survey_engine(survey: Survey) -> EngineFramework:
    return framework_engine(survey.framework)


def group_codes(survey: Survey) -> list[str]:
    return [group["code"] for group in survey.respondent_groups]


# ---------------------------------------------------------------------------------------------
# Responses as columns
# ---------------------------------------------------------------------------------------------

# Read as they are, with no per-row conversion by Django.
_PLAIN = (
    "pk",
    "submission_id",
    "unit__code",
    "respondent_group",
    "source_hash",
    "batch_id",
    "form_version",
    "excluded",
    "status_basis",
)
# Read as database text and converted column by column (JSON parsed once for all rows,
# times by Arrow), because Django's per-row converters cost ten times the rest together.
_AS_TEXT = ("started_at", "ended_at", "submitted_at", "answers", "flags")
_OFFSET = re.compile(r"(Z|[+-]\d\d(:?\d\d)?)$")


@dataclass
class SurveyData:
    """A survey's responses in the survey core's columnar form, with the stored statuses."""

    form: SurveyForm
    table: pa.Table  # the survey core's response table (columns of `parindex.surveys.responses`)
    data: FormData
    pks: list[int]
    stored: list[tuple[list[dict[str, str]], bool, str]]  # flags, excluded, basis per row

    @property
    def size(self) -> int:
        return len(self.pks)


def _timestamps(texts: Iterable[str | None]) -> pa.Array:
    """Database texts of aware datetimes as UTC timestamps: PostgreSQL writes an offset
    ("…+00"), SQLite stores UTC without one."""
    values = list(texts)
    strings = pa.array(values, type=pa.string())
    sample = next((value for value in values if value), "")
    if _OFFSET.search(sample):
        return pc.cast(strings, TIMESTAMP)
    return pc.cast(pc.cast(strings, pa.timestamp("us")), TIMESTAMP)


def _answer_columns(texts: Sequence[str], names: Sequence[str]) -> pa.Table:
    """The answers (one JSON object per response) as one text column per question."""
    schema = pa.schema([(name, pa.string()) for name in names])
    if not texts:
        return schema.empty_table()
    table = pa_json.read_json(
        io.BytesIO("\n".join(texts).encode("utf-8")),
        parse_options=pa_json.ParseOptions(
            explicit_schema=schema, unexpected_field_behavior="ignore"
        ),
    )
    return table.select(list(names)).combine_chunks()


def survey_data(
    survey: Survey, form: SurveyForm | None = None, *, repeats: bool = False
) -> SurveyData:
    """Every response of the survey, read in one query and laid out as columns; with
    `repeats`, also one JSON text column per repeat group of the form (for the export: the
    rules and the scoring never read them)."""
    form = form or survey_form(survey)
    as_text = (*_AS_TEXT, "repeats") if repeats and form.repeats else _AS_TEXT
    texts = {f"{name}_text": Cast(name, TextField()) for name in as_text}
    rows = list(
        Response.objects.filter(survey=survey)
        .order_by("submitted_at", "pk")
        .annotate(**texts)
        .values_list(*_PLAIN, *texts)
    )
    names = (*_PLAIN, *as_text)
    columns = list(zip(*rows, strict=True)) if rows else [() for _name in names]
    by_name = dict(zip(names, columns, strict=True))
    size = len(rows)
    answer_names = [question.name for question in form.answer_questions]
    answers = _answer_columns(by_name["answers"], answer_names)
    table: dict[str, pa.Array] = {
        RESPONSE_ID: pa.array([str(pk) for pk in by_name["pk"]], type=pa.string()),
        UUID: pa.array(by_name["submission_id"], type=pa.string()),
        FORM_ID: pa.array([form.form_id] * size, type=pa.string()),
        FORM_VERSION: pa.array(by_name["form_version"], type=pa.string()),
        UNIT: pa.array(by_name["unit__code"], type=pa.string()),
        GROUP: pa.array(by_name["respondent_group"], type=pa.string()),
        SOURCE: pa.array([value or None for value in by_name["source_hash"]], type=pa.string()),
        STARTED: _timestamps(by_name["started_at"]),
        ENDED: _timestamps(by_name["ended_at"]),
        SUBMITTED: _timestamps(by_name["submitted_at"]),
        BATCH: pa.array([str(value or "") for value in by_name["batch_id"]], type=pa.string()),
        ROW: pa.array(by_name["pk"], type=pa.int64()),
    }
    for name in answer_names:
        table[name] = answers.column(name)
    if "repeats" in by_name:
        entries = json.loads("[" + ",".join(by_name["repeats"]) + "]")
        for repeat in form.repeats:
            table[repeat.key] = pa.array(
                [
                    json.dumps(found[repeat.key], ensure_ascii=False)
                    if isinstance(found, dict) and found.get(repeat.key)
                    else None
                    for found in entries
                ],
                type=pa.string(),
            )
    flags = json.loads("[" + ",".join(by_name["flags"]) + "]")
    stored = list(zip(flags, by_name["excluded"], by_name["status_basis"], strict=True))
    arrow_table = pa.table(table)
    return SurveyData(
        form=form,
        table=arrow_table,
        data=FormData.from_table(form, arrow_table),
        pks=list(by_name["pk"]),
        stored=stored,
    )


def review_events(survey: Survey) -> list[integrity.AuditEvent]:
    """The appraisers' decisions in the survey core's shape, oldest first."""
    return [
        integrity.AuditEvent(
            at.isoformat(timespec="seconds"), actor, action, str(response_id), reason
        )
        for response_id, action, reason, actor, at in ResponseReview.objects.filter(
            response__survey=survey
        )
        .order_by("at", "pk")
        .values_list("response_id", "action", "reason", "actor_name", "at")
    ]


@dataclass
class Statuses:
    flags: list[integrity.Flag]
    by_response: dict[str, integrity.Status]

    @property
    def excluded(self) -> set[str]:
        return integrity.excluded_ids(self.by_response)


def survey_statuses(survey: Survey, data: SurveyData) -> Statuses:
    """Flags of every rule over all responses, and each response's status (the latest
    appraiser decision wins over the rules)."""
    flags = integrity.check_integrity(data.data)
    return Statuses(flags, integrity.statuses(flags, review_events(survey)))


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass
class SurveyOutcome:
    """Results of a survey now (fresh flags and decisions), or why there are none."""

    results: SurveyResults | None
    responses: int
    valid: int
    message: str = ""


def scoring_options(survey: Survey) -> ScoringOptions:
    populations = {
        (unit_code, group): population
        for unit_code, group, population in SamplingTarget.objects.filter(
            survey=survey, population__isnull=False
        ).values_list("unit__code", "respondent_group", "population")
        if population is not None  # the query's filter already says so; the types do not know
    }
    return ScoringOptions(
        confidence=float(survey.confidence), min_sample=MIN_SAMPLE, populations=populations
    )


def survey_results(survey: Survey) -> SurveyOutcome:
    """Rates, points and intervals per unit from the responses that count now."""
    data = survey_data(survey)
    if not data.form.nodes:
        return SurveyOutcome(
            None,
            data.size,
            0,
            gettext("Biểu mẫu không có câu hỏi nào gắn với tiêu chí (cột node)."),
        )
    if data.size == 0:
        return SurveyOutcome(None, 0, 0, gettext("Chưa có phiếu trả lời nào."))
    statuses = survey_statuses(survey, data)
    excluded = pa.array(sorted(statuses.excluded), type=pa.string())
    out = pc.is_in(data.data.response_ids, value_set=excluded).to_numpy(zero_copy_only=False)
    valid = ~np.asarray(out, dtype=bool)
    if not valid.any():
        return SurveyOutcome(None, data.size, 0, gettext("Mọi phiếu đều đang bị loại."))
    results = score_survey([(data.data, valid)], survey_engine(survey), scoring_options(survey))
    return SurveyOutcome(results, data.size, int(valid.sum()))


# ---------------------------------------------------------------------------------------------
# Sampling progress
# ---------------------------------------------------------------------------------------------


@dataclass
class ProgressRow:
    unit: Unit
    group: str
    group_label: str
    target: int
    population: int | None
    collected: int
    valid: int

    @property
    def percent(self) -> Decimal | None:
        if not self.target:
            return None
        return Decimal(100 * self.valid) / Decimal(self.target)

    @property
    def reached(self) -> bool:
        return bool(self.target) and self.valid >= self.target


@dataclass
class UnitProgress:
    unit: Unit
    rows: list[ProgressRow]
    margin: float  # margin of error (0..1) of a proportion from the unit's valid responses

    @property
    def target(self) -> int:
        return sum(row.target for row in self.rows)

    @property
    def collected(self) -> int:
        return sum(row.collected for row in self.rows)

    @property
    def valid(self) -> int:
        return sum(row.valid for row in self.rows)

    @property
    def percent(self) -> Decimal | None:
        return Decimal(100 * self.valid) / Decimal(self.target) if self.target else None

    @property
    def margin_label(self) -> str:
        return margin_text(self.margin)


def margin_text(margin: float) -> str:
    """ "± 8,9 điểm %" for a 0..1 margin; a dash when there is no valid response."""
    if math.isinf(margin) or math.isnan(margin):
        return "—"
    return f"± {format_number(Decimal(str(round(margin * 100, 1))), 1)}"


def survey_progress(survey: Survey, units: Iterable[Unit]) -> list[UnitProgress]:
    """Collected and valid responses against the targets, per unit and group, with the
    margin of error each unit's valid sample gives at the survey's confidence level.

    "Valid" uses the statuses stored by the last integrity check (see the review page).
    """
    units = list(units)
    unit_ids = [unit.pk for unit in units]
    counts = {
        (row["unit_id"], row["respondent_group"]): (row["collected"], row["valid"])
        for row in Response.objects.filter(survey=survey, unit_id__in=unit_ids)
        .values("unit_id", "respondent_group")
        .annotate(collected=Count("pk"), valid=Count("pk", filter=Q(excluded=False)))
    }
    targets = {
        (target.unit_id, target.respondent_group): target
        for target in SamplingTarget.objects.filter(survey=survey, unit_id__in=unit_ids)
    }
    groups = group_codes(survey)
    extra = sorted({group for _unit, group in counts.keys() | targets.keys()} - set(groups))
    confidence = float(survey.confidence)
    progress = []
    for unit in units:
        rows = []
        for group in [*groups, *extra]:
            target = targets.get((unit.pk, group))
            collected, valid = counts.get((unit.pk, group), (0, 0))
            if target is None and not collected and group in extra:
                continue
            rows.append(
                ProgressRow(
                    unit,
                    group,
                    survey.group_label(group),
                    target.target if target else 0,
                    target.population if target else None,
                    collected,
                    valid,
                )
            )
        known = [row.population for row in rows if row.valid]
        population = sum(p for p in known if p is not None) if None not in known else None
        margin = margin_of_error(
            sum(row.valid for row in rows), confidence, population=population or None
        )
        progress.append(UnitProgress(unit, rows, margin))
    return progress


# ---------------------------------------------------------------------------------------------
# Invitations and exports
# ---------------------------------------------------------------------------------------------


def invitation_status(invitation: Invitation, now: datetime) -> str:
    if invitation.used_at is not None:
        return "used"
    if invitation.expires_at <= now:
        return "expired"
    return "open"


INVITATION_STATUS_LABELS = {"open": _("Chưa dùng"), "used": _("Đã dùng"), "expired": _("Hết hạn")}

# The integrity rules' titles in the page's language (`parindex.surveys.integrity.RULE_TITLES`
# has them in Vietnamese for the command line), in the same order.
RULE_TITLES = {
    "duplicate_submission": _("Phiếu gửi trùng (cùng mã phiếu)"),
    "duplicate_answers": _("Trả lời trùng hệt trong thời gian ngắn (cùng đơn vị, cùng nguồn)"),
    "repeated_pattern": _("Cùng một mẫu trả lời lặp lại từ một nguồn"),
    "straight_lining": _("Chọn một đáp án cho cả loạt câu (straight-lining)"),
    "too_fast": _("Hoàn thành nhanh bất thường"),
}


def invitation_counts(survey: Survey, now: datetime) -> dict[str, int]:
    return Invitation.objects.filter(survey=survey).aggregate(
        used=Count("pk", filter=Q(used_at__isnull=False)),
        expired=Count("pk", filter=Q(used_at__isnull=True, expires_at__lte=now)),
        open=Count("pk", filter=Q(used_at__isnull=True, expires_at__gt=now)),
    )


def anonymous_id(survey: Survey, pk: int) -> str:
    """A response's id in exports: a keyed hash of its database id, so that nobody holding
    only the export can link a row to an invitation or to the database."""
    return hmac.new(bytes.fromhex(survey.salt), str(pk).encode(), hashlib.sha256).hexdigest()[:16]


def anonymised_csv(survey: Survey) -> bytes:
    """Every response, anonymised by the survey core (no submission id, source, exact time
    or `personal` field, also inside repeat groups), with whether it counts in the results
    and its flags."""
    data = survey_data(survey, repeats=True)
    statuses = survey_statuses(survey, data)
    exported = anonymise(data.form, data.table)
    ids = [anonymous_id(survey, pk) for pk in data.pks]
    rules: dict[str, list[str]] = {}
    for flag in statuses.flags:
        rules.setdefault(flag.response_id, []).append(flag.rule)
    response_ids = [str(pk) for pk in data.pks]
    exported = exported.set_column(0, "response_id", pa.array(ids, type=pa.string()))
    exported = exported.append_column(
        "counted",
        pa.array(
            ["no" if rid in statuses.excluded else "yes" for rid in response_ids], pa.string()
        ),
    )
    exported = exported.append_column(
        "flags", pa.array([" ".join(rules.get(rid, [])) for rid in response_ids], pa.string())
    )
    buffer = io.BytesIO()
    # An answer typed as `=HYPERLINK(…)` by an anonymous respondent reaches Excel as text.
    write_csv(inert_table(exported), buffer)
    # A byte-order mark, so that Excel reads the Vietnamese text as UTF-8.
    return b"\xef\xbb\xbf" + buffer.getvalue()


@dataclass
class ReviewFilters:
    rule: str = ""
    unit: int | None = None
    status: str = ""  # "", "flagged", "excluded", "counted"


def review_queryset(survey: Survey, filters: ReviewFilters) -> QuerySet[Response]:
    responses = Response.objects.filter(survey=survey).select_related("unit")
    if filters.unit:
        responses = responses.filter(unit_id=filters.unit)
    if filters.status == "excluded":
        responses = responses.filter(excluded=True)
    elif filters.status == "counted":
        responses = responses.filter(excluded=False)
    elif filters.status == "flagged":
        responses = responses.exclude(flags=[])
    if filters.rule:
        # JSON containment is not available on SQLite; the flagged rows are few, so the
        # rule is matched on the rows that have flags at all.
        ids = [
            pk
            for pk, flags in responses.exclude(flags=[]).values_list("pk", "flags")
            if any(flag["rule"] == filters.rule for flag in flags)
        ]
        responses = responses.filter(pk__in=ids)
    return responses.order_by("-submitted_at", "-pk")


def rule_counts(survey: Survey) -> dict[str, int]:
    counts = dict.fromkeys(integrity.RULES, 0)
    for flags in (
        Response.objects.filter(survey=survey).exclude(flags=[]).values_list("flags", flat=True)
    ):
        for rule in {flag["rule"] for flag in flags}:
            counts[rule] = counts.get(rule, 0) + 1
    return counts


def unchecked_count(survey: Survey) -> int:
    """Responses received since the last integrity check (their flags are not stored yet)."""
    responses = Response.objects.filter(survey=survey)
    if survey.integrity_checked_at is not None:
        responses = responses.filter(created_at__gt=survey.integrity_checked_at)
    return responses.count()
