"""`samadhan rules check` and `samadhan rules load`: validate the scheme rules file, load it into `rules.*`."""

from __future__ import annotations

from pathlib import Path

import click

from samadhan.rules.errors import RulesError
from samadhan.rules.model import Band, Scheme, format_number
from samadhan.rules.parse import load_scheme

FILE_ARGUMENT = click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))


def describe_band(band: Band, unit: str) -> str:
    if band.above is None and band.up_to is None:
        return "any"
    parts = []
    if band.above is not None:
        parts.append(f"above {format_number(band.above)}")
    if band.up_to is not None:
        parts.append(f"up to {format_number(band.up_to)}")
    return " ".join(parts) + f" {unit}"


def summarise(scheme: Scheme) -> str:
    """Return a plain-text summary of the scheme for a person checking the rules file."""
    lines = [
        f"{scheme.source_name}: valid",
        f"scheme          {scheme.code}: {scheme.name_en} / {scheme.name_hi}",
        f"window          {scheme.start} to {scheme.end}"
        + (
            f" (original end {scheme.original_end}, extended to {', '.join(map(str, scheme.extensions))})"
            if scheme.extensions else ""
        ),
        f"dues cut-off    {scheme.dues_cutoff}"
        + "".join(f"; {category} {cutoff}" for category, cutoff in scheme.dues_cutoff_by_category),
        f"deadlines       targets {scheme.target_deadline}, notices {scheme.notice_deadline}",
        f"bill revision   decided within {scheme.revision_limit_days} days, "
        f"sent by SMS and web within {scheme.revision_delivery_limit_days} days",
        "phases          "
        + "; ".join(f"{phase.code} {phase.start} to {phase.end}" for phase in scheme.phases)
        + ("" if scheme.phases_declared else " (no phases declared: one phase covers the window)"),
    ]
    for index, entry in enumerate(scheme.eligibility):
        statuses = ", ".join(sorted(entry.connection_statuses)) if entry.connection_statuses else "any status"
        court = "court cases in" if entry.court_case_allowed else "court cases out"
        lines.append(
            f"{'eligibility' if index == 0 else '':<16}{entry.category}: load {describe_band(entry.load_band, 'kW')}, "
            f"{statuses}, {court}, dues up to {entry.dues_cutoff}"
        )
    for index, item in enumerate(scheme.sub_categories):
        lines.append(
            f"{'sub-categories' if index == 0 else '':<16}{item.code}: {item.category} load "
            f"{describe_band(item.load_band, 'kW')} ({item.label_hi})"
        )
    for index, option in enumerate(scheme.payment_options):
        instalments = f", up to {option.max_instalments} instalments" if option.option == "INSTALMENT" else ""
        lines.append(f"{'payment options' if index == 0 else '':<16}{option.category}: {option.option}{instalments}")
    deposit = scheme.deposit
    if deposit.kind == "NONE":
        deposit_text = "none"
    elif deposit.kind == "FIXED":
        deposit_text = f"Rs {format_number(deposit.value)}"
    else:
        as_on = f" as on {deposit.principal_as_on}" if deposit.principal_as_on else ""
        deposit_text = f"{format_number(deposit.value)}% of principal{as_on}"
    if deposit.plus_current_bill:
        deposit_text += ", plus the current bill"
    lines.append(f"deposit         {deposit_text}")
    phase_basis = scheme.waiver_phase_basis.lower().replace("_", " ")
    lines.append(
        f"waiver          {len(scheme.waiver_rules)} rules; the phase of {phase_basis} decides; "
        f"dues bands are measured on {scheme.dues_band_basis.lower()}"
    )
    for rule in scheme.waiver_rules:
        load = describe_band(rule.load_band, "kW")
        dues = describe_band(rule.dues_band, "Rs")
        lines.append(
            f"  {rule.order:>3}. {rule.category:<7} {rule.phase or 'any':<4} load {load:<22} dues {dues:<18} "
            f"{rule.payment_option or 'any':<10} {format_number(rule.percent)}%"
        )
    lines.append(f"laggards        below {format_number(scheme.laggard_threshold_pct)}% of target")
    lines.append(f"assumptions     {len(scheme.assumptions)}")
    lines += [f"  {item.key_path}: {item.text}" for item in scheme.assumptions]
    return "\n".join(lines)


def _load_or_exit(file: Path | None) -> Scheme:
    try:
        return load_scheme(file)
    except RulesError as error:
        click.echo(str(error), err=True)
        raise SystemExit(2) from error


@click.group("rules")
def rules_group() -> None:
    """Check the scheme rules file or load it into the warehouse."""


@rules_group.command("check")
@FILE_ARGUMENT
def check_command(file: Path | None) -> None:
    """Validate FILE (default: SAMADHAN_SCHEME_FILE) and print a summary; exit 2 with the problems if invalid."""
    click.echo(summarise(_load_or_exit(file)))


@rules_group.command("load")
@FILE_ARGUMENT
def load_command(file: Path | None) -> None:
    """Validate FILE (default: SAMADHAN_SCHEME_FILE) and replace the warehouse's rules.* tables with it."""
    from samadhan.rules.tables import write_rules_tables
    from samadhan.warehouse import connect

    scheme = _load_or_exit(file)
    with connect() as conn:
        write_rules_tables(conn, scheme)
    click.echo(f"{scheme.code} rules loaded into the rules schema from {scheme.source_name}")
