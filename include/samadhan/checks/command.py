"""`samadhan check`: run the release checks of a day from the command line."""

from __future__ import annotations

import sys
from datetime import date

import click


@click.command("check")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]), required=False, metavar="[DAY]")
@click.option("--run-id", help="Name of the run in audit.check_results; rerunning under it replaces its rows.")
@click.option("--only", "only", multiple=True, metavar="CHECK", help="Run just this check (repeatable).")
@click.option("--list", "list_checks", is_flag=True, help="List the checks with their severity and stop.")
def check_command(day, run_id: str | None, only: tuple[str, ...], list_checks: bool) -> None:
    """Run the release checks for DAY (YYYY-MM-DD) and print the verdict.

    Exits 0 when no check of severity fail failed (warnings are printed), 1 when one failed or the
    checks could not run, and 2 when no load of DAY's dump is recorded.
    """
    from samadhan.checks import CheckError, SuiteError, load_suite, run_release_checks

    if list_checks:
        for check in load_suite().checks:
            click.echo(f"{check.severity:4}  {check.name:40}  {check.table:34}  {check.description}")
        return
    if day is None:
        raise click.UsageError("DAY is required unless --list is given")
    if not _dump_loaded(day.date()):
        click.echo(
            f"No load of the {day.date().isoformat()} dump is recorded in audit.dump_loads, so there is "
            f"nothing to check. Load it first (samadhan load --dump <landing>/{day.date().isoformat()}) "
            f"or run the whole day (samadhan run-day {day.date().isoformat()}).",
            err=True,
        )
        sys.exit(2)
    try:
        verdict = run_release_checks(day.date(), run_id=run_id, only=list(only) or None)
    except KeyError as error:
        raise click.BadParameter(str(error.args[0]), param_hint="--only") from error
    except (CheckError, SuiteError) as error:
        click.echo(f"Release checks of {day.date().isoformat()} could not run: {error}", err=True)
        sys.exit(1)
    click.echo(verdict.message())
    if not verdict.passed:
        sys.exit(1)


def _dump_loaded(day: date) -> bool:
    """Return whether `audit.dump_loads` records a load of `day`'s dump (false on a new warehouse)."""
    from samadhan.warehouse import connect

    with connect() as conn:
        if conn.execute("select to_regclass('audit.dump_loads')").fetchone()[0] is None:
            return False
        return conn.execute("select 1 from audit.dump_loads where dump_date = %s", (day,)).fetchone() is not None
