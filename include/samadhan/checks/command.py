"""`samadhan check`: run the release checks of a day from the command line."""

from __future__ import annotations

import sys

import click


@click.command("check")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]), required=False)
@click.option("--run-id", help="Name of the run in audit.check_results; rerunning under it replaces its rows.")
@click.option("--only", "only", multiple=True, metavar="CHECK", help="Run just this check (repeatable).")
@click.option("--list", "list_checks", is_flag=True, help="List the checks with their severity and stop.")
def check_command(day, run_id: str | None, only: tuple[str, ...], list_checks: bool) -> None:
    """Run the release checks for DAY (YYYY-MM-DD) and print the verdict.

    Exits 0 when no check of severity fail failed (warnings are printed), and 1 when one failed or
    the checks could not run.
    """
    from samadhan.checks import CheckError, SuiteError, load_suite, run_release_checks

    if list_checks:
        for check in load_suite().checks:
            click.echo(f"{check.severity:4}  {check.name:40}  {check.table:34}  {check.description}")
        return
    if day is None:
        raise click.UsageError("DAY is required unless --list is given")
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
