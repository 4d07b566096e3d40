"""`audit.check_results`: the release verdict as a table that BI tools read.

One row per check per run. A run is named by its `run_id`, which is Airflow's run id in the DAG.
Running the checks of a day again under the same run id replaces that run's rows for the day. A new
run id adds rows beside the earlier runs', so the history of every verdict is kept. The view
`audit.latest_check_results` shows each day's latest run only.
"""

from __future__ import annotations

import psycopg
from psycopg.types.json import Jsonb

from samadhan.checks.verdict import CheckVerdict

# Advisory lock key for this module's DDL, so concurrent runs create the table one at a time.
CHECKS_DDL_LOCK_KEY = 7_262_010_101

CHECK_RESULTS_DDL = (
    "create schema if not exists audit",
    """
create table if not exists audit.check_results (
    run_id text not null,
    report_date date not null,
    check_name text not null,
    severity text not null check (severity in ('fail', 'warn')),
    status text not null check (status in ('pass', 'fail', 'warn')),
    failing_rows bigint not null,
    message text not null,
    sample jsonb not null,
    checked_at timestamptz not null,
    primary key (run_id, report_date, check_name)
)""",
    "create index if not exists check_results_by_day on audit.check_results (report_date, checked_at)",
    """
create or replace view audit.latest_check_results as
select results.*
from audit.check_results as results
where results.run_id = (
    select latest.run_id
    from audit.check_results as latest
    where latest.report_date = results.report_date
    order by latest.checked_at desc, latest.run_id desc
    limit 1
)""",
)


def ensure_check_results_table(conn: psycopg.Connection) -> None:
    """Create `audit.check_results` and its view where missing, in the caller's transaction.

    Does nothing when both exist, so that a run does not replace the view while BI tools read it.
    """
    existing = conn.execute(
        "select to_regclass('audit.check_results') is not null"
        " and to_regclass('audit.latest_check_results') is not null"
    ).fetchone()
    if existing and existing[0]:
        return
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (CHECKS_DDL_LOCK_KEY,))
        for statement in CHECK_RESULTS_DDL:
            conn.execute(statement)


def record_verdict(conn: psycopg.Connection, verdict: CheckVerdict) -> None:
    """Write the verdict's rows, replacing any rows of the same run and day, in one transaction."""
    ensure_check_results_table(conn)
    with conn.transaction():
        conn.execute(
            "delete from audit.check_results where run_id = %s and report_date = %s",
            (verdict.run_id, verdict.report_date),
        )
        with conn.cursor() as cursor:
            cursor.executemany(
                "insert into audit.check_results (run_id, report_date, check_name, severity, status,"
                " failing_rows, message, sample, checked_at) values (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        verdict.run_id, verdict.report_date, result.name, result.severity, result.status,
                        result.failing_rows, result.message, Jsonb(result.sample), verdict.checked_at,
                    )
                    for result in verdict.results
                ],
            )
