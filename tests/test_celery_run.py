"""`samadhan celery-run`: one day of the DAG under the CeleryExecutor, a scheduler and two workers.

The full run needs the Redis broker at 127.0.0.1:6379. This machine and CI have one; on a fresh
machine without one, the test is skipped. It takes about a minute and a half.
"""

from __future__ import annotations

import socket
from datetime import date
from pathlib import Path

import pytest

from samadhan.celery_run import Service, run_with_celery, workers_by_task
from samadhan.warehouse import ConnectionParams

DAY = date(2021, 10, 21)
TASKS = {
    "wait_for_dump", "prepare_warehouse", "apply_corrections", "load_dump", "dbt_build", "check",
    "wait_for_previous_release", "release",
}


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2):
            return True
    except OSError:
        return False


def test_workers_read_from_their_logs(tmp_path: Path) -> None:
    line = (
        "2026-12-04T23:16:59Z [info ] [20250cf5] Executing workload in Celery: dag_rel_path=... "
        "ti=TaskInstanceDTO(id=UUID('01a2'), task_id='{task}', dag_id='samadhan_daily', ...) type='ExecuteTask'"
    )
    logs = {
        "worker-1": [line.format(task="wait_for_dump"), "[info ] worker-1@vm ready.", line.format(task="check")],
        "worker-2": [line.format(task="dbt_build"), line.format(task="wait_for_dump")],
        "scheduler": [line.format(task="release")],
    }
    services = []
    for name, lines in logs.items():
        path = tmp_path / f"{name}.log"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        services.append(Service(name, process=None, log_path=path))  # type: ignore[arg-type]

    assert workers_by_task(services) == {
        "wait_for_dump": ["worker-1", "worker-2"],
        "check": ["worker-1"],
        "dbt_build": ["worker-2"],
    }


@pytest.mark.skipif(not _redis_answers(), reason="no Redis broker at 127.0.0.1:6379")
def test_day_runs_on_two_celery_workers(
    embedded_server: ConnectionParams, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = ConnectionParams(embedded_server.host, embedded_server.port, embedded_server.user,
                              embedded_server.password, "postgres")
    monkeypatch.setenv("SAMADHAN_DATABASE_URL", server.sqlalchemy_url().replace("postgresql+psycopg", "postgresql"))
    monkeypatch.setenv("SAMADHAN_STATE_DIR", str(tmp_path / "state"))

    figures = run_with_celery(DAY, api_port=28180)

    assert figures["state"] == "success"
    tasks = {task["task_id"]: task for task in figures["tasks"]}
    assert set(tasks) == TASKS
    assert {task["state"] for task in tasks.values()} == {"success"}
    # Every task ran on one of the two workers, and a task that ran once ran on one worker.
    for task_id in TASKS - {"wait_for_dump", "wait_for_previous_release"}:
        assert len(tasks[task_id]["workers"]) == 1, task_id
    used = {worker for task in tasks.values() for worker in task["workers"]}
    assert used <= {"worker-1", "worker-2"}
    assert used
    released = tmp_path / "state" / "celery" / "output" / DAY.isoformat()
    assert {"form1.csv", "form1.pdf", "form2.csv", "form2.pdf"} <= {path.name for path in released.iterdir()}
