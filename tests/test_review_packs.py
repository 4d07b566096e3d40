"""Review packs: which days get them, and the packs written for a zone day and a discom day.

The population is described in `tests/compliance_population.py`: one discom DK1 with zones Z1 and
Z2. 22.10.2021 is a Friday (zone packs), 23.10.2021 a Saturday (discom packs).
"""

from __future__ import annotations

from datetime import date, timedelta

import openpyxl
import pytest
from compliance_population import day, population_database

from samadhan.monitoring import review_kind, write_review_packs
from samadhan.reports import render_pdf_page
from samadhan.transform import build_day


def test_review_days_of_first_week():
    week = [day(21) + timedelta(days=offset) for offset in range(7)]
    kinds = {one_day: review_kind(one_day) for one_day in week if review_kind(one_day)}
    assert kinds == {day(22): "ZONE", day(23): "DISCOM", day(26): "ZONE", day(27): "DISCOM"}


@pytest.fixture(scope="module")
def packs(embedded_server, tmp_path_factory) -> dict[date, dict[str, object]]:
    """Build 21-23.10 and write each day's packs twice, into two folders."""
    base = tmp_path_factory.mktemp("review")
    written: dict[date, dict[str, object]] = {}
    with population_database(embedded_server, base):
        for report_date in (day(21), day(22), day(23)):
            build_day(report_date)
            first = write_review_packs(report_date, base / "first" / report_date.isoformat())
            second = write_review_packs(report_date, base / "second" / report_date.isoformat())
            written[report_date] = {"first": first, "second": second}
    return written


def test_no_packs_on_thursday(packs):
    assert packs[day(21)]["first"] == []


def test_zone_packs_on_friday(packs):
    assert sorted(path.name for path in packs[day(22)]["first"]) == ["Z1.pdf", "Z1.xlsx", "Z2.pdf", "Z2.xlsx"]


def test_discom_pack_on_saturday(packs):
    assert sorted(path.name for path in packs[day(23)]["first"]) == ["DK1.pdf", "DK1.xlsx"]


@pytest.mark.parametrize("report_date", [day(22), day(23)], ids=["zone", "discom"])
def test_packs_identical_on_rerun(packs, report_date):
    for first, second in zip(packs[report_date]["first"], packs[report_date]["second"], strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_zone_pack_workbook_lists(packs):
    workbook = openpyxl.load_workbook(next(path for path in packs[day(22)]["first"] if path.name == "Z1.xlsx"))
    assert workbook.sheetnames == ["प्रारूप-1", "पिछड़ी इकाइयाँ", "चूक करने वाले अधिकारी", "अनुपालन", "चार्ट"]
    form1_units = {row[0] for row in workbook["प्रारूप-1"].iter_rows(min_row=4, values_only=True)}
    assert form1_units == {"क्षेत्र Z1 name", "मण्डल C1 name", "खण्ड V1 name"}
    compliance = [row for row in workbook["अनुपालन"].iter_rows(min_row=4, values_only=True)]
    # Z1 on 22.10: SS2 held no camp, CE1 made no visit, EE1 skipped S2, B1 (LMV5) and F2 lack targets.
    assert sorted(row[3] for row in compliance) == [
        "B1 name (B1)", "F2 name (F2)", "S2 name (S2)", "SS2 name (SS2)", "Z1 name (Z1)",
    ]
    assert {row[0] for row in compliance} == {"22.10.2021"}


def test_discom_pack_shows_laggards(packs):
    workbook = openpyxl.load_workbook(next(path for path in packs[day(23)]["first"] if path.suffix == ".xlsx"))
    laggards = {(row[0], row[1]) for row in workbook["पिछड़ी इकाइयाँ"].iter_rows(min_row=4, values_only=True)}
    # Down to circle level only: Z2 and C2 at 0% for three days, and DK1 itself at 20%, 40%, 40%.
    assert laggards == {("क्षेत्र", "Z2 name"), ("मण्डल", "C2 name"), ("डिस्काम", "DK1 name")}


@pytest.mark.parametrize("report_date", [day(22), day(23)], ids=["zone", "discom"])
def test_pack_pdf_renders(packs, report_date, tmp_path):
    pdf = next(path for path in packs[report_date]["first"] if path.suffix == ".pdf")
    png = render_pdf_page(pdf, 0, tmp_path / "page.png", dpi=60)
    assert png.stat().st_size > 10_000


def test_pack_pdf_cuts_long_lists(tmp_path):
    import pypdfium2

    from samadhan.monitoring.review_packs import PDF_MAX_LIST_ROWS, ReviewPack, write_pack_pdf, write_pack_xlsx

    hidden = 12
    compliance = [
        ("22.10.2021", "लक्ष्य निर्धारित नहीं", "बीट", f"बीट {number} (B{number:05d})", "JE")
        for number in range(PDF_MAX_LIST_ROWS + hidden)
    ]
    pack = ReviewPack(
        report_date=day(22), unit_level="ZONE", unit_code="Z1", unit_name="Z1 name", scheme_name="योजना",
        form1=[], laggards=[], officers=[], compliance=compliance, history=[],
    )
    write_pack_pdf(tmp_path / "pack.pdf", pack)
    write_pack_xlsx(tmp_path / "pack.xlsx", pack)

    document = pypdfium2.PdfDocument(tmp_path / "pack.pdf")
    text = "".join(document[index].get_textpage().get_text_range() for index in range(len(document)))
    # The last row printed is the 150th; the 151st and later are only in the workbook.
    assert f"B{PDF_MAX_LIST_ROWS - 1:05d}" in text
    assert f"B{PDF_MAX_LIST_ROWS:05d}" not in text
    assert f"… {hidden} " in text
    sheet = openpyxl.load_workbook(tmp_path / "pack.xlsx", read_only=True)["अनुपालन"]
    codes = [row[3] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert len(codes) == PDF_MAX_LIST_ROWS + hidden
    assert codes[-1] == f"बीट {PDF_MAX_LIST_ROWS + hidden - 1} (B{PDF_MAX_LIST_ROWS + hidden - 1:05d})"
