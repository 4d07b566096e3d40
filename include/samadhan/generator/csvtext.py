"""CSV text for the dump files: cell formatting, RFC 4180 quoting, and a table rendered in one join.

Rows are built column by column as lists of finished cells (already quoted where needed), then
joined into lines at once, which is an order of magnitude faster than `csv.writer` per row. Every
rendered line is exactly one CSV record: a line break inside a quoted address stays inside its
quotes, and the contract breaks keep their quotes balanced.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from samadhan.contract import DumpFile

_NEEDS_QUOTES = re.compile(r'[",\r\n]')
# Amounts as the contract writes them: plain decimals, at most 2 places.
_PLAIN_AMOUNT = re.compile(r"-?\d+(?:\.\d{1,2})?")
# Cells the control total adds up: plain decimals with any number of places, after trimming.
_CONTROL_AMOUNT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")

_TWO_DIGIT_TEXT = [f"{value:02d}" for value in range(100)]
# "HH:MM:SS" for every second of a day.
CLOCK = np.array(
    [f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}" for second in range(86400)], dtype=object
)


def quote(text: str) -> str:
    """Return the cell for `text`: quoted, with quotes doubled, if it contains a comma, quote or line break."""
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def quote_all(texts: list[str]) -> list[str]:
    return [quote(text) for text in texts]


def amount_cells(paise: np.ndarray) -> list[str]:
    """Format integer paise as rupees with two places ("-1234.05"), without float rounding."""
    paise = np.asarray(paise, dtype=np.int64)
    magnitude = np.abs(paise)
    rupees = (magnitude // 100).tolist()
    fraction = (magnitude % 100).tolist()
    cells = [f"{whole}.{_TWO_DIGIT_TEXT[part]}" for whole, part in zip(rupees, fraction, strict=True)]
    for row in np.flatnonzero(paise < 0).tolist():
        cells[row] = "-" + cells[row]
    return cells


def paise_text(paise: int) -> str:
    sign = "-" if paise < 0 else ""
    return f"{sign}{abs(paise) // 100}.{abs(paise) % 100:02d}"


def parse_plain_amount(cell: str) -> int | None:
    """Return paise for a cell written as a contract amount, else None."""
    if not _PLAIN_AMOUNT.fullmatch(cell):
        return None
    negative = cell.startswith("-")
    whole, _, fraction = cell.lstrip("-").partition(".")
    value = int(whole) * 100 + int((fraction + "00")[:2])
    return -value if negative else value


class Calendar:
    """Date and timestamp text for day offsets counted from a base date."""

    def __init__(self, first: date, last: date) -> None:
        self.first = first
        count = (last - first).days + 1
        days = [first + timedelta(days=offset) for offset in range(count)]
        self._dates = np.array([day.strftime("%d-%m-%Y") for day in days], dtype=object)
        self._compact = np.array([day.strftime("%y%m%d") for day in days], dtype=object)

    def offset(self, day: date) -> int:
        return (day - self.first).days

    def dates(self, offsets: np.ndarray) -> np.ndarray:
        """Return "DD-MM-YYYY" for each offset."""
        return self._dates[np.asarray(offsets, dtype=np.int64)]

    def compact(self, offsets: np.ndarray) -> np.ndarray:
        """Return "YYMMDD" for each offset, as used inside receipt and camp numbers."""
        return self._compact[np.asarray(offsets, dtype=np.int64)]

    def timestamps(self, offsets: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        """Return "DD-MM-YYYY HH:MM:SS" for each (day offset, second of the day)."""
        return self.dates(offsets) + " " + CLOCK[np.asarray(seconds, dtype=np.int64)]


@dataclass
class Table:
    """One chunk of a dump file's rows, as columns of finished cells, plus the breaks applied to it."""

    dump_file: DumpFile
    columns: dict[str, list[str]]
    # Paise of each row's amount cell, for files with an amount column.
    amount_paise: np.ndarray | None = None
    # Rows whose line a contract break rewrote: row index -> the whole line.
    replaced_lines: dict[int, str] = field(default_factory=dict)
    # Rows a contract break added: (index of the row it goes before, line, kind).
    inserted_lines: list[tuple[int, str, str]] = field(default_factory=list)
    # (row index, kind) of every contract break made in place.
    broken_rows: list[tuple[int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        missing = [name for name in self.dump_file.header if name not in self.columns]
        if missing:
            raise ValueError(f"{self.dump_file.name}: no cells for columns {missing}")

    @property
    def row_count(self) -> int:
        return len(self.columns[self.dump_file.header[0]])

    def cells_of_row(self, row: int) -> list[str]:
        return [self.columns[name][row] for name in self.dump_file.header]

    def replace_line(self, row: int, line: str, kind: str) -> None:
        self.replaced_lines[row] = line
        self.broken_rows.append((row, kind))

    def insert_line(self, before: int, line: str, kind: str) -> None:
        """Add a row that goes before row `before`; rows inserted at one place keep their order."""
        self.inserted_lines.append((before, line, kind))

    def render(self, line_end: str) -> tuple[bytes, int, Decimal | None, list[tuple[int, str]]]:
        """Return (text as UTF-8, rows, exact control total in rupees or None, ledger of (row, kind)).

        Ledger rows count this chunk's data rows from 0, after the inserted rows are placed.
        """
        header = self.dump_file.header
        lines = list(map(",".join, zip(*(self.columns[name] for name in header), strict=True)))
        for row, line in self.replaced_lines.items():
            lines[row] = line
        total = self._control_total(lines)

        inserts = sorted(self.inserted_lines, key=lambda item: item[0])
        befores = [before for before, _, _ in inserts]
        ledger = [(row + bisect.bisect_right(befores, row), kind) for row, kind in self.broken_rows]
        ledger += [(before + number, kind) for number, (before, _, kind) in enumerate(inserts)]
        if inserts:
            merged: list[str] = []
            position = 0
            for before, line, _ in inserts:
                merged.extend(lines[position:before])
                position = before
                merged.append(line)
            merged.extend(lines[position:])
            lines = merged

        text = line_end.join(lines) + (line_end if lines else "")
        return text.encode("utf-8"), len(lines), total, sorted(ledger)

    def _control_total(self, lines: list[str]) -> Decimal | None:
        if self.dump_file.amount_column is None:
            return None
        paise = int(self.amount_paise.sum()) if self.amount_paise is not None else 0
        total = Decimal(paise).scaleb(-2)
        for row in self.replaced_lines:
            if self.amount_paise is not None:
                total -= Decimal(int(self.amount_paise[row])).scaleb(-2)
            total += line_amount(self.dump_file, lines[row]) or 0
        for _, line, _ in self.inserted_lines:
            total += line_amount(self.dump_file, line) or 0
        return total


def line_amount(dump_file: DumpFile, line: str) -> Decimal | None:
    """Return what a line adds to the control total, or None if it adds nothing.

    A line adds its amount cell when a strict CSV reader splits it into the header's number of
    fields and the trimmed cell is a plain decimal. Broken quoting adds nothing, because a strict
    reader rejects the record. A cell with more than 2 places still adds its exact value, and the
    file's total is rounded half up to paise at the end.
    """
    try:
        records = list(csv.reader(io.StringIO(line), strict=True))
    except csv.Error:
        return None
    if len(records) != 1 or len(records[0]) != len(dump_file.header):
        return None
    cell = records[0][dump_file.header.index(dump_file.amount_column)].strip()
    return Decimal(cell) if _CONTROL_AMOUNT.fullmatch(cell) else None
