"""Corrected dumps: finding a day delivered again, and re-releasing it and every later day in order.

The billing system may deliver a day's folder again with corrected files; the new delivery replaces
the old one. The loader records the sha256 of each loaded `_manifest.json` in
`audit.dump_loads.manifest_sha256`, so a landing folder whose manifest has another sha256 is a
correction that is not loaded yet.

A correction of day C changes more than C's own forms. Every form is cumulative from the scheme's
first day, and the loader judges a later dump's re-sends and key changes against the rows of the
days before it. So C and every later loaded day are loaded again, and C and every later released
day are built, checked and released again, in date order. The release marks each of them
"संशोधित" (revised) because its input fingerprint changed. Each re-release is written to
`audit.rerelease_changes` with its form row counts, its dump's rows per file and its grand totals,
before and after.

If a rerun stops part-way (a crash, or a check that fails), the released days after the stop keep
the fingerprint of their old inputs. `stale_days` finds them, so the next `apply_corrections`
continues from the first of them.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from hashlib import sha256

import click
import psycopg

from samadhan import pipeline
from samadhan.contract import MANIFEST_NAME
from samadhan.settings import load_settings
from samadhan.warehouse import connect

log = logging.getLogger(__name__)

# Advisory lock key for this module's DDL: another key than the loader's, so that neither waits for
# the other's schema statements.
_DDL_LOCK_KEY = 7_262_010_003

_CHANGES_DDL = """
create table if not exists audit.rerelease_changes (
    report_date date not null,
    revision integer not null,
    rerun_from date not null,
    revised boolean not null,
    form1_rows_before bigint,
    form1_rows_after bigint not null,
    form2_rows_before bigint,
    form2_rows_after bigint not null,
    dump_rows_before jsonb not null,
    dump_rows_after jsonb not null,
    grand_totals_before jsonb,
    grand_totals_after jsonb not null,
    rerun_at timestamptz not null default now(),
    primary key (report_date, revision)
)
"""


@dataclass(frozen=True)
class CorrectedDump:
    """A landing folder whose manifest is not the one the loader loaded for that date."""

    dump_date: date
    loaded_manifest_sha256: str
    landing_manifest_sha256: str


@dataclass(frozen=True)
class DayState:
    """One day's latest release and the rows loaded from its dump, as the warehouse records them."""

    revision: int | None
    form1_rows: int | None
    form2_rows: int | None
    grand_totals: dict[str, str] | None
    # file name -> {"loaded": ..., "resent": ..., "quarantined": ...} of the day's own dump.
    dump_rows: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Rerelease:
    """One day released again by a rerun, with its numbers before and after."""

    report_date: date
    revision: int
    revised: bool
    before: DayState
    after: DayState

    def changes(self) -> list[str]:
        """Describe every count or total that differs between before and after, one phrase each."""
        phrases = []
        for name in ("form1_rows", "form2_rows"):
            old, new = getattr(self.before, name), getattr(self.after, name)
            if old != new:
                phrases.append(f"{name} {old} -> {new}")
        for file_name in sorted(set(self.before.dump_rows) | set(self.after.dump_rows)):
            old_rows = self.before.dump_rows.get(file_name, {})
            new_rows = self.after.dump_rows.get(file_name, {})
            for kind in ("loaded", "resent", "quarantined"):
                if old_rows.get(kind) != new_rows.get(kind):
                    phrases.append(f"{file_name} {kind} {old_rows.get(kind)} -> {new_rows.get(kind)}")
        old_totals = self.before.grand_totals or {}
        new_totals = self.after.grand_totals or {}
        for column in sorted(set(old_totals) | set(new_totals)):
            if old_totals.get(column) != new_totals.get(column):
                phrases.append(f"{column} {old_totals.get(column)} -> {new_totals.get(column)}")
        return phrases


class CorrectionStopped(Exception):
    """A rerun stopped at one day; the days from there on keep their earlier release."""


def _table_exists(conn: psycopg.Connection, qualified: str) -> bool:
    return conn.execute("select to_regclass(%s) is not null", (qualified,)).fetchone()[0]


def ensure_corrections_schema(conn: psycopg.Connection) -> None:
    """Create `audit.rerelease_changes` where missing, holding an advisory lock against concurrent DDL."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (_DDL_LOCK_KEY,))
        conn.execute("create schema if not exists audit")
        conn.execute(_CHANGES_DDL)


def _landing_manifests() -> dict[date, str]:
    """Return the sha256 of every complete landing folder's manifest, by the folder's date."""
    landing_dir = load_settings().landing_dir
    if not landing_dir.is_dir():
        return {}
    found = {}
    for folder in sorted(landing_dir.iterdir()):
        try:
            day = date.fromisoformat(folder.name)
        except ValueError:
            continue
        manifest = folder / MANIFEST_NAME
        if folder.is_dir() and manifest.is_file():
            found[day] = sha256(manifest.read_bytes()).hexdigest()
    return found


def find_corrected_dumps() -> list[CorrectedDump]:
    """Return the loaded dates whose landing folder now contains another manifest, earliest first.

    A folder without `_manifest.json` is still arriving and is not compared. A date that was never
    loaded is a new dump, not a correction.
    """
    landing = _landing_manifests()
    with connect() as conn:
        if not _table_exists(conn, "audit.dump_loads"):
            return []
        loaded = dict(conn.execute("select dump_date, manifest_sha256 from audit.dump_loads").fetchall())
    return [
        CorrectedDump(day, loaded[day], landing_sha256)
        for day, landing_sha256 in sorted(landing.items())
        if day in loaded and loaded[day] != landing_sha256
    ]


def find_corrected_days() -> list[date]:
    """Return the dates delivered again with another manifest since they were loaded, earliest first."""
    return [corrected.dump_date for corrected in find_corrected_dumps()]


def stale_days() -> list[date]:
    """Return the released days whose inputs changed since their latest release, earliest first.

    The inputs are every loaded file of the dumps up to the day and the scheme's rules file, as
    hashed by `samadhan.release.input_fingerprint`. A day turns stale when an earlier day is loaded
    again from another delivery and the rerun has not reached it yet.
    """
    from samadhan.release import input_fingerprint

    with connect() as conn:
        if not _table_exists(conn, "audit.releases"):
            return []
        latest = conn.execute(
            "select distinct on (report_date) report_date, input_fingerprint from audit.releases"
            " order by report_date, revision desc"
        ).fetchall()
        return [day for day, fingerprint in latest if input_fingerprint(conn, day) != fingerprint]


def first_day_to_rerun() -> date | None:
    """Return the earliest corrected or stale day, or None when every release is up to date."""
    candidates = find_corrected_days() + stale_days()
    return min(candidates) if candidates else None


def _last_released_day(conn: psycopg.Connection) -> date | None:
    if not _table_exists(conn, "audit.releases"):
        return None
    return conn.execute("select max(report_date) from audit.releases").fetchone()[0]


def _loaded_days_after(conn: psycopg.Connection, day: date) -> list[date]:
    if not _table_exists(conn, "audit.dump_loads"):
        return []
    return [row[0] for row in conn.execute(
        "select dump_date from audit.dump_loads where dump_date > %s order by dump_date", (day,)
    )]


def _day_state(conn: psycopg.Connection, day: date) -> DayState:
    dump_rows: dict[str, dict[str, int]] = {}
    if _table_exists(conn, "audit.file_loads"):
        for file_name, loaded, resent, quarantined in conn.execute(
            "select file_name, rows_loaded, rows_resent, rows_quarantined from audit.file_loads"
            " where dump_date = %s order by file_name",
            (day,),
        ):
            dump_rows[file_name] = {"loaded": loaded, "resent": resent, "quarantined": quarantined}
    release = None
    if _table_exists(conn, "audit.releases"):
        release = conn.execute(
            "select revision, form1_rows, form2_rows, grand_totals from audit.releases"
            " where report_date = %s order by revision desc limit 1",
            (day,),
        ).fetchone()
    if release is None:
        return DayState(None, None, None, None, dump_rows)
    return DayState(release[0], release[1], release[2], release[3], dump_rows)


def _record_change(conn: psycopg.Connection, rerelease: Rerelease, rerun_start: date) -> None:
    conn.execute(
        "insert into audit.rerelease_changes (report_date, revision, rerun_from, revised, form1_rows_before,"
        " form1_rows_after, form2_rows_before, form2_rows_after, dump_rows_before, dump_rows_after,"
        " grand_totals_before, grand_totals_after) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " on conflict (report_date, revision) do nothing",
        (
            rerelease.report_date, rerelease.revision, rerun_start, rerelease.revised,
            rerelease.before.form1_rows, rerelease.after.form1_rows,
            rerelease.before.form2_rows, rerelease.after.form2_rows,
            json.dumps(rerelease.before.dump_rows), json.dumps(rerelease.after.dump_rows),
            None if rerelease.before.grand_totals is None else json.dumps(rerelease.before.grand_totals),
            json.dumps(rerelease.after.grand_totals),
        ),
    )


def _rerun_one(day: date, rerun_start: date, run_id: str) -> Rerelease:
    with connect() as conn:
        before = _day_state(conn, day)
    try:
        pipeline.run_day(day, run_id=run_id)
    except Exception as error:
        raise CorrectionStopped(
            f"Rerun from {rerun_start} stopped at {day}: {error}. {day} and the days after it keep "
            f"their earlier release; fix the cause, then run `samadhan corrections --apply` again."
        ) from error
    with connect() as conn:
        after = _day_state(conn, day)
        revised = conn.execute(
            "select revised from audit.releases where report_date = %s and revision = %s", (day, after.revision)
        ).fetchone()[0]
        rerelease = Rerelease(day, after.revision, revised, before, after)
        ensure_corrections_schema(conn)
        _record_change(conn, rerelease, rerun_start)
        conn.commit()
    changes = rerelease.changes()
    log.warning(
        "%s re-released as revision %s%s: %s", day, rerelease.revision, " (संशोधित)" if revised else "",
        "; ".join(changes) if changes else "no change in rows or grand totals",
    )
    return rerelease


def rerun_from(day: date, run_id_prefix: str = "correction") -> list[Rerelease]:
    """Load, build, check and release `day` and every later released day, in date order.

    Loaded days after the last released day are loaded again too (not released), so that their
    re-sends and key changes are judged against the corrected rows. Returns the re-releases. Raises
    `CorrectionStopped` at the first day that fails; the days before it are re-released by then.
    """
    with connect() as conn:
        last_released = _last_released_day(conn)
    rereleases = []
    current = day
    while last_released is not None and current <= last_released:
        run_id = f"{run_id_prefix}__{day.isoformat()}__{current.isoformat()}"
        rereleases.append(_rerun_one(current, day, run_id))
        current += timedelta(days=1)

    with connect() as conn:
        unreleased = _loaded_days_after(conn, current - timedelta(days=1))
    for loaded in unreleased:
        try:
            pipeline.load_day(loaded)
        except Exception as error:
            raise CorrectionStopped(
                f"Rerun from {day}: loading {loaded} again failed: {error}. Its next run loads it again."
            ) from error
        log.info("%s loaded again after the rerun from %s; it is released by its own run", loaded, day)
    return rereleases


def apply_corrections() -> list[Rerelease]:
    """Rerun from the earliest corrected or stale day, if there is one; return the re-releases."""
    corrected = find_corrected_dumps()
    for dump in corrected:
        log.warning(
            "%s delivered again: manifest sha256 %s, loaded was %s", dump.dump_date,
            dump.landing_manifest_sha256[:12], dump.loaded_manifest_sha256[:12],
        )
    start = first_day_to_rerun()
    if start is None:
        log.info("No corrected dumps and no stale releases")
        return []
    return rerun_from(start)


def describe(rereleases: list[Rerelease]) -> list[str]:
    """Return one line per re-release: the day, the revision, the mark and what changed."""
    lines = []
    for rerelease in rereleases:
        mark = " संशोधित" if rerelease.revised else ""
        changes = "; ".join(rerelease.changes()) or "no change in rows or grand totals"
        lines.append(f"{rerelease.report_date} revision {rerelease.revision}{mark}: {changes}")
    return lines


# ---------------------------------------------------------------------------------------------------
# Airflow task body and command line.
# ---------------------------------------------------------------------------------------------------


def apply_corrections_task(data_interval_start: datetime | None = None) -> list[str]:
    """Run `apply_corrections` as an Airflow task; return the re-released dates as YYYY-MM-DD.

    A rerun that stops (a rejected dump, a failed check) fails the task without retries, because a
    retry would stop at the same day. `data_interval_start` only names the run in the log.
    """
    from airflow.sdk.exceptions import AirflowFailException

    if data_interval_start is not None:
        log.info("Looking for corrected dumps before the run for %s", pipeline.dump_date_of(data_interval_start))
    try:
        rereleases = apply_corrections()
    except CorrectionStopped as stopped:
        raise AirflowFailException(str(stopped)) from stopped
    return [rerelease.report_date.isoformat() for rerelease in rereleases]


@click.command("corrections")
@click.option("--apply", "apply_", is_flag=True,
              help="Rerun from the earliest corrected or stale day; without it, only list them.")
def corrections_command(apply_: bool) -> None:
    """List dump dates delivered again since they were loaded, and released days whose inputs changed.

    With --apply, load, build, check and release the earliest of them and every later released day
    again, in date order; each re-released day is marked संशोधित.
    """
    for dump in find_corrected_dumps():
        click.echo(
            f"{dump.dump_date} corrected: landing manifest {dump.landing_manifest_sha256[:12]},"
            f" loaded {dump.loaded_manifest_sha256[:12]}"
        )
    for day in stale_days():
        click.echo(f"{day} stale: released from inputs that have changed since")
    start = first_day_to_rerun()
    if start is None:
        click.echo("nothing to rerun")
        return
    if not apply_:
        click.echo(f"rerun needed from {start}; run again with --apply")
        return
    try:
        rereleases = rerun_from(start)
    except CorrectionStopped as stopped:
        click.echo(str(stopped), err=True)
        raise SystemExit(1) from stopped
    for line in describe(rereleases):
        click.echo(line)
