"""Write the shipped DOCX templates (for the demo "Tỉnh Minh Họa") laid out by Decree 30/2020/NĐ-CP.

    .venv/bin/python -m parindex.documents.make_templates [FOLDER [KIND …]]

A province does not run this: it opens the shipped files in Word, replaces the issuing body,
the place name, the symbol, the recipients, the signer (and adds its logo, if it uses one),
and puts its copies in PARINDEX_TEMPLATES_DIR/docx/ (docs/documents.md). This script is how
the shipped files were made, so that they can be rebuilt after a layout change.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from parindex.documents.docx import (
    BODY_MARKER,
    FONT,
    SHIPPED_FOLDER,
    bottom_rule,
    page_setup,
    set_cell_borders,
    set_font,
)

PROVINCE = "TỈNH MINH HỌA"
PLACE = "Minh Họa"
SIGNER = "[Họ và tên người ký]"


@dataclass(frozen=True)
class Layout:
    kind: str
    symbol: str  # after the number: "QĐ-UBND"
    title: str  # "QUYẾT ĐỊNH"
    issuer: tuple[str, str]  # the two lines of the issuing body
    before: tuple[tuple[str, str], ...]  # (style, text) paragraphs before the body
    after: tuple[tuple[str, str], ...]  # … and after it
    recipients: tuple[str, ...]
    signature: tuple[str, ...]  # capacity lines above the signer's name


def _line(
    cell_or_doc: object,
    text: str,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    align: str = "center",
    space_after: float = 0,
) -> object:
    paragraph = cell_or_doc.add_paragraph()  # type: ignore[attr-defined]
    run = paragraph.add_run(text)
    set_font(run, Pt(size), bold, italic)
    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(space_after)
    return paragraph


def _rule(cell: object, indent_cm: float) -> None:
    """A short solid line under the line above (a paragraph border narrowed by indents)."""
    paragraph = _line(cell, "", size=4)
    paragraph.paragraph_format.left_indent = Cm(indent_cm)  # type: ignore[attr-defined]
    paragraph.paragraph_format.right_indent = Cm(indent_cm)  # type: ignore[attr-defined]
    bottom_rule(paragraph)  # type: ignore[arg-type]


def _widths(table: object, widths: tuple[object, ...]) -> None:
    """Column widths both ways: Word reads the cells', LibreOffice the grid's."""
    for column, width in zip(table.columns, widths, strict=True):  # type: ignore[attr-defined]
        column.width = width
    for row in table.rows:  # type: ignore[attr-defined]
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _drop_first_paragraph(cell: object) -> None:
    first = cell.paragraphs[0]  # type: ignore[attr-defined]
    if not first.text:
        first._p.getparent().remove(first._p)


def build(layout: Layout) -> Any:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    page_setup(document.sections[0])

    header = document.add_table(rows=2, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    header.autofit = False
    set_cell_borders(header, show=False)
    widths = (Cm(6.3), Cm(10.2))
    _widths(header, widths)
    left, right = header.rows[0].cells
    top, body_name = layout.issuer
    _line(left, top, size=13, bold=top.isupper() and not top.startswith("UBND"))
    _line(left, body_name, size=13, bold=True)
    _rule(left, 2.0)
    _line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12.5, bold=True)
    motto = _line(right, "Độc lập - Tự do - Hạnh phúc", size=13.5, bold=True)
    motto.paragraph_format.left_indent = Cm(1.75)  # type: ignore[attr-defined]
    motto.paragraph_format.right_indent = Cm(1.75)  # type: ignore[attr-defined]
    bottom_rule(motto)  # type: ignore[arg-type]
    number, place = header.rows[1].cells
    _line(number, f"Số: {{{{so_van_ban}}}}/{layout.symbol}", size=13, space_after=0)
    _line(
        place,
        f"{PLACE}, ngày {{{{ngay}}}} tháng {{{{thang}}}} năm {{{{nam}}}}",
        size=13.5,
        italic=True,
    )
    for cell in (*header.rows[0].cells, *header.rows[1].cells):
        _drop_first_paragraph(cell)
    for cell in header.rows[1].cells:
        cell.paragraphs[0].paragraph_format.space_before = Pt(6)

    _line(document, "", size=8)
    _line(document, layout.title, size=14, bold=True, space_after=0)
    _line(document, "{{trich_yeu}}", size=14, bold=True)
    rule = _line(document, "", size=4, space_after=12)
    rule.paragraph_format.left_indent = Cm(6.25)  # type: ignore[attr-defined]
    rule.paragraph_format.right_indent = Cm(6.25)  # type: ignore[attr-defined]
    bottom_rule(rule)  # type: ignore[arg-type]

    def body(style: str, text: str) -> None:
        if style == "center":
            _line(document, text, size=14, bold=True, space_after=6)
        elif style == "heading":
            paragraph = _line(document, text, size=14, bold=True, align="justify", space_after=6)
            paragraph.paragraph_format.first_line_indent = Cm(1)  # type: ignore[attr-defined]
        else:
            italic = style == "italic"
            paragraph = _line(document, "", size=14, align="justify", space_after=6)
            label, _, rest = text.partition("|")
            if rest:
                set_font(paragraph.add_run(label), Pt(14), True)  # type: ignore[attr-defined]
                set_font(paragraph.add_run(rest), Pt(14), False, italic)  # type: ignore[attr-defined]
            else:
                set_font(paragraph.add_run(text), Pt(14), False, italic)  # type: ignore[attr-defined]
            paragraph.paragraph_format.first_line_indent = Cm(1)  # type: ignore[attr-defined]
            paragraph.paragraph_format.line_spacing = 1.15  # type: ignore[attr-defined]

    for style, text in layout.before:
        body(style, text)
    _line(document, BODY_MARKER, size=14, align="left")
    for style, text in layout.after:
        body(style, text)

    _line(document, "", size=8)
    signature = document.add_table(rows=1, cols=2)
    signature.autofit = False
    set_cell_borders(signature, show=False)
    recipients_cell, signer_cell = signature.rows[0].cells
    _widths(signature, (Cm(8.0), Cm(8.5)))
    _line(recipients_cell, "Nơi nhận:", size=12, bold=True, italic=True, align="left")
    for recipient in layout.recipients:
        _line(recipients_cell, recipient, size=11, align="left")
    for line in layout.signature:
        _line(signer_cell, line, size=14, bold=True)
    for _blank in range(4):
        _line(signer_cell, "", size=14)
    _line(signer_cell, SIGNER, size=14, bold=True)
    for cell in signature.rows[0].cells:
        _drop_first_paragraph(cell)
    return document


PROVINCE_ISSUER = ("ỦY BAN NHÂN DÂN", PROVINCE)
RECIPIENTS_PROVINCE = (
    "- Bộ Nội vụ (để báo cáo);",
    "- TT Tỉnh ủy, TT HĐND tỉnh (để báo cáo);",
    "- Chủ tịch, các PCT UBND tỉnh;",
    "- Các sở, ban, ngành tỉnh;",
    "- UBND các xã, phường, đặc khu;",
    "- Lưu: VT, SNV.",
)

LAYOUTS = (
    Layout(
        kind="quyet_dinh",
        symbol="QĐ-UBND",
        title="QUYẾT ĐỊNH",
        issuer=PROVINCE_ISSUER,
        before=(
            ("center", f"CHỦ TỊCH ỦY BAN NHÂN DÂN {PROVINCE}"),
            ("italic", "Căn cứ Luật Tổ chức chính quyền địa phương;"),
            ("italic", "Căn cứ {{can_cu}};"),
            ("italic", "Theo đề nghị của Giám đốc Sở Nội vụ."),
            ("center", "QUYẾT ĐỊNH:"),
        ),
        after=(
            (
                "plain",
                "Điều 2. |Sở Nội vụ có trách nhiệm theo dõi, đôn đốc các cơ quan, đơn vị, địa "
                "phương khắc phục những tồn tại, hạn chế qua kết quả xác định Chỉ số cải cách "
                "hành chính.",
            ),
            (
                "plain",
                "Điều 3. |Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng UBND tỉnh, "
                "Giám đốc Sở Nội vụ, Thủ trưởng các cơ quan, đơn vị, địa phương có liên quan "
                "chịu trách nhiệm thi hành Quyết định này./.",
            ),
        ),
        recipients=("- Như Điều 3;", *RECIPIENTS_PROVINCE),
        signature=("CHỦ TỊCH",),
    ),
    Layout(
        kind="bao_cao",
        symbol="BC-UBND",
        title="BÁO CÁO",
        issuer=PROVINCE_ISSUER,
        before=(),
        after=(("plain", "Trên đây là báo cáo của Ủy ban nhân dân tỉnh./."),),
        recipients=RECIPIENTS_PROVINCE,
        signature=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    ),
    Layout(
        kind="ke_hoach",
        symbol="KH-UBND",
        title="KẾ HOẠCH",
        issuer=PROVINCE_ISSUER,
        before=(
            ("heading", "I. MỤC ĐÍCH, YÊU CẦU"),
            (
                "plain",
                "Khắc phục những tồn tại, hạn chế được chỉ ra qua kết quả xác định Chỉ số cải "
                "cách hành chính; phân công cụ thể cơ quan, đơn vị chủ trì và thời hạn hoàn "
                "thành từng nhiệm vụ.",
            ),
        ),
        after=(
            ("heading", "III. TỔ CHỨC THỰC HIỆN"),
            (
                "plain",
                "Các cơ quan, đơn vị, địa phương được giao nhiệm vụ chủ động triển khai, báo cáo "
                "tiến độ và kết quả trên phần mềm. Sở Nội vụ theo dõi, đôn đốc, tổng hợp, báo "
                "cáo Ủy ban nhân dân tỉnh./.",
            ),
        ),
        recipients=RECIPIENTS_PROVINCE,
        signature=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    ),
    Layout(
        kind="bao_cao_chi_so_tinh",
        symbol="BC-UBND",
        title="BÁO CÁO",
        issuer=PROVINCE_ISSUER,
        before=(("center", "Kính gửi: Bộ Nội vụ."),),
        after=(
            (
                "plain",
                "Trên đây là báo cáo kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính "
                "của tỉnh; Ủy ban nhân dân tỉnh kính gửi Bộ Nội vụ xem xét, thẩm định./.",
            ),
        ),
        recipients=(
            "- Như trên;",
            "- TT Tỉnh ủy, TT HĐND tỉnh (để báo cáo);",
            "- Chủ tịch, các PCT UBND tỉnh;",
            "- Các sở, ban, ngành tỉnh;",
            "- Lưu: VT, SNV.",
        ),
        signature=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    ),
    Layout(
        kind="bao_cao_don_vi",
        symbol="BC-{{ky_hieu}}",
        title="BÁO CÁO",
        issuer=(f"UBND {PROVINCE}", "{{co_quan_hoa}}"),
        before=(),
        after=(
            (
                "plain",
                "Trên đây là báo cáo kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính "
                "của {{co_quan}}./.",
            ),
        ),
        recipients=("- Sở Nội vụ (để tổng hợp);", "- Lưu: VT."),
        signature=("THỦ TRƯỞNG ĐƠN VỊ",),
    ),
)


def write_all(folder: Path = SHIPPED_FOLDER, kinds: tuple[str, ...] = ()) -> list[Path]:
    """Write the templates (only those of `kinds`, when given)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for layout in LAYOUTS:
        if kinds and layout.kind not in kinds:
            continue
        path = folder / f"{layout.kind}.docx"
        document = build(layout)
        # Fixed metadata: the same layout writes the same file content.
        document.core_properties.author = "parindex"
        document.core_properties.title = layout.title
        document.save(str(path))
        written.append(path)
    return written


if __name__ == "__main__":
    # python -m parindex.documents.make_templates [FOLDER [KIND …]]
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else SHIPPED_FOLDER
    for path in write_all(folder, tuple(sys.argv[2:])):
        print(path)
