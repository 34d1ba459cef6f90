"""After the Ministry publishes: its appraised result imported (per sub-criterion from the file
the province receives, or per area from a national table already imported), and a task made
of a gap in one step."""

from __future__ import annotations

import datetime
import hashlib

from django.db import transaction
from django.utils.translation import gettext

from parindex.accounts.models import User
from parindex.nationaldata.models import NationalRow, NationalTable
from parindex.nationalself import selectors
from parindex.nationalself.comparison import CompareRow, task_ref
from parindex.nationalself.errors import NationalSelfError
from parindex.nationalself.importer import read_appraised
from parindex.nationalself.models import (
    AppraisedPoint,
    AppraisedResult,
    NationalSelfAssessment,
    ResultLevel,
)
from parindex.nationalself.services.shared import audit, today
from parindex.tasks.models import Task, TaskPriority, TaskSource
from parindex.tasks.services import TaskError, TaskSourceRef, task_create_from

DEFAULT_TASK_DAYS = 60


def appraised_import(
    *,
    actor: User | None,
    assessment: NationalSelfAssessment,
    name: str,
    data: bytes,
    source: str,
    is_example: bool = False,
) -> AppraisedResult:
    """The Ministry's result per sub-criterion (and/or area); raises `AppraisedImportError`
    listing every problem of the file."""
    if not source.strip():
        raise NationalSelfError(gettext("Hãy ghi nguồn của kết quả (văn bản của Bộ Nội vụ)."))
    rows = read_appraised(name, data, selectors.assessment_engine(assessment))
    with transaction.atomic():
        result = AppraisedResult.objects.create(
            assessment=assessment,
            level=ResultLevel.NODE,
            source=source.strip(),
            is_example=is_example,
            file_name=name[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            imported_by=actor,
        )
        AppraisedPoint.objects.bulk_create(
            AppraisedPoint(
                result=result,
                node_code=row.node,
                points=row.points,
                reason=row.reason,
                category=row.category,
            )
            for row in rows
        )
        audit(
            actor,
            "import",
            result,
            assessment,
            {"rows": [None, len(rows)], "source": [None, result.source]},
        )
    return result


def appraised_from_table(
    *, actor: User, assessment: NationalSelfAssessment, table: NationalTable
) -> AppraisedResult:
    """The province's area points of the year from a national table (docs/national-report.md):
    the published result when the province has no per-criterion figures."""
    name = assessment.national_name
    rows = list(NationalRow.objects.filter(table=table, year=assessment.year, unit=name))
    if not name or not rows:
        raise NationalSelfError(
            gettext("Bảng «%(table)s» không có dòng của «%(name)s» năm %(year)s.")
            % {"table": table.name, "name": name or "—", "year": assessment.year}
        )
    engine = selectors.assessment_engine(assessment)
    areas = {area.code for area in engine.areas}
    unknown = sorted(row.area for row in rows if row.area not in areas)
    if unknown:
        raise NationalSelfError(
            gettext(
                "Mã lĩnh vực %(codes)s của bảng không có trong bộ tiêu chí năm %(year)s: mã lĩnh "
                "vực của bộ tiêu chí phải trùng mã trong bảng của Bộ."
            )
            % {"codes": ", ".join(unknown), "year": assessment.year}
        )
    with transaction.atomic():
        result = AppraisedResult.objects.create(
            assessment=assessment,
            level=ResultLevel.AREA,
            source=table.source,
            is_example=table.is_example,
            file_name=table.name,
            sha256=table.sha256,
            table=table,
            imported_by=actor,
        )
        AppraisedPoint.objects.bulk_create(
            AppraisedPoint(
                result=result,
                node_code=row.area,
                points=row.points,
                reason=row.note,
            )
            for row in rows
        )
        audit(
            actor,
            "import",
            result,
            assessment,
            {"rows": [None, len(rows)], "source": [None, table.name]},
        )
    return result


def gap_source(assessment: NationalSelfAssessment, row: CompareRow) -> TaskSourceRef:
    """A leaf that lost points in the Ministry's appraisal, as the source of a task for its
    lead department."""
    contribution = row.contribution
    if contribution is None or contribution.lead is None:
        raise NationalSelfError(
            gettext("Tiêu chí %(code)s chưa có cơ quan chủ trì: hãy phân công trước.")
            % {"code": row.code}
        )
    lines = [
        gettext("Kết quả thẩm định Chỉ số CCHC cấp tỉnh năm %(year)s của Bộ Nội vụ.")
        % {"year": assessment.year},
        gettext("Điểm tối đa %(max)s, tỉnh tự chấm %(self)s, Bộ Nội vụ thẩm định %(appraised)s.")
        % {
            "max": row.node.max_points,
            "self": row.self_points if row.self_points is not None else "—",
            "appraised": row.appraised,
        },
    ]
    if row.category:
        lines.append(gettext("Nhóm lý do: %(category)s.") % {"category": row.category_label})
    if row.reason:
        lines.append(gettext("Lý do của Bộ: %(reason)s") % {"reason": row.reason})
    return TaskSourceRef(
        kind=TaskSource.NATIONAL,
        ref=task_ref(assessment, row.code),
        unit=contribution.lead,
        title=(
            gettext("Khắc phục tiêu chí %(code)s (Chỉ số CCHC cấp tỉnh): %(title)s")
            % {"code": row.code, "title": row.node.title}
        )[:300],
        description="\n".join(lines),
        node_codes=(row.code,),
        framework=assessment.framework,
        detail={
            "year": assessment.year,
            "category": row.category,
            "lost": str(row.lost),
            "self_points": str(row.self_points) if row.self_points is not None else None,
            "appraised_points": str(row.appraised),
        },
    )


def gap_task_create(
    *,
    actor: User,
    assessment: NationalSelfAssessment,
    row: CompareRow,
    deadline: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Task:
    """One click: a task for the lead department, due in 60 days unless told otherwise."""
    if not row.lost:
        raise NationalSelfError(gettext("Tiêu chí %(code)s không mất điểm.") % {"code": row.code})
    due = deadline or today(now) + datetime.timedelta(days=DEFAULT_TASK_DAYS)
    priority = TaskPriority.HIGH if row.is_quick_win else TaskPriority.NORMAL
    try:
        return task_create_from(
            source=gap_source(assessment, row),
            actor=actor,
            deadline=due,
            priority=priority,
            now=now,
        )
    except TaskError as error:
        raise NationalSelfError(str(error)) from error
