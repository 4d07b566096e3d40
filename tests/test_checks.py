"""The release checks, run through Great Expectations against a real warehouse with hand-written rows.

Each test creates the tables the checks read, with the column names that the loader, the rules
loader and dbt give them, and fills them with one small consistent day. It then breaks one thing on
purpose and asserts the check's status, and that its message names the table and the unit, account
or file at fault.

The day: report date 2021-10-25, one discom D1 > zone Z1 > circle C1 > division DV1 > sub-division
SD1 > substations SS1 and SS2 > feeders F1 (under SS1) and F2 (under SS2) > beats B1 (F1) and B2 (F2).

Consumers of the day's snapshot, under the 2021 rules (LMV-1 any load, LMV-2 up to 5 kW, LMV-5 any):
    3000000001 LMV-1 1.5 KW  on B1, principal 1000.00, LPSC 200.00  eligible, LMV1_UPTO_2KW
    3000000002 LMV-2 5.5 KVA on B2, principal 2000.00, LPSC 500.00  eligible (4.95 kW), LMV2_2_TO_5KW
    3000000003 LMV-5 10 BHP  on B2, principal  300.00, LPSC  50.00  eligible, LMV5
    3000000004 LMV-2 7 KW    on B1, principal  900.00, LPSC  10.00  not eligible (above 5 kW)
    3000000005 LMV-1 1 KW    on B1, principal    0.00, LPSC   0.00  not eligible (no dues)
    3000000006 LMV-2 5 KW    on B1, principal  100.00, LPSC   0.00  eligible (5.000 kW is "up to 5")
Bill revisions of 3000000002: REVISED on 23.10 to 1800.00 + 400.00, then on 24.10 to 1700.00 + 300.00.
So the scheme dues are principal 1000 + 1700 + 300 + 100 = 3100.00 and LPSC 200 + 300 + 50 = 550.00.

Registrations: 3000000001 on 22.10 (and again on 24.10, not counted again), 3000000002 on 24.10,
3000000004 (not eligible) on 23.10. Registered: 2.
Payments: 3000000001 500.00 on 21.10 (before registering: not counted), 600.00 on 22.10, 400.00 on
23.10 reversed on 24.10 (-400.00); 3000000002 1000.00 on 24.10 and a reversal of it for -999.00 (not
its exact negative: not counted), 250.00 on 25.10; 3000000004 700.00; 3000000003 100.00 (not
registered). Collected: 600 + 400 - 400 + 1000 + 250 = 1850.00.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal

import psycopg
import pytest

from samadhan.checks import CheckError, SuiteError, load_suite, run_release_checks
from samadhan.checks.suite import fill_placeholders
from samadhan.contract import DUMP_FILES
from samadhan.warehouse import ConnectionParams

DAY = date(2021, 10, 25)
PREVIOUS_DAY = date(2021, 10, 24)

SUB_CATEGORIES = ("LMV1_UPTO_2KW", "LMV1_ABOVE_2KW", "LMV2_UPTO_2KW", "LMV2_2_TO_5KW", "LMV5")

# unit -> (level, parent level, parent code, name)
UNITS = {
    "D1": ("DISCOM", None, None, "Madhyanchal"),
    "Z1": ("ZONE", "DISCOM", "D1", "Lucknow Zone"),
    "C1": ("CIRCLE", "ZONE", "Z1", "Lucknow Circle"),
    "DV1": ("DIVISION", "CIRCLE", "C1", "Division One"),
    "SD1": ("SUBDIVISION", "DIVISION", "DV1", "Sub-division One"),
    "SS1": ("SUBSTATION", "SUBDIVISION", "SD1", "Substation One"),
    "SS2": ("SUBSTATION", "SUBDIVISION", "SD1", "Substation Two"),
    "F1": ("FEEDER", "SUBSTATION", "SS1", "Feeder One"),
    "F2": ("FEEDER", "SUBSTATION", "SS2", "Feeder Two"),
    "B1": ("BEAT", "FEEDER", "F1", "Beat One"),
    "B2": ("BEAT", "FEEDER", "F2", "Beat Two"),
}

FORM1_MEASURES = (
    "eligible_defaulters", "principal_arrears", "lpsc_arrears", "registered_cum", "fully_paid_cum",
    "collected_cum", "waiver_granted_cum", "notices_served_cum",
)
FORM2_MEASURES = (
    "eligible_defaulters", "notices_served_cum", "camps_today", "camps_cum", "registered_today",
    "registered_cum", "fully_paid_today", "fully_paid_cum", "collected_today", "collected_cum",
)

# Form 1 at beat level, per sub-category, in FORM1_MEASURES order; absent sub-categories are zeros.
BEAT_FORM1 = {
    ("B1", "LMV1_UPTO_2KW"): (1, Decimal("1000.00"), Decimal("200.00"), 1, 0, Decimal("600.00"), 0, 1),
    ("B1", "LMV2_2_TO_5KW"): (1, Decimal("100.00"), Decimal("0.00"), 0, 0, Decimal("0.00"), 0, 0),
    ("B2", "LMV2_2_TO_5KW"): (1, Decimal("1700.00"), Decimal("300.00"), 1, 0, Decimal("1250.00"), 0, 1),
    ("B2", "LMV5"): (1, Decimal("300.00"), Decimal("50.00"), 0, 0, Decimal("0.00"), 0, 0),
}
# Form 2 at substation level, in FORM2_MEASURES order.
SUBSTATION_FORM2 = {
    "SS1": (2, 1, 1, 3, 0, 1, 0, 0, Decimal("0.00"), Decimal("600.00")),
    "SS2": (2, 1, 1, 2, 0, 1, 0, 0, Decimal("250.00"), Decimal("1250.00")),
}

CONSUMERS = [
    # account, tariff, load, unit, status, beat, feeder, principal, lpsc
    ("3000000001", "LMV-1", "1.5", "KW", "ACTIVE", "B1", "F1", "1000.00", "200.00"),
    ("3000000002", "LMV-2", "5.5", "KVA", "TD", "B2", "F2", "2000.00", "500.00"),
    ("3000000003", "LMV-5", "10", "BHP", "PD", "B2", "F2", "300.00", "50.00"),
    ("3000000004", "LMV-2", "7", "KW", "ACTIVE", "B1", "F1", "900.00", "10.00"),
    ("3000000005", "LMV-1", "1", "KW", "ACTIVE", "B1", "F1", "0.00", "0.00"),
    ("3000000006", "LMV-2", "5", "KW", "ACTIVE", "B1", "F1", "100.00", "0.00"),
]
ELIGIBLE = {
    "3000000001": "LMV1_UPTO_2KW", "3000000002": "LMV2_2_TO_5KW", "3000000003": "LMV5",
    "3000000006": "LMV2_2_TO_5KW",
}

PAYMENTS = [
    # receipt, account, amount, paid_at, reverses, dump date
    ("R1", "3000000001", "500.00", "2021-10-21 11:00", None, date(2021, 10, 21)),
    ("R2", "3000000001", "600.00", "2021-10-22 12:00", None, date(2021, 10, 22)),
    ("R3", "3000000001", "400.00", "2021-10-23 09:00", None, date(2021, 10, 23)),
    ("R4", "3000000001", "-400.00", "2021-10-24 09:00", "R3", date(2021, 10, 24)),
    ("R5", "3000000002", "1000.00", "2021-10-24 15:00", None, date(2021, 10, 24)),
    ("R6", "3000000002", "-999.00", "2021-10-24 16:00", "R5", date(2021, 10, 24)),
    ("R7", "3000000004", "700.00", "2021-10-23 10:00", None, date(2021, 10, 23)),
    ("R8", "3000000002", "250.00", "2021-10-25 10:30", None, DAY),
    ("R9", "3000000003", "100.00", "2021-10-25 11:00", None, DAY),
]
REGISTRATIONS = [
    # registration, account, registered_at, dump date
    ("G1", "3000000001", "2021-10-22 10:00", date(2021, 10, 22)),
    ("G2", "3000000001", "2021-10-24 10:00", date(2021, 10, 24)),
    ("G3", "3000000002", "2021-10-24 14:00", date(2021, 10, 24)),
    ("G4", "3000000004", "2021-10-23 10:00", date(2021, 10, 23)),
]


# --- the tables the checks read ----------------------------------------------------------------

def _billing_ddl() -> list[str]:
    """The billing tables with the contract's columns plus dump_date, source_file and source_line."""
    statements = []
    for dump_file in DUMP_FILES:
        columns = [f"{column.name} {column.pg_type}" for column in dump_file.columns]
        columns += ["dump_date date not null", "source_file text", "source_line integer"]
        statements.append(f"create table {dump_file.table} ({', '.join(columns)})")
    return statements


WAREHOUSE_DDL = [
    "create schema billing",
    "create schema rules",
    "create schema audit",
    "create schema build",
    "create schema int",
    *_billing_ddl(),
    """create table rules.eligibility (
        tariff_category text not null, load_min_kw numeric, load_max_kw numeric, connection_statuses text[],
        court_case_allowed boolean not null, dues_cutoff_date date not null, theft_case_allowed boolean)""",
    """create table audit.file_loads (
        dump_date date not null, file_name text not null, rows_in_manifest bigint not null,
        rows_loaded bigint not null, rows_resent bigint not null, rows_quarantined bigint not null,
        sha256 text not null, amount_total numeric(18,2), loaded_at timestamptz not null default now(),
        primary key (dump_date, file_name))""",
    """create table audit.resends (
        dump_date date not null, file_name text not null, line_no integer not null, record_key text not null,
        first_dump_date date not null, first_line_no integer not null)""",
    """create table build.dim_unit (
        unit_level text, unit_code text, unit_name text, parent_level text, parent_code text,
        discom_code text, zone_code text, circle_code text, division_code text, subdivision_code text,
        sort_path text)""",
    "create table build.dim_hierarchy ("
    + ", ".join(
        f"{level}_{part} text"
        for level in ("discom", "zone", "circle", "division", "subdivision", "substation", "feeder", "beat")
        for part in ("code", "name")
    )
    + ")",
    """create table int.int_consumer_scheme_status (
        as_of_date date, account_no text, beat_code text, is_eligible boolean, sub_category text,
        principal_arrears numeric(14,2), lpsc_arrears numeric(14,2), registered boolean,
        net_paid numeric(14,2), fully_paid boolean)""",
    """create table build.rpt_form1 (
        report_date date, unit_level text, unit_code text, unit_name text, sub_category text,
        eligible_defaulters bigint, principal_arrears numeric(16,2), lpsc_arrears numeric(16,2),
        target_consumers bigint, registered_cum bigint, registered_pct numeric(7,2), fully_paid_cum bigint,
        target_amount numeric(16,2), collected_cum numeric(16,2), collected_pct numeric(7,2),
        waiver_granted_cum numeric(16,2), notices_served_cum bigint, rank_in_parent integer)""",
    """create table build.rpt_form2 (
        report_date date, unit_level text, unit_code text, unit_name text, eligible_defaulters bigint,
        notices_served_cum bigint, camps_today bigint, camps_cum bigint, registered_today bigint,
        registered_cum bigint, fully_paid_today bigint, fully_paid_cum bigint,
        collected_today numeric(16,2), collected_cum numeric(16,2))""",
]


def _ancestors(code: str) -> list[str]:
    """The unit's parents up to its discom, nearest first."""
    chain = []
    parent = UNITS[code][2]
    while parent is not None:
        chain.append(parent)
        parent = UNITS[parent][2]
    return chain


def _form1_rows() -> list[tuple]:
    """Every Form 1 row of the day, each unit's numbers the sum of the beats' under it."""
    sums: dict[tuple[str, str], list] = defaultdict(lambda: [0] * len(FORM1_MEASURES))
    for (beat, sub_category), values in BEAT_FORM1.items():
        for unit in [beat, *_ancestors(beat), "ALL"]:
            for key in ((unit, sub_category), (unit, "ALL")):
                sums[key] = [a + b for a, b in zip(sums[key], values, strict=True)]
    rows = []
    for unit in [*UNITS, "ALL"]:
        level = "TOTAL" if unit == "ALL" else UNITS[unit][0]
        for sub_category in (*SUB_CATEGORIES, "ALL"):
            values = sums[(unit, sub_category)]
            rows.append((DAY, level, unit, sub_category, *values))
    return rows


def _form2_rows() -> list[tuple]:
    """Every Form 2 row of the day: substations and the subtotals above them."""
    sums: dict[str, list] = defaultdict(lambda: [0] * len(FORM2_MEASURES))
    for substation, values in SUBSTATION_FORM2.items():
        for unit in [substation, *_ancestors(substation), "ALL"]:
            sums[unit] = [a + b for a, b in zip(sums[unit], values, strict=True)]
    return [
        (DAY, "TOTAL" if unit == "ALL" else UNITS[unit][0], unit, *values) for unit, values in sums.items()
    ]


def _hierarchy_row(beat: str) -> tuple:
    chain = [beat, *_ancestors(beat)][::-1]
    return tuple(value for code in chain for value in (code, UNITS[code][3]))


def _fill_consistent_day(conn: psycopg.Connection) -> None:
    for statement in WAREHOUSE_DDL:
        conn.execute(statement)

    conn.execute(
        "insert into rules.eligibility (tariff_category, load_min_kw, load_max_kw, connection_statuses,"
        " court_case_allowed, dues_cutoff_date) values"
        " ('LMV-1', null, null, null, true, '2021-09-30'), ('LMV-2', null, 5, null, true, '2021-09-30'),"
        " ('LMV-5', null, null, null, true, '2021-09-30')"
    )

    hierarchy_columns = ", ".join(
        f"{level}_{part}"
        for level in ("discom", "zone", "circle", "division", "subdivision", "substation", "feeder", "beat")
        for part in ("code", "name")
    )
    for beat in ("B1", "B2"):
        for dump_date in (PREVIOUS_DAY, DAY):
            conn.execute(
                f"insert into billing.hierarchy ({hierarchy_columns}, dump_date) values ({', '.join(['%s'] * 17)})",
                (*_hierarchy_row(beat), dump_date),
            )
        conn.execute(
            f"insert into build.dim_hierarchy ({hierarchy_columns}) values ({', '.join(['%s'] * 16)})",
            _hierarchy_row(beat),
        )

    for dump_date in (PREVIOUS_DAY, DAY):
        for account, tariff, load, unit, status, beat, feeder, principal, lpsc in CONSUMERS:
            insert_consumer(conn, dump_date, account, tariff, load, unit, beat, feeder, principal, lpsc, status)

    for account, _tariff, _load, _unit, _status, beat, _feeder, principal, lpsc in CONSUMERS:
        conn.execute(
            "insert into int.int_consumer_scheme_status (as_of_date, account_no, beat_code, is_eligible,"
            " sub_category, principal_arrears, lpsc_arrears) values (%s, %s, %s, %s, %s, %s, %s)",
            (DAY, account, beat, account in ELIGIBLE, ELIGIBLE.get(account), principal, lpsc),
        )

    for request, event_at, principal, lpsc, dump_date in (
        ("Q1", "2021-10-23 12:00", "1800.00", "400.00", date(2021, 10, 23)),
        ("Q2", "2021-10-24 12:00", "1700.00", "300.00", date(2021, 10, 24)),
    ):
        conn.execute(
            "insert into billing.bill_revisions (request_no, account_no, event, event_at, revised_principal,"
            " revised_lpsc, dump_date) values (%s, '3000000002', 'REVISED', %s, %s, %s, %s)",
            (request, event_at, principal, lpsc, dump_date),
        )

    for registration, account, registered_at, dump_date in REGISTRATIONS:
        conn.execute(
            "insert into billing.registrations (registration_no, account_no, registered_at, payment_option,"
            " instalments, registration_amount, bill_revision_opted, channel, dump_date)"
            " values (%s, %s, %s, 'LUMPSUM', 1, 0, false, 'COUNTER', %s)",
            (registration, account, registered_at, dump_date),
        )

    for receipt, account, amount, paid_at, reverses, dump_date in PAYMENTS:
        insert_payment(conn, receipt, account, amount, paid_at, reverses, dump_date)

    # As dbt builds it: a TOTAL row, and each discom's parent is the grand total (TOTAL, ALL).
    units = [("TOTAL", "ALL", "कुल योग", None, None)]
    for unit, (level, parent_level, parent_code, name) in UNITS.items():
        units.append((level, unit, name, parent_level or "TOTAL", parent_code or "ALL"))
    with conn.cursor() as cursor:
        cursor.executemany(
            "insert into build.dim_unit (unit_level, unit_code, unit_name, parent_level, parent_code)"
            " values (%s, %s, %s, %s, %s)",
            units,
        )

    with conn.cursor() as cursor:
        cursor.executemany(
            f"insert into build.rpt_form1 (report_date, unit_level, unit_code, sub_category,"
            f" {', '.join(FORM1_MEASURES)}) values ({', '.join(['%s'] * (4 + len(FORM1_MEASURES)))})",
            _form1_rows(),
        )
        cursor.executemany(
            f"insert into build.rpt_form2 (report_date, unit_level, unit_code, {', '.join(FORM2_MEASURES)})"
            f" values ({', '.join(['%s'] * (3 + len(FORM2_MEASURES)))})",
            _form2_rows(),
        )

    # The day's files: those with rows in the manifest have rows for the day in their billing table.
    manifest_rows = {"hierarchy.csv": 2, "consumers.csv": 6, "payments.csv": 2}
    for dump_file in DUMP_FILES:
        set_file_load(conn, dump_file.name, manifest_rows.get(dump_file.name, 0), quarantined=0)


def insert_consumer(
    conn: psycopg.Connection, dump_date: date, account: str, tariff: str, load: str, unit: str, beat: str,
    feeder: str | None, principal: str, lpsc: str, status: str = "ACTIVE",
) -> None:
    conn.execute(
        "insert into billing.consumers (account_no, consumer_name, tariff_category, supply_area,"
        " sanctioned_load, load_unit, connection_status, beat_code, feeder_code, principal_arrears,"
        " lpsc_arrears, dues_cutoff_date, court_case, dump_date)"
        " values (%s, 'Name', %s, 'URBAN', %s, %s, %s, %s, %s, %s, %s, '2021-09-30', false, %s)",
        (account, tariff, load, unit, status, beat, feeder, principal, lpsc, dump_date),
    )


def insert_payment(
    conn: psycopg.Connection, receipt: str, account: str, amount: str, paid_at: str, reverses: str | None,
    dump_date: date,
) -> None:
    conn.execute(
        "insert into billing.payments (receipt_no, account_no, amount, paid_at, channel, reverses_receipt_no,"
        " dump_date) values (%s, %s, %s, %s, 'COUNTER', %s, %s)",
        (receipt, account, amount, paid_at, reverses, dump_date),
    )


def set_file_load(conn: psycopg.Connection, file_name: str, rows_in_manifest: int, quarantined: int) -> None:
    conn.execute(
        "insert into audit.file_loads (dump_date, file_name, rows_in_manifest, rows_loaded, rows_resent,"
        " rows_quarantined, sha256) values (%s, %s, %s, %s, 0, %s, 'x')"
        " on conflict (dump_date, file_name) do update set rows_in_manifest = excluded.rows_in_manifest,"
        " rows_loaded = excluded.rows_loaded, rows_quarantined = excluded.rows_quarantined",
        (DAY, file_name, rows_in_manifest, rows_in_manifest - quarantined, quarantined),
    )


@pytest.fixture
def day(embedded_warehouse: ConnectionParams) -> ConnectionParams:
    """A warehouse holding one consistent day."""
    with psycopg.connect(embedded_warehouse.conninfo()) as conn:
        _fill_consistent_day(conn)
    return embedded_warehouse


def execute(params: ConnectionParams, statement: str, arguments: tuple = ()) -> None:
    with psycopg.connect(params.conninfo()) as conn:
        conn.execute(statement, arguments)


def run_one(name: str, run_id: str = "test-run"):
    verdict = run_release_checks(DAY, run_id, only=[name])
    (result,) = verdict.results
    return verdict, result


# --- the consistent day passes ------------------------------------------------------------------

def test_consistent_day_passes_every_check(day: ConnectionParams) -> None:
    verdict = run_release_checks(DAY, "consistent")

    not_passing = [result.message for result in verdict.results if result.status != "pass"]
    assert not_passing == []
    assert verdict.passed
    assert len(verdict.results) == len(load_suite().checks)
    assert verdict.message() == f"2021-10-25 release checks (run consistent): all {len(verdict.results)} passed"


def test_verdict_rows_land_in_check_results(day: ConnectionParams) -> None:
    verdict = run_release_checks(DAY, "first")
    with psycopg.connect(day.conninfo()) as conn:
        rows = conn.execute(
            "select check_name, severity, status, failing_rows, sample from audit.check_results"
            " where run_id = 'first' and report_date = %s order by check_name",
            (DAY,),
        ).fetchall()

    assert [row[0] for row in rows] == sorted(result.name for result in verdict.results)
    assert {row[2] for row in rows} == {"pass"}
    assert {row[3] for row in rows} == {0}
    assert {row[1] for row in rows} == {"fail", "warn"}
    assert all(row[4] == [] for row in rows)


def test_rerun_same_run_id_replaces_rows(day: ConnectionParams) -> None:
    run_release_checks(DAY, "run-a", only=["quarantine_share_within_limit"])
    set_quarantine(day, "payments.csv", manifest=100, quarantined=6)
    run_release_checks(DAY, "run-a", only=["quarantine_share_within_limit"])
    run_release_checks(DAY, "run-b", only=["quarantine_share_within_limit", "dump_files_loaded"])

    with psycopg.connect(day.conninfo()) as conn:
        history = conn.execute(
            "select run_id, check_name, status from audit.check_results order by run_id, check_name"
        ).fetchall()
        latest = conn.execute(
            "select run_id, check_name from audit.latest_check_results where report_date = %s order by check_name",
            (DAY,),
        ).fetchall()

    assert history == [
        ("run-a", "quarantine_share_within_limit", "fail"),
        ("run-b", "dump_files_loaded", "pass"),
        ("run-b", "quarantine_share_within_limit", "fail"),
    ]
    assert latest == [("run-b", "dump_files_loaded"), ("run-b", "quarantine_share_within_limit")]


def test_gx_data_docs_of_latest_run(day: ConnectionParams) -> None:
    from samadhan.settings import load_settings

    folder = load_settings().output_dir / "docs" / "data-docs" / DAY.isoformat()
    run_release_checks(DAY, "docs-1", only=["dump_files_loaded"])
    set_quarantine(day, "payments.csv", manifest=100, quarantined=6)
    run_release_checks(DAY, "docs-2", only=["quarantine_share_within_limit"])

    index = (folder / "index.html").read_text(encoding="utf-8")
    pages = sorted(folder.glob("validations/**/*.html"))
    # The page's words, without tags and with entities decoded.
    page_text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))) for page in pages)
    page_text = " ".join(page_text.split())
    # Only the latest run is in the site: one batch page, whose failed check shows with its description.
    assert "release_checks" in index
    assert len(pages) == 1
    assert "Status: Failed" in page_text
    assert "No file of the day's dump has more than max_quarantine_share" in page_text
    assert "select * from audit.file_loads where dump_date = '2021-10-25'::date" in page_text
    # No half-built or replaced sites are left beside it, and the tutorial images are gone.
    assert sorted(path.name for path in folder.parent.iterdir()) == [DAY.isoformat()]
    assert not (folder / "static" / "images" / "glossary_scroller.gif").exists()
    assert (folder / "static" / "images" / "favicon.ico").exists()


# --- 1. the hierarchy is one tree --------------------------------------------------------------

def test_hierarchy_beat_under_two_feeders_fails(day: ConnectionParams) -> None:
    # Beat B2 listed a second time, under feeder F1 of substation SS1.
    execute(
        day,
        "insert into billing.hierarchy select discom_code, discom_name, zone_code, zone_name, circle_code,"
        " circle_name, division_code, division_name, subdivision_code, subdivision_name, 'SS1', 'Substation One',"
        " 'F1', 'Feeder One', beat_code, beat_name, dump_date, source_file, source_line from billing.hierarchy"
        " where beat_code = 'B2' and dump_date = %s",
        (DAY,),
    )
    verdict, result = run_one("hierarchy_is_one_tree")

    assert result.status == "fail"
    assert not verdict.passed
    assert result.failing_rows == 2
    assert result.message.startswith("billing.hierarchy: 2 breaks in the one-tree hierarchy of 2021-10-25")
    assert "BEAT B2 has more than one parent: FEEDER F1, FEEDER F2" in result.message
    assert "BEAT B2 is listed more than once: 2 rows" in result.message


def test_hierarchy_unit_with_two_names_fails(day: ConnectionParams) -> None:
    # A new beat B3 under feeder F2, whose row spells substation SS2's name differently.
    execute(
        day,
        "insert into billing.hierarchy select discom_code, discom_name, zone_code, zone_name, circle_code,"
        " circle_name, division_code, division_name, subdivision_code, subdivision_name, substation_code,"
        " 'Sub Station 2', feeder_code, feeder_name, 'B3', 'Beat Three', dump_date, source_file, source_line"
        " from billing.hierarchy where beat_code = 'B2' and dump_date = %s",
        (DAY,),
    )
    _verdict, result = run_one("hierarchy_is_one_tree")

    assert result.status == "fail"
    assert result.failing_rows == 1
    assert result.message == (
        "billing.hierarchy: 1 break in the one-tree hierarchy of 2021-10-25"
        " (SUBSTATION SS2 has more than one name: Sub Station 2, Substation Two)"
    )


def test_hierarchy_of_other_day_is_ignored(day: ConnectionParams) -> None:
    execute(day, "update billing.hierarchy set feeder_code = 'F9' where beat_code = 'B1' and dump_date = %s",
            (PREVIOUS_DAY,))
    execute(day, "insert into billing.hierarchy select * from billing.hierarchy where dump_date = %s",
            (PREVIOUS_DAY,))
    _verdict, result = run_one("hierarchy_is_one_tree")

    assert result.status == "pass"


# --- 2. keys are unique ------------------------------------------------------------------------

def test_form1_duplicate_key_fails(day: ConnectionParams) -> None:
    execute(
        day,
        "insert into build.rpt_form1 select * from build.rpt_form1"
        " where unit_level = 'DIVISION' and unit_code = 'DV1' and sub_category = 'LMV5'",
    )
    _verdict, result = run_one("rpt_form1_key_unique")

    assert result.status == "fail"
    assert result.failing_rows == 2
    assert result.message == (
        "build.rpt_form1: 2 rows share their key (unit_level, unit_code, sub_category) with another"
        " (DIVISION DV1 LMV5: 2 rows)"
    )
    assert result.sample == [{"unit_level": "DIVISION", "unit_code": "DV1", "sub_category": "LMV5", "rows": 2}]


def test_form2_duplicate_key_fails(day: ConnectionParams) -> None:
    execute(day, "insert into build.rpt_form2 select * from build.rpt_form2 where unit_code = 'SS2'")
    _verdict, result = run_one("rpt_form2_key_unique")

    assert result.status == "fail"
    assert "build.rpt_form2" in result.message
    assert "SUBSTATION SS2: 2 rows" in result.message


def test_form_key_of_other_day_is_ignored(day: ConnectionParams) -> None:
    execute(day, "insert into build.rpt_form2 select * from build.rpt_form2 where unit_code = 'SS2'")
    execute(day, "update build.rpt_form2 set report_date = %s where ctid = (select max(ctid) from build.rpt_form2)",
            (PREVIOUS_DAY,))
    _verdict, result = run_one("rpt_form2_key_unique")

    assert result.status == "pass"


def test_dim_unit_duplicate_key_fails(day: ConnectionParams) -> None:
    execute(day, "insert into build.dim_unit (unit_level, unit_code, unit_name) values ('FEEDER', 'F2', 'Copy')")
    _verdict, result = run_one("dim_unit_key_unique")

    assert result.status == "fail"
    assert "build.dim_unit" in result.message
    assert "FEEDER F2: 2 rows" in result.message


def test_missing_grand_total_row_fails(day: ConnectionParams) -> None:
    execute(day, "delete from build.rpt_form2 where unit_level = 'TOTAL'")
    _verdict, result = run_one("rpt_form2_has_grand_total")

    assert result.status == "fail"
    assert result.message == (
        "build.rpt_form2: the grand total row (TOTAL, ALL) of 2021-10-25 is missing or repeated"
        " (0 grand total rows, expected 1)"
    )


def test_doubled_grand_total_row_fails(day: ConnectionParams) -> None:
    execute(day, "insert into build.rpt_form1 select * from build.rpt_form1"
                 " where unit_level = 'TOTAL' and sub_category = 'ALL'")
    _verdict, result = run_one("rpt_form1_has_grand_total")

    assert result.status == "fail"
    assert "(2 grand total rows, expected 1)" in result.message


# --- 3. every unit adds up to its children ------------------------------------------------------

def test_form2_division_differing_from_children_fails(day: ConnectionParams) -> None:
    execute(day, "update build.rpt_form2 set camps_cum = 14 where unit_code = 'DV1'")
    _verdict, result = run_one("rpt_form2_units_sum_children")

    assert result.status == "fail"
    # DV1 no longer sums its sub-division, and circle C1 no longer sums DV1.
    assert result.failing_rows == 2
    assert result.message.startswith(
        "build.rpt_form2: 2 units whose counts or amounts differ from the sum of their child units'"
    )
    assert "DIVISION DV1 camps_cum 14 ≠ 5" in result.message
    assert "CIRCLE C1 camps_cum 5 ≠ 14" in result.message


def test_form2_substation_amount_changed_fails_at_subdivision(day: ConnectionParams) -> None:
    execute(day, "update build.rpt_form2 set collected_today = 250.01, collected_cum = 1250.01 where unit_code = 'SS2'")
    _verdict, result = run_one("rpt_form2_units_sum_children")

    assert result.failing_rows == 1
    assert result.message.endswith(
        "(SUBDIVISION SD1 collected_today 250.00 ≠ 250.01, collected_cum 1850.00 ≠ 1850.01)"
    )


def test_form2_missing_subtotal_row_fails(day: ConnectionParams) -> None:
    execute(day, "delete from build.rpt_form2 where unit_code = 'SD1'")
    _verdict, result = run_one("rpt_form2_units_sum_children")

    assert result.status == "fail"
    assert "SUBDIVISION SD1 eligible_defaulters missing ≠ 4" in result.message


def test_form1_unit_differing_from_children_fails(day: ConnectionParams) -> None:
    execute(
        day,
        "update build.rpt_form1 set registered_cum = registered_cum + 1, principal_arrears = principal_arrears + 1"
        " where unit_code = 'F2' and sub_category in ('LMV5', 'ALL')",
    )
    _verdict, result = run_one("rpt_form1_units_sum_children")

    assert result.status == "fail"
    # Feeder F2 no longer sums beat B2, and substation SS2 no longer sums F2, in LMV5 and in ALL.
    assert result.failing_rows == 4
    assert "FEEDER F2 LMV5 principal_arrears 301.00 ≠ 300.00, registered_cum 1 ≠ 0" in result.message
    assert "SUBSTATION SS2 ALL principal_arrears 2000.00 ≠ 2001.00" in result.message


def test_form1_all_row_differing_from_sub_categories_fails(day: ConnectionParams) -> None:
    execute(day, "update build.rpt_form1 set collected_cum = 600.50 where unit_code = 'B1' and sub_category = 'ALL'")
    _verdict, result = run_one("rpt_form1_all_row_sums_sub_categories")

    assert result.status == "fail"
    assert result.message == (
        "build.rpt_form1: 1 unit whose ALL row differs from the sum of its sub-category rows"
        " (BEAT B1 ALL collected_cum 600.50 ≠ 600.00)"
    )


def test_form1_missing_all_row_fails(day: ConnectionParams) -> None:
    execute(day, "delete from build.rpt_form1 where unit_code = 'Z1' and sub_category = 'ALL'")
    _verdict, result = run_one("rpt_form1_all_row_sums_sub_categories")

    assert result.status == "fail"
    assert "ZONE Z1 ALL eligible_defaulters missing ≠ 4" in result.message


# --- 4. no eligible consumer is missing --------------------------------------------------------

def test_eligible_consumer_under_unknown_beat_fails(day: ConnectionParams) -> None:
    execute(day, "update int.int_consumer_scheme_status set beat_code = 'B9' where account_no = '3000000003'")
    # A consumer who is not eligible may sit anywhere.
    execute(day, "update int.int_consumer_scheme_status set beat_code = 'B8' where account_no = '3000000005'")
    _verdict, result = run_one("eligible_consumers_under_known_beats")

    assert result.status == "fail"
    assert result.message == (
        "int.int_consumer_scheme_status: 1 eligible consumer under a beat missing from build.dim_hierarchy,"
        " so absent from the forms (account 3000000003 on beat B9 (LMV5))"
    )


def test_grand_total_not_counting_every_consumer_fails(day: ConnectionParams) -> None:
    execute(
        day,
        "insert into int.int_consumer_scheme_status (as_of_date, account_no, beat_code, is_eligible, sub_category)"
        " values (%s, '3000000007', 'B1', true, 'LMV5')",
        (DAY,),
    )
    _verdict, result = run_one("forms_count_every_eligible_consumer")

    assert result.status == "fail"
    assert result.failing_rows == 2
    assert "rpt_form1 TOTAL eligible_defaulters 4 ≠ 5 eligible consumers" in result.message
    assert "rpt_form2 TOTAL eligible_defaulters 4 ≠ 5 eligible consumers" in result.message


# --- 5. the forms agree with the billing tables ---------------------------------------------------

def test_billing_totals_match_consistent_forms(day: ConnectionParams) -> None:
    _verdict, result = run_one("forms_grand_totals_match_billing")

    assert result.status == "pass"
    assert result.failing_rows == 0


def test_new_payment_missing_from_forms_fails(day: ConnectionParams) -> None:
    with psycopg.connect(day.conninfo()) as conn:
        insert_payment(conn, "R10", "3000000001", "100.25", "2021-10-25 17:00", None, DAY)
    _verdict, result = run_one("forms_grand_totals_match_billing")

    assert result.status == "fail"
    assert result.message == (
        "build.rpt_form1: 2 forms whose grand totals differ from the billing tables"
        " (rpt_form1 TOTAL collected_cum 1850.00 ≠ 1950.25 from billing;"
        " rpt_form2 TOTAL collected_cum 1850.00 ≠ 1950.25 from billing)"
    )


def test_payment_before_registration_is_not_collected(day: ConnectionParams) -> None:
    with psycopg.connect(day.conninfo()) as conn:
        insert_payment(conn, "R11", "3000000002", "80.00", "2021-10-23 17:00", None, date(2021, 10, 23))
        # A reversal of a receipt that is not counted does not count either.
        insert_payment(conn, "R12", "3000000002", "-80.00", "2021-10-25 09:00", "R11", DAY)
    _verdict, result = run_one("forms_grand_totals_match_billing")

    assert result.status == "pass"


def test_load_band_upper_bound_is_inclusive(day: ConnectionParams) -> None:
    # 5.001 kW is above "up to 5 kW": consumer 3000000006 leaves, so the forms now count one too many.
    execute(day, "update billing.consumers set sanctioned_load = 5.001 where account_no = '3000000006'")
    _verdict, result = run_one("forms_grand_totals_match_billing")

    assert result.status == "fail"
    assert "rpt_form1 TOTAL eligible_defaulters 4 ≠ 3, principal_arrears 3100.00 ≠ 3000.00 from billing" in (
        result.message
    )


def test_later_revision_and_registration_change_totals(day: ConnectionParams) -> None:
    with psycopg.connect(day.conninfo()) as conn:
        conn.execute(
            "insert into billing.bill_revisions (request_no, account_no, event, event_at, revised_principal,"
            " revised_lpsc, dump_date) values ('Q3', '3000000003', 'REVISED', '2021-10-25 08:00', 250.00, 0.00, %s)",
            (DAY,),
        )
        conn.execute(
            "insert into billing.registrations (registration_no, account_no, registered_at, payment_option,"
            " instalments, registration_amount, bill_revision_opted, channel, dump_date)"
            " values ('G5', '3000000003', '2021-10-25 09:00', 'LUMPSUM', 1, 0, false, 'CAMP', %s)",
            (DAY,),
        )
    _verdict, result = run_one("forms_grand_totals_match_billing")

    # R9 (100.00 on 25.10) now counts too, paid on the day 3000000003 registered.
    assert "rpt_form1 TOTAL principal_arrears 3100.00 ≠ 3050.00, lpsc_arrears 550.00 ≠ 500.00," in result.message
    assert "registered_cum 2 ≠ 3, collected_cum 1850.00 ≠ 1950.00 from billing" in result.message


# --- 6. quarantine share --------------------------------------------------------------------------

def set_quarantine(params: ConnectionParams, file_name: str, manifest: int, quarantined: int) -> None:
    with psycopg.connect(params.conninfo()) as conn:
        set_file_load(conn, file_name, manifest, quarantined)


@pytest.mark.parametrize(
    ("quarantined", "limit_status", "warning_status"),
    [(1, "pass", "pass"), (3, "pass", "warn"), (5, "pass", "warn"), (6, "fail", "pass")],
)
def test_quarantine_share_limits(
    day: ConnectionParams, quarantined: int, limit_status: str, warning_status: str
) -> None:
    # Default limits: a warning above 1%, a failure above 5%.
    set_quarantine(day, "payments.csv", manifest=100, quarantined=quarantined)
    verdict = run_release_checks(DAY, "q", only=["quarantine_share_within_limit", "quarantine_share_below_warning"])
    limit, warning = verdict.results

    assert limit.status == limit_status
    assert warning.status == warning_status
    assert verdict.passed == (limit_status == "pass")


def test_quarantine_failure_names_the_file(day: ConnectionParams) -> None:
    set_quarantine(day, "payments.csv", manifest=200, quarantined=13)
    _verdict, result = run_one("quarantine_share_within_limit")

    assert result.message == (
        "audit.file_loads: 1 file of the 2021-10-25 dump has more than 5% of its rows quarantined"
        " (payments.csv 13 of 200 rows (6.50%))"
    )


def test_quarantine_limits_come_from_settings(day: ConnectionParams, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMADHAN_MAX_QUARANTINE_SHARE", "0.10")
    set_quarantine(day, "payments.csv", manifest=100, quarantined=6)
    verdict = run_release_checks(DAY, "q", only=["quarantine_share_within_limit", "quarantine_share_below_warning"])
    limit, warning = verdict.results

    assert limit.status == "pass"
    assert warning.status == "warn"
    assert "more than 1% of its rows quarantined (payments.csv 6 of 100 rows (6.00%))" in warning.message


# --- 7. nothing that feeds the forms is empty ---------------------------------------------------

def test_file_with_rows_but_empty_table_fails(day: ConnectionParams) -> None:
    execute(day, "delete from billing.payments where dump_date = %s", (DAY,))
    _verdict, result = run_one("dump_files_loaded")

    assert result.status == "fail"
    assert result.message == (
        "audit.file_loads: 1 file of the 2021-10-25 dump left no rows to build on"
        " (payments.csv: billing.payments has no rows for the day although its manifest lists 2 rows)"
    )


def test_event_file_of_resends_only_passes(day: ConnectionParams) -> None:
    execute(day, "delete from billing.payments where dump_date = %s", (DAY,))
    execute(
        day,
        "insert into audit.resends values (%s, 'payments.csv', 2, 'R8', '2021-10-24', 5)",
        (DAY,),
    )
    _verdict, result = run_one("dump_files_loaded")

    assert result.status == "pass"


def test_day_without_any_load_fails(day: ConnectionParams) -> None:
    execute(day, "delete from audit.file_loads")
    _verdict, result = run_one("dump_files_loaded")

    assert result.status == "fail"
    assert "all files: no load of this dump is recorded in audit.file_loads" in result.message


def test_empty_build_table_fails(day: ConnectionParams) -> None:
    execute(day, "delete from build.rpt_form2")
    _verdict, result = run_one("build_tables_not_empty")

    assert result.status == "fail"
    assert result.message == (
        "audit.file_loads: 1 build table has no rows for 2021-10-25 although consumers.csv had rows"
        " (build.rpt_form2 empty, consumers.csv had 6 rows)"
    )


def test_empty_build_tables_pass_when_consumers_file_empty(day: ConnectionParams) -> None:
    execute(day, "delete from build.rpt_form2")
    with psycopg.connect(day.conninfo()) as conn:
        set_file_load(conn, "consumers.csv", 0, quarantined=0)
    _verdict, result = run_one("build_tables_not_empty")

    assert result.status == "pass"


def test_dump_files_check_covers_every_contract_file() -> None:
    check_sql = load_suite().check("dump_files_loaded").sql or ""

    for dump_file in DUMP_FILES:
        pattern = rf"'{re.escape(dump_file.name)}'( as file_name)?, '{re.escape(dump_file.table)}'"
        assert re.search(pattern, check_sql), dump_file.name


# --- 8. warnings ------------------------------------------------------------------------------

def test_consumer_feeder_disagreeing_with_beat_warns(day: ConnectionParams) -> None:
    execute(day, "update billing.consumers set feeder_code = 'F1' where account_no = '3000000003' and dump_date = %s",
            (DAY,))
    verdict, result = run_one("consumer_feeder_matches_beat")

    assert result.status == "warn"
    assert verdict.passed
    assert verdict.warnings == [result]
    assert result.message == (
        "billing.consumers: 1 consumer whose feeder_code disagrees with the feeder of its beat"
        " (account 3000000003 on beat B2: feeder F1 in consumers.csv, F2 in hierarchy.csv)"
    )


def test_consumer_leaving_snapshot_warns(day: ConnectionParams) -> None:
    with psycopg.connect(day.conninfo()) as conn:
        # Eligible yesterday, gone today.
        insert_consumer(conn, PREVIOUS_DAY, "3000000007", "LMV-5", "3", "BHP", "B1", "F1", "10.00", "0.00")
        # Eligible yesterday at 4 kW, not eligible today at 7 kW (that is 3000000004's row).
        conn.execute(
            "update billing.consumers set sanctioned_load = 4 where account_no = '3000000004' and dump_date = %s",
            (PREVIOUS_DAY,),
        )
    verdict, result = run_one("eligible_consumers_kept")

    assert result.status == "warn"
    assert verdict.passed
    assert result.failing_rows == 2
    assert result.message == (
        "billing.consumers: 2 consumers eligible on 2021-10-24 are no longer counted on 2021-10-25"
        " (account 3000000004 on beat B1 is no longer eligible; account 3000000007 on beat B1 left the snapshot)"
    )


# --- the verdict and its failures -----------------------------------------------------------------

def test_verdict_message_lists_failures_and_warnings(day: ConnectionParams) -> None:
    execute(day, "update build.rpt_form2 set camps_cum = 14 where unit_code = 'DV1'")
    set_quarantine(day, "payments.csv", manifest=100, quarantined=2)
    verdict = run_release_checks(DAY, "mixed")

    assert not verdict.passed
    assert [result.name for result in verdict.failures] == ["rpt_form2_units_sum_children"]
    assert [result.name for result in verdict.warnings] == ["quarantine_share_below_warning"]
    lines = verdict.message().splitlines()
    assert lines[0] == f"2021-10-25 release checks (run mixed): 1 of {len(verdict.results)} failed, 1 with warnings"
    assert lines[1].startswith("FAIL rpt_form2_units_sum_children: build.rpt_form2: 2 units")
    assert lines[2].startswith("WARN quarantine_share_below_warning: audit.file_loads: 1 file")


def test_sample_keeps_twenty_rows(day: ConnectionParams) -> None:
    for number in range(25):
        execute(
            day,
            "insert into int.int_consumer_scheme_status (as_of_date, account_no, beat_code, is_eligible)"
            " values (%s, %s, 'B9', true)",
            (DAY, f"39{number:08d}"),
        )
    _verdict, result = run_one("eligible_consumers_under_known_beats")

    assert result.failing_rows == 25
    assert len(result.sample) == 20
    assert result.sample[0] == {"account_no": "3900000000", "beat_code": "B9", "sub_category": None}
    assert result.message.count("account 39") == 5
    assert result.message.endswith("; ...)")


def test_second_reversal_of_receipt_is_not_collected(day: ConnectionParams) -> None:
    with psycopg.connect(day.conninfo()) as conn:
        insert_payment(conn, "R13", "3000000001", "-400.00", "2021-10-25 09:00", "R3", DAY)
    _verdict, result = run_one("forms_grand_totals_match_billing")

    assert result.status == "pass"


def test_unreachable_database_raises(day: ConnectionParams, monkeypatch: pytest.MonkeyPatch) -> None:
    url = ConnectionParams(day.host, day.port, day.user, day.password, "no_such_database").sqlalchemy_url()
    monkeypatch.setenv("SAMADHAN_DATABASE_URL", url)

    with pytest.raises(CheckError, match="cannot connect to the warehouse.*no_such_database"):
        run_release_checks(DAY, "unreachable", only=["dump_files_loaded"])


def test_missing_table_raises(day: ConnectionParams) -> None:
    execute(day, "drop table build.dim_hierarchy")

    with pytest.raises(CheckError, match="eligible_consumers_under_known_beats.*dim_hierarchy"):
        run_release_checks(DAY, "broken", only=["eligible_consumers_under_known_beats"])


def test_check_command_exits_1_on_failure(day: ConnectionParams) -> None:
    from click.testing import CliRunner

    from samadhan.cli import main

    execute(day, "delete from build.rpt_form2 where unit_level = 'TOTAL'")
    _record_dump_load(day)
    command = ["check", "2021-10-25", "--run-id", "cli", "--only"]
    failing = CliRunner().invoke(main, [*command, "rpt_form2_has_grand_total"])
    passing = CliRunner().invoke(main, [*command, "dump_files_loaded"])

    assert failing.exit_code == 1
    assert "FAIL rpt_form2_has_grand_total: build.rpt_form2: the grand total row" in failing.output
    assert passing.exit_code == 0
    assert passing.output == "2021-10-25 release checks (run cli): all 1 passed\n"


def _record_dump_load(params: ConnectionParams) -> None:
    from samadhan.loading.schema import ensure_schema

    with psycopg.connect(params.conninfo()) as conn:
        ensure_schema(conn)
        conn.execute(
            "insert into audit.dump_loads (dump_date, manifest_sha256, archive_dir, rows_in_manifest, rows_loaded,"
            " rows_resent, rows_quarantined, load_number) values (%s, 'x', '/archive', 1, 1, 0, 0, 1)",
            (DAY,),
        )


def test_check_command_day_never_loaded(day: ConnectionParams) -> None:
    from click.testing import CliRunner

    from samadhan.cli import main

    result = CliRunner().invoke(main, ["check", "2021-11-05"])

    assert result.exit_code == 2
    assert "No load of the 2021-11-05 dump is recorded in audit.dump_loads" in result.output
    assert "samadhan run-day 2021-11-05" in result.output


def test_check_command_lists_checks() -> None:
    from click.testing import CliRunner

    from samadhan.cli import main

    result = CliRunner().invoke(main, ["check", "--list"])

    assert result.exit_code == 0
    assert len(result.output.splitlines()) == len(load_suite().checks)
    assert "warn  eligible_consumers_kept" in result.output


SUITE_HEAD = """
suite: test_suite
checks:
  - name: sample_check
    description: Nothing is wrong.
    table: audit.file_loads
    expectation: unexpected_rows
    message: {one: "1 thing", many: "{count} things"}
"""


@pytest.mark.parametrize(
    ("severity", "check_sql", "error"),
    [
        ("fatal", "select count(*) over () as violating_rows from {batch}", "severity 'fatal' is not one of"),
        ("fail", "select 1 as violating_rows from audit.file_loads", "needs 'sql' that reads {batch}"),
        ("warn", "select * from {batch}", "must count its violations as `count(*) over () as violating_rows`"),
    ],
)
def test_invalid_suite_is_rejected(tmp_path, severity: str, check_sql: str, error: str) -> None:
    suite_file = tmp_path / "suite.yml"
    suite_file.write_text(SUITE_HEAD + f"    severity: {severity}\n    sql: \"{check_sql}\"\n", encoding="utf-8")

    with pytest.raises(SuiteError, match=re.escape(error)):
        load_suite(suite_file)


def test_unknown_placeholder_is_rejected() -> None:
    with pytest.raises(SuiteError, match="unknown placeholder {report_day}"):
        fill_placeholders("select 1 from {batch} where d = {report_day}", {"report_date": "x"}, where="check")


def test_placeholder_values_are_literals() -> None:
    filled = fill_placeholders(
        "select * from {batch} where d = {report_date} and '{{x}}' = 'a'", {"report_date": "'2021-10-25'::date"},
        where="check",
    )

    assert filled == "select * from {batch} where d = '2021-10-25'::date and '{{x}}' = 'a'"
