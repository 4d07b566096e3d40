# ruff: noqa: E501 (the CSV literals keep one record per line, as the billing system writes them)
"""The same two dumps under three rules files give the Forms 1 and 2 that each file implies.

The dumps (21 and 22 October 2021) hold seven consumers on one beat, so every level from the beat
to the grand total has the same numbers. The runs differ only in `SAMADHAN_SCHEME_FILE`:

- `ots2021`: the shipped default.
- `ots2023 in 2021`: the shipped 2023 file with its dates moved into October-November 2021, so
  that the same dumps fall inside it: the scheme starts on 21.10, phase P1 is that one day, P2 runs
  from 22.10 to 31.10. Its dues cut-off is 30.09.2021 for every category, as in the dumps.
- `ots2023 in 2021, full payment`: the same, with `waiver_basis.phase: FULL_PAYMENT`, so that the
  phase of the day a consumer becomes fully paid decides the waiver.

The consumers (P principal, L LPSC; W waiver = round(L x percent / 100, 2); S = P + L - W):

| account | category, load | 2021: sub-category, %, W, S | 2023 moved: sub-category, %, W, S |
|---|---|---|---|
| 4000000001 | LMV-1 1 kW | LMV1_UPTO_2KW 100: 2000.00, 10000.00 | LMV1_UPTO_1KW, P1 lump sum 100: 2000.00, 10000.00 |
| 4000000002 | LMV-1 1.5 kW | LMV1_UPTO_2KW 100: 3000.00, 20000.00 | LMV1_ABOVE_1KW, P1 lump sum 90: 2700.00, 20300.00 (P2: 80: 2400.00, 20600.00) |
| 4000000003 | LMV-1 3 kW, 6 instalments | LMV1_ABOVE_2KW 50: 500.005 -> 500.01, 8500.00 | LMV1_ABOVE_1KW, P2 instalments 70: 700.007 -> 700.01, 8300.00 |
| 4000000004 | LMV-2 6 kW | not eligible (LMV-2 up to 5 kW) | LMV2_ABOVE_1KW, P1 lump sum 90: 5400.00, 30600.00 |
| 4000000005 | LMV-6 5 kW | not eligible | LMV6; does not register |
| 4000000006 | LMV-5 5 BHP = 3.73 kW | LMV5 100: 4000.00, 40000.00 | LMV5, P2 lump sum 100: 4000.00, 40000.00 |
| 4000000007 | LMV-2 2.223 kVA = 2.0007 kW | LMV2_2_TO_5KW; does not register | LMV2_ABOVE_1KW; does not register |

Events: on 21.10, 4000000001, 4000000002 and 4000000004 register (lump sum) and pay 10000.00,
20000.00 and 30600.00. On 22.10, 4000000003 (6 instalments) and 4000000006 (lump sum) register;
4000000002 pays 300.00 more, 4000000003 pays 8300.00 and 4000000006 pays 40000.00.

Fully paid (net paid reaches S), and the waiver granted to the fully paid:

- 2021, day 1: 1 and 2 (10000.00 + 20000.00 = 30000.00 collected; W 2000.00 + 3000.00 = 5000.00).
  Day 2: 1, 2 and 6; 3 has paid 8300.00 of 8500.00. Collected 10000.00 + 20300.00 + 8300.00 +
  40000.00 = 78600.00; W 2000.00 + 3000.00 + 4000.00 = 9000.00. 4 paid, but is not eligible.
- 2023 moved, day 1: 1 and 4; 2 has paid 20000.00 of 20300.00. Collected 10000.00 + 20000.00 +
  30600.00 = 60600.00; W 2000.00 + 5400.00 = 7400.00. Day 2: all five registered. Collected
  60600.00 + 300.00 + 8300.00 + 40000.00 = 109200.00; W 2000.00 + 2700.00 + 700.01 + 5400.00 +
  4000.00 = 14800.01.
- 2023 moved, full payment: day 1 as above (both fully paid in P1). Day 2 is in P2, so 2's
  settlement becomes 20600.00 and 20300.00 does not reach it: 1, 3, 4 and 6 are fully paid;
  W 2000.00 + 700.01 + 5400.00 + 4000.00 = 12100.01.

No targets are set and no notice is served, so those columns are empty or zero in every run.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from dumps import write_dump
from openpyxl import load_workbook
from psycopg.rows import dict_row

from samadhan.settings import PROJECT_ROOT
from samadhan.warehouse import ConnectionParams

DAY_1 = date(2021, 10, 21)
DAY_2 = date(2021, 10, 22)
DAYS = (DAY_1, DAY_2)
SCHEMES_DIR = PROJECT_ROOT / "include" / "samadhan" / "schemes"

OTS2021 = "ots2021"
OTS2023_MOVED = "ots2023 in 2021"
OTS2023_MOVED_FULL_PAYMENT = "ots2023 in 2021, full payment"
RUNS = (OTS2021, OTS2023_MOVED, OTS2023_MOVED_FULL_PAYMENT)

HIERARCHY_CSV = """\
discom_code,discom_name,zone_code,zone_name,circle_code,circle_name,division_code,division_name,subdivision_code,subdivision_name,substation_code,substation_name,feeder_code,feeder_name,beat_code,beat_name
PVVNL,पश्चिमांचल विद्युत वितरण निगम लि0,MRT-Z1,मेरठ क्षेत्र,MRT-C1,विद्युत वितरण मण्डल प्रथम मेरठ,MRT-D1,विद्युत वितरण खण्ड प्रथम मेरठ,MRT-SD1,उपखण्ड कंकरखेड़ा,KANKAR,उपकेन्द्र कंकरखेड़ा,KANKAR-F1,Kankarkhera Feeder 1,KKR-B1,बीट कंकरखेड़ा 1
"""

STAFF_CSV = """\
staff_id,staff_name,post,unit_level,unit_code,mobile
ST-EE9,विनोद कुमार,EE,DIVISION,MRT-D1,9415100001
ST-SDO9,Arun Tyagi,SDO,SUBDIVISION,MRT-SD1,9415100002
ST-JE9,सतीश,JE,SUBSTATION,KANKAR,9415100003
ST-MR9,महेश,METER_READER,BEAT,KKR-B1,9415100004
"""

CONSUMERS_CSV = """\
account_no,consumer_name,guardian_name,address,mobile,tariff_category,supply_area,sanctioned_load,load_unit,connection_status,beat_code,feeder_code,principal_arrears,lpsc_arrears,dues_cutoff_date,court_case,last_payment_date
4000000001,राजेश,हरिओम,कंकरखेड़ा,9876500001,LMV-1,URBAN,1.000,KW,ACTIVE,KKR-B1,KANKAR-F1,10000.00,2000.00,30-09-2021,N,
4000000002,Suman,Vijay,Kankarkhera,9876500002,LMV-1,URBAN,1.500,KW,ACTIVE,KKR-B1,KANKAR-F1,20000.00,3000.00,30-09-2021,N,
4000000003,ओमप्रकाश,रामस्वरूप,कंकरखेड़ा,9876500003,LMV-1,URBAN,3.000,KW,ACTIVE,KKR-B1,KANKAR-F1,8000.00,1000.01,30-09-2021,N,
4000000004,Tyagi Sweets,,Kankarkhera Bazar,9876500004,LMV-2,URBAN,6.000,KW,ACTIVE,KKR-B1,KANKAR-F1,30000.00,6000.00,30-09-2021,N,
4000000005,Meerut Tools,,Industrial Area,9876500005,LMV-6,URBAN,5.000,KW,ACTIVE,KKR-B1,KANKAR-F1,5000.00,500.00,30-09-2021,N,
4000000006,जयपाल,सुखबीर,ग्राम कंकरखेड़ा,9876500006,LMV-5,RURAL,5.000,BHP,ACTIVE,KKR-B1,KANKAR-F1,40000.00,4000.00,30-09-2021,N,
4000000007,शर्मा स्टोर,,कंकरखेड़ा बाजार,9876500007,LMV-2,URBAN,2.223,KVA,ACTIVE,KKR-B1,KANKAR-F1,9000.00,1000.01,30-09-2021,N,
"""

SNAPSHOTS = {"hierarchy.csv": HIERARCHY_CSV, "staff.csv": STAFF_CSV, "consumers.csv": CONSUMERS_CSV}

EVENTS: dict[date, dict[str, str]] = {
    DAY_1: {
        "registrations.csv": """\
registration_no,account_no,registered_at,payment_option,instalments,registration_amount,bill_revision_opted,channel,camp_id
M21001,4000000001,21-10-2021 10:00:00,LUMPSUM,1,10000.00,N,COUNTER,
M21002,4000000002,21-10-2021 10:30:00,LUMPSUM,1,20000.00,N,COUNTER,
M21003,4000000004,21-10-2021 11:00:00,LUMPSUM,1,30600.00,N,ONLINE,
""",
        "payments.csv": """\
receipt_no,account_no,amount,paid_at,channel,camp_id,reverses_receipt_no
Q21001,4000000001,10000.00,21-10-2021 10:05:00,COUNTER,,
Q21002,4000000002,20000.00,21-10-2021 10:35:00,COUNTER,,
Q21003,4000000004,30600.00,21-10-2021 11:05:00,ONLINE,,
""",
    },
    DAY_2: {
        "registrations.csv": """\
registration_no,account_no,registered_at,payment_option,instalments,registration_amount,bill_revision_opted,channel,camp_id
M22001,4000000003,22-10-2021 10:00:00,INSTALMENT,6,8300.00,N,COUNTER,
M22002,4000000006,22-10-2021 11:00:00,LUMPSUM,1,40000.00,N,COUNTER,
""",
        "payments.csv": """\
receipt_no,account_no,amount,paid_at,channel,camp_id,reverses_receipt_no
Q22001,4000000002,300.00,22-10-2021 09:30:00,COUNTER,,
Q22002,4000000003,8300.00,22-10-2021 10:05:00,COUNTER,,
Q22003,4000000006,40000.00,22-10-2021 11:05:00,COUNTER,,
""",
    },
}

# Form 1 numbers per sub-category: (eligible_defaulters, principal_arrears, lpsc_arrears,
# registered_cum, fully_paid_cum, collected_cum, waiver_granted_cum).
FORM1_NUMBERS = (
    "eligible_defaulters", "principal_arrears", "lpsc_arrears", "registered_cum", "fully_paid_cum",
    "collected_cum", "waiver_granted_cum",
)
ZERO = (0, "0.00", "0.00", 0, 0, "0.00", "0.00")

FORM1_EXPECTED: dict[str, dict[date, dict[str, tuple]]] = {
    OTS2021: {
        DAY_1: {
            # 1 and 2: P 10000.00 + 20000.00, L 2000.00 + 3000.00.
            "LMV1_UPTO_2KW": (2, "30000.00", "5000.00", 2, 2, "30000.00", "5000.00"),
            "LMV1_ABOVE_2KW": (1, "8000.00", "1000.01", 0, 0, "0.00", "0.00"),
            "LMV2_UPTO_2KW": ZERO,
            "LMV2_2_TO_5KW": (1, "9000.00", "1000.01", 0, 0, "0.00", "0.00"),
            "LMV5": (1, "40000.00", "4000.00", 0, 0, "0.00", "0.00"),
            # 5 eligible: P 30000.00 + 8000.00 + 9000.00 + 40000.00 = 87000.00; L 5000.00 + 1000.01 +
            # 1000.01 + 4000.00 = 11000.02.
            "ALL": (5, "87000.00", "11000.02", 2, 2, "30000.00", "5000.00"),
        },
        DAY_2: {
            "LMV1_UPTO_2KW": (2, "30000.00", "5000.00", 2, 2, "30300.00", "5000.00"),
            # 8300.00 paid of a settlement of 8500.00: registered, not fully paid.
            "LMV1_ABOVE_2KW": (1, "8000.00", "1000.01", 1, 0, "8300.00", "0.00"),
            "LMV2_UPTO_2KW": ZERO,
            "LMV2_2_TO_5KW": (1, "9000.00", "1000.01", 0, 0, "0.00", "0.00"),
            "LMV5": (1, "40000.00", "4000.00", 1, 1, "40000.00", "4000.00"),
            "ALL": (5, "87000.00", "11000.02", 4, 3, "78600.00", "9000.00"),
        },
    },
    OTS2023_MOVED: {
        DAY_1: {
            "LMV1_UPTO_1KW": (1, "10000.00", "2000.00", 1, 1, "10000.00", "2000.00"),
            # 2 and 3: P 20000.00 + 8000.00, L 3000.00 + 1000.01; 2 has paid 20000.00 of 20300.00.
            "LMV1_ABOVE_1KW": (2, "28000.00", "4000.01", 1, 0, "20000.00", "0.00"),
            "LMV2_UPTO_1KW": ZERO,
            # 4 and 7: P 30000.00 + 9000.00, L 6000.00 + 1000.01.
            "LMV2_ABOVE_1KW": (2, "39000.00", "7000.01", 1, 1, "30600.00", "5400.00"),
            "LMV4B": ZERO,
            "LMV5": (1, "40000.00", "4000.00", 0, 0, "0.00", "0.00"),
            "LMV6": (1, "5000.00", "500.00", 0, 0, "0.00", "0.00"),
            # 7 eligible: P 87000.00 + 30000.00 + 5000.00 = 122000.00; L 11000.02 + 6000.00 + 500.00.
            "ALL": (7, "122000.00", "17500.02", 3, 2, "60600.00", "7400.00"),
        },
        DAY_2: {
            "LMV1_UPTO_1KW": (1, "10000.00", "2000.00", 1, 1, "10000.00", "2000.00"),
            # 20300.00 + 8300.00 collected; W 2700.00 + 700.01.
            "LMV1_ABOVE_1KW": (2, "28000.00", "4000.01", 2, 2, "28600.00", "3400.01"),
            "LMV2_UPTO_1KW": ZERO,
            "LMV2_ABOVE_1KW": (2, "39000.00", "7000.01", 1, 1, "30600.00", "5400.00"),
            "LMV4B": ZERO,
            "LMV5": (1, "40000.00", "4000.00", 1, 1, "40000.00", "4000.00"),
            "LMV6": (1, "5000.00", "500.00", 0, 0, "0.00", "0.00"),
            "ALL": (7, "122000.00", "17500.02", 5, 5, "109200.00", "14800.01"),
        },
    },
}
FORM1_EXPECTED[OTS2023_MOVED_FULL_PAYMENT] = {
    DAY_1: FORM1_EXPECTED[OTS2023_MOVED][DAY_1],
    DAY_2: {
        **FORM1_EXPECTED[OTS2023_MOVED][DAY_2],
        # 2 is not fully paid in P2 (20300.00 of 20600.00); 3 is, with W 700.01.
        "LMV1_ABOVE_1KW": (2, "28000.00", "4000.01", 2, 1, "28600.00", "700.01"),
        "ALL": (7, "122000.00", "17500.02", 5, 4, "109200.00", "12100.01"),
    },
}

# Form 2 numbers for the substation: (eligible_defaulters, notices_served_cum, camps_today,
# camps_cum, registered_today, registered_cum, fully_paid_today, fully_paid_cum, collected_today,
# collected_cum).
FORM2_NUMBERS = (
    "eligible_defaulters", "notices_served_cum", "camps_today", "camps_cum", "registered_today",
    "registered_cum", "fully_paid_today", "fully_paid_cum", "collected_today", "collected_cum",
)
FORM2_EXPECTED: dict[str, dict[date, tuple]] = {
    OTS2021: {
        DAY_1: (5, 0, 0, 0, 2, 2, 2, 2, "30000.00", "30000.00"),
        # Today: 300.00 + 8300.00 + 40000.00 = 48600.00; 6 becomes fully paid.
        DAY_2: (5, 0, 0, 0, 2, 4, 1, 3, "48600.00", "78600.00"),
    },
    OTS2023_MOVED: {
        DAY_1: (7, 0, 0, 0, 3, 3, 2, 2, "60600.00", "60600.00"),
        # 2, 3 and 6 become fully paid.
        DAY_2: (7, 0, 0, 0, 2, 5, 3, 5, "48600.00", "109200.00"),
    },
    OTS2023_MOVED_FULL_PAYMENT: {
        DAY_1: (7, 0, 0, 0, 3, 3, 2, 2, "60600.00", "60600.00"),
        # 3 and 6 become fully paid.
        DAY_2: (7, 0, 0, 0, 2, 5, 2, 4, "48600.00", "109200.00"),
    },
}

# The Hindi label that the people's copies print for one sub-category of each file.
LABEL_IN_XLSX = {
    OTS2021: "घरेलू, 2 कि0वा0 तक",
    OTS2023_MOVED: "घरेलू, 1 कि0वा0 तक",
    OTS2023_MOVED_FULL_PAYMENT: "घरेलू, 1 कि0वा0 तक",
}


def ots2023_moved_to_2021(full_payment: bool) -> dict[str, Any]:
    """The shipped 2023 rules with their dates moved so that 21.10.2021 is in P1 and 22.10.2021 in P2."""
    rules = yaml.safe_load((SCHEMES_DIR / "ots2023.yaml").read_text(encoding="utf-8"))
    rules["window"] = {"start": date(2021, 10, 21), "end": date(2021, 11, 30)}
    rules["dues_cutoff"] = {"default": date(2021, 9, 30)}
    rules["deadlines"] = {"targets": date(2021, 10, 22), "notices": date(2021, 10, 23)}
    phases = {phase["code"]: phase for phase in rules["phases"]}
    phases["P1"].update(start=date(2021, 10, 21), end=date(2021, 10, 21))
    phases["P2"].update(start=date(2021, 10, 22), end=date(2021, 10, 31))
    phases["P3"].update(start=date(2021, 11, 1), end=date(2021, 11, 30))
    if full_payment:
        rules["waiver_basis"]["phase"] = "FULL_PAYMENT"
    return rules


def scheme_file(run: str, folder: Path) -> Path:
    if run == OTS2021:
        return SCHEMES_DIR / "ots2021.yaml"
    path = folder / "ots2023-in-2021.yaml"
    rules = ots2023_moved_to_2021(full_payment=run == OTS2023_MOVED_FULL_PAYMENT)
    path.write_text(yaml.safe_dump(rules, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class Run:
    """What one rules file's run left: Form 1 and Form 2 rows by day, and each day's XLSX texts."""

    form1: dict[date, dict[tuple[str, str, str], dict[str, Any]]]
    form2: dict[date, dict[tuple[str, str], dict[str, Any]]]
    xlsx_texts: dict[date, set[str]]


def _database_url(server: ConnectionParams, dbname: str) -> str:
    with_db = ConnectionParams(server.host, server.port, server.user, server.password, dbname)
    return with_db.sqlalchemy_url(driver="psycopg").replace("postgresql+psycopg", "postgresql")


def _xlsx_texts(path: Path) -> set[str]:
    workbook = load_workbook(path, read_only=True)
    return {
        cell for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
        for cell in row if isinstance(cell, str)
    }


@pytest.fixture(scope="module", params=RUNS)
def scheme_run(
    request: pytest.FixtureRequest, embedded_server: ConnectionParams, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Run]]:
    """Run both days through `run_day` under one rules file, in a fresh database and folders."""
    from samadhan.pipeline import run_day
    from samadhan.warehouse import connect

    run_name: str = request.param
    base = tmp_path_factory.mktemp("two_schemes")
    dbname = f"samadhan_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(embedded_server.conninfo(), autocommit=True) as conn:
        conn.execute(f'create database "{dbname}"')
    try:
        with pytest.MonkeyPatch.context() as monkeypatch:
            monkeypatch.setenv("SAMADHAN_DATABASE_URL", _database_url(embedded_server, dbname))
            monkeypatch.setenv("SAMADHAN_LANDING_DIR", str(base / "landing"))
            monkeypatch.setenv("SAMADHAN_OUTPUT_DIR", str(base / "output"))
            monkeypatch.setenv("SAMADHAN_SCHEME_FILE", str(scheme_file(run_name, base)))
            run = Run(form1={}, form2={}, xlsx_texts={})
            for day in DAYS:
                write_dump(base / "landing", day, {**SNAPSHOTS, **EVENTS[day]})
                run_day(day)
                with connect() as conn, conn.cursor(row_factory=dict_row) as cursor:
                    form1 = cursor.execute("select * from reports.rpt_form1 where report_date = %s", (day,)).fetchall()
                    form2 = cursor.execute("select * from reports.rpt_form2 where report_date = %s", (day,)).fetchall()
                run.form1[day] = {(row["unit_level"], row["unit_code"], row["sub_category"]): row for row in form1}
                run.form2[day] = {(row["unit_level"], row["unit_code"]): row for row in form2}
                run.xlsx_texts[day] = _xlsx_texts(base / "output" / day.isoformat() / "form1.xlsx")
            yield run_name, run
    finally:
        with psycopg.connect(embedded_server.conninfo(), autocommit=True) as conn:
            conn.execute(f'drop database if exists "{dbname}" with (force)')


def _as_expected(value: Any) -> Any:
    return Decimal(value) if isinstance(value, str) else value


@pytest.mark.parametrize("day", DAYS, ids=lambda day: f"{day:%d.%m}")
def test_form1_has_the_files_sub_categories(scheme_run: tuple[str, Run], day: date) -> None:
    run_name, run = scheme_run
    beat_sub_categories = {sub for level, code, sub in run.form1[day] if level == "BEAT"}
    assert beat_sub_categories == set(FORM1_EXPECTED[run_name][day])


@pytest.mark.parametrize("level", ["BEAT", "SUBSTATION", "DIVISION", "DISCOM", "TOTAL"])
@pytest.mark.parametrize("day", DAYS, ids=lambda day: f"{day:%d.%m}")
def test_form1_numbers(scheme_run: tuple[str, Run], day: date, level: str) -> None:
    run_name, run = scheme_run
    unit_code = {"BEAT": "KKR-B1", "SUBSTATION": "KANKAR", "DIVISION": "MRT-D1", "DISCOM": "PVVNL", "TOTAL": "ALL"}[level]
    differences = []
    for sub_category, numbers in FORM1_EXPECTED[run_name][day].items():
        row = run.form1[day].get((level, unit_code, sub_category))
        if row is None:
            differences.append(f"{sub_category}: row missing")
            continue
        for column, value in zip(FORM1_NUMBERS, numbers, strict=True):
            if row[column] != _as_expected(value):
                differences.append(f"{sub_category} {column}: expected {value}, got {row[column]}")
    assert differences == []


@pytest.mark.parametrize("day", DAYS, ids=lambda day: f"{day:%d.%m}")
def test_form2_numbers(scheme_run: tuple[str, Run], day: date) -> None:
    run_name, run = scheme_run
    row = run.form2[day][("SUBSTATION", "KANKAR")]
    actual = tuple(row[column] for column in FORM2_NUMBERS)
    assert actual == tuple(_as_expected(value) for value in FORM2_EXPECTED[run_name][day])
    assert run.form2[day][("TOTAL", "ALL")]["collected_cum"] == row["collected_cum"]


def test_people_copy_prints_the_files_labels(scheme_run: tuple[str, Run]) -> None:
    run_name, run = scheme_run
    other_labels = set(LABEL_IN_XLSX.values()) - {LABEL_IN_XLSX[run_name]}
    texts = run.xlsx_texts[DAY_2]
    assert LABEL_IN_XLSX[run_name] in texts
    assert not other_labels & texts
