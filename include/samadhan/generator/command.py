"""`samadhan generate`: write synthetic daily dumps into the landing folder (or any folder)."""

from __future__ import annotations

from pathlib import Path

import click

SCALE_NAMES = ("tiny", "district", "tenth", "state")


@click.command("generate")
@click.option("--scale", type=click.Choice(SCALE_NAMES), required=True,
              help="tiny: 300 consumers (tests); district: 50,000 (demo); tenth: 20 lakh, a tenth of the state; "
                   "state: 2 crore.")
@click.option("--days", type=click.IntRange(min=1), default=1, show_default=True, help="Number of daily dumps.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed; the same seed gives the same bytes.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder that receives one folder per day [default: the landing folder, SAMADHAN_LANDING_DIR].")
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date of the first dump, YYYY-MM-DD [default: 2021-10-21, the scheme's first day].")
@click.option("--clean", is_flag=True, help="Write no rows that break the contract.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes that generate consumer chunks [default: 2 at tenth and state scale, else 1].")
@click.option("--ledger", "ledger_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write one CSV per day here listing every broken row (file, row number, kind).")
def generate(
    scale: str,
    days: int,
    seed: int,
    out_dir: Path | None,
    start,
    clean: bool,
    workers: int | None,
    ledger_dir: Path | None,
) -> None:
    """Write daily billing dumps: ten CSV files and _manifest.json per day, manifest last."""
    from samadhan.generator.writer import generate_dumps
    from samadhan.settings import load_settings

    folders = generate_dumps(
        out_dir or load_settings().landing_dir,
        scale,
        days,
        seed,
        start.date() if start else None,
        contract_breaks=not clean,
        workers=workers,
        ledger_dir=ledger_dir,
        progress=scale in ("tenth", "state"),
    )
    for folder in folders:
        click.echo(str(folder))
