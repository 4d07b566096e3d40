"""The PDF people's copy of a form: landscape A4, a statewide summary and then one section per discom.

Each section starts on a new page with the full title. Every page repeats the column headings and
carries a running head, the release footer and its page number. Devanagari is shaped by HarfBuzz
(fpdf2 with uharfbuzz); numbers are Latin digits, right-aligned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta, timezone
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import PDFResourceType
from fpdf.fonts import TTFFont

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
LINE_SPACING = 1.4  # line height as a multiple of the font size; Devanagari needs room for matras
BASELINE_DROP = 0.3  # baseline below a line's middle, as a fraction of the font size (as fpdf2's cell)
CELL_PAD_X = 0.9
CELL_PAD_Y = 0.5
INDENT = 2.0  # mm per level
TEXT_MAX = {Kind.TEXT: 72.0, Kind.SUB_CATEGORY: 36.0}
TEXT_MIN = {Kind.TEXT: 36.0, Kind.SUB_CATEGORY: 18.0}
BORDER_GREY = 90
LINE_WIDTH = 0.15
HEADING_FILL = (221, 228, 238)
RUNNING_GREY = (64, 64, 64)
BLACK = (0, 0, 0)
CONTINUED = "क्रमशः:"  # "continued", before the parents of a page's first unit
REVISED_COLOUR = (156, 0, 6)
SHAPING_SIZE = 10.0  # pt handed to HarfBuzz; the result is scaled to the size drawn
TITLE_GAP = 2.0  # mm between the title block and the table


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


@dataclass(frozen=True)
class _ShapedText:
    """A text shaped once, measured for a 1 pt font: glyph advances scale linearly with the size.

    That holds for Noto Sans Devanagari, which has no tracking table and no optical-size axis.
    """

    width: float  # mm at 1 pt
    runs: tuple[tuple[float, float, str], ...]  # (dx, dy) in pt at 1 pt, and the encoded glyph codes


class _FormPdf(FPDF):
    """FPDF with the running head and footer of a form's copy, and a fast path for text.

    A state-wide copy draws hundreds of thousands of cells, and fpdf2's `cell()` shapes and lays out
    each text anew, which took most of a minute for Form 1. Here every text is shaped once per font,
    and its glyph runs are written straight into the page's content stream.
    """

    def __init__(self, form: FormSpec, info: ReleaseInfo) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.form = form
        self.info = info
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        for style, path in devanagari_font_styles().items():
            self.add_font(FONT_FAMILY, style, path)
            font = self.fonts[f"{FONT_FAMILY}{style}"]
            font.__class__ = ClusterMappedFont
        self.set_text_shaping(True)
        self._shaped: dict[tuple[str, bool], _ShapedText] = {}

    def _font(self, bold: bool) -> TTFFont:
        return self.fonts[f"{FONT_FAMILY}{'B' if bold else ''}"]  # type: ignore[return-value]

    def shaped(self, text: str, bold: bool) -> _ShapedText:
        """Shape a text once per font; Latin-only text is mapped glyph by glyph, unshaped."""
        key = (text, bold)
        found = self._shaped.get(key)
        if found is not None:
            return found
        font = self._font(bold)
        if text.isascii():
            codes = "".join(chr(font.subset.pick(ord(character))) for character in text)
            advance = sum(font.cw[ord(character)] for character in text) / 1000
            found = _ShapedText(advance * PT, ((0.0, 0.0, font.escape_text(codes)),))
        else:
            found = self._shape(font, text)
        self._shaped[key] = found
        return found

    def _shape(self, font: TTFFont, text: str) -> _ShapedText:
        """Turn HarfBuzz's glyphs into runs, placing a glyph on its own where it carries an offset."""
        scale = font.scale / 1000  # font units to points, at 1 pt
        runs: list[tuple[float, float, str]] = []
        run_x = run_y = 0.0
        pen_x = pen_y = 0.0
        codes = ""
        for glyph in font.shape_text(text, SHAPING_SIZE, self.text_shaping):
            if glyph["mapped_char"] is None:
                continue
            if glyph["x_offset"] != 0 or glyph["y_offset"] != 0:
                if codes:
                    runs.append((run_x, run_y, font.escape_text(codes)))
                    codes = ""
                run_x = pen_x + glyph["x_offset"] * scale
                run_y = pen_y + glyph["y_offset"] * scale
            codes += chr(glyph["mapped_char"])
            pen_x += glyph["x_advance"] * scale
            pen_y += glyph["y_advance"] * scale
            if glyph["force_positioning"]:
                runs.append((run_x, run_y, font.escape_text(codes)))
                codes = ""
                run_x, run_y = pen_x, pen_y
        if codes:
            runs.append((run_x, run_y, font.escape_text(codes)))
        return _ShapedText(pen_x * PT, tuple(runs))

    def text_width(self, text: str, bold: bool, size: float) -> float:
        return self.shaped(text, bold).width * size

    def draw_text(
        self, text: str, bold: bool, size: float, x: float, baseline: float, colour: tuple[int, int, int] = BLACK
    ) -> None:
        """Draw a shaped text with its origin at (x, baseline), in mm from the top left."""
        if not text:
            return
        shaped = self.shaped(text, bold)
        font = self._font(bold)
        origin_x = x / PT
        origin_y = (PAGE_HEIGHT - baseline) / PT
        red, green, blue = (channel / 255 for channel in colour)
        operators = [f"q {red:.3f} {green:.3f} {blue:.3f} rg BT /F{font.i} {size:.2f} Tf"]
        for dx, dy, encoded in shaped.runs:
            operators.append(f"1 0 0 1 {origin_x + dx * size:.2f} {origin_y + dy * size:.2f} Tm ({encoded}) Tj")
        operators.append("ET Q")
        self._write_operators(" ".join(operators), font)

    def draw_boxes(self, boxes: Sequence[tuple[float, float, float, float]], fill: tuple[int, int, int] | None) -> None:
        """Stroke the outlines of boxes (x, y, width, height in mm), filling them first if `fill` is given."""
        if not boxes:
            return
        paths = " ".join(
            f"{x / PT:.2f} {(PAGE_HEIGHT - y) / PT:.2f} {width / PT:.2f} {-height / PT:.2f} re"
            for x, y, width, height in boxes
        )
        if fill is None:
            self._write_operators(f"{paths} S", None)
        else:
            red, green, blue = (channel / 255 for channel in fill)
            self._write_operators(f"q {red:.3f} {green:.3f} {blue:.3f} rg {paths} B Q", None)

    def _write_operators(self, operators: str, font: TTFFont | None) -> None:
        # NOTE: uses fpdf2 2.8's private _out and _resource_catalog; the PDF tests fail if they change.
        if font is not None:
            self._resource_catalog.add(PDFResourceType.FONT, font.i, self.page)
        self._out(operators)

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

    def draw_running_head(self, section_heading: str, context: Sequence[str]) -> None:
        """Draw the small line at the top of a section's later pages: form, section, context and date.

        `context` names the parents of the page's first unit, so that a page starting deep in the
        hierarchy shows its place ("क्रमशः: लखनऊ क्षेत्र प्रथम / विद्युत वितरण मण्डल प्रथम").
        """
        baseline = RUNNING_HEAD_Y + 3
        head = f"{self.form.name_hi} | {section_heading}"
        if context:
            head += f" | {CONTINUED} {' / '.join(context)}"
        self.draw_text(head, False, 7, MARGIN, baseline, RUNNING_GREY)
        date_width = self.text_width(self.info.date_line, False, 7)
        self.draw_text(self.info.date_line, False, 7, PAGE_WIDTH - MARGIN - date_width, baseline, RUNNING_GREY)

    def draw_footer(self, page_number: int, page_total: int) -> None:
        """Draw the release footer and "पृष्ठ 3 / 12" at the bottom of the page."""
        self.set_draw_color(BORDER_GREY)
        self.set_line_width(LINE_WIDTH)
        self.line(MARGIN, FOOTER_Y - 0.6, PAGE_WIDTH - MARGIN, FOOTER_Y - 0.6)
        baseline = FOOTER_Y + 2.8
        self.draw_text(self.info.footer_line, False, 6.5, MARGIN, baseline, RUNNING_GREY)
        page_text = f"पृष्ठ {page_number} / {page_total}"
        page_width = self.text_width(page_text, False, 6.5)
        self.draw_text(page_text, False, 6.5, PAGE_WIDTH - MARGIN - page_width, baseline, RUNNING_GREY)


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

    def baseline(self, top: float, height: float) -> float:
        """Return the baseline that centres one line of text in a box from `top` of `height`."""
        return top + height / 2 + BASELINE_DROP * self.size * PT


def _all_rows(sections: Sequence[Section]) -> list[PrintedRow]:
    return [printed for section in sections for block in section.blocks for printed in block.rows]


def _widest_word(pdf: _FormPdf, text: str, bold: bool, size: float) -> float:
    return max((pdf.text_width(word, bold, size) for word in text.split()), default=0.0)


@dataclass(frozen=True)
class _ColumnTexts:
    """The distinct texts of each column, gathered once and measured at each candidate size.

    The texts keep the rows' order, never a set's: measuring a text first adds its glyphs to the
    embedded font, so a hash-dependent order would change the PDF's bytes from one run to the next.
    """

    unit_labels: tuple[tuple[str, int], ...]  # (label, depth)
    sub_category_labels: tuple[str, ...]
    numbers: tuple[tuple[tuple[str, bool], ...], ...]  # per column: (text, bold)

    @classmethod
    def gather(cls, form: FormSpec, rows: Sequence[PrintedRow]) -> _ColumnTexts:
        numbers = tuple(
            tuple(dict.fromkeys((cell_text(column, row), row_is_bold(row)) for row in rows))
            if column.kind not in TEXT_MAX
            else ()
            for column in form.columns
        )
        return cls(
            tuple(dict.fromkeys((row.unit_label, row.depth) for row in rows)),
            tuple(dict.fromkeys(row.sub_category_label or "" for row in rows)),
            numbers,
        )


def _column_widths(pdf: _FormPdf, form: FormSpec, texts: _ColumnTexts, size: float) -> tuple[list[float], list[float]]:
    """Return each column's natural (one-line) and minimum width at a font size.

    A number column must hold its longest number unbroken; "लक्ष्य निर्धारित नहीं" and headings may
    wrap at spaces. The name columns may wrap, down to a minimum.
    """
    natural: list[float] = []
    minimum: list[float] = []
    for index, column in enumerate(form.columns):
        heading_word = _widest_word(pdf, column.heading, True, size) + 2 * CELL_PAD_X
        if column.kind is Kind.TEXT:
            longest = max(
                (pdf.text_width(label, True, size) + depth * INDENT for label, depth in texts.unit_labels),
                default=0.0,
            )
            natural.append(longest + 2 * CELL_PAD_X)
            minimum.append(max(TEXT_MIN[column.kind], heading_word))
        elif column.kind is Kind.SUB_CATEGORY:
            longest = max((pdf.text_width(label, True, size) for label in texts.sub_category_labels), default=0.0)
            natural.append(longest + 2 * CELL_PAD_X)
            minimum.append(max(TEXT_MIN[column.kind], heading_word))
        else:
            longest = 0.0
            for text, bold in texts.numbers[index]:
                if text == TARGET_NOT_SET:
                    longest = max(longest, _widest_word(pdf, text, bold, size))
                else:
                    longest = max(longest, pdf.text_width(text, bold, size))
            width = max(longest + 2 * CELL_PAD_X, heading_word)
            natural.append(width)
            minimum.append(width)
    return natural, minimum


def _choose_layout(pdf: _FormPdf, form: FormSpec, sections: Sequence[Section]) -> _Layout:
    """Pick the largest font size at which every number fits its column unbroken.

    A size at which Form 1's sub-category labels also fit on one line is preferred, because a
    wrapped label doubles the height of every row.
    """
    texts = _ColumnTexts.gather(form, _all_rows(sections))

    def candidates():  # type: ignore[no-untyped-def]
        for size in BODY_SIZES:
            natural, minimum = _column_widths(pdf, form, texts, size)
            one_line = [
                natural[index] if column.kind is Kind.SUB_CATEGORY else minimum[index]
                for index, column in enumerate(form.columns)
            ]
            yield size, natural, one_line
        for size in BODY_SIZES:
            natural, minimum = _column_widths(pdf, form, texts, size)
            yield size, natural, minimum

    fallback = None
    for size, natural, widths in candidates():
        fallback = (size, natural, widths)
        if sum(widths) <= TABLE_WIDTH:
            break
    else:
        # NOTE: when even the smallest size overflows, the table runs past the right margin.
        size, natural, widths = fallback  # type: ignore[misc]

    widths = list(widths)
    spare = TABLE_WIDTH - sum(widths)
    # Spare width goes first to the sub-category labels, then to the unit names, then to the numbers.
    for kind in (Kind.SUB_CATEGORY, Kind.TEXT):
        for index, column in enumerate(form.columns):
            if column.kind is kind:
                grow = max(0.0, min(min(natural[index], TEXT_MAX[kind]) - widths[index], spare))
                widths[index] += grow
                spare -= grow
    number_columns = [index for index, column in enumerate(form.columns) if column.kind not in TEXT_MAX]
    if spare > 0 and number_columns:
        for index in number_columns:
            widths[index] += spare / len(number_columns)

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
            if column.kind in (Kind.TEXT, Kind.SUB_CATEGORY) or printed.row[column.field] is None:
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
    box: tuple[float, float, float, float],
    align: str,
    bold: bool,
    top: bool = False,
) -> None:
    """Draw lines of text inside a box (x, y, width, height), centred vertically unless `top`."""
    x, y, width, height = box
    block_height = len(lines) * layout.line_height
    line_top = y + CELL_PAD_Y if top else y + (height - block_height) / 2
    for line in lines:
        line_width = pdf.text_width(line, bold, layout.size)
        if align == "R":
            line_x = x + width - CELL_PAD_X - line_width
        elif align == "C":
            line_x = x + (width - line_width) / 2
        else:
            line_x = x + CELL_PAD_X
        pdf.draw_text(line, bold, layout.size, line_x, layout.baseline(line_top, layout.line_height))
        line_top += layout.line_height


def _draw_headings(pdf: _FormPdf, layout: _Layout, form: FormSpec, y: float) -> float:
    """Draw the heading row and the column-number row from `y`; return the y below them."""
    pdf.set_draw_color(BORDER_GREY)
    pdf.set_line_width(LINE_WIDTH)
    boxes = []
    x = MARGIN
    for width in layout.widths:
        boxes.append((x, y, width, layout.heading_height))
        boxes.append((x, y + layout.heading_height, width, layout.number_row_height))
        x += width
    pdf.draw_boxes(boxes, HEADING_FILL)

    x = MARGIN
    number_top = y + layout.heading_height
    for index, column in enumerate(form.columns):
        width = layout.widths[index]
        _draw_lines(pdf, layout, layout.heading_lines[index], (x, y, width, layout.heading_height), "C", True)
        _draw_lines(pdf, layout, [str(column.number)], (x, number_top, width, layout.number_row_height), "C", False)
        x += width
    return number_top + layout.number_row_height


def _draw_row_cells(
    pdf: _FormPdf, layout: _Layout, form: FormSpec, printed: PrintedRow, top: float, height: float
) -> None:
    """Draw the texts of one row; in Form 1 the unit's name is drawn once for the block instead."""
    bold = row_is_bold(printed)
    x = MARGIN
    for index, column in enumerate(form.columns):
        width = layout.widths[index]
        box = (x, top, width, height)
        x += width
        if column.kind is Kind.TEXT:
            if not form.by_sub_category:
                indent = printed.depth * INDENT
                lines = _text_lines(pdf, layout, column, printed, width)
                _draw_lines(pdf, layout, lines, (box[0] + indent, top, width - indent, height), "L", bold)
        elif column.kind is Kind.SUB_CATEGORY:
            _draw_lines(pdf, layout, _text_lines(pdf, layout, column, printed, width), box, "L", bold)
        else:
            text = cell_text(column, printed)
            if text == TARGET_NOT_SET:
                _draw_lines(pdf, layout, _text_lines(pdf, layout, column, printed, width), box, "C", bold)
            elif text:
                _draw_lines(pdf, layout, [text], box, "R", bold)


def _draw_block(
    pdf: _FormPdf, layout: _Layout, form: FormSpec, block: Block, heights: Sequence[float], y: float
) -> float:
    """Draw one block from `y`; return the y below it."""
    shares_name = form.by_sub_category
    first_column = 1 if shares_name else 0
    left = MARGIN + sum(layout.widths[:first_column])

    row_top = y
    for printed, height in zip(block.rows, heights, strict=True):
        boxes = []
        x = left
        for width in layout.widths[first_column:]:
            boxes.append((x, row_top, width, height))
            x += width
        fill = row_fill(form, printed)
        pdf.draw_boxes(boxes, _hex_to_rgb(fill) if fill else None)
        _draw_row_cells(pdf, layout, form, printed, row_top, height)
        row_top += height

    if shares_name:
        first = block.rows[0]
        name_box = (MARGIN, y, layout.widths[0], row_top - y)
        grand_total = first.style in (RowStyle.GRAND_TOTAL, RowStyle.GRAND_TOTAL_PART)
        fill = row_fill(form, first) if grand_total else None
        pdf.draw_boxes([name_box], _hex_to_rgb(fill) if fill else None)
        indent = first.depth * INDENT
        lines = _text_lines(pdf, layout, form.columns[0], first, layout.widths[0])
        _draw_lines(
            pdf, layout, lines, (MARGIN + indent, y, layout.widths[0] - indent, row_top - y), "L", True, top=True
        )
    return row_top


@dataclass(frozen=True)
class _TitleLine:
    text: str
    bold: bool
    size: float  # pt
    height: float  # mm
    align: str
    colour: tuple[int, int, int] = BLACK


def _title_lines(pdf: _FormPdf, form: FormSpec, info: ReleaseInfo, section: Section) -> list[_TitleLine]:
    """Return the title block of a section's first page: form name, title, scheme, section, date."""
    lines = [_TitleLine(form.name_hi, True, 10, 5.0, "R")]
    lines += [_TitleLine(line, True, 12, 6.5, "C") for line in pdf.wrap(form.title_hi, TABLE_WIDTH - 40, True, 12)]
    lines.append(_TitleLine(info.scheme_name_hi, False, 10, 5.5, "C"))
    lines.append(_TitleLine(section.heading, True, 11, 6.0, "C"))
    lines.append(_TitleLine(info.date_line, True, 10, 5.5, "C", REVISED_COLOUR if info.revised else BLACK))
    return lines


def _title_height(pdf: _FormPdf, form: FormSpec, info: ReleaseInfo, section: Section) -> float:
    """Return the y below a section's title block."""
    return MARGIN - 2 + sum(line.height for line in _title_lines(pdf, form, info, section)) + TITLE_GAP


def _draw_title(pdf: _FormPdf, form: FormSpec, info: ReleaseInfo, section: Section) -> float:
    """Draw the section's title block on its first page; return the y below it."""
    top = MARGIN - 2
    for line in _title_lines(pdf, form, info, section):
        width = pdf.text_width(line.text, line.bold, line.size)
        x = PAGE_WIDTH - MARGIN - width if line.align == "R" else (PAGE_WIDTH - width) / 2
        baseline = top + line.height / 2 + BASELINE_DROP * line.size * PT
        pdf.draw_text(line.text, line.bold, line.size, x, baseline, line.colour)
        top += line.height
    return top + TITLE_GAP


@dataclass(frozen=True)
class _Page:
    """One page: its section, whether it opens the section, and its blocks with their row heights."""

    section: Section
    opens_section: bool
    blocks: tuple[tuple[Block, tuple[float, ...]], ...]
    context: tuple[str, ...]  # names of the parents of the first unit, for the running head


def _paginate(
    pdf: _FormPdf, layout: _Layout, form: FormSpec, info: ReleaseInfo, sections: Sequence[Section]
) -> list[_Page]:
    """Split each section into pages; a block never breaks across pages and a section opens a page."""
    table_top = MARGIN + 1 + layout.heading_height + layout.number_row_height
    room_on_later_page = TABLE_BOTTOM - table_top
    pages: list[_Page] = []
    for section in sections:
        opens_section = True
        current: list[tuple[Block, tuple[float, ...]]] = []
        context: tuple[str, ...] = ()
        parents: dict[int, str] = {}  # the latest unit at each depth, while walking depth-first
        y = _title_height(pdf, form, info, section) + layout.heading_height + layout.number_row_height
        for block in section.blocks:
            heights = tuple(_row_heights(pdf, layout, form, block))
            # NOTE: a block taller than a whole page (dozens of sub-categories) runs past the bottom margin.
            if current and y + sum(heights) > TABLE_BOTTOM and sum(heights) <= room_on_later_page:
                pages.append(_Page(section, opens_section, tuple(current), context))
                opens_section, current, y = False, [], table_top
                context = tuple(
                    label
                    for depth, label in sorted(parents.items())
                    if depth < block.depth and label != section.heading
                )
            current.append((block, heights))
            y += sum(heights)
            parents = {depth: label for depth, label in parents.items() if depth < block.depth}
            parents[block.depth] = block.unit_label
        pages.append(_Page(section, opens_section, tuple(current), context))
    return pages


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
    pages = _paginate(pdf, layout, form, info, sections)
    for number, page in enumerate(pages, start=1):
        pdf.add_page()
        if page.opens_section:
            top = _draw_title(pdf, form, info, page.section)
        else:
            pdf.draw_running_head(page.section.heading, page.context)
            top = MARGIN + 1
        y = _draw_headings(pdf, layout, form, top)
        for block, heights in page.blocks:
            y = _draw_block(pdf, layout, form, block, heights, y)
        pdf.draw_footer(number, len(pages))
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
