"""The `samadhan` command line. Each command is a thin wrapper over a library call that the DAG uses too.

Exit codes a scheduler can act on: 0 done, 1 failed, 2 bad usage or rejected input.
"""

from __future__ import annotations

import logging
import sys

import click

from samadhan.generator.command import SCALE_NAMES


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages too.")
def main(verbose: bool) -> None:
    """samadhan: the daily pipeline of UPPCL's One Time Settlement scheme."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # fontTools logs every glyph subset at INFO while the PDFs are written.
    logging.getLogger("fontTools").setLevel(logging.WARNING)


@main.group()
def db() -> None:
    """Start, stop or locate the warehouse database."""


@db.command("start")
def db_start() -> None:
    """Start the embedded server (if no SAMADHAN_DATABASE_URL is set) and create the database."""
    from samadhan.warehouse import ensure_database

    params = ensure_database()
    click.echo(params.sqlalchemy_url())


@db.command("stop")
def db_stop() -> None:
    """Stop the embedded server."""
    from samadhan.warehouse import stop_embedded_server

    click.echo("stopped" if stop_embedded_server() else "not running")


@db.command("url")
def db_url() -> None:
    """Print the SQLAlchemy URL of the warehouse database, starting the embedded server if needed."""
    from samadhan.warehouse import ensure_database

    click.echo(ensure_database().sqlalchemy_url())


@main.command("demo")
@click.option("--days", default=7, show_default=True, help="Number of scheme days, from 21.10.2021.")
@click.option("--scale", type=click.Choice(SCALE_NAMES), default="district", show_default=True,
              help="Dump scale: tiny, district, tenth or state.")
def demo(days: int, scale: str) -> None:
    """Generate district dumps, run the real Airflow DAG for each day, and print what was released."""
    from samadhan.demo import run_demo

    if not run_demo(days=days, scale=scale):
        raise SystemExit(1)


@main.command("run-day")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="DAY")
def run_day(day) -> None:
    """Run one dump date DAY (YYYY-MM-DD) without Airflow: load, build, check, release.

    Exits 2 when the dump is rejected (missing, incomplete, or disagreeing with its manifest) and 1
    when a check stops the release or a step fails.
    """
    from samadhan.loading import DumpRejected
    from samadhan.pipeline import ReleaseStopped
    from samadhan.pipeline import run_day as run

    try:
        click.echo(run(day.date()))
    except DumpRejected as rejected:
        click.echo(f"Dump rejected, nothing loaded: {rejected}", err=True)
        raise SystemExit(2) from rejected
    except ReleaseStopped as stopped:
        click.echo(str(stopped), err=True)
        raise SystemExit(1) from stopped


from samadhan.rules.cli import rules_group  # noqa: E402  (registered after the group exists)

main.add_command(rules_group)
from samadhan.loading.cli import load_command  # noqa: E402

main.add_command(load_command)
from samadhan.access.cli import access_group  # noqa: E402

main.add_command(access_group)

from samadhan.checks.command import check_command  # noqa: E402

main.add_command(check_command)

from samadhan.generator.command import generate as generate_command  # noqa: E402

main.add_command(generate_command)

from samadhan.transform import dbt_parse_command  # noqa: E402

main.add_command(dbt_parse_command)
from samadhan.notices.cli import notices_command  # noqa: E402

main.add_command(notices_command)

from samadhan.bench import bench_command  # noqa: E402

main.add_command(bench_command)
from samadhan.corrections import corrections_command  # noqa: E402

main.add_command(corrections_command)
from samadhan.docs_site import docs_command  # noqa: E402

main.add_command(docs_command)
from samadhan.celery_run import celery_run_command  # noqa: E402

main.add_command(celery_run_command)


if __name__ == "__main__":
    main()
