"""A small hand-made population for the monitoring tests, inserted straight into `billing.*`.

Hierarchy (the same on every day): discom DK1 > zone Z1 > circle C1 > division V1 > sub-divisions
S1 (substation SS1, feeder F1, beat B1) and S2 (SS2, F2, B2); DK1 > zone Z2 > C2 > V2 > S3 > SS3 >
F3 > B3. Officers: CE1 (Z1), CE2 (Z2), SE1, SE2, EE1 (V1), EE2 (V2), SDO1-3, JE1-3 (at the
substations, none at the feeders), meter readers MR1-3, discom HQ HQ1.

Consumers: A1 (B1, LMV-1 1 kW, mobile "+91 98765 43210"), A2 (B2, LMV-1 1 kW, mobile "12345"),
A3 (B3, LMV-1 1 kW, no mobile), A4 (B1, LMV-5 5 BHP).

Events, by the dump that brings them (dates are the events' own):
- camps: SS1 on 21, 22, 23; SS2 on 21 and 23 only; SS3 on 21, and its 22.10 camp K7 arrives on 23.
- CE visits: CE1 visits Z1's camps on 21 and 23; on 22 CE1 visits only K7, a camp of Z2. CE2 visits
  Z2's camps on 21, 22 (arriving on 23) and 23.
- EE visits: EE1 visits S1 on 21, 22, 23 and S2 on 21 only (SDO2's visit to S2 on 23 does not
  count); EE2 visits S3 on 21, 22 (arriving on 23) and 23.
- targets (deadline 22.10): every unit from zone to beat gets LMV1_UPTO_2KW on 21.10, except B3's,
  set on 22.10 and arriving on 23, and F2's, set on 23.10 (too late); LMV5 (only under B1) gets a
  target everywhere above B1, never at B1.
- bill revisions (limit 7 days to decide, 2 days to deliver):
  Q1 (A1) requested 21.10, revised 29.10 (8 days), SMS 29.10, web 30.10;
  Q2 (A2) requested 21.10, revised 22.10, SMS 22.10, never published;
  Q3 (A3) requested 22.10, rejected 23.10;
  Q4 (A3) requested 21.10, revised 28.10 (7 days, in time), arriving on 30.10 with its SMS and web.
- registrations: A1 on 21.10 and A2 on 22.10.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from samadhan.contract import DUMP_FILES
from samadhan.loading.schema import ensure_schema
from samadhan.rules import load_scheme, write_rules_tables
from samadhan.warehouse import ConnectionParams, connect

FIRST_DAY = date(2021, 10, 21)
LAST_DAY = date(2021, 10, 30)
DAYS = [FIRST_DAY + timedelta(days=offset) for offset in range((LAST_DAY - FIRST_DAY).days + 1)]


def day(number: int) -> date:
    """Return the date of October 2021 with that day number."""
    return date(2021, 10, number)


BEATS = [
    # discom, zone, circle, division, subdivision, substation, feeder, beat
    ("DK1", "Z1", "C1", "V1", "S1", "SS1", "F1", "B1"),
    ("DK1", "Z1", "C1", "V1", "S2", "SS2", "F2", "B2"),
    ("DK1", "Z2", "C2", "V2", "S3", "SS3", "F3", "B3"),
]

STAFF = [
    # staff_id, name, post, unit_level, unit_code, mobile
    ("HQ1", "Discom HQ", "DISCOM_HQ", "DISCOM", "DK1", "9000000001"),
    ("CE1", "Chief One", "CE", "ZONE", "Z1", "9000000002"),
    ("CE2", "Chief Two", "CE", "ZONE", "Z2", "9000000003"),
    ("SE1", "Super One", "SE", "CIRCLE", "C1", None),
    ("SE2", "Super Two", "SE", "CIRCLE", "C2", None),
    ("EE1", "Exec One", "EE", "DIVISION", "V1", None),
    ("EE2", "Exec Two", "EE", "DIVISION", "V2", None),
    ("SDO1", "Sdo One", "SDO", "SUBDIVISION", "S1", None),
    ("SDO2", "Sdo Two", "SDO", "SUBDIVISION", "S2", None),
    ("SDO3", "Sdo Three", "SDO", "SUBDIVISION", "S3", None),
    ("JE1", "Je One", "JE", "SUBSTATION", "SS1", None),
    ("JE2", "Je Two", "JE", "SUBSTATION", "SS2", None),
    ("JE3", "Je Three", "JE", "SUBSTATION", "SS3", None),
    ("MR1", "Reader One", "METER_READER", "BEAT", "B1", "9111111111"),
    ("MR2", "Reader Two", "METER_READER", "BEAT", "B2", "9222222222"),
    ("MR3", "Reader Three", "METER_READER", "BEAT", "B3", None),
]

CONSUMERS = [
    # account, name, tariff, load, unit, beat, principal, lpsc, mobile
    ("3000000001", "राम कुमार", "LMV-1", "1", "KW", "B1", "10000.00", "2000.00", "+91 98765 43210"),
    ("3000000002", "Sita Devi", "LMV-1", "1", "KW", "B2", "5000.00", "500.00", "12345"),
    ("3000000003", "Mohan Lal", "LMV-1", "1", "KW", "B3", "8000.00", "800.00", None),
    ("3000000004", "Kisan Singh", "LMV-5", "5", "BHP", "B1", "20000.00", "4000.00", "9876500000"),
]

CAMPS = {
    day(21): [("K1", "SS1", day(21)), ("K2", "SS2", day(21)), ("K3", "SS3", day(21))],
    day(22): [("K4", "SS1", day(22))],
    day(23): [("K5", "SS1", day(23)), ("K6", "SS2", day(23)), ("K7", "SS3", day(22)), ("K8", "SS3", day(23))],
}

CAMP_VISITS = {
    day(21): [
        ("X1", "K1", "CE1", "2021-10-21 11:00:00"),
        ("X2", "K3", "CE2", "2021-10-21 12:00:00"),
        ("Y1", "K1", "EE1", "2021-10-21 13:00:00"),
        ("Y2", "K2", "EE1", "2021-10-21 15:00:00"),
        ("Y3", "K3", "EE2", "2021-10-21 15:00:00"),
    ],
    day(22): [("Y4", "K4", "EE1", "2021-10-22 11:00:00")],
    day(23): [
        ("X3", "K7", "CE1", "2021-10-22 16:00:00"),
        ("X4", "K7", "CE2", "2021-10-22 17:00:00"),
        ("X5", "K5", "CE1", "2021-10-23 10:00:00"),
        ("X6", "K8", "CE2", "2021-10-23 10:00:00"),
        ("Y5", "K5", "EE1", "2021-10-23 12:00:00"),
        ("Y6", "K7", "EE2", "2021-10-22 12:00:00"),
        ("Y7", "K8", "EE2", "2021-10-23 12:00:00"),
        ("Y8", "K6", "SDO2", "2021-10-23 12:00:00"),
    ],
}

_UPTO_2KW_UNITS = [
    ("ZONE", "Z1"), ("ZONE", "Z2"), ("CIRCLE", "C1"), ("CIRCLE", "C2"), ("DIVISION", "V1"),
    ("DIVISION", "V2"), ("SUBDIVISION", "S1"), ("SUBDIVISION", "S2"), ("SUBDIVISION", "S3"),
    ("SUBSTATION", "SS1"), ("SUBSTATION", "SS2"), ("SUBSTATION", "SS3"), ("FEEDER", "F1"),
    ("FEEDER", "F3"), ("BEAT", "B1"), ("BEAT", "B2"),
]
_LMV5_UNITS = [
    ("ZONE", "Z1"), ("CIRCLE", "C1"), ("DIVISION", "V1"), ("SUBDIVISION", "S1"), ("SUBSTATION", "SS1"),
    ("FEEDER", "F1"),
]

TARGETS = {
    # unit_level, unit_code, sub_category, target_consumers, target_amount, set_by, set_on
    day(21): [
        *[(level, code, "LMV1_UPTO_2KW", 2, Decimal("20000.00"), "HQ1", day(21)) for level, code in _UPTO_2KW_UNITS],
        *[(level, code, "LMV5", 1, Decimal("20000.00"), "HQ1", day(21)) for level, code in _LMV5_UNITS],
    ],
    day(23): [
        ("BEAT", "B3", "LMV1_UPTO_2KW", 1, Decimal("8000.00"), "JE3", day(22)),
        ("FEEDER", "F2", "LMV1_UPTO_2KW", 1, Decimal("5000.00"), "JE2", day(23)),
    ],
}

BILL_REVISIONS = {
    # request_no, account_no, event, event_at, revised_principal, revised_lpsc, acted_by
    day(21): [
        ("Q1", "3000000001", "REQUESTED", "2021-10-21 10:00:00", None, None, None),
        ("Q2", "3000000002", "REQUESTED", "2021-10-21 10:00:00", None, None, None),
        ("Q4", "3000000003", "REQUESTED", "2021-10-21 11:00:00", None, None, None),
    ],
    day(22): [
        ("Q2", "3000000002", "REVISED", "2021-10-22 10:00:00", Decimal("4000.00"), Decimal("400.00"), "SDO2"),
        ("Q2", "3000000002", "SMS_SENT", "2021-10-22 18:00:00", None, None, None),
        ("Q3", "3000000003", "REQUESTED", "2021-10-22 10:00:00", None, None, None),
    ],
    day(23): [("Q3", "3000000003", "REJECTED", "2021-10-23 10:00:00", None, None, "SDO3")],
    day(29): [
        ("Q1", "3000000001", "REVISED", "2021-10-29 10:00:00", Decimal("9000.00"), Decimal("1500.50"), "SDO1"),
        ("Q1", "3000000001", "SMS_SENT", "2021-10-29 18:00:00", None, None, None),
    ],
    day(30): [
        ("Q1", "3000000001", "WEB_PUBLISHED", "2021-10-30 09:00:00", None, None, None),
        ("Q4", "3000000003", "REVISED", "2021-10-28 16:00:00", Decimal("7000.00"), Decimal("0.00"), "SDO3"),
        ("Q4", "3000000003", "SMS_SENT", "2021-10-29 10:00:00", None, None, None),
        ("Q4", "3000000003", "WEB_PUBLISHED", "2021-10-29 10:00:00", None, None, None),
    ],
}

REGISTRATIONS = {
    day(21): [("R1", "3000000001", "2021-10-21 10:00:00")],
    day(22): [("R2", "3000000002", "2021-10-22 10:00:00")],
}


def _create_partitions(conn: psycopg.Connection) -> None:
    for dump_file in DUMP_FILES:
        for dump_date in DAYS:
            conn.execute(
                f"create table if not exists {dump_file.table}_{dump_date:%Y%m%d} partition of {dump_file.table}"
                f" for values in ('{dump_date.isoformat()}')"
            )


def _insert(conn: psycopg.Connection, table: str, columns: list[str], rows: list[tuple], dump_date: date) -> None:
    names = [*columns, "dump_date", "source_file", "source_line"]
    placeholders = ", ".join(["%s"] * len(names))
    file_name = table.removeprefix("billing.") + ".csv"
    for line, row in enumerate(rows, start=2):
        conn.execute(
            f"insert into {table} ({', '.join(names)}) values ({placeholders})", (*row, dump_date, file_name, line)
        )


def _normalised(mobile: str | None) -> str | None:
    if mobile is None:
        return None
    digits = mobile.replace("+91", "").replace(" ", "")
    return digits if len(digits) == 10 and digits[0] in "6789" else None


def load_population(conn: psycopg.Connection) -> None:
    """Create the billing and rules tables and insert every day's snapshots and events."""
    ensure_schema(conn)
    write_rules_tables(conn, load_scheme())
    _create_partitions(conn)
    for dump_date in DAYS:
        _insert(
            conn, "billing.hierarchy",
            [f"{level}_{part}" for level in ("discom", "zone", "circle", "division", "subdivision", "substation",
                                              "feeder", "beat") for part in ("code", "name")],
            [tuple(value for code in beat for value in (code, f"{code} name")) for beat in BEATS], dump_date,
        )
        _insert(
            conn, "billing.staff",
            ["staff_id", "staff_name", "post", "unit_level", "unit_code", "mobile", "mobile_normalised"],
            [(*row, _normalised(row[5])) for row in STAFF], dump_date,
        )
        _insert(
            conn, "billing.consumers",
            ["account_no", "consumer_name", "tariff_category", "supply_area", "sanctioned_load", "load_unit",
             "connection_status", "beat_code", "principal_arrears", "lpsc_arrears", "dues_cutoff_date",
             "court_case", "mobile", "mobile_normalised", "address"],
            [(account, name, tariff, "URBAN", Decimal(load), unit, "ACTIVE", beat, Decimal(principal),
              Decimal(lpsc), date(2021, 9, 30), False, mobile, _normalised(mobile), f"{beat} गाँव, मकान 1")
             for account, name, tariff, load, unit, beat, principal, lpsc, mobile in CONSUMERS],
            dump_date,
        )
        _insert(
            conn, "billing.camps",
            ["camp_id", "substation_code", "camp_date", "started_at", "organised_by_staff_id"],
            [(*row, datetime.combine(row[2], datetime.min.time()), "JE1") for row in CAMPS.get(dump_date, [])],
            dump_date,
        )
        _insert(
            conn, "billing.camp_visits", ["visit_id", "camp_id", "staff_id", "visited_at"],
            CAMP_VISITS.get(dump_date, []), dump_date,
        )
        _insert(
            conn, "billing.targets",
            ["unit_level", "unit_code", "sub_category", "target_consumers", "target_amount", "set_by_staff_id",
             "set_on"],
            TARGETS.get(dump_date, []), dump_date,
        )
        _insert(
            conn, "billing.bill_revisions",
            ["request_no", "account_no", "event", "event_at", "revised_principal", "revised_lpsc",
             "acted_by_staff_id"],
            BILL_REVISIONS.get(dump_date, []), dump_date,
        )
        _insert(
            conn, "billing.registrations",
            ["registration_no", "account_no", "registered_at", "payment_option", "instalments",
             "registration_amount", "bill_revision_opted", "channel"],
            [(*row, "LUMPSUM", 1, Decimal("0.00"), False, "COUNTER") for row in REGISTRATIONS.get(dump_date, [])],
            dump_date,
        )


@contextmanager
def population_database(server: ConnectionParams, base: Path) -> Iterator[None]:
    """Create a fresh database on `server` holding the population, with every setting pointed at it.

    Like the `embedded_warehouse` fixture, but usable for a whole module; the database is dropped
    afterwards.
    """
    dbname = f"samadhan_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.conninfo(), autocommit=True) as conn:
        conn.execute(f'create database "{dbname}"')
    with_db = ConnectionParams(server.host, server.port, server.user, server.password, dbname)
    url = with_db.sqlalchemy_url(driver="psycopg").replace("postgresql+psycopg", "postgresql")
    try:
        with pytest.MonkeyPatch.context() as monkeypatch:
            monkeypatch.setenv("SAMADHAN_DATABASE_URL", url)
            monkeypatch.setenv("SAMADHAN_LANDING_DIR", str(base / "landing"))
            monkeypatch.setenv("SAMADHAN_OUTPUT_DIR", str(base / "output"))
            with connect() as conn:
                load_population(conn)
                conn.commit()
            yield
    finally:
        with psycopg.connect(server.conninfo(), autocommit=True) as conn:
            conn.execute(f'drop database if exists "{dbname}" with (force)')
