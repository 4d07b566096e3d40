"""`samadhan demo`: district dumps for the scheme's first seven days, run through the real DAG.

It generates `district` dumps (about 50,000 consumers) for 21.10.2021 to 27.10.2021 into the
landing folder. Then it runs `airflow dags test samadhan_daily` for each day in order. For each day
it prints the rows loaded and quarantined, the check verdicts, the forms' grand totals and where the
files are.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from samadhan.settings import load_settings

log = logging.getLogger(__name__)

DEMO_START = date(2021, 10, 21)
DEMO_DAYS = 7
DEMO_SEED = 2021


@dataclass(frozen=True)
class DaySummary:
    """One day's figures as the demo prints them."""

    day: date
    rows_loaded: int
    rows_quarantined: int
    checks_passed: int
    checks_warned: int
    checks_failed: int
    released: bool
    eligible_defaulters: int | None
    registered_cum: int | None
    fully_paid_cum: int | None
    collected_cum: Decimal | None
    files: list[str]


def summarise_day(day: date) -> DaySummary:
    """Read one day's figures from the warehouse's audit and report tables."""
    from samadhan.warehouse import connect

    settings = load_settings()
    with connect() as conn:
        loaded, quarantined = conn.execute(
            "select coalesce(sum(rows_loaded), 0), coalesce(sum(rows_quarantined), 0)"
            " from audit.file_loads where dump_date = %s",
            (day,),
        ).fetchone()
        verdicts = dict(
            conn.execute(
                "select status, count(*) from audit.check_results where report_date = %s and run_id = ("
                " select run_id from audit.check_results where report_date = %s order by checked_at desc limit 1)"
                " group by status",
                (day, day),
            ).fetchall()
        )
        released = conn.execute("select 1 from audit.releases where report_date = %s", (day,)).fetchone() is not None
        totals = None
        if released:
            totals = conn.execute(
                "select eligible_defaulters, registered_cum, fully_paid_cum, collected_cum from reports.rpt_form1"
                " where report_date = %s and unit_level = 'TOTAL' and sub_category = 'ALL'",
                (day,),
            ).fetchone()
    folder = settings.output_dir / day.isoformat()
    files = sorted(path.name for path in folder.iterdir()) if folder.exists() else []
    return DaySummary(
        day=day,
        rows_loaded=int(loaded),
        rows_quarantined=int(quarantined),
        checks_passed=int(verdicts.get("pass", 0)),
        checks_warned=int(verdicts.get("warn", 0)),
        checks_failed=int(verdicts.get("fail", 0)),
        released=released,
        eligible_defaulters=None if totals is None else int(totals[0]),
        registered_cum=None if totals is None else int(totals[1]),
        fully_paid_cum=None if totals is None else int(totals[2]),
        collected_cum=None if totals is None else totals[3],
        files=files,
    )


def format_summary(summary: DaySummary, output_dir: Path) -> str:
    from samadhan.reports import format_indian

    checks = f"checks {summary.checks_passed} passed, {summary.checks_warned} warned, {summary.checks_failed} failed"
    lines = [
        f"{summary.day.isoformat()}: {summary.rows_loaded:,} rows loaded, {summary.rows_quarantined:,} quarantined; "
        + checks
    ]
    if summary.released:
        lines.append(
            f"  released: eligible defaulters {summary.eligible_defaulters:,}, registered {summary.registered_cum:,}, "
            f"fully paid {summary.fully_paid_cum:,}, collected Rs {format_indian(summary.collected_cum)}"
        )
        lines.append(f"  files: {output_dir / summary.day.isoformat()}/ ({', '.join(summary.files)})")
    else:
        lines.append("  NOT released: see the Airflow log of this day")
    return "\n".join(lines)


def run_demo(days: int = DEMO_DAYS, scale: str = "district", seed: int = DEMO_SEED) -> bool:
    """Generate the dumps if missing, run the DAG for each day, print the summary; return whether all released."""
    from samadhan.airflow_runner import migrate_metadata_db, run_dag_for_day
    from samadhan.contract import MANIFEST_NAME
    from samadhan.generator import generate_dumps
    from samadhan.transform import parse_project
    from samadhan.warehouse import ensure_database

    settings = load_settings()
    day_list = [DEMO_START + timedelta(days=offset) for offset in range(days)]
    if all((settings.landing_dir / day.isoformat() / MANIFEST_NAME).exists() for day in day_list):
        log.info("Dumps for %s to %s already in %s", day_list[0], day_list[-1], settings.landing_dir)
    else:
        log.info("Generating %s dumps for %d days into %s", scale, days, settings.landing_dir)
        generate_dumps(settings.landing_dir, scale=scale, days=days, seed=seed, start=DEMO_START)

    ensure_database()
    parse_project()
    migrate_metadata_db()

    all_released = True
    for day in day_list:
        log_file = settings.state_dir / "logs" / f"dag-{day.isoformat()}.log"
        code = run_dag_for_day(day, log_file=log_file)
        summary = summarise_day(day)
        print(format_summary(summary, settings.output_dir), flush=True)
        if code != 0 or not summary.released:
            all_released = False
            print(f"  Airflow log: {log_file}", flush=True)
    print(
        "Notices are bundled by the samadhan_after_release DAG after each release; for one day run"
        f" `.venv/bin/samadhan notices --day {day_list[0].isoformat()}` (a few minutes for a whole district).",
        flush=True,
    )
    print("The embedded PostgreSQL server is still running; `make stop` stops it.", flush=True)
    return all_released
