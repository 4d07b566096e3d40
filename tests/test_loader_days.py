"""Loader across days: re-sends, changed keys, reloads of a date, atomic loads, the archive, the command."""

from __future__ import annotations

import hashlib
import logging
import signal
import subprocess
import sys
import threading

import psycopg
import pytest
from click.testing import CliRunner
from test_loader_dumps import BASE_ROWS, base_files, csv_text, with_rows, write_dump

from samadhan.cli import main
from samadhan.contract import FILES_BY_NAME
from samadhan.loading import ensure_schema, load_dump
from samadhan.warehouse import connect


@pytest.fixture
def landing(warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("SAMADHAN_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "landing"


def query(sql: str, *params) -> list[tuple]:
    with connect() as conn:
        return conn.execute(sql, params or None).fetchall()


def day_files(**event_rows: list[str]) -> dict[str, str]:
    """Return a later day: the base snapshots, and only the given rows in the event files.

    Keyword names are file names without `.csv`, e.g. `payments=[...]`.
    """
    files = base_files()
    for dump_file in FILES_BY_NAME.values():
        if dump_file.kind == "event":
            files[dump_file.name] = csv_text(dump_file.name, event_rows.get(dump_file.name.removesuffix(".csv"), []))
    return files


def load_base_and(landing, dump_date: str, files: dict[str, str]):
    load_dump(write_dump(landing, base_files()))
    return load_dump(write_dump(landing, files, dump_date=dump_date))


# --- re-sends and changed keys ------------------------------------------------------------------------


def test_resend_across_days(landing):
    report = load_base_and(landing, "2021-10-26", day_files(payments=[
        "R1,3000000001,500.00,25-10-2021 10:30:00,COUNTER,,",
        "R3,3000000003,1000.00,26-10-2021 09:00:00,ONLINE,,",
    ]))

    payments = report.file("payments.csv")
    assert (payments.rows_in_manifest, payments.rows_loaded, payments.rows_resent, payments.rows_quarantined) == (
        2, 2, 1, 0
    )
    assert query("select receipt_no, dump_date::text, source_line from billing.payments order by receipt_no") == [
        ("R1", "2021-10-25", 2), ("R2", "2021-10-25", 3), ("R3", "2021-10-26", 3),
    ]
    assert query("select dump_date::text, file_name, line_no, record_key, first_dump_date::text, first_line_no "
                 "from audit.resends") == [("2021-10-26", "payments.csv", 2, "R1", "2021-10-25", 2)]


def test_resend_with_other_spacing_is_resend(landing):
    report = load_base_and(landing, "2021-10-26", day_files(payments=[
        " R1 ,3000000001,500.0,25-10-2021 10:30:00,COUNTER,,",
    ]))

    assert report.file("payments.csv").rows_resent == 1
    assert report.file("payments.csv").rows_quarantined == 0


def test_changed_key_across_days(landing):
    report = load_base_and(landing, "2021-10-26", day_files(payments=[
        "R1,3000000001,900.00,25-10-2021 10:30:00,COUNTER,,",
    ]))

    assert dict(report.file("payments.csv").quarantined_by_reason) == {"key_changed": 1}
    assert query("select line_no, reason_code, reason from audit.quarantine") == [
        (2, "key_changed", "payments.csv line 2: receipt_no R1 was loaded from the dump of 25-10-2021 (line 2) "
                           "with different fields; that row stands"),
    ]
    assert query("select amount::text, dump_date::text from billing.payments where receipt_no = 'R1'") == [
        ("500.00", "2021-10-25")
    ]


def test_resend_and_changed_copy_in_one_file(landing):
    # The earlier dump's row is kept: the identical copy is a re-send, the changed one is quarantined.
    report = load_base_and(landing, "2021-10-26", day_files(payments=[
        "R1,3000000001,900.00,25-10-2021 10:30:00,COUNTER,,",
        "R1,3000000001,500.00,25-10-2021 10:30:00,COUNTER,,",
    ]))

    payments = report.file("payments.csv")
    assert (payments.rows_loaded, payments.rows_resent) == (1, 1)
    assert dict(payments.quarantined_by_reason) == {"key_changed": 1}


def test_camp_from_earlier_dump_is_known(landing):
    report = load_base_and(landing, "2021-10-26", day_files(
        camp_visits=["V2,C1,S1,26-10-2021 09:00:00"],
        payments=["R3,3000000003,100.00,26-10-2021 10:00:00,CAMP,C1,"],
    ))

    assert report.rows_quarantined == 0
    assert report.file("camp_visits.csv").rows_loaded == 1


def test_reversal_on_a_later_day(landing):
    load_base_and(landing, "2021-10-26", day_files(payments=[
        "R3,3000000001,-500.00,26-10-2021 10:00:00,COUNTER,,R1",
    ]))
    report = load_dump(write_dump(landing, day_files(payments=[
        "R4,3000000001,-500.00,27-10-2021 10:00:00,COUNTER,,R1",
    ]), dump_date="2021-10-27"))

    assert query("select receipt_no, dump_date::text from billing.payments where amount < 0") == [
        ("R3", "2021-10-26")
    ]
    assert dict(report.file("payments.csv").quarantined_by_reason) == {"receipt_already_reversed": 1}
    assert query("select reason from audit.quarantine where dump_date = '2021-10-27'") == [
        ("payments.csv line 2: receipt R1 is already reversed in the dump of 26-10-2021",)
    ]


# --- loading a date again -------------------------------------------------------------------------------


def test_reload_replaces_the_date(landing):
    load_dump(write_dump(landing, with_rows("payments.csv", "R9,3000000099,1.00,25-10-2021 12:00:00,COUNTER,,")))
    assert query("select count(*) from audit.quarantine") == [(1,)]

    files = base_files()
    files["payments.csv"] = csv_text("payments.csv", [
        BASE_ROWS["payments.csv"][1],
        "R5,3000000003,75.25,25-10-2021 13:00:00,ONLINE,,",
        "R6,3000000001,1.00,25-10-2021 13:00:00,CHEQUE,,",
    ])
    report = load_dump(write_dump(landing, files))

    assert report.file("payments.csv").rows_loaded == 2
    assert query("select receipt_no, source_line from billing.payments order by receipt_no") == [("R2", 2), ("R5", 3)]
    assert query("select line_no, reason_code from audit.quarantine") == [(4, "value_not_allowed")]
    assert query("select rows_in_manifest, rows_loaded, rows_quarantined from audit.file_loads "
                 "where file_name = 'payments.csv'") == [(3, 2, 1)]
    assert query("select load_number, rows_loaded from audit.dump_loads") == [(2, 16)]
    assert query("select count(*) from pg_inherits where inhparent = 'billing.payments'::regclass") == [(1,)]


def test_reload_same_files_is_not_a_resend(landing):
    load_dump(write_dump(landing, base_files()))
    report = load_dump(write_dump(landing, base_files()))

    assert report.rows_resent == 0
    assert report.rows_loaded == sum(len(rows) for rows in BASE_ROWS.values())
    assert query("select count(*) from billing.consumers") == [(3,)]
    assert query("select count(*) from audit.resends") == [(0,)]


def test_reload_before_later_dates_warns(landing, caplog):
    load_base_and(landing, "2021-10-26", day_files())
    with caplog.at_level(logging.WARNING):
        load_dump(write_dump(landing, base_files()))

    assert "2021-10-25 loaded again while later dumps are loaded (2021-10-26 to 2021-10-26)" in caplog.text


def test_failed_load_keeps_earlier_rows(landing, monkeypatch):
    load_dump(write_dump(landing, base_files()))
    before = query("select receipt_no, amount from billing.payments order by 1")

    def fail(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("samadhan.loading.bookkeeping.archive_dump", fail)
    files = base_files()
    files["payments.csv"] = csv_text("payments.csv", ["R7,3000000001,5.00,25-10-2021 12:00:00,COUNTER,,"])
    with pytest.raises(OSError, match="disk full"):
        load_dump(write_dump(landing, files))

    assert query("select receipt_no, amount from billing.payments order by 1") == before
    assert query("select load_number from audit.dump_loads") == [(1,)]
    assert query("select count(*) from pg_tables where tablename like '%\\_load'") == [(0,)]


_KILLED_LOAD = """
import os, signal, sys
from pathlib import Path
import samadhan.loading.bookkeeping as bookkeeping
from samadhan.loading import load_dump

swap = bookkeeping.swap_partitions

def swap_then_die(conn, context):
    swap(conn, context)
    os.kill(os.getpid(), signal.SIGKILL)  # after the old partitions are dropped, before the commit

bookkeeping.swap_partitions = swap_then_die
load_dump(Path(sys.argv[1]))
"""


def test_killed_load_keeps_earlier_rows(landing):
    load_dump(write_dump(landing, base_files()))
    files = base_files()
    files["payments.csv"] = csv_text("payments.csv", ["R7,3000000001,5.00,25-10-2021 12:00:00,COUNTER,,"])
    folder = write_dump(landing, files)

    killed = subprocess.run([sys.executable, "-c", _KILLED_LOAD, str(folder)], check=False)

    assert killed.returncode == -signal.SIGKILL
    assert query("select receipt_no from billing.payments order by 1") == [("R1",), ("R2",)]
    assert query("select load_number from audit.dump_loads") == [(1,)]
    report = load_dump(folder)
    assert report.file("payments.csv").rows_loaded == 1
    assert query("select receipt_no from billing.payments") == [("R7",)]


def test_readers_see_earlier_rows_during_load(landing, warehouse, monkeypatch):
    load_dump(write_dump(landing, base_files()))
    import samadhan.loading.load as load_module

    seen = []
    validate = load_module.validate_file

    def validate_and_look(conn, dump_file, context):
        outcome = validate(conn, dump_file, context)
        if dump_file.name == "payments.csv":
            # Another session, as a report reader would be, in the middle of the load.
            with psycopg.connect(warehouse.conninfo(), autocommit=True) as reader:
                seen.extend(reader.execute("select receipt_no from billing.payments order by 1").fetchall())
        return outcome

    monkeypatch.setattr(load_module, "validate_file", validate_and_look)
    files = base_files()
    files["payments.csv"] = csv_text("payments.csv", ["R7,3000000001,5.00,25-10-2021 12:00:00,COUNTER,,"])
    load_dump(write_dump(landing, files))

    assert seen == [("R1",), ("R2",)]
    assert query("select receipt_no from billing.payments") == [("R7",)]


# --- archive, command, schema ---------------------------------------------------------------------------


def test_raw_files_archived_with_checksums(landing, tmp_path):
    folder = write_dump(landing, base_files())
    report = load_dump(folder)

    manifest_sha = hashlib.sha256((folder / "_manifest.json").read_bytes()).hexdigest()
    assert report.archive_dir == tmp_path / "state" / "archive" / "2021-10-25" / manifest_sha[:12]
    for path in folder.iterdir():
        assert (report.archive_dir / path.name).read_bytes() == path.read_bytes()
    sums = dict(
        reversed(line.split("  ")) for line in (report.archive_dir / "SHA256SUMS").read_text().splitlines()
    )
    assert sums == {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.iterdir()
    }
    assert query("select archive_dir, manifest_sha256 from audit.dump_loads") == [
        (str(report.archive_dir), manifest_sha)
    ]


def test_command_loads_and_prints_report(landing):
    folder = write_dump(landing, with_rows("payments.csv", "R3,3000000099,1.00,25-10-2021 12:00:00,COUNTER,,"))

    result = CliRunner().invoke(main, ["load", "--dump", str(folder)])

    assert result.exit_code == 0, result.output
    assert "2021-10-25 payments.csv: 2 loaded, 1 quarantined (1 unknown account)" in result.output
    assert "2021-10-25 consumers.csv: 3 loaded, 0 quarantined" in result.output
    assert (
        "Each quarantined row is in audit.quarantine with its file, line number and reason: "
        "select * from audit.quarantine where dump_date = '2021-10-25';"
    ) in result.output


def test_command_exit_2_when_rejected(landing):
    folder = write_dump(landing, base_files(), manifest=False)

    result = CliRunner().invoke(main, ["load", "--dump", str(folder)])

    assert result.exit_code == 2
    assert "Dump rejected, nothing loaded:" in result.output
    assert "no _manifest.json yet, so the dump is still arriving" in result.output


def test_command_exit_1_on_other_failure(landing, tmp_path, monkeypatch):
    monkeypatch.setenv("SAMADHAN_SCHEME_FILE", str(tmp_path / "missing.yaml"))
    folder = write_dump(landing, base_files())

    result = CliRunner().invoke(main, ["load", "--dump", str(folder)])

    assert result.exit_code == 1
    assert "scheme rules file not found" in result.output


def test_ensure_schema_twice_and_at_once(warehouse):
    errors = []

    def create():
        try:
            with connect() as conn:
                ensure_schema(conn)
        except Exception as error:  # collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=create) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    create()

    assert errors == []
    tables = query("select table_schema || '.' || table_name from information_schema.tables "
                   "where table_schema in ('billing', 'audit') order by 1")
    assert ("billing.consumers",) in tables
    assert ("audit.quarantine",) in tables
    assert len(tables) == len(FILES_BY_NAME) + 5
