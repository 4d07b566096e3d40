"""Corrected dumps, reruns and traceability, on the hand-made population of `test_forms_by_hand`.

Each day runs through `pipeline.run_day`. The correction is the one a billing vendor would send:
21.10's `payments.csv` loses receipt R21003 (3000000013's 7000.00, paid 21.10 12:05). 22.10's dump
sends R21003 again unchanged, so before the correction that copy was a re-send; after it, the copy
is the receipt's first arrival and counts on 22.10. Hand-computed effect on Form 2's grand total row:

- 21.10: 3000000013 registered but paid nothing, so fully paid today and cumulative 3 -> 2
  (3000000001, 3000000008), collected 29000.00 -> 22000.00.
- 22.10: as of the day nothing changes (collected 53000.00, fully paid 4: 3000000001, 3000000013,
  3000000011, 3000000019). Today's columns change: collected today 53000.00 - 22000.00 = 31000.00,
  fully paid today 3 (3000000013, 3000000011, 3000000019; 3000000008 dropped out on the bounced cheque).
- 23.10: unchanged, but released again as संशोधित because its inputs (21.10's file) changed.

Had 22.10 not been loaded again, R21003 would be lost: its only row would be the re-send, which the
loader records in `audit.resends` and does not keep in `billing.payments`.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from dumps import write_dump
from test_forms_by_hand import DAY_1, DAY_2, DAY_3, EVENTS, FORM2_EXPECTED, SNAPSHOTS

from samadhan import corrections, pipeline
from samadhan.contract import DUMP_FILES, MANIFEST_NAME
from samadhan.reports.forms import REVISED_MARK
from samadhan.settings import load_settings
from samadhan.warehouse import connect

FORM2_TOTAL_COLUMNS = (
    "eligible_defaulters", "notices_served_cum", "camps_today", "camps_cum", "registered_today",
    "registered_cum", "fully_paid_today", "fully_paid_cum", "collected_today", "collected_cum",
)

# Form 2's grand total row after the correction, in FORM2_TOTAL_COLUMNS order.
CORRECTED_TOTALS = {
    DAY_1: (17, 3, 2, 2, 4, 4, 2, 2, "22000.00", "22000.00"),
    DAY_2: (17, 5, 3, 5, 6, 10, 3, 4, "31000.00", "53000.00"),
    DAY_3: FORM2_EXPECTED[DAY_3][("TOTAL", "ALL")],
}

# Every released table with a report_date column, as the release writes them.
RELEASED_TABLES = (
    "reports.rpt_form1", "reports.rpt_form2", "marts.fct_unit_daily_progress", "marts.dim_unit",
    "marts.dim_hierarchy", "marts.fct_compliance_daily_camps", "marts.fct_laggards",
)


# --- helpers shared with the other test_failures_* modules ------------------------------------------------


@pytest.fixture
def state_dir(embedded_warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private state folder, so the raw dump archive of one test is not another's."""
    folder = tmp_path / "state"
    monkeypatch.setenv("SAMADHAN_STATE_DIR", str(folder))
    return folder


def write_day(day: date, events: dict[str, str] | None = None) -> Path:
    """Write the hand-made dump of `day` into the landing folder; return the folder."""
    files = {**SNAPSHOTS, **(EVENTS.get(day, {}) if events is None else events)}
    return write_dump(load_settings().landing_dir, day, files)


def form2_total(day: date) -> tuple:
    """Return Form 2's released grand total row of `day`, money as text."""
    columns = ", ".join(FORM2_TOTAL_COLUMNS)
    with connect() as conn:
        row = conn.execute(
            f"select {columns} from reports.rpt_form2 where report_date = %s and unit_level = 'TOTAL'", (day,)
        ).fetchone()
    assert row is not None, f"no released Form 2 total row for {day}"
    return tuple(str(value) if not isinstance(value, int) else value for value in row)


def folder_digest(folder: Path) -> dict[str, str]:
    """Return the sha256 of every file under `folder`, by its path inside the folder."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def released_rows(day: date) -> dict[str, list[tuple[Any, ...]]]:
    """Return every released table's rows of `day`, sorted, so two snapshots compare as values."""
    snapshot = {}
    with connect() as conn:
        for table in RELEASED_TABLES:
            rows = conn.execute(f"select * from {table} where report_date = %s", (day,)).fetchall()
            snapshot[table] = sorted(rows, key=repr)
    return snapshot


def released_snapshot(day: date) -> tuple[dict[str, list[tuple[Any, ...]]], dict[str, str]]:
    """Return what readers see of `day`: its released table rows and the sha256 of its files."""
    return released_rows(day), folder_digest(load_settings().output_dir / day.isoformat())


def query(sql: str, *params: Any) -> list[tuple]:
    with connect() as conn:
        return conn.execute(sql, params or None).fetchall()


def xlsx_text(path: Path) -> str:
    """Return every cell value of every sheet of an XLSX file, joined by newlines."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    values = [
        str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
        for value in row if value is not None
    ]
    workbook.close()
    return "\n".join(values)


def _without_receipt(text: str, receipt_no: str) -> str:
    lines = text.splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(receipt_no + ",")]
    assert len(kept) == len(lines) - 1, f"{receipt_no} not found exactly once"
    return "".join(kept)


# --- corrected dumps -------------------------------------------------------------------------------------


def test_corrected_day_rereleases_later_days(state_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for day in (DAY_1, DAY_2, DAY_3):
        write_day(day)
        pipeline.run_day(day)
    assert form2_total(DAY_1) == FORM2_EXPECTED[DAY_1][("TOTAL", "ALL")]
    assert corrections.find_corrected_days() == []
    old_payments_sha = query(
        "select sha256 from audit.file_loads where dump_date = %s and file_name = 'payments.csv'", DAY_1
    )[0][0]

    corrected_events = dict(EVENTS[DAY_1])
    corrected_events["payments.csv"] = _without_receipt(EVENTS[DAY_1]["payments.csv"], "R21003")
    folder = write_day(DAY_1, corrected_events)
    new_payments_sha = hashlib.sha256((folder / "payments.csv").read_bytes()).hexdigest()

    assert corrections.find_corrected_days() == [DAY_1]
    listing = CliRunner().invoke(_cli(), ["corrections"])
    assert listing.exit_code == 0, listing.output
    assert "2021-10-21 corrected" in listing.output
    assert "rerun needed from 2021-10-21" in listing.output

    # The rerun stops at 23.10 once (a crash, a failed check): 21.10 and 22.10 are re-released by then.
    real_run_day = pipeline.run_day
    stops = []

    def run_day_stopping_once(day: date, run_id: str | None = None) -> str:
        if day == DAY_3 and not stops:
            stops.append(day)
            raise RuntimeError("worker lost")
        return real_run_day(day, run_id=run_id)

    monkeypatch.setattr(pipeline, "run_day", run_day_stopping_once)
    with pytest.raises(corrections.CorrectionStopped, match="stopped at 2021-10-23: worker lost"):
        corrections.apply_corrections()
    assert corrections.find_corrected_days() == []
    assert corrections.stale_days() == [DAY_3]
    assert form2_total(DAY_3) == FORM2_EXPECTED[DAY_3][("TOTAL", "ALL")]

    applied = CliRunner().invoke(_cli(), ["corrections", "--apply"])
    assert applied.exit_code == 0, applied.output
    assert "2021-10-23 stale" in applied.output
    assert "2021-10-23 revision 1 संशोधित: no change in rows or grand totals" in applied.output
    assert corrections.stale_days() == []
    assert corrections.first_day_to_rerun() is None

    for day, expected in CORRECTED_TOTALS.items():
        assert form2_total(day) == expected, day
    releases = query("select report_date, revision, revised from audit.releases order by 1, 2")
    assert releases == [
        (DAY_1, 0, False), (DAY_1, 1, True), (DAY_2, 0, False), (DAY_2, 1, True), (DAY_3, 0, False), (DAY_3, 1, True),
    ]

    # What changed, per re-released day: rows of its own dump and grand totals, before and after.
    changes = {
        row[0]: row[1:] for row in query(
            "select report_date, dump_rows_before -> 'payments.csv', dump_rows_after -> 'payments.csv',"
            " grand_totals_before ->> 'collected_cum', grand_totals_after ->> 'collected_cum',"
            " grand_totals_before ->> 'fully_paid_cum', grand_totals_after ->> 'fully_paid_cum',"
            " form2_rows_before = form2_rows_after from audit.rerelease_changes order by report_date"
        )
    }
    assert changes[DAY_1] == (
        {"loaded": 4, "resent": 0, "quarantined": 0}, {"loaded": 3, "resent": 0, "quarantined": 0},
        "29000.00", "22000.00", "3", "2", True,
    )
    assert changes[DAY_2] == (
        {"loaded": 6, "resent": 1, "quarantined": 0}, {"loaded": 6, "resent": 0, "quarantined": 0},
        "53000.00", "53000.00", "4", "4", True,
    )
    assert changes[DAY_3][2:4] == ("147500.69", "147500.69")

    # Every re-released day carries the revised mark in its people's copies.
    output_dir = load_settings().output_dir
    for day in (DAY_1, DAY_2, DAY_3):
        assert REVISED_MARK in xlsx_text(output_dir / day.isoformat() / "form2.xlsx"), day

    # Traceability: 23.10's revision 1 names 21.10's corrected payments file; revision 0 the first one.
    inputs = dict(query(
        "select revision, sha256 from audit.release_inputs where report_date = %s and dump_date = %s"
        " and file_name = 'payments.csv'", DAY_3, DAY_1,
    ))
    assert inputs == {0: old_payments_sha, 1: new_payments_sha}
    # Both deliveries of 21.10 stay archived, each beside its checksums.
    archives = sorted((state_dir / "archive" / DAY_1.isoformat()).iterdir())
    assert len(archives) == 2
    archived_payments = {hashlib.sha256((archive / "payments.csv").read_bytes()).hexdigest() for archive in archives}
    assert archived_payments == {old_payments_sha, new_payments_sha}


def _cli():
    from samadhan.cli import main

    return main


def test_corrected_day_not_yet_released_is_only_loaded(state_dir: Path) -> None:
    write_day(DAY_1)
    pipeline.run_day(DAY_1)
    write_day(DAY_2)
    pipeline.load_day(DAY_2)
    corrected_events = dict(EVENTS[DAY_2])
    corrected_events["payments.csv"] = _without_receipt(EVENTS[DAY_2]["payments.csv"], "R22004")
    write_day(DAY_2, corrected_events)

    assert corrections.find_corrected_days() == [DAY_2]
    assert corrections.apply_corrections() == []

    assert corrections.find_corrected_days() == []
    assert query("select count(*) from billing.payments where receipt_no = 'R22004'") == [(0,)]
    assert query("select report_date, revision from audit.releases") == [(DAY_1, 0)]


def test_stopped_rerun_fails_airflow_task(monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow.sdk.exceptions import AirflowFailException

    def stopped() -> list:
        raise corrections.CorrectionStopped("Rerun from 2021-10-21 stopped at 2021-10-22: check failed")

    monkeypatch.setattr(corrections, "apply_corrections", stopped)
    with pytest.raises(AirflowFailException, match="stopped at 2021-10-22"):
        corrections.apply_corrections_task()


# --- reruns and traceability -----------------------------------------------------------------------------


def test_rerun_gives_identical_release(state_dir: Path) -> None:
    write_day(DAY_1)
    pipeline.run_day(DAY_1)
    rows_first, files_first = released_snapshot(DAY_1)

    pipeline.run_day(DAY_1)
    rows_again, files_again = released_snapshot(DAY_1)

    assert set(files_first) >= {"form1.csv", "form1.pdf", "form1.xlsx", "form2.csv", "form2.pdf", "form2.xlsx"}
    assert files_again == files_first
    for table in RELEASED_TABLES:
        assert rows_again[table] == rows_first[table], table
    assert query("select revision, revised from audit.releases order by revision") == [(0, False), (1, False)]
    assert REVISED_MARK not in xlsx_text(load_settings().output_dir / DAY_1.isoformat() / "form2.xlsx")


def test_release_names_its_input_files(state_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # One row of five is quarantined: let the release checks accept that share.
    monkeypatch.setenv("SAMADHAN_MAX_QUARANTINE_SHARE", "0.5")
    monkeypatch.setenv("SAMADHAN_WARN_QUARANTINE_SHARE", "0.5")
    quarantined_row = "R21099,3999999999,100.00,21-10-2021 10:21:00,COUNTER,,"
    events = dict(EVENTS[DAY_1])
    events["payments.csv"] = EVENTS[DAY_1]["payments.csv"] + quarantined_row + "\n"
    folder = write_day(DAY_1, events)
    pipeline.run_day(DAY_1)

    landing_sha = {
        dump_file.name: hashlib.sha256((folder / dump_file.name).read_bytes()).hexdigest() for dump_file in DUMP_FILES
    }
    landing_sha[MANIFEST_NAME] = hashlib.sha256((folder / MANIFEST_NAME).read_bytes()).hexdigest()
    inputs = dict(query(
        "select file_name, sha256 from audit.release_inputs where report_date = %s and revision = 0"
        " and dump_date = %s", DAY_1, DAY_1,
    ))
    assert inputs == landing_sha

    # The archive folder is named by the manifest's sha256 and holds every file with its checksum.
    archive_dir = Path(query("select archive_dir from audit.dump_loads where dump_date = %s", DAY_1)[0][0])
    assert archive_dir == state_dir / "archive" / DAY_1.isoformat() / landing_sha[MANIFEST_NAME][:12]
    sums = dict(
        reversed(line.split("  ")) for line in (archive_dir / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    )
    assert sums == landing_sha
    assert folder_digest(archive_dir) == {**landing_sha, "SHA256SUMS": folder_digest(archive_dir)["SHA256SUMS"]}

    # The quarantined row is kept with its raw text and reason, once, and again once after a rerun.
    quarantine_query = (
        "select line_no, raw_text, reason_code from audit.quarantine"
        " where dump_date = %s and file_name = 'payments.csv'"
    )
    quarantined = query(quarantine_query, DAY_1)
    assert len(quarantined) == 1
    assert quarantined[0][:2] == (6, quarantined_row)
    pipeline.run_day(DAY_1)
    assert query(quarantine_query, DAY_1) == quarantined
