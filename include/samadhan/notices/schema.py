"""The notice register: one row per numbered notice, never renumbered, in the warehouse table `notices.register`."""

from __future__ import annotations

import psycopg

REGISTER_TABLE = "notices.register"

NOTICE_DDL = """
create schema if not exists notices;
create table if not exists notices.register (
    notice_no text primary key,
    account_no text not null,
    scheme_code text not null,
    beat_code text not null,
    -- The dump date whose snapshot the notice was drawn from; the notice carries this date.
    generated_on date not null,
    -- The earliest dump whose consumers.csv lists the account.
    first_dump_date date not null,
    tariff_category text not null,
    sanctioned_load numeric not null,
    load_unit text not null,
    -- The amounts printed on the notice, for the option of fewest instalments.
    principal numeric(14, 2) not null,
    lpsc numeric(14, 2) not null,
    waiver_percent numeric(5, 2) not null,
    waiver numeric(14, 2) not null,
    settlement numeric(14, 2) not null,
    -- Each payment option offered, with its maximum instalments, waiver and settlement.
    payment_options jsonb not null,
    last_date date not null,
    registered_at timestamptz not null default now(),
    unique (scheme_code, account_no)
);
create index if not exists register_by_day_and_beat on notices.register (generated_on, beat_code, account_no);
"""


def ensure_notice_schema(conn: psycopg.Connection) -> None:
    """Create the `notices` schema and its register table if they do not exist; the caller commits."""
    conn.execute(NOTICE_DDL)
