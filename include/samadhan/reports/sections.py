"""The rows of the people's copies (XLSX and PDF), grouped into sections.

Each copy opens with a statewide summary (discoms, their zones and the grand total) and then has
one section per discom. Units are listed depth-first, each parent before its children and indented
by level. In Form 1 a unit is a block of rows, one per sub-category and its total (योग).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from samadhan.reports.forms import (
    ALL_SUB_CATEGORIES,
    GRAND_TOTAL_LABEL,
    LEVEL_DEPTH,
    STATE_SUMMARY_NAME,
    SUB_CATEGORY_TOTAL_LABEL,
    TOTAL_LEVEL,
    FormSpec,
    Row,
    UnitPlace,
    place_of,
)


class RowStyle(Enum):
    """Emphasis of a printed row: plain, a subtotal, or the grand total."""

    DETAIL = "detail"  # a sub-category row, or a substation in Form 2
    SUBTOTAL = "subtotal"  # a unit's total over sub-categories, or a unit above substation in Form 2
    GRAND_TOTAL = "grand_total"  # the statewide total (कुल योग)
    GRAND_TOTAL_PART = "grand_total_part"  # a sub-category row of the statewide total in Form 1


@dataclass(frozen=True)
class PrintedRow:
    """One printed row: its table row, the label for column 1, its indentation depth and its emphasis."""

    row: Row
    unit_label: str
    depth: int
    style: RowStyle
    sub_category_label: str | None  # Form 1 only


@dataclass(frozen=True)
class Block:
    """Rows kept together on a page; in Form 1 the rows of one unit, which share column 1."""

    rows: tuple[PrintedRow, ...]

    @property
    def unit_label(self) -> str:
        return self.rows[0].unit_label

    @property
    def depth(self) -> int:
        return self.rows[0].depth


@dataclass(frozen=True)
class Section:
    """One part of a people's copy: the statewide summary, or one discom."""

    heading: str  # the discom's name, or the summary's name
    discom_code: str | None  # None for the statewide summary
    blocks: tuple[Block, ...]


def _label(row: Row, place: UnitPlace | None) -> str:
    """Return the name printed in column 1: the form's unit name, else the hierarchy's, else the code."""
    if row["unit_level"] == TOTAL_LEVEL:
        return GRAND_TOTAL_LABEL
    for name in (row.get("unit_name"), place.unit_name if place else None):
        if isinstance(name, str) and name.strip():
            return name.strip()
    return str(row["unit_code"])


def _style(form: FormSpec, row: Row) -> RowStyle:
    if row["unit_level"] == TOTAL_LEVEL:
        if form.by_sub_category and row["sub_category"] != ALL_SUB_CATEGORIES:
            return RowStyle.GRAND_TOTAL_PART
        return RowStyle.GRAND_TOTAL
    if form.by_sub_category:
        return RowStyle.SUBTOTAL if row["sub_category"] == ALL_SUB_CATEGORIES else RowStyle.DETAIL
    return RowStyle.DETAIL if row["unit_level"] == "SUBSTATION" else RowStyle.SUBTOTAL


def _printed(form: FormSpec, row: Row, place: UnitPlace | None, sub_category_labels: Mapping[str, str]) -> PrintedRow:
    sub_label = None
    if form.by_sub_category:
        code = row["sub_category"]
        sub_label = sub_category_labels.get(code) or (SUB_CATEGORY_TOTAL_LABEL if code == ALL_SUB_CATEGORIES else None)
        if sub_label is None:
            raise ValueError(f"sub-category {code!r} has no Hindi label")
    depth = 0 if row["unit_level"] == TOTAL_LEVEL else LEVEL_DEPTH[row["unit_level"]]
    return PrintedRow(row, _label(row, place), depth, _style(form, row), sub_label)


def _blocks(
    form: FormSpec,
    rows: Sequence[Row],
    places: Mapping[tuple[str, str], UnitPlace],
    sub_category_ranks: Mapping[str, int],
    sub_category_labels: Mapping[str, str],
) -> list[Block]:
    """Group rows into blocks, ordered depth-first with the grand total last."""

    def unit_key(row: Row) -> tuple[Any, ...]:
        place = place_of(form, row, places)
        return (1, (), row["unit_code"]) if place is None else (0, place.sort_key, row["unit_code"])

    ordered = sorted(
        rows,
        key=lambda row: (
            unit_key(row),
            sub_category_ranks[row["sub_category"]] if form.by_sub_category else 0,
        ),
    )
    blocks: list[Block] = []
    current: list[PrintedRow] = []
    current_unit: tuple[str, str] | None = None
    for row in ordered:
        unit = (row["unit_level"], row["unit_code"])
        if current and (unit != current_unit or not form.by_sub_category):
            blocks.append(Block(tuple(current)))
            current = []
        current_unit = unit
        current.append(_printed(form, row, place_of(form, row, places), sub_category_labels))
    if current:
        blocks.append(Block(tuple(current)))
    return blocks


def build_sections(
    form: FormSpec,
    rows: Sequence[Row],
    places: Mapping[tuple[str, str], UnitPlace],
    sub_category_ranks: Mapping[str, int],
    sub_category_labels: Mapping[str, str],
) -> list[Section]:
    """Split the form's rows into the statewide summary and one section per discom.

    Only the people's copy's levels are printed (discom down to sub-division in Form 1,
    down to substation in Form 2). Discoms come in the hierarchy's depth-first order.
    """
    printed = [row for row in rows if row["unit_level"] in form.copy_levels]

    summary_rows = [row for row in printed if row["unit_level"] in form.summary_levels]
    sections = [
        Section(
            STATE_SUMMARY_NAME,
            None,
            tuple(_blocks(form, summary_rows, places, sub_category_ranks, sub_category_labels)),
        )
    ]

    by_discom: dict[str, list[Row]] = {}
    discom_names: dict[str, str] = {}
    discom_keys: dict[str, Any] = {}
    for row in printed:
        place = place_of(form, row, places)
        if place is None:
            continue
        if place.discom_code is None:
            raise ValueError(f"{form.key} row {row['unit_level']}/{row['unit_code']}: the unit has no discom_code")
        by_discom.setdefault(place.discom_code, []).append(row)
        if row["unit_level"] == "DISCOM":
            discom_names[place.discom_code] = place.unit_name
            discom_keys[place.discom_code] = place.sort_key
    for discom_code in by_discom:
        if discom_code not in discom_names:
            place = places.get(("DISCOM", discom_code))
            if place is None:
                raise ValueError(f"{form.key}: discom {discom_code!r} is not in the units table")
            discom_names[discom_code] = place.unit_name
            discom_keys[discom_code] = place.sort_key

    for discom_code in sorted(by_discom, key=lambda code: (discom_keys[code], code)):
        blocks = _blocks(form, by_discom[discom_code], places, sub_category_ranks, sub_category_labels)
        sections.append(Section(discom_names[discom_code], discom_code, tuple(blocks)))
    return sections


# Grey shades that survive black-and-white printing: darker for the grand total and for higher levels.
GRAND_TOTAL_FILL = "#BFBFBF"
GRAND_TOTAL_PART_FILL = "#E4E4E4"
SUBTOTAL_FILLS_BY_DEPTH = ("#D6D6D6", "#E0E0E0", "#E9E9E9", "#F0F0F0", "#F5F5F5")
UNIT_TOTAL_FILL = "#E8E8E8"  # Form 1: a unit's total over its sub-categories


def row_fill(form: FormSpec, printed: PrintedRow) -> str | None:
    """Return the background colour of a printed row as "#RRGGBB", or None for no fill."""
    if printed.style is RowStyle.GRAND_TOTAL:
        return GRAND_TOTAL_FILL
    if printed.style is RowStyle.GRAND_TOTAL_PART:
        return GRAND_TOTAL_PART_FILL
    if printed.style is RowStyle.SUBTOTAL:
        if form.by_sub_category:
            return UNIT_TOTAL_FILL
        return SUBTOTAL_FILLS_BY_DEPTH[min(printed.depth, len(SUBTOTAL_FILLS_BY_DEPTH) - 1)]
    return None


def row_is_bold(printed: PrintedRow) -> bool:
    """Subtotal and grand total rows print in bold."""
    return printed.style is not RowStyle.DETAIL
