"""Vietnamese administrative documents (Decree 30/2020/NĐ-CP) as Word files, with python-docx.

A document starts from a template file a province can replace (`parindex/data/templates/docx/
<kind>.docx`, or the same name under `PARINDEX_TEMPLATES_DIR/docx/`). A template is an ordinary
Word document laid out by the decree: the two-column header (issuing body | national motto),
the number and symbol, place and date, the title, the body, "Nơi nhận:" and the signature. The
software fills these placeholders, wherever they stand (body, header tables, page headers):

    {{so_van_ban}}  number (dots until the document is numbered at signing)
    {{ngay}} {{thang}} {{nam}}  day, month, year of the document (dots for day and month)
    {{trich_yeu}}  the subject line under the title
    {{co_quan}} {{co_quan_chu_quan}}  the issuing unit and its superior body (unit reports)
    {{noi_dung}}  alone in a paragraph: where the body is inserted

A placeholder must be typed in one go in Word (Word may otherwise split it into runs of
different formatting; the paragraph then keeps the formatting of its first run). Everything
else in the template — issuing body, place name, symbol, recipients, signer, logo — is the
province's text and stays as it is.

`make_templates.py` writes the shipped templates (for "Tỉnh Minh Họa").
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

SHIPPED_FOLDER = Path(__file__).resolve().parent.parent / "data" / "templates" / "docx"
FONT = "Times New Roman"
BODY_SIZE = Pt(14)
TABLE_SIZE = Pt(12)
BODY_MARKER = "{{noi_dung}}"
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


class TemplateError(Exception):
    """A DOCX template cannot be used (missing, unreadable, no body marker)."""


def template_path(kind: str, folders: Sequence[Path | str] = ()) -> Path:
    """The template of `kind` (`quyet_dinh`, `bao_cao`, …): a province's copy, else shipped."""
    for folder in folders:
        for candidate in (Path(folder) / "docx" / f"{kind}.docx", Path(folder) / f"{kind}.docx"):
            if candidate.is_file():
                return candidate
    shipped = SHIPPED_FOLDER / f"{kind}.docx"
    if not shipped.is_file():
        raise TemplateError(f"không có mẫu văn bản «{kind}.docx»")
    return shipped


# --- low-level helpers ------------------------------------------------------------------------


def set_font(
    run: Any, size: Pt | None = None, bold: bool | None = None, italic: bool | None = None
) -> None:
    run.font.name = FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic


def set_cell_borders(table: Table, *, show: bool) -> None:
    """All borders of a table single lines (`show`) or none."""
    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.find(qn("w:tblBorders"))
    if borders is None:
        borders = OxmlElement("w:tblBorders")
        tbl_pr.append(borders)
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = borders.find(qn(f"w:{edge}"))
        if element is None:
            element = OxmlElement(f"w:{edge}")
            borders.append(element)
        element.set(qn("w:val"), "single" if show else "nil")
        if show:
            element.set(qn("w:sz"), "4")
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), "000000")


def bottom_rule(paragraph: Paragraph) -> None:
    """A solid line under the paragraph, as wide as the paragraph (indents narrow it)."""
    p_pr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    border.append(bottom)
    p_pr.append(border)


def repeat_header(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def page_setup(section: Any, *, landscape: bool = False) -> None:
    """A4 with the decree's margins: top and bottom 20 mm, left 30 mm, right 15 mm (the
    binding side stays on the left of the portrait page)."""
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(20)
    section.bottom_margin = Mm(20)
    section.left_margin = Mm(30)
    section.right_margin = Mm(15)


def _paragraphs(container: Any) -> list[Paragraph]:
    """Every paragraph of a document, section headers/footers and table cells included."""
    found: list[Paragraph] = list(container.paragraphs)
    for table in getattr(container, "tables", []):
        for row in table.rows:
            for cell in row.cells:
                found.extend(_paragraphs(cell))
    return found


def _replace(paragraph: Paragraph, values: Mapping[str, str]) -> None:
    text = paragraph.text
    if "{{" not in text:
        return

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise TemplateError(f"mẫu có ô «{match.group(0)}» mà phần mềm không điền")
        return values[name]

    replaced = _PLACEHOLDER.sub(value, text)
    if replaced == text:
        return
    runs = paragraph.runs
    # Keep the first run (its formatting) with the whole text; Word may have split the text.
    runs[0].text = replaced
    for run in runs[1:]:
        run.text = ""


# --- the document ---------------------------------------------------------------------------------


@dataclass
class Cellspec:
    text: str
    bold: bool = False
    align: str = "left"  # left, center, right


class OfficialDocument:
    """A filled template, to which the body is added at the `{{noi_dung}}` marker."""

    def __init__(self, kind: str, values: Mapping[str, str], folders: Sequence[Path | str] = ()):
        path = template_path(kind, folders)
        try:
            self.document = Document(str(path))
        except Exception as error:  # python-docx raises several types for a damaged file
            raise TemplateError(f"{path}: không mở được mẫu văn bản ({error})") from error
        self.path = path
        self.page_label = ""
        marker = None
        for paragraph in _paragraphs(self.document):
            if paragraph.text.strip() == BODY_MARKER:
                marker = paragraph
        if marker is None:
            raise TemplateError(f"{path}: mẫu thiếu đoạn «{BODY_MARKER}» (chỗ đặt nội dung)")
        self.marker = marker
        containers: list[Any] = [self.document]
        for section in self.document.sections:
            containers += [section.header, section.footer]
        filled = dict(values)
        for container in containers:
            for paragraph in _paragraphs(container):
                if paragraph is not marker and paragraph.text.strip() != BODY_MARKER:
                    _replace(paragraph, filled)

    # Body content is inserted before the marker, which is removed when saved.

    def paragraph(
        self,
        text: str = "",
        *,
        bold: bool = False,
        italic: bool = False,
        align: str = "justify",
        indent: bool = True,
        size: Pt | None = None,
        space_after: int = 6,
        keep_with_next: bool = False,
    ) -> Paragraph:
        paragraph = self.marker.insert_paragraph_before("")
        run = paragraph.add_run(text)
        set_font(run, size or BODY_SIZE, bold, italic)
        fmt = paragraph.paragraph_format
        fmt.alignment = {
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]
        fmt.first_line_indent = Cm(1) if indent and align == "justify" else None
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(space_after)
        fmt.line_spacing = 1.15
        fmt.keep_with_next = keep_with_next
        return paragraph

    def heading(self, text: str) -> Paragraph:
        """A section heading of the body ("I. KẾT QUẢ CHUNG"): bold, flush with the indent."""
        return self.paragraph(text, bold=True, keep_with_next=True)

    def text(self, text: str) -> None:
        """Paragraphs separated by blank lines, each justified with a first-line indent."""
        for block in re.split(r"\n\s*\n", text.strip()):
            if block.strip():
                self.paragraph(" ".join(block.split()))

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str | Cellspec]],
        *,
        widths: Sequence[float] | None = None,
        size: Pt = TABLE_SIZE,
        at_end: bool = False,
    ) -> Table:
        """A bordered table with a bold, repeated header row; cells are text (numbers
        formatted by the caller)."""
        table = self.document.add_table(rows=1, cols=len(header))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        set_cell_borders(table, show=True)
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            self._cell(cell, Cellspec(text, bold=True, align="center"), size)
        repeat_header(table.rows[0])
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                spec = value if isinstance(value, Cellspec) else Cellspec(value)
                self._cell(cell, spec, size)
        if widths:
            table.autofit = False
            for column, width in zip(table.columns, widths, strict=True):
                column.width = Cm(width)
            for row in table.rows:
                for cell, width in zip(row.cells, widths, strict=True):
                    cell.width = Cm(width)
        if not at_end:
            self.marker._p.addprevious(table._tbl)
            self.paragraph("", space_after=0)
        return table

    @staticmethod
    def _cell(cell: Any, spec: Cellspec, size: Pt) -> None:
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run(spec.text)
        set_font(run, size, spec.bold)
        paragraph.alignment = {
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[spec.align]
        paragraph.paragraph_format.space_after = Pt(0)

    def picture(self, png: bytes, *, width_cm: float = 15.5, caption: str = "") -> None:
        paragraph = self.paragraph("", align="center", indent=False)
        paragraph.runs[0].add_picture(io.BytesIO(png), width=Cm(width_cm))
        if caption:
            self.paragraph(caption, italic=True, align="center", indent=False, size=Pt(12))

    # --- annexes: landscape pages after the signature -----------------------------------------

    def annex(self, number: str, title: str, subtitle: str) -> None:
        """Start an annex on a new landscape page: "Phụ lục I", its title and "(Kèm theo …)"."""
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        page_setup(section, landscape=True)
        for text, bold, italic in (
            (number, True, False),
            (title, True, False),
            (subtitle, False, True),
        ):
            paragraph = self.document.add_paragraph()
            run = paragraph.add_run(text)
            set_font(run, BODY_SIZE, bold, italic)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(6 if italic else 0)

    def annex_table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str | Cellspec]],
        widths: Sequence[float],
    ) -> Table:
        return self.table(header, rows, widths=widths, size=Pt(10), at_end=True)

    def label_every_page(self, text: str) -> None:
        """A line at the top of every page (the demo's "not an official document")."""
        self.page_label = text

    def save(self) -> bytes:
        if self.page_label:
            for section in self.document.sections:
                section.header.is_linked_to_previous = False
                paragraph = section.header.paragraphs[0]
                run = paragraph.add_run(self.page_label)
                set_font(run, Pt(10), True, True)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.marker._p.getparent().remove(self.marker._p)
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def date_values(when: Any | None) -> dict[str, str]:
    """{{ngay}}, {{thang}}, {{nam}}: dots for day and month until the document is signed (the
    year is known), or a given date written as officials write it (day and month of one
    digit with a leading zero for days 1–9 and months 1–2)."""
    if when is None:
        return {"ngay": "    ", "thang": "    ", "nam": ""}
    day = f"{when.day:02d}" if when.day < 10 else str(when.day)
    month = f"{when.month:02d}" if when.month < 3 else str(when.month)
    return {"ngay": day, "thang": month, "nam": str(when.year)}
