"""The checks that stand between a built day and its release.

`run_release_checks(day)` runs every check of `expectations/release_checks.yml` through Great
Expectations against the warehouse, records one row per check in `audit.check_results` and returns
the `CheckVerdict`. A failed check is a verdict, not an exception: the release step reads
`verdict.passed`. An exception means the checks could not run at all.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from samadhan.checks.gx_runner import CheckError, run_with_gx
from samadhan.checks.record import ensure_check_results_table, record_verdict
from samadhan.checks.suite import (
    SUITE_FILE,
    CheckDefinition,
    Suite,
    SuiteError,
    display_parameters,
    load_suite,
    render_parameters,
)
from samadhan.checks.verdict import CheckResult, CheckVerdict, result_of_check

if TYPE_CHECKING:
    from samadhan.settings import Settings

__all__ = [
    "CheckDefinition",
    "CheckError",
    "CheckResult",
    "CheckVerdict",
    "SUITE_FILE",
    "Suite",
    "SuiteError",
    "data_docs_folder",
    "ensure_check_results_table",
    "load_suite",
    "run_release_checks",
]

log = logging.getLogger(__name__)


def data_docs_folder(report_date: date, settings: Settings) -> Path:
    """Return where GX's Data Docs of the day's latest check run go: `<output_dir>/docs/data-docs/<day>/`."""
    return settings.output_dir / "docs" / "data-docs" / report_date.isoformat()


def run_release_checks(
    report_date: date,
    run_id: str | None = None,
    *,
    only: Sequence[str] | None = None,
    suite: Suite | None = None,
) -> CheckVerdict:
    """Run the release checks for `report_date`, record them in `audit.check_results`, return the verdict.

    `run_id` names the run in `audit.check_results` (default: `manual__<UTC time>`); rerunning under
    the same id replaces that run's rows. `only` runs just the named checks. Raises `CheckError` or
    `SuiteError` when the checks cannot run; a failed check raises nothing.
    """
    from samadhan.settings import load_settings
    from samadhan.warehouse import connect, ensure_database

    settings = load_settings()
    suite = suite or load_suite()
    checks = [suite.check(name) for name in only] if only else list(suite.checks)
    checked_at = datetime.now(UTC)
    run_id = run_id or f"manual__{checked_at.isoformat(timespec='seconds')}"
    day = report_date.isoformat()

    params = ensure_database(settings)
    # GX refuses a URL without a host; `sqlalchemy_url` writes localhost and puts a socket folder in `?host=`.
    findings = run_with_gx(
        suite, checks, render_parameters(report_date, settings), params.sqlalchemy_url("psycopg"),
        data_docs_dir=data_docs_folder(report_date, settings),
    )
    display = display_parameters(report_date, settings)
    results = tuple(
        result_of_check(finding.check, finding.failing_rows, finding.rows, display, finding.row_total)
        for finding in findings
    )
    verdict = CheckVerdict(report_date=report_date, run_id=run_id, results=results, checked_at=checked_at)

    with connect(settings) as conn:
        record_verdict(conn, verdict)

    for result in results:
        if result.status == "fail":
            log.error("%s check %s failed: %s", day, result.name, result.message)
        elif result.status == "warn":
            log.warning("%s check %s warns: %s", day, result.name, result.message)
    log.info(
        "%s release checks, run %s: %d run, %d failed, %d with warnings",
        day, run_id, len(results), len(verdict.failures), len(verdict.warnings),
    )
    return verdict
