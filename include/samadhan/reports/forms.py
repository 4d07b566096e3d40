"""Form 1 and Form 2 as data: columns, Hindi headings, titles, levels, and the facts of a release.

Both forms come from the warehouse as pandas frames. This module checks a frame against its form
and turns it into plain Python rows (Decimal money, int counts, None for null) that the CSV, XLSX
and PDF writers share.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from numbers import Integral
from typing import Any

import pandas as pd

from samadhan.reports.formatting import format_count, format_date_hi

# Top to bottom; the CSV lists levels in this order, and the people's copies indent by it.
LEVEL_ORDER = ("TOTAL", "DISCOM", "ZONE", "CIRCLE", "DIVISION", "SUBDIVISION", "SUBSTATION", "FEEDER", "BEAT")
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVEL_ORDER)}
# Indentation depth of each level in the people's copies.
LEVEL_DEPTH = {level: rank - 1 for rank, level in enumerate(LEVEL_ORDER) if level != "TOTAL"}

ALL_SUB_CATEGORIES = "ALL"
TOTAL_LEVEL = "TOTAL"

SUB_CATEGORY_TOTAL_LABEL = "योग"
GRAND_TOTAL_LABEL = "कुल योग"
TARGET_NOT_SET = "लक्ष्य निर्धारित नहीं"
REVISED_MARK = "संशोधित"
STATE_SUMMARY_NAME = "प्रदेश स्तरीय सारांश"
NOT_AVAILABLE = "उपलब्ध नहीं"  # printed when the manifest gave no generation time


class Kind(Enum):
    """Kind of a column's values, which decides how they are checked and printed."""

    TEXT = "text"  # the unit's name
    SUB_CATEGORY = "sub_category"  # a sub-category code, printed as its Hindi label
    COUNT = "count"  # a count of consumers or camps, never null
    MONEY = "money"  # rupees with paise, Decimal, never null
    TARGET_COUNT = "target_count"  # consumers; null means the target is not set
    TARGET_MONEY = "target_money"  # rupees; null means the target is not set
    PERCENT = "percent"  # Decimal with 2 places; null prints blank
    RANK = "rank"  # an int; null means unranked and prints blank


NULLABLE_KINDS = {Kind.TARGET_COUNT, Kind.TARGET_MONEY, Kind.PERCENT, Kind.RANK}
DECIMAL_KINDS = {Kind.MONEY, Kind.TARGET_MONEY, Kind.PERCENT}
INTEGER_KINDS = {Kind.COUNT, Kind.TARGET_COUNT, Kind.RANK}


@dataclass(frozen=True)
class Column:
    """One printed column of a form: its number on paper, Hindi heading and table column."""

    number: int
    heading: str
    field: str
    kind: Kind


@dataclass(frozen=True)
class FormSpec:
    """One form: its name, title, printed columns and the levels its table may hold."""

    key: str  # "form1" or "form2", also the file stem
    name_hi: str  # "प्रारूप-1"
    title_hi: str
    columns: tuple[Column, ...]
    table_levels: tuple[str, ...]  # levels the warehouse table contains
    copy_levels: tuple[str, ...]  # levels printed in the people's copies
    summary_levels: tuple[str, ...]  # levels in the statewide summary
    by_sub_category: bool

    @property
    def key_fields(self) -> tuple[str, ...]:
        return ("unit_level", "unit_code", "sub_category") if self.by_sub_category else ("unit_level", "unit_code")

    @property
    def required_fields(self) -> tuple[str, ...]:
        fields = ["report_date", "unit_level", "unit_code"]
        fields += [column.field for column in self.columns if column.field not in fields]
        return tuple(fields)


FORM1 = FormSpec(
    key="form1",
    name_hi="प्रारूप-1",
    title_hi="एकमुश्त समाधान योजना के अन्तर्गत उपश्रेणीवार निर्धारित लक्ष्य के सापेक्ष प्रगति का विवरण",
    columns=(
        Column(1, "इकाई", "unit_name", Kind.TEXT),
        Column(2, "उपश्रेणी", "sub_category", Kind.SUB_CATEGORY),
        Column(3, "कुल बकायेदार उपभोक्ता", "eligible_defaulters", Kind.COUNT),
        Column(4, "मूल बकाया (रु0)", "principal_arrears", Kind.MONEY),
        Column(5, "विलम्बित भुगतान अधिभार (रु0)", "lpsc_arrears", Kind.MONEY),
        Column(6, "लक्ष्य (उपभोक्ता)", "target_consumers", Kind.TARGET_COUNT),
        Column(7, "पंजीकृत उपभोक्ता (प्रगामी)", "registered_cum", Kind.COUNT),
        Column(8, "लक्ष्य के सापेक्ष प्रतिशत", "registered_pct", Kind.PERCENT),
        Column(9, "पूर्ण भुगतान करने वाले उपभोक्ता (प्रगामी)", "fully_paid_cum", Kind.COUNT),
        Column(10, "राजस्व लक्ष्य (रु0)", "target_amount", Kind.TARGET_MONEY),
        Column(11, "जमा धनराशि (प्रगामी) (रु0)", "collected_cum", Kind.MONEY),
        Column(12, "राजस्व लक्ष्य के सापेक्ष प्रतिशत", "collected_pct", Kind.PERCENT),
        Column(13, "दी गई छूट (रु0)", "waiver_granted_cum", Kind.MONEY),
        Column(14, "नोटिस तामील (प्रगामी)", "notices_served_cum", Kind.COUNT),
        Column(15, "स्थान", "rank_in_parent", Kind.RANK),
    ),
    table_levels=LEVEL_ORDER,
    copy_levels=("TOTAL", "DISCOM", "ZONE", "CIRCLE", "DIVISION", "SUBDIVISION"),
    summary_levels=("TOTAL", "DISCOM", "ZONE"),
    by_sub_category=True,
)

FORM2 = FormSpec(
    key="form2",
    name_hi="प्रारूप-2",
    title_hi=("एकमुश्त समाधान योजना के अन्तर्गत प्रतिदिन आयोजित कैम्पों एवं पूर्ण भुगतान उपभोक्ताओं का उपकेन्द्रवार विवरण"),
    columns=(
        Column(1, "इकाई का नाम", "unit_name", Kind.TEXT),
        Column(2, "कुल बकायेदार उपभोक्ताओं की संख्या", "eligible_defaulters", Kind.COUNT),
        Column(3, "नोटिस तामील किये गये उपभोक्ताओं की प्रगामी संख्या", "notices_served_cum", Kind.COUNT),
        Column(4, "आज आयोजित कैम्प", "camps_today", Kind.COUNT),
        Column(5, "आयोजित कैम्प (प्रगामी)", "camps_cum", Kind.COUNT),
        Column(6, "आज पंजीकृत उपभोक्ता", "registered_today", Kind.COUNT),
        Column(7, "पंजीकृत उपभोक्ता (प्रगामी)", "registered_cum", Kind.COUNT),
        Column(8, "आज पूर्ण भुगतान करने वाले उपभोक्ता", "fully_paid_today", Kind.COUNT),
        Column(9, "पूर्ण भुगतान करने वाले उपभोक्ता (प्रगामी)", "fully_paid_cum", Kind.COUNT),
        Column(10, "आज जमा धनराशि (रु0)", "collected_today", Kind.MONEY),
        Column(11, "जमा धनराशि (प्रगामी) (रु0)", "collected_cum", Kind.MONEY),
    ),
    table_levels=("TOTAL", "DISCOM", "ZONE", "CIRCLE", "DIVISION", "SUBDIVISION", "SUBSTATION"),
    copy_levels=("TOTAL", "DISCOM", "ZONE", "CIRCLE", "DIVISION", "SUBDIVISION", "SUBSTATION"),
    summary_levels=("TOTAL", "DISCOM", "ZONE"),
    by_sub_category=False,
)

UNIT_FIELDS = ("unit_level", "unit_code", "unit_name", "discom_code", "sort_path")


@dataclass(frozen=True)
class ReleaseInfo:
    """Facts about the day's release that every people's copy prints in its heading and footer."""

    report_date: date
    scheme_name_hi: str  # e.g. "एकमुश्त समाधान योजना 2021"
    dump_generated_at: str  # the billing system's generated_at from the manifest, "25-10-2021 23:41:07"; "" if absent
    rows_quarantined: int  # rows quarantined from that day's dump
    revised: bool  # a re-released day is marked "संशोधित"

    def __post_init__(self) -> None:
        if not isinstance(self.report_date, date) or isinstance(self.report_date, datetime):
            raise TypeError(f"report_date must be a date, got {self.report_date!r}")
        if not self.scheme_name_hi.strip():
            raise ValueError("scheme_name_hi is empty")
        if not isinstance(self.dump_generated_at, str):
            raise TypeError(f"dump_generated_at must be a str, got {self.dump_generated_at!r}")
        if isinstance(self.rows_quarantined, bool) or not isinstance(self.rows_quarantined, Integral):
            raise TypeError(f"rows_quarantined must be an int, got {self.rows_quarantined!r}")
        if self.rows_quarantined < 0:
            raise ValueError(f"rows_quarantined must not be negative, got {self.rows_quarantined}")

    @property
    def date_line(self) -> str:
        """The date line of the heading, "दिनांक: 25.10.2021", with the revised mark when re-released."""
        line = f"दिनांक: {format_date_hi(self.report_date)}"
        return f"{line} ({REVISED_MARK})" if self.revised else line

    @property
    def footer_line(self) -> str:
        """The footer: dump date, generation time from the billing system, rows quarantined."""
        parts = [
            f"डम्प दिनांक: {format_date_hi(self.report_date)}",
            f"बिलिंग सिस्टम द्वारा डम्प सृजन का समय: {self.dump_generated_at.strip() or NOT_AVAILABLE}",
            f"उस दिन के डम्प की क्वारंटाइन की गई पंक्तियाँ: {format_count(int(self.rows_quarantined))}",
        ]
        if self.revised:
            parts.append(f"{REVISED_MARK} प्रति")
        return " | ".join(parts)

    def document_timestamp(self) -> datetime:
        """Return the creation time stamped into XLSX and PDF metadata: the dump's generation time.

        Using the dump's time rather than the clock keeps a rerun byte-identical. A generated_at
        in neither "25-10-2021 23:41:07" nor ISO form falls back to midnight of the report date.
        """
        text = self.dump_generated_at.strip()
        for pattern in ("%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
            try:
                return datetime.strptime(text, pattern)
            except ValueError:
                continue
        return datetime(self.report_date.year, self.report_date.month, self.report_date.day)


@dataclass(frozen=True)
class UnitPlace:
    """Place of a unit in the hierarchy: its depth-first sort key, its discom and its name."""

    sort_key: Any
    discom_code: str | None
    unit_name: str


Row = dict[str, Any]


def _describe(form: FormSpec, row: Mapping[str, Any]) -> str:
    return f"{form.key} row " + "/".join(str(row.get(field)) for field in form.key_fields)


def _is_null(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, Decimal):
        return value.is_nan()
    return False


def normalise_value(value: Any) -> Any:
    """Turn a pandas or numpy scalar into a plain Python value, with None for every kind of null."""
    if _is_null(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date() if value == value.normalize() else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes, Decimal)):
        return value.item()  # a numpy scalar
    return value


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _check_number(form: FormSpec, row: Row, column: Column) -> None:
    value = row[column.field]
    where = f"{_describe(form, row)}: {column.field}"
    if value is None:
        if column.kind not in NULLABLE_KINDS:
            raise ValueError(f"{where} is null; only targets, percentages and ranks may be null")
        return
    if isinstance(value, bool):
        raise TypeError(f"{where} is a bool ({value!r}); expected a number")
    if column.kind in DECIMAL_KINDS:
        if isinstance(value, float):
            raise TypeError(f"{where} is a float ({value!r}); money and percentages must arrive as Decimal")
        if not isinstance(value, (Decimal, Integral)):
            raise TypeError(f"{where} is {type(value).__name__} {value!r}; expected a Decimal")
        row[column.field] = Decimal(value)
        return
    if isinstance(value, float) and value.is_integer():
        row[column.field] = int(value)  # an integer column that pandas widened to float because of nulls
        return
    if isinstance(value, Decimal) and value == value.to_integral_value():
        row[column.field] = int(value)
        return
    if not isinstance(value, Integral):
        raise TypeError(f"{where} is {type(value).__name__} {value!r}; expected a whole number")
    row[column.field] = int(value)


def check_columns(form: FormSpec, frame: pd.DataFrame) -> None:
    """Raise ValueError naming the columns the frame lacks."""
    missing = [field for field in form.required_fields if field not in frame.columns]
    if missing:
        raise ValueError(f"{form.key} table is missing columns: {', '.join(missing)}")


def table_rows(
    form: FormSpec,
    frame: pd.DataFrame,
    report_date: date,
    sub_category_order: Sequence[str],
) -> list[Row]:
    """Check a form's frame and return its rows as dicts of plain Python values.

    Raises ValueError, or TypeError for a value of the wrong type, naming the form, the row and the
    reason. The reasons are a missing column, a level the form does not contain, another report
    date, a duplicate row, an unknown sub-category, a null where a value is required, and a float
    where money is expected.
    """
    check_columns(form, frame)
    known_sub_categories = set(sub_category_order)
    rows: list[Row] = []
    seen: set[tuple[Any, ...]] = set()
    for raw in frame.to_dict("records"):
        row = {str(field): normalise_value(value) for field, value in raw.items()}
        where = _describe(form, row)
        level = row["unit_level"]
        if level not in form.table_levels:
            raise ValueError(f"{where}: unit_level {level!r} is not one of {', '.join(form.table_levels)}")
        if level == TOTAL_LEVEL and row["unit_code"] != ALL_SUB_CATEGORIES:
            raise ValueError(f"{where}: the grand total row must have unit_code 'ALL'")
        if not isinstance(row["unit_code"], str) or not row["unit_code"]:
            raise ValueError(f"{where}: unit_code is missing")
        row_date = _as_date(row["report_date"])
        if row_date != report_date:
            raise ValueError(f"{where}: report_date {row['report_date']!r} differs from the release's {report_date}")
        row["report_date"] = row_date
        if form.by_sub_category and row["sub_category"] not in known_sub_categories:
            raise ValueError(f"{where}: sub_category {row['sub_category']!r} has no Hindi label in the rules file")
        key = tuple(row[field] for field in form.key_fields)
        if key in seen:
            raise ValueError(f"{where}: the row appears twice")
        seen.add(key)
        for column in form.columns:
            if column.kind not in (Kind.TEXT, Kind.SUB_CATEGORY):
                _check_number(form, row, column)
        rows.append(row)
    return rows


def unit_places(units: pd.DataFrame) -> dict[tuple[str, str], UnitPlace]:
    """Index the hierarchy's units by (unit_level, unit_code)."""
    missing = [field for field in UNIT_FIELDS if field not in units.columns]
    if missing:
        raise ValueError(f"units table is missing columns: {', '.join(missing)}")
    places: dict[tuple[str, str], UnitPlace] = {}
    for raw in units[list(UNIT_FIELDS)].to_dict("records"):
        unit = {field: normalise_value(value) for field, value in raw.items()}
        sort_path = unit["sort_path"]
        if sort_path is None:
            raise ValueError(f"units row {unit['unit_level']}/{unit['unit_code']}: sort_path is null")
        sort_key = tuple(sort_path) if isinstance(sort_path, (list, tuple)) else sort_path
        discom_code = unit["discom_code"]
        if unit["unit_level"] == "DISCOM" and discom_code is None:
            discom_code = unit["unit_code"]
        places[(unit["unit_level"], unit["unit_code"])] = UnitPlace(sort_key, discom_code, unit["unit_name"])
    return places


def place_of(form: FormSpec, row: Row, places: Mapping[tuple[str, str], UnitPlace]) -> UnitPlace | None:
    """Return the unit's place in the hierarchy; None for the grand total row."""
    if row["unit_level"] == TOTAL_LEVEL:
        return None
    place = places.get((row["unit_level"], row["unit_code"]))
    if place is None:
        raise ValueError(f"{_describe(form, row)}: unit not found in the units table")
    return place


def sub_category_rank(sub_category_order: Sequence[str]) -> dict[str, int]:
    """Rank sub-categories in the rules file's order, with the all-sub-categories row last."""
    ranks = {code: rank for rank, code in enumerate(sub_category_order) if code != ALL_SUB_CATEGORIES}
    ranks[ALL_SUB_CATEGORIES] = len(ranks)
    return ranks


def table_order_key(
    form: FormSpec,
    places: Mapping[tuple[str, str], UnitPlace],
    sub_category_ranks: Mapping[str, int],
):
    """Return the sort key of the machine-readable copy: level, then depth-first place, then sub-category."""

    def key(row: Row) -> tuple[Any, ...]:
        place = place_of(form, row, places)
        sort_key = () if place is None else (place.sort_key,)
        sub_rank = sub_category_ranks[row["sub_category"]] if form.by_sub_category else 0
        return (LEVEL_RANK[row["unit_level"]], sort_key, sub_rank, row["unit_code"])

    return key
