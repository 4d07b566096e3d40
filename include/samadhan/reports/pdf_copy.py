"""The PDF people's copy of a form: landscape A4, a statewide summary and then one section per discom.

Each section starts on a new page with the full title; every page repeats the column headings and
carries a running head, the release footer and its page number. Devanagari is shaped by HarfBuzz
(fpdf2 with uharfbuzz). Numbers are plain Latin digits, drawn without shaping and right-aligned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta, timezone
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

from samadhan.reports.fonts import ClusterMappedFont, devanagari_font_styles
from samadhan.reports.formatting import format_count, format_indian
from samadhan.reports.forms import TARGET_NOT_SET, Column, FormSpec, Kind, ReleaseInfo
from samadhan.reports.sections import Block, PrintedRow, RowStyle, Section, row_fill, row_is_bold

IST = timezone(timedelta(hours=5, minutes=30))
FONT_FAMILY = "notosansdevanagari"

PAGE_WIDTH, PAGE_HEIGHT = 297.0, 210.0  # A4 landscape, mm
MARGIN = 8.0
TABLE_WIDTH = PAGE_WIDTH - 2 * MARGIN
RUNNING_HEAD_Y = 4.0
FOOTER_Y = PAGE_HEIGHT - 7.5
TABLE_BOTTOM = PAGE_HEIGHT - 10.0

PT = 25.4 / 72  # mm per point
BODY_SIZES = (7.5, 7.25, 7.0, 6.75, 6.5, 6.25, 6.0, 5.75, 5.5, 5.25, 5.0)
LINE_SPACING = 1.5  # line height as a multiple of the font size; Devanagari needs room for matras
CELL_PAD_X = 0.9
CELL_PAD_Y = 0.5
INDENT = 2.5  # mm per level
TEXT_MAX = {Kind.TEXT: 72.0, Kind.SUB_CATEGORY: 36.0}
TEXT_MIN = {Kind.TEXT: 36.0, Kind.SUB_CATEGORY: 18.0}
BORDER_GREY = 90
HEADING_FILL = (221, 228, 238)
REVISED_COLOUR = (156, 0, 6)


def cell_text(column: Column, printed: PrintedRow) -> str:
    """Return the printed text of a number cell: Indian grouping, "लक्ष्य निर्धारित नहीं", or blank."""
    value = printed.row[column.field]
    if value is None:
        return TARGET_NOT_SET if column.kind in (Kind.TARGET_COUNT, Kind.TARGET_MONEY) else ""
    if column.kind in (Kind.MONEY, Kind.TARGET_MONEY, Kind.PERCENT):
        return format_indian(Decimal(value))
    if column.kind is Kind.RANK:
        return str(int(value))
    return format_count(int(value))


def _hex_to_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


class _FormPdf(FPDF):
    """FPDF with the running head and the footer of a form's copy."""

    def __init__(self, form: FormSpec, info: ReleaseInfo) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.form = form
        self.info = info
        self.section_heading = ""
        self.section_first_page = True
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        self.c_margin = 0
        for style, path in devanagari_font_styles().items():
            self.add_font(FONT_FAMILY, style, path)
            font = self.fonts[f"{FONT_FAMILY}{style}"]
            font.__class__ = ClusterMappedFont
        self.set_text_shaping(True)
        self._width_cache: dict[tuple[str, str, float], float] = {}

    def use_font(self, bold: bool, size: float) -> None:
        self.set_font(FONT_FAMILY, "B" if bold else "", size)

    def text_width(self, text: str, bold: bool, size: float) -> float:
        """Return the width in mm of a text at a size, measured once per text."""
        key = (text, "B" if bold else "", size)
        width = self._width_cache.get(key)
        if width is None:
            if len(text) > 1 and text.isascii():
                # Latin digits and punctuation need no shaping: their widths simply add up.
                width = sum(self.text_width(character, bold, size) for character in text)
            else:
                self.use_font(bold, size)
                width = self.get_string_width(text)
            self._width_cache[key] = width
        return width

    def wrap(self, text: str, width: float, bold: bool, size: float) -> list[str]:
        """Break a text into lines no wider than `width` at spaces; a longer word keeps its own line."""
        lines: list[str] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}" if current else word
            if current and self.text_width(candidate, bold, size) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
        return lines

    def header(self) -> None:
        if self.section_first_page:
            return
        self.use_font(False, 7)
        self.set_text_color(60)
        self.set_xy(MARGIN, RUNNING_HEAD_Y)
        self.cell(TABLE_WIDTH / 2, 4, f"{self.form.name_hi} | {self.section_heading}", align="L")
        self.set_xy(MARGIN + TABLE_WIDTH / 2, RUNNING_HEAD_Y)
        self.cell(TABLE_WIDTH / 2, 4, self.info.date_line, align="R")
        self.set_text_color(0)

    def footer(self) -> None:
        self.use_font(False, 6.5)
        self.set_text_color(60)
        self.set_draw_color(BORDER_GREY)
        self.line(MARGIN, FOOTER_Y - 0.6, PAGE_WIDTH - MARGIN, FOOTER_Y - 0.6)
        self.set_xy(MARGIN, FOOTER_Y)
        self.cell(TABLE_WIDTH - 25, 4, self.info.footer_line, align="L")
        self.set_xy(PAGE_WIDTH - MARGIN - 25, FOOTER_Y)
        self.cell(25, 4, f"पृष्ठ {self.page_no()} / {{nb}}", align="R")
        self.set_text_color(0)


@dataclass(frozen=True)
class _Layout:
    """Column widths and sizes, chosen once for the whole document so every page lines up."""

    size: float  # body and heading font size, pt
    widths: tuple[float, ...]  # mm
    heading_lines: tuple[tuple[str, ...], ...]
    heading_height: float
    number_row_height: float

    @property
    def line_height(self) -> float:
        return self.size * PT * LINE_SPACING


def _all_rows(sections: Sequence[Section]) -> list[PrintedRow]:
    return [printed for section in sections for block in section.blocks for printed in block.rows]


def _widest_word(pdf: _FormPdf, text: str, bold: bool, size: float) -> float:
    return max((pdf.text_width(word, bold, size) for word in text.split()), default=0.0)


def _choose_layout(pdf: _FormPdf, form: FormSpec, sections: Sequence[Section]) -> _Layout:
    """Pick the largest font size at which every number fits its column unbroken."""
    rows = _all_rows(sections)
    for size in BODY_SIZES:
        natural: list[float] = []
        minimum: list[float] = []
        for column in form.columns:
            heading_word = _widest_word(pdf, column.heading, True, size) + 2 * CELL_PAD_X
            if column.kind is Kind.TEXT:
                longest = max(
                    (pdf.text_width(row.unit_label, True, size) + row.depth * INDENT for row in rows), default=0.0
                )
                natural.append(longest + 2 * CELL_PAD_X)
                minimum.append(max(TEXT_MIN[column.kind], heading_word))
            elif column.kind is Kind.SUB_CATEGORY:
                longest = max((pdf.text_width(row.sub_category_label or "", True, size) for row in rows), default=0.0)
                natural.append(longest + 2 * CELL_PAD_X)
                minimum.append(max(TEXT_MIN[column.kind], heading_word))
            else:
                values = {(cell_text(column, row), row_is_bold(row)) for row in rows}
                longest = 0.0
                for text, bold in values:
                    width = _widest_word(pdf, text, bold, size) if text == TARGET_NOT_SET else pdf.text_width(
                        text, bold, size
                    )
                    longest = max(longest, width)
                width = max(longest + 2 * CELL_PAD_X, heading_word)
                natural.append(width)
                minimum.append(width)

        if sum(minimum) <= TABLE_WIDTH or size == BODY_SIZES[-1]:
            break

    widths = list(minimum)
    text_columns = [index for index, column in enumerate(form.columns) if column.kind in TEXT_MAX]
    spare = TABLE_WIDTH - sum(widths)
    for index in text_columns:  # let the name columns grow towards their natural width first
        kind = form.columns[index].kind
        grow = min(max(natural[index], widths[index]), TEXT_MAX[kind]) - widths[index]
        grow = max(0.0, min(grow, spare))
        widths[index] += grow
        spare -= grow
    number_columns = [index for index in range(len(widths)) if index not in text_columns]
    if spare > 0 and number_columns:
        share = spare / len(number_columns)
        for index in number_columns:
            widths[index] += share
    # NOTE: when even the smallest size overflows, the table runs past the right margin.

    line_height = size * PT * LINE_SPACING
    heading_lines = tuple(
        tuple(pdf.wrap(column.heading, widths[index] - 2 * CELL_PAD_X, True, size))
        for index, column in enumerate(form.columns)
    )
    heading_height = max(len(lines) for lines in heading_lines) * line_height + 2 * CELL_PAD_Y
    return _Layout(size, tuple(widths), heading_lines, heading_height, line_height + 2 * CELL_PAD_Y)


def _text_lines(pdf: _FormPdf, layout: _Layout, column: Column, printed: PrintedRow, width: float) -> list[str]:
    bold = row_is_bold(printed)
    if column.kind is Kind.TEXT:
        return pdf.wrap(printed.unit_label, width - 2 * CELL_PAD_X - printed.depth * INDENT, True, layout.size)
    if column.kind is Kind.SUB_CATEGORY:
        return pdf.wrap(printed.sub_category_label or "", width - 2 * CELL_PAD_X, bold, layout.size)
    text = cell_text(column, printed)
    if text == TARGET_NOT_SET:
        return pdf.wrap(text, width - 2 * CELL_PAD_X, bold, layout.size)
    return [text]


def _row_heights(pdf: _FormPdf, layout: _Layout, form: FormSpec, block: Block) -> list[float]:
    """Return each row's height; in Form 1 the last row grows if the shared unit name needs more room."""
    heights = []
    for printed in block.rows:
        lines = 1
        for index, column in enumerate(form.columns):
            if column.kind is Kind.TEXT and form.by_sub_category:
                continue
            lines = max(lines, len(_text_lines(pdf, layout, column, printed, layout.widths[index])))
        heights.append(lines * layout.line_height + 2 * CELL_PAD_Y)
    if form.by_sub_category:
        name_lines = _text_lines(pdf, layout, form.columns[0], block.rows[0], layout.widths[0])
        needed = len(name_lines) * layout.line_height + 2 * CELL_PAD_Y
        if needed > sum(heights):
            heights[-1] += needed - sum(heights)
    return heights


def _draw_lines(
    pdf: _FormPdf,
    layout: _Layout,
    lines: Sequence[str],
    x: float,
    y: float,
    width: float,
    height: float,
    align: str,
    bold: bool,
    top: bool = False,
) -> None:
    """Draw lines of shaped text in a cell box, centred vertically unless `top`."""
    pdf.use_font(bold, layout.size)
    block_height = len(lines) * layout.line_height
    line_y = y + CELL_PAD_Y if top else y + (height - block_height) / 2
    for line in lines:
        pdf.set_xy(x, line_y)
        pdf.cell(width, layout.line_height, line, align=align)
        line_y += layout.line_height


def _draw_number(pdf: _FormPdf, layout: _Layout, text: str, x: float, y: float, width: float, height: float,
                 bold: bool) -> None:
    """Draw a number right-aligned; digits need no shaping, so `text()` draws them directly."""
    pdf.use_font(bold, layout.size)
    text_x = x + width - CELL_PAD_X - pdf.text_width(text, bold, layout.size)
    baseline = y + height / 2 + 0.3 * layout.size * PT
    pdf.text(text_x, baseline, text)


def _draw_headings(pdf: _FormPdf, layout: _Layout, form: FormSpec, y: float) -> float:
    """Draw the heading row and the column-number row from `y`; return the y below them."""
    pdf.set_fill_color(*HEADING_FILL)
    pdf.set_draw_color(BORDER_GREY)
    pdf.set_line_width(0.15)
    x = MARGIN
    for index, column in enumerate(form.columns):
        width = layout.widths[index]
        pdf.rect(x, y, width, layout.heading_height, style="DF")
        _draw_lines(pdf, layout, layout.heading_lines[index], x + CELL_PAD_X, y, width - 2 * CELL_PAD_X,
                    layout.heading_height, "C", True)
        pdf.rect(x, y + layout.heading_height, width, layout.number_row_height, style="DF")
        pdf.use_font(False, layout.size)
        number = str(column.number)
        number_x = x + (width - pdf.text_width(number, False, layout.size)) / 2
        pdf.text(number_x, y + layout.heading_height + layout.number_row_height / 2 + 0.3 * layout.size * PT, number)
        x += width
    return y + layout.heading_height + layout.number_row_height


def _draw_block(pdf: _FormPdf, layout: _Layout, form: FormSpec, block: Block, heights: Sequence[float],
                y: float) -> float:
    """Draw one block from `y`; return the y below it."""
    pdf.set_draw_color(BORDER_GREY)
    row_y = y
    for printed, height in zip(block.rows, heights, strict=True):
        fill = row_fill(form, printed)
        bold = row_is_bold(printed)
        x = MARGIN
        for index, column in enumerate(form.columns):
            width = layout.widths[index]
            if column.kind is Kind.TEXT and form.by_sub_category:
                x += width
                continue  # the unit's name spans the block; drawn below
            if fill:
                pdf.set_fill_color(*_hex_to_rgb(fill))
                pdf.rect(x, row_y, width, height, style="DF")
            else:
                pdf.rect(x, row_y, width, height, style="D")
            if column.kind is Kind.TEXT:
                lines = _text_lines(pdf, layout, column, printed, width)
                indent = printed.depth * INDENT
                _draw_lines(pdf, layout, lines, x + CELL_PAD_X + indent, row_y, width - 2 * CELL_PAD_X - indent,
                            height, "L", bold)
            elif column.kind is Kind.SUB_CATEGORY:
                lines = _text_lines(pdf, layout, column, printed, width)
                _draw_lines(pdf, layout, lines, x + CELL_PAD_X, row_y, width - 2 * CELL_PAD_X, height, "L", bold)
            else:
                text = cell_text(column, printed)
                if text == TARGET_NOT_SET:
                    lines = _text_lines(pdf, layout, column, printed, width)
                    _draw_lines(pdf, layout, lines, x + CELL_PAD_X, row_y, width - 2 * CELL_PAD_X, height, "C",
                                bold)
                elif text:
                    _draw_number(pdf, layout, text, x, row_y, width, height, bold)
            x += width
        row_y += height

    if form.by_sub_category:
        first = block.rows[0]
        width = layout.widths[0]
        if first.style in (RowStyle.GRAND_TOTAL, RowStyle.GRAND_TOTAL_PART):
            pdf.set_fill_color(*_hex_to_rgb(row_fill(form, first) or "#FFFFFF"))
            pdf.rect(MARGIN, y, width, row_y - y, style="DF")
        else:
            pdf.rect(MARGIN, y, width, row_y - y, style="D")
        lines = _text_lines(pdf, layout, form.columns[0], first, width)
        indent = first.depth * INDENT
        _draw_lines(pdf, layout, lines, MARGIN + CELL_PAD_X + indent, y, width - 2 * CELL_PAD_X - indent,
                    row_y - y, "L", True, top=True)
    return row_y


def _draw_title(pdf: _FormPdf, form: FormSpec, info: ReleaseInfo, section: Section) -> float:
    """Draw the section's title block on its first page; return the y below it."""
    pdf.set_xy(MARGIN, MARGIN - 2)
    pdf.use_font(True, 10)
    pdf.cell(TABLE_WIDTH, 5, form.name_hi, align="R")
    y = MARGIN + 3
    pdf.use_font(True, 12)
    for line in pdf.wrap(form.title_hi, TABLE_WIDTH - 40, True, 12):
        pdf.set_xy(MARGIN, y)
        pdf.cell(TABLE_WIDTH, 6.5, line, align="C")
        y += 6.5
    pdf.use_font(False, 10)
    pdf.set_xy(MARGIN, y)
    pdf.cell(TABLE_WIDTH, 5.5, info.scheme_name_hi, align="C")
    y += 5.5
    pdf.use_font(True, 11)
    pdf.set_xy(MARGIN, y)
    pdf.cell(TABLE_WIDTH, 6, section.heading, align="C")
    y += 6
    pdf.use_font(True, 10)
    if info.revised:
        pdf.set_text_color(*REVISED_COLOUR)
    pdf.set_xy(MARGIN, y)
    pdf.cell(TABLE_WIDTH, 5.5, info.date_line, align="C")
    pdf.set_text_color(0)
    return y + 5.5 + 2


def _start_page(pdf: _FormPdf, layout: _Layout, form: FormSpec, info: ReleaseInfo, section: Section,
                first: bool) -> float:
    pdf.section_first_page = first
    pdf.section_heading = section.heading
    pdf.add_page()
    top = _draw_title(pdf, form, info, section) if first else MARGIN + 1
    return _draw_headings(pdf, layout, form, top)


def write_form_pdf(path: Path, form: FormSpec, info: ReleaseInfo, sections: Sequence[Section]) -> None:
    """Write the form's PDF copy to `path`; the same inputs always give the same bytes."""
    pdf = _FormPdf(form, info)
    pdf.set_title(f"{form.name_hi}: {form.title_hi}")
    pdf.set_subject(info.scheme_name_hi)
    pdf.set_author("samadhan")
    pdf.set_creator("samadhan")
    pdf.set_lang("hi")
    pdf.set_creation_date(info.document_timestamp().replace(tzinfo=IST))

    layout = _choose_layout(pdf, form, sections)
    for section in sections:
        y = _start_page(pdf, layout, form, info, section, first=True)
        for block in section.blocks:
            heights = _row_heights(pdf, layout, form, block)
            block_height = sum(heights)
            fits_on_fresh_page = block_height <= TABLE_BOTTOM - (MARGIN + 1 + layout.heading_height
                                                                  + layout.number_row_height)
            # NOTE: a block taller than a whole page (dozens of sub-categories) runs past the bottom margin.
            if y + block_height > TABLE_BOTTOM and fits_on_fresh_page:
                y = _start_page(pdf, layout, form, info, section, first=False)
            y = _draw_block(pdf, layout, form, block, heights, y)
    pdf.output(str(path))


def render_pdf_page(pdf: Path, page_index: int, png: Path, dpi: int = 150) -> Path:
    """Render one page of a PDF (0-based index) to a PNG at `dpi`, for tests and visual review.

    Needs pypdfium2, which is in the development dependencies.
    """
    try:
        import pypdfium2
    except ModuleNotFoundError as error:
        raise RuntimeError("render_pdf_page needs pypdfium2: install the development dependencies") from error
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        if not 0 <= page_index < len(document):
            raise IndexError(f"{pdf} has {len(document)} pages; page index {page_index} is out of range")
        page = document[page_index]
        image = page.render(scale=dpi / 72).to_pil()
        image.save(str(png))
        page.close()
    finally:
        document.close()
    return png


def page_count(pdf: Path) -> int:
    """Return the number of pages of a PDF (needs pypdfium2)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return len(document)
    finally:
        document.close()

