"""The DAG files import cleanly, form the expected graph, and follow Airflow 3 idioms."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from samadhan.settings import PROJECT_ROOT

DAGS_DIR = PROJECT_ROOT / "dags"


@pytest.fixture(scope="module")
def dag_bag(tmp_path_factory: pytest.TempPathFactory):
    from airflow.models import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))


def test_dags_import_without_errors(dag_bag) -> None:
    assert dag_bag.import_errors == {}


def test_daily_dag_tasks_in_order(dag_bag) -> None:
    dag = dag_bag.dags["samadhan_daily"]
    assert dag is not None
    task_ids = set(dag.task_ids)
    expected_order = [
        "wait_for_dump", "prepare_warehouse", "apply_corrections", "load_dump", "dbt_build", "check",
        "wait_for_previous_release", "release",
    ]
    assert task_ids == set(expected_order)
    for upstream, downstream in zip(expected_order, expected_order[1:], strict=False):
        assert dag.get_task(upstream).downstream_task_ids == {downstream}


def test_daily_dag_schedule_is_ist_day(dag_bag) -> None:
    dag = dag_bag.dags["samadhan_daily"]
    assert dag.catchup is True
    assert dag.max_active_runs == 1
    assert dag.timetable.expression == "0 0 * * *"
    assert str(dag.timetable.timezone) == "Asia/Kolkata"


def test_dag_files_pass_ruff_airflow_rules() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [str(ruff), "check", "--select", "AIR", "--no-cache", str(DAGS_DIR)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_after_release_dag_waits_for_release(dag_bag) -> None:
    dag = dag_bag.dags["samadhan_after_release"]
    assert set(dag.task_ids) == {"wait_for_release", "generate_notices", "publish_docs"}
    assert dag.get_task("wait_for_release").downstream_task_ids == {"generate_notices", "publish_docs"}
    assert dag.max_active_runs == 1


def test_dags_have_no_end_date_by_default(dag_bag) -> None:
    assert dag_bag.dags["samadhan_daily"].end_date is None
    assert dag_bag.dags["samadhan_after_release"].end_date is None


def test_last_dump_date_sets_end_date(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime, timedelta, timezone

    from airflow.models import DagBag

    monkeypatch.setenv("SAMADHAN_SCHEME_START", "2021-10-21")
    monkeypatch.setenv("SAMADHAN_LAST_DUMP_DATE", "2021-10-23")
    bag = DagBag(dag_folder=str(DAGS_DIR))

    ist = timezone(timedelta(hours=5, minutes=30))
    for dag_id in ("samadhan_daily", "samadhan_after_release"):
        dag = bag.dags[dag_id]
        assert dag.start_date == datetime(2021, 10, 21, tzinfo=ist)
        assert dag.end_date == datetime(2021, 10, 23, tzinfo=ist)


def test_invalid_last_dump_date(monkeypatch: pytest.MonkeyPatch) -> None:
    from samadhan.airflow_support import date_setting

    monkeypatch.setenv("SAMADHAN_LAST_DUMP_DATE", "23-10-2021")
    expected = "SAMADHAN_LAST_DUMP_DATE='23-10-2021' is an invalid date; expected YYYY-MM-DD"
    with pytest.raises(ValueError, match=expected):
        date_setting("SAMADHAN_LAST_DUMP_DATE")
