"""The province's documents as Word files: the decision announcing the results (annex tables per
group), the results report (the written analysis, tables and charts), a unit's self-assessment
report, a unit's results report, the improvement plan from the tasks, and the analysis of the
national position. Each takes what the selectors give and formats; the job (`jobs.py`) runs it.

Everything a document states comes from the data or from the template files (docx and
narrative) a province can replace; a figure the data lacks is left blank, never invented.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext
from docx.shared import Pt

from parindex.assessments.models import AdjustmentReason, Assessment
from parindex.assessments.selectors import assessment_sheet, entries_of, self_progress
from parindex.documents import charts
from parindex.documents.docx import BODY_SIZE, Cellspec, OfficialDocument, date_values, set_font
from parindex.documents.narrative import group_narrative, self_summary, template_folders
from parindex.engine import format_number, format_signed
from parindex.national import NationalReport
from parindex.nationaldata.models import NationalTable
from parindex.periods.models import AssessmentPeriod
from parindex.results.selectors import Scorecard, Standing, group_area_averages
from parindex.tasks.models import Task

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
DOTS = "…"


def _n(value: Decimal | None, places: int | None = None) -> str:
    return "" if value is None else format_number(value, places)


def _right(text: str) -> Cellspec:
    return Cellspec(text, align="right")


def _center(text: str) -> Cellspec:
    return Cellspec(text, align="center")


def official_document(kind: str, trich_yeu: str, **values: str) -> OfficialDocument:
    """A template filled with the number and date left for signing (dots), the subject, and
    the other values; every placeholder a template may hold has a value."""
    filled = {
        "so_van_ban": "     ",
        **date_values(None),
        "trich_yeu": trich_yeu,
        "can_cu": DOTS * 3,
        "co_quan": "",
        "co_quan_hoa": "",
        "ky_hieu": DOTS,
        **values,
    }
    if not filled["nam"]:
        filled["nam"] = str(datetime.date.today().year)
    document = OfficialDocument(kind, filled, template_folders())
    if getattr(settings, "DEMO_MODE", False):
        document.label_every_page(
            gettext("DỮ LIỆU MINH HỌA (demo) — không phải văn bản chính thức")
        )
    return document


def _unit_name(standing: Standing, code: str) -> str:
    unit = standing.units.get(code)
    return unit.name if unit is not None else code


# --- the decision announcing the results -------------------------------------------------------


def decision_docx(period: AssessmentPeriod, standings: Sequence[Standing]) -> bytes:
    ranked = [standing for standing in standings if standing.ranking is not None]
    bases = []
    for standing in ranked:
        basis = standing.group.framework.legal_basis.strip()
        if basis and basis not in bases:
            bases.append(basis)
    when = date_values(period.decision_date)
    document = official_document(
        "quyet_dinh",
        gettext("Công bố kết quả xác định Chỉ số cải cách hành chính năm %(year)s")
        % {"year": period.year},
        can_cu="; ".join(bases) if bases else DOTS * 3,
        so_van_ban=period.decision_number.split("/")[0] if period.decision_number else "     ",
        **({} if period.decision_date is None else when),
    )
    units = sum(standing.ranking.size for standing in ranked if standing.ranking)
    article = document.paragraph("")
    set_font(article.runs[0], BODY_SIZE, True)
    article.runs[0].text = gettext("Điều 1. ")
    rest = article.add_run(
        gettext(
            "Công bố kết quả xác định Chỉ số cải cách hành chính năm %(year)s của %(units)s cơ "
            "quan, đơn vị, địa phương thuộc %(groups)s nhóm đánh giá (chi tiết tại các Phụ lục "
            "kèm theo Quyết định này), cụ thể:"
        )
        % {"year": period.year, "units": units, "groups": len(ranked)}
    )
    set_font(rest, BODY_SIZE, False)
    for standing in ranked:
        document.text(group_narrative(standing))
    subtitle = gettext(
        "(Kèm theo Quyết định số %(number)s/QĐ-UBND ngày %(day)s tháng %(month)s năm %(year)s "
        "của Chủ tịch Ủy ban nhân dân tỉnh)"
    ) % {
        "number": period.decision_number.split("/")[0] if period.decision_number else "     ",
        "day": when["ngay"],
        "month": when["thang"],
        "year": when["nam"] or "     ",
    }
    for number, standing in enumerate(ranked):
        _annex(document, ROMAN[number % len(ROMAN)], standing, subtitle)
    return document.save()


def _annex(document: OfficialDocument, number: str, standing: Standing, subtitle: str) -> None:
    assert standing.ranking is not None
    framework = standing.framework
    places = framework.info.index_places
    document.annex(
        gettext("Phụ lục %(number)s") % {"number": number},
        (
            gettext("KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM %(year)s CỦA %(group)s")
            % {"year": standing.period.year, "group": standing.group.name}
        ).upper(),
        subtitle,
    )
    areas = list(framework.areas)
    header = [
        gettext("Thứ hạng"),
        gettext("Đơn vị"),
        *[
            gettext("LV %(code)s\n(tối đa %(max)s)")
            % {"code": area.code, "max": format_number(area.max_points)}
            for area in areas
        ],
        gettext("Tổng điểm"),
        gettext("Chỉ số (%)"),
        gettext("Xếp loại"),
    ]
    rows = []
    for code in standing.ordered():
        result = standing.ranking.results[code]
        rows.append(
            [
                _center(str(standing.ranking.ranks[code])),
                Cellspec(_unit_name(standing, code)),
                *[
                    _right(_n(result.nodes[area.code].points) if area.code in result.nodes else "")
                    for area in areas
                ],
                _right(_n(result.total)),
                _right(_n(result.index, places)),
                _center(standing.ranking.classes.get(code, "")),
            ]
        )
    fixed = 1.3 + 5.0 + 1.9 + 1.6 + 1.7
    area_width = max(1.5, (25.2 - fixed) / max(1, len(areas)))
    document.annex_table(header, rows, [1.3, 5.0, *[area_width] * len(areas), 1.9, 1.6, 1.7])
    legend = "; ".join(f"{area.code}. {area.title}" for area in areas)
    paragraph = document.document.add_paragraph()
    set_font(
        paragraph.add_run(gettext("Ghi chú: LV — lĩnh vực: %(areas)s.") % {"areas": legend}),
        Pt(11),
        False,
        True,
    )


# --- the results report --------------------------------------------------------------------


def report_text(standings: Sequence[Standing]) -> str:
    """The report's written analysis before editing: each group's narrative."""
    return "\n\n".join(text for text in (group_narrative(s) for s in standings) if text)


def report_docx(period: AssessmentPeriod, standings: Sequence[Standing], text: str) -> bytes:
    document = official_document(
        "bao_cao",
        gettext("Kết quả xác định Chỉ số cải cách hành chính năm %(year)s") % {"year": period.year},
    )
    document.heading(gettext("I. KẾT QUẢ CHUNG"))
    document.text(text)
    document.heading(gettext("II. KẾT QUẢ CỦA TỪNG NHÓM ĐƠN VỊ"))
    for number, standing in enumerate((s for s in standings if s.ranking is not None), start=1):
        assert standing.ranking is not None
        places = standing.framework.info.index_places
        document.heading(f"{number}. {standing.group.name}")
        bars = [
            (
                f"{standing.ranking.ranks[code]}. {_unit_name(standing, code)}",
                standing.ranking.results[code].index,
                standing.ranking.classes.get(code, ""),
            )
            for code in standing.ordered()
        ]
        document.picture(
            charts.ranking_png(bars, standing.framework.info.class_bands),
            caption=gettext("Biểu đồ: Chỉ số CCHC năm %(year)s của nhóm %(group)s")
            % {"year": period.year, "group": standing.group.name},
        )
        document.table(
            [
                gettext("Thứ hạng"),
                gettext("Đơn vị"),
                gettext("Tổng điểm"),
                gettext("Chỉ số (%)"),
                gettext("Xếp loại"),
            ],
            [
                [
                    _center(str(standing.ranking.ranks[code])),
                    Cellspec(_unit_name(standing, code)),
                    _right(_n(standing.ranking.results[code].total)),
                    _right(_n(standing.ranking.results[code].index, places)),
                    _center(standing.ranking.classes.get(code, "")),
                ]
                for code in standing.ordered()
            ],
            widths=[1.6, 7.9, 2.2, 1.9, 2.9],
        )
    return document.save()


# --- a unit's results report ---------------------------------------------------------------


def unit_report_docx(card: Scorecard, text: str) -> bytes:
    places = card.framework.info.index_places
    document = official_document(
        "bao_cao",
        gettext("Kết quả Chỉ số cải cách hành chính năm %(year)s của %(unit)s")
        % {"year": card.standing.period.year, "unit": card.unit.name},
    )
    document.heading(gettext("I. ĐÁNH GIÁ CHUNG"))
    document.text(text)
    document.heading(gettext("II. KẾT QUẢ THEO LĨNH VỰC"))
    averages = group_area_averages(card.standing)
    document.table(
        [
            gettext("Lĩnh vực"),
            gettext("Điểm tối đa"),
            gettext("Điểm đạt"),
            gettext("Tỷ lệ (%)"),
            gettext("Thứ hạng"),
            gettext("TB nhóm (%)"),
        ],
        [
            [
                Cellspec(f"{area.code}. {area.title}"),
                _right(_n(area.max_points)),
                _right(_n(area.points)),
                _right(_n(area.percent, places)),
                _center(str(area.rank) if area.rank is not None else ""),
                _right(_n(averages.get(area.code), places)),
            ]
            for area in card.areas
        ],
        widths=[7.0, 2.0, 2.0, 1.9, 1.8, 1.8],
    )
    return document.save()


# --- a unit's self-assessment report -----------------------------------------------------------


INCOMPLETE_REASONS = (AdjustmentReason.NO_EVIDENCE, AdjustmentReason.EVIDENCE_MISMATCH)


def self_report_defaults(assessment: Assessment) -> str:
    sheet = assessment_sheet(assessment)
    progress = self_progress(sheet.framework, entries_of(assessment))
    result = sheet.self_result
    return self_summary(
        year=assessment.period.year,
        unit=assessment.unit.name,
        total=result.total,
        max_total=result.max_total,
        index=result.index,
        answered=progress.answered,
        leaves=progress.total,
        missing=progress.missing_evidence,
        places=sheet.framework.info.index_places,
    )


def self_report_docx(
    assessment: Assessment, *, summary: str, difficulties: str, proposals: str
) -> bytes:
    sheet = assessment_sheet(assessment)
    unit = assessment.unit
    document = official_document(
        "bao_cao_don_vi",
        gettext("Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm %(year)s")
        % {"year": assessment.period.year},
        co_quan=unit.name,
        co_quan_hoa=unit.name.upper(),
    )
    document.heading(gettext("I. KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM"))
    document.text(summary)
    rows: list[list[str | Cellspec]] = []
    for row in sheet.rows:
        node = row.node
        bold = node.depth == 1
        evidence = ""
        if row.is_leaf and node.source == "self":
            evidence = str(len(row.links)) if row.links else ("0" if node.evidence_required else "")
        rows.append(
            [
                Cellspec(node.code, bold=bold),
                Cellspec(node.title, bold=bold),
                Cellspec(_n(node.max_points), bold=bold, align="right"),
                Cellspec(_n(row.self_result.points), bold=bold, align="right"),
                _center(evidence),
            ]
        )
    rows.append(
        [
            Cellspec(""),
            Cellspec(gettext("Tổng cộng"), bold=True),
            Cellspec(_n(sheet.self_result.max_total), bold=True, align="right"),
            Cellspec(_n(sheet.self_result.total), bold=True, align="right"),
            Cellspec(""),
        ]
    )
    document.table(
        [
            gettext("Mã"),
            gettext("Tiêu chí, tiêu chí thành phần"),
            gettext("Điểm tối đa"),
            gettext("Điểm tự chấm"),
            gettext("Số tài liệu kiểm chứng"),
        ],
        rows,
        widths=[1.4, 9.3, 1.9, 1.9, 2.0],
    )
    document.heading(
        gettext("II. GIẢI TRÌNH CÁC TIÊU CHÍ KHÔNG CÓ HOẶC CHƯA ĐỦ TÀI LIỆU KIỂM CHỨNG")
    )
    explained = 0
    for row in sheet.rows:
        node, entry = row.node, row.entry
        if not row.is_leaf or node.source != "self":
            continue
        without = node.evidence_required and not row.links
        incomplete = entry is not None and entry.reason_code in INCOMPLETE_REASONS
        if not (without or incomplete):
            continue
        explained += 1
        state = (
            gettext("chưa có tài liệu kiểm chứng")
            if without
            else gettext("tài liệu kiểm chứng chưa đầy đủ (theo thẩm định)")
        )
        explanation = (entry.written_explanation.strip() if entry is not None else "") or gettext(
            "Đơn vị chưa có giải trình bằng văn bản."
        )
        document.paragraph(f"{node.code}. {node.title} — {state}: {explanation}")
    if not explained:
        document.paragraph(
            gettext("Các tiêu chí yêu cầu tài liệu kiểm chứng đều đã có tài liệu kèm theo.")
        )
    document.heading(gettext("III. KHÓ KHĂN, VƯỚNG MẮC"))
    document.text(difficulties or gettext("(Đơn vị chưa nêu.)"))
    document.heading(gettext("IV. ĐỀ XUẤT, KIẾN NGHỊ"))
    document.text(proposals or gettext("(Đơn vị chưa nêu.)"))
    return document.save()


# --- the improvement plan ------------------------------------------------------------------


def plan_docx(period: AssessmentPeriod, tasks: Sequence[Task]) -> bytes:
    document = official_document(
        "ke_hoach",
        gettext("Khắc phục hạn chế, nâng cao Chỉ số cải cách hành chính sau kết quả năm %(year)s")
        % {"year": period.year},
    )
    document.heading(gettext("II. NHIỆM VỤ, GIẢI PHÁP"))
    if not tasks:
        document.paragraph(
            gettext("Chưa có nhiệm vụ nào được giao từ kết quả năm %(year)s.")
            % {"year": period.year}
        )
        return document.save()
    document.paragraph(
        gettext("Giao các cơ quan, đơn vị, địa phương thực hiện %(count)s nhiệm vụ sau:")
        % {"count": len(tasks)}
    )
    document.table(
        [
            gettext("STT"),
            gettext("Nhiệm vụ"),
            gettext("Tiêu chí, chỉ số"),
            gettext("Đơn vị thực hiện"),
            gettext("Thời hạn"),
            gettext("Tình trạng"),
        ],
        [
            [
                _center(str(number)),
                Cellspec(task.title),
                Cellspec(", ".join([*task.node_codes, *task.indicator_keys])),
                Cellspec(task.unit.name),
                _center(task.deadline.strftime("%d/%m/%Y")),
                Cellspec(str(task.get_status_display())),
            ]
            for number, task in enumerate(tasks, start=1)
        ],
        widths=[1.0, 6.0, 1.8, 3.4, 2.4, 1.9],
    )
    return document.save()


# --- the national position -----------------------------------------------------------------


def national_docx(
    table: NationalTable,
    report: NationalReport,
    text: str,
    *,
    years_png: bytes | None = None,
    areas_png: bytes | None = None,
) -> bytes:
    document = official_document(
        "bao_cao",
        gettext(
            "Phân tích kết quả Chỉ số cải cách hành chính cấp tỉnh (PAR INDEX) năm %(year)s "
            "của tỉnh %(unit)s"
        )
        % {"year": report.year, "unit": report.unit},
    )
    if table.is_example:
        document.paragraph(
            gettext(
                "BẢNG SỐ LIỆU VÍ DỤ: phần lớn số liệu là số sinh để minh họa, không phải số liệu "
                "chính thức do Bộ Nội vụ công bố."
            ),
            bold=True,
            italic=True,
            align="center",
        )
    document.heading(gettext("I. KẾT QUẢ VÀ VỊ TRÍ CỦA TỈNH"))
    document.text(text)
    if years_png:
        document.picture(years_png, caption=gettext("Biểu đồ: Chỉ số CCHC qua các năm"))
    document.heading(gettext("II. KẾT QUẢ THEO LĨNH VỰC"))
    compared = report.compare_to is not None
    header = [
        gettext("Lĩnh vực"),
        gettext("Điểm"),
        gettext("Tối đa"),
        gettext("Tỷ lệ (%)"),
        gettext("Thứ hạng"),
    ]
    if compared:
        header += [gettext("± điểm"), gettext("± bậc")]
    rows: list[list[str | Cellspec]] = []
    for area in report.areas:
        cells: list[str | Cellspec] = [
            Cellspec(f"{area.code}. {area.name}"),
            _right(_n(area.points)),
            _right(_n(area.max_points)),
            _right(_n(area.percent, 2)),
            _center(str(area.rank)),
        ]
        if compared:
            cells += [
                _right("" if area.points_change is None else format_signed(area.points_change)),
                _right("" if area.rank_change is None else format_signed(area.rank_change)),
            ]
        rows.append(cells)
    document.table(
        header,
        rows,
        widths=[5.9, 1.9, 1.4, 1.7, 1.4, 2.0, 1.4] if compared else [8.0, 2.0, 2.0, 2.2, 2.2],
        size=Pt(11),
    )
    if areas_png:
        document.picture(areas_png, caption=gettext("Biểu đồ: tỷ lệ điểm theo lĩnh vực"))
    document.heading(gettext("III. DƯ ĐỊA CẢI THIỆN"))
    document.table(
        [gettext("Lĩnh vực"), gettext("Điểm còn thiếu"), gettext("Tỷ trọng (%)")],
        [
            [
                Cellspec(f"{item.code}. {item.name}"),
                _right(_n(item.points_lost)),
                _right(_n(item.share, 2)),
            ]
            for item in report.headroom
        ],
        widths=[10.5, 3.0, 3.0],
    )
    sources = "; ".join(sorted({line.source for line in report.sources if line.source}))
    document.paragraph(
        gettext("Nguồn số liệu: %(source)s.") % {"source": table.source}
        + (f" ({sources})" if sources else ""),
        italic=True,
        align="left",
        indent=False,
        size=Pt(12),
    )
    return document.save()
