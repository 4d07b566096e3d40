"""The `samadhan notices` command."""

from __future__ import annotations

import click


@click.command("notices")
@click.option("--day", "day", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Dump date (YYYY-MM-DD) whose built warehouse the notices are drawn from.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=None), default=None,
              help="Folder to write notices/<beat>.pdf into; default $SAMADHAN_OUTPUT_DIR/<day>.")
def notices_command(day, out_dir) -> None:  # type: ignore[no-untyped-def]
    """Number the day's new eligible defaulters and write their notice bundles, one PDF per beat."""
    from pathlib import Path

    from samadhan.notices import DayNotBuilt, generate_notices

    try:
        run = generate_notices(day.date(), Path(out_dir) if out_dir else None)
    except DayNotBuilt as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"{run.day.isoformat()}: {run.new_notices:,} new notices of {run.eligible_defaulters:,} eligible defaulters; "
        f"{run.day_notices:,} notices in {len(run.bundles):,} beat bundles in {run.folder}"
    )
