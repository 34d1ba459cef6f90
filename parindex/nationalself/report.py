"""The province's self-assessment report for the Ministry of Home Affairs, as a Word file laid
out by Decree 30 (template `bao_cao_chi_so_tinh.docx`, which a province replaces with its own,
docs/documents.md): the self-score by area, the detailed score table by area, criterion and
sub-criterion (annex I), the evidence list with document numbers and dates (annex II), and an
explanation for every sub-criterion whose evidence is missing or incomplete.

It formats what the selectors and the engine computed; a figure the data lacks stays blank.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext
from docx.shared import Pt

from parindex.documents.builders import official_document
from parindex.documents.docx import Cellspec
from parindex.engine import Framework as EngineFramework
from parindex.engine import UnitResult, format_number
from parindex.engine.numbers import percent_of
from parindex.nationalself.archive import ManifestRow
from parindex.nationalself.models import Contribution, NationalSelfAssessment

SURVEY = "survey"


@dataclass(frozen=True)
class Gap:
    """A leaf whose evidence is missing or incomplete, with the province's explanation."""

    code: str
    title: str
    missing: tuple[str, ...]
    explanation: str


def self_max(engine: EngineFramework, code: str) -> Decimal:
    """The part of a node's maximum the province scores itself (survey leaves excluded)."""
    node = engine.nodes[code]
    if node.is_leaf:
        return Decimal(0) if node.source == SURVEY else node.max_points
    parts = [self_max(engine, child) for child in node.children]
    if node.alternatives:
        return max(parts, default=Decimal(0))
    return sum(parts, Decimal(0))


def survey_max(engine: EngineFramework) -> Decimal:
    return sum((node.max_points for node in engine.leaves() if node.source == SURVEY), Decimal(0))


def _n(value: Decimal | None) -> str:
    return "" if value is None else format_number(value)


def _right(text: str, bold: bool = False) -> Cellspec:
    return Cellspec(text, bold=bold, align="right")


def _center(text: str) -> Cellspec:
    return Cellspec(text, align="center")


def report_docx(
    assessment: NationalSelfAssessment,
    engine: EngineFramework,
    result: UnitResult,
    contributions: Mapping[str, Contribution],
    manifest: Sequence[ManifestRow],
    gaps: Sequence[Gap],
    *,
    archive_name: str,
    proposals: str = "",
) -> bytes:
    year = assessment.year
    province = assessment.province.name
    document = official_document(
        "bao_cao_chi_so_tinh",
        gettext("Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm %(year)s")
        % {"year": year},
    )
    if assessment.is_example or "VÍ DỤ" in engine.info.name:
        document.paragraph(
            gettext(
                "VÍ DỤ — bộ tiêu chí và số liệu minh họa, không phải báo cáo chính thức gửi "
                "Bộ Nội vụ."
            ),
            bold=True,
            italic=True,
            align="center",
            indent=False,
        )
    maximum = sum((self_max(engine, area.code) for area in engine.areas), Decimal(0))
    leaves = [node for node in engine.leaves() if node.source != SURVEY]
    scored = sum(1 for node in leaves if result.nodes[node.code].answered)
    document.heading(gettext("I. KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM"))
    document.text(
        gettext(
            "Thực hiện hướng dẫn của Bộ Nội vụ về xác định Chỉ số cải cách hành chính năm "
            "%(year)s, Ủy ban nhân dân tỉnh đã giao các cơ quan chuyên môn cung cấp tài liệu, số "
            "liệu của từng tiêu chí thành phần; Sở Nội vụ tổng hợp, tự đánh giá, chấm điểm "
            "%(scored)s/%(leaves)s tiêu chí thành phần. Tổng điểm tự đánh giá của %(province)s "
            "là %(total)s/%(maximum)s điểm (%(percent)s%%) của phần đánh giá qua thẩm định; "
            "%(survey)s điểm của các tiêu chí đánh giá qua điều tra xã hội học do Bộ Nội vụ thực "
            "hiện. Chi tiết tại Phụ lục I."
        )
        % {
            "year": year,
            "scored": scored,
            "leaves": len(leaves),
            "province": province,
            "total": _n(result.total),
            "maximum": _n(maximum),
            "percent": format_number(percent_of(result.total, maximum, 2)) if maximum else "0",
            "survey": _n(survey_max(engine)),
        }
    )
    rows: list[list[str | Cellspec]] = []
    for area in engine.areas:
        area_max = self_max(engine, area.code)
        points = result.nodes[area.code].base
        rows.append(
            [
                Cellspec(f"{area.code}. {area.title}"),
                _right(_n(area_max)),
                _right(_n(points)),
                _right(format_number(percent_of(points, area_max, 2)) if area_max else ""),
            ]
        )
    rows.append(
        [
            Cellspec(gettext("Tổng cộng"), bold=True),
            _right(_n(maximum), True),
            _right(_n(result.total), True),
            _right(format_number(percent_of(result.total, maximum, 2)) if maximum else "", True),
        ]
    )
    document.table(
        [
            gettext("Lĩnh vực"),
            gettext("Điểm tối đa"),
            gettext("Điểm tự chấm"),
            gettext("Tỷ lệ (%)"),
        ],
        rows,
        widths=[9.6, 2.3, 2.3, 2.3],
    )
    document.heading(gettext("II. TÀI LIỆU KIỂM CHỨNG"))
    documents = {row.sha256 for row in manifest}
    document.text(
        gettext(
            "Kèm theo báo cáo là %(files)s tài liệu kiểm chứng (%(citations)s lượt dẫn chứng cho "
            "các tiêu chí thành phần) trong hồ sơ điện tử «%(archive)s», sắp xếp theo mã tiêu "
            "chí; danh mục tài liệu (số, ký hiệu, ngày ban hành, cơ quan cung cấp, mã kiểm tra "
            "SHA-256 của từng tệp) tại Phụ lục II."
        )
        % {"files": len(documents), "citations": len(manifest), "archive": archive_name}
    )
    document.heading(
        gettext("III. GIẢI TRÌNH CÁC TIÊU CHÍ KHÔNG CÓ HOẶC CHƯA ĐỦ TÀI LIỆU KIỂM CHỨNG")
    )
    if not gaps:
        document.paragraph(
            gettext("Các tiêu chí thành phần yêu cầu tài liệu kiểm chứng đều đã có tài liệu.")
        )
    for gap in gaps:
        values = {"code": gap.code, "title": gap.title, "missing": "; ".join(gap.missing)}
        if gap.explanation:
            text = gettext(
                "%(code)s. %(title)s — còn thiếu: %(missing)s. Giải trình: %(explanation)s"
            ) % {**values, "explanation": gap.explanation.strip()}
        else:
            text = gettext("%(code)s. %(title)s — còn thiếu: %(missing)s (chưa có giải trình).") % (
                values
            )
        document.paragraph(text)
    document.heading(gettext("IV. KIẾN NGHỊ, ĐỀ XUẤT"))
    document.text(proposals or gettext("(Không có.)"))

    subtitle = gettext("(Kèm theo Báo cáo số      /BC-UBND ngày     tháng     năm %(year)s)") % {
        "year": assessment.ministry_deadline.year
    }
    document.annex(
        gettext("Phụ lục I"),
        (
            gettext("BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM %(year)s")
            % {"year": year}
        ).upper(),
        subtitle,
    )
    table: list[list[str | Cellspec]] = []
    for node in engine.walk():
        bold = node.depth == 1
        row = contributions.get(node.code)
        node_result = result.nodes[node.code]
        if node.is_leaf and node.source == SURVEY:
            shown = Cellspec(gettext("ĐTXHH"), align="center")
        elif node.is_leaf and not node_result.answered:
            shown = _right("")
        else:
            shown = _right(_n(node_result.points), bold)
        evidence = ""
        lead = ""
        if node.is_leaf and row is not None:
            count = sum(1 for item in manifest if item.node == node.code)
            evidence = str(count) if count or node.evidence_required else ""
            lead = row.lead.name if row.lead else ""
        table.append(
            [
                Cellspec(node.code, bold=bold),
                Cellspec(node.title, bold=bold),
                _right(_n(node.max_points), bold),
                shown,
                Cellspec(lead),
                _center(evidence),
            ]
        )
    table.append(
        [
            Cellspec(""),
            Cellspec(gettext("Tổng cộng (phần tự đánh giá)"), bold=True),
            _right(_n(maximum), True),
            _right(_n(result.total), True),
            Cellspec(""),
            Cellspec(""),
        ]
    )
    document.annex_table(
        [
            gettext("Mã"),
            gettext("Lĩnh vực, tiêu chí, tiêu chí thành phần"),
            gettext("Điểm tối đa"),
            gettext("Điểm tự chấm"),
            gettext("Cơ quan chủ trì"),
            gettext("Số tài liệu"),
        ],
        table,
        [1.6, 12.6, 1.9, 1.9, 5.0, 1.8],
    )
    paragraph = document.document.add_paragraph()
    run = paragraph.add_run(
        gettext(
            "Ghi chú: ĐTXHH — tiêu chí đánh giá qua điều tra xã hội học do Bộ Nội vụ thực hiện; "
            "điểm tối đa của tổng cộng là phần đánh giá qua thẩm định."
        )
    )
    run.font.size = Pt(11)
    run.italic = True

    document.annex(
        gettext("Phụ lục II"),
        (
            gettext("DANH MỤC TÀI LIỆU KIỂM CHỨNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM %(year)s")
            % {"year": year}
        ).upper(),
        subtitle,
    )
    document.annex_table(
        [
            gettext("STT"),
            gettext("Mã tiêu chí"),
            gettext("Số, ký hiệu"),
            gettext("Ngày ban hành"),
            gettext("Trích yếu, tên tệp"),
            gettext("Cơ quan cung cấp"),
            gettext("Tệp trong hồ sơ"),
        ],
        [
            [
                _center(str(number)),
                Cellspec(row.node),
                Cellspec(row.document_number),
                _center(row.document_date),
                Cellspec(
                    f"{row.document_title} ({row.file_name})"
                    if row.document_title
                    else row.file_name
                ),
                Cellspec(row.department),
                Cellspec(row.path),
            ]
            for number, row in enumerate(manifest, start=1)
        ]
        or [[Cellspec(gettext("Chưa có tài liệu.")), *[Cellspec("")] * 6]],
        [1.2, 1.8, 2.6, 2.2, 7.1, 4.1, 5.8],
    )
    return document.save()
