"""A beat's notice bundle as a Hindi PDF: a cover sheet listing the notices for signatures, then one notice a page.

Portrait A4, Noto Sans Devanagari shaped by HarfBuzz (fpdf2 with uharfbuzz). Amounts use Indian digit
grouping with paise; abbreviations carry the zero mark (रु0, कि0वा0). The creation date is the notice
date at midnight IST, so the same bundle always gives the same bytes.

Text goes through the form PDFs' shaped-text path (`samadhan.reports.pdf_copy._FormPdf`). Each text
is shaped once per bundle and its glyphs are written straight into the page. fpdf2's own cells shape
and break every text anew, which was about ten times slower on a district's 45,000 notices.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

from samadhan.notices.bundles import BeatBundle, NoticeCopy
from samadhan.notices.register import OptionTerms
from samadhan.reports import pdf_copy
from samadhan.reports.fonts import ClusterMappedFont, devanagari_font_styles
from samadhan.reports.formatting import format_count, format_date_hi, format_indian
from samadhan.rules.model import format_number

IST = timezone(timedelta(hours=5, minutes=30))
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0  # A4 portrait, mm
MARGIN = 15.0
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
HEADING_FILL = pdf_copy.HEADING_FILL

RUPEE = "रु0"
LOAD_UNITS_HI = {"KW": "कि0वा0", "KVA": "के0वी0ए0", "BHP": "बी0एच0पी0"}
CATEGORIES_HI = {
    "LMV-1": "घरेलू",
    "LMV-2": "वाणिज्यिक",
    "LMV-4A": "सार्वजनिक संस्थान",
    "LMV-4B": "निजी संस्थान",
    "LMV-5": "निजी नलकूप",
    "LMV-6": "लघु एवं मध्यम शक्ति",
}
OPTIONS_HI = {"LUMPSUM": "एकमुश्त भुगतान", "INSTALMENT": "किश्तों में भुगतान"}
SIGNATURE_HEADING = "प्राप्तकर्ता के हस्ताक्षर / दिनांक"

# Cover sheet columns: heading and width in mm; the widths add up to TEXT_WIDTH.
COVER_COLUMNS = (
    ("क्र0सं0", 11.0),
    ("नोटिस सं0", 33.0),
    ("खाता सं0", 21.0),
    ("उपभोक्ता का नाम", 34.0),
    ("पता", 44.0),
    (SIGNATURE_HEADING, 37.0),
)
COVER_HEADING_ROW = 9.0
COVER_ROW_HEIGHT = 12.0  # room for a signature and a date
COVER_SIZE = 8.0  # pt
COVER_TABLE_TOP = MARGIN + 30.0
COVER_BOTTOM = PAGE_HEIGHT - MARGIN - 12.0  # room for the signature lines under the last row
BODY_SIZE = 10.5  # pt


def load_text(load: Decimal, unit: str) -> str:
    """Write a sanctioned load in the unit the billing system gives: "7.5 बी0एच0पी0", "2 कि0वा0"."""
    return f"{format_number(load)} {LOAD_UNITS_HI.get(unit, unit)}"


def category_text(category: str) -> str:
    label = CATEGORIES_HI.get(category)
    return f"{category} ({label})" if label else category


def rupees(amount: Decimal) -> str:
    return f"{RUPEE} {format_indian(amount)}"


def option_label(option: OptionTerms) -> tuple[str, str]:
    """Split a payment option's line into its words and its amount: ("एकमुश्त भुगतान: देय धनराशि रु0", "3,000.00")."""
    text = OPTIONS_HI.get(option.option, option.option)
    if option.option == "INSTALMENT":
        text += f" (अधिकतम {option.max_instalments} किश्तें)"
    return f"{text}: देय धनराशि {RUPEE}", format_indian(option.settlement)


def option_text(option: OptionTerms, notice: NoticeCopy) -> str:
    """Describe a payment option: "किश्तों में भुगतान (अधिकतम 6 किश्तें): देय धनराशि रु0 17,666.66"."""
    text = OPTIONS_HI.get(option.option, option.option)
    if option.option == "INSTALMENT":
        text += f" (अधिकतम {option.max_instalments} किश्तें)"
    text += f": देय धनराशि {rupees(option.settlement)}"
    if option.waiver != notice.waiver:
        text += f", छूट {rupees(option.waiver)} ({format_number(option.waiver_percent)}%)"
    return text


class _NoticePdf(pdf_copy._FormPdf):
    """The form PDFs' shaped-text drawing on portrait pages, with text placed by its line's top edge."""

    def __init__(self, bundle: BeatBundle) -> None:
        # The form's own constructor sets up a landscape form copy; only its font setup is wanted here.
        FPDF.__init__(self, orientation="P", unit="mm", format="A4")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        for style, path in devanagari_font_styles().items():
            self.add_font(pdf_copy.FONT_FAMILY, style, path)
            # Readers then extract the Devanagari text in logical order.
            self.fonts[f"{pdf_copy.FONT_FAMILY}{style}"].__class__ = ClusterMappedFont
        self.set_text_shaping(True)
        self._shaped = {}
        self.set_creation_date(datetime.combine(bundle.day, time(0, 0), tzinfo=IST))
        self.set_title(f"नोटिस: बीट {bundle.beat_name} ({bundle.beat_code}), {format_date_hi(bundle.day)}")
        self.set_subject(bundle.scheme_name_hi)
        self.set_author("samadhan")
        self.set_creator("samadhan")
        self.set_lang("hi")
        self.set_draw_color(pdf_copy.BORDER_GREY)
        self.set_line_width(pdf_copy.LINE_WIDTH)

    # NOTE: _FormPdf converts y with the landscape page height (210 mm); the shift below places text and
    # boxes on a 297 mm portrait page. The notice tests read the text back and fail if that changes.
    _SHIFT = PAGE_HEIGHT - pdf_copy.PAGE_HEIGHT

    @staticmethod
    def line_height(size: float) -> float:
        return size * pdf_copy.PT * pdf_copy.LINE_SPACING

    def put(self, text: str, x: float, top: float, size: float, bold: bool = False,
            align: str = "L", width: float = 0.0) -> float:
        """Draw one line of text whose line box starts at `top`; return the top of the next line."""
        height = self.line_height(size)
        if align != "L":
            text_width = self.text_width(text, bold, size)
            x = x + width - text_width if align == "R" else x + (width - text_width) / 2
        baseline = top + height / 2 + pdf_copy.BASELINE_DROP * size * pdf_copy.PT
        self.draw_text(text, bold, size, x, baseline - self._SHIFT)
        return top + height

    def put_after(self, first: str, second: str, x: float, top: float, size: float, bold: bool = False) -> float:
        """Draw `first`, a space, then `second` on one line; return the top of the next line."""
        self.put(first, x, top, size, bold)
        gap = self.text_width(first, bold, size) + self.text_width(" ", bold, size)
        return self.put(second, x + gap, top, size, bold)

    def paragraph(self, text: str, x: float, top: float, width: float, size: float, bold: bool = False,
                  max_lines: int | None = None) -> float:
        """Draw `text` wrapped at spaces to `width`; return the top of the line after it."""
        # Measuring the whole text first spares shaping each of its prefixes when it fits on one line.
        lines = [text] if self.text_width(text, bold, size) <= width else self.wrap(text, width, bold, size)
        if max_lines is not None and len(lines) > max_lines:
            lines = lines[:max_lines]
            last = lines[-1]
            while last and self.text_width(last + "…", bold, size) > width:
                last = last[:-1]
            lines[-1] = last.rstrip() + "…"
        for line in lines:
            top = self.put(line, x, top, size, bold)
        return top

    def boxes(
        self, boxes: Sequence[tuple[float, float, float, float]], fill: tuple[int, int, int] | None = None
    ) -> None:
        self.draw_boxes([(x, y - self._SHIFT, width, height) for x, y, width, height in boxes], fill)


def _cover_rows_per_page() -> int:
    return int((COVER_BOTTOM - COVER_TABLE_TOP - COVER_HEADING_ROW) // COVER_ROW_HEIGHT)


def _draw_cover_heading(pdf: _NoticePdf, bundle: BeatBundle, page: int, pages: int) -> None:
    top = pdf.put(bundle.scheme_name_hi, MARGIN, MARGIN, 11, True, "C", TEXT_WIDTH)
    top = pdf.put("नोटिस वितरण सूची (बीटवार)", MARGIN, top, 13, True, "C", TEXT_WIDTH)
    top = pdf.put(
        f"बीट: {bundle.beat_name} ({bundle.beat_code})    फीडर: {bundle.feeder_name}    "
        f"उपकेन्द्र: {bundle.substation_name}", MARGIN, top, 9, False, "C", TEXT_WIDTH,
    )
    pdf.put(
        f"उपखण्ड: {bundle.subdivision_name}    नोटिस दिनांक: {format_date_hi(bundle.day)}    "
        f"नोटिसों की संख्या: {format_count(len(bundle.notices))}    पृष्ठ {page}/{pages}",
        MARGIN, top, 9, False, "C", TEXT_WIDTH,
    )
    x = MARGIN
    pdf.boxes([(x + sum(width for _, width in COVER_COLUMNS[:index]), COVER_TABLE_TOP, width, COVER_HEADING_ROW)
               for index, (_, width) in enumerate(COVER_COLUMNS)], HEADING_FILL)
    for heading, width in COVER_COLUMNS:
        lines = pdf.wrap(heading, width - 2, True, COVER_SIZE)
        top = COVER_TABLE_TOP + (COVER_HEADING_ROW - len(lines) * pdf.line_height(COVER_SIZE)) / 2
        for line in lines:
            top = pdf.put(line, x, top, COVER_SIZE, True, "C", width)
        x += width


def draw_cover(pdf: _NoticePdf, bundle: BeatBundle) -> int:
    """Draw the cover sheet: the notices in walking order with a column for the recipient's signature.

    Returns the number of cover pages.
    """
    per_page = _cover_rows_per_page()
    pages = max(1, -(-len(bundle.notices) // per_page))
    for page in range(pages):
        pdf.add_page()
        _draw_cover_heading(pdf, bundle, page + 1, pages)
        top = COVER_TABLE_TOP + COVER_HEADING_ROW
        chunk = bundle.notices[page * per_page : (page + 1) * per_page]
        boxes = []
        for offset, notice in enumerate(chunk):
            x = MARGIN
            texts = (str(page * per_page + offset + 1), notice.notice_no, notice.account_no,
                     notice.consumer_name, notice.address, "")
            for (_heading, width), text in zip(COVER_COLUMNS, texts, strict=True):
                boxes.append((x, top, width, COVER_ROW_HEIGHT))
                if text:
                    pdf.paragraph(text, x + 1, top + 1, width - 2, COVER_SIZE, max_lines=2)
                x += width
            top += COVER_ROW_HEIGHT
        pdf.boxes(boxes)
    top += 5
    pdf.put("नोटिस प्राप्त करने वाले कर्मी के हस्ताक्षर: ____________________", MARGIN, top, 9)
    pdf.put("उपखण्ड अधिकारी के हस्ताक्षर: ____________________", MARGIN, top, 9, False, "R", TEXT_WIDTH)
    return pages


def _field(pdf: _NoticePdf, label: str, value: str, top: float, label_width: float = 42.0) -> float:
    pdf.put(label, MARGIN, top, BODY_SIZE, True)
    return pdf.paragraph(value or "-", MARGIN + label_width, top, TEXT_WIDTH - label_width, BODY_SIZE) + 0.8


def _amount_table(pdf: _NoticePdf, notice: NoticeCopy, top: float) -> float:
    rows = (
        ("विवरण", f"धनराशि ({RUPEE})", True),
        ("मूल बकाया", format_indian(notice.principal), False),
        ("विलम्बित भुगतान अधिभार (सरचार्ज)", format_indian(notice.lpsc), False),
        (f"योजना में छूट (सरचार्ज का {format_number(notice.waiver_percent)}%)", format_indian(notice.waiver), False),
        ("देय धनराशि (मूल बकाया + सरचार्ज - छूट)", format_indian(notice.settlement), True),
    )
    left, label_width, amount_width, height = MARGIN + 10, 110.0, 50.0, 8.0
    pdf.boxes([(left, top, label_width + amount_width, height)], HEADING_FILL)
    cells = []
    for index in range(len(rows)):
        row_top = top + index * height
        cells += [(left, row_top, label_width, height), (left + label_width, row_top, amount_width, height)]
    pdf.boxes(cells)
    text_offset = (height - pdf.line_height(BODY_SIZE)) / 2
    for label, amount, bold in rows:
        pdf.put(label, left + 2, top + text_offset, BODY_SIZE, bold)
        pdf.put(amount, left + label_width, top + text_offset, BODY_SIZE, bold, "R", amount_width - 2)
        top += height
    return top


def draw_notice(pdf: _NoticePdf, bundle: BeatBundle, notice: NoticeCopy) -> None:
    """Draw one notice on a page of its own."""
    pdf.add_page()
    top = pdf.put(f"कार्यालय उपखण्ड अधिकारी, {notice.subdivision_name}", MARGIN, MARGIN, 12, True, "C", TEXT_WIDTH)
    top = pdf.put(bundle.scheme_name_hi, MARGIN, top, 11, False, "C", TEXT_WIDTH)
    top = pdf.put("नोटिस: बकाया विद्युत बिल एवं छूट की सूचना", MARGIN, top + 1, 14, True, "C", TEXT_WIDTH) + 2
    # Labels and values are drawn apart, so that each label is shaped once per bundle.
    pdf.put_after("नोटिस सं0:", notice.notice_no, MARGIN, top, BODY_SIZE, True)
    top = pdf.put(f"दिनांक: {format_date_hi(bundle.day)}", MARGIN, top, BODY_SIZE, True, "R", TEXT_WIDTH)
    pdf.boxes([(MARGIN, top + 1, TEXT_WIDTH, 0)])
    top += 4

    top = _field(pdf, "खाता सं0:", notice.account_no, top)
    top = _field(pdf, "उपभोक्ता का नाम:", notice.consumer_name, top)
    if notice.guardian_name:
        top = _field(pdf, "पिता/पति का नाम:", notice.guardian_name, top)
    top = _field(pdf, "पता:", notice.address, top)
    top = _field(pdf, "श्रेणी:", category_text(notice.tariff_category), top)
    top = _field(pdf, "स्वीकृत भार:", load_text(notice.sanctioned_load, notice.load_unit), top)
    top = _field(pdf, "बीट:", f"{bundle.beat_name} ({bundle.beat_code})", top) + 3

    top = pdf.paragraph(
        f"आपको सूचित किया जाता है कि आपके विद्युत संयोजन पर निम्नलिखित धनराशि बकाया है। "
        f"{bundle.scheme_name_hi} के अन्तर्गत पंजीकरण कराकर भुगतान करने पर विलम्बित भुगतान अधिभार "
        f"(सरचार्ज) में नीचे दी गई छूट दी जायेगी।",
        MARGIN, top, TEXT_WIDTH, BODY_SIZE,
    ) + 3
    top = _amount_table(pdf, notice, top) + 4

    top = pdf.put("भुगतान के विकल्प:", MARGIN, top, BODY_SIZE, True)
    for number, option in enumerate(notice.options, start=1):
        if option.waiver == notice.waiver:
            label, amount = option_label(option)
            pdf.put_after(f"{number}. {label}", amount, MARGIN + 5, top, BODY_SIZE)
            top += pdf.line_height(BODY_SIZE)
        else:
            text = f"{number}. {option_text(option, notice)}"
            top = pdf.paragraph(text, MARGIN + 5, top, TEXT_WIDTH - 5, BODY_SIZE)
    top += 3
    top = _field(pdf, "योजना की अन्तिम तिथि:", format_date_hi(notice.last_date), top, 48)
    top = _field(pdf, "निकटतम शिविर:", f"{notice.camp_name} (योजना अवधि में प्रतिदिन)", top, 48) + 3
    pdf.paragraph(
        "पंजीकरण एवं भुगतान उपकेन्द्र पर लगने वाले शिविर, खण्ड/उपखण्ड कार्यालय के कैश काउण्टर, जन सेवा केन्द्र "
        "अथवा ऑनलाइन किया जा सकता है। अन्तिम तिथि के बाद योजना का लाभ देय नहीं होगा।",
        MARGIN, top, TEXT_WIDTH, 9.5,
    )

    signature_x, signature_width = MARGIN + TEXT_WIDTH / 2, TEXT_WIDTH / 2
    top = pdf.put(notice.sdo_name or "-", signature_x, 250.0, BODY_SIZE, False, "C", signature_width)
    top = pdf.put("उपखण्ड अधिकारी", signature_x, top, BODY_SIZE, True, "C", signature_width)
    pdf.put(notice.subdivision_name, signature_x, top, BODY_SIZE, False, "C", signature_width)


def write_bundle_pdf(path: Path, bundle: BeatBundle) -> Path:
    """Write the beat's bundle to `path` through a temporary file and a rename; the same bundle gives the same bytes."""
    pdf = _NoticePdf(bundle)
    draw_cover(pdf, bundle)
    for notice in bundle.notices:
        draw_notice(pdf, bundle, notice)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pdf.output(str(temporary))
    os.replace(temporary, path)
    return path
