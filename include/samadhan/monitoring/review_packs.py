"""Review packs: the CE's review of a zone down to division level on Tuesdays and Fridays, and discom
HQ's review of a discom down to circle level on Wednesdays and Saturdays.

Each pack is `review/<zone or discom code>.pdf` and `.xlsx` in Hindi: Form 1 for the pack's units, a
chart of registrations and collection since the scheme's start, the laggards, the officers with
repeated non-compliance, and the compliance lists. Packs read the `build` tables of the report date
(so they are written before the release copies them) and `int.int_unit_progress_history` for the
chart. Files carry fixed creation dates, so a rerun on the same data writes the same bytes.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import xlsxwriter
from fpdf import FPDF
from fpdf.fonts import FontFace

from samadhan.reports.fonts import devanagari_font_styles
from samadhan.reports.formatting import format_count, format_date_hi, format_indian
from samadhan.warehouse import connect

log = logging.getLogger(__name__)

# datetime.weekday(): Monday is 0.
ZONE_REVIEW_WEEKDAYS = (1, 4)  # Tuesday, Friday
DISCOM_REVIEW_WEEKDAYS = (2, 5)  # Wednesday, Saturday

# The levels each kind of pack shows, from the top.
PACK_LEVELS = {
    "ZONE": ("ZONE", "CIRCLE", "DIVISION"),
    "DISCOM": ("DISCOM", "ZONE", "CIRCLE"),
}
LEVEL_HI = {
    "DISCOM": "डिस्काम", "ZONE": "क्षेत्र", "CIRCLE": "मण्डल", "DIVISION": "खण्ड", "SUBDIVISION": "उपखण्ड",
    "SUBSTATION": "उपकेन्द्र", "FEEDER": "फीडर", "BEAT": "बीट",
}
VIOLATION_HI = {
    "NO_CAMP": "शिविर नहीं लगा",
    "NO_CE_VISIT": "मुख्य अभियन्ता ने शिविर का भ्रमण नहीं किया",
    "NO_EE_VISIT": "अधिशासी अभियन्ता ने उपखण्ड का भ्रमण नहीं किया",
    "NO_TARGET": "लक्ष्य निर्धारित नहीं",
    "REVISION_NOT_DECIDED": "बिल संशोधन समय से नहीं",
    "REVISED_BILL_NOT_SENT_BY_SMS": "संशोधित बिल एस0एम0एस0 से नहीं भेजा",
    "REVISED_BILL_NOT_PUBLISHED": "संशोधित बिल वेबसाइट पर नहीं",
}
# Rows of each list (laggards, officers, compliance) that a pack's PDF prints. The XLSX has them all.
# A zone of a tenth-of-the-state run had about 2,000 missing beat targets, 60 pages in the PDF.
PDF_MAX_LIST_ROWS = 150
# Packs rendered at once, one process each.
PACK_WORKERS = 2
# Heading and chart drawn 220 mm wide from a 9 x 3.2 inch figure, in mm.
CHART_BLOCK_HEIGHT = 8 + 220 * 3.2 / 9

COMPLIANCE_TABLES = (
    "fct_compliance_daily_camps", "fct_compliance_ce_visits", "fct_compliance_ee_visits",
    "fct_compliance_targets", "fct_compliance_bill_revisions",
)

FORM1_HEADINGS = (
    "इकाई", "उपश्रेणी", "बकायेदार", "लक्ष्य (उपभोक्ता)", "पंजीकृत", "उपलब्धि %", "लक्ष्य (रु0)", "जमा धनराशि (रु0)",
    "उपलब्धि %", "स्थान",
)
LAGGARD_HEADINGS = ("स्तर", "इकाई", "पंजीकृत उपलब्धि %", "जमा उपलब्धि %", "कब से", "दिन", "अधिकारी")
OFFICER_HEADINGS = ("अधिकारी", "पद", "इकाई", "कुल चूक", "शिविर", "भ्रमण", "लक्ष्य", "बिल संशोधन")
COMPLIANCE_HEADINGS = ("दिनांक", "चूक", "स्तर", "इकाई", "अधिकारी")
# Column alignment in the PDF: counts, amounts and percentages to the right, text to the left.
FORM1_ALIGN = ("LEFT", "LEFT") + ("RIGHT",) * 8
LAGGARD_ALIGN = ("LEFT", "LEFT", "RIGHT", "RIGHT", "LEFT", "RIGHT", "LEFT")
OFFICER_ALIGN = ("LEFT", "LEFT", "LEFT") + ("RIGHT",) * 5
COMPLIANCE_ALIGN = ("LEFT",) * 5


def review_kind(day: date) -> str | None:
    """Return which packs `day` gets: "ZONE" on Tuesdays and Fridays, "DISCOM" on Wednesdays and
    Saturdays, None on other days."""
    if day.weekday() in ZONE_REVIEW_WEEKDAYS:
        return "ZONE"
    if day.weekday() in DISCOM_REVIEW_WEEKDAYS:
        return "DISCOM"
    return None


@dataclass
class ReviewPack:
    """The contents of one pack: the unit reviewed and its tables, already formatted as display text."""

    report_date: date
    unit_level: str
    unit_code: str
    unit_name: str
    scheme_name: str
    form1: list[tuple[str, ...]]
    laggards: list[tuple[str, ...]]
    officers: list[tuple[str, ...]]
    compliance: list[tuple[str, ...]]
    history: list[tuple[date, int, Decimal]]

    @property
    def title(self) -> str:
        return (
            f"{self.scheme_name}: {LEVEL_HI[self.unit_level]} {self.unit_name} की समीक्षा,"
            f" दिनांक {format_date_hi(self.report_date)}"
        )


def _rows(conn: psycopg.Connection, query: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    cursor = conn.execute(query, params)
    names = [column.name for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _amount(value: Decimal | None) -> str:
    return "" if value is None else format_indian(value)


def _count(value: int | None) -> str:
    return "" if value is None else format_count(value)


def _officer(row: dict[str, Any]) -> str:
    if row.get("staff_id") is None:
        return f"{row.get('post') or ''} (रिक्त)"
    return f"{row['staff_name']} ({row['post']}, {row['staff_id']})"


def _read_pack(conn: psycopg.Connection, report_date: date, kind: str, unit: dict[str, Any]) -> ReviewPack:
    scope_column = "zone_code" if kind == "ZONE" else "discom_code"
    code = unit["unit_code"]
    levels = list(PACK_LEVELS[kind])
    labels = dict(conn.execute("select sub_category, label_hi from rules.sub_categories").fetchall())
    labels["ALL"] = "योग"

    form1 = [
        (
            f"{LEVEL_HI[row['unit_level']]} {row['unit_name']}", labels.get(row["sub_category"], row["sub_category"]),
            _count(row["eligible_defaulters"]), _count(row["target_consumers"]) or "लक्ष्य निर्धारित नहीं",
            _count(row["registered_cum"]), _amount(row["registered_pct"]), _amount(row["target_amount"]),
            _amount(row["collected_cum"]), _amount(row["collected_pct"]), _count(row["rank_in_parent"]),
        )
        for row in _rows(
            conn,
            f"select form1.* from build.rpt_form1 as form1 join build.dim_unit as units"
            f" on units.unit_level = form1.unit_level and units.unit_code = form1.unit_code"
            f" left join rules.sub_categories as sub_categories on sub_categories.sub_category = form1.sub_category"
            f" where form1.report_date = %s and units.{scope_column} = %s and form1.unit_level = any(%s)"
            f" order by units.sort_path, form1.sub_category = 'ALL' desc, sub_categories.sort_order",
            (report_date, code, levels),
        )
    ]
    laggards = [
        (
            LEVEL_HI[row["unit_level"]], row["unit_name"], _amount(row["registered_pct"]),
            _amount(row["collected_pct"]), format_date_hi(row["laggard_since"]), str(row["days_running"]),
            _officer(row),
        )
        for row in _rows(
            conn,
            f"select * from build.fct_laggards where report_date = %s and {scope_column} = %s"
            f" and unit_level = any(%s) order by registered_pct, unit_level, unit_code",
            (report_date, code, levels),
        )
    ]
    officers = [
        (
            f"{row['staff_name']} ({row['staff_id']})", row["post"] or "",
            f"{LEVEL_HI.get(row['post_unit_level'], '')} {row['post_unit_code'] or ''}", str(row["violations"]),
            str(row["missed_camps"]), str(row["missed_ce_visits"] + row["missed_ee_visits"]),
            str(row["missing_targets"]), str(row["late_bill_revisions"]),
        )
        for row in _rows(
            conn,
            f"select * from build.fct_officer_noncompliance where report_date = %s and {scope_column} = %s"
            f" order by violations desc, staff_id",
            (report_date, code),
        )
    ]
    compliance_rows: list[dict[str, Any]] = []
    for table in COMPLIANCE_TABLES:
        compliance_rows += _rows(
            conn,
            f"select violation_date, violation, unit_level, unit_code, unit_name, staff_id, staff_name, post"
            f" from build.{table} where report_date = %s and {scope_column} = %s",
            (report_date, code),
        )
    compliance_rows.sort(key=lambda row: (row["violation_date"], row["violation"], row["unit_level"], row["unit_code"]))
    compliance = [
        (
            format_date_hi(row["violation_date"]), VIOLATION_HI[row["violation"]], LEVEL_HI[row["unit_level"]],
            f"{row['unit_name'] or ''} ({row['unit_code']})", _officer(row),
        )
        for row in compliance_rows
    ]
    history = [
        (row["report_date"], row["registered_cum"], row["collected_cum"])
        for row in _rows(
            conn,
            "select report_date, registered_cum, collected_cum from int.int_unit_progress_history"
            " where unit_level = %s and unit_code = %s and report_date <= %s order by report_date",
            (unit["unit_level"], code, report_date),
        )
    ]
    scheme_name = conn.execute("select name_hi from rules.scheme").fetchone()[0]
    return ReviewPack(
        report_date=report_date, unit_level=unit["unit_level"], unit_code=code, unit_name=unit["unit_name"],
        scheme_name=scheme_name, form1=form1, laggards=laggards, officers=officers, compliance=compliance,
        history=history,
    )


def progress_chart_png(history: Sequence[tuple[date, int, Decimal]]) -> bytes:
    """Draw registrations and collection (Rs lakh) by day as a PNG.

    The labels are Latin because matplotlib does not shape Devanagari.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9, 3.2), dpi=110)
    registrations_axis = figure.add_subplot(1, 1, 1)
    days = [day.strftime("%d.%m") for day, _, _ in history]
    registrations_axis.plot(days, [registered for _, registered, _ in history], color="#1f4e79", marker="o")
    registrations_axis.set_ylabel("Registrations", color="#1f4e79")
    collection_axis = registrations_axis.twinx()
    # Lakh rupees only for drawing; the tables carry the exact amounts.
    collection_axis.plot(
        days, [float(collected / Decimal(100000)) for _, _, collected in history], color="#c55a11", marker="s"
    )
    collection_axis.set_ylabel("Collection (Rs lakh)", color="#c55a11")
    registrations_axis.set_xlabel("Date")
    registrations_axis.grid(True, alpha=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


class _PackPdf(FPDF):
    def __init__(self, pack: ReviewPack) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.pack = pack
        for style, path in devanagari_font_styles().items():
            self.add_font("NotoSansDevanagari", style, path)
        self.set_text_shaping(True)
        self.set_auto_page_break(True, margin=12)
        self.set_creation_date(datetime.combine(pack.report_date, datetime.min.time()))
        self.set_title(pack.title)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("NotoSansDevanagari", "", 8)
        self.cell(0, 5, f"{self.pack.title} — पृष्ठ {self.page_no()}", align="C")


def _pdf_section(pdf: _PackPdf, heading: str, headings: Sequence[str], rows: Sequence[Sequence[str]],
                 widths: Sequence[int], align: Sequence[str], max_rows: int | None = None) -> None:
    """Draw one titled table. Past `max_rows` rows, a last line gives how many more the workbook has."""
    pdf.set_font("NotoSansDevanagari", "B", 11)
    pdf.cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
    if not rows:
        pdf.set_font("NotoSansDevanagari", "", 9)
        pdf.cell(0, 6, "कोई नहीं", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        return
    printed_rows = rows if max_rows is None else rows[:max_rows]
    pdf.set_font("NotoSansDevanagari", "", 8)
    with pdf.table(
        col_widths=widths, line_height=5, headings_style=FontFace(emphasis="BOLD", fill_color=(221, 235, 247)),
        text_align=tuple(align),
    ) as table:
        table.row(headings)
        for values in printed_rows:
            table.row(values)
    if len(rows) > len(printed_rows):
        pdf.set_font("NotoSansDevanagari", "", 9)
        pdf.cell(0, 6, more_rows_note(len(rows) - len(printed_rows)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def more_rows_note(hidden: int) -> str:
    """Return the line under a cut PDF table that points to the workbook's full list."""
    return f"… {format_count(hidden)} और पंक्तियाँ: पूरी सूची इसी पैक की एक्सेल फाइल (XLSX) में है।"


def write_pack_pdf(path: Path, pack: ReviewPack) -> None:
    """Write the pack's PDF: title, Form 1, chart, laggards, officers and compliance lists."""
    pdf = _PackPdf(pack)
    pdf.add_page()
    pdf.set_font("NotoSansDevanagari", "B", 13)
    pdf.multi_cell(0, 7, pack.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _pdf_section(pdf, "प्रारूप-1: लक्ष्य के सापेक्ष प्रगति", FORM1_HEADINGS, pack.form1,
                 (52, 34, 20, 24, 20, 18, 30, 32, 18, 14), FORM1_ALIGN)
    if pdf.get_y() + CHART_BLOCK_HEIGHT > pdf.h - pdf.b_margin:
        pdf.add_page()  # keep the chart's heading with the chart
    pdf.set_font("NotoSansDevanagari", "B", 11)
    pdf.cell(0, 8, "योजना प्रारम्भ से पंजीकरण एवं जमा धनराशि", new_x="LMARGIN", new_y="NEXT")
    pdf.image(io.BytesIO(progress_chart_png(pack.history)), w=220)
    pdf.ln(3)
    _pdf_section(pdf, "पिछड़ी इकाइयाँ", LAGGARD_HEADINGS, pack.laggards, (24, 50, 30, 30, 26, 14, 80),
                 LAGGARD_ALIGN, PDF_MAX_LIST_ROWS)
    _pdf_section(pdf, "बार-बार चूक करने वाले अधिकारी", OFFICER_HEADINGS, pack.officers,
                 (60, 24, 44, 22, 20, 20, 20, 26), OFFICER_ALIGN, PDF_MAX_LIST_ROWS)
    _pdf_section(pdf, "अनुपालन में चूक", COMPLIANCE_HEADINGS, pack.compliance, (24, 80, 24, 60, 86),
                 COMPLIANCE_ALIGN, PDF_MAX_LIST_ROWS)
    pdf.output(str(path))


def write_pack_xlsx(path: Path, pack: ReviewPack) -> None:
    """Write the pack's workbook: one sheet per table and one with the chart."""
    workbook = xlsxwriter.Workbook(str(path), {"in_memory": True})
    workbook.set_properties({"title": pack.title, "created": datetime.combine(pack.report_date, datetime.min.time())})
    bold = workbook.add_format({"bold": True, "font_name": "Nirmala UI", "bg_color": "#DDEBF7", "border": 1})
    plain = workbook.add_format({"font_name": "Nirmala UI", "border": 1})
    title = workbook.add_format({"bold": True, "font_name": "Nirmala UI", "font_size": 13})
    sheets = (
        ("प्रारूप-1", FORM1_HEADINGS, pack.form1),
        ("पिछड़ी इकाइयाँ", LAGGARD_HEADINGS, pack.laggards),
        ("चूक करने वाले अधिकारी", OFFICER_HEADINGS, pack.officers),
        ("अनुपालन", COMPLIANCE_HEADINGS, pack.compliance),
    )
    for name, headings, rows in sheets:
        sheet = workbook.add_worksheet(name)
        sheet.write(0, 0, pack.title, title)
        sheet.write_row(2, 0, headings, bold)
        for offset, values in enumerate(rows):
            sheet.write_row(3 + offset, 0, values, plain)
        for column, heading in enumerate(headings):
            width = max([len(heading), *(len(values[column]) for values in rows)]) + 2
            sheet.set_column(column, column, min(width, 60))
    chart_sheet = workbook.add_worksheet("चार्ट")
    chart_sheet.write(0, 0, pack.title, title)
    chart_sheet.insert_image(2, 0, "progress.png", {"image_data": io.BytesIO(progress_chart_png(pack.history))})
    workbook.close()


def _write_pack(folder: Path, pack: ReviewPack) -> list[Path]:
    pdf_path = folder / f"{pack.unit_code}.pdf"
    xlsx_path = folder / f"{pack.unit_code}.xlsx"
    write_pack_pdf(pdf_path, pack)
    write_pack_xlsx(xlsx_path, pack)
    return [pdf_path, xlsx_path]


def write_review_packs(day: date, out_dir: Path) -> list[Path]:
    """Write the day's review packs into `out_dir/review/`; return the files written (none on days
    without a review)."""
    kind = review_kind(day)
    if kind is None:
        return []
    folder = out_dir / "review"
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with connect() as conn, ProcessPoolExecutor(max_workers=PACK_WORKERS) as pool:
        units = _rows(
            conn,
            "select unit_level, unit_code, unit_name from build.dim_unit where unit_level = %s order by unit_code",
            (kind,),
        )
        # Packs are read here, one at a time, and drawn in the pool while the next one is read.
        futures = []
        for unit in units:
            pack = _read_pack(conn, day, kind, unit)
            futures.append(pool.submit(_write_pack, folder, pack))
        for future in futures:
            written += future.result()
    log.info("%s review packs: %d %s packs written to %s", day.isoformat(), len(units), kind.lower(), folder)
    return written
