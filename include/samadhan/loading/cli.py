"""`samadhan load --dump DIR`."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

log = logging.getLogger(__name__)


@click.command("load")
@click.option(
    "--dump", "dump_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="The dump folder: <landing>/<YYYY-MM-DD>/ with the CSV files and _manifest.json.",
)
def load_command(dump_dir: Path) -> None:
    """Load one dump folder into the warehouse, replacing any earlier load of its date.

    Exit codes: 0 loaded, 2 rejected (no manifest yet, or the files disagree with it), 1 failed.
    """
    from samadhan.loading import DumpRejected, load_dump

    try:
        report = load_dump(dump_dir, progress=True)
    except DumpRejected as error:
        click.echo(f"Dump rejected, nothing loaded: {error}", err=True)
        sys.exit(2)
    except Exception as error:  # any other failure: the transaction rolled back
        log.exception("Loading %s failed", dump_dir)
        click.echo(f"Loading {dump_dir} failed, nothing loaded: {error}", err=True)
        sys.exit(1)
    click.echo(str(report))
    if report.rows_quarantined:
        click.echo(
            "Each quarantined row is in audit.quarantine with its file, line number and reason: "
            f"select * from audit.quarantine where dump_date = '{report.dump_date.isoformat()}';"
        )
