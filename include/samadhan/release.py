"""Release of a checked day: the warehouse tables BI reads, and the files people open.

Tables: the day's rows of each `build` table replace that day's rows of its released copy in
`reports` or `marts`, all in one transaction, so a reader sees the old day or the new day, never a
mix. Files: written into a new folder `output/.versions/<day>/<content hash>/`; then the link
`output/<day>` is switched to it with one atomic rename. A crash before the switch leaves the link on
the previous release.

A day is released only after the day before it (the scheme's first day excepted). A day released
again from different inputs (a corrected dump of that day or of an earlier one) is marked
"संशोधित" (revised), and its release row records the grand totals before and after.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import psycopg
from psycopg import sql

from samadhan.settings import load_settings
from samadhan.warehouse import connect

log = logging.getLogger(__name__)

# build table -> released table. Tables without a report_date column get one on release.
RELEASED_TABLES: dict[str, str] = {
    "build.rpt_form1": "reports.rpt_form1",
    "build.rpt_form2": "reports.rpt_form2",
    "build.fct_unit_daily_progress": "marts.fct_unit_daily_progress",
    "build.dim_unit": "marts.dim_unit",
    "build.dim_hierarchy": "marts.dim_hierarchy",
    "build.fct_compliance_daily_camps": "marts.fct_compliance_daily_camps",
    "build.fct_compliance_ce_visits": "marts.fct_compliance_ce_visits",
    "build.fct_compliance_ee_visits": "marts.fct_compliance_ee_visits",
    "build.fct_compliance_targets": "marts.fct_compliance_targets",
    "build.fct_compliance_bill_revisions": "marts.fct_compliance_bill_revisions",
    "build.fct_laggards": "marts.fct_laggards",
    "build.fct_officer_noncompliance": "marts.fct_officer_noncompliance",
    "build.fct_unit_projection": "marts.fct_unit_projection",
}

# Grand-total columns whose before/after values a re-release logs.
TOTAL_COLUMNS = (
    "eligible_defaulters", "principal_arrears", "lpsc_arrears", "registered_cum", "fully_paid_cum",
    "collected_cum", "waiver_granted_cum", "notices_served_cum",
)

RELEASE_DDL = """
create schema if not exists reports;
create schema if not exists marts;
create schema if not exists audit;
create table if not exists audit.releases (
    report_date date not null,
    revision integer not null,
    run_id text not null,
    input_fingerprint text not null,
    revised boolean not null,
    files_dir text not null,
    form1_rows bigint not null,
    form2_rows bigint not null,
    grand_totals jsonb not null,
    previous_grand_totals jsonb,
    released_at timestamptz not null default now(),
    primary key (report_date, revision)
);
create table if not exists audit.release_inputs (
    report_date date not null,
    revision integer not null,
    dump_date date not null,
    file_name text not null,
    sha256 text not null,
    primary key (report_date, revision, dump_date, file_name)
);
"""


class ReleaseOutOfOrder(Exception):
    """The day before has not been released yet."""


@dataclass(frozen=True)
class ReleaseRecord:
    """The latest release of a day."""

    report_date: date
    revision: int
    input_fingerprint: str
    grand_totals: dict[str, str]


def ensure_release_schema(conn: psycopg.Connection) -> None:
    conn.execute(RELEASE_DDL)


def latest_release(conn: psycopg.Connection, report_date: date) -> ReleaseRecord | None:
    row = conn.execute(
        "select revision, input_fingerprint, grand_totals from audit.releases"
        " where report_date = %s order by revision desc limit 1",
        (report_date,),
    ).fetchone()
    if row is None:
        return None
    return ReleaseRecord(report_date, row[0], row[1], row[2])


def _scheme_start(conn: psycopg.Connection) -> date:
    return conn.execute("select start_date from rules.scheme").fetchone()[0]


def input_fingerprint(conn: psycopg.Connection, report_date: date) -> str:
    """Return a hash of every input that feeds the day: the files of all dumps up to it, and the rules."""
    digest = hashlib.sha256()
    for dump_date, file_name, sha256 in conn.execute(
        "select dump_date, file_name, sha256 from audit.file_loads where dump_date <= %s"
        " order by dump_date, file_name",
        (report_date,),
    ):
        digest.update(f"{dump_date}|{file_name}|{sha256}\n".encode())
    scheme_file = load_settings().scheme_file
    digest.update(scheme_file.read_bytes())
    return digest.hexdigest()


def _record_inputs(conn: psycopg.Connection, report_date: date, revision: int) -> None:
    """Insert into `audit.release_inputs` every dump file, and each dump's manifest, that fed the release.

    These are the rows `input_fingerprint` hashes. A manifest's sha256 also names the folder of the
    delivery under `<state_dir>/archive/<dump date>/`: its first 12 hex digits.
    """
    conn.execute(
        "insert into audit.release_inputs (report_date, revision, dump_date, file_name, sha256)"
        " select %(day)s, %(revision)s, dump_date, file_name, sha256 from audit.file_loads"
        " where dump_date <= %(day)s"
        " union all"
        " select %(day)s, %(revision)s, dump_date, '_manifest.json', manifest_sha256 from audit.dump_loads"
        " where dump_date <= %(day)s",
        {"day": report_date, "revision": revision},
    )


def _columns(conn: psycopg.Connection, qualified: str) -> list[str]:
    schema, table = qualified.split(".")
    rows = conn.execute(
        "select column_name from information_schema.columns where table_schema = %s and table_name = %s"
        " order by ordinal_position",
        (schema, table),
    ).fetchall()
    return [row[0] for row in rows]


def _copy_day(conn: psycopg.Connection, source: str, target: str, report_date: date) -> int:
    """Replace the day's rows of `target` with those of `source`, creating `target` if needed."""
    source_columns = _columns(conn, source)
    if not source_columns:
        raise RuntimeError(f"{source} does not exist: run the dbt build for {report_date} first")
    has_date = "report_date" in source_columns
    source_id = sql.Identifier(*source.split("."))
    target_id = sql.Identifier(*target.split("."))
    if has_date:
        select = sql.SQL("select * from {} where report_date = %s").format(source_id)
    else:
        select = sql.SQL("select %s::date as report_date, * from {}").format(source_id)
    if not _columns(conn, target):
        conn.execute(sql.SQL("create table {} as ").format(target_id) + select + sql.SQL(" with no data"),
                     (report_date,))
        conn.execute(sql.SQL("create index on {} (report_date)").format(target_id))
    conn.execute(sql.SQL("delete from {} where report_date = %s").format(target_id), (report_date,))
    cursor = conn.execute(sql.SQL("insert into {} ").format(target_id) + select, (report_date,))
    return cursor.rowcount


def _grand_totals(conn: psycopg.Connection, report_date: date) -> dict[str, str]:
    columns = sql.SQL(", ").join(sql.Identifier(column) for column in TOTAL_COLUMNS)
    row = conn.execute(
        sql.SQL("select {} from build.rpt_form1 where report_date = %s and unit_level = 'TOTAL'"
                " and sub_category = 'ALL'").format(columns),
        (report_date,),
    ).fetchone()
    if row is None:
        return {}
    return {column: str(value) for column, value in zip(TOTAL_COLUMNS, row, strict=True)}


def _read_frame(conn: psycopg.Connection, query: sql.Composable, params: tuple) -> pd.DataFrame:
    cursor = conn.execute(query, params)
    names = [column.name for column in cursor.description]
    return pd.DataFrame(cursor.fetchall(), columns=names, dtype=object)


def _dump_footer(conn: psycopg.Connection, report_date: date) -> tuple[str, int]:
    from samadhan.contract import MANIFEST_NAME

    quarantined = conn.execute(
        "select coalesce(sum(rows_quarantined), 0) from audit.file_loads where dump_date = %s", (report_date,)
    ).fetchone()[0]
    manifest_path = load_settings().landing_dir / report_date.isoformat() / MANIFEST_NAME
    generated_at = ""
    if manifest_path.is_file():
        generated_at = json.loads(manifest_path.read_text(encoding="utf-8-sig")).get("generated_at", "")
    return generated_at, int(quarantined)


def _write_version(conn: psycopg.Connection, report_date: date, revised: bool) -> Path:
    """Write the day's six form files into a version folder named by their content; return it."""
    from samadhan.monitoring import write_monitoring_files
    from samadhan.reports import ReleaseInfo, write_form_files

    settings = load_settings()
    day = report_date.isoformat()
    versions = settings.output_dir / ".versions" / day
    versions.mkdir(parents=True, exist_ok=True)
    scratch = versions / f"tmp-{uuid.uuid4().hex}"
    scratch.mkdir()

    form1 = _read_frame(conn, sql.SQL("select * from build.rpt_form1 where report_date = %s"), (report_date,))
    form2 = _read_frame(conn, sql.SQL("select * from build.rpt_form2 where report_date = %s"), (report_date,))
    units = _read_frame(conn, sql.SQL("select * from build.dim_unit"), ())
    labels_query = "select sub_category, label_hi from rules.sub_categories order by sort_order"
    labels = dict(conn.execute(labels_query).fetchall())
    scheme_name = conn.execute("select name_hi from rules.scheme").fetchone()[0]
    generated_at, quarantined = _dump_footer(conn, report_date)
    info = ReleaseInfo(
        report_date=report_date, scheme_name_hi=scheme_name, dump_generated_at=generated_at,
        rows_quarantined=quarantined, revised=revised,
    )
    write_form_files(scratch, info, form1, form2, units, labels)
    write_monitoring_files(report_date, scratch)

    content = hashlib.sha256()
    for path in sorted(scratch.rglob("*")):
        if path.is_file():
            content.update(str(path.relative_to(scratch)).encode() + b"\0" + path.read_bytes())
    final = versions / content.hexdigest()[:16]
    if final.exists():
        shutil.rmtree(scratch)
    else:
        scratch.rename(final)
    return final


def _switch_link(report_date: date, version: Path) -> Path:
    """Point `output/<day>` at the version folder with one atomic rename; return the link."""
    settings = load_settings()
    day = report_date.isoformat()
    link = settings.output_dir / day
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)  # a folder from before releases were versioned
    temporary_link = settings.output_dir / f".{day}.link-{uuid.uuid4().hex}"
    temporary_link.symlink_to(version.relative_to(settings.output_dir))
    os.replace(temporary_link, link)
    return link


def day_released(report_date: date) -> bool:
    """Return whether `report_date` has been released at least once."""
    with connect() as conn:
        ensure_release_schema(conn)
        conn.commit()
        return latest_release(conn, report_date) is not None


def previous_day_released(report_date: date) -> bool:
    """Return whether `report_date` may be released: the day before is released, or it is the first day."""
    with connect() as conn:
        ensure_release_schema(conn)
        conn.commit()
        if report_date <= _scheme_start(conn):
            return True
        return latest_release(conn, report_date - timedelta(days=1)) is not None


def release_day(report_date: date, run_id: str) -> Path:
    """Release the built and checked day; return the output folder `output/<day>`."""
    with connect() as conn:
        ensure_release_schema(conn)
        conn.commit()

        previous_day = report_date - timedelta(days=1)
        if report_date > _scheme_start(conn) and latest_release(conn, previous_day) is None:
            raise ReleaseOutOfOrder(
                f"{report_date} cannot be released before {previous_day}: release {previous_day} first"
            )

        fingerprint = input_fingerprint(conn, report_date)
        earlier = latest_release(conn, report_date)
        revised = earlier is not None and earlier.input_fingerprint != fingerprint
        if earlier is not None and earlier.input_fingerprint == fingerprint:
            # A plain rerun keeps the mark of the release it repeats, so its files are byte-identical.
            revised = bool(conn.execute(
                "select revised from audit.releases where report_date = %s and revision = %s",
                (report_date, earlier.revision),
            ).fetchone()[0])
        totals = _grand_totals(conn, report_date)

        version = _write_version(conn, report_date, revised)
        files_dir = load_settings().output_dir / report_date.isoformat()

        revision = 0 if earlier is None else earlier.revision + 1
        with conn.transaction():
            counts = {
                target: _copy_day(conn, source, target, report_date) for source, target in RELEASED_TABLES.items()
            }
            conn.execute(
                "insert into audit.releases (report_date, revision, run_id, input_fingerprint, revised, files_dir,"
                " form1_rows, form2_rows, grand_totals, previous_grand_totals)"
                " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    report_date, revision, run_id, fingerprint, revised,
                    str(files_dir), counts["reports.rpt_form1"], counts["reports.rpt_form2"],
                    json.dumps(totals), None if earlier is None else json.dumps(earlier.grand_totals),
                ),
            )
            _record_inputs(conn, report_date, revision)
        conn.commit()
    _switch_link(report_date, version)

    if revised and earlier is not None:
        changes = {
            column: f"{earlier.grand_totals.get(column)} -> {value}"
            for column, value in totals.items()
            if earlier.grand_totals.get(column) != value
        }
        log.warning("%s re-released as संशोधित (revised): grand totals changed %s", report_date, changes or "none")
    log.info(
        "%s released: rpt_form1 %s rows, rpt_form2 %s rows, files in %s",
        report_date, counts["reports.rpt_form1"], counts["reports.rpt_form2"], files_dir,
    )
    return files_dir

