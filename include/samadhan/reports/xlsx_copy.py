"""The XLSX people's copy of a form: a statewide summary sheet and one sheet per discom.

Numbers are stored as numbers, so a reader can add them up, and each cell carries a number format
with literal commas for its own digit count, which shows Indian grouping in any locale.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from samadhan.reports.formatting import excel_indian_format, format_indian, integer_digit_count
from samadhan.reports.forms import TARGET_NOT_SET, Column, FormSpec, Kind, ReleaseInfo
from samadhan.reports.sections import Block, PrintedRow, RowStyle, Section, row_fill, row_is_bold

IST = timezone(timedelta(hours=5, minutes=30))

# Excel shows at most 15 significant digits of a number; with paise that covers amounts below
# 10^13 rupees. A larger amount is written as text so that no paisa is lost.
MAX_EXACT_AMOUNT = Decimal(10) ** 13

SUMMARY_SHEET_NAME = "प्रदेश सारांश"
MAX_SHEET_NAME = 31

# Column widths in Excel's character units, by kind of column.
WIDTHS = {
    Kind.TEXT: 34,
    Kind.SUB_CATEGORY: 22,
    Kind.COUNT: 12,
    Kind.MONEY: 17,
    Kind.TARGET_COUNT: 12,
    Kind.TARGET_MONEY: 17,
    Kind.PERCENT: 10,
    Kind.RANK: 7,
}

TITLE_ROWS = 6  # form name, title, scheme, section heading, date, blank
HEADING_ROW = TITLE_ROWS
COLUMN_NUMBER_ROW = TITLE_ROWS + 1
FIRST_DATA_ROW = TITLE_ROWS + 2
HEADING_FILL = "#DDE4EE"
REVISED_COLOUR = "#9C0006"


# Abbreviations UPPCL's own orders use, tried in turn when a discom's name is too long for a sheet.
SHEET_NAME_ABBREVIATIONS = (("विद्युत वितरण निगम", "वि0वि0नि0"), ("लिमिटेड", "लि0"))


def _fit_sheet_name(text: str) -> str:
    """Shorten a name to Excel's 31 characters: first by abbreviation, then at a word boundary."""
    for long_form, short_form in SHEET_NAME_ABBREVIATIONS:
        if len(text) <= MAX_SHEET_NAME:
            return text
        text = text.replace(long_form, short_form)
    if len(text) <= MAX_SHEET_NAME:
        return text
    cut = text[: MAX_SHEET_NAME + 1].rsplit(" ", 1)[0]
    return (cut if 0 < len(cut) <= MAX_SHEET_NAME else text[:MAX_SHEET_NAME]).rstrip(" ,")


def sheet_names(sections: Sequence[Section]) -> list[str]:
    """Name each section's sheet: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    names: list[str] = []
    used_names: set[str] = set()
    for index, section in enumerate(sections):
        base = SUMMARY_SHEET_NAME if index == 0 else section.heading
        base = re.sub(r"[\[\]:*?/\\]", " ", base).strip().strip("'") or f"डिस्काम {index}"
        base = _fit_sheet_name(" ".join(base.split()))
        name, counter = base, 2
        while name.casefold() in used_names:
            suffix = f" ({counter})"
            name = base[: MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
            counter += 1
        used_names.add(name.casefold())
        names.append(name)
    return names


def _escape_header(text: str) -> str:
    return text.replace("&", "&&")


class _Formats:
    """Creates each distinct cell format once, so that a rerun adds formats in the same order."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self._workbook = workbook
        self._cache: dict[tuple[Any, ...], Format] = {}

    def get(self, **properties: Any) -> Format:
        key = tuple(sorted(properties.items()))
        found = self._cache.get(key)
        if found is None:
            found = self._workbook.add_format(properties)
            self._cache[key] = found
        return found

    def body(self, printed: PrintedRow | None, fill: str | None, **properties: Any) -> Format:
        base: dict[str, Any] = {"border": 1, "valign": "vcenter", "font_size": 10}
        if printed is not None and row_is_bold(printed):
            base["bold"] = True
        if fill:
            base["bg_color"] = fill
        base.update(properties)
        return self.get(**base)


def _number_format(column: Column, value: Decimal | int) -> str:
    if column.kind is Kind.RANK:
        return "0"
    places = 2 if column.kind in (Kind.MONEY, Kind.TARGET_MONEY, Kind.PERCENT) else 0
    return excel_indian_format(integer_digit_count(value, places), places)


def _write_value(
    sheet: Worksheet,
    formats: _Formats,
    row_index: int,
    col_index: int,
    column: Column,
    printed: PrintedRow,
    fill: str | None,
) -> None:
    value = printed.row[column.field]
    if value is None:
        if column.kind in (Kind.TARGET_COUNT, Kind.TARGET_MONEY):
            cell_format = formats.body(printed, fill, align="center", text_wrap=True, italic=True, font_size=9)
            sheet.write_string(row_index, col_index, TARGET_NOT_SET, cell_format)
        else:
            sheet.write_blank(row_index, col_index, None, formats.body(printed, fill))
        return
    if isinstance(value, Decimal) and abs(value) >= MAX_EXACT_AMOUNT:
        sheet.write_string(row_index, col_index, format_indian(value), formats.body(printed, fill, align="right"))
        return
    cell_format = formats.body(printed, fill, num_format=_number_format(column, value))
    # NOTE: Excel keeps numbers as binary doubles; below MAX_EXACT_AMOUNT a double still shows
    # every paisa, and the CSV copy keeps the exact decimal.
    number = float(value) if isinstance(value, Decimal) else value
    sheet.write_number(row_index, col_index, number, cell_format)


def _heading_height(form: FormSpec) -> float:
    lines = 1
    for column in form.columns:
        per_line = max(WIDTHS[column.kind] * 1.1, 4)
        lines = max(lines, math.ceil(len(column.heading) / per_line))
    return 15.0 * lines + 8


def _write_title(
    sheet: Worksheet, formats: _Formats, form: FormSpec, info: ReleaseInfo, section: Section, last_col: int
) -> None:
    sheet.merge_range(0, 0, 0, last_col, form.name_hi, formats.get(bold=True, align="right", font_size=11))
    title_format = formats.get(bold=True, align="center", valign="vcenter", text_wrap=True, font_size=13)
    sheet.merge_range(1, 0, 1, last_col, form.title_hi, title_format)
    sheet.set_row(1, 36)
    sheet.merge_range(2, 0, 2, last_col, info.scheme_name_hi, formats.get(align="center", font_size=11))
    sheet.merge_range(3, 0, 3, last_col, section.heading, formats.get(bold=True, align="center", font_size=12))
    date_properties: dict[str, Any] = {"bold": True, "align": "center", "font_size": 11}
    if info.revised:
        date_properties["font_color"] = REVISED_COLOUR
    sheet.merge_range(4, 0, 4, last_col, info.date_line, formats.get(**date_properties))


def _write_headings(sheet: Worksheet, formats: _Formats, form: FormSpec) -> None:
    heading_format = formats.get(
        bold=True, border=1, align="center", valign="vcenter", text_wrap=True, bg_color=HEADING_FILL, font_size=10
    )
    number_format = formats.get(border=1, align="center", valign="vcenter", bg_color=HEADING_FILL, font_size=9)
    for col_index, column in enumerate(form.columns):
        sheet.write_string(HEADING_ROW, col_index, column.heading, heading_format)
        sheet.write_number(COLUMN_NUMBER_ROW, col_index, column.number, number_format)
    sheet.set_row(HEADING_ROW, _heading_height(form))


def _write_block(sheet: Worksheet, formats: _Formats, form: FormSpec, block: Block, first_row: int) -> int:
    """Write one block's rows from `first_row` and return the next free row."""
    for offset, printed in enumerate(block.rows):
        row_index = first_row + offset
        fill = row_fill(form, printed)
        for col_index, column in enumerate(form.columns):
            if column.kind is Kind.TEXT:
                if form.by_sub_category:
                    continue  # written once for the whole block below
                # Rows get no fixed height, which leaves Excel or LibreOffice free to fit them to wrapped text.
                name_format = formats.body(printed, fill, indent=printed.depth, text_wrap=True)
                sheet.write_string(row_index, col_index, printed.unit_label, name_format)
            elif column.kind is Kind.SUB_CATEGORY:
                label_format = formats.body(printed, fill, text_wrap=True)
                sheet.write_string(row_index, col_index, printed.sub_category_label or "", label_format)
            else:
                _write_value(sheet, formats, row_index, col_index, column, printed, fill)

    last_row = first_row + len(block.rows) - 1
    if form.by_sub_category:
        first = block.rows[0]
        grand_total = first.style in (RowStyle.GRAND_TOTAL, RowStyle.GRAND_TOTAL_PART)
        fill = row_fill(form, first) if grand_total else None
        name_format = formats.body(None, fill, bold=True, indent=first.depth, valign="top", text_wrap=True)
        if last_row > first_row:
            sheet.merge_range(first_row, 0, last_row, 0, block.unit_label, name_format)
        else:
            sheet.write_string(first_row, 0, block.unit_label, name_format)
    return last_row + 1


def _write_sheet(
    workbook: xlsxwriter.Workbook,
    formats: _Formats,
    name: str,
    form: FormSpec,
    info: ReleaseInfo,
    section: Section,
) -> None:
    sheet = workbook.add_worksheet(name)
    last_col = len(form.columns) - 1
    for col_index, column in enumerate(form.columns):
        sheet.set_column(col_index, col_index, WIDTHS[column.kind])

    _write_title(sheet, formats, form, info, section, last_col)
    _write_headings(sheet, formats, form)
    row_index = FIRST_DATA_ROW
    for block in section.blocks:
        row_index = _write_block(sheet, formats, form, block, row_index)

    footer_row = row_index + 1
    footer_format = formats.get(font_size=9, text_wrap=True, valign="top")
    sheet.merge_range(footer_row, 0, footer_row, last_col, info.footer_line, footer_format)
    sheet.set_row(footer_row, 30)

    sheet.freeze_panes(FIRST_DATA_ROW, 2 if form.by_sub_category else 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(HEADING_ROW, COLUMN_NUMBER_ROW)
    sheet.set_margins(left=0.3, right=0.3, top=0.6, bottom=0.6)
    running_head = _escape_header(f"{form.name_hi} | {section.heading}")
    sheet.set_header(f"&L&8{running_head}&R&8{_escape_header(info.date_line)}")
    sheet.set_footer("&L&7" + _escape_header(info.footer_line) + "&R&7पृष्ठ &P / &N")


def write_form_xlsx(path: Path, form: FormSpec, info: ReleaseInfo, sections: Sequence[Section]) -> None:
    """Write the form's XLSX copy to `path`: the summary sheet first, then one sheet per discom."""
    workbook = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    created = info.document_timestamp().replace(tzinfo=IST).astimezone(UTC)
    workbook.set_properties(
        {
            "title": f"{form.name_hi}: {form.title_hi}",
            "subject": info.scheme_name_hi,
            "author": "samadhan",
            "comments": info.footer_line,
            "created": created,
        }
    )
    formats = _Formats(workbook)
    for name, section in zip(sheet_names(sections), sections, strict=True):
        _write_sheet(workbook, formats, name, form, info, section)
    workbook.close()
