"""The dump folder's `_manifest.json`: reading it and checking that the folder matches it.

These checks run before anything is written: a dump that fails them is rejected whole.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from samadhan.contract import DUMP_FILES, FILES_BY_NAME, MANIFEST_NAME

log = logging.getLogger(__name__)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class DumpRejected(Exception):
    """The dump folder is incomplete or disagrees with its manifest; nothing was loaded."""


@dataclass(frozen=True)
class ManifestEntry:
    """One file as the manifest describes it."""

    name: str
    rows: int
    sha256: str
    amount_total: Decimal | None


@dataclass(frozen=True)
class Manifest:
    """The parsed `_manifest.json` of one dump folder."""

    dump_date: date
    source_system: str | None
    generated_at: datetime | None
    entries: dict[str, ManifestEntry]
    sha256: str  # of the manifest file itself: it names the whole delivery


def _entry(raw: object, position: int) -> ManifestEntry:
    if not isinstance(raw, dict):
        raise DumpRejected(f"{MANIFEST_NAME}: files[{position}] is not an object")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise DumpRejected(f"{MANIFEST_NAME}: files[{position}] has no name")
    rows = raw.get("rows")
    if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
        raise DumpRejected(f"{MANIFEST_NAME}: {name} rows {rows!r} is not a whole number of rows")
    sha256 = raw.get("sha256")
    if not isinstance(sha256, str) or not _SHA256.match(sha256.lower()):
        raise DumpRejected(f"{MANIFEST_NAME}: {name} sha256 {sha256!r} is not 64 hex digits")
    amount_total = None
    if raw.get("amount_total") is not None:
        try:
            amount_total = Decimal(str(raw["amount_total"]))
        except InvalidOperation:
            raise DumpRejected(
                f"{MANIFEST_NAME}: {name} amount_total {raw['amount_total']!r} is not a decimal number"
            ) from None
    return ManifestEntry(name=name, rows=rows, sha256=sha256.lower(), amount_total=amount_total)


def _generated_at(value: object) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.strptime(str(value), "%d-%m-%Y %H:%M:%S")
    except ValueError:
        log.warning("%s: generated_at %r is not DD-MM-YYYY HH:MM:SS; stored as unknown", MANIFEST_NAME, value)
        return None


def read_manifest(dump_dir: Path) -> Manifest:
    """Read and check the folder's manifest; raise `DumpRejected` when it is missing or malformed.

    A folder named like a date (YYYY-MM-DD) must carry the same date in its manifest.
    """
    path = dump_dir / MANIFEST_NAME
    if not dump_dir.is_dir():
        raise DumpRejected(f"{dump_dir}: dump folder not found")
    if not path.is_file():
        raise DumpRejected(f"{dump_dir}: no {MANIFEST_NAME} yet, so the dump is still arriving")
    content = path.read_bytes()
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DumpRejected(f"{path}: not valid JSON ({error})") from None
    if not isinstance(document, dict):
        raise DumpRejected(f"{path}: not a JSON object")

    raw_date = document.get("dump_date")
    try:
        if not isinstance(raw_date, str) or not _ISO_DATE.match(raw_date):
            raise ValueError
        dump_date = date.fromisoformat(raw_date)
    except ValueError:
        raise DumpRejected(f"{MANIFEST_NAME}: dump_date {raw_date!r} is not a date in YYYY-MM-DD") from None
    if _ISO_DATE.match(dump_dir.name) and dump_dir.name != dump_date.isoformat():
        raise DumpRejected(
            f"{MANIFEST_NAME}: dump_date {dump_date.isoformat()} does not match the folder {dump_dir.name}"
        )

    files = document.get("files")
    if not isinstance(files, list):
        raise DumpRejected(f"{MANIFEST_NAME}: files is missing or not a list")
    entries: dict[str, ManifestEntry] = {}
    for position, raw_entry in enumerate(files):
        entry = _entry(raw_entry, position)
        if entry.name in entries:
            raise DumpRejected(f"{MANIFEST_NAME}: {entry.name} is listed twice")
        entries[entry.name] = entry

    return Manifest(
        dump_date=dump_date,
        source_system=document.get("source_system") if isinstance(document.get("source_system"), str) else None,
        generated_at=_generated_at(document.get("generated_at")),
        entries=entries,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def check_files_present(dump_dir: Path, manifest: Manifest) -> None:
    """Raise `DumpRejected` unless every contract file is listed in the manifest and present.

    Files the contract does not know are ignored, with a warning, whether or not the manifest lists them.
    """
    unlisted = [dump_file.name for dump_file in DUMP_FILES if dump_file.name not in manifest.entries]
    if unlisted:
        raise DumpRejected(f"{MANIFEST_NAME}: does not list {', '.join(unlisted)}")
    missing = [name for name in FILES_BY_NAME if not (dump_dir / name).is_file()]
    if missing:
        raise DumpRejected(f"{', '.join(missing)}: listed in {MANIFEST_NAME} but missing from {dump_dir}")

    unknown = sorted(
        {name for name in manifest.entries if name not in FILES_BY_NAME}
        | {path.name for path in dump_dir.iterdir() if path.name not in FILES_BY_NAME and path.name != MANIFEST_NAME}
    )
    if unknown:
        log.warning("%s: ignoring files the dump contract does not know: %s", dump_dir, ", ".join(unknown))
    empty = [name for name in FILES_BY_NAME if (dump_dir / name).stat().st_size == 0]
    if empty:
        raise DumpRejected(f"{', '.join(empty)}: empty file (0 bytes); every file needs at least its header row")


def check_scan(file_name: str, entry: ManifestEntry, rows: int, sha256: str) -> None:
    """Raise `DumpRejected` when the streamed file's row count or checksum is not the manifest's."""
    if rows != entry.rows:
        raise DumpRejected(
            f"{file_name}: {rows:,} data rows in the file, but {MANIFEST_NAME} says {entry.rows:,}"
        )
    if sha256 != entry.sha256:
        raise DumpRejected(f"{file_name}: sha256 is {sha256}, but {MANIFEST_NAME} says {entry.sha256}")


def check_amount_total(file_name: str, entry: ManifestEntry, column: str, total: Decimal | None) -> None:
    """Raise `DumpRejected` when the file's control total is not the manifest's `amount_total`.

    `total` is the sum of the column over the rows whose value is a plain decimal number; the rows
    whose value is not are quarantined, and the manifest's total must leave them out too. The sum is
    rounded half away from zero to the manifest's decimal places (2 at least), because a value with
    more places than paise is itself a contract break that quarantines its row.
    """
    if entry.amount_total is None:
        return
    places = max(2, -int(entry.amount_total.as_tuple().exponent))
    total = (total or Decimal(0)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if total != entry.amount_total:
        raise DumpRejected(
            f"{file_name}: {column} adds up to {total}, but {MANIFEST_NAME} amount_total says {entry.amount_total}"
        )
