"""Background jobs of the results: the period's Excel workbook and the province report.

Registered with the project's one job mechanism (`parindex.jobs.runner.job`); the results
app imports this module when Django starts, so every process (web server, job worker) knows
the kinds. The page that starts a job asks the policy first, and passes what the requester
may see (last year's figures or not) in the job's parameters.
"""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from parindex.jobs.models import Job
from parindex.jobs.runner import Progress, job
from parindex.periods.models import AssessmentPeriod
from parindex.results import selectors

EXCEL_JOB = "results.excel"
PROVINCE_PDF_JOB = "results.province_pdf"


def _period(task: Job) -> AssessmentPeriod:
    return AssessmentPeriod.objects.get(pk=task.params["period"])


@job(EXCEL_JOB)
def excel_job(task: Job, progress: Progress) -> tuple[str, bytes]:
    from parindex.results import exports  # openpyxl: only when a workbook is made

    period = _period(task)
    groups = selectors.period_groups(period)
    standings = []
    for done, group in enumerate(groups):
        progress(done, len(groups) + 1, gettext("Đang tính nhóm %(group)s") % {"group": group.name})
        standings.append(selectors.group_standing(group))
    progress(len(groups), len(groups) + 1, gettext("Đang ghi tệp Excel"))
    data = exports.period_workbook(
        period, standings, when=timezone.localtime(), demo=settings.DEMO_MODE
    )
    progress(len(groups) + 1, len(groups) + 1, gettext("Đã ghi tệp Excel"))
    return f"ket-qua-chi-so-cchc-{period.year}.xlsx", data


@job(PROVINCE_PDF_JOB)
def province_pdf_job(task: Job, progress: Progress) -> tuple[str, bytes]:
    """The province report as a ZIP: a summary PDF, then one PDF per group (its ranking and
    every unit's scorecard). One step per unit (its chart and the layout of its scorecard),
    one per group for its ranking and one for writing its file, so that progress moves and
    no step lasts minutes."""
    # matplotlib and WeasyPrint load in a second or two: only in the process that needs them.
    from parindex.results import pdf

    period = _period(task)
    show_previous = bool(task.params.get("show_previous"))
    when = timezone.localtime()
    pages = [
        page
        for page in (
            selectors.ranking_page(group, show_previous)
            for group in selectors.period_groups(period)
        )
        if page.rows
    ]
    total = sum(len(page.rows) + 2 for page in pages) + 2
    done = 0

    def step(message: str) -> None:
        nonlocal done
        progress(min(done, total), total, message)
        done += 1

    files: list[tuple[str, bytes]] = []
    sections = []
    for number, page in enumerate(pages, start=1):
        step(gettext("Xếp hạng %(group)s") % {"group": page.standing.group.name})
        section = pdf.group_section(page)
        sections.append(section)
        data = pdf.group_pdf(
            section,
            when=when,
            demo=settings.DEMO_MODE,
            progress=step,
        )
        files.append((pdf.group_pdf_name(period, number, page), data))
    step(gettext("Trang tổng hợp"))
    summary = pdf.summary_pdf(
        period, sections, [name for name, _data in files], when=when, demo=settings.DEMO_MODE
    )
    files.insert(0, (pdf.summary_pdf_name(period), summary))
    step(gettext("Đang đóng gói tệp ZIP"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # PDFs are compressed
        for name, data in files:
            archive.writestr(name, data)
    progress(
        total,
        total,
        ngettext("Đã tạo %(count)s tệp PDF", "Đã tạo %(count)s tệp PDF", len(files))
        % {"count": len(files)},
    )
    return pdf.province_archive_name(period), buffer.getvalue()
