"""Readers see only their discom's released rows, never personal data, and nothing outside marts and reports.

Every test builds a released day by hand (two discoms, DVVNL and KESCO) and runs `samadhan access
sync` with a role prefix of its own. It then connects as the reader roles, because row-level security
does not apply to the table owners and superusers that build the data.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from psycopg import sql
from sqlalchemy import create_engine, inspect, text

from samadhan.access import Passwords, RoleSetupError, SecretsFileError, apply_policies, role_names, sync_access
from samadhan.access.passwords import read_secrets_file
from samadhan.cli import main
from samadhan.contract import CONSUMERS, NOTICE_DELIVERIES, REGISTRATIONS
from samadhan.release import ensure_release_schema
from samadhan.settings import PROJECT_ROOT
from samadhan.warehouse import ConnectionParams

DAY = date(2021, 10, 25)
DAY_BEFORE = date(2021, 10, 24)

# unit_level, unit_code, unit_name, parent_level, parent_code, discom_code, zone_code
UNITS = [
    ("DISCOM", "DVVNL", "दक्षिणांचल विद्युत वितरण निगम लि0", None, None, "DVVNL", None),
    ("ZONE", "Z-AGRA", "आगरा क्षेत्र", "DISCOM", "DVVNL", "DVVNL", "Z-AGRA"),
    ("SUBSTATION", "SS-AGRA-1", "शाहगंज उपकेन्द्र", "SUBDIVISION", "SD-AGRA-1", "DVVNL", "Z-AGRA"),
    ("DISCOM", "KESCO", "केस्को", None, None, "KESCO", None),
    ("ZONE", "Z-KANPUR", "कानपुर क्षेत्र", "DISCOM", "KESCO", "KESCO", "Z-KANPUR"),
    ("SUBSTATION", "SS-KANPUR-1", "किदवई नगर उपकेन्द्र", "SUBDIVISION", "SD-KANPUR-1", "KESCO", "Z-KANPUR"),
]

# Form 1 rows of the day: level, code, name, eligible defaulters, collected (cumulative).
FORM1 = [
    ("TOTAL", "ALL", "कुल योग", 30, Decimal("15000.50")),
    ("DISCOM", "DVVNL", "दक्षिणांचल", 20, Decimal("10000.25")),
    ("ZONE", "Z-AGRA", "आगरा क्षेत्र", 20, Decimal("10000.25")),
    ("DISCOM", "KESCO", "केस्को", 10, Decimal("5000.25")),
    ("ZONE", "Z-KANPUR", "कानपुर क्षेत्र", 10, Decimal("5000.25")),
]
FORM2 = [
    ("TOTAL", "ALL", "कुल योग", 30, 4),
    ("DISCOM", "DVVNL", "दक्षिणांचल", 20, 3),
    ("SUBSTATION", "SS-AGRA-1", "शाहगंज उपकेन्द्र", 20, 3),
    ("DISCOM", "KESCO", "केस्को", 10, 1),
    ("SUBSTATION", "SS-KANPUR-1", "किदवई नगर उपकेन्द्र", 10, 1),
]
BEATS = [
    ("DVVNL", "Z-AGRA", "C-AGRA", "D-AGRA", "SD-AGRA-1", "SS-AGRA-1", "F-AGRA-1", "B-AGRA-1"),
    ("KESCO", "Z-KANPUR", "C-KANPUR", "D-KANPUR", "SD-KANPUR-1", "SS-KANPUR-1", "F-KANPUR-1", "B-KANPUR-1"),
]
# account, name, guardian, address, mobile as given, normalised mobile, tariff, load, unit, beat
CONSUMER_ROWS = [
    ("3000000001", "Ram Kumar Verma", "Shyam Lal", "12 Shahganj, Agra", "+91 98765 43210", "9876543210",
     "LMV-1", Decimal("1.500"), "KW", "B-AGRA-1"),
    ("3000000002", "Sita Devi", None, "4 Lohamandi, Agra", "7000012345", "7000012345",
     "LMV-2", Decimal("3.000"), "KVA", "B-AGRA-1"),
    ("3000000003", "Mohd. Salim", None, "7 Kidwai Nagar, Kanpur", "9123456789", "9123456789",
     "LMV-5", Decimal("5.000"), "BHP", "B-KANPUR-1"),
]
FULL_NAMES = ("Ram Kumar Verma", "Sita Devi", "Mohd. Salim", "Shyam Lal")
FULL_MOBILES = ("9876543210", "7000012345", "9123456789")


def _insert(conn: psycopg.Connection, table: str, columns: list[str], rows: list[tuple]) -> None:
    statement = sql.SQL("insert into {} ({}) values ({})").format(
        sql.Identifier(*table.split(".")),
        sql.SQL(", ").join(sql.Identifier(column) for column in columns),
        sql.SQL(", ").join(sql.Placeholder() for _column in columns),
    )
    with conn.cursor() as cursor:
        cursor.executemany(statement, rows)


def _billing_table(conn: psycopg.Connection, dump_file, extra: tuple[tuple[str, str], ...] = ()) -> None:
    columns = [f"{column.name} {column.pg_type}" for column in dump_file.columns]
    columns += [f"{name} {pg_type}" for name, pg_type in extra]
    columns += ["dump_date date not null", "source_file text", "source_line integer"]
    conn.execute(f"create table {dump_file.table} ({', '.join(columns)})")


def create_released_day(conn: psycopg.Connection) -> None:
    """Create the released tables and the private ones with hand-written rows for DVVNL and KESCO."""
    for schema in ("raw", "billing", "audit", "rules", "build", "marts", "reports"):
        conn.execute(f"create schema if not exists {schema}")

    conn.execute("""
        create table marts.dim_unit (
            report_date date not null, unit_level text, unit_code text, unit_name text, parent_level text,
            parent_code text, discom_code text, zone_code text, circle_code text, division_code text,
            subdivision_code text, sort_path text)""")
    _insert(conn, "marts.dim_unit",
            ["report_date", "unit_level", "unit_code", "unit_name", "parent_level", "parent_code", "discom_code",
             "zone_code"],
            [(DAY, *unit) for unit in UNITS])

    conn.execute("""
        create table reports.rpt_form1 (
            report_date date, unit_level text, unit_code text, unit_name text, sub_category text,
            eligible_defaulters integer, principal_arrears numeric(16,2), lpsc_arrears numeric(16,2),
            target_consumers integer, registered_cum integer, registered_pct numeric(7,2), fully_paid_cum integer,
            target_amount numeric(16,2), collected_cum numeric(16,2), collected_pct numeric(7,2),
            waiver_granted_cum numeric(16,2), notices_served_cum integer, rank_in_parent integer)""")
    _insert(conn, "reports.rpt_form1",
            ["report_date", "unit_level", "unit_code", "unit_name", "sub_category", "eligible_defaulters",
             "collected_cum"],
            [(DAY, level, code, name, "ALL", count, amount) for level, code, name, count, amount in FORM1])

    conn.execute("""
        create table reports.rpt_form2 (
            report_date date, unit_level text, unit_code text, unit_name text, eligible_defaulters integer,
            notices_served_cum integer, camps_today integer, camps_cum integer, registered_today integer,
            registered_cum integer, fully_paid_today integer, fully_paid_cum integer,
            collected_today numeric(16,2), collected_cum numeric(16,2))""")
    _insert(conn, "reports.rpt_form2",
            ["report_date", "unit_level", "unit_code", "unit_name", "eligible_defaulters", "camps_cum"],
            [(DAY, *row) for row in FORM2])

    conn.execute("""
        create table marts.fct_unit_daily_progress (
            report_date date, unit_level text, unit_code text, sub_category text, eligible_defaulters integer,
            registered_cum integer, collected_cum numeric(16,2))""")
    _insert(conn, "marts.fct_unit_daily_progress",
            ["report_date", "unit_level", "unit_code", "sub_category", "eligible_defaulters"],
            [(DAY, "TOTAL", "ALL", "LMV1_UPTO_2KW", 18), (DAY, "DISCOM", "DVVNL", "LMV1_UPTO_2KW", 12),
             (DAY, "SUBSTATION", "SS-AGRA-1", "LMV1_UPTO_2KW", 12), (DAY, "DISCOM", "KESCO", "LMV1_UPTO_2KW", 6),
             (DAY, "SUBSTATION", "SS-KANPUR-1", "LMV1_UPTO_2KW", 6)])

    levels = ("discom", "zone", "circle", "division", "subdivision", "substation", "feeder", "beat")
    hierarchy_columns = [f"{level}_{part}" for level in levels for part in ("code", "name")]
    conn.execute("create table marts.dim_hierarchy (report_date date, "
                 + ", ".join(f"{column} text" for column in hierarchy_columns) + ")")
    _insert(conn, "marts.dim_hierarchy", ["report_date", *hierarchy_columns],
            [(DAY, *[value for code in beat for value in (code, code.lower())]) for beat in BEATS])

    # The private side: the loader's tables, a build table and the audit trail.
    _billing_table(conn, CONSUMERS, extra=(("mobile_normalised", "text"),))
    consumer_columns = ["account_no", "consumer_name", "guardian_name", "address", "mobile", "mobile_normalised",
                        "tariff_category", "sanctioned_load", "load_unit", "beat_code", "supply_area",
                        "connection_status", "principal_arrears", "lpsc_arrears", "dues_cutoff_date", "court_case",
                        "dump_date"]
    snapshot = [(*row, "URBAN", "ACTIVE", Decimal("5000.00"), Decimal("1200.00"), date(2021, 9, 30), False)
                for row in CONSUMER_ROWS]
    _insert(conn, "billing.consumers", consumer_columns,
            [(*row, DAY) for row in snapshot] + [(*snapshot[0], DAY_BEFORE)])
    _billing_table(conn, REGISTRATIONS)
    _insert(conn, "billing.registrations",
            ["registration_no", "account_no", "registered_at", "payment_option", "instalments",
             "registration_amount", "bill_revision_opted", "channel", "dump_date"],
            [("R-1", "3000000001", datetime(2021, 10, 22, 10, 0), "LUMPSUM", 1, Decimal("0.00"), False, "CAMP",
              date(2021, 10, 22)),
             # Reported after the released day, so not yet registered as of it.
             ("R-2", "3000000003", datetime(2021, 10, 26, 11, 0), "LUMPSUM", 1, Decimal("0.00"), False, "CAMP",
              date(2021, 10, 26))])
    _billing_table(conn, NOTICE_DELIVERIES)
    _insert(conn, "billing.notice_deliveries",
            ["notice_no", "account_no", "delivered_on", "delivered_by_staff_id", "outcome", "dump_date"],
            [("OTS2021/3000000001", "3000000001", date(2021, 10, 23), "MR-1", "SERVED", date(2021, 10, 23)),
             # Someone else's notice number: not this consumer's notice.
             ("OTS2021/3000000009", "3000000002", date(2021, 10, 23), "MR-1", "SERVED", date(2021, 10, 23))])
    conn.execute("create table raw.consumers (line_no integer, account_no text, consumer_name text, mobile text)")
    _insert(conn, "raw.consumers", ["line_no", "account_no", "consumer_name", "mobile"],
            [(2, "3000000001", "Ram Kumar Verma", "9876543210")])
    conn.execute("create table build.rpt_form1 as select * from reports.rpt_form1")
    conn.execute("""create table audit.quarantine (dump_date date, file_name text, line_no integer, raw_text text,
                    reason_code text, reason text)""")
    _insert(conn, "audit.quarantine", ["dump_date", "file_name", "line_no", "raw_text", "reason_code", "reason"],
            [(DAY, "consumers.csv", 9, "3000000004,Gita Devi,,,9988776655", "BAD_LOAD", "load is not a number")])
    conn.execute("""create table audit.check_results (run_id text, report_date date, check_name text, severity text,
                    status text, failing_rows bigint, message text, sample jsonb, checked_at timestamptz)""")
    _insert(conn, "audit.check_results",
            ["run_id", "report_date", "check_name", "severity", "status", "failing_rows", "message", "sample",
             "checked_at"],
            [("run-1", DAY, "mobile_format", "warn", "warn", 1, "1 mobile invalid: 99887766", '["99887766"]',
              datetime(2021, 10, 26, 7, 0))])

    conn.execute("create table rules.scheme (scheme_code text)")
    _insert(conn, "rules.scheme", ["scheme_code"], [("OTS2021",)])
    conn.execute("""create table rules.sub_categories (sub_category text, label_hi text, label_en text,
                    tariff_category text, load_min_kw numeric, load_max_kw numeric, sort_order integer)""")
    _insert(conn, "rules.sub_categories",
            ["sub_category", "label_hi", "label_en", "tariff_category", "load_min_kw", "load_max_kw", "sort_order"],
            [("LMV1_UPTO_2KW", "घरेलू, 2 कि0वा0 तक", "Domestic up to 2 kW", "LMV-1", None, 2, 1),
             ("LMV1_ABOVE_2KW", "घरेलू, 2 कि0वा0 से अधिक", "Domestic above 2 kW", "LMV-1", 2, None, 2),
             ("LMV2_UPTO_2KW", "वाणिज्यिक, 2 कि0वा0 तक", "Commercial up to 2 kW", "LMV-2", None, 2, 3),
             ("LMV2_2_TO_5KW", "वाणिज्यिक, 2 से 5 कि0वा0", "Commercial 2 to 5 kW", "LMV-2", 2, 5, 4),
             ("LMV5", "निजी नलकूप", "Private tube wells", "LMV-5", None, None, 5)])

    ensure_release_schema(conn)
    conn.execute(
        "insert into audit.releases (report_date, revision, run_id, input_fingerprint, revised, files_dir,"
        " form1_rows, form2_rows, grand_totals) values (%s, 0, 'run-1', 'abc', false, '/output/2021-10-25', 5, 5,"
        " '{\"collected_cum\": \"15000.50\"}')",
        (DAY,),
    )


@pytest.fixture
def access_env(warehouse: ConnectionParams, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    """A role prefix of the test's own, passwords for every login role but KESCO's, and cleanup of the roles."""
    prefix = f"t{uuid.uuid4().hex[:8]}_"
    monkeypatch.setenv("SAMADHAN_ROLE_PREFIX", prefix)
    monkeypatch.delenv("SAMADHAN_SECRETS_FILE", raising=False)
    names = role_names(prefix)
    passwords = {
        names.loader: "loader-pw", names.builder: "builder-pw", names.pipeline: "pipeline-pw",
        names.statewide_reader: "state-pw", names.discom_reader("DVVNL"): "dvvnl-pw",
    }
    for role, password in passwords.items():
        monkeypatch.setenv(f"SAMADHAN_PASSWORD_{role.upper()}", password)
    try:
        yield {"prefix": prefix, "names": names, "passwords": passwords, "params": warehouse}
    finally:
        with psycopg.connect(warehouse.conninfo(), autocommit=True) as conn:
            leftover = [row[0] for row in conn.execute(
                "select rolname from pg_roles where starts_with(rolname, %s)", (prefix,))]
            # One role at a time: dropping several whose default privileges name each other fails on PostgreSQL 18.
            for role in leftover:
                conn.execute(sql.SQL("drop owned by {}").format(sql.Identifier(role)))
            for role in leftover:
                conn.execute(sql.SQL("drop role {}").format(sql.Identifier(role)))


def _admin(env: dict) -> psycopg.Connection:
    return psycopg.connect(env["params"].conninfo())


def _login(env: dict, role: str) -> psycopg.Connection:
    params: ConnectionParams = env["params"]
    as_role = ConnectionParams(params.host, params.port, role, env["passwords"].get(role, ""), params.dbname)
    return psycopg.connect(as_role.conninfo(), autocommit=True)


def _sync(env: dict):
    with _admin(env) as conn:
        return sync_access(conn)


@pytest.fixture
def released(access_env: dict) -> dict:
    with _admin(access_env) as conn:
        create_released_day(conn)
        conn.commit()
    access_env["report"] = _sync(access_env)
    return access_env


def _units(conn: psycopg.Connection, table: str) -> set[tuple[str, str]]:
    rows = conn.execute(sql.SQL("select unit_level, unit_code from {}").format(sql.Identifier(*table.split("."))))
    return set(rows.fetchall())


def test_sync_creates_roles_from_released_discoms(released: dict) -> None:
    names = released["names"]
    report = released["report"]
    assert report.discoms == {"DVVNL": names.discom_reader("DVVNL"), "KESCO": names.discom_reader("KESCO")}
    logins = {outcome.name: outcome.login for outcome in report.roles}
    assert logins[names.discom_reader("DVVNL")] is True
    assert logins[names.statewide_reader] is True
    assert logins[names.reader] is False
    # No password was given for KESCO's reader, so it exists but cannot log in.
    assert logins[names.discom_reader("KESCO")] is False


def test_discom_reader_sees_only_its_rows(released: dict) -> None:
    with _login(released, released["names"].discom_reader("DVVNL")) as conn:
        assert _units(conn, "reports.rpt_form1") == {("DISCOM", "DVVNL"), ("ZONE", "Z-AGRA")}
        assert _units(conn, "reports.rpt_form2") == {("DISCOM", "DVVNL"), ("SUBSTATION", "SS-AGRA-1")}
        assert _units(conn, "marts.fct_unit_daily_progress") == {("DISCOM", "DVVNL"), ("SUBSTATION", "SS-AGRA-1")}
        assert _units(conn, "marts.dim_unit") == {("DISCOM", "DVVNL"), ("ZONE", "Z-AGRA"), ("SUBSTATION", "SS-AGRA-1")}
        beats = conn.execute("select beat_code from marts.dim_hierarchy").fetchall()
        assert beats == [("B-AGRA-1",)]
        totals = conn.execute("select count(*) from reports.rpt_form1 where unit_level = 'TOTAL'").fetchone()[0]
        assert totals == 0
        collected = conn.execute("select sum(collected_cum) from reports.rpt_form1 where unit_level = 'DISCOM'")
        assert collected.fetchone()[0] == Decimal("10000.25")


def test_statewide_reader_sees_every_row(released: dict) -> None:
    with _login(released, released["names"].statewide_reader) as conn:
        assert _units(conn, "reports.rpt_form1") == {(level, code) for level, code, *_rest in FORM1}
        assert _units(conn, "reports.rpt_form2") == {(level, code) for level, code, *_rest in FORM2}
        assert conn.execute("select count(*) from marts.fct_unit_daily_progress").fetchone()[0] == 5
        assert conn.execute("select count(*) from marts.dim_unit").fetchone()[0] == 6
        assert conn.execute("select count(*) from marts.dim_hierarchy").fetchone()[0] == 2
        total = conn.execute("select collected_cum from reports.rpt_form1 where unit_level = 'TOTAL'").fetchone()[0]
        assert total == Decimal("15000.50")


@pytest.mark.parametrize("table", [
    "billing.consumers", "billing.registrations", "raw.consumers", "audit.quarantine", "audit.check_results",
    "audit.releases", "build.rpt_form1", "rules.scheme", "access.reader_discoms",
])
def test_readers_denied_private_tables(released: dict, table: str) -> None:
    for role in (released["names"].discom_reader("DVVNL"), released["names"].statewide_reader):
        with _login(released, role) as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql.SQL("select * from {}").format(sql.Identifier(*table.split("."))))


def test_readers_cannot_write_released_tables(released: dict) -> None:
    with _login(released, released["names"].statewide_reader) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("delete from reports.rpt_form1")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("create table marts.mine (x integer)")


def test_masked_consumers_hide_names_and_mobiles(released: dict) -> None:
    with _login(released, released["names"].discom_reader("DVVNL")) as conn:
        cursor = conn.execute(
            "select account_no, name_initials, mobile_masked, discom_code, beat_code, sub_category, registered_at,"
            " notice_served_on, report_date from marts.consumer_status_masked order by account_no")
        columns = [column.name for column in cursor.description]
        rows = cursor.fetchall()
        all_columns = [column.name for column in conn.execute(
            "select * from marts.consumer_status_masked limit 0").description]
        every_value = conn.execute("select string_agg(t::text, '|') from marts.consumer_status_masked as t").fetchone()
    assert rows == [
        ("3000000001", "R. K. V.", "98XXXXXX10", "DVVNL", "B-AGRA-1", "LMV1_UPTO_2KW", datetime(2021, 10, 22, 10, 0),
         date(2021, 10, 23), DAY),
        # 3 kVA is 2.7 kW; the notice served on this account carried another consumer's number.
        ("3000000002", "S. D.", "70XXXXXX45", "DVVNL", "B-AGRA-1", "LMV2_2_TO_5KW", None, None, DAY),
    ]
    assert "account_no" in columns
    for personal in ("consumer_name", "guardian_name", "address", "mobile", "mobile_normalised"):
        assert personal not in all_columns
    for value in FULL_NAMES + FULL_MOBILES + ("Shahganj", "Lohamandi"):
        assert value not in every_value[0]


def test_statewide_masked_consumers_latest_day(released: dict) -> None:
    with _login(released, released["names"].statewide_reader) as conn:
        rows = conn.execute(
            "select account_no, name_initials, mobile_masked, sub_category, registered_at, report_date"
            " from marts.consumer_status_masked order by account_no").fetchall()
    # One row per consumer of the released day's snapshot; KESCO's registration came after that day.
    assert [row[0] for row in rows] == ["3000000001", "3000000002", "3000000003"]
    assert rows[2][1:] == ("M. S.", "91XXXXXX89", "LMV5", None, DAY)


def test_readers_see_verdicts_without_samples(released: dict) -> None:
    with _login(released, released["names"].discom_reader("DVVNL")) as conn:
        verdicts = conn.execute("select * from reports.check_verdicts")
        verdict_columns = [column.name for column in verdicts.description]
        verdict_rows = verdicts.fetchall()
        releases = conn.execute("select * from reports.release_log")
        release_columns = [column.name for column in releases.description]
        release_rows = releases.fetchall()
    assert verdict_columns == ["report_date", "run_id", "check_name", "severity", "status", "failing_rows",
                               "checked_at"]
    assert [(row[0], row[2], row[4]) for row in verdict_rows] == [(DAY, "mobile_format", "warn")]
    assert release_columns == ["report_date", "revision", "revised", "released_at"]
    assert [(row[0], row[1], row[2]) for row in release_rows] == [(DAY, 0, False)]


def test_reader_without_password_cannot_log_in(released: dict) -> None:
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        _login(released, released["names"].discom_reader("KESCO"))


def test_sync_rerun_keeps_policies_and_revokes(released: dict) -> None:
    names = released["names"]
    with _admin(released) as conn:
        policy_oids = conn.execute("select oid, polname from pg_policy order by oid").fetchall()
        # A grant made by hand is taken back by the next sync.
        conn.execute(sql.SQL("grant usage on schema billing to {}").format(sql.Identifier(names.reader)))
        conn.execute(sql.SQL("grant select on billing.consumers to {}").format(sql.Identifier(names.reader)))
        conn.commit()
    second = _sync(released)
    with _admin(released) as conn:
        assert conn.execute("select oid, polname from pg_policy order by oid").fetchall() == policy_oids
    assert [outcome.created for outcome in second.roles] == [False] * len(second.roles)
    with _login(released, names.discom_reader("DVVNL")) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select * from billing.consumers")


def test_table_released_after_sync_is_filtered(released: dict) -> None:
    names = released["names"]
    # The release step, connected as the pipeline role, creates a new table and copies a day into an old one.
    with _login(released, names.pipeline) as conn:
        conn.execute("create table reports.rpt_camps as select report_date, unit_level, unit_code, camps_cum"
                     " from reports.rpt_form2")
        conn.execute("insert into reports.rpt_form1 (report_date, unit_level, unit_code, unit_name, sub_category)"
                     " values (%s, 'ZONE', 'Z-AGRA', 'आगरा क्षेत्र', 'LMV5')", (DAY,))
    with _login(released, names.discom_reader("DVVNL")) as conn:
        assert _units(conn, "reports.rpt_camps") == {("DISCOM", "DVVNL"), ("SUBSTATION", "SS-AGRA-1")}
        assert conn.execute("select count(*) from reports.rpt_form1").fetchone()[0] == 3
    with _login(released, names.statewide_reader) as conn:
        assert conn.execute("select count(*) from reports.rpt_camps").fetchone()[0] == 5


def test_tables_released_before_dim_unit_get_filtered(access_env: dict) -> None:
    names = access_env["names"]
    _sync(access_env)
    with _admin(access_env) as conn:
        # The first release: sync ran before it, so the tables are created under the event trigger,
        # Form 1 before marts.dim_unit exists.
        create_released_day(conn)
        conn.commit()
    # The second sync creates the discom readers from the released marts.dim_unit.
    _sync(access_env)
    with _login(access_env, names.discom_reader("DVVNL")) as conn:
        assert _units(conn, "reports.rpt_form1") == {("DISCOM", "DVVNL"), ("ZONE", "Z-AGRA")}


def test_apply_policies_restores_row_filter(released: dict) -> None:
    names = released["names"]
    with _admin(released) as conn:
        conn.execute("alter table reports.rpt_form2 disable row level security")
        conn.commit()
    with _login(released, names.discom_reader("DVVNL")) as conn:
        assert ("DISCOM", "KESCO") in _units(conn, "reports.rpt_form2")
    with _admin(released) as conn:
        actions = apply_policies(conn)
        conn.commit()
    assert actions["reports.rpt_form2"].startswith("rows filtered")
    with _login(released, names.discom_reader("DVVNL")) as conn:
        assert _units(conn, "reports.rpt_form2") == {("DISCOM", "DVVNL"), ("SUBSTATION", "SS-AGRA-1")}


def test_sync_needs_superuser(released: dict) -> None:
    with _login(released, released["names"].pipeline) as conn:
        with pytest.raises(RoleSetupError, match="not a superuser"):
            sync_access(conn)


def test_discom_gone_from_release_is_retired(released: dict) -> None:
    names = released["names"]
    with _admin(released) as conn:
        conn.execute("delete from marts.dim_unit where discom_code = 'KESCO'")
        conn.commit()
    report = _sync(released)
    assert report.retired == [names.discom_reader("KESCO")]
    with _admin(released) as conn:
        member = conn.execute("select pg_has_role(%s, %s, 'MEMBER')",
                              (names.discom_reader("KESCO"), names.reader)).fetchone()[0]
    assert member is False


def test_bi_client_reads_form1_through_sqlalchemy(released: dict) -> None:
    params: ConnectionParams = released["params"]
    role = released["names"].discom_reader("DVVNL")
    url = ConnectionParams(params.host, params.port, role, "dvvnl-pw", params.dbname).sqlalchemy_url("psycopg")
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        assert sorted(inspector.get_table_names(schema="reports")) == ["rpt_form1", "rpt_form2"]
        assert "consumer_status_masked" in inspector.get_view_names(schema="marts")
        with engine.connect() as connection:
            visible = connection.execute(text(
                "select distinct table_schema from information_schema.tables"
                " where table_schema not in ('pg_catalog', 'information_schema')")).scalars().all()
            form1 = connection.execute(text(
                "select unit_level, unit_code, eligible_defaulters, collected_cum from reports.rpt_form1"
                " where report_date = :day order by unit_level"), {"day": DAY}).all()
    finally:
        engine.dispose()
    assert sorted(visible) == ["marts", "reports"]
    assert form1 == [("DISCOM", "DVVNL", 20, Decimal("10000.25")), ("ZONE", "Z-AGRA", 20, Decimal("10000.25"))]


def test_cli_sync_and_status(released: dict) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["access", "sync"])
    assert result.exit_code == 0, result.output
    assert f"discom DVVNL: read by {released['names'].discom_reader('DVVNL')}" in result.output
    for password in released["passwords"].values():
        assert password not in result.output
    status = runner.invoke(main, ["access", "status"])
    assert status.exit_code == 0, status.output
    assert f"role {released['names'].discom_reader('DVVNL')}: login, sees DVVNL" in status.output
    assert "reports.rpt_form1: row-level security on, 2 policies" in status.output


def test_secrets_file_formats(tmp_path: Path) -> None:
    plain = tmp_path / "secrets"
    plain.write_text("# warehouse roles\nreader_state = s3cret=with=equals\n\nreader_dvvnl=d\n", encoding="utf-8")
    assert read_secrets_file(plain) == {"reader_state": "s3cret=with=equals", "reader_dvvnl": "d"}
    yaml_file = tmp_path / "secrets.yaml"
    yaml_file.write_text("reader_state: 'y-pw'\nsamadhan_loader: 12345\n", encoding="utf-8")
    assert read_secrets_file(yaml_file) == {"reader_state": "y-pw", "samadhan_loader": "12345"}


def test_secrets_file_errors(tmp_path: Path) -> None:
    broken = tmp_path / "secrets"
    broken.write_text("reader_state=ok\nthis-line-has-the-password-only\n", encoding="utf-8")
    with pytest.raises(SecretsFileError, match="line 2: expected role=password") as raised:
        read_secrets_file(broken)
    assert "this-line-has-the-password-only" not in str(raised.value)
    with pytest.raises(SecretsFileError, match="inside the repository"):
        read_secrets_file(PROJECT_ROOT / "pyproject.toml")
    with pytest.raises(SecretsFileError, match="not found"):
        read_secrets_file(tmp_path / "missing")


def test_environment_password_wins_over_file(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets"
    secrets.write_text("reader_state=from-file\nreader_dvvnl=file-only\n", encoding="utf-8")
    passwords = Passwords.from_environment({
        "SAMADHAN_SECRETS_FILE": str(secrets), "SAMADHAN_PASSWORD_READER_STATE": "from-env",
    })
    assert passwords.lookup("reader_state") == "from-env"
    assert passwords.lookup("reader_dvvnl") == "file-only"
    assert passwords.lookup("reader_kesco") is None
