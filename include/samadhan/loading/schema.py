"""The loader's tables: `billing.*` (typed rows), `audit.*` (load bookkeeping), and the `raw` schema.

Every statement here is idempotent. `ensure_schema` takes an advisory lock first because two sessions
running `CREATE TABLE IF NOT EXISTS` at the same time can still fail with a unique violation on
`pg_type`.
"""

from __future__ import annotations

import psycopg

from samadhan.contract import DUMP_FILES, DumpFile

# Advisory lock keys, fixed for this project: one for DDL, one held by a load for its whole transaction.
DDL_LOCK_KEY = 7_262_010_001
LOAD_LOCK_KEY = 7_262_010_002

# Files whose `mobile` column also gets `mobile_normalised`.
FILES_WITH_MOBILE = ("staff.csv", "consumers.csv")


def billing_columns(dump_file: DumpFile) -> list[tuple[str, str]]:
    """Return (name, type) of every column of the file's `billing` table, in table order."""
    columns = [(column.name, column.pg_type) for column in dump_file.columns]
    if dump_file.name in FILES_WITH_MOBILE:
        columns.append(("mobile_normalised", "text"))
    columns += [("dump_date", "date"), ("source_file", "text"), ("source_line", "integer")]
    return columns


def _billing_table_ddl(dump_file: DumpFile) -> list[str]:
    required = {column.name for column in dump_file.columns if column.required} | {"dump_date"}
    lines = [
        f"    {name} {pg_type}{' not null' if name in required else ''}"
        for name, pg_type in billing_columns(dump_file)
    ]
    table = dump_file.table
    index = table.split(".")[1] + "_key"
    return [
        f"create table if not exists {table} (\n" + ",\n".join(lines) + "\n) partition by list (dump_date)",
        f"create index if not exists {index} on {table} ({', '.join(dump_file.key)})",
    ]


# Every valid DD-MM-YYYY date from 1900 to 2099, for typing dates by lookup (a year outside that range
# is taken as a typing slip).
_LOOKUP_TABLES = [
    "create table if not exists raw.calendar (dmy text primary key, day date not null)",
    """
insert into raw.calendar (dmy, day)
select to_char(day, 'DD-MM-YYYY'), day::date
from generate_series(date '1900-01-01', date '2099-12-31', interval '1 day') as day
where not exists (select 1 from raw.calendar)""",
]

# Pure SQL functions, so the planner inlines them.
_FUNCTIONS = [
    # The time of day of a DD-MM-YYYY HH:MM:SS timestamp, or null when that part is not a valid time.
    """
create or replace function raw.hms_time(value text) returns time
language sql immutable parallel safe as $$
    select case when length(value) = 19 and substr(value, 11, 1) = ' '
                 and translate(substr(value, 12), '0123456789', '9999999999') = '99:99:99'
                 and substr(value, 12, 2) <= '23' and substr(value, 15, 2) <= '59'
                 and substr(value, 18, 2) <= '59'
           then substr(value, 12)::time end
$$""",
    # A value as it appears in a quarantine reason: quoted, and cut short when long.
    """
create or replace function raw.shown(value text) returns text
language sql immutable parallel safe as $$
    select case when length(value) > 60 then quote_literal(left(value, 57) || '...')
                else quote_literal(value) end
$$""",
    # Ten digits starting 6-9, from a mobile number as clerks type it with spaces, dots, dashes and
    # brackets already removed: 9876543210, +919876543210, 09876543210, 919876543210. Else null.
    """
create or replace function raw.mobile_from_digits(digits text) returns text
language sql immutable parallel safe as $$
    select case when translate(right(digits, 10), '0123456789', '') = ''
                 and left(right(digits, 10), 1) in ('6', '7', '8', '9')
                 and (length(digits) = 10
                      or (length(digits) = 11 and left(digits, 1) = '0')
                      or (length(digits) = 12 and left(digits, 2) = '91')
                      or (length(digits) = 13 and left(digits, 3) = '+91'))
           then right(digits, 10) end
$$""",
]

_AUDIT_TABLES = [
    """
create table if not exists audit.dump_loads (
    dump_date date primary key,
    source_system text,
    generated_at timestamp,
    manifest_sha256 text not null,
    archive_dir text not null,
    rows_in_manifest bigint not null,
    rows_loaded bigint not null,
    rows_resent bigint not null,
    rows_quarantined bigint not null,
    load_number integer not null,
    loaded_at timestamptz not null default now(),
    load_seconds numeric(10,1)
)""",
    """
create table if not exists audit.file_loads (
    dump_date date not null,
    file_name text not null,
    rows_in_manifest bigint not null,
    rows_loaded bigint not null,
    rows_resent bigint not null,
    rows_quarantined bigint not null,
    sha256 text not null,
    amount_total numeric(18,2),
    loaded_at timestamptz not null default now(),
    primary key (dump_date, file_name)
)""",
    """
create table if not exists audit.quarantine (
    dump_date date not null,
    file_name text not null,
    line_no integer not null,
    raw_text text not null,
    reason_code text not null,
    reason text not null
)""",
    "create index if not exists quarantine_by_file on audit.quarantine (dump_date, file_name, line_no)",
    """
create table if not exists audit.resends (
    dump_date date not null,
    file_name text not null,
    line_no integer not null,
    record_key text not null,
    first_dump_date date not null,
    first_line_no integer not null
)""",
    "create index if not exists resends_by_file on audit.resends (dump_date, file_name)",
    """
create table if not exists audit.load_warnings (
    dump_date date not null,
    file_name text not null,
    line_no integer,
    warning_code text not null,
    message text not null
)""",
    "create index if not exists load_warnings_by_file on audit.load_warnings (dump_date, file_name)",
]


def schema_statements() -> list[str]:
    """Return every DDL statement of the loader's schemas, in the order they must run."""
    statements = [f"create schema if not exists {schema}" for schema in ("raw", "billing", "audit")]
    statements += [statement.strip() for statement in _LOOKUP_TABLES + _FUNCTIONS]
    for dump_file in DUMP_FILES:
        statements += _billing_table_ddl(dump_file)
    statements += [statement.strip() for statement in _AUDIT_TABLES]
    return statements


def ensure_schema(conn: psycopg.Connection) -> None:
    """Create the `raw`, `billing` and `audit` schemas and their tables and functions where missing.

    Runs in the caller's transaction (or its own, on an autocommit connection) and holds an advisory
    lock while it runs, so concurrent callers wait for each other instead of failing.
    """
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (DDL_LOCK_KEY,))
        for statement in schema_statements():
            conn.execute(statement)
