"""Released Form 1 and Form 2 as files: CSV (the table), XLSX and PDF (Hindi copies for headquarters)."""

from samadhan.reports.csv_copy import read_form_csv
from samadhan.reports.files import write_form_files
from samadhan.reports.fonts import FontNotFoundError, locate_devanagari_font
from samadhan.reports.formatting import format_count, format_indian
from samadhan.reports.forms import FORM1, FORM2, ReleaseInfo
from samadhan.reports.pdf_copy import render_pdf_page

__all__ = [
    "FORM1",
    "FORM2",
    "FontNotFoundError",
    "ReleaseInfo",
    "format_count",
    "format_indian",
    "locate_devanagari_font",
    "read_form_csv",
    "render_pdf_page",
    "write_form_files",
]
