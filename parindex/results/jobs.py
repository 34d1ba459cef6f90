"""Background jobs of the results: the period's Excel workbook and the province PDF.

Registered with the project's one job mechanism (`parindex.jobs.runner.job`); the results
app imports this module when Django starts, so every runner (thread, immediate, Celery
worker) knows the kinds. The page that starts a job asks the policy first, and passes what
the requester may see (last year's figures or not) in the job's parameters.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

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
        progress(done, len(groups) + 1, f"Đang tính nhóm {group.name}")
        standings.append(selectors.group_standing(group))
    progress(len(groups), len(groups) + 1, "Đang ghi tệp Excel")
    data = exports.period_workbook(
        period, standings, when=timezone.localtime(), demo=settings.DEMO_MODE
    )
    return f"ket-qua-chi-so-cchc-{period.year}.xlsx", data


@job(PROVINCE_PDF_JOB)
def province_pdf_job(task: Job, progress: Progress) -> tuple[str, bytes]:
    """Every group's ranking with its chart, then every unit's scorecard: one step per unit
    (its chart), and a last step for the layout of the whole document."""
    # matplotlib and WeasyPrint load in a second or two: only in the process that needs them.
    from parindex.results import pdf

    period = _period(task)
    pages = [
        selectors.ranking_page(group, bool(task.params.get("show_previous")))
        for group in selectors.period_groups(period)
    ]
    total = sum(len(page.rows) for page in pages) + 1
    done = 0

    def step(unit_name: str) -> None:
        nonlocal done
        progress(done, total, f"Phiếu kết quả: {unit_name}")
        done += 1

    sections = [pdf.group_section(page, step) for page in pages if page.rows]
    progress(done, total, "Đang dàn trang PDF")
    data = pdf.province_pdf(period, sections, when=timezone.localtime(), demo=settings.DEMO_MODE)
    return pdf.province_pdf_name(period), data
