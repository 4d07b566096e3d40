"""`samadhan rules check` and `samadhan rules load`: validate the scheme rules file, load it into `rules.*`."""

from __future__ import annotations

from pathlib import Path

import click

from samadhan.rules.errors import RulesError
from samadhan.rules.model import Band, Deposit, Scheme, format_number
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
    return "\n".join([
        f"{scheme.source_name}: valid",
        *_dates_lines(scheme),
        *_admission_lines(scheme),
        f"deposit         {_describe_deposit(scheme.deposit)}",
        *_waiver_lines(scheme),
        f"laggards        below {format_number(scheme.laggard_threshold_pct)}% of target",
        f"assumptions     {len(scheme.assumptions)}",
        *(f"  {item.key_path}: {item.text}" for item in scheme.assumptions),
    ])


def _labelled(label: str, lines: list[str]) -> list[str]:
    """Put `label` in front of the first line and indent the others under it."""
    return [f"{label if index == 0 else '':<16}{line}" for index, line in enumerate(lines)]


def _dates_lines(scheme: Scheme) -> list[str]:
    window = f"{scheme.start} to {scheme.end}"
    if scheme.extensions:
        extended_to = ", ".join(map(str, scheme.extensions))
        window += f" (original end {scheme.original_end}, extended to {extended_to})"
    cutoff = f"{scheme.dues_cutoff}" + "".join(
        f"; {category} {cutoff}" for category, cutoff in scheme.dues_cutoff_by_category
    )
    phases = "; ".join(f"{phase.code} {phase.start} to {phase.end}" for phase in scheme.phases)
    if not scheme.phases_declared:
        phases += " (no phases declared: one phase covers the window)"
    return [
        f"scheme          {scheme.code}: {scheme.name_en} / {scheme.name_hi}",
        f"window          {window}",
        f"dues cut-off    {cutoff}",
        f"deadlines       targets {scheme.target_deadline}, notices {scheme.notice_deadline}",
        f"bill revision   decided within {scheme.revision_limit_days} days, "
        f"sent by SMS and web within {scheme.revision_delivery_limit_days} days",
        f"phases          {phases}",
    ]


def _admission_lines(scheme: Scheme) -> list[str]:
    eligibility = []
    for entry in scheme.eligibility:
        statuses = ", ".join(sorted(entry.connection_statuses)) if entry.connection_statuses else "any status"
        court = "court cases in" if entry.court_case_allowed else "court cases out"
        eligibility.append(
            f"{entry.category}: load {describe_band(entry.load_band, 'kW')}, {statuses}, {court}, "
            f"dues up to {entry.dues_cutoff}"
        )
    sub_categories = [
        f"{item.code}: {item.category} load {describe_band(item.load_band, 'kW')} ({item.label_hi})"
        for item in scheme.sub_categories
    ]
    options = [
        f"{option.category}: {option.option}"
        + (f", up to {option.max_instalments} instalments" if option.option == "INSTALMENT" else "")
        for option in scheme.payment_options
    ]
    return [
        *_labelled("eligibility", eligibility),
        *_labelled("sub-categories", sub_categories),
        *_labelled("payment options", options),
    ]


def _describe_deposit(deposit: Deposit) -> str:
    if deposit.kind == "NONE":
        text = "none"
    elif deposit.kind == "FIXED":
        text = f"Rs {format_number(deposit.value)}"
    else:
        as_on = f" as on {deposit.principal_as_on}" if deposit.principal_as_on else ""
        text = f"{format_number(deposit.value)}% of principal{as_on}"
    if deposit.plus_current_bill:
        text += ", plus the current bill"
    return text


def _waiver_lines(scheme: Scheme) -> list[str]:
    phase_basis = scheme.waiver_phase_basis.lower().replace("_", " ")
    lines = [
        f"waiver          {len(scheme.waiver_rules)} rules; the phase of {phase_basis} decides; "
        f"dues bands are measured on {scheme.dues_band_basis.lower()}"
    ]
    for rule in scheme.waiver_rules:
        load = describe_band(rule.load_band, "kW")
        dues = describe_band(rule.dues_band, "Rs")
        lines.append(
            f"  {rule.order:>3}. {rule.category:<7} {rule.phase or 'any':<4} load {load:<22} dues {dues:<18} "
            f"{rule.payment_option or 'any':<10} {format_number(rule.percent)}%"
        )
    return lines


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
