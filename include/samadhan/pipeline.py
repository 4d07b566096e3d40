"""The daily run's steps, one function per Airflow task, so that the DAG file contains no logic.

Each step takes the dump date (an IST calendar day) and works on the warehouse named by the
settings. The same functions run the day from the command line (`samadhan run-day`) and in tests.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from samadhan.contract import MANIFEST_NAME
from samadhan.settings import load_settings

log = logging.getLogger(__name__)

IST = ZoneInfo("Asia/Kolkata")


class DumpLate(Exception):
    """The day's dump had not arrived by the configured deadline."""


class ReleaseStopped(Exception):
    """A check of severity `fail` failed, so the day is not released."""


def dump_date_of(interval_start: datetime) -> date:
    """Return the dump date of a DAG run: the IST day its data interval starts on."""
    return interval_start.astimezone(IST).date()


def dump_folder(dump_date: date) -> Path:
    return load_settings().landing_dir / dump_date.isoformat()


@dataclass(frozen=True)
class DumpArrival:
    """Whether a day's dump is complete, and until when to wait for it."""

    folder: Path
    complete: bool
    deadline: datetime


def dump_arrival(dump_date: date, now: datetime | None = None) -> DumpArrival:
    """Report whether the dump for `dump_date` is complete; raise `DumpLate` once its deadline passed.

    The exporter writes `_manifest.json` last, so a folder without it is still arriving. The deadline is
    `SAMADHAN_DUMP_DEADLINE_HOURS` (default 30) hours after the start of the dump date in IST, which is
    06:00 IST on the next day.
    """
    import os

    folder = dump_folder(dump_date)
    hours = float(os.environ.get("SAMADHAN_DUMP_DEADLINE_HOURS", "30"))
    deadline = datetime.combine(dump_date, time(0, 0), tzinfo=IST) + timedelta(hours=hours)
    complete = (folder / MANIFEST_NAME).is_file()
    now = now or datetime.now(tz=IST)
    if not complete and now >= deadline:
        state = "is still arriving (no _manifest.json)" if folder.is_dir() else "does not exist"
        raise DumpLate(
            f"Dump for {dump_date.isoformat()} not complete by {deadline:%d-%m-%Y %H:%M} IST: "
            f"folder {folder} {state}. Ask UPPCL IT's export job to deliver it, then clear this task."
        )
    return DumpArrival(folder=folder, complete=complete, deadline=deadline)


def prepare_warehouse() -> str:
    """Start the warehouse if needed, create its schemas, and write the selected scheme's rules tables.

    All DDL happens here, in one task, because concurrent `CREATE ... IF NOT EXISTS` can fail.
    Returns the scheme code.
    """
    from samadhan.checks import ensure_check_results_table
    from samadhan.loading import ensure_schema
    from samadhan.notices import ensure_notice_schema
    from samadhan.release import ensure_release_schema
    from samadhan.rules import load_scheme, write_rules_tables
    from samadhan.warehouse import connect

    scheme = load_scheme()
    with connect() as conn:
        ensure_schema(conn)
        ensure_release_schema(conn)
        ensure_check_results_table(conn)
        ensure_notice_schema(conn)
        write_rules_tables(conn, scheme)
        conn.commit()
        # The rules tables are tiny and new: without statistics the planner guesses hundreds of rows
        # for each and multiplies the guesses through every join of the consumer models.
        for (table,) in conn.execute(
            "select format('%I.%I', schemaname, tablename) from pg_tables where schemaname = 'rules'"
        ).fetchall():
            conn.execute(f"analyze {table}")
        conn.commit()
    log.info("Warehouse ready; scheme %s rules written", scheme.code)
    return scheme.code


def load_day(dump_date: date) -> dict[str, int]:
    """Load the day's dump; return rows loaded and quarantined over all files."""
    from samadhan.loading import load_dump

    report = load_dump(dump_folder(dump_date))
    return report.totals()


def build_day(dump_date: date) -> None:
    """Build the day's marts and forms with dbt (outside Airflow; the DAG uses Cosmos instead)."""
    from samadhan.transform import build_day as dbt_build_day

    dbt_build_day(dump_date)


def check_day(dump_date: date, run_id: str) -> list[str]:
    """Run the release checks; raise `ReleaseStopped` when a `fail` check failed, return the warnings."""
    from samadhan.checks import run_release_checks

    verdict = run_release_checks(dump_date, run_id=run_id)
    for warning in verdict.warnings:
        log.warning("%s check warning: %s", dump_date.isoformat(), warning)
    if not verdict.passed:
        raise ReleaseStopped(
            f"Release of {dump_date.isoformat()} stopped; the released reports stay as they were.\n"
            + verdict.message()
        )
    return [str(warning) for warning in verdict.warnings]


def release_day(dump_date: date, run_id: str) -> str:
    """Release the day's forms to the warehouse and to files; return the output folder."""
    from samadhan.release import release_day as release

    return str(release(dump_date, run_id=run_id))


def run_day(dump_date: date, run_id: str | None = None) -> str:
    """Run the whole day without Airflow: prepare, load, build, check, release."""
    run_id = run_id or f"manual__{dump_date.isoformat()}"
    prepare_warehouse()
    load_day(dump_date)
    build_day(dump_date)
    check_day(dump_date, run_id)
    return release_day(dump_date, run_id)
