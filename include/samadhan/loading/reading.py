"""Streaming one dump file into its `raw.<file>` text table with `COPY ... FROM STDIN`.

Python only splits the CSV, with the `csv` module record by record (RFC 4180 quoting, so a quoted
value may hold line breaks), and hashes the bytes on the way. The rows go to PostgreSQL in one COPY
stream. A record that cannot be split into the contract's fields keeps its raw text and gets
`split_code`, so the typing step sends it to quarantine.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import psycopg

from samadhan.contract import DumpFile
from samadhan.loading.manifest import DumpRejected

# A value longer than this many characters is quarantined (`value_too_long`): the longest real
# values, addresses, stay well under 1,000 characters.
MAX_VALUE_CHARS = 10_000
# The csv module's own limit, above MAX_VALUE_CHARS so that long values reach the check above.
# NOTE: a single value over 64 MiB makes the csv module give up on that record part-way, so the
# file's row count no longer matches the manifest and the dump is rejected.
CSV_FIELD_SIZE_LIMIT = 64 * 1024 * 1024
# Bytes that were not UTF-8 (decoded as lone surrogates) and NUL, which PostgreSQL text cannot hold.
_BAD_CHARACTERS = re.compile("[\x00\udc80-\udcff]")
FIXED_RAW_COLUMNS = ("line_no", "raw_text", "split_code", "split_detail")


@dataclass(frozen=True)
class FileScan:
    """The result of streaming one file."""

    rows: int  # data rows as parsed per RFC 4180; blank lines are not rows
    sha256: str
    unsplit_rows: int  # rows that went to the raw table with a split_code


class _HashingReader(io.RawIOBase):
    """A binary stream that feeds every byte it reads to a SHA-256 hash, and their count to `on_bytes`."""

    def __init__(self, source: BinaryIO, on_bytes: Callable[[int], object] | None = None) -> None:
        self._source = source
        self.hash = hashlib.sha256()
        self._on_bytes = on_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        count = self._source.readinto(buffer)
        if count:
            self.hash.update(memoryview(buffer)[:count])
            if self._on_bytes is not None:
                self._on_bytes(count)
        return count or 0


def raw_table(dump_file: DumpFile) -> str:
    return "raw." + dump_file.name.removesuffix(".csv")


def _safe_text(text: str) -> str:
    """Return text PostgreSQL can store: bytes that were not UTF-8 and NUL become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace").replace("\x00", "\ufffd")


def _describe_bad_characters(raw: str) -> str:
    match = _BAD_CHARACTERS.search(raw)
    assert match is not None
    line_offset = raw.count("\n", 0, match.start())
    column = match.start() - (raw.rfind("\n", 0, match.start()) + 1) + 1
    where = f"character {column}" + (f" of the record's line {line_offset + 1}" if line_offset else "")
    if match.group() == "\x00":
        return f"contains a NUL byte at {where}"
    byte = match.group().encode("utf-8", "surrogateescape")[0]
    return f"byte 0x{byte:02X} at {where} is not UTF-8"


def _strip_line_end(raw: str) -> str:
    if raw.endswith("\r\n"):
        return raw[:-2]
    if raw.endswith(("\n", "\r")):
        return raw[:-1]
    return raw


def _header_columns(dump_file: DumpFile, header: list[str] | None) -> list[str]:
    """Return the file's columns in file order; raise `DumpRejected` unless they are the contract's."""
    if header is None:
        raise DumpRejected(f"{dump_file.name}: no header row")
    names = [name.strip().lstrip("\ufeff").strip().lower() for name in header]
    expected = list(dump_file.header)
    if names == expected:
        return names
    problems = []
    missing = [name for name in expected if name not in names]
    unknown = [name for name in names if name not in expected]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if missing:
        problems.append("missing " + ", ".join(missing))
    if unknown:
        problems.append("unknown " + ", ".join(_safe_text(name) or "(empty)" for name in unknown))
    if repeated:
        problems.append("repeated " + ", ".join(repeated))
    if problems:
        raise DumpRejected(
            f"{dump_file.name}: header does not match the contract ({'; '.join(problems)}); "
            f"expected: {','.join(expected)}"
        )
    # Same columns in another order: the raw table takes the file's order.
    return names


def copy_to_raw(
    conn: psycopg.Connection, dump_file: DumpFile, path: Path, on_bytes: Callable[[int], object] | None = None
) -> FileScan:
    """(Re)create `raw.<file>` and stream the file into it; return the row count and checksum.

    `on_bytes`, when given, is called with the number of bytes of each block read (a progress bar).

    Raises `DumpRejected` when the file has no header or its header is not the contract's.
    """
    table = raw_table(dump_file)
    previous_limit = csv.field_size_limit(CSV_FIELD_SIZE_LIMIT)
    try:
        with path.open("rb") as source:
            hashing = _HashingReader(source, on_bytes)
            text = io.TextIOWrapper(
                io.BufferedReader(hashing, buffer_size=1 << 20),
                encoding="utf-8-sig", errors="surrogateescape", newline="",
            )
            consumed: list[str] = []  # the physical lines of the record being read

            def tapped_lines():
                for line in text:
                    consumed.append(line)
                    yield line

            reader = csv.reader(tapped_lines(), strict=True)
            line_no = 1
            header = None
            for record in reader:
                line_no += len(consumed)
                consumed.clear()
                if record:
                    header = record
                    break
            columns = _header_columns(dump_file, header)
            if _BAD_CHARACTERS.search("".join(columns)):
                raise DumpRejected(f"{dump_file.name}: header row is not valid UTF-8")

            conn.execute(f"drop table if exists {table}")
            conn.execute(
                f"create unlogged table {table} ("
                + ", ".join(f"{name} {'integer' if name == 'line_no' else 'text'}"
                            for name in FIXED_RAW_COLUMNS + tuple(columns))
                + ")"
            )
            copy_sql = f"copy {table} ({', '.join(FIXED_RAW_COLUMNS + tuple(columns))}) from stdin"
            with conn.cursor().copy(copy_sql) as copy:
                rows, unsplit = _stream_records(reader, consumed, line_no, columns, copy)
            # Read to the end, so the checksum covers every byte even after the last record.
            while hashing.read(1 << 20):
                pass
            return FileScan(rows=rows, sha256=hashing.hash.hexdigest(), unsplit_rows=unsplit)
    finally:
        csv.field_size_limit(previous_limit)


def _stream_records(reader, consumed: list[str], line_no: int, columns: list[str], copy) -> tuple[int, int]:
    """Write every data record to `copy`; return (data rows, rows that did not split).

    Values are trimmed here, where it costs a tenth of trimming in SQL, and an empty value is sent as
    null. psycopg's `write_row` formats the COPY text in C, about twice as fast as the csv writer.
    """
    field_count = len(columns)
    nulls = [None] * field_count
    bad_characters = _BAD_CHARACTERS.search
    write_row = copy.write_row
    rows = unsplit = 0
    while True:
        try:
            record = next(reader)
            error = None
        except StopIteration:
            break
        except csv.Error as csv_error:
            record = None
            error = str(csv_error)
        raw = "".join(consumed)
        start = line_no
        line_no += len(consumed)
        consumed.clear()
        if record == []:
            continue  # a blank line is not a row
        rows += 1
        raw = _strip_line_end(raw)
        split = None
        if bad_characters(raw):
            split = ("invalid_encoding", _describe_bad_characters(raw))
        elif record is None:
            if "field larger than field limit" in error:
                split = ("value_too_long", f"a value is longer than {CSV_FIELD_SIZE_LIMIT:,} characters")
            else:
                split = ("broken_quoting", f"quoting is broken ({error})")
        elif len(record) != field_count:
            split = ("wrong_field_count", f"has {len(record)} fields, expected {field_count}")
        elif len(raw) > MAX_VALUE_CHARS:
            longest = max(record, key=len)
            if len(longest) > MAX_VALUE_CHARS:
                name = columns[record.index(longest)]
                split = ("value_too_long", f"{name} is {len(longest):,} characters long, "
                         f"more than the limit of {MAX_VALUE_CHARS:,}")
        if split is None:
            write_row([start, raw, None, None, *[value.strip() or None for value in record]])
        elif split[0] == "value_too_long" and record is not None:
            # The values are kept, so that the row's amount still counts in the control total.
            unsplit += 1
            write_row([start, raw, *split, *[value.strip() or None for value in record]])
        else:
            unsplit += 1
            write_row([start, _safe_text(raw), *split, *nulls])
    return rows, unsplit
