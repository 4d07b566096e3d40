# ruff: noqa: E501 (the CSV literals keep one record per line, as the billing system writes them)
"""Notices for a hand-made population over two days, with the notice deadline set to the first day.

The rules are the OTS2021 file with its notice deadline moved to 21.10.2021, so that the second day
is past it. One discom, zone, circle, division, sub-division (SDO Pankaj Verma), substation and
feeder; beats B1, B2 and B3. P = principal, L = LPSC, W = waiver = round(L x percent / 100, 2),
S = settlement = P + L - W:

| account | beat | category, load | P | L | W | S | notes |
|---|---|---|---|---|---|---|---|
| 3000000009 | B1 | LMV-1 1.5 kW | 3000.00 | 300.00 | 300.00 (100%) | 3000.00 | listed first in consumers.csv |
| 3000000001 | B1 | LMV-1 1 kW | 10000.00 | 2500.00 | 2500.00 (100%) | 10000.00 | |
| 3000000002 | B1 | LMV-1 3 kW | 20000.00 | 4001.35 | 2000.675 -> 2000.68 (50%) | 22000.67 | |
| 3000000003 | B1 | HV-1 10 kW | | | | | not eligible, never numbered |
| 3000000006 | B1 | LMV-1 1 kW | 0.00 / 5000.00 | 0.00 / 500.00 | 500.00 | 5000.00 | no dues on day 1; dues on day 2, so numbered on day 2 |
| 3000000004 | B2 | LMV-2 4 kW | 30000.00 | 5000.25 | 2500.125 -> 2500.13 (50%) | 32500.12 | lump sum only |
| 3000000005 | B2 | LMV-5 7.5 BHP | 40000.00 | 9000.00 | 9000.00 (100%) | 40000.00 | |
| 3000000007 | B3 | LMV-1 2 kVA = 1.8 kW | 8000.00 | 1500.50 | 1500.50 (100%) | 8000.00 | first listed on day 2 |

Deliveries, all in day 2's dump: 3000000002 premises locked on 21.10 and served on 22.10 (ST-MR1),
3000000001 served on 22.10 (ST-MR1), 3000000004 refused and 3000000005 not found on 22.10 (ST-MR2).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from dumps import write_dump
from psycopg.rows import dict_row

from samadhan.settings import PROJECT_ROOT
from samadhan.warehouse import ConnectionParams

DAY_1 = date(2021, 10, 21)
DAY_2 = date(2021, 10, 22)

HIERARCHY_CSV = """\
discom_code,discom_name,zone_code,zone_name,circle_code,circle_name,division_code,division_name,subdivision_code,subdivision_name,substation_code,substation_name,feeder_code,feeder_name,beat_code,beat_name
MVVNL,मध्यांचल विद्युत वितरण निगम लि0,LKO-Z1,लखनऊ क्षेत्र प्रथम,LKO-C3,विद्युत वितरण मण्डल तृतीय,CHINHAT,विद्युत वितरण खण्ड चिनहट,CHINHAT-1,उपखण्ड चिनहट प्रथम,MATIYARI,उपकेन्द्र मटियारी,MATIYARI-F1,Matiyari Feeder 1,B1,बीट मटियारी 1
MVVNL,मध्यांचल विद्युत वितरण निगम लि0,LKO-Z1,लखनऊ क्षेत्र प्रथम,LKO-C3,विद्युत वितरण मण्डल तृतीय,CHINHAT,विद्युत वितरण खण्ड चिनहट,CHINHAT-1,उपखण्ड चिनहट प्रथम,MATIYARI,उपकेन्द्र मटियारी,MATIYARI-F1,Matiyari Feeder 1,B2,बीट मटियारी 2
MVVNL,मध्यांचल विद्युत वितरण निगम लि0,LKO-Z1,लखनऊ क्षेत्र प्रथम,LKO-C3,विद्युत वितरण मण्डल तृतीय,CHINHAT,विद्युत वितरण खण्ड चिनहट,CHINHAT-1,उपखण्ड चिनहट प्रथम,MATIYARI,उपकेन्द्र मटियारी,MATIYARI-F1,Matiyari Feeder 1,B3,बीट मटियारी 3
"""

STAFF_CSV = """\
staff_id,staff_name,post,unit_level,unit_code,mobile
ST-HQ1,अनिल कुमार,DISCOM_HQ,DISCOM,MVVNL,9415000001
ST-CE1,राजीव शर्मा,CE,ZONE,LKO-Z1,9415000002
ST-SE1,Meena Gupta,SE,CIRCLE,LKO-C3,9415000003
ST-EE1,सुरेश चन्द्र,EE,DIVISION,CHINHAT,9415000004
ST-SDO1,Pankaj Verma,SDO,SUBDIVISION,CHINHAT-1,9415000005
ST-JE1,दिनेश यादव,JE,SUBSTATION,MATIYARI,9415000007
ST-MR1,रमेश,METER_READER,BEAT,B1,9415000010
ST-MR2,Sohan Lal,METER_READER,BEAT,B2,9415000011
ST-MR3,गीता,METER_READER,BEAT,B3,9415000012
"""

CONSUMER_HEADER = "account_no,consumer_name,guardian_name,address,mobile,tariff_category,supply_area,sanctioned_load,load_unit,connection_status,beat_code,feeder_code,principal_arrears,lpsc_arrears,dues_cutoff_date,court_case,last_payment_date\n"
CONSUMERS_BOTH_DAYS = """\
3000000009,रामकली,शिव प्रसाद,"मकान 12, मटियारी, लखनऊ",9876543210,LMV-1,URBAN,1.500,KW,ACTIVE,B1,MATIYARI-F1,3000.00,300.00,30-09-2021,N,
3000000001,राम प्रसाद,शिव प्रसाद,ग्राम मटियारी,9876543211,LMV-1,RURAL,1.000,KW,ACTIVE,B1,MATIYARI-F1,10000.00,2500.00,30-09-2021,N,
3000000002,Sunita Devi,Ramesh Kumar,"House 4, Matiyari Chauraha",9876543212,LMV-1,URBAN,3.000,KW,ACTIVE,B1,MATIYARI-F1,20000.00,4001.35,30-09-2021,N,
3000000003,Lucknow Cold Storage,,Deva Road,9876543213,HV-1,URBAN,10.000,KW,ACTIVE,B1,MATIYARI-F1,50000.00,5000.00,30-09-2021,N,
3000000004,Verma Medical Hall,,Matiyari Market,9876543214,LMV-2,URBAN,4.000,KW,ACTIVE,B2,MATIYARI-F1,30000.00,5000.25,30-09-2021,N,
3000000005,रामसेवक,बुद्धू,ग्राम मटियारी,9876543215,LMV-5,RURAL,7.500,BHP,ACTIVE,B2,MATIYARI-F1,40000.00,9000.00,30-09-2021,N,
"""
CONSUMERS_DAY_1 = CONSUMER_HEADER + CONSUMERS_BOTH_DAYS + """\
3000000006,गोपाल,हरि,ग्राम मटियारी,9876543216,LMV-1,RURAL,1.000,KW,ACTIVE,B1,MATIYARI-F1,0.00,0.00,30-09-2021,N,
"""
CONSUMERS_DAY_2 = CONSUMER_HEADER + CONSUMERS_BOTH_DAYS + """\
3000000006,गोपाल,हरि,ग्राम मटियारी,9876543216,LMV-1,RURAL,1.000,KW,ACTIVE,B1,MATIYARI-F1,5000.00,500.00,30-09-2021,N,
3000000007,सीता देवी,राम अवतार,ग्राम मटियारी,9876543217,LMV-1,RURAL,2.000,KVA,ACTIVE,B3,MATIYARI-F1,8000.00,1500.50,30-09-2021,N,
"""

DELIVERIES_DAY_2 = """\
notice_no,account_no,delivered_on,delivered_by_staff_id,outcome
OTS2021/3000000002,3000000002,21-10-2021,ST-MR1,PREMISES_LOCKED
OTS2021/3000000002,3000000002,22-10-2021,ST-MR1,SERVED
OTS2021/3000000001,3000000001,22-10-2021,ST-MR1,SERVED
OTS2021/3000000004,3000000004,22-10-2021,ST-MR2,REFUSED
OTS2021/3000000005,3000000005,22-10-2021,ST-MR2,NOT_FOUND
"""

DUMPS = {
    DAY_1: {"hierarchy.csv": HIERARCHY_CSV, "staff.csv": STAFF_CSV, "consumers.csv": CONSUMERS_DAY_1},
    DAY_2: {
        "hierarchy.csv": HIERARCHY_CSV, "staff.csv": STAFF_CSV, "consumers.csv": CONSUMERS_DAY_2,
        "notice_deliveries.csv": DELIVERIES_DAY_2,
    },
}

# account -> (beat, principal, LPSC, waiver, settlement), worked out in the module docstring.
EXPECTED_AMOUNTS = {
    "3000000001": ("B1", "10000.00", "2500.00", "2500.00", "10000.00"),
    "3000000002": ("B1", "20000.00", "4001.35", "2000.68", "22000.67"),
    "3000000009": ("B1", "3000.00", "300.00", "300.00", "3000.00"),
    "3000000004": ("B2", "30000.00", "5000.25", "2500.13", "32500.12"),
    "3000000005": ("B2", "40000.00", "9000.00", "9000.00", "40000.00"),
    "3000000006": ("B1", "5000.00", "500.00", "500.00", "5000.00"),
    "3000000007": ("B3", "8000.00", "1500.50", "1500.50", "8000.00"),
}
NUMBERED_ON_DAY_1 = {"3000000001", "3000000002", "3000000009", "3000000004", "3000000005"}
NUMBERED_ON_DAY_2 = {"3000000006", "3000000007"}


@dataclass
class NoticeDays:
    """What the two days left: each day's run and bundle bytes, the register and the rerun of day 2."""

    output_dir: Path
    runs: dict[date, Any]
    files: dict[date, dict[str, bytes]]
    register: list[dict[str, Any]]
    rerun: Any
    rerun_files: dict[str, bytes]
    register_after_rerun: list[dict[str, Any]]
    bundles_by_deadline: dict[str, dict[str, Any]]
    delivery_daily: dict[tuple[date, str, str], dict[str, Any]]


def _bundle_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.pdf"))}


def _read_register() -> list[dict[str, Any]]:
    from samadhan.warehouse import connect

    with connect() as conn, conn.cursor(row_factory=dict_row) as cursor:
        return cursor.execute("select * from notices.register order by notice_no").fetchall()


def _scheme_file(folder: Path) -> Path:
    text = (PROJECT_ROOT / "include" / "samadhan" / "schemes" / "ots2021.yaml").read_text(encoding="utf-8")
    moved = text.replace("notices: 2021-10-23", "notices: 2021-10-21")
    assert moved != text, "the OTS2021 rules file no longer sets its notice deadline as expected"
    path = folder / "ots2021-notices-21.yaml"
    path.write_text(moved, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def notice_days(embedded_server: ConnectionParams, tmp_path_factory: pytest.TempPathFactory) -> Iterator[NoticeDays]:
    """Run both days through the pipeline, generate notices after each, then generate day 2 again."""
    from samadhan.notices import generate_notices
    from samadhan.pipeline import run_day
    from samadhan.warehouse import connect

    base = tmp_path_factory.mktemp("notices")
    dbname = f"samadhan_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(embedded_server.conninfo(), autocommit=True) as conn:
        conn.execute(f'create database "{dbname}"')
    server = ConnectionParams(embedded_server.host, embedded_server.port, embedded_server.user,
                              embedded_server.password, dbname)
    try:
        with pytest.MonkeyPatch.context() as monkeypatch:
            monkeypatch.setenv(
                "SAMADHAN_DATABASE_URL",
                server.sqlalchemy_url(driver="psycopg").replace("postgresql+psycopg", "postgresql"),
            )
            monkeypatch.setenv("SAMADHAN_LANDING_DIR", str(base / "landing"))
            monkeypatch.setenv("SAMADHAN_OUTPUT_DIR", str(base / "output"))
            monkeypatch.setenv("SAMADHAN_SCHEME_FILE", str(_scheme_file(base)))
            for day, files in DUMPS.items():
                write_dump(base / "landing", day, files)

            runs, files = {}, {}
            for day in DUMPS:
                run_day(day)
                runs[day] = generate_notices(day)
                files[day] = _bundle_files(runs[day].folder)
            register = _read_register()
            rerun = generate_notices(DAY_2)
            rerun_files = _bundle_files(rerun.folder)
            with connect() as conn, conn.cursor(row_factory=dict_row) as cursor:
                bundles = cursor.execute(
                    "select * from build.fct_notice_bundles_by_deadline where report_date = %s", (DAY_2,)
                ).fetchall()
                daily = cursor.execute(
                    "select * from build.fct_notice_delivery_daily where report_date = %s", (DAY_2,)
                ).fetchall()
            yield NoticeDays(
                output_dir=base / "output", runs=runs, files=files, register=register, rerun=rerun,
                rerun_files=rerun_files, register_after_rerun=_read_register(),
                bundles_by_deadline={row["beat_code"]: row for row in bundles},
                delivery_daily={(row["activity_date"], row["unit_level"], row["unit_code"]): row for row in daily},
            )
    finally:
        with psycopg.connect(embedded_server.conninfo(), autocommit=True) as conn:
            conn.execute(f'drop database if exists "{dbname}" with (force)')


def _pdf_pages(path: Path) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        pages = []
        for page in document:
            text_page = page.get_textpage()
            pages.append(text_page.get_text_range())
            text_page.close()
            page.close()
        return pages
    finally:
        document.close()


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_eligible_defaulter_numbered_once(notice_days: NoticeDays) -> None:
    numbers = [row["notice_no"] for row in notice_days.register]
    assert numbers == sorted(f"OTS2021/{account}" for account in EXPECTED_AMOUNTS)
    assert {row["account_no"] for row in notice_days.register} == set(EXPECTED_AMOUNTS)


def test_register_records_day_and_beat(notice_days: NoticeDays) -> None:
    by_account = {row["account_no"]: row for row in notice_days.register}
    for account in NUMBERED_ON_DAY_1:
        assert by_account[account]["generated_on"] == DAY_1, account
    for account in NUMBERED_ON_DAY_2:
        assert by_account[account]["generated_on"] == DAY_2, account
    assert by_account["3000000007"]["first_dump_date"] == DAY_2
    assert by_account["3000000006"]["first_dump_date"] == DAY_1
    for account, (beat, *_amounts) in EXPECTED_AMOUNTS.items():
        assert by_account[account]["beat_code"] == beat, account


def test_register_amounts_by_hand(notice_days: NoticeDays) -> None:
    by_account = {row["account_no"]: row for row in notice_days.register}
    for account, (_beat, principal, lpsc, waiver, settlement) in EXPECTED_AMOUNTS.items():
        row = by_account[account]
        assert row["principal"] == Decimal(principal), account
        assert row["lpsc"] == Decimal(lpsc), account
        assert row["waiver"] == Decimal(waiver), account
        assert row["settlement"] == Decimal(settlement), account


def test_payment_options_by_category(notice_days: NoticeDays) -> None:
    by_account = {row["account_no"]: row for row in notice_days.register}
    domestic = [(option["option"], option["max_instalments"]) for option in by_account["3000000002"]["payment_options"]]
    commercial = [(option["option"], option["max_instalments"]) for option in by_account["3000000004"]["payment_options"]]
    assert domestic == [("LUMPSUM", 1), ("INSTALMENT", 6)]
    assert commercial == [("LUMPSUM", 1)]


def test_runs_count_new_notices(notice_days: NoticeDays) -> None:
    assert notice_days.runs[DAY_1].new_notices == 5
    assert notice_days.runs[DAY_1].eligible_defaulters == 5
    assert notice_days.runs[DAY_2].new_notices == 2
    assert notice_days.runs[DAY_2].eligible_defaulters == 7


def test_bundles_only_for_beats_with_new_notices(notice_days: NoticeDays) -> None:
    assert sorted(notice_days.files[DAY_1]) == ["B1.pdf", "B2.pdf"]
    assert sorted(notice_days.files[DAY_2]) == ["B1.pdf", "B3.pdf"]
    assert notice_days.runs[DAY_1].folder == notice_days.output_dir / DAY_1.isoformat() / "notices"


def test_cover_sheet_lists_accounts_in_order(notice_days: NoticeDays) -> None:
    pages = _pdf_pages(notice_days.runs[DAY_1].folder / "B1.pdf")
    cover = _squeeze(pages[0])
    assert "नोटिस वितरण सूची" in cover
    assert "प्राप्तकर्ता के हस्ताक्षर / दिनांक" in cover
    positions = [cover.find(f"OTS2021/{account}") for account in ("3000000001", "3000000002", "3000000009")]
    assert -1 not in positions, cover
    assert positions == sorted(positions)
    assert "3000000003" not in cover
    assert "3000000006" not in cover
    assert "रामकली" in cover
    assert "मकान 12, मटियारी, लखनऊ" in cover


def test_one_notice_per_page_in_order(notice_days: NoticeDays) -> None:
    pages = _pdf_pages(notice_days.runs[DAY_1].folder / "B1.pdf")
    assert len(pages) == 4
    numbers = [re.search(r"नोटिस सं0: (OTS2021/\d+)", page).group(1) for page in pages[1:]]
    assert numbers == ["OTS2021/3000000001", "OTS2021/3000000002", "OTS2021/3000000009"]


def test_notice_prints_hand_computed_amounts(notice_days: NoticeDays) -> None:
    pages = _pdf_pages(notice_days.runs[DAY_1].folder / "B1.pdf")
    notice = _squeeze(pages[2])  # 3000000002
    assert "खाता सं0: 3000000002" in notice
    assert "दिनांक: 21.10.2021" in notice
    assert "Sunita Devi" in notice
    assert "House 4, Matiyari Chauraha" in notice
    assert "LMV-1 (घरेलू)" in notice
    assert "3 कि0वा0" in notice
    assert "मूल बकाया 20,000.00" in notice
    assert "विलम्बित भुगतान अधिभार (सरचार्ज) 4,001.35" in notice
    assert "योजना में छूट (सरचार्ज का 50%) 2,000.68" in notice
    assert "22,000.67" in notice
    assert "एकमुश्त भुगतान: देय धनराशि रु0 22,000.67" in notice
    assert "किश्तों में भुगतान (अधिकतम 6 किश्तें): देय धनराशि रु0 22,000.67" in notice
    assert "योजना की अन्तिम तिथि: 31.01.2022" in notice
    assert "उपकेन्द्र मटियारी" in notice
    assert "Pankaj Verma" in notice
    assert "उपखण्ड अधिकारी" in notice


def test_notice_load_in_given_unit(notice_days: NoticeDays) -> None:
    pages = _pdf_pages(notice_days.runs[DAY_1].folder / "B2.pdf")
    tube_well = _squeeze(pages[2])  # 3000000005
    assert "7.5 बी0एच0पी0" in tube_well
    assert "छूट (सरचार्ज का 100%) 9,000.00" in tube_well
    assert "किश्तों" not in _squeeze(pages[1])  # LMV-2 pays as a lump sum only
    assert "2,500.13" in _squeeze(pages[1])
    assert "32,500.12" in _squeeze(pages[1])


def test_day_two_bundle_has_new_consumer_only(notice_days: NoticeDays) -> None:
    pages = _pdf_pages(notice_days.runs[DAY_2].folder / "B1.pdf")
    assert len(pages) == 2
    assert "OTS2021/3000000006" in pages[0]
    assert "OTS2021/3000000001" not in pages[0]
    assert "5,000.00" in _squeeze(pages[1])


def test_rerun_same_bytes_no_numbers(notice_days: NoticeDays) -> None:
    assert notice_days.rerun.new_notices == 0
    assert notice_days.register_after_rerun == notice_days.register
    assert notice_days.rerun_files == notice_days.files[DAY_2]


def test_bundles_by_deadline_reasons(notice_days: NoticeDays) -> None:
    b1, b2, b3 = (notice_days.bundles_by_deadline[beat] for beat in ("B1", "B2", "B3"))
    assert b1["notice_deadline"] == DAY_1
    # B1: three noticed on the deadline; 3000000006 owed nothing on the deadline and was noticed a day late.
    assert (b1["eligible_on_deadline"], b1["notices_by_deadline"], b1["notices_after_deadline"]) == (3, 3, 1)
    assert b1["late_eligible_after_deadline"] == 1
    assert (b1["bundle_status"], b1["late_reason"]) == ("LATE", "CONSUMER_ADDED_LATER")
    assert (b2["bundle_status"], b2["late_reason"]) == ("ON_TIME", None)
    # B3 had nobody on the deadline: 3000000007 first came in day 2's dump.
    assert (b3["eligible_on_deadline"], b3["late_added_after_deadline"]) == (0, 1)
    assert (b3["bundle_status"], b3["late_reason"]) == ("LATE", "NO_ELIGIBLE_ON_DEADLINE")
    assert b3["first_bundle_on"] == DAY_2


def test_delivery_daily_beat(notice_days: NoticeDays) -> None:
    daily = notice_days.delivery_daily
    first = daily[(DAY_1, "BEAT", "B1")]
    second = daily[(DAY_2, "BEAT", "B1")]
    assert (first["notices_generated"], first["attempts"], first["premises_locked"], first["served"]) == (3, 1, 1, 0)
    assert (second["notices_generated"], second["attempts"], second["served"], second["notices_served"]) == (1, 2, 2, 2)
    assert (second["notices_generated_cum"], second["notices_served_cum"]) == (4, 2)


def test_delivery_daily_subdivision(notice_days: NoticeDays) -> None:
    second = notice_days.delivery_daily[(DAY_2, "SUBDIVISION", "CHINHAT-1")]
    assert second["notices_generated"] == 2
    assert (second["attempts"], second["served"], second["refused"], second["not_found"]) == (4, 2, 1, 1)
    assert (second["notices_generated_cum"], second["notices_served_cum"]) == (7, 2)
    discom = notice_days.delivery_daily[(DAY_2, "DISCOM", "MVVNL")]
    assert discom["notices_generated_cum"] == 7


def test_delivery_daily_meter_reader(notice_days: NoticeDays) -> None:
    daily = notice_days.delivery_daily
    reader = daily[(DAY_2, "METER_READER", "ST-MR2")]
    assert (reader["unit_name"], reader["attempts"], reader["refused"], reader["not_found"]) == ("Sohan Lal", 2, 1, 1)
    assert reader["notices_served_cum"] == 0
    assert daily[(DAY_1, "METER_READER", "ST-MR1")]["notices_generated"] == 3
    assert daily[(DAY_2, "METER_READER", "ST-MR1")]["served"] == 2


def test_notice_pages_render(notice_days: NoticeDays, tmp_path: Path) -> None:
    from samadhan.reports import render_pdf_page

    bundle = notice_days.runs[DAY_1].folder / "B1.pdf"
    for index in (0, 2):
        png = render_pdf_page(bundle, index, tmp_path / f"page-{index}.png", dpi=60)
        assert png.stat().st_size > 5_000


def test_two_beats_with_one_file_name_rejected(tmp_path: Path) -> None:
    from samadhan.notices import BeatBundle, write_bundles

    def bundle(beat_code: str) -> BeatBundle:
        return BeatBundle(
            day=date(2021, 10, 21), scheme_code="OTS2021", scheme_name_hi="योजना", beat_code=beat_code,
            beat_name="बीट", feeder_name="फीडर", substation_name="उपकेन्द्र", subdivision_name="उपखण्ड",
            division_name="खण्ड", notices=(),
        )

    # "B/1" and "B_1" both become B_1.pdf; the second is rejected before it is drawn.
    with pytest.raises(ValueError, match="beat B_1 gives the same bundle file name as another beat"):
        write_bundles(iter([bundle("B/1"), bundle("B_1")]), tmp_path, workers=2)
