"""Views that give readers what they need from tables they may not read: masked consumers and verdicts.

These views run with their owner's rights (`security_invoker = false`), so each filters its own rows
and shows only columns that are safe for every reader:

- `marts.consumer_status_masked`: the consumers of the latest released day, with name initials and a
  masked mobile, never the name, guardian, address or mobile, filtered to the reader's discoms;
- `reports.release_log`: which days are released, their revision and whether it was revised;
- `reports.check_verdicts`: the latest check run of each day, without the check messages and sample
  rows, which may quote consumers' data.

They depend on tables that other steps create, so a sync before the first load and release skips them
with the reason, and a sync after the first release creates them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import psycopg
from psycopg import sql

from samadhan.contract import LOAD_UNIT_TO_KW

log = logging.getLogger(__name__)

CONSUMER_VIEW = "marts.consumer_status_masked"
RELEASE_LOG_VIEW = "reports.release_log"
VERDICT_VIEW = "reports.check_verdicts"

HIERARCHY_CODES = (
    "discom_code", "zone_code", "circle_code", "division_code", "subdivision_code", "substation_code",
    "feeder_code",
)
CONSUMER_VIEW_SOURCES = (
    "billing.consumers", "billing.registrations", "billing.notice_deliveries", "marts.dim_hierarchy",
    "audit.releases", "rules.scheme", "rules.sub_categories",
)
VERDICT_COLUMNS = ("report_date", "run_id", "check_name", "severity", "status", "failing_rows", "checked_at")
OWNER_RIGHTS = "with (security_barrier = true, security_invoker = false)"
READER_FILTER = "(select access.is_statewide()) or {discom} = any ((select access.current_discoms())::text[])"


@dataclass(frozen=True)
class ViewOutcome:
    """Whether a managed view was created, and why not if it was not."""

    name: str
    created: bool
    note: str


def _missing(conn: psycopg.Connection, relations: tuple[str, ...]) -> list[str]:
    return [name for name in relations if conn.execute("select to_regclass(%s)", (name,)).fetchone()[0] is None]


def _columns(conn: psycopg.Connection, relation: str) -> list[str]:
    schema, table = relation.split(".")
    rows = conn.execute(
        "select attname from pg_attribute where attrelid = to_regclass(%s) and attnum > 0 and not attisdropped"
        " order by attnum",
        (f"{schema}.{table}",),
    ).fetchall()
    return [row[0] for row in rows]


def _replace_view(conn: psycopg.Connection, name: str, body: str) -> None:
    # Dropped and created, because `create or replace` cannot remove or reorder columns.
    identifier = sql.Identifier(*name.split("."))
    conn.execute(sql.SQL("drop view if exists {}").format(identifier))
    conn.execute(sql.SQL("create view {} {} as\n").format(identifier, sql.SQL(OWNER_RIGHTS)) + sql.SQL(body))
    conn.execute(sql.SQL("grant select on {} to {}").format(
        identifier, sql.Identifier(conn.execute("select value from access.settings where key = 'reader_group'")
                                   .fetchone()[0])))


def _load_kw_expression() -> str:
    cases = " ".join(f"when '{unit}' then {factor}" for unit, factor in LOAD_UNIT_TO_KW.items())
    return f"consumer.sanctioned_load * case consumer.load_unit {cases} end"


def consumer_view_sql(hierarchy_columns: list[str]) -> str:
    """Return the body of `marts.consumer_status_masked` for a `marts.dim_hierarchy` with these columns."""
    codes = ",\n    ".join(f"hierarchy.{column}" for column in HIERARCHY_CODES if column in hierarchy_columns)
    same_day = " and hierarchy.report_date = consumer.dump_date" if "report_date" in hierarchy_columns else ""
    load_kw = _load_kw_expression()
    # The latest released day is a scalar subquery, so the executor reads one partition of billing.consumers.
    return f"""
with scheme as (
    select scheme_code from rules.scheme limit 1
),

first_registration as (
    select distinct on (registration.account_no)
        registration.account_no,
        registration.registered_at,
        registration.payment_option,
        registration.instalments
    from billing.registrations as registration
    where registration.dump_date <= (select max(report_date) from audit.releases)
    order by registration.account_no, registration.registered_at, registration.registration_no
),

notice_served as (
    select
        delivery.account_no,
        min(delivery.delivered_on) as served_on
    from billing.notice_deliveries as delivery
    cross join scheme
    where delivery.dump_date <= (select max(report_date) from audit.releases)
        and delivery.outcome = 'SERVED'
        and delivery.notice_no = scheme.scheme_code || '/' || delivery.account_no
    group by delivery.account_no
)

select
    consumer.dump_date as report_date,
    consumer.account_no,
    access.name_initials(consumer.consumer_name) as name_initials,
    access.masked_mobile(consumer.mobile_normalised) as mobile_masked,
    {codes},
    consumer.beat_code,
    sub_category.sub_category,
    consumer.tariff_category,
    consumer.supply_area,
    consumer.sanctioned_load,
    consumer.load_unit,
    consumer.connection_status,
    consumer.court_case,
    consumer.principal_arrears,
    consumer.lpsc_arrears,
    consumer.dues_cutoff_date,
    consumer.last_payment_date,
    first_registration.registered_at,
    first_registration.payment_option,
    first_registration.instalments,
    notice_served.served_on as notice_served_on
from billing.consumers as consumer
inner join marts.dim_hierarchy as hierarchy
    on hierarchy.beat_code = consumer.beat_code{same_day}
left join lateral (
    -- Load bands are (load_min_kw, load_max_kw]: "up to 2 kW" includes 2.000.
    select category.sub_category
    from rules.sub_categories as category
    where category.tariff_category = consumer.tariff_category
        and (category.load_min_kw is null or {load_kw} > category.load_min_kw)
        and (category.load_max_kw is null or {load_kw} <= category.load_max_kw)
    order by category.sort_order
    limit 1
) as sub_category on true
left join first_registration on first_registration.account_no = consumer.account_no
left join notice_served on notice_served.account_no = consumer.account_no
where consumer.dump_date = (select max(report_date) from audit.releases)
    and ({READER_FILTER.format(discom="hierarchy.discom_code")})
"""


def ensure_consumer_view(conn: psycopg.Connection) -> ViewOutcome:
    """Create `marts.consumer_status_masked` when its source tables exist."""
    missing = _missing(conn, CONSUMER_VIEW_SOURCES)
    if missing:
        return ViewOutcome(CONSUMER_VIEW, False, f"waits for {', '.join(missing)}")
    hierarchy_columns = _columns(conn, "marts.dim_hierarchy")
    if "discom_code" not in hierarchy_columns or "beat_code" not in hierarchy_columns:
        return ViewOutcome(CONSUMER_VIEW, False, "marts.dim_hierarchy has no discom_code or beat_code column")
    _replace_view(conn, CONSUMER_VIEW, consumer_view_sql(hierarchy_columns))
    return ViewOutcome(CONSUMER_VIEW, True, "name initials and masked mobile only, rows of the reader's discoms")


def ensure_release_log_view(conn: psycopg.Connection) -> ViewOutcome:
    """Create `reports.release_log` when `audit.releases` exists."""
    if _missing(conn, ("audit.releases",)):
        return ViewOutcome(RELEASE_LOG_VIEW, False, "waits for audit.releases")
    _replace_view(conn, RELEASE_LOG_VIEW, """
select
    release.report_date,
    release.revision,
    release.revised,
    release.released_at
from audit.releases as release
""")
    return ViewOutcome(RELEASE_LOG_VIEW, True, "released days, without files or totals")


def ensure_verdict_view(conn: psycopg.Connection) -> ViewOutcome:
    """Create `reports.check_verdicts` when `audit.check_results` exists."""
    if _missing(conn, ("audit.check_results",)):
        return ViewOutcome(VERDICT_VIEW, False, "waits for audit.check_results")
    present = set(_columns(conn, "audit.check_results"))
    if not {"report_date", "run_id", "check_name", "status", "checked_at"} <= present:
        return ViewOutcome(VERDICT_VIEW, False, "audit.check_results lacks report_date, run_id, check_name, "
                                                "status or checked_at")
    columns = ",\n    ".join(f"result.{column}" for column in VERDICT_COLUMNS if column in present)
    _replace_view(conn, VERDICT_VIEW, f"""
select
    {columns}
from audit.check_results as result
where result.run_id = (
    select latest.run_id
    from audit.check_results as latest
    where latest.report_date = result.report_date
    order by latest.checked_at desc, latest.run_id desc
    limit 1
)
""")
    return ViewOutcome(VERDICT_VIEW, True, "each day's latest check run, without messages or sample rows")


def ensure_views(conn: psycopg.Connection) -> list[ViewOutcome]:
    """Create or refresh every managed view whose sources exist; log the ones that wait."""
    outcomes = [ensure_consumer_view(conn), ensure_release_log_view(conn), ensure_verdict_view(conn)]
    for outcome in outcomes:
        if not outcome.created:
            log.info("View %s not created yet: %s", outcome.name, outcome.note)
    return outcomes
