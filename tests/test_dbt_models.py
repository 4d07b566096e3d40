"""The dbt project end to end: a hand-made population over two days, built by `samadhan.transform`.

The scheme is the 2021 default (100% of LPSC waived up to 2 kW and for tube wells, 50% above 2 kW;
LMV-2 eligible up to 5 kW). Every expected number below is worked out by hand in the comments.

Hierarchy: discom D1 > Z1 > C1 > V1 > S1 > substations SS1 (feeder F1: beats B1, B2) and SS2 (F2: B3);
discom D2 > Z2 > C2 > V2 > S2 > SS3 > F3 > B4.

Consumers (the same snapshot on both days):
  A01 LMV-1 2 kW   B1  10000.00 + 2000.00  100% -> waiver 2000.00, settlement 10000.00
  A02 LMV-1 3 kW   B1   8000.00 + 1000.05   50% -> waiver 500.03 (500.025 rounded up), settlement 8500.02
  A03 LMV-2 4 kW   B2   5000.00 +  600.00   50% -> waiver 300.00, settlement 5300.00
  A04 LMV-2 6 kW   B2   not eligible (LMV-2 only up to 5 kW)
  A05 LMV-5 5 BHP  B3  20000.00 + 4000.00  100% -> waiver 4000.00, settlement 20000.00
  A06 LMV-4A       B3   not eligible (category)
  A07 LMV-1 1 kW   B3   3000.00 +    0.00  settlement 3000.00
  A08 LMV-1 1 kW   B4   4000.00 +  400.00  never registers
  A09 LMV-1 1 kW   B1   not eligible (no dues)
  A10 LMV-1 1 kW   B4   1500.00 +  500.00, revised on day 2 to 1000.00 + 200.00 -> settlement 1000.00
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import psycopg
import pytest
import yaml

from samadhan.contract import DUMP_FILES
from samadhan.loading.schema import ensure_schema
from samadhan.rules import load_scheme, write_rules_tables
from samadhan.settings import PROJECT_ROOT
from samadhan.transform import TransformFailed, build_day, run_unit_tests
from samadhan.warehouse import ConnectionParams, connect

DAY_1 = date(2021, 10, 21)
DAY_2 = date(2021, 10, 22)

BEATS = [
    # discom, zone, circle, division, subdivision, substation, feeder, beat
    ("D1", "Z1", "C1", "V1", "S1", "SS1", "F1", "B1"),
    ("D1", "Z1", "C1", "V1", "S1", "SS1", "F1", "B2"),
    ("D1", "Z1", "C1", "V1", "S1", "SS2", "F2", "B3"),
    ("D2", "Z2", "C2", "V2", "S2", "SS3", "F3", "B4"),
]

CONSUMERS = [
    # account, tariff, load, unit, beat, principal, lpsc
    ("3000000001", "LMV-1", "2", "KW", "B1", "10000.00", "2000.00"),
    ("3000000002", "LMV-1", "3", "KW", "B1", "8000.00", "1000.05"),
    ("3000000003", "LMV-2", "4", "KW", "B2", "5000.00", "600.00"),
    ("3000000004", "LMV-2", "6", "KW", "B2", "7000.00", "700.00"),
    ("3000000005", "LMV-5", "5", "BHP", "B3", "20000.00", "4000.00"),
    ("3000000006", "LMV-4A", "1", "KW", "B3", "1000.00", "100.00"),
    ("3000000007", "LMV-1", "1", "KW", "B3", "3000.00", "0.00"),
    ("3000000008", "LMV-1", "1", "KW", "B4", "4000.00", "400.00"),
    ("3000000009", "LMV-1", "1", "KW", "B1", "0.00", "0.00"),
    ("3000000010", "LMV-1", "1", "KW", "B4", "1500.00", "500.00"),
]

# Event rows by the dump that brings them.
REGISTRATIONS = {
    DAY_1: [
        ("R1", "3000000001", "2021-10-21 10:00:00", "LUMPSUM", 1),
        ("R2", "3000000002", "2021-10-21 11:00:00", "INSTALMENT", 6),
        ("R3", "3000000005", "2021-10-21 09:00:00", "LUMPSUM", 1),
    ],
    DAY_2: [
        ("R4", "3000000003", "2021-10-22 10:00:00", "LUMPSUM", 1),
        ("R5", "3000000001", "2021-10-22 09:00:00", "LUMPSUM", 1),  # a second registration: not counted
        ("R6", "3000000010", "2021-10-22 10:00:00", "LUMPSUM", 1),
        ("R7", "3000000007", "2021-10-21 15:00:00", "LUMPSUM", 1),  # dated day 1, reported on day 2
    ],
}

PAYMENTS = {
    DAY_1: [
        ("P1", "3000000001", "10000.00", "2021-10-21 10:30:00", None),
        ("P2", "3000000002", "4000.00", "2021-10-21 11:30:00", None),
        ("P3", "3000000005", "20000.00", "2021-10-21 12:00:00", None),
        ("P4", "3000000008", "500.00", "2021-10-21 12:00:00", None),  # never registered: not counted
    ],
    DAY_2: [
        ("P5", "3000000002", "4500.02", "2021-10-22 11:00:00", None),  # reaches 8500.02 exactly
        ("P6", "3000000005", "-20000.00", "2021-10-22 09:00:00", "P3"),  # the cheque bounced
        ("P7", "3000000003", "2000.00", "2021-10-21 16:00:00", None),  # before registering: not counted
        ("P8", "3000000003", "5300.00", "2021-10-22 11:00:00", None),
        ("P9", "3000000010", "1000.00", "2021-10-22 12:00:00", None),
        ("P10", "3000000007", "3000.00", "2021-10-21 16:00:00", None),  # late, after its registration
        ("P11", "3000000008", "-500.00", "2021-10-22 10:00:00", "P4"),  # reverses an uncounted receipt
    ],
}

BILL_REVISIONS = {
    DAY_1: [("Q1", "3000000010", "REQUESTED", "2021-10-21 10:00:00", None, None)],
    DAY_2: [("Q1", "3000000010", "REVISED", "2021-10-22 09:00:00", "1000.00", "200.00")],
}

NOTICE_DELIVERIES = {
    DAY_1: [
        ("OTS2021/3000000001", "3000000001", "2021-10-21", "SERVED"),
        ("OTS2021/3000000003", "3000000003", "2021-10-21", "REFUSED"),
    ],
    DAY_2: [("OTS2021/3000000002", "3000000002", "2021-10-22", "SERVED")],
}

CAMPS = {
    DAY_1: [("CAMP1", "SS1", "2021-10-21"), ("CAMP2", "SS2", "2021-10-21")],
    DAY_2: [("CAMP3", "SS1", "2021-10-22"), ("CAMP4", "SS1", "2021-10-21")],
}

TARGETS = {
    DAY_1: [
        ("BEAT", "B1", "LMV1_UPTO_2KW", 2, "20000.00", "2021-10-21"),
        ("BEAT", "B1", "LMV1_ABOVE_2KW", 1, "9000.00", "2021-10-21"),
        ("ZONE", "Z1", "LMV1_UPTO_2KW", 4, "30000.00", "2021-10-21"),
        ("ZONE", "Z1", "LMV1_ABOVE_2KW", 2, "10000.00", "2021-10-21"),
        ("ZONE", "Z1", "LMV2_2_TO_5KW", 1, "5000.00", "2021-10-21"),
        ("ZONE", "Z1", "LMV5", 1, "20000.00", "2021-10-21"),
        ("ZONE", "Z2", "LMV1_UPTO_2KW", 2, "6000.00", "2021-10-21"),
    ],
    DAY_2: [("BEAT", "B1", "LMV1_UPTO_2KW", 1, "10000.00", "2021-10-22")],  # revises day 1's
}


def _create_partitions(conn: psycopg.Connection) -> None:
    for dump_file in DUMP_FILES:
        table = dump_file.table
        for day in (DAY_1, DAY_2):
            conn.execute(
                f"create table if not exists {table}_{day:%Y%m%d} partition of {table}"
                f" for values in ('{day.isoformat()}')"
            )


def _insert(conn: psycopg.Connection, table: str, columns: str, rows: list[tuple], day: date) -> None:
    names = [name.strip() for name in columns.split(",")] + ["dump_date", "source_file", "source_line"]
    placeholders = ", ".join(["%s"] * len(names))
    file_name = table.removeprefix("billing.") + ".csv"
    for line, row in enumerate(rows, start=2):
        conn.execute(
            f"insert into {table} ({', '.join(names)}) values ({placeholders})",
            (*row, day, file_name, line),
        )


def load_population(conn: psycopg.Connection) -> None:
    """Create the billing and rules tables and insert the two days of hand-made dumps."""
    ensure_schema(conn)
    write_rules_tables(conn, load_scheme())
    _create_partitions(conn)
    for day in (DAY_1, DAY_2):
        hierarchy_rows = [
            tuple(value for code in beat for value in (code, f"{code} name")) for beat in BEATS
        ]
        _insert(
            conn, "billing.hierarchy",
            "discom_code, discom_name, zone_code, zone_name, circle_code, circle_name, division_code,"
            " division_name, subdivision_code, subdivision_name, substation_code, substation_name,"
            " feeder_code, feeder_name, beat_code, beat_name",
            hierarchy_rows, day,
        )
        consumer_rows = [
            (account, f"Consumer {account}", tariff, "URBAN", Decimal(load), unit, "ACTIVE", beat,
             Decimal(principal), Decimal(lpsc), date(2021, 9, 30), False)
            for account, tariff, load, unit, beat, principal, lpsc in CONSUMERS
        ]
        _insert(
            conn, "billing.consumers",
            "account_no, consumer_name, tariff_category, supply_area, sanctioned_load, load_unit,"
            " connection_status, beat_code, principal_arrears, lpsc_arrears, dues_cutoff_date, court_case",
            consumer_rows, day,
        )
        _insert(
            conn, "billing.registrations",
            "registration_no, account_no, registered_at, payment_option, instalments, registration_amount,"
            " bill_revision_opted, channel",
            [(*row, Decimal("0.00"), False, "COUNTER") for row in REGISTRATIONS[day]], day,
        )
        _insert(
            conn, "billing.payments",
            "receipt_no, account_no, amount, paid_at, reverses_receipt_no, channel",
            [(*row, "COUNTER") for row in PAYMENTS[day]], day,
        )
        _insert(
            conn, "billing.bill_revisions",
            "request_no, account_no, event, event_at, revised_principal, revised_lpsc",
            BILL_REVISIONS[day], day,
        )
        _insert(
            conn, "billing.notice_deliveries",
            "notice_no, account_no, delivered_on, outcome, delivered_by_staff_id",
            [(*row, "MR1") for row in NOTICE_DELIVERIES[day]], day,
        )
        _insert(
            conn, "billing.camps",
            "camp_id, substation_code, camp_date, started_at, organised_by_staff_id",
            [(*row, datetime.fromisoformat(row[2] + " 10:00:00"), "JE1") for row in CAMPS[day]], day,
        )
        _insert(
            conn, "billing.targets",
            "unit_level, unit_code, sub_category, target_consumers, target_amount, set_on, set_by_staff_id",
            [(*row, "EE1") for row in TARGETS[day]], day,
        )


def _rows(conn: psycopg.Connection, query: str, *params: object) -> dict[tuple[str, str], dict]:
    cursor = conn.execute(query, params)
    names = [column.name for column in cursor.description]
    result = {}
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        key = (row["unit_level"], row["unit_code"]) + ((row["sub_category"],) if "sub_category" in row else ())
        result[key] = row
    return result


@dataclass(frozen=True)
class BuiltForms:
    """Form 2 as built for day 1, and Forms 1 and 2 as built for day 2, keyed by unit (and sub-category)."""

    day_1_form2: dict
    form1: dict
    form2: dict
    # Each built relation of the `build` schema and its columns, in order.
    columns: dict[str, list[str]]


@pytest.fixture(scope="module")
def built(embedded_server: ConnectionParams) -> Iterator[BuiltForms]:
    """Load the population into a new database on the embedded server and build both days once."""
    dbname = f"samadhan_test_{uuid.uuid4().hex[:12]}"
    database = ConnectionParams(
        embedded_server.host, embedded_server.port, embedded_server.user, embedded_server.password, dbname
    )
    with psycopg.connect(embedded_server.conninfo(), autocommit=True) as conn:
        conn.execute(f'create database "{dbname}"')
    url = database.sqlalchemy_url(driver="psycopg").replace("postgresql+psycopg", "postgresql")
    try:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("SAMADHAN_DATABASE_URL", url)
            with connect() as conn:
                load_population(conn)
                conn.commit()
            build_day(DAY_1)
            with connect() as conn:
                day_1_form2 = _rows(conn, "select * from build.rpt_form2")
            build_day(DAY_2)
            run_unit_tests(DAY_2)
            with connect() as conn:
                form1 = _rows(conn, "select * from build.rpt_form1 where report_date = %s", DAY_2)
                form2 = _rows(conn, "select * from build.rpt_form2 where report_date = %s", DAY_2)
                columns: dict[str, list[str]] = {}
                for table, column in conn.execute(
                    "select table_name, column_name from information_schema.columns"
                    " where table_schema = 'build' order by table_name, ordinal_position"
                ):
                    columns.setdefault(table, []).append(column)
            yield BuiltForms(day_1_form2, form1, form2, columns)
    finally:
        with psycopg.connect(embedded_server.conninfo(), autocommit=True) as conn:
            conn.execute(f'drop database if exists "{dbname}" with (force)')


def test_form2_first_day(built):
    total = built.day_1_form2[("TOTAL", "ALL")]
    # Day 1 has no day before: every "today" equals its cumulative figure.
    assert total["registered_cum"] == 3  # A01, A02, A05
    assert total["registered_today"] == 3
    assert total["fully_paid_cum"] == 2  # A01 (10000.00), A05 (20000.00)
    assert total["fully_paid_today"] == 2
    assert total["collected_cum"] == Decimal("34000.00")  # 10000 + 4000 + 20000; A08's 500 uncounted
    assert total["collected_today"] == Decimal("34000.00")
    assert total["camps_cum"] == 2
    assert total["camps_today"] == 2
    assert total["notices_served_cum"] == 1  # A01; A03's notice was refused


def test_form2_second_day_total(built):
    form2 = built.form2
    total = form2[("TOTAL", "ALL")]
    assert total["unit_name"] == "कुल योग"
    assert total["eligible_defaulters"] == 7  # A01 A02 A03 A05 A07 A08 A10
    assert total["notices_served_cum"] == 2  # A01, A02
    assert total["camps_cum"] == 4
    assert total["camps_today"] == 2  # CAMP3, and CAMP4 reported late
    assert total["registered_cum"] == 6  # A07's late registration counts; R5 does not count again
    assert total["registered_today"] == 3  # A03, A07, A10
    assert total["fully_paid_cum"] == 5  # A01 A02 A03 A07 A10; A05's cheque bounced
    assert total["fully_paid_today"] == 4  # A02 A03 A07 A10
    # 10000.00 + 8500.02 + 5300.00 + 0.00 + 3000.00 + 1000.00
    assert total["collected_cum"] == Decimal("27800.02")
    assert total["collected_today"] == Decimal("-6199.98")  # 27800.02 - 34000.00


def test_form2_substations_and_subtotals(built):
    form2 = built.form2
    assert set(form2) == {
        ("SUBSTATION", "SS1"), ("SUBSTATION", "SS2"), ("SUBSTATION", "SS3"),
        ("SUBDIVISION", "S1"), ("SUBDIVISION", "S2"), ("DIVISION", "V1"), ("DIVISION", "V2"),
        ("CIRCLE", "C1"), ("CIRCLE", "C2"), ("ZONE", "Z1"), ("ZONE", "Z2"),
        ("DISCOM", "D1"), ("DISCOM", "D2"), ("TOTAL", "ALL"),
    }
    ss1 = form2[("SUBSTATION", "SS1")]
    assert ss1["eligible_defaulters"] == 3  # A01 A02 A03
    assert ss1["camps_cum"] == 3  # CAMP1 CAMP3 CAMP4
    assert ss1["camps_today"] == 2
    assert ss1["registered_today"] == 1  # A03
    assert ss1["fully_paid_today"] == 2  # A02 A03
    assert ss1["collected_cum"] == Decimal("23800.02")
    assert ss1["collected_today"] == Decimal("9800.02")  # 23800.02 - (10000.00 + 4000.00)
    ss2 = form2[("SUBSTATION", "SS2")]
    assert ss2["collected_today"] == Decimal("-17000.00")  # 3000.00 - 20000.00
    assert ss2["fully_paid_cum"] == 1  # A07
    d1 = form2[("DISCOM", "D1")]
    assert d1["collected_cum"] == ss1["collected_cum"] + ss2["collected_cum"]


def test_form1_grand_total(built):
    form1 = built.form1
    total = form1[("TOTAL", "ALL", "ALL")]
    # Scheme principal with A10's revision: 10000 + 8000 + 5000 + 20000 + 3000 + 4000 + 1000
    assert total["principal_arrears"] == Decimal("51000.00")
    # 2000.00 + 1000.05 + 600.00 + 4000.00 + 0.00 + 400.00 + 200.00
    assert total["lpsc_arrears"] == Decimal("8200.05")
    # Waiver of the fully paid: A01 2000.00 + A02 500.03 + A03 300.00 + A07 0.00 + A10 200.00
    assert total["waiver_granted_cum"] == Decimal("3000.03")
    # Discom targets add up their zones', the total its discoms': 4+2+1+1 (Z1) + 2 (Z2)
    assert total["target_consumers"] == 10
    assert total["target_amount"] == Decimal("71000.00")
    assert total["registered_pct"] == Decimal("60.00")  # 6 / 10
    assert total["collected_pct"] == Decimal("39.15")  # 27800.02 / 71000.00 = 39.1549...
    assert total["rank_in_parent"] is None


def test_form1_targets_and_ranks(built):
    form1 = built.form1
    b1_upto = form1[("BEAT", "B1", "LMV1_UPTO_2KW")]
    assert b1_upto["target_consumers"] == 1  # day 2's row replaces day 1's
    assert b1_upto["registered_pct"] == Decimal("100.00")
    b1_all = form1[("BEAT", "B1", "ALL")]
    assert b1_all["target_consumers"] == 2
    assert b1_all["target_amount"] == Decimal("19000.00")
    assert b1_all["collected_pct"] == Decimal("97.37")  # 18500.02 / 19000.00 = 97.3685...
    # B2 has an eligible LMV-2 defaulter and no target: its ALL target is not set.
    assert form1[("BEAT", "B2", "ALL")]["target_consumers"] is None
    assert form1[("BEAT", "B2", "ALL")]["rank_in_parent"] is None
    z1 = form1[("ZONE", "Z1", "ALL")]
    assert z1["registered_pct"] == Decimal("62.50")  # 5 / 8
    assert form1[("DISCOM", "D1", "ALL")]["rank_in_parent"] == 1  # 62.50
    assert form1[("DISCOM", "D2", "ALL")]["rank_in_parent"] == 2  # 50.00
    # A sub-category nobody is in still has its row, with zeros.
    lmv2_small = form1[("DISCOM", "D2", "LMV2_UPTO_2KW")]
    assert lmv2_small["eligible_defaulters"] == 0
    assert lmv2_small["collected_cum"] == Decimal("0.00")
    assert lmv2_small["target_consumers"] is None
    # 4 beats, 3 feeders, 3 substations, 2 units of each level above and the total; 5 sub-categories + ALL
    assert len(form1) == (4 + 3 + 3 + 2 + 2 + 2 + 2 + 2 + 1) * 6


def test_build_day_without_rules_fails(embedded_warehouse):
    with connect() as conn:
        ensure_schema(conn)
        conn.commit()
    with pytest.raises(TransformFailed) as failure:
        build_day(DAY_1)
    assert failure.value.failed_nodes


# The models that BI tools and headquarters read: every column is described in English and Hindi.
READER_MODEL_FOLDERS = ("marts", "reports", "compliance", "notices")
DEVANAGARI = re.compile("[\u0900-\u097F]")
LATIN_WORD = re.compile("[A-Za-z]{2,}")


def _reader_models() -> dict[str, dict]:
    models = {}
    for folder in READER_MODEL_FOLDERS:
        for path in sorted((PROJECT_ROOT / "dbt_project" / "models" / folder).glob("_*.yml")):
            for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
                if folder in ("marts", "reports") or model["name"].startswith("fct_"):
                    models[model["name"]] = model
    return models


def test_reader_columns_described_in_both_languages(built):
    models = _reader_models()
    expected_some = {"rpt_form1", "rpt_form2", "fct_unit_daily_progress", "fct_laggards", "fct_notice_delivery_daily"}
    assert expected_some <= set(models)
    problems = []
    for name, model in sorted(models.items()):
        documented = [column["name"] for column in model.get("columns", [])]
        if sorted(documented) != sorted(built.columns.get(name, [])):
            problems.append(f"{name}: documented {documented}, built {built.columns.get(name)}")
        for column in model.get("columns", []):
            text = column.get("description") or ""
            if not (DEVANAGARI.search(text) and LATIN_WORD.search(text)):
                problems.append(f"{name}.{column['name']}: description not in both English and Hindi: {text!r}")
    assert problems == []
