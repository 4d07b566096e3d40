"""The end of a load: the day's partitions swapped in, the audit rows written, the raw files archived."""

from __future__ import annotations

import logging
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg

from samadhan.contract import DUMP_FILES, MANIFEST_NAME
from samadhan.loading.checks import LoadContext
from samadhan.loading.manifest import Manifest
from samadhan.loading.report import FileReport

log = logging.getLogger(__name__)

# Every audit table with rows per dump date that a new load of the date replaces.
_REPLACED_AUDIT_TABLES = ("audit.quarantine", "audit.resends", "audit.load_warnings", "audit.file_loads")


def clear_audit_rows(conn: psycopg.Connection, dump_date: date) -> None:
    """Delete the date's quarantine, re-send, warning and file rows of an earlier load of the date."""
    for table in _REPLACED_AUDIT_TABLES:
        conn.execute(f"delete from {table} where dump_date = %s", (dump_date,))


def swap_partitions(conn: psycopg.Connection, context: LoadContext) -> None:
    """Make each file's load table the date's partition, dropping the partition of an earlier load.

    The load table was created with `check (dump_date = ...)`, so attaching it needs no scan. Dropping
    the old partition locks the parent table until the load commits, which is why this comes last.
    """
    # NOTE: every day's snapshot partitions are kept; nothing drops old days. At state scale that is
    # about 15 GB a day (docs/benchmarks.md), so a retention rule for past snapshots is still needed.
    for dump_file in DUMP_FILES:
        schema, parent = dump_file.table.split(".")
        partition = f"{parent}_{context.suffix}"
        load_table = context.load_table(dump_file).split(".")[1]
        conn.execute(f"drop table if exists {schema}.{partition}")
        conn.execute(f"alter table {schema}.{load_table} rename to {partition}")
        conn.execute(f"alter index {schema}.{load_table}_key rename to {partition}_key")
        conn.execute(
            f"alter table {schema}.{partition} rename constraint {load_table}_dump_date to {partition}_dump_date"
        )
        conn.execute(
            f"alter table {dump_file.table} attach partition {schema}.{partition} "
            f"for values in ({context.dump_date_sql})"
        )


def record_file_load(
    conn: psycopg.Connection, dump_date: date, report: FileReport, sha256: str, amount_total: Decimal | None
) -> None:
    conn.execute(
        """
        insert into audit.file_loads
            (dump_date, file_name, rows_in_manifest, rows_loaded, rows_resent, rows_quarantined, sha256, amount_total)
        values (%s, %s, %s, %s, %s, %s, %s, %s)
        """,
        (dump_date, report.file_name, report.rows_in_manifest, report.rows_loaded, report.rows_resent,
         report.rows_quarantined, sha256, amount_total),
    )


def record_dump_load(
    conn: psycopg.Connection, manifest: Manifest, archive_dir: Path, reports: list[FileReport], seconds: float
) -> None:
    """Insert or replace the date's row of `audit.dump_loads`, counting how often the date was loaded."""
    conn.execute(
        """
        insert into audit.dump_loads as loads
            (dump_date, source_system, generated_at, manifest_sha256, archive_dir, rows_in_manifest,
             rows_loaded, rows_resent, rows_quarantined, load_number, load_seconds)
        values (%s, %s, %s, %s, %s, %s, %s, %s, %s, 1, %s)
        on conflict (dump_date) do update set
            source_system = excluded.source_system,
            generated_at = excluded.generated_at,
            manifest_sha256 = excluded.manifest_sha256,
            archive_dir = excluded.archive_dir,
            rows_in_manifest = excluded.rows_in_manifest,
            rows_loaded = excluded.rows_loaded,
            rows_resent = excluded.rows_resent,
            rows_quarantined = excluded.rows_quarantined,
            load_number = loads.load_number + 1,
            loaded_at = now(),
            load_seconds = excluded.load_seconds
        """,
        (
            manifest.dump_date, manifest.source_system, manifest.generated_at, manifest.sha256, str(archive_dir),
            sum(report.rows_in_manifest for report in reports), sum(report.rows_loaded for report in reports),
            sum(report.rows_resent for report in reports), sum(report.rows_quarantined for report in reports),
            round(seconds, 1),
        ),
    )


def later_dump_dates(conn: psycopg.Connection, dump_date: date) -> list[date]:
    """Return the dates after `dump_date` that are already loaded."""
    return [row[0] for row in conn.execute(
        "select dump_date from audit.dump_loads where dump_date > %s order by dump_date", (dump_date,)
    )]


def archive_dump(dump_dir: Path, manifest: Manifest, state_dir: Path) -> Path:
    """Copy the manifest and the contract's files to `<state_dir>/archive/<date>/<manifest sha256[:12]>/`.

    A `SHA256SUMS` file (the `sha256sum -c` format) lists every copied file's checksum. A corrected
    delivery of the same date has another manifest, so it is archived beside the first, not over it.
    """
    archive_dir = state_dir / "archive" / manifest.dump_date.isoformat() / manifest.sha256[:12]
    archive_dir.mkdir(parents=True, exist_ok=True)
    sums = [f"{manifest.sha256}  {MANIFEST_NAME}"]
    shutil.copyfile(dump_dir / MANIFEST_NAME, archive_dir / MANIFEST_NAME)
    for dump_file in DUMP_FILES:
        shutil.copyfile(dump_dir / dump_file.name, archive_dir / dump_file.name)
        sums.append(f"{manifest.entries[dump_file.name].sha256}  {dump_file.name}")
    (archive_dir / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
    return archive_dir


def amount_total_in_raw(conn: psycopg.Connection, raw_table: str, column: str) -> Decimal | None:
    """Return the control total: the column's sum over the rows whose value is a plain decimal number.

    The raw table contains the values trimmed. Rows that could not be split into the contract's fields have
    no values there, so they add nothing.
    """
    row = conn.execute(
        f"select sum({column}::numeric) from {raw_table} where {column} ~ '^-?[0-9]+(\\.[0-9]+)?$'"
    ).fetchone()
    return row[0]

