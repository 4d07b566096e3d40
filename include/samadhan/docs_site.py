"""The documentation site: dbt docs of the project and a page of each day's release-check results.

`publish_docs(day)` writes, under `$SAMADHAN_OUTPUT_DIR/docs/`:
- `dbt/index.html`: `dbt docs generate --static` (models, columns, lineage and exposures in one file);
- `checks/<day>.html`: the day's latest run of the release checks from `audit.latest_check_results`;
- `checks/index.html`: a list of the day pages with each day's count of failed and warned checks.

The release checks themselves write Great Expectations' own Data Docs of each day's latest run to
`data-docs/<day>/index.html` (`samadhan.checks.data_docs_folder`); each day's check page links there.

The site stays outside the day's output folder: dbt docs carry the time they were generated, and the
day folder must be byte-identical when a day is released again. Every file is written under a
temporary name and renamed into place, so a reader never sees half a page.
"""

from __future__ import annotations

import html
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from samadhan.settings import load_settings

log = logging.getLogger(__name__)

PAGE_STYLE = """
body { font-family: "Noto Sans Devanagari", "Noto Sans", sans-serif; margin: 2em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #999; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
td.number { text-align: right; }
tr.fail { background: #fdd; }
tr.warn { background: #ffd; }
pre { margin: 0; white-space: pre-wrap; font-size: 0.85em; }
"""


@dataclass(frozen=True)
class CheckRow:
    """One check's result in a run, as `audit.check_results` stores it."""

    check_name: str
    severity: str
    status: str
    failing_rows: int
    message: str
    sample: list[dict[str, Any]]
    run_id: str
    checked_at: datetime


def docs_folder() -> Path:
    return load_settings().output_dir / "docs"


def write_atomically(path: Path, content: str) -> None:
    """Write `content` to `path` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def copy_atomically(source: Path, path: Path) -> None:
    """Copy `source` to `path` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def publish_dbt_docs(report_date: date) -> Path:
    """Run `dbt docs generate --static` for `report_date`; copy the page to `docs/dbt/index.html`.

    dbt writes into a temporary target folder, so the project's `target/manifest.json`, which the
    Airflow DAG reads, is left alone. The catalog describes the tables in the warehouse as they are,
    so run this after the day's build.
    """
    from samadhan.transform import dbt_invoke

    destination = docs_folder() / "dbt" / "index.html"
    with tempfile.TemporaryDirectory(prefix="samadhan-dbt-docs-") as target:
        dbt_invoke(["docs", "generate", "--static", "--target-path", target], report_date)
        page = Path(target) / "static_index.html"
        if not page.is_file():
            raise FileNotFoundError(f"dbt docs generate --static wrote no {page.name} in {target}")
        copy_atomically(page, destination)
    log.info("%s dbt docs written to %s", report_date.isoformat(), destination)
    return destination


def read_latest_checks(report_date: date) -> list[CheckRow]:
    """Return the results of the latest check run of `report_date`, failed checks first."""
    from samadhan.checks import ensure_check_results_table
    from samadhan.warehouse import connect

    with connect() as conn:
        ensure_check_results_table(conn)
        conn.commit()
        rows = conn.execute(
            "select check_name, severity, status, failing_rows, message, sample, run_id, checked_at"
            " from audit.latest_check_results where report_date = %s"
            " order by case status when 'fail' then 0 when 'warn' then 1 else 2 end, check_name",
            (report_date,),
        ).fetchall()
    return [CheckRow(*row) for row in rows]


def render_checks_page(report_date: date, checks: list[CheckRow]) -> str:
    """Return the HTML page of one day's check results."""
    day = report_date.isoformat()
    failed = sum(1 for check in checks if check.status == "fail")
    warned = sum(1 for check in checks if check.status == "warn")
    if checks:
        summary = (
            f"Run {html.escape(checks[0].run_id)} at {checks[0].checked_at:%Y-%m-%d %H:%M:%S %Z}: "
            f"checks run {len(checks)}, failed {failed}, warned {warned}."
        )
    else:
        summary = "No check run is recorded for this day."
    body_rows = []
    for check in checks:
        sample = json.dumps(check.sample, ensure_ascii=False, indent=1, default=str) if check.sample else ""
        body_rows.append(
            f'<tr class="{html.escape(check.status)}">'
            f"<td>{html.escape(check.check_name)}</td>"
            f"<td>{html.escape(check.severity)}</td>"
            f"<td>{html.escape(check.status)}</td>"
            f'<td class="number">{check.failing_rows:,}</td>'
            f"<td>{html.escape(check.message)}</td>"
            f"<td><pre>{html.escape(sample)}</pre></td>"
            "</tr>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Release checks {day}</title><style>{PAGE_STYLE}</style></head><body>\n"
        f'<p><a href="index.html">All days</a> · <a href="../data-docs/{day}/index.html">'
        "Great Expectations Data Docs of this run</a></p>\n"
        f"<h1>Release checks of {day} (जारी करने से पूर्व जाँच)</h1>\n<p>{summary}</p>\n"
        "<table><thead><tr><th>Check</th><th>Severity</th><th>Status</th><th>Failing rows</th>"
        "<th>Message</th><th>Sample of failing rows</th></tr></thead><tbody>\n"
        + "\n".join(body_rows)
        + "\n</tbody></table>\n</body></html>\n"
    )


def read_day_summaries() -> dict[date, tuple[int, int, int]]:
    """Return, per day with a recorded check run, its latest run's (checks, failed, warned) counts."""
    from samadhan.warehouse import connect

    with connect() as conn:
        rows = conn.execute(
            "select report_date, count(*), count(*) filter (where status = 'fail'),"
            " count(*) filter (where status = 'warn')"
            " from audit.latest_check_results group by report_date"
        ).fetchall()
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def render_checks_index(day_pages: list[date], summaries: dict[date, tuple[int, int, int]]) -> str:
    """Return the HTML index of the day pages, newest first."""
    rows = []
    for day in sorted(day_pages, reverse=True):
        checks, failed, warned = summaries.get(day, (0, 0, 0))
        rows.append(
            f'<tr><td><a href="{day.isoformat()}.html">{day.isoformat()}</a></td>'
            f'<td class="number">{checks}</td><td class="number">{failed}</td><td class="number">{warned}</td></tr>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Release checks</title><style>{PAGE_STYLE}</style></head><body>\n"
        "<h1>Release checks by day (जारी करने से पूर्व जाँच)</h1>\n"
        '<p><a href="../dbt/index.html">dbt docs: models, columns and exposures</a></p>\n'
        "<table><thead><tr><th>Day</th><th>Checks</th><th>Failed</th><th>Warned</th></tr></thead><tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table>\n</body></html>\n"
    )


def publish_check_pages(report_date: date) -> Path:
    """Write the day's check page and rewrite the index of all day pages; return the day's page."""
    folder = docs_folder() / "checks"
    page = folder / f"{report_date.isoformat()}.html"
    checks = read_latest_checks(report_date)
    write_atomically(page, render_checks_page(report_date, checks))

    day_pages = []
    for existing in folder.glob("*.html"):
        try:
            day_pages.append(date.fromisoformat(existing.stem))
        except ValueError:
            continue  # index.html
    write_atomically(folder / "index.html", render_checks_index(day_pages, read_day_summaries()))
    log.info("%s check results page written to %s (%d checks)", report_date.isoformat(), page, len(checks))
    return page


def publish_docs(report_date: date) -> Path:
    """Write the dbt docs and the day's check results page under `$SAMADHAN_OUTPUT_DIR/docs`; return that folder."""
    publish_dbt_docs(report_date)
    publish_check_pages(report_date)
    return docs_folder()


@click.command("docs")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="DAY")
def docs_command(day) -> None:
    """Write the dbt docs and DAY's (YYYY-MM-DD) check results to $SAMADHAN_OUTPUT_DIR/docs."""
    from samadhan.transform import TransformFailed

    try:
        folder = publish_docs(day.date())
    except TransformFailed as error:
        raise click.ClickException(str(error)) from error
    click.echo(str(folder))
