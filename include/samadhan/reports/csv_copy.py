"""The machine-readable copy of a form: the warehouse table as CSV.

UTF-8 without a byte-order mark, comma-separated, one header line with the table's column names,
LF line ends. Amounts are plain decimals (1234567.50, no grouping); a null is an empty field.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import pandas as pd

from samadhan.reports.forms import DECIMAL_KINDS, INTEGER_KINDS, FormSpec, Row


def csv_text(value: Any) -> str:
    """Write one value as CSV text: Decimals as plain decimals, dates as ISO, null as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        raise TypeError(f"refusing to write the float {value!r} to CSV; amounts must be Decimal")
    return str(value)


def write_form_csv(stream: IO[str], columns: Sequence[str], rows: Sequence[Row]) -> None:
    """Write the header and the rows (already in table order) to an open text stream."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_text(row[column]) for column in columns])


def read_form_csv(path: Path, form: FormSpec) -> pd.DataFrame:
    """Read a form's CSV back: money and percentages as Decimal, counts as int, dates as date, null as None.

    Every column is of object dtype holding plain Python values, so a value compares equal to the
    one the warehouse gave.
    """
    text = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    kinds = {column.field: column.kind for column in form.columns}
    converted: dict[str, list[Any]] = {}
    for name in text.columns:
        kind = kinds.get(name)
        values: list[Any] = []
        for cell in text[name].tolist():
            if cell == "":
                values.append(None)
            elif name == "report_date":
                values.append(date.fromisoformat(cell))
            elif kind in DECIMAL_KINDS:
                values.append(Decimal(cell))
            elif kind in INTEGER_KINDS:
                values.append(int(cell))
            else:
                values.append(cell)
        converted[name] = values
    return pd.DataFrame(converted, columns=list(text.columns), dtype=object)
