"""Load a validated scheme into the `rules` schema, which dbt reads as its `rules` source.

The tables are replaced whole in one transaction, so a reader sees either the old scheme or the new
one. Rows are deleted rather than the tables truncated or dropped: readers are not blocked, and
views that dbt built on the tables stay valid.
"""

from __future__ import annotations

import logging

import psycopg
from psycopg import sql

from samadhan.rules.model import Band, Scheme

log = logging.getLogger(__name__)

# Each table's columns and types, in order. Columns may be added here; the names and types that dbt
# reads must stay as they are. A column missing from an existing table is added by `alter table`.
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "scheme": (
        ("scheme_code", "text not null"),
        ("name_hi", "text not null"),
        ("name_en", "text not null"),
        ("start_date", "date not null"),
        ("end_date", "date not null"),  # the end date in force: the latest extension
        ("target_deadline", "date not null"),
        ("notice_deadline", "date not null"),
        ("revision_limit_days", "integer not null"),
        ("revision_delivery_limit_days", "integer not null"),
        ("waiver_phase_basis", "text not null"),
        ("dues_band_basis", "text not null"),
        ("deposit_kind", "text not null"),
        ("deposit_value", "numeric"),
        ("laggard_threshold_pct", "numeric not null"),
        ("original_end_date", "date not null"),
        ("extension_end_dates", "date[] not null"),
        ("dues_cutoff_date", "date not null"),
        ("deposit_principal_as_on", "date"),
        ("deposit_plus_current_bill", "boolean not null"),
        ("source_file", "text not null"),
        ("source_sha256", "text not null"),
    ),
    "phases": (
        ("phase_code", "text not null"),
        ("phase_order", "integer not null"),
        ("start_date", "date not null"),
        ("end_date", "date not null"),
        ("label_hi", "text"),
        ("label_en", "text"),
    ),
    "eligibility": (
        ("tariff_category", "text not null"),
        ("load_min_kw", "numeric"),
        ("load_max_kw", "numeric"),
        ("connection_statuses", "text[]"),
        ("court_case_allowed", "boolean not null"),
        ("dues_cutoff_date", "date not null"),
        ("theft_case_allowed", "boolean"),
    ),
    "sub_categories": (
        ("sub_category", "text not null"),
        ("label_hi", "text not null"),
        ("label_en", "text not null"),
        ("tariff_category", "text not null"),
        ("load_min_kw", "numeric"),
        ("load_max_kw", "numeric"),
        ("sort_order", "integer not null"),
    ),
    "waiver_rules": (
        ("rule_order", "integer not null"),
        ("tariff_category", "text not null"),
        ("phase_code", "text"),
        ("load_min_kw", "numeric"),
        ("load_max_kw", "numeric"),
        ("dues_min", "numeric"),
        ("dues_max", "numeric"),
        ("payment_option", "text"),
        ("waiver_percent", "numeric(5,2) not null"),
        ("source_key", "text not null"),  # the rules file entry the row comes from, e.g. waiver[3]
    ),
    "payment_options": (
        ("tariff_category", "text not null"),
        ("payment_option", "text not null"),
        ("max_instalments", "integer not null"),
    ),
    "assumptions": (
        ("key_path", "text not null"),
        ("assumption", "text not null"),
    ),
}

# Concurrent `create table if not exists` can fail on pg_type, so writers of this schema take this lock.
_ADVISORY_LOCK_KEY = "samadhan.rules"


def table_ddl(table: str) -> str:
    """Return the `create table if not exists` statement of a `rules` table."""
    columns = ",\n    ".join(f"{name} {pg_type}" for name, pg_type in TABLES[table])
    return f"create table if not exists rules.{table} (\n    {columns}\n)"


def _create_tables(cur: psycopg.Cursor) -> None:
    cur.execute("create schema if not exists rules")
    for table in TABLES:
        cur.execute(table_ddl(table))
    # `alter table` locks out readers even when it changes nothing, so only missing columns are added.
    existing = set(
        cur.execute(
            "select table_name, column_name from information_schema.columns where table_schema = 'rules'"
        ).fetchall()
    )
    for table, columns in TABLES.items():
        for name, pg_type in columns:
            if (table, name) in existing:
                continue
            # A table made before a column was added gets it without its not-null constraint.
            plain_type = pg_type.removesuffix(" not null")
            cur.execute(
                sql.SQL("alter table {} add column {} {}").format(
                    sql.Identifier("rules", table), sql.Identifier(name), sql.SQL(plain_type)
                )
            )
            log.info("Added column %s to rules.%s", name, table)


def _band_ends(band: Band) -> tuple[object, object]:
    return band.above, band.up_to


def table_rows(scheme: Scheme) -> dict[str, list[tuple[object, ...]]]:
    """Return the rows of every `rules` table for the scheme, in the column order of `TABLES`."""
    deposit = scheme.deposit
    return {
        "scheme": [(
            scheme.code, scheme.name_hi, scheme.name_en, scheme.start, scheme.end,
            scheme.target_deadline, scheme.notice_deadline,
            scheme.revision_limit_days, scheme.revision_delivery_limit_days,
            scheme.waiver_phase_basis, scheme.dues_band_basis, deposit.kind, deposit.value,
            scheme.laggard_threshold_pct, scheme.original_end, list(scheme.extensions), scheme.dues_cutoff,
            deposit.principal_as_on, deposit.plus_current_bill, scheme.source_name, scheme.source_sha256,
        )],
        "phases": [
            (phase.code, phase.order, phase.start, phase.end, phase.label_hi, phase.label_en)
            for phase in scheme.phases
        ],
        "eligibility": [
            (
                entry.category, *_band_ends(entry.load_band),
                sorted(entry.connection_statuses) if entry.connection_statuses is not None else None,
                entry.court_case_allowed, entry.dues_cutoff, entry.theft_case_allowed,
            )
            for entry in scheme.eligibility
        ],
        "sub_categories": [
            (item.code, item.label_hi, item.label_en, item.category, *_band_ends(item.load_band), item.sort_order)
            for item in scheme.sub_categories
        ],
        "waiver_rules": [
            (
                rule.order, rule.category, rule.phase, *_band_ends(rule.load_band), *_band_ends(rule.dues_band),
                rule.payment_option, rule.percent, rule.key_path,
            )
            for rule in scheme.waiver_rules
        ],
        "payment_options": [
            (option.category, option.option, option.max_instalments) for option in scheme.payment_options
        ],
        "assumptions": [(item.key_path, item.text) for item in scheme.assumptions],
    }


def write_rules_tables(conn: psycopg.Connection, scheme: Scheme) -> None:
    """Replace the rows of every `rules` table with the scheme's, creating the schema and tables if missing.

    Runs in one transaction: it commits at the end unless the caller already has a transaction open,
    in which case the rows become visible when the caller commits.
    """
    rows = table_rows(scheme)
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("select pg_advisory_xact_lock(hashtext(%s))", (_ADVISORY_LOCK_KEY,))
        _create_tables(cur)
        for table, columns in TABLES.items():
            target = sql.Identifier("rules", table)
            cur.execute(sql.SQL("delete from {}").format(target))
            if not rows[table]:
                continue
            insert = sql.SQL("insert into {} ({}) values ({})").format(
                target,
                sql.SQL(", ").join(sql.Identifier(name) for name, _type in columns),
                sql.SQL(", ").join(sql.Placeholder() for _column in columns),
            )
            cur.executemany(insert, rows[table])
    log.info(
        "%s rules loaded from %s: %d phases, %d eligibility entries, %d sub-categories, %d waiver rules",
        scheme.code, scheme.source_name, len(scheme.phases), len(scheme.eligibility),
        len(scheme.sub_categories), len(scheme.waiver_rules),
    )
