"""Order and lateness through the real samadhan_daily DAG (`airflow dags test`), on the hand-made population.

21.10 and 22.10 are released; 23.10's dump never arrives; 24.10's does. The run for 23.10 fails its
wait naming the day and the folder; the run for 24.10 loads and builds but never releases, because
23.10 is not released. Both failures write the ALERT log line. Once 23.10 arrives, the two days are
released in order with the hand-computed numbers.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from test_failures import form2_total, query, write_day
from test_forms_by_hand import DAY_1, DAY_2, DAY_3, FORM2_EXPECTED

from samadhan import pipeline
from samadhan.airflow_runner import migrate_metadata_db, run_dag_for_day
from samadhan.settings import load_settings

DAY_4 = date(2021, 10, 24)

# 24.10 brings no events, so its cumulative columns are 23.10's and its "today" columns are zero:
# eligible, notices, camps today, camps, registered today, registered, fully paid today, fully paid,
# collected today, collected.
DAY_4_TOTAL = (17, 6, 0, 7, 0, 12, 0, 8, "0.00", "147500.69")


@pytest.fixture
def airflow_home(embedded_warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "airflow"
    home.mkdir()
    monkeypatch.setenv("AIRFLOW_HOME", str(home))
    monkeypatch.setenv("SAMADHAN_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("SAMADHAN_RELEASE_WAIT_SECONDS", "10")
    monkeypatch.setenv("SAMADHAN_DUMP_DEADLINE_HOURS", "30")
    migrate_metadata_db()
    return home


def test_dump_deadline_setting_moves_the_deadline(embedded_warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = load_settings().landing_dir / DAY_3.isoformat()
    now = datetime(2021, 10, 25, 12, 0, tzinfo=pipeline.IST)

    monkeypatch.setenv("SAMADHAN_DUMP_DEADLINE_HOURS", "72")
    arrival = pipeline.dump_arrival(DAY_3, now=now)
    assert (arrival.complete, arrival.deadline) == (False, datetime(2021, 10, 26, 0, 0, tzinfo=pipeline.IST))

    monkeypatch.setenv("SAMADHAN_DUMP_DEADLINE_HOURS", "30")
    with pytest.raises(pipeline.DumpLate) as late:
        pipeline.dump_arrival(DAY_3, now=now)
    assert "2021-10-23" in str(late.value)
    assert str(folder) in str(late.value)


def test_missing_day_holds_back_later_days(airflow_home: Path, tmp_path: Path) -> None:
    for day in (DAY_1, DAY_2):
        write_day(day)
        pipeline.run_day(day)
    write_day(DAY_4, {})
    output_dir = load_settings().output_dir
    landing_dir = load_settings().landing_dir

    late_log = tmp_path / "dag-day3.log"
    assert run_dag_for_day(DAY_3, log_file=late_log) != 0
    late_text = late_log.read_text(encoding="utf-8")
    assert "Dump for 2021-10-23 not complete" in late_text
    assert str(landing_dir / DAY_3.isoformat()) in late_text
    assert "ALERT samadhan_daily wait_for_dump failed for dump date 2021-10-23" in late_text

    held_log = tmp_path / "dag-day4.log"
    assert run_dag_for_day(DAY_4, log_file=held_log) != 0
    held_text = held_log.read_text(encoding="utf-8")
    assert "ALERT samadhan_daily wait_for_previous_release failed for dump date 2021-10-24" in held_text
    assert query("select count(*) from audit.dump_loads where dump_date = %s", DAY_4) == [(1,)]
    assert query("select count(*) from audit.releases where report_date >= %s", DAY_3) == [(0,)]
    assert query("select count(*) from reports.rpt_form2 where report_date >= %s", DAY_3) == [(0,)]
    assert not (output_dir / DAY_4.isoformat()).exists()

    # The late dump arrives: 23.10, then 24.10, are released in order.
    write_day(DAY_3)
    pipeline.run_day(DAY_3)
    pipeline.run_day(DAY_4)
    assert form2_total(DAY_3) == FORM2_EXPECTED[DAY_3][("TOTAL", "ALL")]
    assert form2_total(DAY_4) == DAY_4_TOTAL
    assert query("select report_date from audit.releases order by 1") == [(DAY_1,), (DAY_2,), (DAY_3,), (DAY_4,)]
