"""Checks that relate the sections of a rules file to each other.

Each check records its problems on the reader and returns nothing, so one run reports all of them.
Bands are half-open intervals (above, up_to]. To test that a set of bands covers a range, the range
is cut at every band end into elementary cells. A band then contains each cell whole or not at all,
so testing one point per cell is exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from samadhan.rules.model import Band, Eligibility, PaymentOptionRule, Phase, SubCategory, WaiverRule

if TYPE_CHECKING:
    from samadhan.rules.parse import Reader


def elementary_cells(bands: Iterable[Band], within: Band) -> list[Band]:
    """Cut `within` at every finite end of `bands` and return the pieces, lowest first."""
    ends = {end for band in (*bands, within) for end in (band.above, band.up_to) if end is not None}
    points = sorted(ends)
    cells = [Band(None, points[0])] if points else [Band()]
    cells += [Band(low, high) for low, high in zip(points, points[1:], strict=False)]
    if points:
        cells.append(Band(points[-1], None))
    return [cell for cell in cells if cell.within(within)]


def sample_point(cell: Band) -> Decimal:
    """Return a value inside the cell: its inclusive upper end, or a value above its lower end."""
    if cell.up_to is not None:
        return cell.up_to
    return cell.above + 1 if cell.above is not None else Decimal(0)


def merge_adjacent(cells: Sequence[Band]) -> list[Band]:
    """Join cells that touch, (1, 2] and (2, 5] into (1, 5], so a gap is reported once."""
    merged: list[Band] = []
    for cell in cells:
        if merged and merged[-1].up_to is not None and merged[-1].up_to == cell.above:
            merged[-1] = Band(merged[-1].above, cell.up_to)
        else:
            merged.append(cell)
    return merged


def check_phases(reader: Reader, phases: list[Phase], start: date | None, end: date | None) -> None:
    """Check that the phases lie inside the window, do not overlap, and together cover every day of it."""
    if start is None or end is None:
        return
    for phase in phases:
        path = f"phases[{phase.order - 1}]"
        if not start <= phase.start <= end:
            reader.problem(f"{path}.start", f"{phase.start} is outside the window {start} to {end}")
        if not start <= phase.end <= end:
            reader.problem(f"{path}.end", f"{phase.end} is outside the window {start} to {end}")
    ordered = sorted(phases, key=lambda phase: phase.start)
    for before, after in zip(ordered, ordered[1:], strict=False):
        path = f"phases[{after.order - 1}]"
        if after.start <= before.end:
            reader.problem(
                path,
                f"phase {after.code} ({after.start} to {after.end}) overlaps phase {before.code} "
                f"({before.start} to {before.end})",
            )
        elif after.start > before.end + timedelta(days=1):
            reader.problem(
                f"{path}.start",
                f"no phase covers {before.end + timedelta(days=1)} to {after.start - timedelta(days=1)}: "
                f"phase {after.code} must start the day after phase {before.code} ends",
            )
    if ordered and ordered[0].start > start:
        first = ordered[0]
        reader.problem(
            f"phases[{first.order - 1}].start",
            f"phase {first.code} starts {first.start} but the window starts {start}: phases must cover every day",
        )
    if ordered and ordered[-1].end < end:
        last = ordered[-1]
        reader.problem(
            f"phases[{last.order - 1}].end",
            f"phase {last.code} ends {last.end} but the window (with its extensions) ends {end}: "
            "phases must cover every day",
        )


def check_eligibility_overlaps(reader: Reader, entries: list[Eligibility]) -> None:
    for index, entry in enumerate(entries):
        for earlier in entries[:index]:
            if earlier.category == entry.category and earlier.load_band.overlaps(entry.load_band):
                reader.problem(
                    f"{entry.key_path}.load_band",
                    f"bands {earlier.load_band} ({earlier.key_path}) and {entry.load_band} overlap "
                    f"for {entry.category}",
                )


def check_sub_categories_inside(
    reader: Reader, sub_categories: list[SubCategory], eligibility: list[Eligibility]
) -> None:
    """Check that each sub-category's loads lie inside the eligibility of its category."""
    for sub_category in sub_categories:
        path = f"sub_categories[{sub_category.sort_order - 1}]"
        bands = [entry.load_band for entry in eligibility if entry.category == sub_category.category]
        if not bands:
            reader.problem(f"{path}.category", f"{sub_category.category} is not an eligible category (see eligibility)")
            continue
        outside = [
            cell for cell in elementary_cells(bands, sub_category.load_band)
            if not any(band.contains(sample_point(cell)) for band in bands)
        ]
        for gap in merge_adjacent(outside):
            reader.problem(
                f"{path}.load_band",
                f"{sub_category.code} covers {sub_category.category} loads {gap} kW, which no eligibility "
                "entry admits",
            )


def check_sub_category_overlaps(reader: Reader, sub_categories: list[SubCategory]) -> None:
    for index, sub_category in enumerate(sub_categories):
        for earlier in sub_categories[:index]:
            if earlier.category == sub_category.category and earlier.load_band.overlaps(sub_category.load_band):
                reader.problem(
                    f"sub_categories[{sub_category.sort_order - 1}].load_band",
                    f"bands {earlier.load_band} ({earlier.code}) and {sub_category.load_band} ({sub_category.code}) "
                    f"overlap for {sub_category.category}",
                )


def check_sub_categories_cover(
    reader: Reader, sub_categories: list[SubCategory], eligibility: list[Eligibility]
) -> None:
    """Check that every eligible load has a sub-category, so every eligible defaulter counts towards a target."""
    for entry in eligibility:
        bands = [item.load_band for item in sub_categories if item.category == entry.category]
        uncovered = [
            cell for cell in elementary_cells(bands, entry.load_band)
            if not any(band.contains(sample_point(cell)) for band in bands)
        ]
        for gap in merge_adjacent(uncovered):
            reader.problem(
                "sub_categories",
                f"no sub-category covers {entry.category} loads {gap} kW, which {entry.key_path} admits",
            )


def check_payment_options_cover(reader: Reader, options: list[PaymentOptionRule], eligible: set[str]) -> None:
    offered = {option.category for option in options}
    for category in sorted(eligible - offered):
        reader.problem("payment_options", f"no payment option for {category}, an eligible category")


def _describe_scope(category: str, phase: str | None, option: str | None) -> str:
    phase_text = f"in phase {phase}" if phase else "in every phase"
    return f"for {category} {phase_text}, {option or 'any payment option'}"


def check_waiver_overlaps(reader: Reader, rules: list[WaiverRule]) -> None:
    """Check that no two rules from different entries match one consumer; report each pair once."""
    reported: set[tuple[str, str]] = set()
    for index, rule in enumerate(rules):
        for earlier in rules[:index]:
            if earlier.key_path == rule.key_path or (earlier.key_path, rule.key_path) in reported:
                continue
            if earlier.category != rule.category:
                continue
            if earlier.phase and rule.phase and earlier.phase != rule.phase:
                continue
            if earlier.payment_option and rule.payment_option and earlier.payment_option != rule.payment_option:
                continue
            if not (earlier.load_band.overlaps(rule.load_band) and earlier.dues_band.overlaps(rule.dues_band)):
                continue
            reported.add((earlier.key_path, rule.key_path))
            phase = rule.phase or earlier.phase
            scope = _describe_scope(rule.category, phase, rule.payment_option or earlier.payment_option)
            if earlier.load_band != rule.load_band:
                reader.problem(
                    f"{rule.key_path}.load_band",
                    f"bands {earlier.load_band} ({earlier.key_path}) and {rule.load_band} overlap {scope}",
                )
            elif earlier.dues_band != rule.dues_band:
                reader.problem(
                    f"{rule.key_path}.dues_band",
                    f"bands {earlier.dues_band} ({earlier.key_path}) and {rule.dues_band} overlap {scope}",
                )
            else:
                reader.problem(rule.key_path, f"repeats the load and dues bands of {earlier.key_path} {scope}")


def check_waiver_gaps(
    reader: Reader,
    rules: list[WaiverRule],
    eligibility: list[Eligibility],
    phases: list[Phase],
    options: list[PaymentOptionRule],
) -> None:
    """Check that every eligible category, load, dues amount, phase and offered option has a waiver rule."""
    for entry in eligibility:
        offered = [option.option for option in options if option.category == entry.category]
        for phase in phases:
            for option in offered:
                applicable = [
                    rule for rule in rules
                    if rule.category == entry.category
                    and rule.phase in (None, phase.code)
                    and rule.payment_option in (None, option)
                ]
                _report_uncovered(reader, applicable, entry, phase.code, option)


def _report_uncovered(reader: Reader, rules: list[WaiverRule], entry: Eligibility, phase: str, option: str) -> None:
    load_cells = elementary_cells([rule.load_band for rule in rules], entry.load_band)
    dues_cells = elementary_cells([rule.dues_band for rule in rules], Band())
    for load_cell in load_cells:
        load = sample_point(load_cell)
        uncovered = [
            dues_cell for dues_cell in dues_cells
            if not any(
                rule.load_band.contains(load) and rule.dues_band.contains(sample_point(dues_cell)) for rule in rules
            )
        ]
        for dues_gap in merge_adjacent(uncovered):
            dues_text = "" if dues_gap == Band() else f", dues Rs {dues_gap}"
            reader.problem(
                "waiver",
                f"no rule gives a percent for {entry.category} in phase {phase}, {option}, "
                f"load {load_cell} kW{dues_text} ({entry.key_path} admits them)",
            )
