"""The DAG files import cleanly, form the expected graph, and follow Airflow 3 idioms."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from samadhan.settings import PROJECT_ROOT

DAGS_DIR = PROJECT_ROOT / "dags"
MANIFEST = PROJECT_ROOT / "dbt_project" / "target" / "manifest.json"


@pytest.fixture(scope="module")
def dag_bag(tmp_path_factory: pytest.TempPathFactory):
    if not MANIFEST.exists():
        pytest.fail(f"{MANIFEST} is missing: run `make install` (it runs `samadhan dbt-parse`) first")
    from airflow.models import DagBag

    return DagBag(dag_folder=str(DAGS_DIR), include_examples=False)


def test_dags_import_without_errors(dag_bag) -> None:
    assert dag_bag.import_errors == {}


def test_daily_dag_tasks_in_order(dag_bag) -> None:
    dag = dag_bag.get_dag("samadhan_daily")
    assert dag is not None
    task_ids = set(dag.task_ids)
    for expected in ("wait_for_dump", "prepare_warehouse", "load_dump", "check", "wait_for_previous_release", "release"):
        assert expected in task_ids
    dbt_tasks = [task_id for task_id in task_ids if task_id.startswith("dbt_build.")]
    assert dbt_tasks, "the Cosmos task group rendered no dbt tasks"

    # Every dbt task lies between the load and the checks.
    load = dag.get_task("load_dump")
    check = dag.get_task("check")
    downstream_of_load = load.get_flat_relative_ids(upstream=False)
    upstream_of_check = check.get_flat_relative_ids(upstream=True)
    for task_id in dbt_tasks:
        assert task_id in downstream_of_load
        assert task_id in upstream_of_check
    assert "release" in dag.get_task("check").get_flat_relative_ids(upstream=False)


def test_daily_dag_schedule_is_ist_day(dag_bag) -> None:
    dag = dag_bag.get_dag("samadhan_daily")
    assert dag.catchup is True
    assert dag.max_active_runs == 1
    assert str(dag.timetable.summary) == "0 0 * * *"
    assert "Asia/Kolkata" in repr(dag.timetable.serialize())


def test_dag_files_pass_ruff_airflow_rules() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [str(ruff), "check", "--select", "AIR", "--no-cache", str(DAGS_DIR)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
