"""Form 1 and Form 2 written as CSV, XLSX and PDF, from small hand-built warehouse frames."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pypdfium2
import pytest

from samadhan.reports import (
    FORM1,
    FORM2,
    FontNotFoundError,
    ReleaseInfo,
    format_count,
    format_indian,
    locate_devanagari_font,
    read_form_csv,
    render_pdf_page,
    write_form_files,
)
from samadhan.reports.formatting import excel_indian_format
from samadhan.reports.xlsx_copy import sheet_names

REPORT_DATE = date(2021, 10, 25)
GENERATED_AT = "25-10-2021 23:41:07"

SUB_CATEGORY_LABELS = {
    "LMV1_UPTO_2KW": "घरेलू, 2 कि0वा0 तक",
    "LMV1_ABOVE_2KW": "घरेलू, 2 कि0वा0 से अधिक",
    "LMV2_UPTO_2KW": "वाणिज्यिक, 2 कि0वा0 तक",
    "LMV2_2_TO_5KW": "वाणिज्यिक, 2 से 5 कि0वा0",
    "LMV5": "निजी नलकूप",
}
SUB_CATEGORIES = list(SUB_CATEGORY_LABELS)

MVVNL_NAME = "मध्यांचल विद्युत वितरण निगम लि0"
PUVVNL_NAME = "पूर्वांचल विद्युत वितरण निगम लि0"
PUVVNL_SHEET = "पूर्वांचल वि0वि0नि0 लि0"  # the full name is longer than the 31 characters a sheet name may have

# (level, code, name, parent level, parent code, discom, sort_path)
UNITS = [
    ("DISCOM", "MVVNL", MVVNL_NAME, None, None, "MVVNL", "01"),
    ("ZONE", "LKO1", "लखनऊ क्षेत्र प्रथम", "DISCOM", "MVVNL", "MVVNL", "01.01"),
    ("CIRCLE", "C11", "विद्युत वितरण मण्डल प्रथम, लखनऊ", "ZONE", "LKO1", "MVVNL", "01.01.01"),
    ("DIVISION", "D111", "विद्युत वितरण खण्ड श्रीनगर", "CIRCLE", "C11", "MVVNL", "01.01.01.01"),
    ("SUBDIVISION", "S1111", "विद्युत वितरण उपखण्ड त्रिवेणीनगर", "DIVISION", "D111", "MVVNL", "01.01.01.01.01"),
    ("SUBSTATION", "SS1", "33/11 के0वी0 उपकेन्द्र इन्द्रानगर", "SUBDIVISION", "S1111", "MVVNL", "01.01.01.01.01.01"),
    ("SUBSTATION", "SS2", "33/11 के0वी0 उपकेन्द्र क्षेमपुर", "SUBDIVISION", "S1111", "MVVNL", "01.01.01.01.01.02"),
    ("FEEDER", "F1", "फीडर गोमती बैराज", "SUBSTATION", "SS1", "MVVNL", "01.01.01.01.01.01.01"),
    ("BEAT", "B1", "बीट संख्या सात", "FEEDER", "F1", "MVVNL", "01.01.01.01.01.01.01.01"),
    ("DISCOM", "PUVVNL", PUVVNL_NAME, None, None, "PUVVNL", "02"),
    ("ZONE", "VNS", "वाराणसी क्षेत्र", "DISCOM", "PUVVNL", "PUVVNL", "02.01"),
    ("CIRCLE", "C21", "विद्युत वितरण मण्डल वाराणसी", "ZONE", "VNS", "PUVVNL", "02.01.01"),
    ("DIVISION", "D211", "विद्युत वितरण खण्ड सारनाथ", "CIRCLE", "C21", "PUVVNL", "02.01.01.01"),
    ("SUBDIVISION", "S2111", "विद्युत वितरण उपखण्ड चौकाघाट", "DIVISION", "D211", "PUVVNL", "02.01.01.01.01"),
    ("SUBSTATION", "SS3", "33/11 के0वी0 उपकेन्द्र लहरतारा", "SUBDIVISION", "S2111", "PUVVNL", "02.01.01.01.01.01"),
]
NAMES = {code: name for _level, code, name, *_rest in UNITS}

FORM1_HEADINGS = [
    "इकाई",
    "उपश्रेणी",
    "कुल बकायेदार उपभोक्ता",
    "मूल बकाया (रु0)",
    "विलम्बित भुगतान अधिभार (रु0)",
    "लक्ष्य (उपभोक्ता)",
    "पंजीकृत उपभोक्ता (प्रगामी)",
    "लक्ष्य के सापेक्ष प्रतिशत",
    "पूर्ण भुगतान करने वाले उपभोक्ता (प्रगामी)",
    "राजस्व लक्ष्य (रु0)",
    "जमा धनराशि (प्रगामी) (रु0)",
    "राजस्व लक्ष्य के सापेक्ष प्रतिशत",
    "दी गई छूट (रु0)",
    "नोटिस तामील (प्रगामी)",
    "स्थान",
]
FORM2_HEADINGS = [
    "इकाई का नाम",
    "कुल बकायेदार उपभोक्ताओं की संख्या",
    "नोटिस तामील किये गये उपभोक्ताओं की प्रगामी संख्या",
    "आज आयोजित कैम्प",
    "आयोजित कैम्प (प्रगामी)",
    "आज पंजीकृत उपभोक्ता",
    "पंजीकृत उपभोक्ता (प्रगामी)",
    "आज पूर्ण भुगतान करने वाले उपभोक्ता",
    "पूर्ण भुगतान करने वाले उपभोक्ता (प्रगामी)",
    "आज जमा धनराशि (रु0)",
    "जमा धनराशि (प्रगामी) (रु0)",
]

FORM1_COLUMNS = [
    "report_date", "unit_level", "unit_code", "unit_name", "sub_category", "eligible_defaulters",
    "principal_arrears", "lpsc_arrears", "target_consumers", "registered_cum", "registered_pct",
    "fully_paid_cum", "target_amount", "collected_cum", "collected_pct", "waiver_granted_cum",
    "notices_served_cum", "rank_in_parent",
]  # fmt: skip
FORM2_COLUMNS = [
    "report_date", "unit_level", "unit_code", "unit_name", "eligible_defaulters", "notices_served_cum",
    "camps_today", "camps_cum", "registered_today", "registered_cum", "fully_paid_today", "fully_paid_cum",
    "collected_today", "collected_cum",
]  # fmt: skip

# The statewide total over all sub-categories, as the warehouse gives it.
FORM1_GRAND_TOTAL = {
    "eligible_defaulters": 1234567,
    "principal_arrears": Decimal("98765432109.75"),
    "lpsc_arrears": Decimal("1234567.50"),
    "target_consumers": None,
    "registered_cum": 23456,
    "registered_pct": None,
    "fully_paid_cum": 3456,
    "target_amount": None,
    "collected_cum": Decimal("123456789.05"),
    "collected_pct": None,
    "waiver_granted_cum": Decimal("0.00"),
    "notices_served_cum": 345678,
    "rank_in_parent": None,
}
FORM2_GRAND_TOTAL = {
    "eligible_defaulters": 1234567,
    "notices_served_cum": 345678,
    "camps_today": 3,
    "camps_cum": 27,
    "registered_today": 1520,
    "registered_cum": 23456,
    "fully_paid_today": 410,
    "fully_paid_cum": 3456,
    "collected_today": Decimal("-1500.00"),
    "collected_cum": Decimal("123456789.05"),
}


def form1_figures(unit_code: str, position: int, sub_index: int) -> dict[str, object]:
    """Invent distinct figures for one unit and sub-category; PUVVNL's tube wells (LMV5) have no target."""
    eligible = 1000 * (position + 1) + 37 * sub_index
    registered = 100 + 11 * position + sub_index
    no_target = unit_code in ("PUVVNL", "VNS", "C21", "D211", "S2111", "SS3") and sub_index == 4
    target_consumers = None if no_target else 400 + 10 * sub_index
    target_amount = None if no_target else Decimal(5000000 + 250000 * sub_index) + Decimal("0.50")
    collected = Decimal(1200000 + 3333 * position + 7 * sub_index) + Decimal("0.25")
    return {
        "eligible_defaulters": eligible,
        "principal_arrears": Decimal(12345678 + 1000 * position) + Decimal("0.90"),
        "lpsc_arrears": Decimal(2345678 + 10 * sub_index) + Decimal("0.10"),
        "target_consumers": target_consumers,
        "registered_cum": registered,
        "registered_pct": None if target_consumers is None else Decimal("25.13") + sub_index,
        "fully_paid_cum": 40 + sub_index,
        "target_amount": target_amount,
        "collected_cum": collected,
        "collected_pct": None if target_amount is None else Decimal("24.50") + sub_index,
        "waiver_granted_cum": Decimal(150000 + sub_index) + Decimal("0.05"),
        "notices_served_cum": 900 + position,
        "rank_in_parent": None if target_consumers is None else 1 + position % 2,
    }


def build_form1() -> pd.DataFrame:
    """Build Form 1's frame in a shuffled order, as a query might return it."""
    rows = []
    for position, (level, code, name, *_rest) in enumerate(UNITS):
        for sub_index, sub_category in enumerate([*SUB_CATEGORIES, "ALL"]):
            figures = form1_figures(code, position, min(sub_index, 4))
            rows.append(
                {
                    "report_date": REPORT_DATE,
                    "unit_level": level,
                    "unit_code": code,
                    "unit_name": name,
                    "sub_category": sub_category,
                    **figures,
                }  # fmt: skip
            )
    for sub_index, sub_category in enumerate(SUB_CATEGORIES):
        figures = form1_figures("ALL", 20, sub_index)
        rows.append(
            {
                "report_date": REPORT_DATE,
                "unit_level": "TOTAL",
                "unit_code": "ALL",
                "unit_name": "उत्तर प्रदेश",
                "sub_category": sub_category,
                **figures,
            }  # fmt: skip
        )
    rows.append(
        {
            "report_date": REPORT_DATE,
            "unit_level": "TOTAL",
            "unit_code": "ALL",
            "unit_name": "उत्तर प्रदेश",
            "sub_category": "ALL",
            **FORM1_GRAND_TOTAL,
        }  # fmt: skip
    )
    frame = pd.DataFrame(list(reversed(rows)), columns=FORM1_COLUMNS)
    for column in ("target_consumers", "rank_in_parent"):
        frame[column] = frame[column].astype("Int64")
    for column in ("principal_arrears", "lpsc_arrears", "registered_pct", "target_amount", "collected_cum",
                   "collected_pct", "waiver_granted_cum"):  # fmt: skip
        frame[column] = frame[column].astype(object)
    return frame


def build_form2(extra_substations: int = 0) -> pd.DataFrame:
    rows = []
    for position, (level, code, name, *_rest) in enumerate(UNITS):
        if level in ("FEEDER", "BEAT"):
            continue
        rows.append(
            {
                "report_date": REPORT_DATE,
                "unit_level": level,
                "unit_code": code,
                "unit_name": name,
                "eligible_defaulters": 5000 + position,
                "notices_served_cum": 4000 + position,
                "camps_today": 1,
                "camps_cum": 9 + position,
                "registered_today": 20 + position,
                "registered_cum": 300 + position,
                "fully_paid_today": 5 + position,
                "fully_paid_cum": 50 + position,
                "collected_today": Decimal(100000 + position) + Decimal("0.75"),
                "collected_cum": Decimal(1234567 + position) + Decimal("0.50"),
            }  # fmt: skip
        )
    for extra in range(extra_substations):
        rows.append({**rows[-1], "unit_code": f"SSX{extra:03d}", "unit_name": f"33/11 के0वी0 उपकेन्द्र नया {extra}"})
    rows.append(
        {
            "report_date": REPORT_DATE,
            "unit_level": "TOTAL",
            "unit_code": "ALL",
            "unit_name": "उत्तर प्रदेश",
            **FORM2_GRAND_TOTAL,
        }  # fmt: skip
    )
    frame = pd.DataFrame(rows, columns=FORM2_COLUMNS)
    for column in ("collected_today", "collected_cum"):
        frame[column] = frame[column].astype(object)
    return frame


def build_units(extra_substations: int = 0) -> pd.DataFrame:
    records = []
    for level, code, name, parent_level, parent_code, discom, sort_path in UNITS:
        parts = sort_path.split(".")
        records.append(
            {
                "unit_level": level,
                "unit_code": code,
                "unit_name": name,
                "parent_level": parent_level,
                "parent_code": parent_code,
                "discom_code": discom,
                "zone_code": None,
                "circle_code": None,
                "division_code": None,
                "subdivision_code": None,
                "sort_path": sort_path,
                "depth": len(parts),
            }  # fmt: skip
        )
    for extra in range(extra_substations):
        records.append(
            {
                **records[-1],
                "unit_code": f"SSX{extra:03d}",
                "unit_name": f"33/11 के0वी0 उपकेन्द्र नया {extra}",
                "sort_path": f"02.01.01.01.01.{extra + 2:02d}",
            }  # fmt: skip
        )
    return pd.DataFrame(records).drop(columns="depth")


def release_info(revised: bool = False) -> ReleaseInfo:
    return ReleaseInfo(
        report_date=REPORT_DATE,
        scheme_name_hi="एकमुश्त समाधान योजना 2021",
        dump_generated_at=GENERATED_AT,
        rows_quarantined=1234,
        revised=revised,
    )


def write_all(out_dir: Path, revised: bool = False) -> list[Path]:
    return write_form_files(out_dir, release_info(revised), build_form1(), build_form2(), build_units(),
                            dict(SUB_CATEGORY_LABELS))  # fmt: skip


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out_dir = tmp_path_factory.mktemp("forms")
    paths = write_all(out_dir)
    return {path.name: path for path in paths}


def pdf_text(path: Path) -> list[str]:
    """Extract each page's text, with runs of whitespace (line breaks inside a cell) as one space."""
    document = pypdfium2.PdfDocument(str(path))
    try:
        pages = [document[index].get_textpage().get_text_range() for index in range(len(document))]
    finally:
        document.close()
    return [" ".join(page.split()) for page in pages]


def sheet_rows(sheet) -> list[list[object]]:  # type: ignore[no-untyped-def]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def python_value(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, Decimal)):
        return value.item()
    return value


# Indian grouping


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("1234567.5"), "12,34,567.50"),
        (Decimal("0"), "0.00"),
        (Decimal("-1234.5"), "-1,234.50"),
        (Decimal("-12345678.9"), "-1,23,45,678.90"),
        (Decimal("100000"), "1,00,000.00"),
        (Decimal("999.999"), "1,000.00"),
        (Decimal("0.005"), "0.01"),
        (Decimal("-0.005"), "-0.01"),
        (Decimal("98765432109.75"), "98,76,54,32,109.75"),
        (Decimal("12.3"), "12.30"),
    ],
)
def test_format_indian_amounts(amount: Decimal, expected: str) -> None:
    assert format_indian(amount) == expected


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "0"),
        (999, "999"),
        (1000, "1,000"),
        (123456, "1,23,456"),
        (20000000, "2,00,00,000"),
        (-1234567, "-12,34,567"),
    ],
)
def test_format_count_groups(count: int, expected: str) -> None:
    assert format_count(count) == expected


def test_format_indian_rejects_float() -> None:
    with pytest.raises(TypeError, match="float"):
        format_indian(1234.5)  # type: ignore[arg-type]


def test_excel_indian_format_places_commas() -> None:
    assert excel_indian_format(7, 2) == "00\\,00\\,000.00;-00\\,00\\,000.00"
    assert excel_indian_format(3, 0) == "000;-000"
    assert excel_indian_format(8, 0) == "0\\,00\\,00\\,000;-0\\,00\\,00\\,000"


# The machine-readable copy


def test_write_returns_six_files(written: dict[str, Path]) -> None:
    assert sorted(written) == ["form1.csv", "form1.pdf", "form1.xlsx", "form2.csv", "form2.pdf", "form2.xlsx"]
    leftovers = [path.name for path in next(iter(written.values())).parent.iterdir() if path.name.startswith(".")]
    assert leftovers == []


def test_csv_round_trip_equals_frames(written: dict[str, Path]) -> None:
    cases = ((FORM1, build_form1(), written["form1.csv"]), (FORM2, build_form2(), written["form2.csv"]))
    for form, frame, path in cases:
        read_back = read_form_csv(path, form)
        assert list(read_back.columns) == list(frame.columns)
        expected_rows = {
            tuple(python_value(record[field]) for field in form.key_fields): {
                key: python_value(value) for key, value in record.items()
            }
            for record in frame.to_dict("records")
        }
        got = {tuple(record[field] for field in form.key_fields): record for record in read_back.to_dict("records")}
        assert got.keys() == expected_rows.keys()
        for key, record in expected_rows.items():
            assert got[key] == record, key


def test_csv_keeps_plain_decimals_and_empty_nulls(written: dict[str, Path]) -> None:
    lines = written["form1.csv"].read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(FORM1_COLUMNS)
    grand_total = lines[1 + len(SUB_CATEGORIES)]  # the statewide rows come first, the all-sub-categories row last
    assert grand_total == (
        "2021-10-25,TOTAL,ALL,उत्तर प्रदेश,ALL,1234567,98765432109.75,1234567.50,,23456,,3456,,123456789.05,,0.00,345678,"
    )


def test_csv_row_order(written: dict[str, Path]) -> None:
    frame = pd.read_csv(written["form1.csv"], dtype=str, keep_default_na=False)
    keys = list(zip(frame["unit_level"], frame["unit_code"], frame["sub_category"], strict=True))
    assert keys[:7] == [
        ("TOTAL", "ALL", "LMV1_UPTO_2KW"),
        ("TOTAL", "ALL", "LMV1_ABOVE_2KW"),
        ("TOTAL", "ALL", "LMV2_UPTO_2KW"),
        ("TOTAL", "ALL", "LMV2_2_TO_5KW"),
        ("TOTAL", "ALL", "LMV5"),
        ("TOTAL", "ALL", "ALL"),
        ("DISCOM", "MVVNL", "LMV1_UPTO_2KW"),
    ]
    units = list(dict.fromkeys(zip(frame["unit_level"], frame["unit_code"], strict=True)))
    assert units == [
        ("TOTAL", "ALL"), ("DISCOM", "MVVNL"), ("DISCOM", "PUVVNL"), ("ZONE", "LKO1"), ("ZONE", "VNS"),
        ("CIRCLE", "C11"), ("CIRCLE", "C21"), ("DIVISION", "D111"), ("DIVISION", "D211"),
        ("SUBDIVISION", "S1111"), ("SUBDIVISION", "S2111"), ("SUBSTATION", "SS1"), ("SUBSTATION", "SS2"),
        ("SUBSTATION", "SS3"), ("FEEDER", "F1"), ("BEAT", "B1"),
    ]  # fmt: skip


# The XLSX copies


def test_xlsx_has_summary_and_sheet_per_discom(written: dict[str, Path]) -> None:
    for name in ("form1.xlsx", "form2.xlsx"):
        workbook = openpyxl.load_workbook(written[name])
        assert workbook.sheetnames == ["प्रदेश सारांश", MVVNL_NAME, PUVVNL_SHEET]
        assert all(len(sheet) <= 31 for sheet in workbook.sheetnames)


def test_xlsx_headings_and_column_numbers(written: dict[str, Path]) -> None:
    for name, headings in (("form1.xlsx", FORM1_HEADINGS), ("form2.xlsx", FORM2_HEADINGS)):
        workbook = openpyxl.load_workbook(written[name])
        for sheet in workbook.worksheets:
            rows = sheet_rows(sheet)
            heading_row = next(index for index, row in enumerate(rows) if row[0] == headings[0])
            assert rows[heading_row] == headings, (name, sheet.title)
            assert rows[heading_row + 1] == list(range(1, len(headings) + 1)), (name, sheet.title)


def test_xlsx_title_block(written: dict[str, Path]) -> None:
    sheet = openpyxl.load_workbook(written["form2.xlsx"])[PUVVNL_SHEET]
    firsts = [row[0] for row in sheet_rows(sheet)[:5]]
    assert firsts == [
        "प्रारूप-2",
        "एकमुश्त समाधान योजना के अन्तर्गत प्रतिदिन आयोजित कैम्पों एवं पूर्ण भुगतान उपभोक्ताओं का उपकेन्द्रवार विवरण",
        "एकमुश्त समाधान योजना 2021",
        PUVVNL_NAME,
        "दिनांक: 25.10.2021",
    ]
    summary = openpyxl.load_workbook(written["form1.xlsx"])["प्रदेश सारांश"]
    assert sheet_rows(summary)[1][0] == ("एकमुश्त समाधान योजना के अन्तर्गत उपश्रेणीवार निर्धारित लक्ष्य के सापेक्ष प्रगति का विवरण")


def test_xlsx_form2_grand_total_row(written: dict[str, Path]) -> None:
    sheet = openpyxl.load_workbook(written["form2.xlsx"])["प्रदेश सारांश"]
    total_rows = [row for row in sheet.iter_rows() if row[0].value == "कुल योग"]
    assert len(total_rows) == 1
    cells = total_rows[0]
    values = [cell.value for cell in cells[1:]]
    assert values == [1234567, 345678, 3, 27, 1520, 23456, 410, 3456, -1500, 123456789.05]
    assert cells[0].font.bold
    assert cells[1].fill.fgColor.rgb.endswith("BFBFBF")
    assert cells[10].number_format == "00\\,00\\,00\\,000.00;-00\\,00\\,00\\,000.00"


def test_xlsx_form2_summary_holds_discoms_and_zones(written: dict[str, Path]) -> None:
    sheet = openpyxl.load_workbook(written["form2.xlsx"])["प्रदेश सारांश"]
    names = [row[0] for row in sheet_rows(sheet)[8:] if row[1] is not None]
    assert names == [MVVNL_NAME, "लखनऊ क्षेत्र प्रथम", PUVVNL_NAME, "वाराणसी क्षेत्र", "कुल योग"]


def test_xlsx_form2_discom_sheet_lists_substations(written: dict[str, Path]) -> None:
    sheet = openpyxl.load_workbook(written["form2.xlsx"])[MVVNL_NAME]
    names = [row[0] for row in sheet_rows(sheet)[8:] if row[1] is not None]
    assert names == [NAMES[code] for code in ("MVVNL", "LKO1", "C11", "D111", "S1111", "SS1", "SS2")]
    substation = next(row for row in sheet.iter_rows() if row[0].value == NAMES["SS1"])
    subdivision = next(row for row in sheet.iter_rows() if row[0].value == NAMES["S1111"])
    assert not substation[0].font.bold
    assert subdivision[0].font.bold
    assert subdivision[0].alignment.indent == 4


def test_xlsx_form1_grand_total_block(written: dict[str, Path]) -> None:
    sheet = openpyxl.load_workbook(written["form1.xlsx"])["प्रदेश सारांश"]
    merged = next(area for area in sheet.merged_cells.ranges if sheet.cell(area.min_row, 1).value == "कुल योग")
    assert merged.max_row - merged.min_row == 5
    labels = [sheet.cell(row, 2).value for row in range(merged.min_row, merged.max_row + 1)]
    assert labels == [*SUB_CATEGORY_LABELS.values(), "योग"]
    total = [sheet.cell(merged.max_row, column).value for column in range(3, 16)]
    assert total == [1234567, 98765432109.75, 1234567.5, "लक्ष्य निर्धारित नहीं", 23456, None, 3456,
                     "लक्ष्य निर्धारित नहीं", 123456789.05, None, 0, 345678, None]  # fmt: skip
    assert sheet.cell(merged.max_row, 2).font.bold


def test_xlsx_form1_target_not_set(written: dict[str, Path]) -> None:
    sheet = openpyxl.load_workbook(written["form1.xlsx"])[PUVVNL_SHEET]
    tube_well_rows = [row for row in sheet_rows(sheet) if row[1] == "निजी नलकूप"]
    assert len(tube_well_rows) == 5  # discom, zone, circle, division, sub-division
    for row in tube_well_rows:
        assert row[5] == "लक्ष्य निर्धारित नहीं"
        assert row[9] == "लक्ष्य निर्धारित नहीं"
        assert row[7] is None  # percentage blank
        assert row[14] is None  # unranked


def test_xlsx_form1_holds_discom_to_subdivision(written: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(written["form1.xlsx"])
    text = {cell for sheet in workbook.worksheets for row in sheet_rows(sheet) for cell in row}
    assert NAMES["S1111"] in text
    assert NAMES["S2111"] in text
    for code in ("SS1", "SS2", "SS3", "F1", "B1"):
        assert NAMES[code] not in text
    assert "LMV1_UPTO_2KW" not in text


def test_xlsx_footer_and_properties(written: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(written["form2.xlsx"])
    footer = (
        "डम्प दिनांक: 25.10.2021 | बिलिंग सिस्टम द्वारा डम्प सृजन का समय: 25-10-2021 23:41:07 | "
        "उस दिन के डम्प की क्वारंटाइन की गई पंक्तियाँ: 1,234"
    )
    for sheet in workbook.worksheets:
        assert footer in [row[0] for row in sheet_rows(sheet)]
        assert "25-10-2021 23:41:07" in sheet.oddFooter.left.text
    assert workbook.properties.created.isoformat() == "2021-10-25T18:11:07"  # 23:41:07 IST in UTC


def test_sheet_names_are_short_and_unique() -> None:
    from samadhan.reports.sections import Section

    long_name = "दक्षिणांचल विद्युत वितरण निगम लिमिटेड, आगरा: मुख्यालय"
    sections = [Section("x", None, ()), Section(long_name, "A", ()), Section(long_name, "B", ())]
    names = sheet_names(sections)
    assert names[0] == "प्रदेश सारांश"
    assert all(len(name) <= 31 for name in names)
    assert ":" not in names[1]
    assert names[1] != names[2]


# The PDF copies


def test_pdf_embeds_noto_devanagari(written: dict[str, Path]) -> None:
    for name in ("form1.pdf", "form2.pdf"):
        data = written[name].read_bytes()
        base_fonts = set(re.findall(rb"/BaseFont /[A-Z]{6}\+(\w+)", data))
        assert base_fonts == {b"NotoSansDevanagari", b"NotoSansDevanagariBold"}
        assert b"/FontFile2" in data


def test_pdf_text_has_units_and_totals(written: dict[str, Path]) -> None:
    form1_text = "\n".join(pdf_text(written["form1.pdf"]))
    for code in ("MVVNL", "LKO1", "C11", "D111", "S1111", "PUVVNL", "VNS", "C21", "D211", "S2111"):
        assert NAMES[code] in form1_text
    for expected in ("कुल योग", "लक्ष्य निर्धारित नहीं", "घरेलू, 2 कि0वा0 तक", "98,76,54,32,109.75", "12,34,567"):
        assert expected in form1_text
    assert NAMES["SS1"] not in form1_text

    form2_text = "\n".join(pdf_text(written["form2.pdf"]))
    for code in ("MVVNL", "LKO1", "S1111", "SS1", "SS2", "SS3"):
        assert NAMES[code] in form2_text
    for expected in ("कुल योग", "12,34,56,789.05", "-1,500.00", "दिनांक: 25.10.2021", "प्रारूप-2"):
        assert expected in form2_text


def test_pdf_section_per_discom_with_footer(written: dict[str, Path]) -> None:
    pages = pdf_text(written["form2.pdf"])
    assert len(pages) == 3
    assert "प्रदेश स्तरीय सारांश" in pages[0]
    assert MVVNL_NAME in pages[1]
    assert NAMES["SS1"] in pages[1]
    assert PUVVNL_NAME in pages[2]
    assert NAMES["SS3"] in pages[2]
    for number, page in enumerate(pages, start=1):
        assert f"पृष्ठ {number} / 3" in page
        assert "25-10-2021 23:41:07" in page
        assert "क्वारंटाइन की गई पंक्तियाँ: 1,234" in page
        assert "संशोधित" not in page


def test_pdf_repeats_headings_on_every_page(tmp_path: Path) -> None:
    paths = write_form_files(tmp_path, release_info(), build_form1(), build_form2(extra_substations=80),
                             build_units(extra_substations=80), dict(SUB_CATEGORY_LABELS))  # fmt: skip
    pages = pdf_text(tmp_path / "form2.pdf")
    assert len(pages) > 4
    for page in pages:
        assert "इकाई का नाम" in page
        assert "आज आयोजित कैम्प" in page
    assert "33/11 के0वी0 उपकेन्द्र नया 79" in "\n".join(pages)
    assert len(paths) == 6


def test_pdf_later_pages_name_the_parents(tmp_path: Path) -> None:
    write_form_files(tmp_path, release_info(), build_form1(), build_form2(extra_substations=80),
                     build_units(extra_substations=80), dict(SUB_CATEGORY_LABELS))  # fmt: skip
    pages = pdf_text(tmp_path / "form2.pdf")
    parents = "क्रमशः: वाराणसी क्षेत्र / विद्युत वितरण मण्डल वाराणसी / विद्युत वितरण खण्ड सारनाथ / विद्युत वितरण उपखण्ड चौकाघाट"
    puvvnl_pages = pages[2:]  # after the statewide summary and the one page of MVVNL
    assert len(puvvnl_pages) > 2
    assert all(PUVVNL_NAME in page for page in puvvnl_pages)
    assert parents not in puvvnl_pages[0]  # the section's first page has the full title instead
    for page in puvvnl_pages[1:]:
        assert f"प्रारूप-2 | {PUVVNL_NAME} | {parents}" in page


def test_font_comes_from_pypi_package() -> None:
    font = locate_devanagari_font()
    assert font.is_file()
    assert font.suffix == ".ttf"
    assert "fontpkg_noto_sans_devanagari" in font.parts


def test_missing_font_package_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    import samadhan.reports.fonts as fonts

    def not_installed(package: str) -> None:
        raise ModuleNotFoundError(f"No module named {package!r}")

    monkeypatch.setattr(fonts.importlib.resources, "files", not_installed)
    with pytest.raises(FontNotFoundError, match="fontpkg-noto-sans-devanagari is missing"):
        locate_devanagari_font()


def test_render_pdf_page_png(written: dict[str, Path], tmp_path: Path) -> None:
    png = render_pdf_page(written["form1.pdf"], 0, tmp_path / "page.png", dpi=150)
    from PIL import Image

    with Image.open(png) as image:
        width, height = image.size
    assert width == 1754  # 297 mm at 150 dpi
    assert height in (1240, 1241)  # 210 mm at 150 dpi, rounded either way


# Reruns and revisions


def test_rerun_is_byte_identical(written: dict[str, Path], tmp_path: Path) -> None:
    again = write_all(tmp_path)
    for path in again:
        assert path.read_bytes() == written[path.name].read_bytes(), path.name


def test_rerun_in_new_process_is_byte_identical(written: dict[str, Path], tmp_path: Path) -> None:
    # Another process has another string-hash seed and another temporary folder for the font.
    script = (
        "import sys; from pathlib import Path; "
        f"sys.path.insert(0, {str(Path(__file__).parent)!r}); "
        "import test_report_files; "
        f"test_report_files.write_all(Path({str(tmp_path)!r}))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=300)
    for name, path in written.items():
        assert (tmp_path / name).read_bytes() == path.read_bytes(), name


def test_revised_release_is_marked(tmp_path: Path) -> None:
    write_all(tmp_path, revised=True)
    sheet = openpyxl.load_workbook(tmp_path / "form1.xlsx")[MVVNL_NAME]
    assert sheet_rows(sheet)[4][0] == "दिनांक: 25.10.2021 (संशोधित)"
    for name in ("form1.pdf", "form2.pdf"):
        for page in pdf_text(tmp_path / name):
            assert "संशोधित" in page


def test_missing_generation_time_is_printed(tmp_path: Path) -> None:
    info = ReleaseInfo(REPORT_DATE, "एकमुश्त समाधान योजना 2021", "", 0, False)
    write_form_files(tmp_path, info, build_form1(), build_form2(), build_units(), dict(SUB_CATEGORY_LABELS))
    footer = "बिलिंग सिस्टम द्वारा डम्प सृजन का समय: उपलब्ध नहीं"
    assert footer in pdf_text(tmp_path / "form2.pdf")[0]
    workbook = openpyxl.load_workbook(tmp_path / "form2.xlsx")
    assert workbook.properties.created.isoformat() == "2021-10-24T18:30:00"  # midnight IST in UTC


# Bad input


def test_float_money_is_rejected_and_nothing_written(tmp_path: Path) -> None:
    form2 = build_form2()
    form2["collected_cum"] = [float(value) for value in form2["collected_cum"]]
    with pytest.raises(TypeError, match=r"form2 row DISCOM/MVVNL: collected_cum is a float \(1234567.5\)"):
        write_form_files(tmp_path, release_info(), build_form1(), form2, build_units(), dict(SUB_CATEGORY_LABELS))
    assert list(tmp_path.iterdir()) == []


def test_failure_midway_leaves_no_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import samadhan.reports.files as files

    def broken_pdf(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(files, "write_form_pdf", broken_pdf)
    with pytest.raises(OSError, match="disk full"):
        write_all(tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda frame: frame.drop(columns="lpsc_arrears"), "form1 table is missing columns: lpsc_arrears"),
        (lambda frame: frame.replace({"sub_category": {"LMV5": "LMV6"}}), "'LMV6' has no Hindi label"),
        (lambda frame: frame.replace({"unit_code": {"D111": "D999"}}), "DIVISION/D999/.*not found in the units"),
        (lambda frame: pd.concat([frame, frame.head(1)]), "appears twice"),
        (lambda frame: frame.assign(report_date=date(2021, 10, 24)), "differs from the release's 2021-10-25"),
    ],
)
def test_bad_form1_is_rejected(tmp_path: Path, change, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        write_form_files(tmp_path, release_info(), change(build_form1()), build_form2(), build_units(),
                         dict(SUB_CATEGORY_LABELS))  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_null_count_is_rejected(tmp_path: Path) -> None:
    form1 = build_form1()
    form1["eligible_defaulters"] = form1["eligible_defaulters"].astype("Int64")
    form1.loc[form1["unit_code"] == "C21", "eligible_defaulters"] = pd.NA
    with pytest.raises(ValueError, match="CIRCLE/C21/.*eligible_defaulters is null"):
        write_form_files(tmp_path, release_info(), form1, build_form2(), build_units(), dict(SUB_CATEGORY_LABELS))


def test_forms_describe_their_columns() -> None:
    assert [column.heading for column in FORM1.columns] == FORM1_HEADINGS
    assert [column.heading for column in FORM2.columns] == FORM2_HEADINGS
