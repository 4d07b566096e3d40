"""Hand-made dump folders for tests: CSV text written as given, plus a `_manifest.json` that matches it.

A test writes each file's CSV text, header row included, as a literal. `write_dump` writes the
event files a test leaves out with their header row alone. For every file it computes the row
count, the SHA-256 of its bytes and, where the contract names an amount column, the control total.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path

from samadhan.contract import DUMP_FILES, FILES_BY_NAME, MANIFEST_NAME


def header_only(file_name: str) -> str:
    """Return the CSV text of `file_name` with its header row and no data rows."""
    return ",".join(FILES_BY_NAME[file_name].header) + "\n"


def csv_records(text: str) -> list[list[str]]:
    """Split CSV text into records (RFC 4180, so a quoted value may hold commas and line breaks)."""
    return [record for record in csv.reader(io.StringIO(text, newline="")) if record]


def manifest_entry(file_name: str, content: bytes) -> dict[str, object]:
    """Describe one file as the exporter's manifest does: name, data rows, sha256, amount_total."""
    dump_file = FILES_BY_NAME[file_name]
    header, *rows = csv_records(content.decode("utf-8-sig"))
    if tuple(header) != dump_file.header:
        raise ValueError(f"{file_name}: header {header} differs from the contract's {list(dump_file.header)}")
    entry: dict[str, object] = {
        "name": file_name,
        "rows": len(rows),
        "sha256": hashlib.sha256(content).hexdigest(),
    }
    if dump_file.amount_column is not None:
        position = header.index(dump_file.amount_column)
        total = sum((Decimal(row[position]) for row in rows if row[position]), Decimal("0.00"))
        entry["amount_total"] = f"{total:.2f}"
    return entry


def write_dump(
    landing_dir: Path,
    dump_date: date,
    files: Mapping[str, str],
    *,
    source_system: str = "rural-billing",
    generated_at: str | None = None,
) -> Path:
    """Write the dump folder `<landing_dir>/<YYYY-MM-DD>/` with every contract file and its manifest.

    `files` maps a file name to its CSV text, header row included. Every snapshot file must be
    given; an event file left out is written with its header row alone. The manifest is written
    last, as the exporter does, so writing a folder again delivers a corrected dump. `generated_at`
    defaults to 23:41:07 on the dump date. Returns the folder.
    """
    unknown = sorted(set(files) - set(FILES_BY_NAME))
    if unknown:
        raise ValueError(f"not dump files: {', '.join(unknown)}")
    missing = [
        dump_file.name for dump_file in DUMP_FILES if dump_file.kind == "snapshot" and dump_file.name not in files
    ]
    if missing:
        raise ValueError(f"snapshot files missing, every dump needs them: {', '.join(missing)}")

    folder = landing_dir / dump_date.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    # A folder delivered again is incomplete until its new manifest is written.
    (folder / MANIFEST_NAME).unlink(missing_ok=True)
    entries = []
    for dump_file in DUMP_FILES:
        content = files.get(dump_file.name, header_only(dump_file.name)).encode("utf-8")
        (folder / dump_file.name).write_bytes(content)
        entries.append(manifest_entry(dump_file.name, content))

    manifest = {
        "dump_date": dump_date.isoformat(),
        "source_system": source_system,
        "generated_at": generated_at or f"{dump_date:%d-%m-%Y} 23:41:07",
        "files": entries,
    }
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return folder
