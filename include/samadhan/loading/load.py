"""`load_dump`: one dump folder into the warehouse, whole or not at all."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg

from samadhan.contract import FILES_BY_NAME, DumpFile
from samadhan.loading import bookkeeping
from samadhan.loading.checks import LoadContext
from samadhan.loading.manifest import (
    DumpRejected,
    Manifest,
    check_amount_total,
    check_files_present,
    check_scan,
    read_manifest,
)
from samadhan.loading.reading import copy_to_raw, raw_table
from samadhan.loading.report import FileReport, LoadReport
from samadhan.loading.schema import LOAD_LOCK_KEY, ensure_schema
from samadhan.loading.scheme import scheme_facts
from samadhan.loading.validation import validate_file
from samadhan.settings import Settings, load_settings
from samadhan.warehouse import connect

log = logging.getLogger(__name__)

# The order files are typed in: a file comes after the files its rows refer to (the snapshots,
# then camps, which payments, registrations and camp visits name).
LOAD_ORDER: tuple[DumpFile, ...] = tuple(
    FILES_BY_NAME[name] for name in (
        "hierarchy.csv", "staff.csv", "consumers.csv", "camps.csv", "camp_visits.csv", "payments.csv",
        "registrations.csv", "bill_revisions.csv", "notice_deliveries.csv", "targets.csv",
    )
)


def _configure_session(conn: psycopg.Connection) -> None:
    # temp_buffers only takes effect before the session's first temporary table.
    conn.execute("set temp_buffers = '256MB'")
    conn.execute("set work_mem = '128MB'")
    conn.execute("set maintenance_work_mem = '256MB'")
    # Compiling the long CHECK expressions costs about a second per statement and saves less.
    conn.execute("set jit = off")
    conn.commit()


def load_dump(dump_dir: Path, *, settings: Settings | None = None, progress: bool = False) -> LoadReport:
    """Check the dump folder against its manifest and load it, replacing any earlier load of its date.

    With `progress`, a bar on stderr counts the bytes streamed from the files (shown on a terminal only).

    Everything happens in one transaction, so readers see the date's earlier rows (or none) until the
    whole new load is committed. Raises `DumpRejected` (nothing changed) when the folder has no
    manifest yet, a file is missing or empty, a header is not the contract's, or a file's row count,
    checksum or control total disagrees with the manifest.
    """
    started = time.monotonic()
    settings = settings or load_settings()
    dump_dir = Path(dump_dir)
    manifest = read_manifest(dump_dir)
    check_files_present(dump_dir, manifest)
    context = LoadContext(dump_date=manifest.dump_date, scheme=scheme_facts(settings))

    with connect(settings) as conn:
        ensure_schema(conn)
        _configure_session(conn)
        with conn.transaction():
            # One load at a time: re-sends and key changes are judged against the other days' rows.
            conn.execute("select pg_advisory_xact_lock(%s)", (LOAD_LOCK_KEY,))
            verified = _stream_and_verify(conn, dump_dir, manifest, progress)
            _warn_if_later_dates_loaded(conn, manifest)
            bookkeeping.clear_audit_rows(conn, manifest.dump_date)
            reports = _type_and_judge(conn, context, manifest, verified)

            # Archived before the swap: the swap locks the billing tables until the commit.
            archive_dir = bookkeeping.archive_dump(dump_dir, manifest, settings.state_dir)
            step_started = time.monotonic()
            bookkeeping.swap_partitions(conn, context)
            log.debug("%s: partitions swapped in %.2f s", manifest.dump_date, time.monotonic() - step_started)
            bookkeeping.record_dump_load(conn, manifest, archive_dir, reports, time.monotonic() - started)

    report = LoadReport(
        dump_date=manifest.dump_date,
        files=tuple(sorted(reports, key=lambda item: _contract_position(item.file_name))),
        archive_dir=archive_dir,
        seconds=time.monotonic() - started,
    )
    for line in report.lines():
        log.info("%s", line)
    return report


def _stream_and_verify(
    conn: psycopg.Connection, dump_dir: Path, manifest: Manifest, progress: bool = False
) -> dict[str, tuple[str, Decimal | None]]:
    """Stream every file into its raw table and check it against the manifest.

    Returns each file's SHA-256 and control total. Raises `DumpRejected` at the first disagreement.
    """
    with _byte_bar(progress, dump_dir, manifest) as bar:
        return _stream_files(conn, dump_dir, manifest, bar.update if bar is not None else None)


@contextmanager
def _byte_bar(enabled: bool, dump_dir: Path, manifest: Manifest) -> Iterator[Any]:
    if not enabled:
        yield None
        return
    from tqdm import tqdm

    total = sum((dump_dir / name).stat().st_size for name in manifest.entries)
    # disable=None: the bar shows on a terminal and stays out of logs and pipes.
    with tqdm(total=total, unit="B", unit_scale=True, desc=f"load {manifest.dump_date}", file=sys.stderr,
              disable=None) as bar:
        yield bar


def _stream_files(
    conn: psycopg.Connection, dump_dir: Path, manifest: Manifest, on_bytes: Callable[[int], object] | None
) -> dict[str, tuple[str, Decimal | None]]:
    verified = {}
    for dump_file in LOAD_ORDER:
        entry = manifest.entries[dump_file.name]
        step_started = time.monotonic()
        scan = copy_to_raw(conn, dump_file, dump_dir / dump_file.name, on_bytes)
        check_scan(dump_file.name, entry, scan.rows, scan.sha256)
        if dump_file.kind == "snapshot" and scan.rows == 0:
            raise DumpRejected(
                f"{dump_file.name}: no data rows; a snapshot file lists every row as of the dump "
                f"date, so an empty one would remove them all"
            )
        total = None
        if dump_file.amount_column:
            total = bookkeeping.amount_total_in_raw(conn, raw_table(dump_file), dump_file.amount_column)
            check_amount_total(dump_file.name, entry, dump_file.amount_column, total)
        verified[dump_file.name] = (scan.sha256, total)
        log.debug("%s %s: %s rows streamed in %.2f s; checksum and control total match", manifest.dump_date,
                  dump_file.name, f"{scan.rows:,}", time.monotonic() - step_started)
    return verified


def _warn_if_later_dates_loaded(conn: psycopg.Connection, manifest: Manifest) -> None:
    later = bookkeeping.later_dump_dates(conn, manifest.dump_date)
    if later:
        # NOTE: rows of later dumps keep the re-send and key-change verdicts they got against this
        # date's earlier rows. Reloading the later dates in order brings them in line.
        log.warning(
            "%s loaded again while later dumps are loaded (%s to %s): reload those, in order, so "
            "their re-sends and key changes are judged against this load", manifest.dump_date.isoformat(),
            later[0].isoformat(), later[-1].isoformat(),
        )


def _type_and_judge(
    conn: psycopg.Connection, context: LoadContext, manifest: Manifest,
    verified: dict[str, tuple[str, Decimal | None]],
) -> list[FileReport]:
    """Type and judge every file's raw rows into its load table; record and return each file's counts."""
    reports = []
    for dump_file in LOAD_ORDER:
        step_started = time.monotonic()
        outcome = validate_file(conn, dump_file, context)
        log.debug("%s %s: typed and judged in %.2f s", manifest.dump_date, dump_file.name,
                  time.monotonic() - step_started)
        report = FileReport(
            file_name=dump_file.name,
            rows_in_manifest=manifest.entries[dump_file.name].rows,
            rows_loaded=outcome.rows_loaded,
            rows_resent=outcome.rows_resent,
            quarantined_by_reason=outcome.quarantined_by_reason,
            warnings_by_code=outcome.warnings_by_code,
        )
        if report.rows_loaded + report.rows_quarantined != report.rows_in_manifest:
            raise RuntimeError(
                f"{dump_file.name}: {report.rows_loaded:,} loaded + {report.rows_quarantined:,} "
                f"quarantined is not the manifest's {report.rows_in_manifest:,} rows"
            )
        sha256, amount_total = verified[dump_file.name]
        bookkeeping.record_file_load(conn, manifest.dump_date, report, sha256, amount_total)
        reports.append(report)
    return reports


def _contract_position(file_name: str) -> int:
    return list(FILES_BY_NAME).index(file_name)
